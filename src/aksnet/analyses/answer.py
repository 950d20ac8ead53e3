"""One result shape for every analysis: a keyed table (batfish's answer frames, pybatfish ``answer().frame()``).

Every analysis returns its own typed result (``TraceResult``, ``MatrixResult``, ``Explanation``,
``PairExplanation``, ``ExposureReport``, ``LintReport``, ``Plan``, ``DnsReport``, ``CurlResult``) and each of them
is a :class:`Result`: ``result.answer()`` gives the same facts as an :class:`Answer`, which names its question,
its columns and which of them form the key of a row; rows are tuples of strings in column order. The render
layer turns any result into text, JSON, CSV or Markdown (``aksnet.render.answer_*``; the question's own text,
JSON, DOT and HTML renderers keep their tools' layouts), and :func:`diff_answers` compares two answers of the
same question row by row (batfish's differential questions: the same question asked of a reference and a
candidate snapshot). Pure: this module never reads the workspace and never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KEY_PRESENCE = "KeyPresence"  # the column diff_answers adds, as batfish's differential answers name it


@dataclass(frozen=True, slots=True)
class Answer:
    """The answer to ``question`` as a table: ``rows`` hold one string per column; ``key`` lists the columns
    that identify a row (they are unique within an answer)."""

    question: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"key columns {missing} are not columns of {self.question}")
        bad = [r for r in self.rows if len(r) != len(self.columns)]
        if bad:
            raise ValueError(f"{self.question}: a row has {len(bad[0])} cells for {len(self.columns)} columns")

    def key_of(self, row: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(row[self.columns.index(k)] for k in self.key)

    def values(self) -> tuple[str, ...]:
        """The columns that are not key columns."""
        return tuple(c for c in self.columns if c not in self.key)

    def by_key(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Rows by key; rows that share a key are joined cell by cell with ``; `` (an analysis whose key is
        not quite unique still diffs deterministically)."""
        out: dict[tuple[str, ...], tuple[str, ...]] = {}
        keys = {self.columns.index(k) for k in self.key}
        for row in self.rows:
            k = self.key_of(row)
            if k in out:
                row = tuple(a if i in keys else f"{a}; {b}" for i, (a, b) in enumerate(zip(out[k], row, strict=True)))
            out[k] = row
        return out


@runtime_checkable
class Result(Protocol):
    """An analysis' typed result: it states its facts as one keyed table."""

    def answer(self) -> Answer: ...


def cell(value: object) -> str:
    """A table cell: ``None`` is empty, everything else its ``str``."""
    return "" if value is None else str(value)


def diff_answers(reference: Answer, candidate: Answer) -> Answer:
    """The rows added, removed or changed from ``reference`` to ``candidate`` (same question and columns):
    key columns, ``KeyPresence`` (added | removed | changed), then each value column before and after
    (``Reference_<col>`` / ``Candidate_<col>``; empty when the row is absent on that side). Sorted by key."""
    if reference.question != candidate.question or reference.columns != candidate.columns:
        raise ValueError(f"cannot diff {reference.question} with {candidate.question}: different questions")
    values = reference.values()
    columns = (*reference.key, KEY_PRESENCE, *(f"{side}_{c}" for c in values for side in ("Reference",
                                                                                             "Candidate")))
    ref, cand = reference.by_key(), candidate.by_key()
    vi = [reference.columns.index(c) for c in values]
    rows = []
    for k in sorted(ref.keys() | cand.keys()):
        a, b = ref.get(k), cand.get(k)
        if a is not None and b is not None and a == b:
            continue
        presence = ADDED if a is None else REMOVED if b is None else CHANGED
        cells = [x for i in vi for x in ("" if a is None else a[i], "" if b is None else b[i])]
        rows.append((*k, presence, *cells))
    notes = tuple(dict.fromkeys((*reference.notes, *candidate.notes)))
    return Answer(f"diff of {reference.question}", columns, (*reference.key,), tuple(rows), notes)
