"""``kubectl get -o go-template=…``: the part of Go's text/template that kubectl users write.

Actions: ``{{.a.b}}`` (field chains from ``.``, ``$`` the root, ``$k`` a range variable),
``{{range [$k, $v :=] PIPE}}…{{else}}…{{end}}`` (over list items or map values in key order; ``.`` is the
item), ``{{if PIPE}}…{{else}}…{{end}}`` (Go truth: empty, zero, nil are false), ``{{with PIPE}}…{{end}}``,
string/number literals, and the functions ``index``, ``len``, ``printf`` (``%s``/``%d``/``%v``),
``eq``/``ne``, ``not``, ``and``/``or``; ``{{- `` and `` -}}`` trim whitespace. Values print as Go's ``%v``
does (``map[k:v]``, ``[a b]``, ``<no value>`` for a missing key). Source: Go text/template docs
(pkg.go.dev/text/template); kubectl's go-template printer runs templates with ``missingkey`` default.
Pure: template and document in, text out; errors in kubectl's words.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from aksnet.cli.kubectl.jsonpath import go_value
from aksnet.errors import KubeError

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)
_MISSING = object()


@dataclass
class _Block:
    kind: str  # root | range | if | with
    pipe: str = ""
    body: list[Any] = field(default_factory=list)
    alt: list[Any] | None = None


def _parse(template: str) -> _Block:
    root = _Block("root")
    stack = [root]
    pos = 0
    for m in _ACTION.finditer(template):
        text = template[pos:m.start()]
        if m.group(1):
            text = text.rstrip()
        cur = stack[-1]
        target = cur.alt if cur.alt is not None else cur.body
        if text:
            target.append(text)
        pos = m.end()
        if m.group(3):
            rest = template[pos:]
            pos += len(rest) - len(rest.lstrip())
        action = m.group(2)
        word = action.split(" ", 1)[0]
        if word in ("range", "if", "with"):
            block = _Block(word, action[len(word):].strip())
            target.append(block)
            stack.append(block)
        elif word == "else":
            cur.alt = []
        elif word == "end":
            if len(stack) == 1:
                raise KubeError(f'error: error parsing template {template}, template: output:1: unexpected {{{{end}}}}')
            stack.pop()
        elif action.startswith("/*"):
            continue
        else:
            target.append(("pipe", action))
    if len(stack) != 1:
        raise KubeError(f"error: error parsing template {template}, template: output:1: unexpected EOF")
    rest = template[pos:]
    if rest:
        root.body.append(rest)
    return root


def _field(cur: Any, chain: str) -> Any:
    for part in [p for p in chain.split(".") if p]:
        if isinstance(cur, dict):
            cur = cur.get(part, _MISSING)
        else:
            return _MISSING
        if cur is _MISSING:
            return _MISSING
    return cur


def _arg(token: str, dot: Any, root: Any) -> Any:
    if token.startswith(("'", '"')) or token.startswith("`"):
        return token
    if token.startswith("."):
        return _field(dot, token)
    if token.startswith("$"):
        return _field(root, token[1:])
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if token in ("true", "false"):
        return token == "true"
    if token == "nil":
        return None
    raise KubeError(f'error: error parsing template: function "{token}" not defined')


def _truth(v: Any) -> bool:
    return v not in (_MISSING, None, False, 0, "") and not (isinstance(v, (list, dict)) and not v)


def _printf(fmt: str, args: list[Any]) -> str:
    it = iter(args)
    return re.sub(r"%[svdq%]", lambda m: "%" if m.group(0) == "%%" else (
        f'"{next(it, "")}"' if m.group(0) == "%q" else go_value(next(it, None))), fmt)


def _call(words: list[str], dot: Any, root: Any) -> Any:
    fn, raw = words[0], words[1:]
    args = [_arg(w, dot, root) for w in raw]
    args = [a[1:-1] if isinstance(a, str) and raw[i][:1] in "'\"`" else a for i, a in enumerate(args)]
    if fn == "index":
        cur = args[0]
        for key in args[1:]:
            cur = cur[key] if isinstance(cur, list) and isinstance(key, int) and key < len(cur) else (
                cur.get(key, _MISSING) if isinstance(cur, dict) else _MISSING)
        return cur
    if fn == "len":
        return len(args[0]) if isinstance(args[0], (list, dict, str)) else 0
    if fn == "printf":
        return _printf(str(args[0]), args[1:])
    if fn in ("eq", "ne"):
        same = any(args[0] == a for a in args[1:])
        return same if fn == "eq" else not same
    if fn == "not":
        return not _truth(args[0])
    if fn == "and":
        return next((a for a in args if not _truth(a)), args[-1])
    if fn == "or":
        return next((a for a in args if _truth(a)), args[-1])
    raise KubeError(f'error: error parsing template: function "{fn}" not defined')


def _eval(pipe: str, dot: Any, root: Any) -> Any:
    words = shlex.split(pipe, posix=False)
    if len(words) == 1:
        w = words[0]
        if w == ".":
            return dot
        if w == "$":
            return root
        value = _arg(w, dot, root)
        return value[1:-1] if isinstance(value, str) and w[:1] in "'\"`" else value
    return _call(words, dot, root)


def _run(nodes: list[Any], dot: Any, root: Any, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, tuple):
            v = _eval(node[1], dot, root)
            out.append("<no value>" if v is _MISSING else go_value(v))
        elif node.kind == "range":
            names, _, pipe = node.pipe.rpartition(":=")
            v = _eval(pipe.strip(), dot, root)
            pairs = [(k, v[k]) for k in sorted(v)] if isinstance(v, dict) else (
                list(enumerate(v)) if isinstance(v, list) else [])
            var = [n.strip().lstrip("$") for n in names.split(",")] if names else []
            for key, item in pairs:
                scope = {**root, **dict(zip(var[-2:] if len(var) == 2 else [], (key, item), strict=False)),
                         **({var[0]: item} if len(var) == 1 else {})} if var and isinstance(root, dict) else root
                _run(node.body, item, scope, out)
            if not pairs and node.alt is not None:
                _run(node.alt, dot, root, out)
        else:
            v = _eval(node.pipe, dot, root)
            if _truth(v):
                _run(node.body, v if node.kind == "with" else dot, root, out)
            elif node.alt is not None:
                _run(node.alt, dot, root, out)


def render(template: str, root: Any) -> str:
    """Execute ``template`` with ``.`` and ``$`` bound to ``root``."""
    out: list[str] = []
    _run(_parse(template).body, root, root, out)
    return "".join(out)
