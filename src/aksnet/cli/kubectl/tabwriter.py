"""Go's ``text/tabwriter`` as kubectl's describers use it (``tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)``):
tab-terminated cells are aligned in column blocks (consecutive lines that have a cell in that column), each
column as wide as its widest cell plus 2; the text after a line's last tab is not a cell and is written as is.
Keeping Go's algorithm (``Writer.format``) gives kubectl's exact spacing, trailing blanks included.
Source: pkg.go.dev/text/tabwriter; k8s.io/kubectl/pkg/describe ``tabbedString``. Pure.
"""

from __future__ import annotations

PADDING = 2


def _format(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write(lines, widths, line0, this, out)
        line0 = this
        width = 0
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + PADDING)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out)
        widths.pop()
        line0 = this
    _write(lines, widths, line0, line1, out)


def _write(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]) -> None:
    for line in lines[line0:line1]:
        text = []
        for j, cell in enumerate(line):
            text.append(cell)
            if j < len(widths):
                text.append(" " * (widths[j] - len(cell)))
        out.append("".join(text))


def tabbed(text: str) -> str:
    """``text`` with its tab-separated cells aligned as Go's tabwriter aligns them."""
    raw = text.split("\n")
    lines = [line.split("\t") for line in raw]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out)
    return "\n".join(out)
