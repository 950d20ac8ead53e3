"""Calico's selector expressions (``selector``, ``namespaceSelector`` of Calico policies and rules), parsed once
and matched against label maps.

Grammar, as Calico documents it (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
``all()``, ``global()`` (non-namespaced endpoints: never a pod), ``k == 'v'``, ``k != 'v'`` (also true when the
label is absent), ``has(k)``, ``k in {'a', 'b'}``, ``k not in {…}`` (true when absent), ``k contains 's'``,
``k starts with 's'``, ``k ends with 's'``, ``!expr``, ``expr && expr`` (binds tighter than ``||``),
``expr || expr`` and parentheses; strings in single or double quotes. An empty expression is ``all()``.
Stdlib only; a malformed expression raises :class:`ValueError` with the place it failed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# A node of the parsed expression: ("all",) ("global",) ("has", k) ("==", k, v) ("!=", k, v) ("in", k, values)
# ("notin", k, values) ("contains"|"starts"|"ends", k, s) ("not", node) ("and", a, b) ("or", a, b)
Node = tuple[object, ...]

_TOKEN = re.compile(r"""\s*(?:(?P<str>'[^']*'|"[^"]*")|(?P<op>==|!=|&&|\|\||[!(){},])|(?P<word>[A-Za-z0-9_./-]+))""")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unexpected character at position {pos} of '{text}'")
        out.append(m.group("str") or m.group("op") or m.group("word"))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self, k: int = 0) -> str | None:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else None

    def take(self, want: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (want is not None and tok != want):
            raise ValueError(f"expected {want or 'more'} in '{self.text}'" + (f", found '{tok}'" if tok else ""))
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.conj()
        while self.peek() == "||":
            self.take()
            node = ("or", node, self.conj())
        return node

    def conj(self) -> Node:
        node = self.unary()
        while self.peek() == "&&":
            self.take()
            node = ("and", node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok == "!":
            self.take()
            return ("not", self.unary())
        if tok == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if tok in ("all", "global", "has") and self.peek(1) == "(":
            self.take()
            self.take("(")
            if tok == "has":
                key = self.word()
                self.take(")")
                return ("has", key)
            self.take(")")
            return (tok,)
        key = self.word()
        op = self.take()
        if op in ("==", "!="):
            return (op, key, self.string())
        if op == "in":
            return ("in", key, self.values())
        if op == "not":
            self.take("in")
            return ("notin", key, self.values())
        if op == "contains":
            return ("contains", key, self.string())
        if op in ("starts", "ends"):
            self.take("with")
            return (op, key, self.string())
        raise ValueError(f"unknown operator '{op}' in '{self.text}'")

    def word(self) -> str:
        tok = self.take()
        if tok[0] in "'\"" or not re.fullmatch(r"[A-Za-z0-9_./-]+", tok):
            raise ValueError(f"expected a label key in '{self.text}', found '{tok}'")
        return tok

    def string(self) -> str:
        tok = self.take()
        if tok[0] not in "'\"":
            raise ValueError(f"expected a quoted value in '{self.text}', found '{tok}'")
        return tok[1:-1]

    def values(self) -> frozenset[str]:
        self.take("{")
        out: set[str] = set()
        while self.peek() != "}":
            out.add(self.string())
            if self.peek() == ",":
                self.take()
        self.take("}")
        return frozenset(out)


def _match(node: Node, labels: Mapping[str, str]) -> bool:
    op = node[0]
    if op == "all":
        return True
    if op == "global":
        return False  # non-namespaced endpoints (host endpoints, global network sets): never a pod
    if op == "not":
        return not _match(node[1], labels)  # type: ignore[arg-type]
    if op == "and":
        return _match(node[1], labels) and _match(node[2], labels)  # type: ignore[arg-type]
    if op == "or":
        return _match(node[1], labels) or _match(node[2], labels)  # type: ignore[arg-type]
    key = str(node[1])
    value = labels.get(key)
    if op == "has":
        return value is not None
    if op == "!=":
        return value != node[2]
    if op == "notin":
        return value is None or value not in node[2]  # type: ignore[operator]
    if value is None:
        return False
    if op == "==":
        return value == node[2]
    if op == "in":
        return value in node[2]  # type: ignore[operator]
    if op == "contains":
        return str(node[2]) in value
    if op == "starts":
        return value.startswith(str(node[2]))
    return value.endswith(str(node[2]))  # ends


def _keys(node: Node) -> set[str]:
    op = node[0]
    if op in ("all", "global"):
        return set()
    if op == "not":
        return _keys(node[1])  # type: ignore[arg-type]
    if op in ("and", "or"):
        return _keys(node[1]) | _keys(node[2])  # type: ignore[arg-type]
    return {str(node[1])}


@dataclass(frozen=True, slots=True)
class CalicoSelector:
    """A parsed Calico selector expression (raises :class:`ValueError` when malformed)."""

    text: str
    tree: Node = field(default=("all",), compare=False)

    @staticmethod
    def parse(text: str | None) -> CalicoSelector:
        raw = (text or "").strip()
        if not raw:
            return CalicoSelector("all()", ("all",))
        p = _Parser(raw)
        tree = p.expr()
        if p.peek() is not None:
            raise ValueError(f"unexpected '{p.peek()}' in '{raw}'")
        return CalicoSelector(raw, tree)

    def matches(self, labels: Mapping[str, str]) -> bool:
        return _match(self.tree, labels)

    @property
    def keys(self) -> frozenset[str]:
        """The label keys the expression tests (what can tell two endpoints apart)."""
        return frozenset(_keys(self.tree))
