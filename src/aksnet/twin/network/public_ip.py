"""Public IP addresses (``Microsoft.Network/publicIPAddresses``) and the emulated public address pool.

Addresses come from a fixed, documented pool (``20.81.0.0/16``, inside Azure's public space; ``.0`` and ``.255``
octets are skipped; IPv6 public IPs from ``2603:1030:8:5::/64``): the lowest free address, so the same commands
give the same addresses every time. The pool's owners are the documents ``aksnet:publicaddresses`` keyed by the
owner's resource ID, so a deleted resource group frees its addresses with the rest of its documents. Other owners
(the AKS API server's public endpoint) call :func:`allocate_public_address` directly."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from aksnet.errors import AzureError
from aksnet.model.ids import same_id
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network.common import (
    KIND_PUBLIC_IP,
    TYPE_PUBLIC_IP,
    base_doc,
    get_resource,
    network_id,
    resolve_location,
    set_tags,
    touch,
    validate_name,
)

PUBLIC_POOL = "20.81.0.0/16"
PUBLIC_POOL_V6 = "2603:1030:8:5::/64"  # IPv6 public IPs: inside Microsoft's 2603:1030::/32 (the AKS article's example)
KIND_PUBLIC_ADDRESS = "aksnet:publicaddresses"
_DNS_LABEL = re.compile(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")


def public_ip_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "publicIPAddresses", name)


def allocate_public_address(tx: Transaction, owner_id: str, version: str = "IPv4") -> str:
    """The owner's public address (allocated on first call: the lowest free one of :data:`PUBLIC_POOL`, or of
    :data:`PUBLIC_POOL_V6` for an IPv6 public IP)."""
    held = tx.get(KIND_PUBLIC_ADDRESS, owner_id)
    if held is not None:
        return str(held["ipAddress"])
    used = {d["ipAddress"] for d in tx.list(KIND_PUBLIC_ADDRESS)}
    for addr in ipaddress.ip_network(PUBLIC_POOL_V6 if version == "IPv6" else PUBLIC_POOL).hosts():
        s = str(addr)
        if (version != "IPv6" and int(s.rsplit(".", 1)[1]) in (0, 255)) or s in used:
            continue
        tx.put(KIND_PUBLIC_ADDRESS, owner_id, {"owner": owner_id, "ipAddress": s})
        return s
    raise AzureError("PublicIPCountLimitReached", "The emulated public address pool is exhausted.")


def release_public_address(tx: Transaction, owner_id: str) -> None:
    tx.delete(KIND_PUBLIC_ADDRESS, owner_id)


def get_public_ip(tx: Transaction, public_ip_id: str) -> Doc:
    return get_resource(tx, KIND_PUBLIC_IP, public_ip_id, TYPE_PUBLIC_IP)


def list_public_ips(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_PUBLIC_IP)
    get_group(tx, resource_group)
    return tx.list(KIND_PUBLIC_IP, "", public_ip_id(resource_group, ""))


def _check_dns_label(tx: Transaction, label: str, location: str, rid: str) -> str:
    """A DNS label must match Azure's pattern (``InvalidDomainNameLabel``) and be unique in the region
    (``DnsRecordInUse``); the FQDN is ``<label>.<location>.cloudapp.azure.com``."""
    if not _DNS_LABEL.match(label):
        raise AzureError(
            "InvalidDomainNameLabel",
            f"The domain name label {label} is invalid. It must conform to the following regular expression: "
            "^[a-z][a-z0-9-]{1,61}[a-z0-9]$.",
        )
    fqdn = f"{label}.{location}.cloudapp.azure.com"
    for other in tx.list(KIND_PUBLIC_IP):
        dns = other["properties"].get("dnsSettings") or {}
        if dns.get("fqdn") == fqdn and not same_id(other["id"], rid):
            raise AzureError("DnsRecordInUse", f"DNS record {fqdn} is already used by another public IP.")
    return fqdn


# az's --sku values (azure-cli aaz ``network public-ip create``, API 2024-07-01); StandardV2 goes with StandardV2
# NAT gateways (learn.microsoft.com/azure/nat-gateway/nat-overview, "StandardV2 NAT gateway").
PUBLIC_IP_SKUS = {"basic": "Basic", "standard": "Standard", "standardv2": "StandardV2"}


def create_public_ip(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
                     sku: str = "Standard", allocation_method: str | None = None, dns_label: str | None = None,
                     tags: dict[str, str] | None = None, zones: Sequence[str] | None = None,
                     idle_timeout: int = 4, version: str = "IPv4") -> Doc:
    """``az network public-ip create`` (Standard/Static by default, as current az; Standard and StandardV2 must be
    Static). An existing public IP keeps
    its address and gets the new tags and DNS label (what the cloud provider's reconciler needs)."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = public_ip_id(resource_group, name)
    sku_name = PUBLIC_IP_SKUS.get(sku.lower(), "Standard")
    method = allocation_method or ("Dynamic" if sku_name == "Basic" else "Static")
    method = "Static" if method.lower() == "static" else "Dynamic"
    if sku_name != "Basic" and method != "Static":
        raise AzureError(
            "StandardSkuPublicIPAddressesMustBeStatic",
            f"{sku_name} sku publicIp {rid} must have AllocationMethod set to Static.",
        )
    doc = tx.get(KIND_PUBLIC_IP, rid)
    if doc is None:
        doc = base_doc(tx, rid, TYPE_PUBLIC_IP, location, tags)
        doc["sku"] = {"name": sku_name, "tier": "Regional"}
        if zones:
            doc["zones"] = list(zones)
        doc["properties"].update({
            "ddosSettings": {"protectionMode": "VirtualNetworkInherited"},  # the RP's default (recorded GET)
            "idleTimeoutInMinutes": int(idle_timeout),
            "ipAddress": allocate_public_address(tx, rid, version),
            "ipTags": [],
            "publicIPAddressVersion": version,
            "publicIPAllocationMethod": method,
        })
    elif tags is not None:
        set_tags(doc, tags)
    set_public_ip_dns_label(tx, doc, dns_label, save=False)
    touch(tx, doc)
    tx.put(KIND_PUBLIC_IP, rid, doc)
    return doc


def set_public_ip_dns_label(tx: Transaction, doc: Doc, dns_label: str | None, save: bool = True) -> Doc:
    """Set (or with ``None``/``""`` remove) the DNS label of a public IP document."""
    if dns_label:
        fqdn = _check_dns_label(tx, dns_label, doc["location"], doc["id"])
        doc["properties"]["dnsSettings"] = {"domainNameLabel": dns_label, "fqdn": fqdn}
    elif dns_label is not None:
        doc["properties"].pop("dnsSettings", None)
    if save:
        touch(tx, doc)
        tx.put(KIND_PUBLIC_IP, doc["id"], doc)
    return doc


def public_ip_user(doc: Doc) -> str | None:
    props = doc["properties"]
    for field in ("ipConfiguration", "natGateway"):
        if props.get(field):
            return str(props[field]["id"])
    return None


def attach_public_ip(tx: Transaction, public_ip_id: str, field: str, user_id: str | None) -> None:
    """Set or clear ARM's back-reference ``ipConfiguration`` / ``natGateway`` of a public IP. Attaching a public
    IP that another resource already uses is refused (``PublicIPAddressInUse``)."""
    doc = get_public_ip(tx, public_ip_id)
    props = doc["properties"]
    if user_id is None:
        props.pop(field, None)
    else:
        current = public_ip_user(doc)
        if current and not same_id(current, user_id):
            raise AzureError(
                "PublicIPAddressInUse",
                f"Resource {doc['id']} is referenced by {user_id} but is already in use by {current}.",
            )
        props[field] = {"id": user_id}
    touch(tx, doc)
    tx.put(KIND_PUBLIC_IP, doc["id"], doc)


def delete_public_ip(tx: Transaction, public_ip_id: str) -> bool:
    """``az network public-ip delete``: refused while attached (``PublicIPAddressCannotBeDeleted``); frees the
    address. A missing public IP is not an error (ARM 204)."""
    doc = tx.get(KIND_PUBLIC_IP, public_ip_id)
    if doc is None:
        return False
    user = public_ip_user(doc)
    if user:
        raise AzureError(
            "PublicIPAddressCannotBeDeleted",
            f"Public IP address {doc['id']} can not be deleted since it is still allocated to resource {user}. "
            "In order to delete the public IP, disassociate/detach the Public IP address from the resource. To "
            "learn how to do this, see aka.ms/deletepublicip.",
        )
    tx.delete(KIND_PUBLIC_IP, public_ip_id)
    release_public_address(tx, public_ip_id)
    return True
