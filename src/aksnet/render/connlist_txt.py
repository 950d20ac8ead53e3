"""Text rendering of connectivity lists and diffs, exactly as netpol-analyzer's txt formatter prints them.

``src => dst : conn`` per line (``conns_formatter_txt.go``); diff: ``Connectivity diff:`` then
``diff-type: …, source: …, destination: …, ref1: …, ref2: …[, workloads-diff-info: …]``. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked, line_texts

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    return chunked(line_texts(result, "{} => ", " : ", "\n"), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    lines = ["Connectivity diff:"]
    for e in diff.entries:
        line = (f"diff-type: {e.diff_type}, source: {e.src}, destination: {e.dst}, ref1: {e.ref1}, "
                f"ref2: {e.ref2}")
        if e.info:
            line += f", workloads-diff-info: {e.info}"
        lines.append(line)
    return "\n".join(lines) + "\n"
