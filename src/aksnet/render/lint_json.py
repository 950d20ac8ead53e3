"""``aksnet lint -o json``: the findings as an indented JSON list (severity, code, resource, message, source).
Pure: a string out."""

from __future__ import annotations

import json

from aksnet.analyses.lint import LintReport


def render(report: LintReport) -> str:
    return json.dumps([f.as_dict() for f in report.findings], indent=2) + "\n"
