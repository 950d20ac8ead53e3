"""kubectl's JSONPath dialect (``k8s.io/client-go/util/jsonpath``), as ``-o jsonpath=`` and
``custom-columns`` use it.

Templates mix text and ``{…}`` actions: paths (``.a.b``, ``['a.b']``, ``.a\\.b`` for a dot in a key,
``[0]``, ``[-1]``, ``[1:3]``, ``[*]``, ``.*``, ``..name``, filters ``[?(@.type=="InternalIP")]`` with ==,
!=, <, <=, >, >= or a bare existence test), string literals (``{"\\n"}``) and ``{range …}…{end}``. Several
results of one action are joined with a space; maps and lists print as compact JSON. Missing keys print
nothing (kubectl sets AllowMissingKeys); an index out of range is an error, as in kubectl.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aksnet.errors import KubeError


class JsonPathError(KubeError):
    pass


# -- parsing --------------------------------------------------------------------------------------
@dataclass
class Text:
    value: str


@dataclass
class Path:
    steps: list[tuple[str, Any]]
    source: str


@dataclass
class Range:
    path: Path
    body: list[Any]


def parse_template(template: str) -> list[Any]:
    """The template as nodes (Text, Path, Range)."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            tokens.append(("text", template[i:]))
            break
        if j > i:
            tokens.append(("text", template[i:j]))
        k = _find_close(template, j)
        if k < 0:
            raise JsonPathError(f"error: error parsing jsonpath {template}, unclosed action")
        tokens.append(("action", template[j + 1:k].strip()))
        i = k + 1
    nodes, pos = _build(tokens, 0, template)
    if pos != len(tokens):
        raise JsonPathError(f"error: error parsing jsonpath {template}, not in range, nothing to end")
    return nodes


