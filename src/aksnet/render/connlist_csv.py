"""CSV rendering (netpol-analyzer ``conns_formatter_csv.go``): header ``src,dst,conn``; diff header
``diff-type,source,destination,ref1,ref2,workloads-diff-info``. Fields are quoted only when needed. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    def lines() -> Iterator[str]:
        yield "src,dst,conn\n"
        for s, d, c in (ln for block in result.line_blocks() for ln in block):
            yield _csv_line([s, d, c])

    return chunked(lines(), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["diff-type", "source", "destination", "ref1", "ref2", "workloads-diff-info"])
    for e in diff.entries:
        w.writerow([e.diff_type, e.src, e.dst, str(e.ref1), str(e.ref2), e.info])
    return buf.getvalue()
