"""``aksnet diff A B``: connections added, removed and changed between two snapshots.

Follows netpol-analyzer's ``diff`` (np-guard/netpol-analyzer pkg/netpol/connlist@e54a334,
docs/diff_output.md): both sides are computed as
full connectivity lists (all ports, as ``matrix --all-ports``), pairs are matched by peer names; an entry
is ``changed`` (both sides connect, differently), ``added`` (only ref2) or ``removed`` (only ref1), with
``No Connections`` for the missing side and ``workloads-diff-info`` when the workload itself was added or
removed. External ranges are those induced by the ipBlocks of both sides. Entries are ordered changed,
added, removed, each sorted by source then destination. Pure.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from aksnet.analyses.answer import Answer
from aksnet.analyses.matrix import MatrixResult
from aksnet.engine.netpol.conns import NONE, ConnSet

ORDER = ("changed", "added", "removed")


@dataclass(frozen=True, slots=True)
class DiffEntry:
    diff_type: str
    src: str
    dst: str
    ref1: ConnSet
    ref2: ConnSet
    info: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"diff-type": self.diff_type, "src": self.src, "dst": self.dst, "ref1": str(self.ref1),
               "ref2": str(self.ref2)}
        if self.info:
            out["workloads-diff-info"] = self.info
        return out


@dataclass(slots=True)
class DiffResult:
    entries: list[DiffEntry]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> list[dict[str, str]]:
        return [e.to_json() for e in self.entries]

    def answer(self) -> Answer:
        """One row per pair whose connectivity differs (netpol-analyzer's diff columns), keyed by the pair."""
        rows = tuple((e.src, e.dst, e.diff_type, str(e.ref1), str(e.ref2), e.info) for e in self.entries)
        return Answer("connectivity diff", ("Source", "Destination", "DiffType", "Reference", "Candidate", "Info"),
                      ("Source", "Destination"), rows, tuple(self.warnings))


EXTERNAL = "[External]"


def _range(name: str) -> tuple[int, int] | None:
    """``a.b.c.d-e.f.g.h[External]`` → (first, last) as integers; None for other peers."""
    if not name.endswith(EXTERNAL):
        return None
    lo, _, hi = name[: -len(EXTERNAL)].partition("-")
    return int(ipaddress.IPv4Address(lo)), int(ipaddress.IPv4Address(hi or lo))


def _pieces(name: str, cuts: list[int]) -> list[str]:
    """The external range ``name`` split at every cut inside it (names unchanged for other peers)."""
    r = _range(name)
    if r is None:
        return [name]
    starts = [r[0], *(c for c in cuts if r[0] < c <= r[1])]
    ends = [*(c - 1 for c in starts[1:]), r[1]]
    return [f"{ipaddress.IPv4Address(lo)}-{ipaddress.IPv4Address(hi)}{EXTERNAL}" for lo, hi in zip(starts, ends)]


def _refined(result: MatrixResult, cuts: list[int]) -> dict[tuple[str, str], ConnSet]:
    out: dict[tuple[str, str], ConnSet] = {}
    for s, d, c in result.connections:
        for sn in _pieces(s.name, cuts):
            for dn in _pieces(d.name, cuts):
                out[(sn, dn)] = c
    return out


def diff_matrices(ref1: MatrixResult, ref2: MatrixResult) -> DiffResult:
    """Compare two connectivity lists (ref1 = A, the old state; ref2 = B, the new state). Each side's external
    ranges are induced by its own ipBlocks; both are first split into the ranges induced by the ipBlocks of
    both sides, so an address whose connectivity did not change is not reported as removed and added."""
    bounds = {r for res in (ref1, ref2) for p in res.peers if (r := _range(p.name)) is not None}
    cuts = sorted({lo for lo, _ in bounds} | {hi + 1 for _, hi in bounds})
    a = _refined(ref1, cuts)
    b = _refined(ref2, cuts)
    peers1 = {p.name for p in ref1.peers if p.kind != "external"}
    peers2 = {p.name for p in ref2.peers if p.kind != "external"}
    entries: list[DiffEntry] = []
    for key in sorted(set(a) | set(b)):
        c1, c2 = a.get(key, NONE), b.get(key, NONE)
        if c1 == c2:
            continue
        kind = "changed" if c1 is not NONE and c2 is not NONE else ("added" if c1 is NONE else "removed")
        info = []
        for name in key:
            if name in peers2 and name not in peers1:
                info.append(f"workload {name} added")
            elif name in peers1 and name not in peers2:
                info.append(f"workload {name} removed")
        entries.append(DiffEntry(kind, key[0], key[1], c1, c2, ", ".join(info)))
    entries.sort(key=lambda e: (ORDER.index(e.diff_type), e.src, e.dst))
    return DiffResult(entries, [*ref1.warnings, *ref2.warnings])
