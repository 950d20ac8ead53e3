"""Istio's security API at a sidecar (aksnet.engine.mesh): PeerAuthentication precedence and modes, and
AuthorizationPolicy's CUSTOM → DENY → ALLOW order with sources, operations and conditions, for HTTP and TCP.
Rows follow istio.io's tasks: mutual TLS migration, authorization for HTTP traffic, authorization for TCP traffic,
and the reference pages of peer_authentication and authorization-policy."""

from __future__ import annotations

import pytest

from aksnet.engine import mesh as engine
from aksnet.io.mesh_model import authorization_policy, peer_authentication
from aksnet.model import k8s
from aksnet.model import mesh as m

SERVER = k8s.Pod("foo", "httpbin-1", {"app": "httpbin", "version": "v1"}, pod_ip="10.244.1.6")
MESH_CLIENT = k8s.Pod("bar", "curl-1", {"app": "curl"}, pod_ip="10.244.0.8")
LEGACY = k8s.Pod("legacy", "curl-2", {"app": "curl"}, pod_ip="10.244.0.9")
SIDECARS = (m.Sidecar("foo/httpbin-1", "httpbin"), m.Sidecar("bar/curl-1", "curl"))


def _pa(ns: str, mode: str, selector: dict[str, str] | None = None, ports: dict[int, str] | None = None,
        name: str = "default") -> dict[str, object]:
    spec: dict[str, object] = {"mtls": {"mode": mode}}
    if selector is not None:
        spec["selector"] = {"matchLabels": selector}
    if ports:
        spec["portLevelMtls"] = {str(p): {"mode": v} for p, v in ports.items()}
    return {"metadata": {"namespace": ns, "name": name}, "spec": spec}


def _world(pas: list[dict[str, object]], aps: list[dict[str, object]] | None = None) -> m.MeshWorld:
    return m.MeshWorld("aks-istio-system", tuple(peer_authentication(d, i) for i, d in enumerate(pas)),
                       tuple(authorization_policy(d, i) for i, d in enumerate(aps or [])), SIDECARS)


# PeerAuthentication documents → (mode, deciding policy) at SERVER port 8080
PEER = [
    pytest.param([], "PERMISSIVE", None, id="no-policy-permissive"),
    pytest.param([_pa("aks-istio-system", "STRICT")], "STRICT", "aks-istio-system/default", id="mesh-wide"),
    pytest.param([_pa("istio-system", "STRICT")], "PERMISSIVE", None, id="istio-system-is-not-the-add-on-root"),
    pytest.param([_pa("aks-istio-system", "STRICT"), _pa("foo", "PERMISSIVE")], "PERMISSIVE", "foo/default",
                 id="namespace-beats-mesh"),
    pytest.param([_pa("foo", "STRICT"), _pa("foo", "DISABLE", {"app": "httpbin"}, name="httpbin")], "DISABLE",
                 "foo/httpbin", id="workload-beats-namespace"),
    pytest.param([_pa("foo", "STRICT"), _pa("foo", "UNSET", {"app": "httpbin"}, name="httpbin")], "STRICT",
                 "foo/default", id="unset-workload-inherits"),
    pytest.param([_pa("foo", "STRICT", {"app": "httpbin"}, {8080: "DISABLE"}, name="httpbin")], "DISABLE",
                 "foo/httpbin", id="port-level"),
    pytest.param([_pa("foo", "STRICT", {"app": "httpbin"}, {9000: "DISABLE"}, name="httpbin")], "STRICT",
                 "foo/httpbin", id="port-level-other-port"),
    pytest.param([_pa("foo", "STRICT", {"app": "other"}, name="other")], "PERMISSIVE", None,
                 id="selector-not-matching"),
    pytest.param([_pa("foo", "STRICT", name="a"), _pa("foo", "DISABLE", name="b")], "STRICT", "foo/a",
                 id="oldest-wins"),
]


@pytest.mark.parametrize(("pas", "mode", "policy"), PEER)
def test_peer_mode(pas: list[dict[str, object]], mode: str, policy: str | None) -> None:
    got = engine.peer_mode(_world(pas), SERVER, 8080)
    assert (got.mode, got.policy) == (mode, policy)


# (mode of foo, client) → outcome of a GET at SERVER (mtls-migration task)
MTLS = [
    pytest.param("PERMISSIVE", LEGACY, engine.PASS, False, id="permissive-plaintext"),
    pytest.param("PERMISSIVE", MESH_CLIENT, engine.PASS, True, id="permissive-mtls"),
    pytest.param("STRICT", LEGACY, engine.RESET, False, id="strict-plaintext-reset"),
    pytest.param("STRICT", None, engine.RESET, False, id="strict-node-or-vm-reset"),
    pytest.param("STRICT", MESH_CLIENT, engine.PASS, True, id="strict-mtls"),
    pytest.param("DISABLE", MESH_CLIENT, engine.PASS, False, id="disable-plaintext-from-sidecar"),
]


@pytest.mark.parametrize(("mode", "client", "outcome", "mtls"), MTLS)
def test_mutual_tls(mode: str, client: k8s.Pod | None, outcome: str, mtls: bool) -> None:
    got = engine.inbound(_world([_pa("foo", mode)]), SERVER, client, "10.244.0.9", 8080, engine.HttpRequest())
    assert got is not None and (got.outcome, got.mtls) == (outcome, mtls)


def test_pod_without_sidecar_is_outside_the_mesh() -> None:
    assert engine.inbound(_world([_pa("aks-istio-system", "STRICT")]), LEGACY, None, "10.0.0.1", 80, None) is None


