"""What a VNet looks like to the walk, computed once per VNet and subnet: the ``VirtualNetwork`` service tag
(VNet space, Connected peerings that allow VNet access, UDR prefixes, an overlay cluster's pod CIDR;
service-tags-overview) and each subnet's effective routes (system routes, the overlay fabric for the cluster's
own nodes, the subnet's UDRs; ``aksnet.engine.routing``). Caches only: this module must not walk packets or
judge them.
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.engine import nsg, routing
from aksnet.engine.addressing import Topology
from aksnet.model import azure
from aksnet.model.ids import IdKey, id_key


class VnetView:
    """Tags and routes of one topology's VNets for one cluster flavour (kubenet, overlay, …)."""

    def __init__(self, topo: Topology, flavour: str, pod_cidrs: Sequence[str]) -> None:
        self.topo = topo
        self.flavour = flavour
        self.pod_cidrs = list(pod_cidrs)
        self._routes: dict[tuple[IdKey, bool], list[routing.EffectiveRoute]] = {}
        self._tags: dict[IdKey, nsg.TagContext] = {}

    def tags_for(self, vnet: azure.VirtualNetwork) -> nsg.TagContext:
        """VirtualNetwork tag: VNet space, peered spaces, UDR prefixes, and an overlay cluster's pod CIDR."""
        key = id_key(vnet.id)
        if key not in self._tags:
            prefixes = list(vnet.address_prefixes)
            for p in vnet.peerings:  # only Connected peerings that allow VNet access join the tag
                if p.state.lower() == "connected" and p.allow_virtual_network_access:
                    prefixes += p.remote_address_prefixes
            rts = {id_key(s.route_table_id) for s in vnet.subnets if s.route_table_id}
            prefixes += routing.udr_prefixes(t for i, t in self.topo.route_tables.items() if i in rts)
            if self.flavour == "overlay":
                prefixes += self.pod_cidrs
            self._tags[key] = nsg.TagContext.of(prefixes)
        return self._tags[key]

    def routes_for(self, subnet: azure.Subnet, cluster_member: bool) -> list[routing.EffectiveRoute]:
        """The subnet's effective routes; ``cluster_member``: the sender is a node of the cluster (overlay
        fabric routes apply)."""
        key = (id_key(subnet.id), cluster_member)
        if key not in self._routes:
            vnet = self.topo.vnet_of_subnet[id_key(subnet.id)]
            rt = self.topo.route_tables.get(id_key(subnet.route_table_id))
            peered = [v for v in self.topo.vnets.values() if any(
                id_key(p.remote_vnet_id) == id_key(v.id) for p in vnet.peerings)]
            fabric: list[routing.EffectiveRoute] = []
            if cluster_member and self.flavour == "overlay":
                fabric = [routing.EffectiveRoute(n.pod_cidr, "VirtualAppliance", "Fabric", f"overlay {n.name}",
                                                 n.internal_ip)
                          for n in self.topo.nodes.values() if n.pod_cidr]
                # dual-stack: the node's IPv6 pod range is reached at its IPv6 address
                fabric += [routing.EffectiveRoute(c, "VirtualAppliance", "Fabric", f"overlay {n.name}", n.ip_of(6))
                           for n in self.topo.nodes.values() for c in n.pod_cidrs[1:] if n.ip_of(6)]
            self._routes[key] = routing.effective_routes(vnet, rt, peered, fabric)
        return self._routes[key]
