"""Route tables (``Microsoft.Network/routeTables``) and their user-defined routes.

Rules [learn.microsoft.com/azure/virtual-network/virtual-networks-faq;
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_routes.go@7b31c76;
AZD virtual-networks-udr-overview]: at most 400 routes per table; the next
hop type is one of VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet, None; a VirtualAppliance route
needs ``nextHopIpAddress`` and the other types must not have one; a table associated with a subnet cannot be
deleted. Route selection is the engine's job, not this module's.
"""

from __future__ import annotations

import copy
import ipaddress

from aksnet.errors import AzureError
from aksnet.model.ids import same_name
from aksnet.rules.azure import MAX_ROUTES_PER_ROUTE_TABLE as MAX_ROUTES
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network.common import (
    KIND_ROUTE_TABLE,
    TYPE_ROUTE,
    TYPE_ROUTE_TABLE,
    base_doc,
    child_doc,
    child_not_found,
    get_resource,
    network_id,
    parse_prefix,
    ref_ids,
    resolve_location,
    set_tags,
    touch,
    validate_name,
)

NEXT_HOP_TYPES = ("VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None")


def route_table_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "routeTables", name)


def get_route_table(tx: Transaction, route_table_id: str) -> Doc:
    return get_resource(tx, KIND_ROUTE_TABLE, route_table_id, TYPE_ROUTE_TABLE)


def list_route_tables(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_ROUTE_TABLE)
    get_group(tx, resource_group)
    return tx.list(KIND_ROUTE_TABLE, "", route_table_id(resource_group, ""))


