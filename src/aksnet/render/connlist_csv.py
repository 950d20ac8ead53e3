"""CSV rendering (netpol-analyzer ``conns_formatter_csv.go``): header ``src,dst,conn``; diff header
``diff-type,source,destination,ref1,ref2,workloads-diff-info``. Fields are quoted only when needed. Pure."""

from __future__ import annotations

import csv
import io

from aksnet.analyses.diff import DiffResult
from aksnet.analyses.matrix import MatrixResult


def render_connlist(result: MatrixResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["src", "dst", "conn"])
    for s, d, c in result.lines():
        w.writerow([s, d, c])
    return buf.getvalue()


def render_diff(diff: DiffResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["diff-type", "source", "destination", "ref1", "ref2", "workloads-diff-info"])
    for e in diff.entries:
        w.writerow([e.diff_type, e.src, e.dst, str(e.ref1), str(e.ref2), e.info])
    return buf.getvalue()
