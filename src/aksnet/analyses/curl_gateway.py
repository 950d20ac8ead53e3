"""``curl`` through a Gateway API Gateway deployed in the cluster (Istio's automated deployment): the request has
reached a pod of the Gateway's ``<gateway>-istio`` Deployment; ``aksnet.engine.gateway.route`` picks the
listener, the route rule, runs its filters and picks the weighted backendRef; the Service's ready endpoints are
then tried from the Gateway pod (Envoy connects to endpoint IPs directly, so the backend's NetworkPolicies see the
Gateway pod's address), at most three attempts (Istio's default retry on connect failures). Envoy's own answers:
404 with an empty body when no route matches, 500 for a backend that does not resolve, 503 ``no healthy
upstream`` without ready endpoints, 503 ``upstream connect error …`` when every attempt failed.

The headers Envoy adds on the way to the backend: ``x-forwarded-for`` (the client address the Gateway pod saw),
``x-forwarded-proto``, ``x-request-id`` (stable here; random in Envoy) and ``x-envoy-attempt-count``.
Source: https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_conn_man/headers,
https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/. Pure; never prints.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aksnet.analyses.gateway_status import running_controllers
from aksnet.engine import echo, mesh
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DELIVERED, REFUSED, Hop, Site, Walk
from aksnet.engine.gateway import agc_policies, backend_tls, health
from aksnet.engine.gateway.route import GatewayDecision, GatewayRequest, request_id, route
from aksnet.engine.ingress.backend import resolve_backend
from aksnet.engine.ingress.model import UpstreamEndpoint
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model.gateway import Gateway, GatewayWorld, HeaderChange, HealthCheck
from aksnet.rules import gateway_api, istio


@dataclass(frozen=True, slots=True)
class ProxyAnswer:
    """What the Gateway's proxy did: the HTTP answer, the legs after the client's (proxy → endpoint), its
    decisions as hops, and who answered (``backend`` or the proxy itself)."""

    component: str
    status: int  # 0: no HTTP answer (the TLS handshake was refused)
    headers: tuple[tuple[str, str], ...]
    body: str
    legs: tuple[Walk, ...]
    hops: tuple[Hop, ...]
    answered_by: str
    final_hops: tuple[Hop, ...] = ()
    tls_alert: str = ""  # the TLS alert that ended the handshake (frontend mTLS), with status 0


@dataclass(frozen=True, slots=True)
class Proxy:
    """Who runs a Gateway's data path: the hops' component name, the site its upstream connections start from,
    the client address it saw (X-Forwarded-For), its Server header and retry budget, and whether it adds
    Envoy's attempt count header."""

    component: str
    site: Site
    client_ip: str
    server: str
    attempts: int
    attempt_header: bool = True
    backend_tls: bool = False  # honours AGC's BackendTLSPolicy (aksnet.engine.gateway.backend_tls)


def istio_proxy(topo: Topology, gw: Gateway, first: Walk) -> Proxy:
    """The Istio-deployed proxy pod the client's leg reached."""
    assert first.backend is not None and first.backend.pod is not None
    pod = first.backend.pod
    site = Site("pod", pod.pod_ip or first.backend.ip, pod.key, pod=pod, node=topo.nodes.get(pod.node_name or ""))
    return Proxy(component_name(gw), site, first.backend.client_ip, "istio-envoy", gateway_api.ISTIO_ATTEMPTS)


def gateway_of_pod(topo: Topology, pod: k8s.Pod) -> Gateway | None:
    """The Gateway whose Istio-deployed proxy ``pod`` is (the pod carries the Gateway's name label and Istio's
    managed label), or None."""
    name = pod.labels.get(gateway_api.GATEWAY_NAME_LABEL)
    key, value = gateway_api.ISTIO_MANAGED_LABEL
    if not name or pod.labels.get(key) != value:
        return None
    return next((g for g in topo.state.gateway.gateways if g.namespace == pod.namespace and g.name == name), None)


def component_name(gw: Gateway) -> str:
    return f"Gateway {gw.namespace}/{gw.name} (istio)"


def _response_headers(change: HeaderChange | None) -> tuple[tuple[str, str], ...]:
    if change is None:
        return ()
    out = {k.lower(): (k, v) for k, v in (*change.set, *change.add)}
    for name in change.remove:
        out.pop(name.lower(), None)
    return tuple(out.values())


def _answer(proxy: Proxy, decision: GatewayDecision, hops: tuple[Hop, ...], legs: tuple[Walk, ...],
            body: str = "", final: tuple[Hop, ...] = ()) -> ProxyAnswer:
    status = decision.status or 503
    headers: tuple[tuple[str, str], ...] = (("content-length", str(len(body))),)
    if body:
        headers = (("content-type", "text/plain"), *headers)
    if decision.location:
        headers = (("location", decision.location), *headers)
    headers = (*headers, *_response_headers(decision.response_headers), ("server", proxy.server))
    return ProxyAnswer(proxy.component, status, headers, body, legs, hops, proxy.component, final)


