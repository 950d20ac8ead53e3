"""Subnets (``Microsoft.Network/virtualNetworks/subnets``), stored inside their VNet's document.

Rules [learn.microsoft.com/azure/virtual-network/virtual-networks-faq]: a subnet lies inside its VNet's address space
(``NetcfgSubnetRangeOutsideVnet``),
does not overlap another subnet (``NetcfgSubnetRangesOverlap``), is at least a /29 (IPv6: exactly /64), and
cannot be deleted while anything holds an address in it (``InUseSubnetCannotBeDeleted``). Associations
(NSG, route table, NAT gateway) keep ARM's back-references (``properties.subnets``) on the other side.
Addresses are handed out by :mod:`aksnet.twin.subnet_ipam`, never here.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Sequence
from typing import Any, Final

from aksnet.errors import AzureError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import id_key, same_id, same_name
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc
from aksnet.twin.network.common import (
    KIND_NAT_GATEWAY,
    KIND_NSG,
    KIND_ROUTE_TABLE,
    KIND_VNET,
    TYPE_NAT_GATEWAY,
    TYPE_NSG,
    TYPE_ROUTE_TABLE,
    TYPE_SUBNET,
    TYPE_VNET,
    add_ref,
    child_doc,
    child_not_found,
    get_resource,
    net_inside,
    nets_overlap,
    network_id,
    parse_prefix,
    ref,
    ref_ids,
    referenced_not_found,
    remove_ref,
    touch,
    validate_name,
)

MIN_IPV4_PREFIX = 29  # smallest IPv4 subnet Azure allows [AZD virtual-networks-faq]
IPV6_PREFIX = 64  # IPv6 subnets are exactly /64


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()
RefArg = str | None | _Unchanged


def subnet_id(resource_group: str, vnet_name: str, name: str) -> str:
    return network_id(resource_group, "virtualNetworks", vnet_name, "subnets", name)


def outside_vnet(subnet_name: str, vnet_name: str) -> AzureError:
    return AzureError(
        "NetcfgSubnetRangeOutsideVnet",
        f"Subnet '{subnet_name}' is not valid because its IP address range is outside the IP address range of "
        f"virtual network '{vnet_name}'.",
    )


def ranges_overlap(subnet_name: str, vnet_name: str) -> AzureError:
    return AzureError(
        "NetcfgSubnetRangesOverlap",
        f"Subnet '{subnet_name}' is not valid because its IP address range overlaps with that of an existing "
        f"subnet in virtual network '{vnet_name}'.",
    )


def invalid_subnet(subnet_name: str, vnet_name: str) -> AzureError:
    """The generic form ARM uses for a subnet that is too small (smaller than /29, or IPv6 not /64)."""
    return AzureError("NetcfgInvalidSubnet", f"Subnet '{subnet_name}' is not valid in virtual network '{vnet_name}'.")


def subnet_prefixes(subnet: Doc) -> list[str]:
    """``addressPrefix`` or ``addressPrefixes`` of a subnet document, as a list."""
    props = subnet.get("properties", subnet)
    if props.get("addressPrefixes"):
        return [str(p) for p in props["addressPrefixes"]]
    return [str(props["addressPrefix"])] if props.get("addressPrefix") else []


def subnet_ipv4_prefix(subnet: Doc) -> str:
    """The subnet's IPv4 prefix (what NICs and frontends take addresses from)."""
    for p in subnet_prefixes(subnet):
        if ipaddress.ip_network(p, strict=False).version == 4:
            return p
    raise AzureError("SubnetHasNoIPv4Prefix", f"Subnet {subnet.get('name')} has no IPv4 address prefix.")


def _split(subnet_id: str) -> tuple[str, str]:
    """(vnet ID, subnet name) of a subnet ID; ``NotFound`` for anything that is not a subnet ID."""
    parsed = parse_resource_id(subnet_id)
    if (parsed is None or [t.lower() for t in parsed.types] != ["virtualnetworks", "subnets"]
            or parsed.namespace.lower() != "microsoft.network"):
        raise child_not_found(subnet_id)
    return str(parsed.parent), parsed.name


