"""Name resolution as each kind of client sees it.

Pods (dnsPolicy ClusterFirst): CoreDNS on the kube-dns ClusterIP, ``search <ns>.svc.cluster.local
svc.cluster.local cluster.local``, ``ndots:5``, forwarding other names to Azure DNS of the node's VNet.
``aksnet.engine.coredns.resolve`` answers the cluster zone (kubernetes/dns specification,
kubernetes.io/docs/concepts/services-networking/dns-pod-service);
this module supplies it the Azure DNS view of the node's VNet.
VMs and nodes: Azure DNS (168.63.129.16) = private DNS zones linked to their VNet, then public DNS.
Internet clients: public DNS only: cluster FQDNs (public clusters), public IP DNS labels.
This module must not route packets.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from aksnet.engine.addressing import Topology
from aksnet.model import azure
from aksnet.model.ids import id_key
from aksnet.rules.azure import HOST_VIP as AZURE_DNS
from aksnet.rules.emulation import NAMED_INTERNET_HOSTS

PUBLIC_DNS = "public DNS"


@dataclass(frozen=True, slots=True)
class Resolution:
    name: str
    ips: tuple[str, ...]
    server: str  # who answered (or failed)
    record: str  # the record that answered, e.g. "A web.default.svc.cluster.local"
    forwarded: bool = False  # CoreDNS forwarded a query of this lookup to its upstream (a name outside the zone)

    @property
    def found(self) -> bool:
        return bool(self.ips)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def resolve_private(topo: Topology, vnet: azure.VirtualNetwork | None, fqdn: str) -> Resolution | None:
    """Azure DNS for a VNet: private zones linked to it; a private cluster's zone counts as linked to the
    cluster VNet even when no zone document exists (AKS creates and links it,
    learn.microsoft.com/azure/aks/private-clusters)."""
    name = fqdn.lower().rstrip(".")
    if vnet is None:
        return None
    for z in topo.twin.private_dns_zones:
        zname = z.name.lower()
        if not (name == zname or name.endswith("." + zname)):
            continue
        if not any(id_key(v) == id_key(vnet.id) for v in z.linked_vnet_ids):
            continue
        rel = "@" if name == zname else name[: -len(zname) - 1]
        ips = z.a_records.get(rel) or next((v for k, v in z.a_records.items() if k.lower() == rel), ())
        return Resolution(fqdn, tuple(ips), f"Azure DNS {AZURE_DNS} (private zone {z.name})", f"A {name}")
    for cs in topo.twin.clusters:
        mc = cs.cluster
        if mc is None or not mc.private_fqdn or mc.private_fqdn.lower() != name:
            continue
        pe = next((p for p in topo.twin.private_endpoints if id_key(p.target_id) == id_key(mc.id)), None)
        cvnets = {id_key(topo.vnet_of_subnet[id_key(a.vnet_subnet_id)].id) for a in mc.agent_pools
                  if id_key(a.vnet_subnet_id) in topo.vnet_of_subnet}
        if pe and id_key(vnet.id) in cvnets:
            return Resolution(fqdn, (pe.private_ip,), f"Azure DNS {AZURE_DNS} (private zone of {mc.name})",
                              f"A {name}")
    return None


def resolve_public(topo: Topology, fqdn: str) -> Resolution:
    """Public DNS: public cluster FQDNs and public IP DNS labels; private clusters' public FQDN points at
    the private endpoint address (as AKS publishes it)."""
    name = fqdn.lower().rstrip(".")
    for cs in topo.twin.clusters:
        mc = cs.cluster
        if mc is None or not mc.fqdn or mc.fqdn.lower() != name:
            continue
        if mc.enable_private_cluster:
            pe = next((p for p in topo.twin.private_endpoints if id_key(p.target_id) == id_key(mc.id)), None)
            if pe:
                return Resolution(fqdn, (pe.private_ip,), PUBLIC_DNS, f"A {name} (private cluster)")
        elif mc.api_server_public_ip:
            return Resolution(fqdn, (mc.api_server_public_ip,), PUBLIC_DNS, f"A {name}")
    for pip in topo.twin.public_ips:
        if pip.fqdn and pip.fqdn.lower() == name and pip.ip_address:
            return Resolution(fqdn, (pip.ip_address,), PUBLIC_DNS, f"A {name} (public IP {pip.name})")
    for tc in topo.twin.traffic_controllers:
        for fe in tc.frontends:
            if fe.fqdn.lower() == name:
                return Resolution(fqdn, (fe.ip,), PUBLIC_DNS,
                                  f"A {name} (Application Gateway for Containers {tc.name} frontend {fe.name})")
    if name in NAMED_INTERNET_HOSTS:
        return Resolution(fqdn, (NAMED_INTERNET_HOSTS[name],), PUBLIC_DNS, f"A {name} (internet host)")
    return Resolution(fqdn, (), PUBLIC_DNS, f"NXDOMAIN {name}")


def upstream_table(topo: Topology, vnet: azure.VirtualNetwork | None) -> dict[str, tuple[str, ...]]:
    """What Azure DNS answers for a VNet, as a table (CoreDNS forwards non-cluster names to it): the private
    zones linked to the VNet, then public names (cluster FQDNs, public IP DNS labels)."""
    table: dict[str, tuple[str, ...]] = {}
    names = [c.cluster.fqdn for c in topo.twin.clusters if c.cluster and c.cluster.fqdn]
    names += [c.cluster.private_fqdn for c in topo.twin.clusters if c.cluster and c.cluster.private_fqdn]
    names += [p.fqdn for p in topo.twin.public_ips if p.fqdn]
    names += [fe.fqdn for tc in topo.twin.traffic_controllers for fe in tc.frontends]
    names += list(NAMED_INTERNET_HOSTS)
    for z in topo.twin.private_dns_zones:
        names += [z.name if rel == "@" else f"{rel}.{z.name}" for rel in z.a_records]
    for n in names:
        key = n.lower().rstrip(".")
        if key in table:
            continue
        priv = resolve_private(topo, vnet, key)
        res = priv if priv is not None and priv.found else resolve_public(topo, key)
        if res.found:
            table[key] = res.ips
    return table


def resolve_for_pod(topo: Topology, namespace: str, vnet: azure.VirtualNetwork | None, name: str) -> Resolution:
    """ClusterFirst: the pod's stub resolver (search list, ndots:5) against CoreDNS
    (``aksnet.engine.coredns.resolve``), which forwards other names to Azure DNS of the node's VNet."""
    from aksnet.engine import coredns

    search = coredns.pod_search_domains(topo.state, namespace)
    upstream = upstream_table(topo, vnet)
    ans = coredns.resolve(topo.state, name, "A", search, upstream=upstream)
    if not ans.addresses and ans.rcode == "NOERROR":  # an IPv6-only Service of a dual-stack cluster: its AAAA
        v6 = coredns.resolve(topo.state, name, "AAAA", search, upstream=upstream)
        ans = v6 if v6.addresses else ans
    server = f"CoreDNS {ans.server}" if ans.server else "CoreDNS"
    forwarded = any(not coredns.in_zone(q) for q, _ in ans.tried) or (bool(ans.addresses) and not ans.authoritative)
    if ans.addresses:
        via = "" if ans.authoritative else f" → Azure DNS {AZURE_DNS}"
        rtype = "AAAA" if ":" in ans.addresses[0] else "A"
        return Resolution(name, ans.addresses, server + via, f"{rtype} {ans.name}", forwarded)
    tried = ", ".join(f"{q} {rc}" for q, rc in ans.tried)
    return Resolution(name, (), server, f"{ans.rcode} {name.rstrip('.')} (tried {tried})", forwarded)


def resolve_for_vnet_host(topo: Topology, vnet: azure.VirtualNetwork | None, name: str) -> Resolution:
    """A VM or node: Azure DNS (linked private zones), then public DNS."""
    priv = resolve_private(topo, vnet, name)
    if priv is not None and priv.found:
        return priv
    pub = resolve_public(topo, name)
    return Resolution(name, pub.ips, f"Azure DNS {AZURE_DNS} → {PUBLIC_DNS}" if pub.found else f"Azure DNS {AZURE_DNS}",
                      pub.record)
