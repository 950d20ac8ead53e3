"""Output in bounded pieces: text lines joined into chunks of about ``chunk_chars`` characters each, so that
a matrix of millions of lines is never one string (memory independent of the output's size, and no single
``write()`` large enough for the kernel to cut short). Also the shape every connlist renderer streams from.
Pure: strings in, strings out; writing is the CLI's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from aksnet.analyses.matrix import Line, MatrixStream
from aksnet.analyses.matrix_text import Quote

CHUNK_CHARS = 1 << 20  # about 1 MiB of text per chunk


class ConnLines(Protocol):
    """A connectivity list (``MatrixResult``, or ``MatrixStream`` computed while it is written)."""

    def line_blocks(self) -> Iterator[list[Line]]: ...


def line_texts(result: ConnLines, head: str, mid: str, end: str, quote: Quote | None = None) -> Iterator[str]:
    """The connections as texts of whole lines, each ``head.format(q(src)) + q(dst) + mid + q(conn) + end``
    (``q``: ``quote``, or the text as it is): a ``MatrixStream`` one source row at a time, written from its row
    templates without a Python step per line (:meth:`MatrixStream.text_rows`); anything else a block at a time."""
    if isinstance(result, MatrixStream):
        return result.text_rows(head, mid, end, quote)
    q = quote if quote is not None else str
    return ("".join([f"{head.format(q(s))}{q(d)}{mid}{q(c)}{end}" for s, d, c in block])
            for block in result.line_blocks())


def line_names(result: ConnLines) -> set[str]:
    """The names on at least one line, sources and destinations (a ``MatrixStream`` read per distinct row)."""
    if isinstance(result, MatrixStream) and not result.routes:
        return result.line_names()
    return {n for block in result.line_blocks() for s, d, _ in block for n in (s, d)}


def chunked(lines: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """``lines`` (texts ending in a newline: one line or a block of them) as chunks that each end at the first
    line end at or past ``chunk_chars`` characters (the last one shorter): a chunk is never longer than
    ``chunk_chars`` plus one line, whatever the blocks' sizes, and no line is split. Only the text that crosses
    the limit is cut (the texts before it are joined as they are: each character is copied once)."""
    buf: list[str] = []
    size = 0
    for text in lines:
        start = 0
        while size + len(text) - start >= chunk_chars:
            cut = text.find("\n", start + max(chunk_chars - size, 1) - 1)
            if cut < 0:
                break
            buf.append(text[start:cut + 1])
            yield "".join(buf)
            buf = []
            size = 0
            start = cut + 1
        if start < len(text):
            buf.append(text[start:] if start else text)
            size += len(text) - start
    if buf:
        yield "".join(buf)
