"""A request through a Gateway (aksnet.engine.gateway.route): listener selection by port, protocol and the most
specific hostname, the winning rule, filters as steps, weighted backends, unresolved backends answering 500,
an unknown SNI closing the handshake; GRPCRoute method matches decoded as the HTTP/2 paths gRPC sends
(gateway-api v1.2.1 apis/v1/gateway_types.go, httproute_types.go, grpcroute_types.go)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from aksnet.engine.gateway.route import GatewayRequest, route, select_listener
from aksnet.io.gateway_model import grpc_route
from aksnet.model.gateway import (
    BackendRef,
    Filter,
    Gateway,
    GatewayClass,
    GatewayWorld,
    HTTPRoute,
    Listener,
    ObjectRef,
    PathModifier,
    RouteMatch,
    RouteNamespaces,
    RouteRule,
)
from aksnet.rules import gateway_api

CTRL = (gateway_api.ISTIO_CONTROLLER,)
ALL = RouteNamespaces("All")
WILD = Listener("wild", "HTTP", 80, hostname="*.example.com", namespaces=ALL)
EXACT = Listener("exact", "HTTP", 80, hostname="api.example.com", namespaces=ALL)
ANY = Listener("any", "HTTP", 8080, namespaces=ALL)
GW = Gateway("infra", "gw", "istio", (WILD, EXACT, ANY))
PARENT = ObjectRef(gateway_api.GROUP, "Gateway", "gw", namespace="infra")


def _svc(name: str, ns: str = "", port: int = 80) -> ObjectRef:
    return ObjectRef("", "Service", name, namespace=ns, port=port)


ROUTE = HTTPRoute("app", "web", (PARENT,), ("app.example.com",), (
    RouteRule((RouteMatch("PathPrefix", "/v2"),),
              (Filter("URLRewrite", path=PathModifier("ReplacePrefixMatch", "/")),), (BackendRef(_svc("v2")),)),
    RouteRule((RouteMatch(),), (), (BackendRef(_svc("v1"), 90), BackendRef(_svc("v2"), 10))),
    RouteRule((RouteMatch("Exact", "/old"),), (Filter("RequestRedirect", scheme="https", status_code=301),)),
    RouteRule((RouteMatch("Exact", "/cross"),), (), (BackendRef(_svc("db", "data")),)),
    RouteRule((RouteMatch("Exact", "/zero"),), (), (BackendRef(_svc("v1"), 0),)),
))
WORLD = GatewayWorld(classes=(GatewayClass("istio", gateway_api.ISTIO_CONTROLLER),), gateways=(GW,),
                     routes=(ROUTE,), services=(("app", "v1", (80,)), ("app", "v2", (80,)), ("data", "db", (80,))))


@pytest.mark.parametrize(("scheme", "port", "host", "listener"), [
    ("http", 80, "api.example.com", "exact"),
    ("http", 80, "app.example.com", "wild"),
    ("http", 80, "a.b.example.com", "wild"),
    ("http", 80, "example.com", None),
    ("http", 8080, "anything.test", "any"),
    ("https", 80, "app.example.com", None),
], ids=["exact-beats-wildcard", "wildcard", "wildcard-many-labels", "apex-not-wildcard", "no-hostname", "protocol"])
def test_listener_selection(scheme: str, port: int, host: str, listener: str | None) -> None:
    got = select_listener(WORLD, CTRL, GW, scheme, port, host)
    assert (got.name if got else None) == listener


@pytest.mark.parametrize(("path", "status", "backend", "fwd_path", "fragment"), [
    ("/v2/items", None, ("app", "v2", 80), "/items", "ReplacePrefixMatch /: /v2/items → /items"),
    ("/old", 301, None, "", "redirect 301 to https://app.example.com/old"),
    ("/cross", 500, None, "", "no ReferenceGrant in namespace data"),
    ("/zero", 500, None, "", "no backendRef with a weight above 0"),
    ("/v5", None, ("app", "v2", 80), "/v5", "(weight 10 of 100; split v1 90, v2 10)"),
], ids=["rewrite", "redirect", "ref-not-permitted", "all-weights-zero", "weighted"])
def test_route_decisions(path: str, status: int | None, backend: tuple[str, str, int] | None, fwd_path: str,
                         fragment: str) -> None:
    d = route(WORLD, CTRL, GW, GatewayRequest("http", "app.example.com", 80, path))
    assert d.status == status
    assert d.backend == backend
    if backend:
        assert d.path == fwd_path
    assert any(fragment in s for s in d.steps), d.steps


def test_unknown_host_is_404_and_unknown_sni_resets() -> None:
    assert route(WORLD, CTRL, GW, GatewayRequest("http", "app.example.org", 80, "/")).status == 404
    d = route(replace(WORLD), CTRL, GW, GatewayRequest("https", "app.example.com", 443, "/"))
    assert d.reset and d.status is None


def test_weights_follow_the_split() -> None:
    """A 90/10 split over 2,000 distinct requests lands within 3 points of 90 %."""
    got = Counter(route(WORLD, CTRL, GW, GatewayRequest("http", "app.example.com", 80, f"/p{i}")).backend
                  for i in range(2000))
    assert abs(got[("app", "v1", 80)] / 2000 - 0.9) < 0.03


GRPC = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
        "metadata": {"name": "g", "namespace": "app"},
        "spec": {"parentRefs": [{"name": "gw", "namespace": "infra"}], "hostnames": ["grpc.example.com"],
                 "rules": [
                     {"matches": [{"method": {"service": "pkg.Greeter", "method": "SayHello"}}],
                      "backendRefs": [{"name": "v2", "port": 80}]},
                     {"matches": [{"method": {"service": "pkg.Greeter"}}], "backendRefs": [{"name": "v1", "port": 80}]},
                     {"matches": [{"method": {"method": "Check"}}], "backendRefs": [{"name": "v1", "port": 80}]},
                 ]}}


@pytest.mark.parametrize(("path", "backend", "rule"), [
    ("/pkg.Greeter/SayHello", "v2", 0),
    ("/pkg.Greeter/SayBye", "v1", 1),
    ("/grpc.health.v1.Health/Check", "v1", 2),
    ("/other.Service/Call", None, None),
], ids=["service-and-method", "service-only", "method-only", "no-match"])
def test_grpc_route_method_matches(path: str, backend: str | None, rule: int | None) -> None:
    world = replace(WORLD, routes=(grpc_route(GRPC),))
    d = route(world, CTRL, GW, GatewayRequest("http", "grpc.example.com", 80, path, method="POST",
                                              headers=(("content-type", "application/grpc"),)))
    assert (d.backend[1] if d.backend else None) == backend
    if rule is not None:
        assert any(s.startswith(f"GRPCRoute app/g rule {rule} ") for s in d.steps), d.steps
    else:
        assert d.status == 404
