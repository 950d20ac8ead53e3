"""Effective routes and effective security rules of a network interface, shaped as ARM returns them
(``az network nic show-effective-route-table`` / ``az network nic list-effective-nsg``).

Routes: the system routes of the NIC's subnet (:func:`aksnet.engine.routing.system_routes`: VNet ranges →
``VnetLocal``, Connected peerings → ``VNetPeering``, reserved ranges → ``None``, ``0.0.0.0/0`` → ``Internet``)
listed first with source ``Default``, then the user-defined routes of the subnet's route table with source
``User``; a default route whose prefix a user route redefines is ``Invalid`` ("user-defined routes override
Azure's default system routes", virtual-networks-udr-overview). AKS overlay fabric routes are not part of a
NIC's effective routes in Azure and are not listed.

Security rules: one entry per NSG association (the NIC's own NSG, then its subnet's), every rule with its
prefixes and ports normalised as ARM prints them (``*`` → ``0.0.0.0/0`` / ``0-65535``, one port ``N`` →
``N-N``) and service tags expanded for the VNet (VirtualNetwork = VNet space + the spaces of Connected peerings
that allow VNet access + UDR prefixes + 168.63.129.16/32; AzureLoadBalancer = 168.63.129.16/32; Internet =
the public space outside the VNet). This module only reads the :class:`~aksnet.model.twin.Twin`; it must not
read the workspace.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from aksnet.engine import nsg as nsg_engine
from aksnet.engine import routing
from aksnet.errors import AzureError
from aksnet.model import azure
from aksnet.model.ids import id_key
from aksnet.model.twin import Twin
from aksnet.rules import azure as azure_rules

AZURE_PLATFORM = f"{azure_rules.HOST_VIP}/32"


class _Context:
    """The NIC, its subnet and VNet, and the resources around them, looked up once."""

    def __init__(self, twin: Twin, nic_id: str) -> None:
        nic = next((n for n in twin.nics if id_key(n.id) == id_key(nic_id)), None)
        if nic is None or not nic.ip_configurations:
            raise AzureError("NotFound", f"Resource {nic_id} not found.")
        self.twin = twin
        self.nic = nic
        sid = id_key(nic.ip_configurations[0].subnet_id)
        found = [(s, v) for v in twin.vnets for s in v.subnets if id_key(s.id) == sid]
        if not found:
            raise AzureError("NotFound", f"Resource {nic.ip_configurations[0].subnet_id} not found.")
        self.subnet, self.vnet = found[0]
        self.route_table = next((t for t in twin.route_tables
                                 if id_key(t.id) == id_key(self.subnet.route_table_id)), None)

    def attached(self) -> bool:
        """Effective routes and rules exist only for a NIC in use by a VM or a VMSS instance."""
        if self.nic.owner_id:
            return True
        return any(id_key(self.nic.id) in (id_key(i) for i in vm.nic_ids) for vm in self.twin.vms)

    def connected_peerings(self) -> list[azure.VnetPeering]:
        return [p for p in self.vnet.peerings if p.state.lower() == "connected"]

    def peered(self) -> list[azure.VirtualNetwork]:
        ids = {id_key(p.remote_vnet_id) for p in self.connected_peerings()}
        return [v for v in self.twin.vnets if id_key(v.id) in ids]

    def nsg(self, nsg_id: str | None) -> azure.NetworkSecurityGroup | None:
        if not nsg_id:
            return None
        return next((g for g in self.twin.nsgs if id_key(g.id) == id_key(nsg_id)), None)


def _not_attached(nic: azure.NetworkInterface) -> AzureError:
    return AzureError(
        "NetworkInterfaceNotAttachedToVirtualMachine",
        f"Network interface {nic.id} is not attached to a running virtual machine. Effective routes and "
        "effective security rules are available only for network interfaces in use by a running virtual machine.",
    )


def _route_row(route: routing.EffectiveRoute, state: str, bgp_disabled: bool) -> dict[str, Any]:
    return {
        "addressPrefix": [route.prefix],
        "disableBgpRoutePropagation": bgp_disabled,
        "name": route.name if route.source == "User" else None,
        "nextHopIpAddress": [route.next_hop_ip] if route.next_hop_ip else [],
        "nextHopType": route.next_hop_type,
        "source": route.source,
        "state": state,
    }


def effective_route_table(twin: Twin, nic_id: str) -> dict[str, Any]:
    """ARM's ``EffectiveRouteListResult`` for ``nic_id`` (see the module docstring for the rule)."""
    ctx = _Context(twin, nic_id)
    if not ctx.attached():
        raise _not_attached(ctx.nic)
    rt = ctx.route_table
    bgp_disabled = bool(rt.disable_bgp_route_propagation) if rt else False
    user = [routing.EffectiveRoute(r.address_prefix, r.next_hop_type, "User", r.name, r.next_hop_ip)
            for r in (rt.routes if rt else ())]
    user_nets = {u.network for u in user}
    rows = []
    for r in routing.system_routes(_connected_only(ctx.vnet), ctx.peered()):
        state = "Invalid" if r.network in user_nets else "Active"
        rows.append(_route_row(r, state, bgp_disabled))
    rows += [_route_row(u, "Active", bgp_disabled) for u in user]
    return {"nextLink": None, "value": rows}


def _connected_only(vnet: azure.VirtualNetwork) -> azure.VirtualNetwork:
    """Only Connected peerings program routes (an Initiated or Disconnected peering carries no traffic)."""
    return replace(vnet, peerings=tuple(p for p in vnet.peerings if p.state.lower() == "connected"))


