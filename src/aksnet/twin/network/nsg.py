"""Network security groups (``Microsoft.Network/networkSecurityGroups``) and their security rules.

Rules [learn.microsoft.com/azure/virtual-network/virtual-networks-faq;
learn.microsoft.com/azure/virtual-network/network-security-groups-overview;
AZD network-security-groups-overview]: every NSG carries the six default
rules (``AllowVnetInBound`` 65000, ``AllowAzureLoadBalancerInBound`` 65001, ``DenyAllInBound`` 65500 and the
outbound three); custom rules have priority 100–4096, a name of at most 80 characters, and no two rules share
priority and direction (``SecurityRuleConflict``). An NSG associated with a subnet or NIC cannot be deleted
(``InUseNetworkSecurityGroupCannotBeDeleted``). This module does not evaluate rules (engine/nsg does).
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Sequence
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import same_name
from aksnet.rules.azure import DEFAULT_SECURITY_RULES as DEFAULT_RULES
from aksnet.rules.azure import NSG_MAX_PRIORITY as MAX_PRIORITY
from aksnet.rules.azure import NSG_MIN_PRIORITY as MIN_PRIORITY
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network.common import (
    KIND_NSG,
    TYPE_DEFAULT_RULE,
    TYPE_NSG,
    TYPE_RULE,
    base_doc,
    child_doc,
    get_resource,
    network_id,
    ref_ids,
    resolve_location,
    set_tags,
    touch,
    validate_name,
)

PROTOCOLS = ("*", "Ah", "Esp", "Icmp", "Tcp", "Udp")
DIRECTIONS = ("Inbound", "Outbound")
ACCESSES = ("Allow", "Deny")

# Service tags accepted in address prefixes (the ones an AKS/AZ-104 user meets); a regional form
# ``Tag.Region`` is accepted for the tags that have one. [AZD service-tags-overview]
SERVICE_TAGS = frozenset(t.lower() for t in (
    "VirtualNetwork", "Internet", "AzureLoadBalancer", "AzureCloud", "Storage", "Sql", "AzureKeyVault",
    "AzureMonitor", "AzureActiveDirectory", "AzureContainerRegistry", "AzureFrontDoor.Backend",
    "AzureFrontDoor.Frontend", "AzureTrafficManager", "EventHub", "ServiceBus", "GatewayManager",
    "ApiManagement", "AppService", "AzureCosmosDB", "MicrosoftContainerRegistry", "AzureBastion",
    "ActionGroup", "AzureBackup", "AzureResourceManager", "GuestAndHybridManagement", "AzureDevOps",
    "LogicApps", "AzureMachineLearning", "DataFactory", "HDInsight", "AzurePlatformDNS", "AzurePlatformIMDS",
    "AzurePlatformLKM", "AzureDatabricks", "PowerPlatformInfra", "AzureUpdateDelivery", "AzureArcInfrastructure",
))


def nsg_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "networkSecurityGroups", name)


def get_nsg(tx: Transaction, nsg_id: str) -> Doc:
    return get_resource(tx, KIND_NSG, nsg_id, TYPE_NSG)


def list_nsgs(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_NSG)
    get_group(tx, resource_group)
    return tx.list(KIND_NSG, "", nsg_id(resource_group, ""))


def _rule_props(priority: int, direction: str, access: str, protocol: str, sources: Sequence[str],
                source_ports: Sequence[str], destinations: Sequence[str], destination_ports: Sequence[str],
                description: str | None) -> dict[str, Any]:
    """ARM's shape: one value → ``xPrefix``/``xPortRange`` plus an empty plural list; several → the plural."""
    props: dict[str, Any] = {}
    if description is not None:
        props["description"] = description
    props.update({"protocol": protocol})
    for single, plural, values in (("sourcePortRange", "sourcePortRanges", source_ports),
                                   ("destinationPortRange", "destinationPortRanges", destination_ports),
                                   ("sourceAddressPrefix", "sourceAddressPrefixes", sources),
                                   ("destinationAddressPrefix", "destinationAddressPrefixes", destinations)):
        if len(values) == 1:
            props[single] = values[0]
            props[plural] = []
        else:
            props[plural] = list(values)
    props.update({"access": access, "priority": priority, "direction": direction})
    return props


