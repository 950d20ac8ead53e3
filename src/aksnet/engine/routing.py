"""Effective routes of a subnet and route selection (Azure VNet routing).

System routes: each VNet address range → ``VnetLocal``; peered ranges → ``VNetPeering``; ``0.0.0.0/0`` →
``Internet`` (and ``::/0`` → ``Internet`` in a VNet with an IPv6 range); 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16
and 100.64.0.0/10 → ``None`` unless a VNet range covers them. User-defined routes from the subnet's route table
replace a system route of the same prefix; selection is longest prefix match, ties: user > system
(virtual-networks-udr-overview, learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
Overlay pod CIDRs are routed by the AKS fabric for the cluster's own nodes (``fabric_routes``). This module must
not evaluate NSGs or translate addresses."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aksnet.model import azure
from aksnet.model.ids import id_key
from aksnet.rules.azure import SYSTEM_ROUTE_NONE_PREFIXES as RESERVED_NONE

_SOURCE_RANK = {"User": 0, "Fabric": 1, "Default": 2}


@dataclass(frozen=True, slots=True)
class EffectiveRoute:
    """One row of ``az network nic show-effective-route-table``: source Default|User (Fabric: AKS overlay)."""

    prefix: str
    next_hop_type: str  # VnetLocal, VNetPeering, Internet, None, VirtualAppliance, VirtualNetworkGateway
    source: str = "Default"
    name: str = ""
    next_hop_ip: str | None = None

    @property
    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        return ipaddress.ip_network(self.prefix, strict=False)

    def describe(self) -> str:
        who = f"route {self.name}" if self.name else f"{self.source.lower()} route"
        via = f" → {self.next_hop_type}" + (f" {self.next_hop_ip}" if self.next_hop_ip else "")
        return f"{who} {self.prefix}{via}"


def system_routes(vnet: azure.VirtualNetwork, peered: Sequence[azure.VirtualNetwork] = ()) -> list[EffectiveRoute]:
    """The default routes Azure creates for every subnet of ``vnet``."""
    routes = [EffectiveRoute(p, "VnetLocal") for p in vnet.address_prefixes]
    for peering in vnet.peerings:
        if peering.state.lower() != "connected":  # Initiated/Disconnected peerings carry no traffic
            continue
        prefixes = peering.remote_address_prefixes or next(
            (v.address_prefixes for v in peered if id_key(v.id) == id_key(peering.remote_vnet_id)), ())
        routes += [EffectiveRoute(p, "VNetPeering", name=f"peering {peering.name}") for p in prefixes]
    vnet_nets = [n for n in (ipaddress.ip_network(p, strict=False) for p in vnet.address_prefixes)
                 if isinstance(n, ipaddress.IPv4Network)]
    for r in RESERVED_NONE:
        net = ipaddress.IPv4Network(r)
        if not any(net.subnet_of(v) for v in vnet_nets):
            routes.append(EffectiveRoute(r, "None"))
    routes.append(EffectiveRoute("0.0.0.0/0", "Internet"))
    if any(":" in p for p in vnet.address_prefixes):
        # a dual-stack VNet's IPv6 default route (learn.microsoft.com/azure/virtual-network/
        # virtual-networks-udr-overview, "Default": ::/0 → Internet)
        routes.append(EffectiveRoute("::/0", "Internet"))
    return routes


def effective_routes(vnet: azure.VirtualNetwork, route_table: azure.RouteTable | None,
                     peered: Sequence[azure.VirtualNetwork] = (),
                     fabric: Iterable[EffectiveRoute] = ()) -> list[EffectiveRoute]:
    """System routes, AKS fabric routes and the UDRs of the subnet's route table; a UDR replaces the system
    route with the same prefix ("user-defined routes override Azure's default system routes")."""
    user = [EffectiveRoute(r.address_prefix, r.next_hop_type, "User", r.name, r.next_hop_ip)
            for r in (route_table.routes if route_table else ())]
    user_prefixes = {u.network for u in user}
    routes = [r for r in system_routes(vnet, peered) if r.network not in user_prefixes]
    return [*user, *fabric, *routes]


_PREFIXES: dict[str, tuple[int, int, int, int]] = {}


def prefix_ints(prefix: str) -> tuple[int, int, int, int]:
    """A prefix as (IP version, network, mask, length) integers, parsed once per distinct text."""
    hit = _PREFIXES.get(prefix)
    if hit is None:
        net = ipaddress.ip_network(prefix, strict=False)
        hit = _PREFIXES[prefix] = (net.version, int(net.network_address), int(net.netmask), net.prefixlen)
    return hit


def select_route(routes: Sequence[EffectiveRoute], dst_ip: str) -> EffectiveRoute | None:
    """Longest prefix match among the routes of the destination's IP family; on equal prefixes a user route
    wins over a system one (UDR overview). Prefixes are compared as integers (:func:`prefix_ints`), not parsed
    per look-up."""
    addr = ipaddress.ip_address(dst_ip)
    ip, version = int(addr), addr.version
    best: EffectiveRoute | None = None
    best_len = -1
    for r in routes:
        v, net, mask, length = prefix_ints(r.prefix)
        if v != version or ip & mask != net:
            continue
        if length > best_len or (length == best_len and best is not None and
                                 _SOURCE_RANK[r.source] < _SOURCE_RANK[best.source]):
            best, best_len = r, length
    return best


def udr_prefixes(route_tables: Iterable[azure.RouteTable]) -> list[str]:
    """Address prefixes of user-defined routes: part of the ``VirtualNetwork`` service tag."""
    return [r.address_prefix for t in route_tables for r in t.routes if r.address_prefix not in ("0.0.0.0/0", "::/0")]