def _ap(action: str | None, rules: list[object] | None, ns: str = "foo", name: str = "p",
        selector: dict[str, str] | None = None, **extra: object) -> dict[str, object]:
    spec: dict[str, object] = dict(extra)
    if action:
        spec["action"] = action
    if rules is not None:
        spec["rules"] = rules
    if selector is not None:
        spec["selector"] = {"matchLabels": selector}
    return {"metadata": {"namespace": ns, "name": name}, "spec": spec}


BAR_SA = "cluster.local/ns/bar/sa/curl"
GET = engine.HttpRequest("GET", "/headers", "httpbin.foo:8000")
POST = engine.HttpRequest("POST", "/post", "httpbin.foo:8000")
# (policies, client, request, allowed, deciding policy); request None: TCP
AUTHZ = [
    pytest.param([], MESH_CLIENT, GET, True, None, id="no-policy"),
    pytest.param([_ap(None, None, name="allow-nothing")], MESH_CLIENT, GET, False, "foo/allow-nothing",
                 id="allow-nothing-empty-spec"),
    pytest.param([_ap("ALLOW", [{}], name="allow-all")], MESH_CLIENT, GET, True, "foo/allow-all", id="allow-all"),
    pytest.param([_ap("DENY", [{}], name="deny-all"), _ap("ALLOW", [{}], name="allow-all")], MESH_CLIENT, GET,
                 False, "foo/deny-all", id="deny-before-allow"),
    pytest.param([_ap("ALLOW", [{"to": [{"operation": {"methods": ["GET"]}}]}])], MESH_CLIENT, GET, True, "foo/p",
                 id="allow-get"),
    pytest.param([_ap("ALLOW", [{"to": [{"operation": {"methods": ["GET"]}}]}])], MESH_CLIENT, POST, False, "foo/p",
                 id="allow-get-not-post"),
    pytest.param([_ap("ALLOW", [{"from": [{"source": {"principals": [BAR_SA]}}]}])], MESH_CLIENT, GET, True,
                 "foo/p", id="principal-mtls"),
    pytest.param([_ap("ALLOW", [{"from": [{"source": {"principals": [BAR_SA]}}]}])], LEGACY, GET, False, "foo/p",
                 id="principal-needs-mtls"),
    pytest.param([_ap("ALLOW", [{"from": [{"source": {"namespaces": ["bar"]}}]}])], MESH_CLIENT, GET, True,
                 "foo/p", id="namespace-source"),
    pytest.param([_ap("ALLOW", [{"from": [{"source": {"ipBlocks": ["10.244.0.0/24"]}}]}])], LEGACY, GET, True,
                 "foo/p", id="ip-block"),
    pytest.param([_ap("DENY", [{"from": [{"source": {"notNamespaces": ["foo"]}}]}])], LEGACY, GET, False, "foo/p",
                 id="not-namespaces-plaintext-denied"),
    pytest.param([_ap("DENY", [{"to": [{"operation": {"paths": ["/ip"]}}]}])], MESH_CLIENT, GET, True, None,
                 id="deny-other-path"),
    pytest.param([_ap("ALLOW", [{"to": [{"operation": {"paths": ["/head*"]}}]}])], MESH_CLIENT, GET, True, "foo/p",
                 id="path-prefix"),
    pytest.param([_ap("ALLOW", [{"when": [{"key": "request.headers[x-token]", "values": ["admin"]}]}])],
                 MESH_CLIENT, engine.HttpRequest(headers=(("X-Token", "admin"),)), True, "foo/p", id="when-header"),
    pytest.param([_ap("ALLOW", [{"from": [{"source": {"requestPrincipals": ["*"]}}]}])], MESH_CLIENT, GET, False,
                 "foo/p", id="request-principal-without-jwt"),
    pytest.param([_ap("ALLOW", [{}], ns="aks-istio-system", name="root")], MESH_CLIENT, GET, True,
                 "aks-istio-system/root", id="root-namespace-mesh-wide"),
    pytest.param([_ap("DENY", [{}], selector={"app": "other"})], MESH_CLIENT, GET, True, None,
                 id="selector-not-matching"),
    pytest.param([_ap("AUDIT", [{}])], MESH_CLIENT, GET, True, None, id="audit-never-decides"),
    pytest.param([_ap("CUSTOM", [{}], provider={"name": "ext-authz"})], MESH_CLIENT, GET, False, "foo/p",
                 id="custom-unknown-provider-denies"),
    # authz-tcp: HTTP-only fields on TCP traffic
    pytest.param([_ap("ALLOW", [{"to": [{"operation": {"ports": ["9000", "9001"]}}]}])], MESH_CLIENT, None, True,
                 "foo/p", id="tcp-allow-ports"),
    pytest.param([_ap("ALLOW", [{"to": [{"operation": {"methods": ["GET"], "ports": ["9000"]}}]}])], MESH_CLIENT,
                 None, False, "foo/p", id="tcp-allow-http-field-never-matches"),
    pytest.param([_ap("DENY", [{"to": [{"operation": {"methods": ["GET"], "ports": ["9000"]}}]}])], MESH_CLIENT,
                 None, False, "foo/p", id="tcp-deny-http-field-ignored"),
]


@pytest.mark.parametrize(("aps", "client", "request_", "allowed", "policy"), AUTHZ)
def test_authorization(aps: list[dict[str, object]], client: k8s.Pod, request_: engine.HttpRequest | None,
                       allowed: bool, policy: str | None) -> None:
    world = _world([], aps)
    got = engine.inbound(world, SERVER, client, client.pod_ip or "", 9000 if request_ is None else 8080, request_)
    assert got is not None
    want = engine.PASS if allowed else (engine.FORBIDDEN if request_ is not None else engine.RESET)
    assert got.outcome == want
    decided = next((rule for _, _, rule in got.hops if "AuthorizationPolicy" in rule), "")
    assert (policy or "AuthorizationPolicy") in decided or (policy is None and allowed)
