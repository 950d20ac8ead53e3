"""kube-proxy (iptables mode) on one node: which Service a packet hits and what DNAT it gets.

ClusterIP, NodePort, LoadBalancer ingress IPs and externalIPs are matched on IP, port and protocol; the
endpoint set follows ``internalTrafficPolicy`` (ClusterIP) or ``externalTrafficPolicy`` (NodePort, LB,
externalIPs): Local keeps only the node's endpoints and drops when there are none; Cluster uses every
ready endpoint (falling back to serving+terminating) and masquerades external traffic to the node IP.
A Service without endpoints, or the right IP with a wrong port/protocol, is REJECTed; traffic to an LB IP
from outside ``loadBalancerSourceRanges`` is DROPped. Sources: kubernetes virtual-ips.md, source-ip.md and
pkg/proxy/iptables proxier tests (kubernetes.io/docs/reference/networking/virtual-ips). The choice among endpoints is
deterministic here (kube-proxy picks at random): the first ready endpoint by pod name, rotated by a hash of
the client address when ``sessionAffinity: ClientIP`` so that a client sticks to one backend.
This module must not route packets between hosts or evaluate NetworkPolicy.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from aksnet.engine.addressing import Topology
from aksnet.model import k8s


@dataclass(frozen=True, slots=True)
class ServiceHit:
    service: k8s.Service
    port: k8s.ServicePort
    via: str  # ClusterIP | NodePort | LoadBalancer | ExternalIP


@dataclass(frozen=True, slots=True)
class Backend:
    ip: str
    port: int
    pod: k8s.Pod | None
    node_name: str | None


@dataclass(frozen=True, slots=True)
class ProxyDecision:
    """``action``: PASS (no Service rule), DNAT, REJECT or DROP; ``rule`` names the chain/rule that decided."""

    action: str
    rule: str
    hit: ServiceHit | None = None
    backend: Backend | None = None
    candidates: int = 0
    masquerade: bool = False


def find_service(topo: Topology, dst_ip: str, dst_port: int, protocol: str,
                 node_ips: frozenset[str]) -> tuple[ServiceHit | None, k8s.Service | None]:
    """The Service port a packet hits, and (when the IP is a Service's but no port matches) that Service."""
    candidates: list[tuple[k8s.Service, str]] = []
    svc = topo.service_by_ip.get(dst_ip)
    if svc is not None:
        candidates.append((svc, "ClusterIP"))
    for s in topo.service_by_external_ip.get(dst_ip, ()):
        candidates.append((s, "LoadBalancer" if dst_ip in s.load_balancer_ingress else "ExternalIP"))
    for s, via in candidates:
        for p in s.ports:
            if p.port == dst_port and p.protocol.upper() == protocol.upper():
                return ServiceHit(s, p, via), s
    if dst_ip in node_ips:
        for s in topo.services.values():
            if s.type in ("NodePort", "LoadBalancer"):
                for p in s.ports:
                    if p.node_port == dst_port and p.protocol.upper() == protocol.upper():
                        return ServiceHit(s, p, "NodePort"), s
        return None, None
    return None, candidates[0][0] if candidates else None


def _target_port(svc_port: k8s.ServicePort, pod: k8s.Pod | None, slice_ports: tuple[k8s.EndpointPort, ...]) -> int:
    tp = svc_port.target_port
    if isinstance(tp, int) and tp:
        return tp
    if isinstance(tp, str):
        if pod is not None:
            for cp in pod.ports:
                if cp.name == tp and cp.protocol.upper() == svc_port.protocol.upper():
                    return cp.container_port
        for ep in slice_ports:
            if ep.name == svc_port.name and ep.port:
                return ep.port
        return 0
    return svc_port.port


def _family(svc: k8s.Service, family: int | None) -> int:
    """The IP version of the endpoints to use: the one asked for, else the Service's primary family."""
    if family is not None:
        return family
    return 6 if svc.ip_families[:1] == ("IPv6",) else 4


def service_backends(topo: Topology, svc: k8s.Service, svc_port: k8s.ServicePort,
                     family: int | None = None) -> list[tuple[Backend, bool, bool]]:
    """Every endpoint of a Service port as (backend, ready, serving-and-terminating) of one IP family (a packet
    to an IPv6 ClusterIP or frontend reaches the IPv6 endpoints: kube-proxy's per-family proxiers, kubernetes.io
    dual-stack); from its EndpointSlices of that addressType, or from the selector when the cluster has no
    slices for it (manual Services have none)."""
    out: list[tuple[Backend, bool, bool]] = []
    fam = _family(svc, family)
    slices = [es for es in topo.slices_by_service.get(svc.key) or () if es.address_type == f"IPv{fam}"]
    if slices:
        for es in slices:
            for ep in es.endpoints:
                pod = topo.pods.get(ep.pod) if ep.pod else topo.pod_by_ip.get(ep.ip)
                port = _target_port(svc_port, pod, es.ports)
                if not port:
                    continue
                ready = ep.ready or svc.publish_not_ready_addresses
                out.append((Backend(ep.ip, port, pod, ep.node_name or (pod.node_name if pod else None)),
                            ready, ep.serving and ep.terminating))
    elif svc.selector:
        for pod in topo.pods_by_namespace.get(svc.namespace, ()):
            ip = pod.ip_of(fam)
            if not ip or pod.phase != "Running":
                continue
            if all(pod.labels.get(k) == v for k, v in svc.selector.items()):
                port = _target_port(svc_port, pod, ())
                if port:
                    out.append((Backend(ip, port, pod, pod.node_name),
                                pod.ready or svc.publish_not_ready_addresses, False))
    return sorted(out, key=lambda b: (b[0].pod.name if b[0].pod else "", b[0].ip))


def usable_backends(topo: Topology, svc: k8s.Service, svc_port: k8s.ServicePort, local_node: str | None,
                    local_only: bool, family: int | None = None) -> list[Backend]:
    """CategorizeEndpoints: ready endpoints, else serving+terminating ones; Local keeps the node's only."""
    all_eps = service_backends(topo, svc, svc_port, family)
    if local_only:
        all_eps = [e for e in all_eps if e[0].node_name == local_node]
    ready = [b for b, r, _ in all_eps if r]
    return ready or [b for b, _, t in all_eps if t]


def choose(backends: list[Backend], svc: k8s.Service, client_ip: str) -> Backend:
    """The endpoint the twin picks for ``client_ip`` (the data plane pins the same one per known client)."""
    if svc.session_affinity == "ClientIP" and len(backends) > 1:
        h = int.from_bytes(hashlib.sha256(client_ip.encode()).digest()[:4], "big")
        return backends[h % len(backends)]
    return backends[0]


def _in_ranges(ip: str, ranges: tuple[str, ...]) -> bool:
    """``loadBalancerSourceRanges``: IPv4 and IPv6 CIDRs; an address only matches a range of its family."""
    addr = ipaddress.ip_address(ip)
    for r in ranges:
        try:
            net = ipaddress.ip_network(r.strip(), strict=False)
        except ValueError:
            continue
        if net.version == addr.version and addr in net:
            return True
    return False


def intercept(topo: Topology, node_name: str | None, src_ip: str, dst_ip: str, dst_port: int, protocol: str,
              external: bool) -> ProxyDecision:
    """What kube-proxy on ``node_name`` does with a packet. ``external`` is True when the packet came in from
    outside the node (the load balancer, a VM, another node), False for the node's own pods and processes."""
    node = topo.nodes.get(node_name or "")
    node_ips = frozenset(node.internal_ips or (node.internal_ip,)) if node is not None else frozenset()
    family = 6 if ":" in dst_ip else 4
    hit, svc_of_ip = find_service(topo, dst_ip, dst_port, protocol, node_ips)
    if hit is None:
        if svc_of_ip is not None:
            return ProxyDecision("REJECT", f"KUBE-SERVICES: {svc_of_ip.key} has no port {dst_port}/{protocol.upper()}"
                                           " (reject)")
        return ProxyDecision("PASS", "no Service rule matches")
    svc, port = hit.service, hit.port
    chain = f"{svc.key}:{port.name or port.port}"
    if hit.via == "LoadBalancer" and svc.load_balancer_source_ranges and not _in_ranges(
            src_ip, svc.load_balancer_source_ranges):
        return ProxyDecision("DROP", f"KUBE-FW {chain}: {src_ip} not in loadBalancerSourceRanges "
                                     f"{','.join(svc.load_balancer_source_ranges)}", hit)
    if hit.via == "ClusterIP":
        local = svc.internal_traffic_policy == "Local"
        policy = f"internalTrafficPolicy={svc.internal_traffic_policy}"
    else:
        # Pods and processes on a node reaching an LB/external IP are short-circuited to Cluster semantics.
        local = svc.external_traffic_policy == "Local" and external
        policy = f"externalTrafficPolicy={svc.external_traffic_policy or 'Cluster'}"
    backends = usable_backends(topo, svc, port, node_name, local, family)
    if not backends:
        if local and service_backends(topo, svc, port, family):
            return ProxyDecision("DROP", f"KUBE-SVL {chain}: {policy} and no local endpoint on {node_name}", hit)
        return ProxyDecision("REJECT", f"KUBE-SERVICES {chain}: service has no endpoints (reject)", hit)
    chosen = choose(backends, svc, src_ip)
    masq = external and not local and hit.via != "ClusterIP"
    return ProxyDecision("DNAT", f"KUBE-SVC {chain} ({hit.via}, {policy}): endpoint {chosen.ip}:{chosen.port} "
                                 f"of {len(backends)}", hit, chosen, len(backends), masq)


def nodes_passing_probe(topo: Topology, svc: k8s.Service, port: k8s.ServicePort,
                        node_names: list[str], family: int | None = None) -> list[str]:
    """Which nodes the Azure LB health probe finds healthy: ETP Local → HTTP /healthz on healthCheckNodePort
    answers 200 only on nodes with a ready local endpoint; ETP Cluster → the TCP probe on the nodePort is
    accepted on every node as long as the Service has an endpoint somewhere (kube-proxy rejects it otherwise).
    ``family``: the IP version of the frontend probed (its endpoints of that family count)."""
    if svc.external_traffic_policy == "Local":
        return [n for n in node_names if usable_backends(topo, svc, port, n, True, family)]
    return list(node_names) if usable_backends(topo, svc, port, None, False, family) else []


def target_ports(topo: Topology) -> dict[tuple[str, int, str], str]:
    """(pod IP, port, protocol) → the first Service (namespace/name) whose EndpointSlices send that port to the
    pod: the ports a pod answers on beyond its declared containerPorts (containerPort is informational)."""
    out: dict[tuple[str, int, str], str] = {}
    for key, slices in sorted(topo.slices_by_service.items()):
        for es in slices:
            for ep in es.endpoints:
                for p in es.ports:
                    out.setdefault((ep.ip, p.port, p.protocol.upper()), key)
    return out