def _find_close(s: str, start: int) -> int:
    quote = None
    i = start + 1
    while i < len(s):
        ch = s[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return i
        i += 1
    return -1


def _build(tokens: list[tuple[str, str]], pos: int, template: str) -> tuple[list[Any], int]:
    nodes: list[Any] = []
    while pos < len(tokens):
        kind, value = tokens[pos]
        pos += 1
        if kind == "text":
            nodes.append(Text(value))
            continue
        if value == "end":
            return nodes, pos - 1
        if value.startswith("range "):
            body, pos = _build(tokens, pos, template)
            if pos >= len(tokens) or tokens[pos] != ("action", "end"):
                raise JsonPathError(f"error: error parsing jsonpath {template}, unclosed range")
            pos += 1
            nodes.append(Range(parse_path(value[6:].strip(), template), body))
            continue
        if value.startswith(('"', "'")):
            nodes.append(Text(_unquote(value, template)))
            continue
        nodes.append(parse_path(value, template))
    return nodes, pos


def _unquote(value: str, template: str) -> str:
    if len(value) < 2 or value[-1] != value[0]:
        raise JsonPathError(f"error: error parsing jsonpath {template}, unterminated quoted string")
    body = value[1:-1]
    return body.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in body else body


_FIELD = re.compile(r"((?:\\.|[^.\[\]\\])+)")


def parse_path(text: str, template: str = "") -> Path:
    src = text
    steps: list[tuple[str, Any]] = []
    i = 0
    if text.startswith(("$", "@")):
        i = 1
    while i < len(text):
        ch = text[i]
        if text.startswith("..", i):
            m = _FIELD.match(text, i + 2)
            if not m:
                raise JsonPathError(f"error: error parsing jsonpath {template or src}, invalid recursive descent")
            steps.append(("recurse", _unescape(m.group(1))))
            i = m.end()
        elif ch == ".":
            if text.startswith(".*", i):
                steps.append(("wildcard", None))
                i += 2
                continue
            m = _FIELD.match(text, i + 1)
            if not m:
                i += 1  # a bare "." is the current object
                continue
            steps.append(("field", _unescape(m.group(1))))
            i = m.end()
        elif ch == "[":
            j = _match_bracket(text, i)
            if j < 0:
                raise JsonPathError(f"error: error parsing jsonpath {template or src}, unterminated array")
            steps.append(_bracket(text[i + 1:j], template or src))
            i = j + 1
        elif ch.isspace():
            i += 1
        else:
            m = _FIELD.match(text, i)
            if not m:
                raise JsonPathError(f"error: error parsing jsonpath {template or src}, unrecognized character "
                                    f"in action: {ch!r}")
            steps.append(("field", _unescape(m.group(1))))
            i = m.end()
    return Path(steps, src)


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def _match_bracket(s: str, start: int) -> int:
    depth, quote = 0, None
    for i in range(start, len(s)):
        ch = s[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _bracket(inner: str, template: str) -> tuple[str, Any]:
    inner = inner.strip()
    if inner == "*":
        return ("wildcard", None)
    if inner.startswith("?(") and inner.endswith(")"):
        return ("filter", _parse_filter(inner[2:-1].strip(), template))
    if inner[:1] in "\"'":
        names = [_unquote(p.strip(), template) for p in _split_top(inner)]
        return ("fields", names)
    if ":" in inner:
        parts = inner.split(":")
        nums = [int(p) if p.strip() else None for p in parts]
        return ("slice", [*nums, None, None, None][:3])
    if "," in inner:
        return ("indexes", [int(p) for p in inner.split(",")])
    try:
        return ("index", int(inner))
    except ValueError:
        raise JsonPathError(f"error: error parsing jsonpath {template}, invalid array index {inner}") from None


def _split_top(s: str) -> list[str]:
    out, cur, quote = [], "", None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur += ch
        elif ch == ",":
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


_OPS = ("==", "!=", "<=", ">=", "<", ">", "=~")


def _parse_filter(expr: str, template: str) -> tuple[Path, str | None, Any]:
    for op in _OPS:
        idx = _find_op(expr, op)
        if idx >= 0:
            left, right = expr[:idx].strip(), expr[idx + len(op):].strip()
            return (parse_path(left, template), op, _literal(right, template))
    return (parse_path(expr, template), None, None)


def _find_op(expr: str, op: str) -> int:
    quote = None
    for i in range(len(expr)):
        ch = expr[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif expr.startswith(op, i):
            return i
    return -1


def _literal(text: str, template: str) -> Any:
    if text[:1] in "\"'":
        return _unquote(text, template)
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("@") or text.startswith("$"):
        return parse_path(text, template)
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


# -- evaluation -----------------------------------------------------------------------------------
_MISSING = object()


def evaluate(path: Path, root: Any, template: str) -> list[Any]:
    values = [root]
    for kind, arg in path.steps:
        nxt: list[Any] = []
        for v in values:
            nxt.extend(_step(kind, arg, v, template))
        values = nxt
    return values


def _step(kind: str, arg: Any, v: Any, template: str) -> list[Any]:
    if kind == "field":
        if isinstance(v, dict) and arg in v:
            return [v[arg]]
        return []
    if kind == "fields":
        return [v[a] for a in arg if isinstance(v, dict) and a in v]
    if kind == "wildcard":
        if isinstance(v, dict):
            return [v[k] for k in sorted(v)]
        if isinstance(v, list):
            return list(v)
        return []
    if kind == "recurse":
        out: list[Any] = []
        _recurse(v, arg, out)
        return out
    if kind in ("index", "indexes"):
        if not isinstance(v, list):
            return []
        out = []
        for idx in (arg if kind == "indexes" else [arg]):
            i = idx + len(v) if idx < 0 else idx
            if not 0 <= i < len(v):
                raise JsonPathError(f"error: error executing jsonpath {json.dumps(template)}: Error executing "
                                    f"template: array index out of bounds: index {idx}, length {len(v)}. "
                                    "Printing more information for debugging the template:\n\ttemplate was:\n\t\t"
                                    f"{template}\n")
            out.append(v[i])
        return out
    if kind == "slice":
        if not isinstance(v, list):
            return []
        start, stop, step = arg
        return v[slice(start, stop, step or None)]
    if kind == "filter":
        if isinstance(v, dict):
            v = [v[k] for k in sorted(v)]
        if not isinstance(v, list):
            return []
        return [item for item in v if _test(arg, item, template)]
    return []


def _recurse(v: Any, name: str, out: list[Any]) -> None:
    if isinstance(v, dict):
        if name in v:
            out.append(v[name])
        for k in v:
            _recurse(v[k], name, out)
    elif isinstance(v, list):
        for item in v:
            _recurse(item, name, out)


def _test(flt: tuple[Path, str | None, Any], item: Any, template: str) -> bool:
    path, op, right = flt
    left = evaluate(path, item, template)
    if op is None:
        return bool(left)
    if not left:
        return False
    rv = evaluate(right, item, template) if isinstance(right, Path) else [right]
    if not rv:
        return False
    a, b = left[0], rv[0]
    try:
        if op == "==":
            return bool(a == b)
        if op == "!=":
            return bool(a != b)
        if op == "=~":
            return re.search(str(b), str(a)) is not None
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])
        return bool({"<": str(a) < str(b), "<=": str(a) <= str(b), ">": str(a) > str(b),
                     ">=": str(a) >= str(b)}[op])
    except TypeError:
        return False


def format_value(v: Any) -> str:
    """How kubectl's jsonpath printer shows one value."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), sort_keys=True)
    return str(v)


def go_value(v: Any) -> str:
    """A value as Go's ``fmt`` ``%v`` prints the decoded JSON (custom-columns, go-template): maps as
    ``map[k:v ...]`` with sorted keys, slices as ``[a b]``, whole floats without a point, null as ``<nil>``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "<nil>"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_value(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(go_value(x) for x in v) + "]"
    return str(v)


def values(template: str, root: Any) -> list[Any]:
    """Every value the template's expressions yield, in order (texts and ranges left out): what
    ``-o jsonpath-as-json`` and custom-columns collect."""
    out: list[Any] = []
    for node in parse_template(template):
        if isinstance(node, Range):
            for item in evaluate(node.path, root, template):
                out.extend(values_of_body(node.body, item, template))
        elif not isinstance(node, Text):
            out.extend(evaluate(node, root, template))
    return out


def values_of_body(body: list[Any], cur: Any, template: str) -> list[Any]:
    out: list[Any] = []
    for node in body:
        if not isinstance(node, (Text, Range)):
            out.extend(evaluate(node, cur, template))
    return out


def render_as_json(template: str, root: Any) -> str:
    """``-o jsonpath-as-json``: the results as one JSON array, indented four spaces (kubectl's JSONPath
    ``EnableJSONOutput``)."""
    return json.dumps(values(template, root), indent=4, ensure_ascii=False) + "\n"


def render(template: str, root: Any) -> str:
    """Execute a kubectl JSONPath template against ``root``."""
    nodes = parse_template(template)
    out: list[str] = []
    _exec(nodes, root, out, template)
    return "".join(out)


def _exec(nodes: list[Any], cur: Any, out: list[str], template: str) -> None:
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.value)
        elif isinstance(node, Range):
            for item in evaluate(node.path, cur, template):
                items = item if isinstance(item, list) and node.path.steps and node.path.steps[-1][0] not in (
                    "wildcard", "filter", "slice", "indexes") else [item]
                for it in items:
                    _exec(node.body, it, out, template)
        else:
            vals = evaluate(node, cur, template)
            out.append(" ".join(format_value(v) for v in vals))
