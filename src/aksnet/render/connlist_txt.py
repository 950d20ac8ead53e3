"""Text rendering of connectivity lists and diffs, exactly as netpol-analyzer's txt formatter prints them.

``src => dst : conn`` per line (``conns_formatter_txt.go``); diff: ``Connectivity diff:`` then
``diff-type: …, source: …, destination: …, ref1: …, ref2: …[, workloads-diff-info: …]``. Pure.
"""

from __future__ import annotations

from aksnet.analyses.diff import DiffResult
from aksnet.analyses.matrix import MatrixResult


def render_connlist(result: MatrixResult) -> str:
    if result.routes:
        return "".join(f"{s} => {d} : {c}\n" for s, d, c in result.lines())
    if not result.connections:
        return ""
    # ConnSets are interned (identity hash), so one text per distinct set, looked up in C.
    text = {c: str(c) for c in {c for _, _, c in result.connections}}
    return "\n".join([f"{s.name} => {d.name} : {text[c]}" for s, d, c in result.connections]) + "\n"


def render_diff(diff: DiffResult) -> str:
    lines = ["Connectivity diff:"]
    for e in diff.entries:
        line = (f"diff-type: {e.diff_type}, source: {e.src}, destination: {e.dst}, ref1: {e.ref1}, "
                f"ref2: {e.ref2}")
        if e.info:
            line += f", workloads-diff-info: {e.info}"
        lines.append(line)
    return "\n".join(lines) + "\n"
