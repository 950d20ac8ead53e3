"""``aksnet explain -o json``: a workload's explanation (with its exposure on a workspace cluster), one pair's
verdict (``--to``), or the cluster's exposure (``--exposure``), each as an indented JSON document. Pure: strings
out of analysis results."""

from __future__ import annotations

import json
from typing import Any

from aksnet.analyses.explain import Explanation, PairExplanation
from aksnet.analyses.exposure import ExposureReport


def _dump(doc: Any) -> str:
    return json.dumps(doc, indent=2) + "\n"


def render_workload(e: Explanation, exposed: ExposureReport | None = None) -> str:
    """The explanation; ``exposure`` added when the workload's exposure was computed."""
    doc = e.to_json()
    if exposed is not None:
        doc["exposure"] = exposed.to_json()
    return _dump(doc)


def render_pair(p: PairExplanation) -> str:
    return _dump(p.verdict.to_json())


def render_exposure(report: ExposureReport) -> str:
    return _dump(report.to_json())
