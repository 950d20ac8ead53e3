"""Route attachment, ReferenceGrants and the status conditions of Gateways and HTTPRoutes (gateway-api v1.2.1
apis/v1/gateway_types.go, shared_types.go; conformance httproute-invalid-*, gateway-invalid-*)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aksnet.engine.gateway.attach import gateway_states, route_states
from aksnet.model.gateway import (
    BackendRef,
    Gateway,
    GatewayClass,
    GatewayWorld,
    GrantFrom,
    GrantTo,
    HTTPRoute,
    Listener,
    ObjectRef,
    ReferenceGrant,
    RouteMatch,
    RouteNamespaces,
    RouteRule,
)
from aksnet.rules import gateway_api

CTRL = (gateway_api.ISTIO_CONTROLLER,)
CLASS = GatewayClass("istio", gateway_api.ISTIO_CONTROLLER)
HTTP = Listener("http", "HTTP", 80, hostname="*.example.com", namespaces=RouteNamespaces("All"))
GW = Gateway("infra", "gw", "istio", (HTTP,))
PARENT = ObjectRef(gateway_api.GROUP, "Gateway", "gw", namespace="infra")
WEB = ObjectRef("", "Service", "web", port=80)


def _route(ns: str = "app", hosts: tuple[str, ...] = ("app.example.com",), parent: ObjectRef = PARENT,
           backend: ObjectRef = WEB) -> HTTPRoute:
    return HTTPRoute(ns, "r", (parent,), hosts, (RouteRule((RouteMatch(),), (), (BackendRef(backend),)),))


WORLD = GatewayWorld(classes=(CLASS,), gateways=(GW,), routes=(_route(),),
                     namespace_labels=(("app", (("team", "a"),)), ("other", ())),
                     services=(("app", "web", (80,)), ("backend", "api", (8080,))))
GRANT = ReferenceGrant("backend", "allow", (GrantFrom(gateway_api.GROUP, "HTTPRoute", "app"),),
                       (GrantTo("", "Service"),))


def _conds(world: GatewayWorld) -> dict[str, tuple[str, str]]:
    states = route_states(world, CTRL)
    assert len(states) == 1
    return {c.type: (c.status, c.reason) for c in states[0].conditions}


@pytest.mark.parametrize(("world", "accepted", "resolved"), [
    (WORLD, ("True", "Accepted"), ("True", "ResolvedRefs")),
    (replace(WORLD, routes=(_route(hosts=("app.example.net",)),)), ("False", "NoMatchingListenerHostname"),
     ("True", "ResolvedRefs")),
    (replace(WORLD, gateways=(replace(GW, listeners=(replace(HTTP, namespaces=RouteNamespaces("Same")),)),)),
     ("False", "NotAllowedByListeners"), ("True", "ResolvedRefs")),
    (replace(WORLD, gateways=(replace(GW, listeners=(replace(HTTP, namespaces=RouteNamespaces(
        "Selector", match_labels=(("team", "a"),))),)),)), ("True", "Accepted"), ("True", "ResolvedRefs")),
    (replace(WORLD, gateways=(replace(GW, listeners=(replace(HTTP, namespaces=RouteNamespaces(
        "Selector", match_labels=(("team", "b"),))),)),)), ("False", "NotAllowedByListeners"),
     ("True", "ResolvedRefs")),
    (replace(WORLD, routes=(_route(parent=replace(PARENT, section_name="https")),)),
     ("False", "NoMatchingParent"), ("True", "ResolvedRefs")),
    (replace(WORLD, routes=(_route(parent=replace(PARENT, port=8080)),)), ("False", "NoMatchingParent"),
     ("True", "ResolvedRefs")),
    (replace(WORLD, routes=(_route(backend=ObjectRef("", "Service", "missing", port=80)),)),
     ("True", "Accepted"), ("False", "BackendNotFound")),
    (replace(WORLD, routes=(_route(backend=ObjectRef("", "Service", "api", "backend", port=8080)),)),
     ("True", "Accepted"), ("False", "RefNotPermitted")),
    (replace(WORLD, grants=(GRANT,), routes=(_route(backend=ObjectRef("", "Service", "api", "backend", port=8080)),)),
     ("True", "Accepted"), ("True", "ResolvedRefs")),
    (replace(WORLD, grants=(replace(GRANT, to=(GrantTo("", "Service", "other"),)),),
             routes=(_route(backend=ObjectRef("", "Service", "api", "backend", port=8080)),)),
     ("True", "Accepted"), ("False", "RefNotPermitted")),
    (replace(WORLD, routes=(_route(backend=ObjectRef("example.com", "Bucket", "b")),)),
     ("True", "Accepted"), ("False", "InvalidKind")),
], ids=["accepted", "no-matching-hostname", "same-namespace-only", "selector-match", "selector-no-match",
        "section-name-unknown", "port-unknown", "backend-not-found", "cross-namespace-no-grant",
        "cross-namespace-granted", "grant-for-other-name", "invalid-kind"])
def test_route_conditions(world: GatewayWorld, accepted: tuple[str, str], resolved: tuple[str, str]) -> None:
    assert _conds(world) == {"Accepted": accepted, "ResolvedRefs": resolved}


def test_no_controller_writes_no_status() -> None:
    assert route_states(WORLD, ()) == []
    assert gateway_states(WORLD, ())[0].conditions == ()


@pytest.mark.parametrize(("listeners", "secrets", "reasons"), [
    ((HTTP,), (), {"http": ("Accepted", "ResolvedRefs", "NoConflicts", "Programmed")}),
    ((Listener("tcp", "TCP", 9000),), (), {"tcp": ("UnsupportedProtocol", "ResolvedRefs", "NoConflicts", "Invalid")}),
    ((Listener("https", "HTTPS", 443, certificate_refs=(ObjectRef("", "Secret", "tls"),)),),
     (("infra", "tls", gateway_api.TLS_SECRET_TYPE),),
     {"https": ("Accepted", "ResolvedRefs", "NoConflicts", "Programmed")}),
    ((Listener("https", "HTTPS", 443, certificate_refs=(ObjectRef("", "Secret", "tls"),)),), (),
     {"https": ("Accepted", "InvalidCertificateRef", "NoConflicts", "Invalid")}),
    ((Listener("https", "HTTPS", 443, certificate_refs=(ObjectRef("", "Secret", "tls", "certs"),)),),
     (("certs", "tls", gateway_api.TLS_SECRET_TYPE),),
     {"https": ("Accepted", "RefNotPermitted", "NoConflicts", "Invalid")}),
    ((HTTP, Listener("other", "HTTPS", 80)), (),
     {"http": ("Accepted", "ResolvedRefs", "ProtocolConflict", "Invalid"),
      "other": ("Accepted", "InvalidCertificateRef", "ProtocolConflict", "Invalid")}),
    ((HTTP, replace(HTTP, name="dup")), (),
     {"http": ("Accepted", "ResolvedRefs", "HostnameConflict", "Invalid"),
      "dup": ("Accepted", "ResolvedRefs", "HostnameConflict", "Invalid")}),
], ids=["http", "unsupported-protocol", "https-with-secret", "https-secret-missing", "https-cross-namespace",
        "protocol-conflict", "hostname-conflict"])
def test_listener_conditions(listeners: tuple[Listener, ...], secrets: tuple[tuple[str, str, str], ...],
                             reasons: dict[str, tuple[str, ...]]) -> None:
    world = replace(WORLD, gateways=(replace(GW, listeners=listeners),), secrets=secrets)
    state = gateway_states(world, CTRL)[0]
    assert {s.listener.name: tuple(c.reason for c in s.conditions) for s in state.listeners} == reasons


def test_attached_routes_counted_per_listener() -> None:
    second = replace(HTTP, name="other", port=8080, hostname="*.example.net")
    world = replace(WORLD, gateways=(replace(GW, listeners=(HTTP, second)),))
    state = gateway_states(world, CTRL)[0]
    assert [(s.listener.name, s.attached_routes) for s in state.listeners] == [("http", 1), ("other", 0)]
    assert [(c.type, c.reason) for c in state.conditions] == [("Accepted", "Accepted"), ("Programmed", "Programmed")]