def _vnet_and_index(tx: Transaction, subnet_id: str) -> tuple[Doc, int]:
    vnet_id, name = _split(subnet_id)
    vnet = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    for i, s in enumerate(vnet["properties"].get("subnets", [])):
        if same_name(s["name"], name):
            return vnet, i
    raise child_not_found(subnet_id)


def get_subnet(tx: Transaction, subnet_id: str) -> Doc:
    """The subnet (ARM shape, a copy) with this ID; ``ResourceNotFound`` for a missing VNet, ``NotFound`` for a
    missing subnet."""
    vnet, i = _vnet_and_index(tx, subnet_id)
    return copy.deepcopy(vnet["properties"]["subnets"][i])


def subnet_and_vnet(tx: Transaction, subnet_id: str) -> tuple[Doc, Doc]:
    """(subnet, VNet) documents without copying (read-only use by other network modules)."""
    vnet, i = _vnet_and_index(tx, subnet_id)
    return vnet["properties"]["subnets"][i], vnet


def find_subnet(tx: Transaction, resource_group: str, vnet_name: str, name: str) -> Doc:
    """The subnet ``name`` of VNet ``vnet_name`` in ``resource_group``."""
    return get_subnet(tx, subnet_id(resource_group, vnet_name, name))


def list_subnets(tx: Transaction, vnet_id: str) -> list[Doc]:
    vnet = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    return copy.deepcopy(list(vnet["properties"].get("subnets", [])))


def vnet_of_subnet(tx: Transaction, subnet_id: str) -> Doc:
    """The VNet document that holds this subnet."""
    return _vnet_and_index(tx, subnet_id)[0]


def _check_prefixes(vnet: Doc, name: str, prefixes: Sequence[str], sid: str) -> None:
    if not prefixes:
        raise AzureError("InvalidRequestFormat", "Cannot parse the request: a subnet needs an address prefix.")
    nets = [parse_prefix(p, sid) for p in prefixes]
    vname = vnet["name"]
    for n in nets:
        if (n.version == 4 and n.prefixlen > MIN_IPV4_PREFIX) or (n.version == 6 and n.prefixlen != IPV6_PREFIX):
            raise invalid_subnet(name, vname)
    space = [ipaddress.ip_network(p, strict=False) for p in vnet["properties"]["addressSpace"]["addressPrefixes"]]
    for n in nets:
        if not any(net_inside(n, s) for s in space):
            raise outside_vnet(name, vname)
    for other in vnet["properties"].get("subnets", []):
        if same_name(other["name"], name):
            continue
        for op in subnet_prefixes(other):
            on = ipaddress.ip_network(op, strict=False)
            if any(nets_overlap(n, on) for n in nets):
                raise ranges_overlap(name, vname)
    for i, a in enumerate(nets):
        if any(nets_overlap(a, b) for b in nets[i + 1:]):
            raise ranges_overlap(name, vname)


def _set_prefixes(props: dict[str, Any], prefixes: Sequence[str]) -> None:
    props.pop("addressPrefix", None)
    props.pop("addressPrefixes", None)
    if len(prefixes) == 1:
        props["addressPrefix"] = prefixes[0]
    else:
        props["addressPrefixes"] = list(prefixes)


def _delegations(tx: Transaction, sid: str, services: Sequence[str]) -> list[Doc]:
    out = []
    for i, service in enumerate(services):
        d = child_doc(tx, f"{sid}/delegations/{i}", "Microsoft.Network/virtualNetworks/subnets/delegations",
                      {"serviceName": service, "actions": ["Microsoft.Network/virtualNetworks/subnets/join/action"]})
        out.append(d)
    return out


