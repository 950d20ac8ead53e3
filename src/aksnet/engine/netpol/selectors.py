"""Selector indexes over equivalence classes: label selectors and ipBlocks → bitsets of classes.

A bitset is a Python int (bit i = class i). Pod selectors are answered from an inverted index
(label key=value → classes, key → classes) instead of testing every class; namespace selectors are
evaluated once per namespace; results are memoised per (namespace, selector). Semantics are those of
``metav1.LabelSelector`` (matchLabels AND matchExpressions; NotIn/DoesNotExist match objects without the
key). This module computes sets only; what a rule allows is decided in ``classes``.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping, Sequence

from aksnet.model.k8s import LabelSelector


def selector_key(sel: LabelSelector | None) -> Hashable:
    """A hashable identity for a selector (LabelSelector holds a dict and cannot be hashed)."""
    if sel is None:
        return None
    return (tuple(sorted(sel.match_labels.items())), sel.match_expressions)


_DIGITS = bytes.maketrans(b"01", b"\x00\x01")


def bits_of(indices: Iterable[int]) -> int:
    out = 0
    for i in indices:
        out |= 1 << i
    return out


def indices_of(bits: int) -> list[int]:
    """The set bits of ``bits`` in increasing order: a scan of the binary digits when they are dense, one
    step per set bit (lowest first) when they are sparse (a focus, a selector matching a few classes)."""
    if not bits:
        return []
    if bits.bit_count() * 16 < bits.bit_length():
        out = []
        while bits:
            low = bits & -bits
            out.append(low.bit_length() - 1)
            bits ^= low
        return out
    # reversed binary digits (least significant first) as 0/1 bytes, picked by C-level compress
    digits = bin(bits)[:1:-1].encode("ascii").translate(_DIGITS)
    return list(itertools.compress(range(len(digits)), digits))


class LabelIndex:
    """Inverted index over the pod-network classes: which classes carry a label, grouped by namespace."""

    def __init__(self, class_ns: Sequence[str | None], class_labels: Sequence[Mapping[str, str] | None],
                 ns_labels: Mapping[str, Mapping[str, str]]) -> None:
        self.by_kv: dict[tuple[str, str], int] = {}
        self.by_key: dict[str, int] = {}
        self.by_ns: dict[str, int] = {}
        self.all = 0
        for i, (ns, labels) in enumerate(zip(class_ns, class_labels)):
            if ns is None or labels is None:
                continue  # not a pod-network class: never selected by label selectors
            bit = 1 << i
            self.all |= bit
            self.by_ns[ns] = self.by_ns.get(ns, 0) | bit
            for k, v in labels.items():
                self.by_kv[(k, v)] = self.by_kv.get((k, v), 0) | bit
                self.by_key[k] = self.by_key.get(k, 0) | bit
        self.ns_labels = ns_labels
        self._pod_memo: dict[tuple[int, Hashable], int] = {}
        self._ns_memo: dict[Hashable, int] = {}

    def pods(self, sel: LabelSelector, scope: int) -> int:
        """Classes within ``scope`` whose pod labels match ``sel``."""
        key = (scope, selector_key(sel))
        hit = self._pod_memo.get(key)
        if hit is not None:
            return hit
        bits = scope
        for k, v in sel.match_labels.items():
            bits &= self.by_kv.get((k, v), 0)
        for req in sel.match_expressions:
            if req.operator == "In":
                bits &= self._any(req.key, req.values)
            elif req.operator == "NotIn":
                bits &= ~self._any(req.key, req.values)
            elif req.operator == "Exists":
                bits &= self.by_key.get(req.key, 0)
            elif req.operator == "DoesNotExist":
                bits &= ~self.by_key.get(req.key, 0)
            else:
                bits = 0
        self._pod_memo[key] = bits
        return bits

    def _any(self, key: str, values: Iterable[str]) -> int:
        out = 0
        for v in values:
            out |= self.by_kv.get((key, v), 0)
        return out

    def namespaces(self, sel: LabelSelector) -> int:
        """Classes in every namespace whose labels match ``sel``."""
        key = selector_key(sel)
        hit = self._ns_memo.get(key)
        if hit is not None:
            return hit
        bits = 0
        for ns, cls in self.by_ns.items():
            if sel.matches(self.ns_labels.get(ns, {})):
                bits |= cls
        self._ns_memo[key] = bits
        return bits

    def in_namespace(self, ns: str) -> int:
        return self.by_ns.get(ns, 0)
