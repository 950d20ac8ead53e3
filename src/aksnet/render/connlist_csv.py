"""CSV rendering (netpol-analyzer ``conns_formatter_csv.go``): header ``src,dst,conn``; diff header
``diff-type,source,destination,ref1,ref2,workloads-diff-info``. Fields are quoted only when needed. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked, line_texts

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult


def _csv_line(fields: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(fields)
    return buf.getvalue()


class _Fields(dict[str, str]):
    """A text → the CSV field that writes it (quoted only when needed, as ``csv.writer`` decides), made on first
    use (a few thousand names and connection texts, millions of lines)."""

    def __missing__(self, text: str) -> str:
        field = self[text] = _csv_line([text, ""])[:-2]  # one field of a row: without ",\n"
        return field


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    def lines() -> Iterator[str]:
        yield "src,dst,conn\n"
        yield from line_texts(result, "{},", ",", "\n", _Fields().__getitem__)

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
