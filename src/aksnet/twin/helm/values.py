"""Helm values: ``--set`` / ``--set-string`` parsing (helm's ``strvals``), ``-f`` files, and coalescing user
values over a chart's defaults.

Sources: helm ``pkg/strvals/parser.go`` (``a.b=c,d[0]=e``, ``{a,b}`` lists, ``\\.`` / ``\\,`` escapes, typed
values: ``true``/``false`` → booleans, ``null`` → delete, integers without a leading zero → int64, else
strings), ``pkg/chartutil/coalesce.go`` (maps merge key by key, user values win, ``null`` removes a default),
``pkg/cli/values/options.go`` (order: ``-f`` files, then ``--set``, then ``--set-string``). Pure; raises
:class:`HelmError` with helm's texts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

from aksnet.errors import AksnetError, KubeError
from aksnet.io.manifests import MAX_DEPTH, decode_text, nesting_depth

Values = dict[str, Any]


class HelmError(AksnetError):
    """An error as helm prints it (``Error: …``); ``message`` is the text after ``Error: ``."""

    def render(self) -> str:
        return f"Error: {self.message}"


_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")


def typed(value: str) -> Any:
    """``strvals.typedVal``: booleans, null and integers are typed; anything else stays a string."""
    if value.lower() == "true":
        return True
    if value.lower() == "false":
        return False
    if value.lower() == "null":
        return None
    if _INT.match(value):
        return int(value)
    return value


def _split_unescaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside ``{…}`` and not preceded by a backslash (escapes kept for the next stage)."""
    out, cur, depth, i = [], "", 0, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur += text[i:i + 2]
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _key_path(key: str, expr: str) -> list[str | int]:
    """``a.b\\.c[0].d`` → ``["a", "b.c", 0, "d"]``."""
    path: list[str | int] = []
    for part in _split_unescaped(key, "."):
        m = re.match(r"^(.*?)((?:\[\d+\])+)$", part)
        name, idx = (m.group(1), m.group(2)) if m else (part, "")
        if name == "" and (not idx or not path):
            raise HelmError(f'failed parsing --set data: key map "{key}" has no value')
        if name:
            path.append(_unescape(name))
        for n in re.findall(r"\[(\d+)\]", idx):
            path.append(int(n))
    return path


def _parse_value(raw: str, string: bool) -> Any:
    if raw.startswith("{") and raw.endswith("}"):
        items = [_unescape(v) for v in _split_unescaped(raw[1:-1], ",")] if raw[1:-1] else []
        return [v if string else typed(v) for v in items]
    v = _unescape(raw)
    return v if string else typed(v)


def _assign(target: Values, path: list[str | int], value: Any, expr: str) -> None:
    cur: Any = target
    for i, seg in enumerate(path):
        last = i == len(path) - 1
        nxt: Any = {} if last or isinstance(path[i + 1], str) else []
        if isinstance(seg, int):
            if not isinstance(cur, list):
                raise HelmError(f"failed parsing --set data: error parsing index: {expr}")
            while len(cur) <= seg:
                cur.append(None)
            if last:
                cur[seg] = value
            else:
                if not isinstance(cur[seg], (dict, list)):
                    cur[seg] = nxt
                cur = cur[seg]
        else:
            if not isinstance(cur, dict):
                raise HelmError(f"failed parsing --set data: key \"{seg}\" has no value")
            if last:
                cur[seg] = value
            else:
                held = cur.get(seg)
                if not isinstance(held, (dict, list)) or isinstance(held, list) != isinstance(nxt, list):
                    cur[seg] = nxt
                cur = cur[seg]


def parse_set(expr: str, base: Values | None = None, string: bool = False) -> Values:
    """Apply one ``--set`` argument (``a.b=1,c=x``) to ``base`` (a new dict when None) and return it."""
    out = base if base is not None else {}
    for assignment in _split_unescaped(expr, ","):
        if assignment == "":
            raise HelmError(f'failed parsing --set data: key "{expr}" has no value (cannot end with ,)')
        parts = _split_unescaped(assignment, "=")
        if len(parts) < 2:
            raise HelmError(f'failed parsing --set data: key "{assignment}" has no value')
        key, raw = parts[0], "=".join(parts[1:])
        _assign(out, _key_path(key, expr), _parse_value(raw, string), expr)
    return out


def load_values_file(path: str) -> Values:
    """``-f FILE``: a YAML mapping (helm: ``failed to parse FILE: …`` for anything else)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError:
        raise HelmError(f"open {path}: no such file or directory") from None
    try:
        data = yaml.safe_load(decode_text(raw, path))
        if nesting_depth(data) > MAX_DEPTH:
            raise RecursionError
    except KubeError as exc:  # not UTF-8: go-yaml's text, as helm prints it
        text = exc.render().split("error converting YAML to JSON: ", 1)[-1]
        raise HelmError(f"failed to parse {path}: error converting YAML to JSON: {text}") from None
    except RecursionError:
        raise HelmError(f"failed to parse {path}: error converting YAML to JSON: yaml: exceeded max depth of "
                        f"{MAX_DEPTH}") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise HelmError(f"failed to parse {path}: error converting YAML to JSON: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise HelmError(f"failed to parse {path}: error unmarshaling JSON: json: cannot unmarshal "
                        f"{type(data).__name__} into Go value of type map[string]interface {{}}")
    return data


def merge_user_values(base: Values, override: Values) -> Values:
    """``mergeMaps``: user value sources layered in order (maps merge, everything else replaced)."""
    out = copy.deepcopy(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_user_values(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def coalesce(defaults: Values, user: Values) -> Values:
    """``chartutil.CoalesceValues``: the chart's defaults with the user's values on top; ``null`` deletes."""
    out = copy.deepcopy(defaults)
    for k, v in user.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = coalesce(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def user_values(files: list[str], sets: list[str], set_strings: list[str]) -> Values:
    """The user-supplied values of one command, in helm's order: files, ``--set``, ``--set-string``."""
    out: Values = {}
    for f in files:
        out = merge_user_values(out, load_values_file(f))
    for s in sets:
        parse_set(s, out)
    for s in set_strings:
        parse_set(s, out, string=True)
    return out


def get_path(values: Values, dotted: str, default: Any = None) -> Any:
    cur: Any = values
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return default
        cur = cur[part]
    return cur
