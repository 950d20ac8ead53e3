"""Azure Standard Load Balancer, inbound: frontend → load-balancing rule → backend pool → health probe.

A packet to a frontend IP matches the rule of that frontend with the same protocol and frontend port (no
rule: the Standard LB drops it). The backend is a healthy pool member; for AKS Services the probe follows
``externalTrafficPolicy`` (HTTP /healthz on healthCheckNodePort for Local, TCP on the nodePort for Cluster,
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go@7b31c76). With floating IP (AKS's default)
the packet keeps the frontend IP and port as destination;
without it the LB rewrites them to the member's IP and backend port. Source: learn.microsoft.com/azure/
load-balancer/load-balancer-floating-ip and cloud-provider-azure azure_loadbalancer.go. Members are chosen
deterministically (the LB hashes the 5-tuple): the first healthy member in pool order. A member is healthy
when kube-proxy answers the probe (``kube_proxy.nodes_passing_probe``) and the member's NSGs admit the probe
from 168.63.129.16 (``nsg.health_probe_verdict``); this module evaluates neither itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine import kube_proxy, nsg
from aksnet.engine.addressing import Topology
from aksnet.model import azure, k8s
from aksnet.model.ids import id_key


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
    rule = next((r for r in lb.rules if id_key(r.frontend_id) == id_key(frontend.id)
                 and _proto_ok(r.protocol, protocol) and (r.frontend_port == port or r.frontend_port == 0)), None)
    if rule is None:
        return LbDecision(False, f"{lb.name}: no load-balancing rule on frontend {frontend.name} for "
                                 f"{protocol.upper()}/{port} (dropped)", lb, frontend)
    health = pool_health(topo, lb, rule, frontend_ip, port, protocol)
    pool, members, healthy, svc, probe_text = health.pool, health.members, health.healthy, health.service, \
        health.probe_text
    name = f"{lb.name}/{rule.name}"
    if not healthy:
        why = "empty backend pool" if not members else f"no member passes {probe_text}"
        if health.nsg_denials:
            rules = sorted(set(health.nsg_denials))
            what = "member" if len(health.nsg_denials) == 1 else f"{len(health.nsg_denials)} members"
            why += (f": NSG {' and '.join(rules)} denies the probe from 168.63.129.16 (AzureLoadBalancer) "
                    f"on {what} before AllowAzureLoadBalancerInBound (65001)")
        return LbDecision(False, f"{name}: {why} (dropped)", lb, frontend, rule, service=svc)
    member = healthy[0]
    if rule.enable_floating_ip:
        dst_ip, dst_port = frontend_ip, port
        nat = "floating IP: destination kept"
    else:
        dst_ip, dst_port = member, rule.backend_port or port
        nat = f"DNAT to {dst_ip}:{dst_port}"
    return LbDecision(True, f"{name} → pool {pool.name if pool else '?'} ({len(healthy)}/{len(members)} healthy, "
                            f"{probe_text}) → {_node_name(topo, member)}; {nat}",
                      lb, frontend, rule, member, dst_ip, dst_port, svc)


@dataclass(frozen=True, slots=True)
class PoolHealth:
    """The backend pool of one rule and which members the health probe finds up."""

    pool: azure.BackendAddressPool | None
    members: list[str]
    healthy: list[str]
    service: k8s.Service | None
    probe_text: str
    nsg_denials: tuple[str, ...] = ()  # per member the probe never reached: the NSG rule that denied it


def pool_health(topo: Topology, lb: azure.LoadBalancer, rule: azure.LoadBalancingRule, frontend_ip: str, port: int,
                protocol: str) -> PoolHealth:
    """Members of ``rule``'s pool and the healthy ones: kube-proxy must answer the probe (per
    ``externalTrafficPolicy``) and the member's subnet and NIC NSGs must let the probe in."""
    pool = next((p for p in lb.backend_pools if id_key(p.id) == id_key(rule.backend_pool_id)), None)
    members = list(pool.ip_addresses) if pool else []
    svc_hit = _service_for(topo, frontend_ip, port, protocol)
    probe = next((p for p in lb.probes if p.name == rule.probe_name), None)
    probe_text = f"probe {probe.name} {probe.protocol}:{probe.port}{probe.request_path or ''}" if probe else "no probe"
    svc = None
    healthy = members
    if svc_hit is not None:
        svc, sp = svc_hit
        healthy_names = set(kube_proxy.nodes_passing_probe(
            topo, svc, sp, [topo.node_by_ip[m].name for m in members if m in topo.node_by_ip],
            6 if ":" in frontend_ip else 4))
        healthy = [m for m in members if _node_name(topo, m) in healthy_names]
    denials: list[str] = []
    if probe is not None:
        up = []
        cache = _ProbeCache({}, {})  # per VNet and per NSG, for this pool
        for m in healthy:
            denied = _probe_denied_by(topo, m, probe.port, cache)
            if denied is None:
                up.append(m)
            else:
                denials.append(denied.describe())
        healthy = up
    return PoolHealth(pool, members, healthy, svc, probe_text, tuple(denials))


def _node_name(topo: Topology, ip: str) -> str:
    node = topo.node_by_ip.get(ip)
    return node.name if node else ip


@dataclass(frozen=True, slots=True)
class _ProbeCache:
    tags: dict[str, nsg.TagContext]
    rules: dict[tuple[str, int], tuple[azure.SecurityRule, ...]]


def _probe_denied_by(topo: Topology, member_ip: str, port: int, cache: _ProbeCache) -> nsg.NsgDecision | None:
    hit = topo.nic_by_ip.get(member_ip)
    if hit is None:
        return None
    nic, cfg = hit
    sid = id_key(cfg.subnet_id)
    subnet, vnet = topo.subnets.get(sid), topo.vnet_of_subnet.get(sid)
    sub_nsg = topo.nsgs.get(id_key(subnet.nsg_id)) if subnet else None
    nic_nsg = topo.nsgs.get(id_key(nic.nsg_id))
    if sub_nsg is None and nic_nsg is None:
        return None
    key = id_key(vnet.id) if vnet else ""
    if key not in cache.tags:
        cache.tags[key] = nsg.TagContext.of(list(vnet.address_prefixes) if vnet else [])
    return nsg.health_probe_verdict(sub_nsg, nic_nsg, member_ip, port, cache.tags[key], cache.rules)

