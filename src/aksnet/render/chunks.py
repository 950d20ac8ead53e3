"""Output in bounded pieces: text lines joined into chunks of about ``chunk_chars`` characters each, so that
a matrix of millions of lines is never one string (memory independent of the output's size, and no single
``write()`` large enough for the kernel to cut short). Also the shape every connlist renderer streams from.
Pure: strings in, strings out; writing is the CLI's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from aksnet.analyses.matrix import Line

CHUNK_CHARS = 1 << 20  # about 1 MiB of text per chunk


class ConnLines(Protocol):
    """A connectivity list (``MatrixResult``, or ``MatrixStream`` computed while it is written)."""

    def iter_lines(self) -> Iterator[Line]: ...


def chunked(lines: Iterable[str], chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """``lines`` (each ending in a newline) concatenated into chunks of at least ``chunk_chars`` characters
    (the last one shorter), never splitting a line."""
    buf: list[str] = []
    size = 0
    for line in lines:
        buf.append(line)
        size += len(line)
        if size >= chunk_chars:
            yield "".join(buf)
            buf.clear()
            size = 0
    if buf:
        yield "".join(buf)
