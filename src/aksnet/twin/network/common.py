"""Shared pieces of the emulated Microsoft.Network resource provider: kinds, names, IDs, references,
CIDR parsing and the ARM error messages they raise.

Documents are stored in ARM's REST shape (``{"id", "name", "type", "location", "etag", "properties": {…}}``);
the az front end flattens ``properties`` when it prints them, as az does. This module must not print, and
must not know about any one resource type beyond its kind and type names.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from aksnet.errors import AzureError, ResourceNotFound
from aksnet.io.arm_ids import group_id, parse_resource_id
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, deterministic_uuid, etag, get_group

NETWORK = "Microsoft.Network"
COMPUTE = "Microsoft.Compute"

TYPE_VNET = "Microsoft.Network/virtualNetworks"
TYPE_SUBNET = "Microsoft.Network/virtualNetworks/subnets"
TYPE_NSG = "Microsoft.Network/networkSecurityGroups"
TYPE_RULE = "Microsoft.Network/networkSecurityGroups/securityRules"
TYPE_DEFAULT_RULE = "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"
TYPE_ROUTE_TABLE = "Microsoft.Network/routeTables"
TYPE_ROUTE = "Microsoft.Network/routeTables/routes"
TYPE_PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
TYPE_NAT_GATEWAY = "Microsoft.Network/natGateways"
TYPE_NIC = "Microsoft.Network/networkInterfaces"
TYPE_NIC_IPCONFIG = "Microsoft.Network/networkInterfaces/ipConfigurations"
TYPE_LB = "Microsoft.Network/loadBalancers"
TYPE_VM = "Microsoft.Compute/virtualMachines"

KIND_VNET = TYPE_VNET.lower()
KIND_NSG = TYPE_NSG.lower()
KIND_ROUTE_TABLE = TYPE_ROUTE_TABLE.lower()
KIND_PUBLIC_IP = TYPE_PUBLIC_IP.lower()
KIND_NAT_GATEWAY = TYPE_NAT_GATEWAY.lower()
KIND_NIC = TYPE_NIC.lower()
KIND_LB = TYPE_LB.lower()
KIND_VM = TYPE_VM.lower()
KIND_VMSS_VM = "microsoft.compute/virtualmachinescalesets/virtualmachines"

# ARM naming rule of Microsoft.Network resources (1-80 chars, word characters, '.', '-', '_'; starts with a
# word character, ends with a word character or '_').
_NAME_RE = re.compile(r"^\w(?:[\w.\-]{0,78}\w)?$")


def invalid_name(name: str) -> AzureError:
    """ARM's ``InvalidResourceName`` for network resources (observed text, see docs/fidelity.md)."""
    return AzureError(
        "InvalidResourceName",
        f"Resource name {name} is invalid. The name can be up to 80 characters long. It must begin with a word "
        "character, and it must end with a word character or with '_'. The name may contain word characters "
        "or '.', '-', '_'.",
    )


def validate_name(name: str) -> str:
    """The Microsoft.Network name rule (also used for security rules and routes)."""
    if not _NAME_RE.match(name or ""):
        raise invalid_name(name)
    return name


def network_id(resource_group: str, type_name: str, name: str, *children: str) -> str:
    """``/subscriptions/…/resourceGroups/RG/providers/Microsoft.Network/<type>/<name>[/<child>/<name>…]``."""
    rid = f"{group_id(resource_group)}/providers/{NETWORK}/{type_name}/{name}"
    for i in range(0, len(children), 2):
        rid += f"/{children[i]}/{children[i + 1]}"
    return rid


def group_of(resource_id: str) -> str:
    parsed = parse_resource_id(resource_id)
    return parsed.resource_group if parsed else ""


def name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def resolve_location(tx: Transaction, resource_group: str, location: str | None) -> str:
    """``-l`` defaults to the resource group's location (az); raises ``ResourceGroupNotFound``."""
    group = get_group(tx, resource_group)
    return (location or str(group["location"])).replace(" ", "").lower()