def through_gateway(topo: Topology, walker: Walker, first: Walk, gw: Gateway, scheme: str, host_header: str,
                    request_uri: str, method: str, headers: dict[str, str], proxy: Proxy | None = None,
                    world: GatewayWorld | None = None, client_cert: str = "") -> ProxyAnswer:
    """Route the request on the Gateway, then walk proxy → endpoint (see the module docstring); ``proxy``
    defaults to the Istio-deployed pod the client's leg reached."""
    assert first.backend is not None
    proxy = proxy or istio_proxy(topo, gw, first)
    component = proxy.component
    path, _, query = request_uri.partition("?")
    host = host_header.rsplit(":", 1)[0] if ":" in host_header else host_header
    req = GatewayRequest(scheme, host.lower(), first.backend.port, path, query, method,
                         tuple((k, v) for k, v in headers.items() if k != "host"), client_cert)
    world = world or topo.state.gateway
    decision = route(world, running_controllers(), gw, req)
    last = len(decision.steps) - 1
    hops = tuple(Hop(component, "proxy" if decision.status is None and i == last else
                     ("respond" if i == last else "route"), s) for i, s in enumerate(decision.steps))
    legs: tuple[Walk, ...] = (first,)
    if decision.reset or decision.tls_alert:
        return ProxyAnswer(component, 0, (), "", legs, hops, component, tls_alert=decision.tls_alert)
    if decision.status is not None or decision.backend is None:
        return _answer(proxy, decision, hops, legs)
    ns, name, port = decision.backend
    resolved = resolve_backend(ns, k8s.IngressBackend(name, port), _services(topo), _slices(topo))
    if not resolved.endpoints:
        final = Hop(component, "respond", f"{resolved.error or 'no ready endpoint'}: 503 "
                                          f"{gateway_api.ENVOY_NO_HEALTHY_UPSTREAM}")
        return _answer(proxy, GatewayDecision(decision.steps, 503, response_headers=decision.response_headers),
                       hops, legs, gateway_api.ENVOY_NO_HEALTHY_UPSTREAM, (final,))
    site = proxy.site
    eps = resolved.endpoints
    check = health.check_for(world, ns, name) if proxy.backend_tls else None
    if check is not None:
        eps, sick = _healthy(topo, walker, site, component, check, eps, (ns, name, port))
        hops = (*hops, *sick)
        if not eps:
            final = Hop(component, "respond", f"no endpoint of Service {ns}/{name} is healthy: 503 "
                                              f"{gateway_api.ENVOY_NO_HEALTHY_UPSTREAM}")
            return _answer(proxy, GatewayDecision(decision.steps, 503, response_headers=decision.response_headers),
                           hops, legs, gateway_api.ENVOY_NO_HEALTHY_UPSTREAM, (final,))
    start = int(hashlib.sha256(f"{host}{request_uri}".encode()).hexdigest()[:8], 16) % len(eps)
    pinned, sticky = _affinity(decision, req, eps, component)
    hops = (*hops, *sticky)
    start = start if pinned is None else pinned
    order = [eps[(start + i) % len(eps)] for i in range(min(len(eps), proxy.attempts))]
    timed_out = False
    upstream_host = decision.host if ":" not in host_header or decision.host != host else host_header
    upstream = mesh.HttpRequest(method, decision.path + (f"?{decision.query}" if decision.query else ""),
                                upstream_host, tuple(decision.headers))
    for attempt, ep in enumerate(order, 1):
        leg = walker.walk(site, ep.ip, ep.port, "TCP", request=upstream)
        legs = (*legs, leg)
        if leg.verdict == DELIVERED and leg.backend is not None and leg.backend.kind == istio.PROXY_CONTAINER:
            # the backend's sidecar refused the request (authn or authz): the Gateway relays its 401/403
            status, body = mesh.denial(leg.hops)
            return ProxyAnswer(component, status, (
                ("content-length", str(len(body))), ("content-type", "text/plain"),
                ("server", proxy.server)), body, legs, hops, istio.PROXY_CONTAINER)
        if leg.verdict == DELIVERED and leg.backend is not None:
            b = leg.backend
            if proxy.backend_tls or world.gateway_backend_tls:
                conn = backend_tls.connect(world, _services(topo).get(f"{ns}/{name}"), ns, name, port,
                                           proxy.backend_tls)
                hops = (*hops, Hop(component, "route", conn.step)) if conn.step else hops
                if conn.status is not None:
                    failed = GatewayDecision(decision.steps, conn.status, response_headers=decision.response_headers)
                    answer = _answer(proxy, failed, hops, legs, conn.body)
                    return replace(answer, answered_by="backend") if conn.by_backend else answer
            up = dict(decision.headers)
            up["host"] = upstream_host
            up["x-forwarded-for"] = proxy.client_ip
            up["x-forwarded-proto"] = scheme
            up["x-request-id"] = request_id(req, proxy.client_ip)
            if proxy.attempt_header:
                up["x-envoy-attempt-count"] = str(attempt)
            uri = decision.path + (f"?{decision.query}" if decision.query else "")
            seen = echo.HttpSeen(method, up["host"], uri, up)
            body = "\n".join(echo.echo_lines(b.kind, b.name, b.ip, b.port, b.client_ip, seen))
            headers_out = (("content-type", "text/plain; charset=utf-8"), ("content-length", str(len(body) + 1)),
                           *_response_headers(decision.response_headers),
                           *_affinity_cookie(decision, eps, pinned, ep), ("server", proxy.server))
            return ProxyAnswer(component, 200, headers_out, body, legs, hops, "backend")
        timed_out = timed_out or leg.verdict != REFUSED
    text = gateway_api.ENVOY_CONNECT_TIMEOUT if timed_out else gateway_api.ENVOY_CONNECT_FAILURE
    final = Hop(component, "respond", f"all {proxy.attempts} attempts failed (over {len(order)} endpoint(s)): "
                                      f"503 {text}")
    return _answer(proxy, GatewayDecision(decision.steps, 503, response_headers=decision.response_headers),
                   hops, legs, text, (final,))


