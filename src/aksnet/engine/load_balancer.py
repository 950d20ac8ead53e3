"""Azure Standard Load Balancer, inbound: frontend → load-balancing rule → backend pool → health probe.

A packet to a frontend IP matches the rule of that frontend with the same protocol and frontend port (no
rule: the Standard LB drops it). The backend is a healthy pool member; for AKS Services the probe follows
``externalTrafficPolicy`` (HTTP /healthz on healthCheckNodePort for Local, TCP on the nodePort for Cluster,
aks.md §3.4). With floating IP (AKS's default) the packet keeps the frontend IP and port as destination;
without it the LB rewrites them to the member's IP and backend port. Source: learn.microsoft.com/azure/
load-balancer/load-balancer-floating-ip and cloud-provider-azure azure_loadbalancer.go. Members are chosen
deterministically (the LB hashes the 5-tuple): the first healthy member in pool order. This module must
not evaluate NSGs or kube-proxy rules itself; it asks ``kube_proxy`` which nodes pass the probe.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine import kube_proxy
from aksnet.engine.addressing import Topology
from aksnet.model import azure, k8s


@dataclass(frozen=True, slots=True)
class LbDecision:
    """``ok``: a healthy member was chosen. ``rule`` text names the LB rule/probe that decided."""

    ok: bool
    rule: str
    lb: azure.LoadBalancer
    frontend: azure.FrontendIPConfiguration
    lb_rule: azure.LoadBalancingRule | None = None
    member_ip: str | None = None
    dst_ip: str = ""
    dst_port: int = 0
    service: k8s.Service | None = None


def _proto_ok(rule_proto: str, protocol: str) -> bool:
    return rule_proto.lower() in ("all", protocol.lower())


def _service_for(topo: Topology, frontend_ip: str, port: int,
                 protocol: str) -> tuple[k8s.Service, k8s.ServicePort] | None:
    for svc in topo.service_by_external_ip.get(frontend_ip, ()):
        for p in svc.ports:
            if p.port == port and p.protocol.upper() == protocol.upper():
                return svc, p
    return None


def forward(topo: Topology, lb: azure.LoadBalancer, frontend: azure.FrontendIPConfiguration, frontend_ip: str,
            port: int, protocol: str) -> LbDecision:
    """Pick the rule and a healthy backend for a packet to ``frontend_ip:port``."""
    rule = next((r for r in lb.rules if r.frontend_id.lower() == frontend.id.lower()
                 and _proto_ok(r.protocol, protocol) and (r.frontend_port == port or r.frontend_port == 0)), None)
    if rule is None:
        return LbDecision(False, f"{lb.name}: no load-balancing rule on frontend {frontend.name} for "
                                 f"{protocol.upper()}/{port} (dropped)", lb, frontend)
    pool = next((p for p in lb.backend_pools if p.id.lower() == rule.backend_pool_id.lower()), None)
    members = list(pool.ip_addresses) if pool else []
    svc_hit = _service_for(topo, frontend_ip, port, protocol)
    probe = next((p for p in lb.probes if p.name == rule.probe_name), None)
    probe_text = f"probe {probe.name} {probe.protocol}:{probe.port}{probe.request_path or ''}" if probe else "no probe"
    node_of_ip = {n.internal_ip: n.name for n in topo.nodes.values()}
    if svc_hit is not None:
        svc, sp = svc_hit
        healthy_names = set(kube_proxy.nodes_passing_probe(
            topo, svc, sp, [node_of_ip[m] for m in members if m in node_of_ip]))
        healthy = [m for m in members if node_of_ip.get(m) in healthy_names]
    else:
        svc = None
        healthy = members
    name = f"{lb.name}/{rule.name}"
    if not healthy:
        why = "empty backend pool" if not members else f"no member passes {probe_text}"
        return LbDecision(False, f"{name}: {why} (dropped)", lb, frontend, rule, service=svc)
    member = healthy[0]
    if rule.enable_floating_ip:
        dst_ip, dst_port = frontend_ip, port
        nat = "floating IP: destination kept"
    else:
        dst_ip, dst_port = member, rule.backend_port or port
        nat = f"DNAT to {dst_ip}:{dst_port}"
    return LbDecision(True, f"{name} → pool {pool.name if pool else '?'} ({len(healthy)}/{len(members)} healthy, "
                            f"{probe_text}) → {node_of_ip.get(member, member)}; {nat}",
                      lb, frontend, rule, member, dst_ip, dst_port, svc)
