"""JSON rendering: connlist as netpol-analyzer prints it (a list of ``{"src", "dst", "conn"}``), diffs as a
list of ``{"diff-type", "src", "dst", "ref1", "ref2"[, "workloads-diff-info"]}``. Pure."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked, line_texts

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


_END, _SEP = "\n  }", ",\n  "  # an object's last line (its items are indented by the list's 2 and its own 2)


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """``json.dumps(rows, indent=2)`` written a source row at a time: each object followed by the separator
    ``,\\n  `` (the last one's replaced by the list's end)."""
    def lines() -> Iterator[str]:
        last = ""
        for text in line_texts(result, '{{\n    "src": {},\n    "dst": ', ',\n    "conn": ', _END + _SEP, json.dumps):
            if text:
                yield last or "[\n  "
                last = text
        yield last[:-len(_SEP)] + "\n]\n" if last else "[]\n"

    return chunked(lines(), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    return json.dumps(diff.to_json(), indent=2) + "\n"