# -- effective security rules ----------------------------------------------------------------------------
def _net_str(prefix: str) -> str:
    return str(ipaddress.ip_network(prefix, strict=False))


def _internet(vnet_space: Sequence[str]) -> list[str]:
    """The IPv4 space that is neither private/reserved nor in the VNet: what the ``Internet`` tag matches."""
    holes = [ipaddress.IPv4Network(p) for p in azure_rules.INTERNET_EXCLUDED]
    for p in vnet_space:
        try:
            holes.append(ipaddress.IPv4Network(p, strict=False))
        except ValueError:
            continue
    remaining = [ipaddress.IPv4Network("0.0.0.0/0")]
    for hole in holes:
        nxt: list[ipaddress.IPv4Network] = []
        for r in remaining:
            if hole.subnet_of(r):
                nxt += list(r.address_exclude(hole))
            elif not r.subnet_of(hole):
                nxt.append(r)
        remaining = nxt
    return [str(n) for n in sorted(remaining)]


def tag_map(ctx: _Context) -> dict[str, list[str]]:
    """What the service tags stand for around this NIC (see the module docstring)."""
    vnet_space = list(ctx.vnet.address_prefixes)
    for p in ctx.connected_peerings():
        if p.allow_virtual_network_access:
            vnet_space += list(p.remote_address_prefixes)
    rts = {id_key(s.route_table_id) for s in ctx.vnet.subnets if s.route_table_id}
    vnet_space += routing.udr_prefixes(t for t in ctx.twin.route_tables if id_key(t.id) in rts)
    vnet_tag = [*dict.fromkeys(_net_str(p) for p in vnet_space), AZURE_PLATFORM]
    return {"VirtualNetwork": vnet_tag, "AzureLoadBalancer": [AZURE_PLATFORM], "Internet": _internet(vnet_space)}


def _address(prefixes: Sequence[str], tags: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    shown: list[str] = []
    expanded: list[str] = []
    for p in prefixes:
        if p in ("*", "Any", "any"):
            shown.append("0.0.0.0/0")
            continue
        tag = next((t for t in tags if t.lower() == p.lower()), None)
        if tag is not None:
            shown.append(tag)
            expanded += tags[tag]
            continue
        try:
            shown.append(_net_str(p))
        except ValueError:
            shown.append(p)  # another service tag: not expandable here
    return shown, expanded


def _ports(ranges: Sequence[str]) -> list[str]:
    out = []
    for r in ranges:
        r = r.strip()
        if r in ("*", "Any"):
            out.append("0-65535")
        elif "-" in r:
            out.append(r)
        else:
            out.append(f"{r}-{r}")
    return out


def _one_or_many(rule: dict[str, Any], single: str, values: list[str]) -> None:
    if len(values) == 1:
        rule[single] = values[0]
    rule[single + "es" if single.endswith("Prefix") else single + "s"] = values


def effective_rule(rule: azure.SecurityRule, tags: dict[str, list[str]]) -> dict[str, Any]:
    """One ``EffectiveNetworkSecurityRule``."""
    src, src_exp = _address(rule.source_prefixes, tags)
    dst, dst_exp = _address(rule.destination_prefixes, tags)
    proto = rule.protocol
    out: dict[str, Any] = {
        "access": rule.access,
        "direction": rule.direction,
        "expandedDestinationAddressPrefix": dst_exp,
        "expandedSourceAddressPrefix": src_exp,
        "name": f"{'defaultSecurityRules' if rule.is_default else 'securityRules'}/{rule.name}",
        "priority": rule.priority,
        "protocol": "All" if proto in ("*", "Any", "any") else proto,
    }
    _one_or_many(out, "destinationAddressPrefix", dst)
    _one_or_many(out, "destinationPortRange", _ports(rule.destination_ports))
    _one_or_many(out, "sourceAddressPrefix", src)
    _one_or_many(out, "sourcePortRange", _ports(rule.source_ports))
    return dict(sorted(out.items()))


def _nsg_entry(group: azure.NetworkSecurityGroup, association: dict[str, Any],
               tags: dict[str, list[str]]) -> dict[str, Any]:
    rules = [*nsg_engine.ordered_rules(group, "Inbound"), *nsg_engine.ordered_rules(group, "Outbound")]
    used = {p.lower() for r in rules for p in (*r.source_prefixes, *r.destination_prefixes)}
    return {
        "association": association,
        "effectiveSecurityRules": [effective_rule(r, tags) for r in rules],
        "networkSecurityGroup": {"id": group.id},
        "tagMap": {k: v for k, v in tags.items() if k.lower() in used},
    }


def effective_nsgs(twin: Twin, nic_id: str) -> dict[str, Any]:
    """ARM's ``EffectiveNetworkSecurityGroupListResult`` for ``nic_id``: the NIC's NSG (association
    ``networkInterface``) and its subnet's NSG (association ``subnet``), each with its effective rules."""
    ctx = _Context(twin, nic_id)
    if not ctx.attached():
        raise _not_attached(ctx.nic)
    tags = tag_map(ctx)
    value = []
    nic_nsg = ctx.nsg(ctx.nic.nsg_id)
    if nic_nsg is not None:
        value.append(_nsg_entry(nic_nsg, {"networkInterface": {"id": ctx.nic.id}}, tags))
    sub_nsg = ctx.nsg(ctx.subnet.nsg_id)
    if sub_nsg is not None:
        value.append(_nsg_entry(sub_nsg, {"subnet": {"id": ctx.subnet.id}}, tags))
    return {"nextLink": None, "value": value}
