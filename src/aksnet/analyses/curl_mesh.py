"""``curl``/``trace`` through Istio's traffic API: a request that the add-on's ingress gateway receives, or that a
pod's sidecar sends, is routed by ``aksnet.engine.mesh.routing`` (VirtualService, DestinationRule, ServiceEntry;
at the gateway first ``aksnet.engine.mesh.ingress``: the Istio Gateway server), then walked from the proxy pod to
an endpoint of the chosen subset (Envoy connects to endpoint IPs: the backend's NetworkPolicies and sidecar see the
proxy's pod), at most three attempts (Istio's default retries on connect failure). The proxy's own answers: 404
(no route), a redirect, a direct response, a fault abort (``fault filter abort``), 503 ``no healthy upstream`` (no
endpoint in the subset), 503 with an empty body (an undefined subset), 503 ``upstream connect error …``.

A sidecar routes with the traffic API only when a VirtualService (gateway ``mesh``) or DestinationRule names the
destination host; otherwise the walk goes through kube-proxy as before (docs/fidelity.md "Istio").
Source: https://istio.io/latest/docs/tasks/traffic-management/request-routing/, ``…/traffic-shifting/``,
``…/fault-injection/``, ``…/ingress/ingress-control/``. Pure; never prints.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from aksnet.analyses.curl_gateway import ProxyAnswer
from aksnet.analyses.trace import ANSWERED
from aksnet.engine import echo, mesh
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DELIVERED, REFUSED, Hop, Site, Walk
from aksnet.engine.ingress.backend import resolve_backend
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.http_match import RouteRequest
from aksnet.engine.mesh.protocol import service_port_protocol
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model import mesh_traffic as mt
from aksnet.rules import gateway_api, istio

SERVER = "istio-envoy"
RESET_BEFORE_HEADERS = ("upstream connect error or disconnect/reset before headers. reset reason: connection "
                        "termination")


@dataclass(frozen=True, slots=True)
class Sent:
    """The request as the client sent it to the proxy."""

    scheme: str
    host_header: str
    request_uri: str
    method: str
    headers: dict[str, str]
    port: int  # the port the request was addressed to (the Service's, or the gateway Service's)
    sni: str = ""  # the TLS server name curl sends (the URL's host name; none for an IP address)


def _host(host_header: str) -> str:
    return (host_header.rsplit(":", 1)[0] if ":" in host_header and not host_header.endswith("]")
            else host_header).lower()


def _key(client_ip: str, sent: Sent) -> str:
    return f"{client_ip} {sent.method} {sent.scheme}://{sent.host_header}{sent.request_uri} " + \
        " ".join(f"{k}={v}" for k, v in sorted(sent.headers.items()))


def _request(sent: Sent, proxy: k8s.Pod, gateway: str) -> RouteRequest:
    path, _, query = sent.request_uri.partition("?")
    return RouteRequest(sent.method, path, query, _host(sent.host_header), sent.port,
                        tuple((k.lower(), v) for k, v in sent.headers.items() if k.lower() != "host"), sent.scheme,
                        tuple(sorted(proxy.labels.items())), proxy.namespace, gateway)


def _context(topo: Topology, proxy: k8s.Pod, key: str, draw: str) -> routing.Context:
    world = topo.state.mesh
    return routing.Context(world.traffic, topo.state.services, proxy.namespace,
                           world.root_namespace or istio.SYSTEM_NAMESPACE, key, draw)


def is_ingress_gateway(topo: Topology, pod: k8s.Pod) -> bool:
    """A pod of the add-on's ingress gateways (or any ``proxy router`` not deployed for a Gateway API Gateway)."""
    proxy = mesh.in_mesh(topo.state.mesh, pod)
    return proxy is not None and proxy.router and gateway_api.GATEWAY_NAME_LABEL not in pod.labels


def through_ingress(topo: Topology, walker: Walker, first: Walk, sent: Sent) -> ProxyAnswer | Walk:
    """The request the client's leg delivered to an ingress gateway pod (a Walk: the connection is refused)."""
    assert first.backend is not None and first.backend.pod is not None
    pod = first.backend.pod
    component = f"Istio ingress gateway ({pod.key})"
    port = ingress.service_port(topo.state.services, pod, first.backend.port)
    sent = Sent(sent.scheme, sent.host_header, sent.request_uri, sent.method, sent.headers, port, sent.sni)
    host = _host(sent.host_header)
    # a TLS server is chosen by SNI (none for an IP address: only a "*" server takes it), plaintext by Host
    choice = ingress.select_server(topo.state.mesh.traffic, pod, port, sent.scheme,
                                   sent.sni if sent.scheme == "https" else host, sent.request_uri.partition("?")[0])
    hops = tuple(Hop(component, "route", s) for s in choice.steps[:-1])
    last = choice.steps[-1]
    if choice.outcome == "refused":
        hops = (*first.hops, *hops, Hop(component, "refuse", last))
        return Walk(REFUSED, last, first.source, first.dst_ip, first.dst_port, "TCP", hops, first.destination)
    if choice.outcome == "handshake":
        return ProxyAnswer(component, 0, (), "", (first,), (*hops, Hop(component, "respond", last)), component)
    if choice.outcome in ("not-found", "redirect"):
        status = 404 if choice.outcome == "not-found" else 301
        decision = routing.MeshRoute((), status, location=choice.location)
        return _own_answer(component, decision, (first,), (*hops, Hop(component, "respond", last)))
    hops = (*hops, Hop(component, "route", last))
    key = _key(first.backend.client_ip, sent)
    decision = routing.route(_context(topo, pod, key, sent.request_uri), _request(sent, pod, choice.gateway_name),
                             host, None, ingress.admits(choice))
    site = Site("pod", pod.pod_ip or first.backend.ip, pod.key, pod=pod, node=topo.nodes.get(pod.node_name or ""))
    return forward(topo, walker, Forward(component, site, first.backend.client_ip, True, key), sent, decision,
                   (first,), hops)


