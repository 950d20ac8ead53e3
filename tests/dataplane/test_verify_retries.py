"""verify's retries: which probe results are probed again before they count (no kernel needed)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from aksnet.dataplane import probe, verify
from aksnet.engine.flow import Hop, Site, Walk

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


def _walk(*hops: tuple[str, str]) -> Walk:
    return Walk("DROPPED", "x", Site("pod", "10.244.0.5", "shop/client"), "10.244.1.7", 8080, "TCP",
                tuple(Hop(component, decision, "PeerAuthentication default (STRICT)") for component, decision in hops))


@pytest.mark.parametrize(("hops", "skipped"), [
    ((("NetworkPolicy ingress (azure)", "allow"), ("istio-proxy inbound (shop/web-1)", "reset")), True),
    ((("istio-proxy inbound (shop/web-1)", "deny"),), True),
    ((("istio-proxy inbound (shop/web-1)", "allow"), ("pod shop/web-1", "deliver")), False),
    ((("NetworkPolicy ingress (azure)", "deny"),), False),
], ids=["strict-reset", "authz-403", "mesh-allows", "netpol-denies"])
def test_flows_a_sidecar_refused_are_skipped_not_compared(hops: tuple[tuple[str, str], ...], skipped: bool) -> None:
    """The data plane builds no sidecars: verify cannot judge a mesh decision and must not call it a disagreement."""
    assert bool(verify._sidecar_refusal(_walk(*hops))) is skipped
