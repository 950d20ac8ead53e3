"""Virtual networks (``Microsoft.Network/virtualNetworks``): create, show, list, update, delete.

A VNet document holds its subnets in ``properties.subnets`` as ARM nests them; the subnet rules live in
:mod:`aksnet.twin.network.subnet`. This module must not allocate addresses (that is subnet_ipam's job).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aksnet.errors import AzCliError, AzureError
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network import peering as peering_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import (
    KIND_VNET,
    TYPE_VNET,
    base_doc,
    get_resource,
    net_inside,
    nets_overlap,
    network_id,
    parse_prefix,
    resolve_location,
    set_tags,
    touch,
    validate_name,
)

DEFAULT_VNET_PREFIX = "10.0.0.0/16"


def vnet_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "virtualNetworks", name)


def get_vnet(tx: Transaction, vnet_id: str) -> Doc:
    """The VNet document, or ARM's ``ResourceNotFound``/``ResourceGroupNotFound``."""
    return get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)


def find_vnet(tx: Transaction, resource_group: str, name: str) -> Doc:
    return get_vnet(tx, vnet_id(resource_group, name))


def list_vnets(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_VNET)
    get_group(tx, resource_group)
    return tx.list(KIND_VNET, "", vnet_id(resource_group, ""))


def default_subnet_prefix(vnet_prefix: str) -> str:
    """az: "If omitted, automatically reserves a /24 (or as large as available) block within the VNet address
    space" — the first /24 of the first address prefix."""
    net = ipaddress.ip_network(vnet_prefix, strict=False)
    if net.version == 4 and net.prefixlen < 24:
        return str(next(net.subnets(new_prefix=24)))
    if net.version == 6 and net.prefixlen < 64:
        return str(next(net.subnets(new_prefix=64)))
    return str(net)


def _check_space(name: str, prefixes: Sequence[str], vnet_id: str) -> None:
    """Address prefixes must parse and must not overlap each other (``VnetAddressSpacesOverlap``)."""
    nets = [parse_prefix(p, vnet_id) for p in prefixes]
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            if nets_overlap(a, b):
                raise AzureError(
                    "VnetAddressSpacesOverlap",
                    f"Cannot create or update virtual network {name} because the address spaces {a} and {b} "
                    "overlap.",
                )


def create_vnet(tx: Transaction, resource_group: str, name: str,
                address_prefixes: Sequence[str] = (DEFAULT_VNET_PREFIX,), *, location: str | None = None,
                subnet_name: str | None = None, subnet_prefixes: Sequence[str] | None = None,
                tags: dict[str, str] | None = None, dns_servers: Sequence[str] | None = None) -> Doc:
    """``az network vnet create``: a VNet with an optional first subnet. Creating an existing VNet updates its
    address space and upserts the named subnet (ARM PUT semantics, keeping the other subnets)."""
    if subnet_prefixes and not subnet_name:
        raise AzCliError("ArgumentUsageError", "usage error: --subnet-name NAME [--subnet-prefixes PREFIXES]", 2)
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = vnet_id(resource_group, name)
    prefixes = list(address_prefixes) or [DEFAULT_VNET_PREFIX]
    _check_space(name, prefixes, rid)
    existing = tx.get(KIND_VNET, rid)
    if existing is not None:
        doc = update_vnet(tx, rid, address_prefixes=prefixes, tags=tags, dns_servers=dns_servers)
    else:
        doc = base_doc(tx, rid, TYPE_VNET, location, tags)
        doc["properties"].update({
            "addressSpace": {"addressPrefixes": prefixes},
            "enableDdosProtection": False,
            "privateEndpointVNetPolicies": "Disabled",
            "subnets": [],
            "virtualNetworkPeerings": [],
        })
        if dns_servers:
            doc["properties"]["dhcpOptions"] = {"dnsServers": list(dns_servers)}
        touch(tx, doc)
        tx.put(KIND_VNET, rid, doc)
    if subnet_name:
        sp = list(subnet_prefixes) if subnet_prefixes else [default_subnet_prefix(prefixes[0])]
        subnet_mod.create_subnet(tx, rid, subnet_name, sp)
        doc = get_vnet(tx, rid)
    return doc


def update_vnet(tx: Transaction, vnet_id: str, *, address_prefixes: Sequence[str] | None = None,
                dns_servers: Sequence[str] | None = None, tags: dict[str, str] | None = None) -> Doc:
    """``az network vnet update``: a new address space must still contain every subnet
    (``NetcfgSubnetRangeOutsideVnet``)."""
    doc = get_vnet(tx, vnet_id)
    props = doc["properties"]
    if address_prefixes is not None:
        _check_space(doc["name"], address_prefixes, vnet_id)
        nets = [parse_prefix(p, vnet_id) for p in address_prefixes]
        for s in props.get("subnets", []):
            for sp in subnet_mod.subnet_prefixes(s):
                snet = ipaddress.ip_network(sp, strict=False)
                if not any(net_inside(snet, n) for n in nets):
                    raise subnet_mod.outside_vnet(s["name"], doc["name"])
        changed = props.get("addressSpace", {}).get("addressPrefixes") != list(address_prefixes)
        props["addressSpace"] = {"addressPrefixes": list(address_prefixes)}
        if changed:
            peering_mod.resized(tx, doc)
    if dns_servers is not None:
        if dns_servers:
            props["dhcpOptions"] = {"dnsServers": list(dns_servers)}
        else:
            props.pop("dhcpOptions", None)
    if tags is not None:
        set_tags(doc, tags)
    touch(tx, doc)
    tx.put(KIND_VNET, vnet_id, doc)
    return doc


def delete_vnet(tx: Transaction, vnet_id: str) -> bool:
    """``az network vnet delete``: refused while a subnet is in use (``InUseSubnetCannotBeDeleted``); detaches
    the NSGs, route tables and NAT gateways of its subnets; peerings pointing to it become ``Disconnected``.
    A missing VNet is not an error (ARM 204)."""
    doc = tx.get(KIND_VNET, vnet_id)
    if doc is None:
        return False
    for s in list(doc["properties"].get("subnets", [])):
        subnet_mod.delete_subnet(tx, s["id"])
    tx.delete(KIND_VNET, vnet_id)
    peering_mod.disconnect_peers_of(tx, str(doc["id"]))
    return True
