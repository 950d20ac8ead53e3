"""Tables for the exposure helpers: the internet client chosen for source ranges, and the matrix row filter."""

from __future__ import annotations

import pytest

from aksnet.analyses.exposure import BackendReach, ExposureReport, IngressExposure, internet_client, matrix_rows


@pytest.mark.parametrize(("ranges", "client"), [
    ((), "198.51.100.10"),
    (("198.51.100.0/24",), "198.51.100.10"),
    (("203.0.113.0/24",), "203.0.113.1"),
    (("10.0.0.0/8", "203.0.113.7/32"), "203.0.113.7"),
    (("10.0.0.0/8",), "198.51.100.10"),
    (("not-a-cidr", "20.1.2.0/30"), "20.1.2.1"),
], ids=["none", "default-inside", "public-range", "skip-private", "only-private", "bad-entry"])
def test_internet_client(ranges: tuple[str, ...], client: str) -> None:
    assert internet_client(ranges) == client


def _report() -> ExposureReport:
    def entry(url: str, backends: tuple[BackendReach, ...]) -> IngressExposure:
        return IngressExposure("nginx", "ingress-basic/ctl", "20.0.0.1", url, 443, "shop/ing", "a.example.com",
                               "/", "Prefix", "shop/svc", 80, True, "reachable", "internet/198.51.100.10", "rule",
                               backends)
    return ExposureReport(ingresses=[
        entry("https://a.example.com/", (BackendReach("shop/web[Deployment]", ("shop/web-1[Pod]", "shop/web-2[Pod]"),
                                                      "reachable", ""),)),
        entry("https://a.example.com/api", (BackendReach("shop/api[Deployment]", (), "blocked", "policy"),)),
        entry("https://b.example.com/", (BackendReach("ops/dash[Deployment]", ("ops/dash-1[Pod]",), "reachable",
                                                      ""),)),
    ])


@pytest.mark.parametrize(("pods", "namespace", "focus", "dsts"), [
    (False, None, None, ["ops/dash[Deployment]", "shop/web[Deployment]"]),
    (True, None, None, ["ops/dash-1[Pod]", "shop/web-1[Pod]", "shop/web-2[Pod]"]),
    (False, "shop", None, ["shop/web[Deployment]"]),
    (False, None, "dash", ["ops/dash[Deployment]"]),
    (True, None, "shop/web", ["shop/web-1[Pod]", "shop/web-2[Pod]"]),
    (False, None, "api", []),
], ids=["workloads", "pods", "namespace", "focus-name", "focus-pods", "blocked-omitted"])
def test_matrix_rows(pods: bool, namespace: str | None, focus: str | None, dsts: list[str]) -> None:
    rows = matrix_rows(_report(), pods, namespace, focus)
    assert [d for _, d, _ in rows] == dsts
    assert all(s == "internet" and c.startswith("via ingress nginx https://") and c.endswith("(TCP 443)")
               for s, _, c in rows)