def _affinity(decision: GatewayDecision, req: GatewayRequest, eps: Sequence[UpstreamEndpoint], component: str
              ) -> tuple[int | None, tuple[Hop, ...]]:
    """Session affinity of an AGC RoutePolicy: the index of the endpoint the request's cookie names (None: load
    balancing chooses) and the hop that says so (``aksnet.engine.gateway.agc_policies``)."""
    affinity = decision.route_policy.affinity if decision.route_policy is not None else None
    if affinity is None:
        return None, ()
    wanted = agc_policies.presented_cookie(req.headers, affinity.cookie_name)
    pinned = next((i for i, ep in enumerate(eps) if wanted and agc_policies.affinity_value(ep.ip, ep.port) == wanted),
                  None)
    if pinned is not None:
        ep = eps[pinned]
        return pinned, (Hop(component, "route", f"cookie {affinity.cookie_name}={wanted} names endpoint "
                                                f"{ep.ip}:{ep.port}: session affinity sends the request there"),)
    why = f"cookie {affinity.cookie_name}={wanted} names no healthy endpoint" if wanted else \
        f"no {affinity.cookie_name} cookie"
    return None, (Hop(component, "route", f"{why}: load balancing chooses the endpoint and the response sets "
                                          "the cookie (session affinity)"),)


def _affinity_cookie(decision: GatewayDecision, eps: Sequence[UpstreamEndpoint], pinned: int | None,
                     ep: UpstreamEndpoint) -> tuple[tuple[str, str], ...]:
    """The Set-Cookie header when session affinity chose (or had to change) the endpoint."""
    affinity = decision.route_policy.affinity if decision.route_policy is not None else None
    if affinity is None or (pinned is not None and eps[pinned] == ep):
        return ()
    return (("set-cookie", agc_policies.set_cookie(affinity, agc_policies.affinity_value(ep.ip, ep.port))),)


def _healthy(topo: Topology, walker: Walker, site: Site, component: str, check: HealthCheck,
             eps: Sequence[UpstreamEndpoint], backend: tuple[str, str, int]
             ) -> tuple[tuple[UpstreamEndpoint, ...], tuple[Hop, ...]]:
    """The endpoints whose HealthCheckPolicy probe passes (``aksnet.engine.gateway.health``), and a hop per other."""
    ns, name, port = backend
    speaks = backend_tls.speaks_tls(_services(topo).get(f"{ns}/{name}"), port)
    kept, hops = [], []
    for ep in eps:
        probe = walker.walk(site, ep.ip, health.probe_port(check, ep.port), "TCP")
        why = health.verdict(check, ep.port, speaks, probe.verdict == DELIVERED and probe.backend is not None,
                             probe.reason)
        if why:
            hops.append(Hop(component, "route", f"endpoint {ep.ip} unhealthy per HealthCheckPolicy "
                                                            f"{check.namespace}/{check.name}: {why}"))
        else:
            kept.append(ep)
    return tuple(kept), tuple(hops)


def _services(topo: Topology) -> dict[str, k8s.Service]:
    return {s.key: s for s in topo.state.services}


def _slices(topo: Topology) -> dict[str, list[k8s.EndpointSlice]]:
    out: dict[str, list[k8s.EndpointSlice]] = {}
    for sl in topo.state.endpoint_slices:
        out.setdefault(f"{sl.namespace}/{sl.service_name}", []).append(sl)
    return out
