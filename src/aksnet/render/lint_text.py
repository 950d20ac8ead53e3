"""``aksnet lint`` as text: one line per finding, then a count."""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.analyses.lint import SEVERITIES, Finding


def render(findings: Sequence[Finding]) -> str:
    if not findings:
        return "no findings"
    lines = [f"{f.severity.upper():7} {f.code}  {f.resource}: {f.message}\n{'':17}source: {f.source}" for f in findings]
    counts = ", ".join(f"{sum(1 for f in findings if f.severity == s)} {s}" for s in SEVERITIES)
    return "\n".join([*lines, "", counts])
