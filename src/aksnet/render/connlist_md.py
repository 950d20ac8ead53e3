"""Markdown table rendering (netpol-analyzer ``conns_formatter_md.go``): ``| src | dst | conn |`` then a
dashed separator and one row per connection; diffs with the diff columns. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked, line_texts

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("-" * (len(h) + 2) for h in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    def lines() -> Iterator[str]:
        yield _table(["src", "dst", "conn"], [])
        yield from line_texts(result, "| {} | ", " | ", " |\n")

    return chunked(lines(), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    return _table(["diff-type", "source", "destination", "ref1", "ref2", "workloads-diff-info"],
                  [[e.diff_type, e.src, e.dst, str(e.ref1), str(e.ref2), e.info] for e in diff.entries])
