"""JSON rendering: connlist as netpol-analyzer prints it (a list of ``{"src", "dst", "conn"}``), diffs as a
list of ``{"diff-type", "src", "dst", "ref1", "ref2"[, "workloads-diff-info"]}``. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """``json.dumps(rows, indent=2)`` written one object at a time."""
    def lines() -> Iterator[str]:
        first = True
        for s, d, c in (ln for block in result.line_blocks() for ln in block):
            obj = json.dumps({"src": s, "dst": d, "conn": c}, indent=2).replace("\n", "\n  ")
            yield ("[\n  " if first else ",\n  ") + obj
            first = False
        yield "[]\n" if first else "\n]\n"

    return chunked(lines(), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    return json.dumps(diff.to_json(), indent=2) + "\n"
