"""Connection sets: which (protocol, port) pairs a rule, a policy or a pair of peers allows.

A ``ConnSet`` holds, for each of the three NetworkPolicy protocols (SCTP, TCP, UDP — the only values
``NetworkPolicyPort.protocol`` accepts, k8s ``networking/v1`` types.go), a sorted tuple of disjoint,
non-adjacent inclusive port ranges in 1..65535. Instances are immutable and interned, so equal sets are
the same object: equality and hashing are identity (fast, C-level). Text follows netpol-analyzer's connlist conventions
(np-guard/netpol-analyzer pkg/netpol/connlist@e54a334): ``All Connections``,
else ``SCTP 1-65535,TCP 80,UDP 53`` (protocols alphabetical,
ranges ``a-b``, comma-joined). This module knows nothing about pods or policies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

PROTOCOLS: tuple[str, ...] = ("SCTP", "TCP", "UDP")
_PI = {p: i for i, p in enumerate(PROTOCOLS)}
MIN_PORT = 1
MAX_PORT = 65535

Ranges = tuple[tuple[int, int], ...]


def _normalize(ranges: Iterable[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        lo, hi = max(lo, MIN_PORT), min(hi, MAX_PORT)
        if lo > hi:
            continue
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _subtract(a: Ranges, b: Ranges) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in a:
        cur = lo
        for blo, bhi in b:
            if bhi < cur or blo > hi:
                continue
            if blo > cur:
                out.append((cur, blo - 1))
            cur = max(cur, bhi + 1)
            if cur > hi:
                break
        if cur <= hi:
            out.append((cur, hi))
    return tuple(out)


class ConnSet:
    """An immutable, interned set of (protocol, port). Build with :func:`conns`, :data:`ALL`, :data:`NONE`."""

    __slots__ = ("__weakref__", "_text", "ranges")
    _interned: ClassVar[dict[tuple[Ranges, ...], ConnSet]] = {}
    # (a, b) → a | b and a & b: interned operands make a pair a cheap identity key (a few distinct sets, tens of
    # thousands of unions and intersections in a class matrix)
    _unions: ClassVar[dict[tuple[ConnSet, ConnSet], ConnSet]] = {}
    _intersections: ClassVar[dict[tuple[ConnSet, ConnSet], ConnSet]] = {}
    ranges: tuple[Ranges, ...]
    _text: str | None

    def __new__(cls, ranges: tuple[Ranges, ...]) -> ConnSet:
        hit = cls._interned.get(ranges)
        if hit is not None:
            return hit
        obj = super().__new__(cls)
        obj.ranges = ranges
        obj._text = None
        cls._interned[ranges] = obj
        return obj

    def __repr__(self) -> str:
        return f"ConnSet({self})"

    def __or__(self, other: ConnSet) -> ConnSet:
        if other is NONE or self is ALL:
            return self
        if self is NONE or other is ALL:
            return other
        hit = ConnSet._unions.get((self, other))
        if hit is None:
            hit = ConnSet._unions[(self, other)] = ConnSet(tuple(_normalize(a + b)
                                                                 for a, b in zip(self.ranges, other.ranges)))
        return hit

    def __and__(self, other: ConnSet) -> ConnSet:
        if other is ALL or self is NONE:
            return self
        if self is ALL or other is NONE:
            return other
        hit = ConnSet._intersections.get((self, other))
        if hit is None:
            hit = ConnSet._intersections[(self, other)] = ConnSet(tuple(_intersect(a, b)
                                                                        for a, b in zip(self.ranges, other.ranges)))
        return hit

    def __sub__(self, other: ConnSet) -> ConnSet:
        if other is NONE:
            return self
        return ConnSet(tuple(_subtract(a, b) for a, b in zip(self.ranges, other.ranges)))

    @property
    def is_empty(self) -> bool:
        return self is NONE

    @property
    def is_all(self) -> bool:
        return self is ALL

    def allows(self, protocol: str, port: int) -> bool:
        """True if ``protocol``/``port`` is in the set (unknown protocols are never allowed)."""
        i = _PI.get(protocol.upper())
        if i is None:
            return False
        return any(lo <= port <= hi for lo, hi in self.ranges[i])

    def protocol_ranges(self, protocol: str) -> Ranges:
        return self.ranges[_PI[protocol.upper()]]

    def __str__(self) -> str:
        """netpol-analyzer's text: ``All Connections``, ``No Connections`` or ``TCP 80,UDP 53``."""
        if self._text is None:
            self._text = self._format()
        return self._text

    def _format(self) -> str:
        if self.ranges == ALL_RANGES:
            return "All Connections"
        if not any(self.ranges):
            return "No Connections"
        parts = []
        for proto, rs in zip(PROTOCOLS, self.ranges):
            if rs:
                parts.append(proto + " " + ",".join(f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in rs))
        return ",".join(parts)

    def to_json(self) -> dict[str, list[str]]:
        return {
            proto: [f"{lo}" if lo == hi else f"{lo}-{hi}" for lo, hi in rs]
            for proto, rs in zip(PROTOCOLS, self.ranges)
            if rs
        }


ALL_RANGES: tuple[Ranges, ...] = (((MIN_PORT, MAX_PORT),),) * 3
NONE = ConnSet(((), (), ()))
ALL = ConnSet((((MIN_PORT, MAX_PORT),),) * 3)


_ONE: dict[tuple[str, int | None, int | None], ConnSet] = {}  # conns()'s answers (a few distinct ports)


def conns(protocol: str, lo: int | None = None, hi: int | None = None) -> ConnSet:
    """The set of one protocol's ports ``lo..hi`` (all ports when ``lo`` is None)."""
    key = (protocol, lo, hi)
    hit = _ONE.get(key)
    if hit is None:
        hit = _ONE[key] = _conns(protocol, lo, hi)
    return hit


def _conns(protocol: str, lo: int | None, hi: int | None) -> ConnSet:
    i = _PI[protocol.upper()]
    if lo is None:
        rng: Ranges = ((MIN_PORT, MAX_PORT),)
    else:
        rng = _normalize([(lo, lo if hi is None else hi)])
    ranges: list[Ranges] = [(), (), ()]
    ranges[i] = rng
    return ConnSet(tuple(ranges))


def union_all(items: Iterable[ConnSet]) -> ConnSet:
    out = NONE
    for c in items:
        out = out | c
        if out is ALL:
            break
    return out
