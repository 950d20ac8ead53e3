"""Read access to what AKS private clusters create: private endpoints (``Microsoft.Network/privateEndpoints``),
private DNS zones, their A record sets and virtual network links (``Microsoft.Network/privateDnsZones…``).

The AKS resource provider (:mod:`aksnet.twin.aks.infrastructure`) writes these documents; this module only
finds and lists them, with ARM's not-found errors. It must not create, change or delete them.
"""

from __future__ import annotations

from aksnet.errors import AzureError, ResourceNotFound
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
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
