"""JSON rendering: connlist as netpol-analyzer prints it (a list of ``{"src", "dst", "conn"}``), diffs as a
list of ``{"diff-type", "src", "dst", "ref1", "ref2"[, "workloads-diff-info"]}``. Pure."""

from __future__ import annotations

import json

from aksnet.analyses.diff import DiffResult
from aksnet.analyses.matrix import MatrixResult


def render_connlist(result: MatrixResult) -> str:
    return json.dumps(result.to_json(), indent=2) + "\n"


def render_diff(diff: DiffResult) -> str:
    return json.dumps(diff.to_json(), indent=2) + "\n"
