"""Label and field selectors as ``kubectl -l`` and ``--field-selector`` take them.

Grammar of ``k8s.io/apimachinery/pkg/labels.Parse``: comma-separated requirements ``k=v``, ``k==v``,
``k!=v``, ``k in (a,b)``, ``k notin (a,b)``, ``k`` (exists), ``!k`` (does not exist). Field selectors
(``fields.ParseSelector``): ``path=v``, ``path==v``, ``path!=v`` over the fields each resource supports.
Must not read the workspace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aksnet.errors import KubeError

Matcher = Callable[[dict[str, str]], bool]


class SelectorError(KubeError):
    """A label selector ``labels.Parse`` rejects; ``detail`` is its message. Rendered as the API server's
    400 when the selector names the resource listed (``Unable to find {"" "v1" "pods"} that match label
    selector …``), else as a client-side ``error: …``."""

    def __init__(self, detail: str, text: str | None = None) -> None:
        super().__init__(text or f"error: {detail}")
        self.detail = detail

    def for_resource(self, group: str, version: str, plural: str, selector: str, field_selector: str = "") -> KubeError:
        return SelectorError(self.detail, f'Error from server (BadRequest): Unable to find {{"{group}" "{version}" '
                                          f'"{plural}"}} that match label selector "{selector}", field selector '
                                          f'"{field_selector}": {self.detail}')


# The lexer of ``k8s.io/apimachinery/pkg/labels/selector.go``: special symbols, then identifiers (any run of
# other non-blank characters; ``in``/``notin`` are keywords only where an operator is expected).
_SYMBOLS = ("!=", "==", "!", "=", "(", ")", ",", ">", "<")
_SPECIAL = set("!=(),<>")
_BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"


def _lex(text: str) -> list[str]:
    toks: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
            continue
        sym = next((x for x in _SYMBOLS if text.startswith(x, i)), None)
        if sym is not None:
            toks.append(sym)
            i += len(sym)
            continue
        j = i
        while j < len(text) and not text[j].isspace() and text[j] not in _SPECIAL:
            j += 1
        toks.append(text[i:j])
        i = j
    return toks


def _is_ident(tok: str | None) -> bool:
    return tok is not None and tok not in _SYMBOLS


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _lex(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> str | None:
        tok = self.peek()
        self.pos += 1
        return tok

    def parse(self) -> list[Matcher]:
        reqs: list[Matcher] = []
        while True:
            tok = self.peek()
            if tok is None:
                return reqs
            if not (_is_ident(tok) or tok == "!"):
                raise SelectorError(f"found '{tok}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except SelectorError as exc:
                raise SelectorError(f"unable to parse requirement: {exc.detail}") from None
            nxt = self.take()
            if nxt is None:
                return reqs
            if nxt != ",":
                raise SelectorError(f"found '{nxt}', expected: ',' or 'end of string'")
            after = self.peek()
            if not (_is_ident(after) or after == "!"):
                raise SelectorError(f"found '{after or ''}', expected: identifier after ','")

    def requirement(self) -> Matcher:
        negate = False
        tok = self.take()
        if tok == "!":
            negate = True
            tok = self.take()
        if not _is_ident(tok):
            raise SelectorError(f"found '{tok or ''}', expected: identifier")
        key = str(tok)
        _check_key(key)
        if negate:  # what follows is the caller's to check
            return lambda labels: key not in labels
        if self.peek() in (None, ","):
            return lambda labels: key in labels
        op = self.take()
        if op in ("in", "notin"):
            values = self.values(key)
            if op == "in":
                return lambda labels: key in labels and labels[key] in values
            return lambda labels: key not in labels or labels[key] not in values
        if op in ("=", "==", "!="):
            value = self.exact_value(key)
            if op == "!=":
                return lambda labels: labels.get(key) != value
            return lambda labels: key in labels and labels[key] == value
        if op in (">", "<"):
            value = self.exact_value(key)
            try:
                bound = int(value)
            except ValueError:
                raise SelectorError(f"for 'Gt', 'Lt' operators, the value must be an integer: {value}") from None
            greater = op == ">"
            return lambda labels: _int_compare(labels.get(key), bound, greater)
        raise SelectorError(f"found '{op or ''}', expected: {_BINARY_OPERATORS}")

    def values(self, key: str) -> set[str]:
        tok = self.take()
        if tok != "(":
            raise SelectorError(f"found '{tok or ''}' expected: '('")
        nxt = self.peek()
        if nxt == ")":
            self.take()
            vals = {""}
        elif _is_ident(nxt) or nxt == ",":
            vals = self.identifiers()
            close = self.take()
            if close != ")":
                raise SelectorError(f"found '{close or ''}', expected: ')'")
        else:
            raise SelectorError(f"found '{nxt or ''}', expected: ',', ')' or identifier")
        for v in sorted(vals):
            _check_value(key, v)
        return vals

    def identifiers(self) -> set[str]:
        vals: set[str] = set()
        while True:
            tok = self.take()
            if _is_ident(tok):
                vals.add(str(tok))
                nxt = self.peek()
                if nxt == ",":
                    continue
                if nxt == ")":
                    return vals
                raise SelectorError(f"found '{nxt or ''}', expected: ',' or ')'")
            if tok == ",":
                if not vals:
                    vals.add("")
                nxt = self.peek()
                if nxt == ")":
                    vals.add("")
                    return vals
                if nxt == ",":
                    self.take()
                    vals.add("")
                continue
            raise SelectorError(f"found '{tok or ''}', expected: ',', or identifier")

    def exact_value(self, key: str) -> str:
        tok = self.peek()
        if tok in (None, ","):
            return ""
        self.take()
        if _is_ident(tok):
            _check_value(key, str(tok))
            return str(tok)
        raise SelectorError(f"found '{tok}', expected: identifier")


def _int_compare(value: str | None, bound: int, greater: bool) -> bool:
    if value is None:
        return False
    try:
        n = int(value)
    except ValueError:
        return False
    return n > bound if greater else n < bound


def _check_key(key: str) -> None:
    from aksnet.twin.kube.validation_common import validate_label_key

    # validateLabelKey(k, nil): a field error without a path
    errs = validate_label_key(key, "<nil>")
    if errs:
        raise SelectorError(errs[0])


def _check_value(key: str, value: str) -> None:
    from aksnet.twin.kube.validation_common import invalid, label_value_errors

    # validateLabelValue(k, v, path.Key(k)) with a nil path
    errs = label_value_errors(value)
    if errs:
        raise SelectorError(invalid(f"[{key}]", value, "; ".join(errs)))


def parse_label_selector(text: str) -> Matcher:
    """A predicate over label maps for a kubectl label selector string (raises SelectorError when malformed)."""
    reqs = _Parser(text).parse()
    return lambda labels: all(r(labels) for r in reqs)


# Field selectors each resource supports (besides metadata.name and metadata.namespace).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "Node": ("spec.unschedulable",),
    "Secret": ("type",),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type"),
    "Namespace": ("status.phase",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
}


def _field(doc: dict[str, Any], path: str) -> str:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, dict) and path == "source":
        return str(cur.get("component", ""))
    return str(cur)


def parse_field_selector(text: str, kind: str, plural: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate over documents for ``--field-selector`` (kubectl's errors for unsupported fields)."""
    reqs: list[tuple[str, bool, str]] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        m = re.match(r"^([^=!]+?)\s*(==|=|!=)\s*(.*)$", part)
        if m is None:
            raise KubeError(f'error: invalid selector: \'{text}\'; can\'t understand \'{part}\'')
        path, op, value = m.group(1), m.group(2), m.group(3)
        if path not in ("metadata.name", "metadata.namespace") and path not in FIELD_LABELS.get(kind, ()):
            raise KubeError(
                f'Error from server (BadRequest): Unable to find {{"" "v1" "{plural}"}} that match label selector '
                f'"", field selector "{text}": field label not supported: {path}'
            )
        reqs.append((path, op != "!=", value))
    return lambda doc: all((_field(doc, p) == v) == eq for p, eq, v in reqs)
