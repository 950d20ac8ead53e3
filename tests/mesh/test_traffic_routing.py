"""Istio's traffic API in the engine (``aksnet.engine.mesh.routing`` and ``.ingress``): one row per rule of the
VirtualService, DestinationRule and Gateway references (istio.io/latest/docs/reference/config/networking/)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.engine import split_clients as split
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.http_match import RouteRequest
from aksnet.io import mesh_traffic_model as decode
from aksnet.model import k8s
from aksnet.model import mesh_traffic as mt

REVIEWS = "reviews.default.svc.cluster.local"


def vs(name: str, spec: dict[str, Any], ns: str = "default") -> dict[str, Any]:
    return {"kind": "VirtualService", "metadata": {"name": name, "namespace": ns}, "spec": spec}


DR = {"kind": "DestinationRule", "metadata": {"name": "reviews", "namespace": "default"},
      "spec": {"host": "reviews", "subsets": [{"name": n, "labels": {"version": n}} for n in ("v1", "v2", "v3")]}}


def route_to(subset: str, **extra: Any) -> dict[str, Any]:
    return {"route": [{"destination": {"host": "reviews", "subset": subset}}], **extra}


def ctx(*vss: dict[str, Any], drs: tuple[dict[str, Any], ...] = (DR,), key: str = "k",
        draw: str = "/") -> routing.Context:
    world = decode.world(list(vss), list(drs), [], [])
    svc = k8s.Service("default", "reviews", cluster_ip="10.0.0.9", ports=(k8s.ServicePort(name="http", port=9080),))
    return routing.Context(world, (svc,), "default", "aks-istio-system", key, draw)


def request(path: str = "/", method: str = "GET", headers: tuple[tuple[str, str], ...] = (), query: str = "",
            labels: tuple[tuple[str, str], ...] = (), gateway: str = mt.MESH_GATEWAY) -> RouteRequest:
    return RouteRequest(method, path, query, "reviews", 9080, headers, "http", labels, "default", gateway)


DEFAULT = routing.Target(REVIEWS, ("default", "reviews"), 9080)

ROUTING = [
    ("no-virtualservice-own-route", ctx(), request(), None, "", None),
    ("first-match-wins", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"uri": {"prefix": "/"}}]), route_to("v3", match=[{"uri": {"exact": "/a"}}])]})),
     request("/a"), None, "v2", 0),
    ("header-exact-jason", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"headers": {"end-user": {"exact": "jason"}}}]), route_to("v1")]})),
     request(headers=(("end-user", "jason"),)), None, "v2", 0),
    ("header-other-user-falls-through", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"headers": {"end-user": {"exact": "jason"}}}]), route_to("v1")]})),
     request(headers=(("end-user", "mike"),)), None, "v1", 1),
    ("uri-regex-full-match", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v3", match=[{"uri": {"regex": "/reviews/[0-9]+"}}]), route_to("v1")]})),
     request("/reviews/12x"), None, "v1", 1),
    ("method-and-query", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v3", match=[{"method": {"exact": "POST"}, "queryParams": {"debug": {"exact": "1"}}}]),
        route_to("v1")]})), request(method="POST", query="debug=1"), None, "v3", 0),
    ("source-labels", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"sourceLabels": {"app": "productpage"}}]), route_to("v1")]})),
     request(labels=(("app", "productpage"),)), None, "v2", 0),
    ("port-match", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"port": 8080}]), route_to("v3", match=[{"port": 9080}])]})), request(), None, "v3", 1),
    ("no-route-matches-404", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v2", match=[{"uri": {"exact": "/x"}}])]})), request("/y"), 404, "", None),
    ("undefined-subset-503", ctx(vs("r", {"hosts": ["reviews"], "http": [route_to("v9")]})), request(), 503, "",
     0),
    ("wildcard-host", ctx(vs("r", {"hosts": ["*.default.svc.cluster.local"], "http": [route_to("v3")]})),
     request(), None, "v3", 0),
    ("fqdn-with-dot-not-expanded", ctx(vs("r", {"hosts": ["reviews.default"], "http": [route_to("v3")]})),
     request(), None, "", None),
    ("short-name-other-namespace", ctx(vs("r", {"hosts": ["reviews"], "http": [route_to("v3")]}, ns="other")),
     request(), None, "", None),
    ("gateway-bound-not-for-sidecars", ctx(vs("r", {"hosts": ["reviews"], "gateways": ["gw"],
                                                    "http": [route_to("v3")]})), request(), None, "", None),
    ("mesh-and-gateway", ctx(vs("r", {"hosts": ["reviews"], "gateways": ["gw", "mesh"], "http": [route_to("v3")]})),
     request(), None, "v3", 0),
    ("abort-100", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v1", fault={"abort": {"httpStatus": 500, "percentage": {"value": 100}}})]})), request(), 500, "",
     0),
    ("abort-0-percent", ctx(vs("r", {"hosts": ["reviews"], "http": [
        route_to("v1", fault={"abort": {"httpStatus": 500, "percentage": {"value": 0}}})]})), request(), None, "v1",
     0),
    ("redirect-301", ctx(vs("r", {"hosts": ["reviews"], "http": [{"redirect": {"uri": "/v1/bookRatings"}}]})),
     request(), 301, "", 0),
    ("direct-response", ctx(vs("r", {"hosts": ["reviews"], "http": [
        {"directResponse": {"status": 418, "body": {"string": "teapot"}}}]})), request(), 418, "", 0),
    ("oldest-of-two-for-sidecars", ctx(vs("a", {"hosts": ["reviews"], "http": [route_to("v2")]}),
                                       vs("b", {"hosts": ["reviews"], "http": [route_to("v3")]})),
     request(), None, "v2", 0),
]


@pytest.mark.parametrize(("context", "req", "status", "subset", "rule"), [r[1:] for r in ROUTING],
                         ids=[r[0] for r in ROUTING])
def test_virtual_service_routing(context: routing.Context, req: RouteRequest, status: int | None, subset: str,
                                 rule: int | None) -> None:
    got = routing.route(context, req, REVIEWS, DEFAULT)
    assert got.status == status, got.steps
    assert got.rule == rule
    if status is None:
        assert got.target is not None and got.target.subset == subset
        assert got.target.subset_labels == ((("version", subset),) if subset else ())


def test_weights_split_requests() -> None:
    """virtual-service-reviews-50-v3: over many request URIs both subsets are chosen, about half each, each URI
    as NGINX's split_clients "$request_uri" picks it (the data plane's stand-ins)."""
    spec = {"hosts": ["reviews"], "http": [{"route": [
        {"destination": {"host": "reviews", "subset": "v1"}, "weight": 50},
        {"destination": {"host": "reviews", "subset": "v3"}, "weight": 50}]}]}
    chosen = [routing.route(ctx(vs("r", spec), draw=f"/reviews/{i}"), request(), REVIEWS, DEFAULT).target
              for i in range(200)]
    v3 = sum(1 for t in chosen if t is not None and t.subset == "v3")
    assert 70 < v3 < 130
    assert all(t is not None and t.subset == ("v1", "v3")[split.choose([50, 50], f"/reviews/{i}") or 0]
               for i, t in enumerate(chosen))


REWRITES = [
    ("prefix-replaced", [{"uri": {"prefix": "/ratings"}}], {"uri": "/v1/bookRatings"}, "/ratings/0",
     "/v1/bookRatings/0"),
    ("exact-whole-path", [{"uri": {"exact": "/a"}}], {"uri": "/b"}, "/a", "/b"),
    ("no-uri-match-leading-slash", [], {"uri": "/new/"}, "/x", "/new/x"),
]


@pytest.mark.parametrize(("match", "rewrite", "path", "expected"), [r[1:] for r in REWRITES],
                         ids=[r[0] for r in REWRITES])
def test_rewrite(match: list[Any], rewrite: dict[str, Any], path: str, expected: str) -> None:
    spec = {"hosts": ["reviews"], "http": [route_to("v1", rewrite={**rewrite, "authority": "other"},
                                                    **({"match": match} if match else {}))]}
    got = routing.route(ctx(vs("r", spec)), request(path), REVIEWS, DEFAULT)
    assert (got.path, got.authority) == (expected, "other")


def test_header_operations() -> None:
    spec = {"hosts": ["reviews"], "http": [route_to("v1", headers={
        "request": {"set": {"x-a": "1"}, "add": {"x-b": "2"}, "remove": ["x-gone"]},
        "response": {"set": {"x-served-by": "istio"}}})]}
    got = routing.route(ctx(vs("r", spec)), request(headers=(("x-gone", "y"), ("x-a", "0"))), REVIEWS, DEFAULT)
    assert dict(got.headers) == {"x-a": "1", "x-b": "2"}
    assert got.response_headers.set == (("x-served-by", "istio"),)


def test_destination_rule_tls_and_documented_effects() -> None:
    dr = {"kind": "DestinationRule", "metadata": {"name": "reviews", "namespace": "default"},
          "spec": {"host": "reviews", "trafficPolicy": {
              "tls": {"mode": "DISABLE"}, "connectionPool": {"http": {"http1MaxPendingRequests": 1}},
              "outlierDetection": {"consecutive5xxErrors": 1, "baseEjectionTime": "3m"}}}}
    got = routing.route(ctx(drs=(dr,)), request(), REVIEWS, DEFAULT)
    assert got.target is not None and got.target.tls_mode == "DISABLE"
    text = " ".join(t for _, t in got.steps)
    assert "circuit breaking" in text and "ejected" in text and "http.http1MaxPendingRequests 1" in text


GW = {"kind": "Gateway", "metadata": {"name": "gw", "namespace": "default"},
      "spec": {"selector": {"istio": "aks-istio-ingressgateway-external"}, "servers": [
          {"port": {"number": 80, "name": "http", "protocol": "HTTP"}, "hosts": ["default/*.example.com"]},
          {"port": {"number": 80, "name": "http2", "protocol": "HTTP"}, "hosts": ["redirect.test"],
           "tls": {"httpsRedirect": True}},
          {"port": {"number": 443, "name": "https", "protocol": "HTTPS"}, "hosts": ["secure.example.com"],
           "tls": {"mode": "SIMPLE", "credentialName": "cert"}}]}}
POD = k8s.Pod("aks-istio-ingress", "gw-0", labels={"istio": "aks-istio-ingressgateway-external"})

SERVERS = [
    ("http-wildcard", 80, "http", "www.example.com", "route", 0),
    ("https-redirect", 80, "http", "redirect.test", "redirect", 1),
    ("http-no-host-404", 80, "http", "other.test", "not-found", None),
    ("https-sni", 443, "https", "secure.example.com", "route", 2),
    ("https-unknown-sni", 443, "https", "x.example.com", "handshake", None),
    ("no-server-on-port", 8081, "http", "www.example.com", "refused", None),
]


@pytest.mark.parametrize(("port", "scheme", "host", "outcome", "server"), [r[1:] for r in SERVERS],
                         ids=[r[0] for r in SERVERS])
def test_gateway_server(port: int, scheme: str, host: str, outcome: str, server: int | None) -> None:
    world = decode.world([], [], [], [GW])
    got = ingress.select_server(world, POD, port, scheme, host)
    assert got.outcome == outcome
    if server is not None:
        assert got.server == world.gateways[0].servers[server]


@pytest.mark.parametrize(("vs_ns", "vs_host", "admitted"), [
    ("default", "www.example.com", True), ("other", "www.example.com", False), ("default", "a.test", False)],
    ids=["same-namespace", "namespace-not-admitted", "host-outside-server"])
def test_gateway_admits_virtual_service(vs_ns: str, vs_host: str, admitted: bool) -> None:
    world = decode.world([], [], [], [GW])
    choice = ingress.select_server(world, POD, 80, "http", "www.example.com")
    v = decode.virtual_service(vs("r", {"hosts": [vs_host], "gateways": ["default/gw"]}, ns=vs_ns))
    assert ingress.admits(choice)(v, hosts.fqdn(vs_host, vs_ns)) is admitted
