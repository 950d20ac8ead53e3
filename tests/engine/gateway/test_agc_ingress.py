"""AGC's Ingress API as Gateway API (``aksnet.engine.gateway.agc_ingress``): the Ingress specification's path types,
hosts and default backend decide where a request through the frontend goes."""

from __future__ import annotations

import pytest

from aksnet.engine.gateway import agc_ingress
from aksnet.engine.gateway.route import GatewayRequest, route
from aksnet.model import k8s
from aksnet.model.gateway import GatewayClass, GatewayWorld
from aksnet.rules import alb, gateway_api

SERVICES = (("web", "exact", (80,)), ("web", "prefix", (80,)), ("web", "other", (80,)), ("web", "default", (8080,)))


def _path(path: str, kind: str, svc: str, port: int | str = 80) -> k8s.IngressPath:
    return k8s.IngressPath(path, kind, k8s.IngressBackend(svc, port))


INGRESS = k8s.Ingress(
    "web", "ing", alb.INGRESS_CLASS,
    default_backend=k8s.IngressBackend("default", "http"),
    rules=(k8s.IngressRule("app.example.com", (_path("/v2", "Exact", "exact"), _path("/v2", "Prefix", "prefix"),
                                                 _path("/v2/x", "ImplementationSpecific", "other"))),),
    tls=(k8s.IngressTLS(("app.example.com",), "app-tls"),))


def _route(host: str, path: str, scheme: str = "http") -> tuple[int | None, str]:
    named = {("web", "default", "http"): 8080}
    base = GatewayWorld(services=SERVICES, secrets=(("web", "app-tls", "kubernetes.io/tls"),))
    world, gw = agc_ingress.as_gateway(base,
                                       GatewayClass(alb.GATEWAY_CLASS, gateway_api.ALB_CONTROLLER), "fe", [INGRESS],
                                       lambda ns, svc, port: named.get((ns, svc, str(port))))
    d = route(world, (gateway_api.ALB_CONTROLLER,), gw, GatewayRequest(scheme, host, 443 if scheme == "https" else 80,
                                                                        path))
    return d.status, d.backend[1] if d.backend else ""


@pytest.mark.parametrize(("host", "path", "scheme", "want"), [
    ("app.example.com", "/v2", "http", (None, "exact")),
    ("app.example.com", "/v2/", "http", (None, "prefix")),
    ("app.example.com", "/v2/x/y", "http", (None, "other")),
    ("app.example.com", "/v2example", "http", (None, "default")),
    ("other.example.com", "/v2", "http", (None, "default")),
    ("app.example.com", "/v2", "https", (None, "exact")),
], ids=["exact-wins", "prefix-element", "longest-prefix", "not-an-element-default", "other-host-default",
        "tls-host-on-443"])
def test_ingress_rules_through_agc(host: str, path: str, scheme: str, want: tuple[int | None, str]) -> None:
    assert _route(host, path, scheme) == want


def test_listeners_follow_tls() -> None:
    lst = agc_ingress.listeners([INGRESS])
    assert [(x.protocol, x.port, x.hostname) for x in lst] == [("HTTP", 80, ""), ("HTTPS", 443, "app.example.com")]
    assert lst[1].certificate_refs[0].name == "app-tls"