def _default_rules(tx: Transaction, rid: str) -> list[Doc]:
    out = []
    for name, prio, direction, access, src, dst, desc in DEFAULT_RULES:
        props = _rule_props(prio, direction, access, "*", [src], ["*"], [dst], ["*"], desc)
        out.append(child_doc(tx, f"{rid}/defaultSecurityRules/{name}", TYPE_DEFAULT_RULE, props))
    return out


def create_nsg(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
               tags: dict[str, str] | None = None) -> Doc:
    """``az network nsg create``: an NSG with the six default rules. An existing NSG keeps its rules (ARM PUT
    from az re-sends them) and gets the new tags."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = nsg_id(resource_group, name)
    existing = tx.get(KIND_NSG, rid)
    if existing is not None:
        if tags is not None:
            set_tags(existing, tags)
            touch(tx, existing)
            tx.put(KIND_NSG, rid, existing)
        return existing
    doc = base_doc(tx, rid, TYPE_NSG, location, tags)
    doc["properties"].update({"securityRules": [], "defaultSecurityRules": _default_rules(tx, rid)})
    touch(tx, doc)
    tx.put(KIND_NSG, rid, doc)
    return doc


def _norm_enum(value: str, allowed: Sequence[str], what: str) -> str:
    for a in allowed:
        if a.lower() == (value or "").lower():
            return a
    raise AzureError("InvalidRequestFormat",
                     f"Cannot parse the request. Security rule {what} '{value}' is not one of: {', '.join(allowed)}.")


def _check_ports(values: Sequence[str]) -> list[str]:
    """``*``, ``80`` or ``8000-8080``, each in 0–65535 (``SecurityRuleInvalidPortRange``)."""
    out = []
    for v in values:
        t = str(v).strip()
        ok = t == "*"
        m = re.fullmatch(r"(\d{1,5})(?:-(\d{1,5}))?", t)
        if m:
            lo = int(m.group(1))
            hi = int(m.group(2)) if m.group(2) else lo
            ok = 0 <= lo <= hi <= 65535
        if not ok:
            raise AzureError(
                "SecurityRuleInvalidPortRange",
                f"Security rule has invalid Port range. Value provided: {v}. Value should be an integer OR integer "
                "range with '-' delimiter. Valid range 0-65535.",
            )
        out.append(t)
    return out or ["*"]


def is_service_tag(value: str) -> bool:
    v = value.lower()
    return v in SERVICE_TAGS or ("." in v and v.split(".", 1)[0] in SERVICE_TAGS)


def _canonical_tag(value: str) -> str:
    for t in ("VirtualNetwork", "Internet", "AzureLoadBalancer"):
        if value.lower() == t.lower():
            return t
    return value


def _check_prefixes(values: Sequence[str], rule_id: str, field: str) -> list[str]:
    """CIDRs, addresses, ``*`` or one service tag (a tag cannot be mixed into a list)."""
    out = []
    vals = [str(v).strip() for v in values] or ["*"]
    for v in vals:
        if v == "*" or is_service_tag(v):
            if len(vals) > 1:
                raise AzureError(
                    "SecurityRuleParameterContainsUnsupportedValue",
                    f"Security rule parameter {field} for rule with Id {rule_id} cannot specify existing "
                    f"{v.upper()} tag. Service tags and '*' can only be used as a single value.",
                )
            out.append(_canonical_tag(v))
            continue
        try:
            ipaddress.ip_network(v, strict=False)
        except ValueError:
            raise AzureError(
                "SecurityRuleInvalidAddressPrefix",
                f"Security rule {rule_id} has invalid Address prefix. Value provided: {v}",
            ) from None
        out.append(v)
    return out


def upsert_security_rule(tx: Transaction, nsg_id: str, name: str, *, priority: int, direction: str = "Inbound",
                         access: str = "Allow", protocol: str = "*",
                         source_address_prefixes: Sequence[str] = ("*",), source_port_ranges: Sequence[str] = ("*",),
                         destination_address_prefixes: Sequence[str] = ("*",),
                         destination_port_ranges: Sequence[str] = ("*",), description: str | None = None) -> Doc:
    """Create or replace the custom rule ``name`` of the NSG. Enforces the name rule (≤ 80), priority
    100–4096 (``SecurityRuleInvalidPriority``), port ranges, address prefixes/service tags, and
    ``SecurityRuleConflict`` (same priority and direction as another rule). Returns the rule (ARM shape)."""
    doc = get_nsg(tx, nsg_id)
    validate_name(name)
    rid = f"{doc['id']}/securityRules/{name}"
    if not MIN_PRIORITY <= int(priority) <= MAX_PRIORITY:
        raise AzureError(
            "SecurityRuleInvalidPriority",
            f"Security rule has invalid Priority. Value provided: {priority} Allowed range "
            f"{MIN_PRIORITY}-{MAX_PRIORITY}.",
        )
    direction = _norm_enum(direction, DIRECTIONS, "direction")
    access = _norm_enum(access, ACCESSES, "access")
    protocol = _norm_enum(protocol, PROTOCOLS, "protocol")
    sports = _check_ports(source_port_ranges)
    dports = _check_ports(destination_port_ranges)
    srcs = _check_prefixes(source_address_prefixes, rid, "SourceAddressPrefixes")
    dsts = _check_prefixes(destination_address_prefixes, rid, "DestinationAddressPrefixes")
    rules = doc["properties"].setdefault("securityRules", [])
    for other in rules:
        o = other["properties"]
        if (not same_name(other["name"], name) and int(o["priority"]) == int(priority)
                and o["direction"] == direction):
            raise AzureError(
                "SecurityRuleConflict",
                f"Security rule {name} conflicts with rule {other['name']}. Rules cannot have the same Priority "
                "and Direction. To learn more, see aka.ms/nsgrules.",
            )
    props = _rule_props(int(priority), direction, access, protocol, srcs, sports, dsts, dports, description)
    existing = next((i for i, r in enumerate(rules) if same_name(r["name"], name)), None)
    if existing is None:
        rule = child_doc(tx, rid, TYPE_RULE, props)
        rules.append(rule)
    else:
        rule = rules[existing]
        rule["properties"] = {"provisioningState": "Succeeded", **props}
        touch(tx, rule)
    touch(tx, doc)
    tx.put(KIND_NSG, doc["id"], doc)
    return copy.deepcopy(rule)


def get_security_rule(tx: Transaction, nsg_id: str, name: str) -> Doc:
    from aksnet.twin.network.common import child_not_found

    doc = get_nsg(tx, nsg_id)
    for r in doc["properties"].get("securityRules", []):
        if same_name(r["name"], name):
            return copy.deepcopy(r)
    raise child_not_found(f"{doc['id']}/securityRules/{name}")


def delete_security_rule(tx: Transaction, nsg_id: str, name: str) -> bool:
    """Remove a custom rule; a missing rule is not an error (ARM 204). Default rules cannot be removed."""
    doc = get_nsg(tx, nsg_id)
    rules = doc["properties"].get("securityRules", [])
    kept = [r for r in rules if not same_name(r["name"], name)]
    if len(kept) == len(rules):
        return False
    doc["properties"]["securityRules"] = kept
    touch(tx, doc)
    tx.put(KIND_NSG, doc["id"], doc)
    return True


def nsg_users(doc: Doc) -> list[str]:
    return ref_ids(doc["properties"].get("subnets")) + ref_ids(doc["properties"].get("networkInterfaces"))


def delete_nsg(tx: Transaction, nsg_id: str) -> bool:
    """``az network nsg delete``: refused while associated (``InUseNetworkSecurityGroupCannotBeDeleted``)."""
    doc = tx.get(KIND_NSG, nsg_id)
    if doc is None:
        return False
    users = nsg_users(doc)
    if users:
        raise AzureError(
            "InUseNetworkSecurityGroupCannotBeDeleted",
            f"Network security group {doc['id']} cannot be deleted because it is in use by the following "
            f"resources: {', '.join(users)}. In order to delete the Network security group, remove the association "
            "with the resource(s). To learn more, see aka.ms/deletensg.",
        )
    tx.delete(KIND_NSG, nsg_id)
    return True
