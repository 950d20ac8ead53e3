"""``aksnet explain --exposure`` for Gateway API: what each Gateway publishes — per address (an Application Gateway
for Containers frontend's FQDN, or the load-balancer address of an Istio-deployed Gateway), per valid listener and
per route rule attached to it: the URL, the route and rule, its filters, the weighted backendRefs, and which
workloads a request for that URL reaches from the internet. Each entry is verified by sending the request through
``aksnet curl``'s analysis (DNS pinned to the address, the rule's header, query and method matches set), so a
rule whose backends a NetworkPolicy or an NSG shuts out is listed with the answer the client gets.

Who may send: an AGC frontend is Azure-hosted and public (no NSG or route of the VNet sees the client's leg); an
Istio Gateway's address is a load balancer frontend, whose NSG decision the client's leg names.
Source: gateway-api v1.2.1 (listeners, route attachment and hostnames), learn.microsoft.com/azure/
application-gateway/for-containers/application-gateway-for-containers-components (frontends). Pure; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.analyses import curl_agc
from aksnet.analyses.curl import CurlRequest, curl
from aksnet.analyses.gateway_status import running_controllers
from aksnet.engine.addressing import Topology
from aksnet.engine.gateway.attach import Attachment
from aksnet.engine.gateway.route import attached_to
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model.gateway import Gateway, Listener, RouteMatch, RouteRule
from aksnet.rules import gateway_api

REACHABLE, BLOCKED = "reachable", "blocked"


@dataclass(frozen=True, slots=True)
class GatewayExposure:
    """One route rule a Gateway's listener publishes at one address, and what a request for it reaches."""

    gateway: str  # ns/name
    implementation: str
    address: str  # the FQDN or IP clients connect to
    listener: str
    port: int
    url: str
    route: str  # "HTTPRoute ns/name"
    rule: int
    match: str
    filters: tuple[str, ...]
    backends: tuple[str, ...]  # "ns/svc:port (weight w)"
    workloads: tuple[str, ...]
    pods: tuple[str, ...]
    sources: str
    status: str
    answer: str  # what the client gets, and who answered

    def to_json(self) -> dict[str, Any]:
        return {"gateway": self.gateway, "implementation": self.implementation, "address": self.address,
                "listener": self.listener, "port": self.port, "url": self.url, "route": self.route,
                "rule": self.rule, "match": self.match, "filters": list(self.filters),
                "backends": list(self.backends), "workloads": list(self.workloads), "pods": list(self.pods),
                "sources": self.sources, "status": self.status, "answer": self.answer}


def _addresses(topo: Topology, gw: Gateway) -> list[tuple[str, str, str, str]]:
    """(implementation, address clients use, IP it resolves to, who may send) of a Gateway."""
    out = []
    for tc in topo.twin.traffic_controllers:
        for fe in tc.frontends:
            if any(g is gw for g in curl_agc.bound_gateways(topo, tc, fe)):
                out.append((curl_agc.component_name(tc), fe.fqdn, fe.ip,
                            "any internet address (AGC frontend: Azure-hosted, public, outside the VNet's NSGs)"))
    deployed = f"{gw.name}-{gw.class_name}"
    for svc in topo.state.services:
        if svc.namespace == gw.namespace and svc.name == deployed and gw.class_name == gateway_api.ISTIO_CLASS:
            out += [("istio", ip, ip, f"load balancer frontend of Service {svc.key}")
                    for ip in svc.load_balancer_ingress]
    return out


def _host(att: Attachment, lst: Listener, address: str) -> list[str]:
    """The Host values to test: each hostname the route serves on the listener (a wildcard's ``*`` as ``x``), else
    the address itself."""
    names = att.hostnames or ((lst.hostname,) if lst.hostname else ("",))
    return [n.replace("*", "x", 1) if n else address for n in names]


def _request(m: RouteMatch) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(method, path with query, headers) of a request the match takes."""
    path = m.path if m.path_type in ("Exact", "PathPrefix") else "/"
    query = "&".join(f"{q.name}={q.value}" for q in m.query if q.type == "Exact")
    headers = tuple((h.name, h.value) for h in m.headers if h.type == "Exact")
    return m.method or "GET", path + (f"?{query}" if query else ""), headers


def _match_text(m: RouteMatch) -> str:
    parts = [f"{m.path_type} {m.path}"] + ([f"method {m.method}"] if m.method else [])
    parts += [f"header {h.name}: {h.value}" for h in m.headers] + [f"query {q.name}={q.value}" for q in m.query]
    return ", ".join(parts)


def _backends(rule: RouteRule, namespace: str) -> tuple[str, ...]:
    return tuple(f"{b.ref.namespace or namespace}/{b.ref.name}:{b.ref.port} (weight {b.weight})"
                 for b in rule.backends)


def _entry(topo: Topology, walker: Walker, gw: Gateway, att: Attachment, where: tuple[str, str, str, str],
           host: str, index: int, rule: RouteRule) -> GatewayExposure:
    from aksnet.analyses.exposure import workload_name

    implementation, address, ip, sources = where
    lst = att.listener
    scheme = "https" if lst.protocol == "HTTPS" else "http"
    method, uri, headers = _request(rule.matches[0])
    default = 443 if scheme == "https" else 80
    url = f"{scheme}://{host}{'' if lst.port == default else f':{lst.port}'}{uri}"
    res = curl(topo, CurlRequest(url, None, method, headers, True, (f"{host}:{lst.port}:{ip}",)), walker)
    leg = res.legs[-1] if res.legs else None
    pod: k8s.Pod | None = leg.backend.pod if leg is not None and leg.backend is not None else None
    reached = res.answered_by == "backend" and pod is not None
    status = REACHABLE if reached else (f"HTTP {res.status}" if res.status else BLOCKED)
    answer = res.error.splitlines()[0] if res.error else f"{res.status_line} from {res.answered_by or 'nobody'}"
    return GatewayExposure(
        f"{gw.namespace}/{gw.name}", implementation, address, lst.name, lst.port, url,
        f"{att.route.shown_kind} {att.route.namespace}/{att.route.name}", index, _match_text(rule.matches[0]),
        tuple(f.type for f in rule.filters), _backends(rule, att.route.namespace),
        (workload_name(pod),) if reached and pod is not None else (),
        (f"{pod.namespace}/{pod.name}[Pod]",) if reached and pod is not None else (), sources, status, answer)


def gateway_entries(topo: Topology, walker: Walker | None = None) -> list[GatewayExposure]:
    """Every (address, listener, hostname, route rule) the cluster's Gateways publish (see the module docstring)."""
    walker = walker or Walker(topo)
    world = topo.state.gateway
    out: list[GatewayExposure] = []
    for gw in world.gateways:
        wheres = _addresses(topo, gw)
        for att in attached_to(world, running_controllers(), gw):
            for where in wheres:
                for host in _host(att, att.listener, where[1]):
                    out += [_entry(topo, walker, gw, att, where, host, i, rule)
                            for i, rule in enumerate(att.route.rules)]
    return out
