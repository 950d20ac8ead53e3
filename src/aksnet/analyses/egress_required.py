"""Which of AKS's required outbound endpoints a cluster's nodes cannot reach (``aksnet.rules.aks_egress``):
each endpoint is walked from the cluster's first node (by name) as the node would connect — FQDN rules as an
HTTP/HTTPS request carrying the name (so Azure Firewall's application rules judge it by Host/SNI), network rules
as a bare TCP/UDP flow to the address (``AzureCloud.<region>``: the API server's public address, the control
plane's end of the tunnel). Pure function of the twin; must not print.
Source: https://learn.microsoft.com/azure/aks/outbound-rules-control-egress,
https://learn.microsoft.com/azure/aks/limit-egress-traffic.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Site, Walk
from aksnet.engine.walk import Walker
from aksnet.model import azure
from aksnet.model.ids import same_id
from aksnet.model.twin import Twin
from aksnet.rules import aks_egress
from aksnet.rules.emulation import INTERNET_ENDPOINT_STANDIN, NAMED_INTERNET_HOSTS


@dataclass(frozen=True, slots=True)
class Blocked:
    endpoint: aks_egress.Endpoint
    name: str  # the concrete destination walked (an FQDN or an address)
    node: str
    walk: Walk


def _target(mc: azure.ManagedCluster, e: aks_egress.Endpoint) -> tuple[str, str | None] | None:
    """(address, host name) the node connects to for ``e``; None when the cluster has no such destination."""
    region = mc.location.lower()
    if e.destination in (aks_egress.AZURE_CLOUD_REGION, aks_egress.API_SERVER_IP):
        return (mc.api_server_public_ip, None) if mc.api_server_public_ip else None
    name = e.destination.replace(aks_egress.REGION, region)
    if name.startswith("*.hcp."):
        return (mc.api_server_public_ip, mc.fqdn) if mc.fqdn and mc.api_server_public_ip else None
    if name.startswith("*."):
        name = f"{region}.{name[2:]}"
    return NAMED_INTERNET_HOSTS.get(name, INTERNET_ENDPOINT_STANDIN), name


def _reached(w: Walk, e: aks_egress.Endpoint) -> bool:
    """Delivered, and not answered by Azure Firewall's own 470; the tunnel ports count as reached once the flow
    arrives at the control plane (the emulated API server serves 443 only, its tunnel end is not emulated)."""
    if e.tunnel and any(h.component.startswith("API server ") for h in w.hops):
        return True
    return w.delivered and not (w.backend is not None and w.backend.kind == "azure-firewall")


def blocked_endpoints(twin: Twin, cluster_id: str, endpoints: tuple[aks_egress.Endpoint, ...]) -> list[Blocked]:
    """The endpoints of ``endpoints`` the cluster's first node cannot reach, each with its walk."""
    topo = Topology.build(twin, cluster_id)
    mc = next((c.cluster for c in twin.clusters if c.cluster is not None and same_id(c.cluster.id, cluster_id)), None)
    node = next((n for n in sorted(topo.nodes.values(), key=lambda n: n.name) if topo.nic_of_node(n) is not None),
                None)
    if mc is None or node is None:
        return []
    site = Site("node", node.internal_ip, node.name, node=node, nic=topo.nic_of_node(node))
    walker = Walker(topo)
    out = []
    for e in endpoints:
        target = _target(mc, e)
        if target is None:
            continue
        address, host = target
        if e.network:
            w = walker.walk(site, address, e.port, e.protocol)
        else:
            w = walker.walk(site, address, e.port, host=host, scheme=e.protocol.lower())
        if not _reached(w, e):
            out.append(Blocked(e, host or address, node.name, w))
    return out
