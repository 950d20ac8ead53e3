"""Private endpoints (``Microsoft.Network/privateEndpoints``), private DNS zones, their A record sets and
virtual network links (``Microsoft.Network/privateDnsZones…``): what AKS private clusters create, and the zones
and links a user adds (``az network private-dns zone create``, ``link vnet create``) so that a VNet other than
the cluster's resolves the API server's private name (learn.microsoft.com/azure/aks/private-clusters,
"Virtual network peering"). The AKS resource provider writes its endpoint and records through
:func:`put_zone`/:func:`put_vnet_link`; this module finds them with ARM's not-found errors.
"""

from __future__ import annotations

from aksnet.errors import AzureError, ResourceNotFound
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, deterministic_uuid, get_group
from aksnet.twin.network.common import get_resource, group_of, name_of, network_id

TYPE_PRIVATE_ENDPOINT = "Microsoft.Network/privateEndpoints"
TYPE_PRIVATE_DNS_ZONE = "Microsoft.Network/privateDnsZones"
KIND_PRIVATE_ENDPOINT = TYPE_PRIVATE_ENDPOINT.lower()
KIND_PRIVATE_DNS_ZONE = TYPE_PRIVATE_DNS_ZONE.lower()
KIND_PRIVATE_DNS_A = "microsoft.network/privatednszones/a"
KIND_PRIVATE_DNS_LINK = "microsoft.network/privatednszones/virtualnetworklinks"


def private_endpoint_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "privateEndpoints", name)


def private_dns_zone_id(resource_group: str, zone: str) -> str:
    return network_id(resource_group, "privateDnsZones", zone)


def get_private_endpoint(tx: Transaction, pe_id: str) -> Doc:
    return get_resource(tx, KIND_PRIVATE_ENDPOINT, pe_id, TYPE_PRIVATE_ENDPOINT)


def _in_group(tx: Transaction, kind: str, resource_group: str | None, builder_type: str) -> list[Doc]:
    if resource_group is None:
        return tx.list(kind)
    get_group(tx, resource_group)
    return tx.list(kind, "", network_id(resource_group, builder_type, ""))


