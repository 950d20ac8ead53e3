"""verify's retries: which probe results are probed again before they count (no kernel needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from aksnet.dataplane import probe, verify

FLOW = probe.Flow("aksnet-t-pod", "pod/default/a", "10.0.0.1", 443, "TCP")


@pytest.mark.parametrize(("first", "expected", "probed", "delivered"), [
    ("timed out", True, 2, True),
    ("No route to host", True, 2, True),
    ("Connection refused", True, 1, False),  # a refusal is the kernel's verdict
    ("timed out", False, 1, False),  # the twin expects a drop: nothing to retry
], ids=["timeout-retried", "no-route-retried", "refused-counts", "expected-drop-not-retried"])
def test_transient_failures_are_probed_again(monkeypatch: pytest.MonkeyPatch, first: str, expected: bool,
                                             probed: int, delivered: bool) -> None:
    calls: list[int] = []

    def send_many(flows: Sequence[probe.Flow], **_: Any) -> list[probe.ProbeResult]:
        calls.append(len(flows))
        if len(calls) == 1:
            return [probe.ProbeResult(f, False, first) for f in flows]
        return [probe.ProbeResult(f, True, "connected") for f in flows]

    monkeypatch.setattr(probe, "send_many", send_many)
    rep = verify.VerifyReport()
    (result,) = verify.probe_with_retries([FLOW], [expected], rep)
    assert len([c for c in calls if c]) == probed
    assert result.delivered is delivered
    assert rep.retried == (probed - 1)