def resource_not_found(type_name: str, name: str, resource_group: str) -> ResourceNotFound:
    """ARM's 404 for a top-level resource."""
    return ResourceNotFound(
        f"The Resource '{type_name}/{name}' under resource group '{resource_group}' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    )


def child_not_found(resource_id: str) -> ResourceNotFound:
    """The network RP's 404 for a child resource (subnet, rule, route): ``(NotFound) Resource <id> not found.``"""
    return ResourceNotFound(f"Resource {resource_id} not found.", code="NotFound")


def get_resource(tx: Transaction, kind: str, resource_id: str, type_name: str) -> Doc:
    """The stored document, or ARM's ``ResourceGroupNotFound`` / ``ResourceNotFound``."""
    doc = tx.get(kind, resource_id)
    if doc is not None:
        return doc
    rg = group_of(resource_id)
    if rg:
        get_group(tx, rg)
    raise resource_not_found(type_name, name_of(resource_id), rg)


def referenced_not_found(ref_id: str, by_id: str) -> AzureError:
    return AzureError(
        "InvalidResourceReference",
        f"Resource {ref_id} referenced by resource {by_id} was not found. Please make sure that the referenced "
        "resource exists, and that both resources are in the same region.",
    )


def new_guid(*parts: str) -> str:
    return deterministic_uuid("resourceGuid", *parts)


def new_etag(tx: Transaction) -> str:
    return etag(tx)


def ref(resource_id: str) -> dict[str, str]:
    return {"id": resource_id}


def ref_ids(items: Iterable[dict[str, Any]] | None) -> list[str]:
    return [str(i["id"]) for i in (items or []) if isinstance(i, dict) and "id" in i]


def add_ref(props: dict[str, Any], field: str, resource_id: str) -> None:
    """Add ``{"id": resource_id}`` to ``props[field]`` unless present (case-insensitive)."""
    items = props.setdefault(field, [])
    if not any(same_id(str(i.get("id", "")), resource_id) for i in items):
        items.append(ref(resource_id))


def remove_ref(props: dict[str, Any], field: str, resource_id: str, prefix: bool = False) -> None:
    """Remove references to ``resource_id`` (or, with ``prefix``, to anything below it); drop an empty list."""
    if field not in props:
        return
    r = id_key(resource_id)
    props[field] = [
        i for i in props[field]
        if not (id_key(str(i.get("id", ""))) == r or (prefix and id_key(str(i.get("id", ""))).startswith(r + "/")))
    ]
    if not props[field]:
        del props[field]


def parse_prefix(prefix: str, resource_id: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An address prefix as ARM validates it: CIDR notation (``InvalidAddressPrefixFormat``) with no host bits
    set (``InvalidCIDRNotation``)."""
    text = (prefix or "").strip()
    net: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    if re.fullmatch(r"[0-9a-fA-F:.]+/\d{1,3}", text):
        try:
            net = ipaddress.ip_network(text, strict=False)
        except ValueError:
            net = None
    if net is None:
        raise AzureError(
            "InvalidAddressPrefixFormat",
            f"Address prefix {prefix} of resource {resource_id} is not formatted correctly. It should follow CIDR "
            "notation, for example 10.0.0.0/24.",
        )
    if net.network_address != ipaddress.ip_address(text.split("/")[0]):
        raise AzureError(
            "InvalidCIDRNotation",
            f"The address prefix {prefix} in resource {resource_id} has an invalid CIDR notation. For the given "
            f"prefix length, the address prefix should be {net}.",
        )
    return net


def nets_overlap(a: ipaddress.IPv4Network | ipaddress.IPv6Network,
                 b: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]


def net_inside(inner: ipaddress.IPv4Network | ipaddress.IPv6Network,
               outer: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def tags_or_none(tags: dict[str, str] | None) -> dict[str, str] | None:
    return dict(tags) if tags else None


def set_tags(doc: Doc, tags: dict[str, str] | None) -> None:
    """ARM omits ``tags`` when there are none (as az shows network resources)."""
    if tags:
        doc["tags"] = dict(tags)
    else:
        doc.pop("tags", None)


def base_doc(tx: Transaction, resource_id: str, type_name: str, location: str | None,
             tags: dict[str, str] | None = None) -> Doc:
    """A new top-level resource with the fields every ARM network resource carries."""
    doc: Doc = {"id": resource_id, "name": name_of(resource_id), "type": type_name, "etag": new_etag(tx)}
    if location is not None:
        doc["location"] = location
    set_tags(doc, tags)
    doc["properties"] = {"provisioningState": "Succeeded", "resourceGuid": new_guid(id_key(resource_id))}
    return doc


def child_doc(tx: Transaction, resource_id: str, type_name: str, properties: dict[str, Any]) -> Doc:
    """A child resource (subnet, rule, route …) as ARM nests it in its parent."""
    props = {"provisioningState": "Succeeded", **properties}
    return {"id": resource_id, "name": name_of(resource_id), "type": type_name, "etag": new_etag(tx),
            "properties": props}


def touch(tx: Transaction, doc: Doc) -> None:
    """A changed resource gets a new etag, as in ARM; its nested child resources (subnets, rules, routes, IP
    configurations …) show the same etag as their parent."""
    doc["etag"] = new_etag(tx)
    _share_etag(doc.get("properties"), doc["etag"])


def _share_etag(obj: Any, value: str) -> None:
    if isinstance(obj, list):
        for item in obj:
            _share_etag(item, value)
    elif isinstance(obj, dict):
        if "etag" in obj:
            obj["etag"] = value
        for v in obj.values():
            if isinstance(v, list | dict):
                _share_etag(v, value)