def list_private_endpoints(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    return _in_group(tx, KIND_PRIVATE_ENDPOINT, resource_group, "privateEndpoints")


def get_private_dns_zone(tx: Transaction, zone_id: str) -> Doc:
    return get_resource(tx, KIND_PRIVATE_DNS_ZONE, zone_id, TYPE_PRIVATE_DNS_ZONE)


def list_private_dns_zones(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    return _in_group(tx, KIND_PRIVATE_DNS_ZONE, resource_group, "privateDnsZones")


def _zone(tx: Transaction, zone_id: str) -> Doc:
    """The parent zone of a record set or link: ARM's ``ParentResourceNotFound`` when it is missing."""
    zone = tx.get(KIND_PRIVATE_DNS_ZONE, zone_id)
    if zone is None:
        get_group(tx, group_of(zone_id))
        raise AzureError("ParentResourceNotFound",
                         "Can not perform requested operation on nested resource. Parent resource "
                         f"'{name_of(zone_id)}' not found.")
    return zone


def list_a_record_sets(tx: Transaction, zone_id: str) -> list[Doc]:
    _zone(tx, zone_id)
    return tx.list(KIND_PRIVATE_DNS_A, "", f"{zone_id}/A/")


def get_a_record_set(tx: Transaction, zone_id: str, name: str) -> Doc:
    """An A record set; the DNS RP's ``(NotFound) The resource record '…' does not exist …``."""
    _zone(tx, zone_id)
    doc = tx.get(KIND_PRIVATE_DNS_A, f"{zone_id}/A/{name}")
    if doc is None:
        raise ResourceNotFound(
            f"The resource record '{name}' does not exist in resource group '{group_of(zone_id)}' of subscription "
            f"'{SUBSCRIPTION_ID}'.", code="NotFound")
    return doc


def list_vnet_links(tx: Transaction, zone_id: str) -> list[Doc]:
    _zone(tx, zone_id)
    return tx.list(KIND_PRIVATE_DNS_LINK, "", f"{zone_id}/virtualNetworkLinks/")


def get_vnet_link(tx: Transaction, zone_id: str, name: str) -> Doc:
    zone = _zone(tx, zone_id)
    doc = tx.get(KIND_PRIVATE_DNS_LINK, f"{zone_id}/virtualNetworkLinks/{name}")
    if doc is None:
        raise ResourceNotFound(
            f"The Resource '{TYPE_PRIVATE_DNS_ZONE}/{zone['name']}/virtualNetworkLinks/{name}' under resource "
            f"group '{group_of(zone_id)}' was not found. For more details please go to "
            "https://aka.ms/ARMResourceNotFoundFix")
    return doc


def put_zone(tx: Transaction, zone_id: str, zone_name: str, record_sets: int = 1) -> Doc:
    """A private DNS zone document (global; the SOA record counts as one record set)."""
    doc: Doc = {
        "id": zone_id, "name": zone_name, "type": TYPE_PRIVATE_DNS_ZONE, "location": "global",
        "etag": deterministic_uuid("zone-etag", id_key(zone_id)),
        "properties": {"provisioningState": "Succeeded", "maxNumberOfRecordSets": 25000,
                       "maxNumberOfVirtualNetworkLinks": 1000,
                       "maxNumberOfVirtualNetworkLinksWithRegistration": 100, "numberOfRecordSets": record_sets,
                       "numberOfVirtualNetworkLinks": 0, "numberOfVirtualNetworkLinksWithRegistration": 0},
    }
    tx.put(KIND_PRIVATE_DNS_ZONE, zone_id, doc)
    return doc


def put_vnet_link(tx: Transaction, zone_id: str, link_name: str, vnet_id: str, registration: bool = False) -> Doc:
    """A virtual network link of a zone; the zone's link counters follow."""
    rid = f"{zone_id}/virtualNetworkLinks/{link_name}"
    doc: Doc = {
        "id": rid, "name": link_name, "type": f"{TYPE_PRIVATE_DNS_ZONE}/virtualNetworkLinks",
        "location": "global", "etag": deterministic_uuid("link-etag", id_key(rid)),
        "properties": {"provisioningState": "Succeeded", "registrationEnabled": registration,
                       "virtualNetwork": {"id": vnet_id}, "virtualNetworkLinkState": "Completed"},
    }
    tx.put(KIND_PRIVATE_DNS_LINK, rid, doc)
    zone = tx.get(KIND_PRIVATE_DNS_ZONE, zone_id)
    if zone is not None:
        props = zone["properties"]
        links = tx.list(KIND_PRIVATE_DNS_LINK, "", f"{zone_id}/virtualNetworkLinks/")
        props["numberOfVirtualNetworkLinks"] = len(links)
        props["numberOfVirtualNetworkLinksWithRegistration"] = sum(
            1 for d in links if d["properties"].get("registrationEnabled"))
        tx.put(KIND_PRIVATE_DNS_ZONE, zone_id, zone)
    return doc


def create_private_dns_zone(tx: Transaction, resource_group: str, name: str) -> Doc:
    """``az network private-dns zone create``; an existing zone is ARM's ``PreconditionFailed`` (az sends
    If-None-Match: *)."""
    get_group(tx, resource_group)
    zid = private_dns_zone_id(resource_group, name)
    if tx.get(KIND_PRIVATE_DNS_ZONE, zid) is not None:
        raise AzureError("PreconditionFailed", f"The Zone {name} exists already and hence cannot be created again.")
    return put_zone(tx, zid, name)


def create_vnet_link(tx: Transaction, zone_id: str, name: str, vnet_id: str, registration: bool) -> Doc:
    """``az network private-dns link vnet create``: the VNet must exist; one link per VNet and zone (the DNS
    RP's ``Conflict``); names resolve in that VNet from then on."""
    _zone(tx, zone_id)
    from aksnet.twin.network.vnet import get_vnet

    vnet = get_vnet(tx, vnet_id)
    for link in tx.list(KIND_PRIVATE_DNS_LINK, "", f"{zone_id}/virtualNetworkLinks/"):
        linked = (link["properties"].get("virtualNetwork") or {}).get("id", "")
        if same_id(linked, str(vnet["id"])):
            raise AzureError("Conflict", f"A virtual network cannot be linked to the same private DNS zone more "
                                         f"than once. Virtual network {vnet['id']} is already linked through "
                                         f"{link['name']}.")
    if tx.get(KIND_PRIVATE_DNS_LINK, f"{zone_id}/virtualNetworkLinks/{name}") is not None:
        raise AzureError("PreconditionFailed", f"The virtual network link {name} exists already.")
    return put_vnet_link(tx, zone_id, name, str(vnet["id"]), registration)