def create_subnet(tx: Transaction, vnet_id: str, name: str, address_prefixes: Sequence[str], *,
                  nsg_id: str | None = None, route_table_id: str | None = None, nat_gateway_id: str | None = None,
                  delegations: Sequence[str] | None = None, private_endpoint_network_policies: str | None = None,
                  private_link_service_network_policies: str | None = None) -> Doc:
    """``az network vnet subnet create`` (and the subnet of ``vnet create``). An existing subnet of that name
    is updated (ARM PUT); changing the range of a subnet in use is refused (``InUseSubnetCannotBeUpdated``)."""
    vnet = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    validate_name(name)
    sid = f"{vnet['id']}/subnets/{name}"
    _check_prefixes(vnet, name, address_prefixes, sid)
    subnets = vnet["properties"].setdefault("subnets", [])
    existing = next((s for s in subnets if same_name(s["name"], name)), None)
    if existing is not None:
        sid = existing["id"]
        if sorted(subnet_prefixes(existing)) != sorted(address_prefixes):
            _refuse_if_in_use(tx, existing, "InUseSubnetCannotBeUpdated", "updated")
        _set_prefixes(existing["properties"], address_prefixes)
        if delegations is not None:  # az's PUT carries the delegations it was given
            existing["properties"]["delegations"] = _delegations(tx, sid, delegations)
        touch(tx, existing)
    else:
        props: dict[str, Any] = {}
        _set_prefixes(props, address_prefixes)
        props.update({
            "delegations": _delegations(tx, sid, delegations or []),
            "privateEndpointNetworkPolicies": private_endpoint_network_policies or "Disabled",
            "privateLinkServiceNetworkPolicies": private_link_service_network_policies or "Enabled",
        })
        subnets.append(child_doc(tx, sid, TYPE_SUBNET, props))
    touch(tx, vnet)
    tx.put(KIND_VNET, vnet["id"], vnet)
    return update_subnet(tx, sid, nsg_id=nsg_id if nsg_id else UNCHANGED,
                         route_table_id=route_table_id if route_table_id else UNCHANGED,
                         nat_gateway_id=nat_gateway_id if nat_gateway_id else UNCHANGED)


_ASSOC = {
    "networkSecurityGroup": (KIND_NSG, TYPE_NSG),
    "routeTable": (KIND_ROUTE_TABLE, TYPE_ROUTE_TABLE),
    "natGateway": (KIND_NAT_GATEWAY, TYPE_NAT_GATEWAY),
}


def _associate(tx: Transaction, vnet: Doc, subnet: Doc, field: str, target: str | None) -> None:
    kind, _type = _ASSOC[field]
    props = subnet["properties"]
    current = props.get(field, {}).get("id")
    if current and target and same_id(current, target):
        return
    if target:
        other = tx.get(kind, target)
        if other is None or (other.get("location") and other["location"] != vnet.get("location")):
            raise referenced_not_found(target, subnet["id"])
    if current:
        old = tx.get(kind, current)
        if old is not None:
            remove_ref(old["properties"], "subnets", subnet["id"])
            touch(tx, old)
            tx.put(kind, current, old)
        del props[field]
    if target:
        other = tx.get(kind, target)
        assert other is not None
        add_ref(other["properties"], "subnets", subnet["id"])
        touch(tx, other)
        tx.put(kind, target, other)
        props[field] = ref(other["id"])


def update_subnet(tx: Transaction, subnet_id: str, *, address_prefixes: Sequence[str] | None = None,
                  nsg_id: RefArg = UNCHANGED, route_table_id: RefArg = UNCHANGED,
                  nat_gateway_id: RefArg = UNCHANGED, delegations: Sequence[str] | None = None,
                  private_endpoint_network_policies: str | None = None,
                  private_link_service_network_policies: str | None = None) -> Doc:
    """``az network vnet subnet update``. For the associations, an ID attaches, ``None`` (az: ``""``) detaches
    and :data:`UNCHANGED` leaves it as it is. Returns the updated subnet."""
    vnet, i = _vnet_and_index(tx, subnet_id)
    subnet = vnet["properties"]["subnets"][i]
    if address_prefixes is not None and sorted(address_prefixes) != sorted(subnet_prefixes(subnet)):
        _check_prefixes(vnet, subnet["name"], address_prefixes, subnet["id"])
        _refuse_if_in_use(tx, subnet, "InUseSubnetCannotBeUpdated", "updated")
        _set_prefixes(subnet["properties"], address_prefixes)
    for field, arg in (("networkSecurityGroup", nsg_id), ("routeTable", route_table_id),
                       ("natGateway", nat_gateway_id)):
        if not isinstance(arg, _Unchanged):
            _associate(tx, vnet, subnet, field, arg)
    if delegations is not None:
        subnet["properties"]["delegations"] = _delegations(tx, subnet["id"], delegations)
    if private_endpoint_network_policies is not None:
        subnet["properties"]["privateEndpointNetworkPolicies"] = private_endpoint_network_policies
    if private_link_service_network_policies is not None:
        subnet["properties"]["privateLinkServiceNetworkPolicies"] = private_link_service_network_policies
    touch(tx, subnet)
    touch(tx, vnet)
    tx.put(KIND_VNET, vnet["id"], vnet)
    return copy.deepcopy(subnet)


