"""AGC health probes under a HealthCheckPolicy (``aksnet.engine.gateway.health``): which endpoints stay in."""

from __future__ import annotations

import pytest

from aksnet.engine.gateway import health
from aksnet.model.gateway import HealthCheck

SVC = ("web", "app")


@pytest.mark.parametrize(("check", "tls", "reached", "why"), [
    (HealthCheck("web", "hc", SVC), False, True, ""),
    (HealthCheck("web", "hc", SVC), True, True, ""),
    (HealthCheck("web", "hc", SVC), False, False, "no connection (blocked)"),
    (HealthCheck("web", "hc", SVC, use_tls=False), True, True, "answered 400"),
    (HealthCheck("web", "hc", SVC, use_tls=True), False, True, "does not speak TLS"),
    (HealthCheck("web", "hc", SVC, port=9000), True, True, ""),
    (HealthCheck("web", "hc", SVC, port=9000, use_tls=True), True, True, "does not speak TLS"),
    (HealthCheck("web", "hc", SVC, status_ranges=((500, 599),)), False, True, "outside the healthy status codes"),
    (HealthCheck("web", "hc", SVC, status_ranges=((500, 599),), grpc=True), False, True, ""),
], ids=["plain-ok", "tls-same-port-ok", "unreachable", "plain-to-tls", "tls-to-plain", "other-port-cleartext",
        "other-port-tls", "status-outside", "grpc-ignores-status"])
def test_verdict(check: HealthCheck, tls: bool, reached: bool, why: str) -> None:
    got = health.verdict(check, 8080, tls, reached, "blocked")
    assert (why in got and bool(got)) if why else got == ""
