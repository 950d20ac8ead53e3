"""``verify``'s requests through the Istio add-on's ingress gateways: one request per (Gateway server, bound
VirtualService host, http rule match) sent at the public load balancer address of the gateway's Service, compared
like the Gateway API's (``verify_gateway``): curl's exit code, status, Location and the answering workload; and
through a client sidecar's routing (``sidecar_requests``: per VirtualService bound to ``mesh`` and rule match,
to the Service's ClusterIP from a pod with a sidecar).

A match's request: its uri exact or prefix value, its method, its headers' exact or prefix values (a presence
match sends ``aksnet``); matches the stand-in leaves out (``ingress_route_conf``: regex uri or headers excepted,
they are sent only when a literal request can be derived) and rules with a per-request draw (``draws``: several
weighted destinations, a partial fault abort) get none. Pure request generation.
Source: https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as url_quote

from aksnet.analyses.curl_mesh import is_ingress_gateway
from aksnet.dataplane import ingress_route_conf as irc
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.verify_gateway import GatewayRequest, compare_url
from aksnet.engine import mesh
from aksnet.engine.addressing import Topology
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.http_match import qualify
from aksnet.engine.mesh.protocol import service_port_protocol
from aksnet.model import k8s
from aksnet.model import mesh_traffic as mt

PRESENT = "aksnet"
STATIC = ("source_labels", "source_namespace", "gateways")  # not sent: fixed by the proxy


def _host(server_host: str, vs_host: str) -> str:
    """A concrete name both patterns take (the more specific one; a wildcard becomes ``aksnet.<suffix>``)."""
    pattern = max((server_host, vs_host), key=hosts.specificity)
    if pattern == "*":
        return "aksnet.test"
    return "aksnet" + pattern[1:] if pattern.startswith("*") else pattern


def _literal(sm: mt.StringMatch | None) -> str | None:
    if sm is None:
        return ""
    if sm.kind == "present":
        return PRESENT
    return sm.value if sm.kind in ("exact", "prefix") else None


def _match_request(m: mt.HttpMatch) -> tuple[str, str, tuple[str, ...]] | None:
    """(path, method, headers) of a request the match takes, or None."""
    if m.ignore_uri_case or m.port is not None or any(getattr(m, a) for a in (*irc.UNROUTABLE, *STATIC)):
        return None
    path, method = _literal(m.uri), _literal(m.method)
    heads = [(k, _literal(v)) for k, v in m.headers]
    if path is None or method is None or any(v is None or not v.isprintable() for _, v in heads):
        return None
    if not (path or "/").startswith("/") or not (path or "/").isprintable():
        return None
    return path or "/", method, tuple(f"{k}: {v}" for k, v in heads)


def mesh_ingress_requests(topo: Topology) -> list[GatewayRequest]:
    """Every request ``verify`` sends through an ingress gateway of the mesh add-on (deterministic order)."""
    world = topo.state.mesh.traffic
    out: list[GatewayRequest] = []
    done: set[str] = set()
    for pod in sorted(topo.state.pods, key=lambda p: p.key):
        if not is_ingress_gateway(topo, pod):
            continue
        for svc in sorted(topo.services.values(), key=lambda s: s.key):
            if not svc.selector or svc.namespace != pod.namespace or svc.key in done or \
                    any(pod.labels.get(k) != v for k, v in svc.selector.items()):
                continue
            public = [ip for ip in svc.load_balancer_ingress if topo.owner(ip).kind == "lb-frontend"
                      and topo.frontend_by_ip[ip][1].public_ip_id]
            if not public:
                continue
            done.add(svc.key)
            for sp in svc.ports:
                out += _requests(world, ingress.selecting(world, pod), sp.port, public[0])
    return sorted(set(out), key=lambda r: (r.url, r.method, r.headers))


def _requests(world: mt.TrafficWorld, gateways: list[mt.Gateway], port: int, address: str) -> list[GatewayRequest]:
    out = []
    for g in gateways:
        for s in g.servers:
            if s.port != port or s.protocol in ingress.TLS_PROTOCOLS or s.https_redirect:
                continue
            for entry in s.hosts:
                ns, pattern = hosts.gateway_host(entry, g.namespace)
                for vs in world.virtual_services:
                    if g.key not in {qualify(x, vs.namespace) for x in vs.gateways} or ns not in ("*", vs.namespace):
                        continue
                    for vh in (hosts.fqdn(h, vs.namespace) for h in vs.hosts):
                        if not hosts.overlap(pattern, vh):
                            continue
                        host = _host(pattern, vh)
                        for rule in vs.http:
                            if irc.draws(rule):
                                continue
                            for m in rule.matches or (mt.HttpMatch(),):
                                got = _match_request(m)
                                if got is None:
                                    continue
                                path, method, heads = got
                                out.append(GatewayRequest(f"http://{host}:{port}{url_quote(path, safe='/')}",
                                                          f"{host}:{port}:{address}", method, heads))
    return out


def sidecar_requests(topo: Topology) -> list[tuple[k8s.Pod, GatewayRequest]]:
    """Requests through a client sidecar's routing: per VirtualService bound to ``mesh`` that the twin uses for a
    Service host (the oldest most specific), per HTTP port of the Service's ClusterIP and per routable rule match,
    sent from the first pod with a sidecar in the VirtualService's namespace that the Service does not select."""
    world = topo.state.mesh
    out: list[tuple[k8s.Pod, GatewayRequest]] = []
    for svc in sorted(topo.state.services, key=lambda s: (s.namespace, s.name)):
        if not svc.cluster_ip or svc.is_headless:
            continue
        found = routing.bound(world.traffic, mt.MESH_GATEWAY, hosts.service_fqdn(svc.namespace, svc.name))
        if not found:
            continue
        vs = found[0][0]
        client = next((p for p in sorted(topo.state.pods, key=lambda p: p.key)
                       if p.namespace == vs.namespace and p.pod_ip and not p.host_network
                       and (side := mesh.in_mesh(world, p)) is not None and not side.router
                       and not (svc.selector and all(p.labels.get(k) == v for k, v in svc.selector.items()))), None)
        if client is None:
            continue
        for sp in svc.ports:
            if service_port_protocol(sp) == "TCP":
                continue
            for rule in vs.http:
                if irc.draws(rule):
                    continue
                for m in rule.matches or (mt.HttpMatch(),):
                    got = _match_request(m)
                    if got is not None:
                        path, method, heads = got
                        url = f"http://{svc.cluster_ip}:{sp.port}{url_quote(path, safe='/')}"
                        out.append((client, GatewayRequest(url, "", method, heads)))
    return out


def check_sidecar_urls(topo: Topology, tag: str, rep: Any) -> None:
    """Send every :func:`sidecar_requests` from its client pod through the twin and the real stand-ins."""
    for pod, r in sidecar_requests(topo):
        compare_url(topo, rep, f"pod/{pod.namespace}/{pod.name}", tn.pod_ns(tag, pod.namespace, pod.name), r)
