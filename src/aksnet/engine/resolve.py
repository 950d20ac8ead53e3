"""Name resolution as each kind of client sees it.

Pods (dnsPolicy ClusterFirst): CoreDNS on the kube-dns ClusterIP, ``search <ns>.svc.cluster.local
svc.cluster.local cluster.local``, ``ndots:5``, forwarding other names to Azure DNS of the node's VNet.
Engineer H4's ``aksnet.engine.coredns.resolve`` answers the cluster zone when present; the in-module records
below follow the same specification (kubernetes/dns specification, k8s-services-ingress.md §2).
VMs and nodes: Azure DNS (168.63.129.16) = private DNS zones linked to their VNet, then public DNS.
Internet clients: public DNS only: cluster FQDNs (public clusters), public IP DNS labels.
This module must not route packets.
"""

from __future__ import annotations

import importlib
import ipaddress
from dataclasses import dataclass

from aksnet.engine.addressing import Topology
from aksnet.model import azure

CLUSTER_ZONE = "cluster.local"
AZURE_DNS = "168.63.129.16"
PUBLIC_DNS = "public DNS"


@dataclass(frozen=True, slots=True)
class Resolution:
    name: str
    ips: tuple[str, ...]
    server: str  # who answered (or failed)
    record: str  # the record that answered, e.g. "A web.default.svc.cluster.local"

    @property
    def found(self) -> bool:
        return bool(self.ips)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def cluster_record(topo: Topology, fqdn: str) -> tuple[str, ...] | None:
    """CoreDNS kubernetes plugin answers for ``<svc>.<ns>.svc.cluster.local`` and ``a-b-c-d.<ns>.pod…``;
    None when the name is not in the cluster zone, () for NXDOMAIN inside it."""
    name = fqdn.lower().rstrip(".")
    if not name.endswith("." + CLUSTER_ZONE):
        return None
    labels = name[: -len(CLUSTER_ZONE) - 1].split(".")
    if len(labels) == 3 and labels[2] == "svc":
        svc = topo.services.get(f"{labels[1]}/{labels[0]}")
        if svc is None:
            return ()
        if svc.type == "ExternalName" and svc.external_name:
            return resolve_public(topo, svc.external_name).ips
        if svc.is_headless:
            from aksnet.engine.kube_proxy import service_backends

            ips: list[str] = []
            for p in svc.ports[:1]:
                ips += [b.ip for b, ready, _ in service_backends(topo, svc, p) if ready]
            return tuple(dict.fromkeys(ips))
        return (svc.cluster_ip,) if svc.cluster_ip else ()
    if len(labels) == 3 and labels[2] == "pod":
        dotted = labels[0].replace("-", ".")
        return (dotted,) if _is_ip(dotted) else ()
    return ()


def _coredns(topo: Topology, fqdn: str) -> tuple[str, ...] | None:
    """Engineer H4's CoreDNS engine when it offers ``resolve(state, name)``; else the records above."""
    try:
        mod = importlib.import_module("aksnet.engine.coredns")
        fn = getattr(mod, "resolve", None)
        if callable(fn):
            ans = fn(topo.state, fqdn)
            ips = getattr(ans, "ips", None) or getattr(ans, "addresses", None)
            if ips is not None:
                return tuple(str(i) for i in ips) or ()
    except (ImportError, AttributeError, TypeError, ValueError):  # seam to H4's module: fall back to ours
        pass
    return cluster_record(topo, fqdn)


def resolve_private(topo: Topology, vnet: azure.VirtualNetwork | None, fqdn: str) -> Resolution | None:
    """Azure DNS for a VNet: private zones linked to it; a private cluster's zone counts as linked to the
    cluster VNet even when no zone document exists (AKS creates and links it, aks.md §3.7)."""
    name = fqdn.lower().rstrip(".")
    if vnet is None:
        return None
    for z in topo.twin.private_dns_zones:
        zname = z.name.lower()
        if not (name == zname or name.endswith("." + zname)):
            continue
        if not any(v.lower() == vnet.id.lower() for v in z.linked_vnet_ids):
            continue
        rel = "@" if name == zname else name[: -len(zname) - 1]
        ips = z.a_records.get(rel) or next((v for k, v in z.a_records.items() if k.lower() == rel), ())
        return Resolution(fqdn, tuple(ips), f"Azure DNS {AZURE_DNS} (private zone {z.name})", f"A {name}")
    for cs in topo.twin.clusters:
        mc = cs.cluster
        if mc is None or not mc.private_fqdn or mc.private_fqdn.lower() != name:
            continue
        pe = next((p for p in topo.twin.private_endpoints if p.target_id.lower() == mc.id.lower()), None)
        cvnets = {topo.vnet_of_subnet[a.vnet_subnet_id.lower()].id.lower() for a in mc.agent_pools
                  if a.vnet_subnet_id.lower() in topo.vnet_of_subnet}
        if pe and vnet.id.lower() in cvnets:
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
            pe = next((p for p in topo.twin.private_endpoints if p.target_id.lower() == mc.id.lower()), None)
            if pe:
                return Resolution(fqdn, (pe.private_ip,), PUBLIC_DNS, f"A {name} (private cluster)")
        elif mc.api_server_public_ip:
            return Resolution(fqdn, (mc.api_server_public_ip,), PUBLIC_DNS, f"A {name}")
    for pip in topo.twin.public_ips:
        if pip.fqdn and pip.fqdn.lower() == name and pip.ip_address:
            return Resolution(fqdn, (pip.ip_address,), PUBLIC_DNS, f"A {name} (public IP {pip.name})")
    return Resolution(fqdn, (), PUBLIC_DNS, f"NXDOMAIN {name}")


def resolve_for_pod(topo: Topology, namespace: str, vnet: azure.VirtualNetwork | None, name: str) -> Resolution:
    """ClusterFirst: search list with ndots:5, then Azure DNS of the node's VNet, then public DNS."""
    n = name.rstrip(".")
    dots = n.count(".")
    candidates = [] if name.endswith(".") or dots >= 5 else [
        f"{n}.{namespace}.svc.{CLUSTER_ZONE}", f"{n}.svc.{CLUSTER_ZONE}", f"{n}.{CLUSTER_ZONE}"]
    candidates.append(n)
    server = "CoreDNS (kube-dns" + (f" {topo.cluster.network_profile.dns_service_ip})" if topo.cluster else ")")
    for c in candidates:
        ans = _coredns(topo, c)
        if ans:
            return Resolution(name, ans, server, f"A {c}")
        if ans is None:
            priv = resolve_private(topo, vnet, c)
            if priv is not None and priv.found:
                return Resolution(name, priv.ips, f"{server} → {priv.server}", priv.record)
            pub = resolve_public(topo, c)
            if pub.found:
                return Resolution(name, pub.ips, f"{server} → {PUBLIC_DNS}", pub.record)
    return Resolution(name, (), server, f"NXDOMAIN {n}")


def resolve_for_vnet_host(topo: Topology, vnet: azure.VirtualNetwork | None, name: str) -> Resolution:
    """A VM or node: Azure DNS (linked private zones), then public DNS."""
    priv = resolve_private(topo, vnet, name)
    if priv is not None and priv.found:
        return priv
    pub = resolve_public(topo, name)
    return Resolution(name, pub.ips, f"Azure DNS {AZURE_DNS} → {PUBLIC_DNS}" if pub.found else f"Azure DNS {AZURE_DNS}",
                      pub.record)