def sidecar_outbound(topo: Topology, walker: Walker, site: Site, addr: str, sent: Sent, url_host: str,
                     pre: tuple[Hop, ...]) -> ProxyAnswer | None:
    """A plaintext HTTP request from a pod with a sidecar to ``addr``: routed by the sidecar when a VirtualService
    or DestinationRule names the destination host (None: not the sidecar's to route, walk it as before)."""
    pod = site.pod
    proxy = mesh.in_mesh(topo.state.mesh, pod)
    if pod is None or proxy is None or proxy.router or sent.scheme != "http":
        return None
    traffic = topo.state.mesh.traffic
    if not (traffic.virtual_services or traffic.destination_rules):
        return None
    svc = next((s for s in topo.state.services if s.cluster_ip == addr and any(p.port == sent.port for p in s.ports)),
               None)
    if svc is not None:
        sp = next(p for p in svc.ports if p.port == sent.port)
        if service_port_protocol(sp) == "TCP":
            return None  # a TCP port: the sidecar forwards bytes (tcp routes are not walked)
        host = hosts.service_fqdn(svc.namespace, svc.name)
        default = routing.Target(host, (svc.namespace, svc.name), sent.port)
    else:
        host = url_host.lower()
        default = routing.Target(host, None, sent.port)
    key = _key(site.ip, sent)
    ctx = _context(topo, pod, key, sent.request_uri)
    if not routing.bound(traffic, mt.MESH_GATEWAY, host) and routing.destination_rule(ctx, host) is None:
        return None
    component = f"{istio.PROXY_CONTAINER} outbound ({pod.key})"
    decision = routing.route(ctx, _request(sent, pod, mt.MESH_GATEWAY), host, default)
    return forward(topo, walker, Forward(component, site, site.ip, False, key, addr), sent, decision, (), pre)


@dataclass(frozen=True, slots=True)
class Forward:
    """The proxy that forwards: its hops' component, the site its connections start from, the client address it
    saw, whether it is a gateway (adds X-Forwarded-For; hops are its own step) and the address the client
    resolved (a sidecar's destination outside any Service)."""

    component: str
    site: Site
    client_ip: str
    gateway: bool
    key: str
    original: str = ""


_WORDS = {routing.ROUTE: "route", routing.NOTE: "note", routing.RESPOND: "respond"}


def forward(topo: Topology, walker: Walker, fwd: Forward, sent: Sent, decision: routing.MeshRoute,
            legs: tuple[Walk, ...], hops: tuple[Hop, ...]) -> ProxyAnswer:
    """Carry out a routing decision: the proxy's own answer, or attempts to endpoints of the target."""
    hops = (*hops, *(Hop(fwd.component, _WORDS[w], text) for w, text in decision.steps))
    if decision.status is not None:
        return _own_answer(fwd.component, decision, _outbound_leg(fwd, sent, legs, hops), () if not fwd.gateway
                           else hops)
    target = decision.target
    assert target is not None
    endpoints = _endpoints(topo, target, fwd)
    if not endpoints:
        why = (f"no ready endpoint of {target.host}" + (f" in subset {target.subset}" if target.subset else "")
               + f": 503 {gateway_api.ENVOY_NO_HEALTHY_UPSTREAM}")
        failed = routing.MeshRoute((), 503, gateway_api.ENVOY_NO_HEALTHY_UPSTREAM,
                                   response_headers=decision.response_headers)
        return _own_answer(fwd.component, failed, _outbound_leg(fwd, sent, legs, hops),
                           (*hops, Hop(fwd.component, "respond", why)) if fwd.gateway else
                           (Hop(fwd.component, "respond", why),))
    start = int(hashlib.sha256(fwd.key.encode()).hexdigest()[:8], 16) % len(endpoints)
    order = [endpoints[(start + i) % len(endpoints)] for i in range(min(len(endpoints), gateway_api.ISTIO_ATTEMPTS))]
    upstream = mesh.HttpRequest(sent.method, decision.uri, decision.authority or _host(sent.host_header),
                                decision.headers)
    own_hops = hops if fwd.gateway else ()
    reset = timed_out = False
    for attempt, (ip, port) in enumerate(order, 1):
        pre = () if fwd.gateway or legs else hops
        leg = walker.walk(fwd.site, ip, port, "TCP", pre, request=upstream, plaintext=target.tls_mode == "DISABLE")
        legs = (*legs, leg)
        if leg.verdict == DELIVERED and leg.backend is not None and leg.backend.kind == istio.PROXY_CONTAINER:
            status, body = mesh.denial(leg.hops)
            return ProxyAnswer(fwd.component, status, (
                ("content-length", str(len(body))), ("content-type", "text/plain"),
                ("server", SERVER)), body, legs, own_hops, istio.PROXY_CONTAINER)
        if leg.verdict == DELIVERED and leg.backend is not None:
            return _echo(fwd, sent, decision, leg, legs, own_hops, attempt)
        reset = reset or (bool(leg.hops) and leg.hops[-1].decision == "reset")
        timed_out = timed_out or leg.verdict != REFUSED
    text = RESET_BEFORE_HEADERS if reset else (gateway_api.ENVOY_CONNECT_TIMEOUT if timed_out
                                                else gateway_api.ENVOY_CONNECT_FAILURE)
    final = Hop(fwd.component, "respond", f"all {gateway_api.ISTIO_ATTEMPTS} attempts failed (over {len(order)} "
                                          f"endpoint(s)): 503 {text}")
    failed = routing.MeshRoute((), 503, text, response_headers=decision.response_headers)
    answer = _own_answer(fwd.component, failed, legs, own_hops)
    return ProxyAnswer(answer.component, answer.status, answer.headers, answer.body, answer.legs, answer.hops,
                       answer.answered_by, (final,))