def create_route_table(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
                       disable_bgp_route_propagation: bool = False, tags: dict[str, str] | None = None) -> Doc:
    """``az network route-table create``. An existing table keeps its routes and gets the new settings."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = route_table_id(resource_group, name)
    existing = tx.get(KIND_ROUTE_TABLE, rid)
    if existing is not None:
        existing["properties"]["disableBgpRoutePropagation"] = bool(disable_bgp_route_propagation)
        if tags is not None:
            set_tags(existing, tags)
        touch(tx, existing)
        tx.put(KIND_ROUTE_TABLE, rid, existing)
        return existing
    doc = base_doc(tx, rid, TYPE_ROUTE_TABLE, location, tags)
    doc["properties"].update({"disableBgpRoutePropagation": bool(disable_bgp_route_propagation), "routes": []})
    tx.put(KIND_ROUTE_TABLE, rid, doc)
    return doc


def update_route_table(tx: Transaction, route_table_id: str, *, disable_bgp_route_propagation: bool | None = None,
                       tags: dict[str, str] | None = None) -> Doc:
    """``az network route-table update``: BGP route propagation and tags; the routes stay."""
    doc = get_route_table(tx, route_table_id)
    if disable_bgp_route_propagation is not None:
        doc["properties"]["disableBgpRoutePropagation"] = disable_bgp_route_propagation
    if tags is not None:
        set_tags(doc, tags)
    touch(tx, doc)
    tx.put(KIND_ROUTE_TABLE, doc["id"], doc)
    return doc


def update_route(tx: Transaction, route_table_id: str, name: str, *, address_prefix: str | None = None,
                 next_hop_type: str | None = None, next_hop_ip_address: str | None = None) -> Doc:
    """``az network route-table route update``: the given fields over the stored route, checked as at create
    (a next hop other than VirtualAppliance drops the stored next-hop IP, as az's generic update sends it)."""
    current = get_route(tx, route_table_id, name)["properties"]
    hop = next_hop_type or current["nextHopType"]
    ip = next_hop_ip_address if next_hop_ip_address is not None else current.get("nextHopIpAddress")
    if next_hop_type is not None and _next_hop_type(hop) != "VirtualAppliance" and next_hop_ip_address is None:
        ip = None
    return upsert_route(tx, route_table_id, name, address_prefix or current["addressPrefix"], hop, ip or None)


def _next_hop_type(value: str) -> str:
    for t in NEXT_HOP_TYPES:
        if t.lower() == (value or "").lower():
            return t
    raise AzureError(
        "InvalidRequestFormat",
        f"Cannot parse the request. The value '{value}' is not valid for nextHopType; allowed values: "
        f"{', '.join(NEXT_HOP_TYPES)}.",
    )


def upsert_route(tx: Transaction, route_table_id: str, name: str, address_prefix: str, next_hop_type: str,
                 next_hop_ip_address: str | None = None) -> Doc:
    """Create or replace route ``name``. Enforces the 400-route limit (``RouteTableRoutesLimitReached``),
    the prefix format, the VirtualAppliance ⇔ next-hop-IP rule and one route per address prefix
    (``RouteConflict``). Returns the route (ARM shape)."""
    doc = get_route_table(tx, route_table_id)
    validate_name(name)
    rid = f"{doc['id']}/routes/{name}"
    hop = _next_hop_type(next_hop_type)
    if "/" in address_prefix or not address_prefix[:1].isalpha():
        parse_prefix(address_prefix, rid)
    if hop == "VirtualAppliance":
        if not next_hop_ip_address:
            raise AzureError(
                "InvalidRouteNextHopIpAddress",
                f"NextHopIpAddress cannot be Null or Empty in route {rid} when NextHopType is VirtualAppliance.",
            )
        try:
            ipaddress.ip_address(next_hop_ip_address)
        except ValueError:
            raise AzureError(
                "InvalidRouteNextHopIpAddress",
                f"Route {rid} has an invalid NextHopIpAddress {next_hop_ip_address}.",
            ) from None
    elif next_hop_ip_address:
        raise AzureError(
            "InvalidRouteNextHopIpAddress",
            f"NextHopIpAddress is only allowed in route {rid} when NextHopType is VirtualAppliance.",
        )
    routes = doc["properties"].setdefault("routes", [])
    existing = next((i for i, r in enumerate(routes) if same_name(r["name"], name)), None)
    clash = next((r for r in routes if not same_name(r["name"], name)
                  and _same_prefix(r["properties"].get("addressPrefix", ""), address_prefix)), None)
    if clash is not None:
        # ARM's words (kubernetes-sigs/cloud-provider-azure#657): two kubenet clusters sharing one route table
        # with the same pod CIDR hit this when the second cluster writes its node routes
        raise AzureError("RouteConflict", f"Route: {name} conflicts with Route: {clash['name']}. Routes cannot have "
                                          "the same AddressPrefix.")
    if existing is None and len(routes) >= MAX_ROUTES:
        raise AzureError(
            "RouteTableRoutesLimitReached",
            f"Route table {doc['id']} has reached the maximum of {MAX_ROUTES} routes. "
            "Remove a route before adding another.",
        )
    props: dict[str, object] = {"addressPrefix": address_prefix, "nextHopType": hop}
    if next_hop_ip_address:
        props["nextHopIpAddress"] = next_hop_ip_address
    props["hasBgpOverride"] = False
    if existing is None:
        route = child_doc(tx, rid, TYPE_ROUTE, props)
        routes.append(route)
    else:
        route = routes[existing]
        route["properties"] = {"provisioningState": "Succeeded", **props}
        touch(tx, route)
    touch(tx, doc)
    tx.put(KIND_ROUTE_TABLE, doc["id"], doc)
    return copy.deepcopy(route)


def _same_prefix(a: str, b: str) -> bool:
    """The same destination: equal networks for CIDRs, equal names (case-insensitive) for service tags."""
    try:
        return ipaddress.ip_network(a, strict=False) == ipaddress.ip_network(b, strict=False)
    except ValueError:
        return a.lower() == b.lower()


def get_route(tx: Transaction, route_table_id: str, name: str) -> Doc:
    doc = get_route_table(tx, route_table_id)
    for r in doc["properties"].get("routes", []):
        if same_name(r["name"], name):
            return copy.deepcopy(r)
    raise child_not_found(f"{doc['id']}/routes/{name}")


def delete_route(tx: Transaction, route_table_id: str, name: str) -> bool:
    """Remove a route; a missing route is not an error (ARM 204)."""
    doc = get_route_table(tx, route_table_id)
    routes = doc["properties"].get("routes", [])
    kept = [r for r in routes if not same_name(r["name"], name)]
    if len(kept) == len(routes):
        return False
    doc["properties"]["routes"] = kept
    touch(tx, doc)
    tx.put(KIND_ROUTE_TABLE, doc["id"], doc)
    return True


def delete_route_table(tx: Transaction, route_table_id: str) -> bool:
    """``az network route-table delete``: refused while associated (``InUseRouteTableCannotBeDeleted``)."""
    doc = tx.get(KIND_ROUTE_TABLE, route_table_id)
    if doc is None:
        return False
    users = ref_ids(doc["properties"].get("subnets"))
    if users:
        raise AzureError(
            "InUseRouteTableCannotBeDeleted",
            f"Route table {doc['id']} cannot be deleted because it is in use by the following resources: "
            f"{', '.join(users)}. In order to delete the route table, remove the association with the resource(s).",
        )
    tx.delete(KIND_ROUTE_TABLE, route_table_id)
    return True