def associate_subnet(tx: Transaction, subnet_id: str, *, nsg_id: RefArg = UNCHANGED,
                     route_table_id: RefArg = UNCHANGED, nat_gateway_id: RefArg = UNCHANGED) -> Doc:
    """Attach (ID) or detach (``None``) the subnet's NSG, route table or NAT gateway; the others stay."""
    return update_subnet(tx, subnet_id, nsg_id=nsg_id, route_table_id=route_table_id, nat_gateway_id=nat_gateway_id)


def subnet_users(tx: Transaction, subnet: Doc) -> list[str]:
    """IDs of what holds addresses in the subnet: NIC IP configurations, LB frontends, private endpoints."""
    users = ref_ids(subnet["properties"].get("ipConfigurations"))
    seen = {id_key(u) for u in users}
    for owner in sorted(set(subnet_ipam.allocations(tx, subnet["id"]).values())):
        if id_key(owner) not in seen:
            users.append(owner)
            seen.add(id_key(owner))
    return users


def _refuse_if_in_use(tx: Transaction, subnet: Doc, code: str, verb: str) -> None:
    users = subnet_users(tx, subnet)
    if users:
        if code == "InUseSubnetCannotBeDeleted":
            raise AzureError(
                code,
                f"Subnet {subnet['name']} is in use by {users[0]} and cannot be deleted. In order to delete the "
                "subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.",
            )
        raise AzureError(code, f"Subnet {subnet['name']} is in use by {users[0]} and cannot be {verb}.")


def delete_subnet(tx: Transaction, subnet_id: str) -> bool:
    """``az network vnet subnet delete``: refused while in use; detaches its NSG/route table/NAT gateway.
    A missing subnet is not an error (ARM answers 204); a missing VNet is ``ResourceNotFound``."""
    try:
        vnet, i = _vnet_and_index(tx, subnet_id)
    except AzureError as exc:
        if exc.code == "NotFound":
            return False
        raise
    subnet = vnet["properties"]["subnets"][i]
    _refuse_if_in_use(tx, subnet, "InUseSubnetCannotBeDeleted", "deleted")
    for field in _ASSOC:
        if field in subnet["properties"]:
            _associate(tx, vnet, subnet, field, None)
    del vnet["properties"]["subnets"][i]
    tx.delete(subnet_ipam.KIND, subnet["id"])
    touch(tx, vnet)
    tx.put(KIND_VNET, vnet["id"], vnet)
    return True


def add_ip_configuration(tx: Transaction, subnet_id: str, ip_configuration_ids: Sequence[str]) -> None:
    """Record ARM's back-reference ``subnet.ipConfigurations`` for NIC IP configurations / LB frontends."""
    if not ip_configuration_ids:
        return
    vnet, i = _vnet_and_index(tx, subnet_id)
    props = vnet["properties"]["subnets"][i]["properties"]
    items = props.setdefault("ipConfigurations", [])
    seen = {id_key(str(r.get("id", ""))) for r in items}
    for cid in ip_configuration_ids:
        if id_key(cid) not in seen:
            items.append(ref(cid))
            seen.add(id_key(cid))
    tx.put(KIND_VNET, vnet["id"], vnet)


def remove_ip_configuration(tx: Transaction, subnet_id: str, owner_id: str, prefix: bool = True) -> None:
    """Drop back-references to ``owner_id`` (and, with ``prefix``, to its children) from the subnet."""
    try:
        vnet, i = _vnet_and_index(tx, subnet_id)
    except AzureError:
        return
    props = vnet["properties"]["subnets"][i]["properties"]
    remove_ref(props, "ipConfigurations", owner_id, prefix=prefix)
    tx.put(KIND_VNET, vnet["id"], vnet)