def _outbound_leg(fwd: Forward, sent: Sent, legs: tuple[Walk, ...], hops: tuple[Hop, ...]) -> tuple[Walk, ...]:
    """A sidecar's own answer happens in the client pod: one leg with the client's hops and the sidecar's."""
    if fwd.gateway or legs:
        return legs
    return (Walk(ANSWERED, "the sidecar answered", fwd.site, fwd.original or fwd.site.ip, sent.port, "TCP", hops),)


def _endpoints(topo: Topology, target: routing.Target, fwd: Forward) -> list[tuple[str, int]]:
    if target.service is None:
        # a ServiceEntry or external host: the address the client resolved (a gateway resolves none here)
        return [] if fwd.gateway or not fwd.original else [(fwd.original, target.port or 80)]
    return service_endpoints(topo, target)


def service_endpoints(topo: Topology, target: routing.Target) -> list[tuple[str, int]]:
    """The ready endpoints (address, port) of a target that is a Kubernetes Service, kept to its subset's pods."""
    if target.service is None:
        return []
    ns, name = target.service
    services = {s.key: s for s in topo.state.services}
    slices: dict[str, list[k8s.EndpointSlice]] = {}
    for sl in topo.state.endpoint_slices:
        slices.setdefault(f"{sl.namespace}/{sl.service_name}", []).append(sl)
    resolved = resolve_backend(ns, k8s.IngressBackend(name, target.port), services, slices)
    pods = {p.key: p for p in topo.state.pods}
    kept = routing.subset_endpoints(((e.ip, e.port, e.pod) for e in resolved.endpoints), pods, target.subset_labels)
    return [(ip, port) for ip, port, _ in kept]


def _own_answer(component: str, decision: routing.MeshRoute, legs: tuple[Walk, ...],
                hops: tuple[Hop, ...]) -> ProxyAnswer:
    status = decision.status or 503
    body = decision.body
    headers: list[tuple[str, str]] = []
    if decision.location:
        headers.append(("location", decision.location))
    if body:
        headers.append(("content-type", "text/plain"))
    headers.append(("content-length", str(len(body))))
    headers += _response_ops((), decision.response_headers)
    headers.append(("server", SERVER))
    return ProxyAnswer(component, status, tuple(headers), body, legs, hops, component)


def _response_ops(headers: tuple[tuple[str, str], ...], ops: mt.HeaderOps) -> list[tuple[str, str]]:
    return list(routing.apply_ops(headers, ops)) if ops else list(headers)


def _echo(fwd: Forward, sent: Sent, decision: routing.MeshRoute, leg: Walk, legs: tuple[Walk, ...],
          hops: tuple[Hop, ...], attempt: int) -> ProxyAnswer:
    b = leg.backend
    assert b is not None
    up = dict(decision.headers)
    up["host"] = decision.authority or sent.host_header
    if fwd.gateway:
        up["x-forwarded-for"] = fwd.client_ip
    up["x-forwarded-proto"] = sent.scheme
    digest = hashlib.sha256(fwd.key.encode()).hexdigest()
    up["x-request-id"] = f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"
    up["x-envoy-attempt-count"] = str(attempt)
    seen = echo.HttpSeen(sent.method, up["host"], decision.uri, up)
    body = "\n".join(echo.echo_lines(b.kind, b.name, b.ip, b.port, b.client_ip, seen))
    base = (("content-type", "text/plain; charset=utf-8"), ("content-length", str(len(body) + 1)))
    headers = (*_response_ops(base, decision.response_headers), ("server", SERVER))
    return ProxyAnswer(fwd.component, 200, tuple(headers), body, legs, hops, "backend")
