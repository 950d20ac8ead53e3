"""Azure Firewalls (``Microsoft.Network/azureFirewalls``) with their IP configurations and classic rule
collections (NAT, network, application), stored as the ARM document az prints.

Rules [https://learn.microsoft.com/azure/firewall/firewall-faq; https://learn.microsoft.com/azure/firewall/
rule-processing; azure-cli-extensions src/azure-firewall]: the IP configuration's subnet is the VNet's
``AzureFirewallSubnet``, at least a /26; the firewall's private IP is the subnet's first usable address; its
public IP is a Standard public IP no one else uses; collection priorities are 100–65000; a new collection needs a
priority and an action. Rule evaluation is ``aksnet.engine.firewall``'s job, not this module's.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Sequence
from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.model.ids import same_name
from aksnet.rules.azure_firewall import (
    COLLECTION_PRIORITY_RANGE,
    FIREWALL_SUBNET_MIN_PREFIX,
    FIREWALL_SUBNET_NAME,
)
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network import firewall_policy as policy_mod
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import (
    KIND_PUBLIC_IP,
    NETWORK,
    base_doc,
    child_doc,
    get_resource,
    network_id,
    ref,
    referenced_not_found,
    resolve_location,
    touch,
    validate_name,
)

TYPE_FIREWALL = f"{NETWORK}/azureFirewalls"
KIND_FIREWALL = TYPE_FIREWALL.lower()
TYPE_IP_CONFIG = f"{TYPE_FIREWALL}/azureFirewallIpConfigurations"
COLLECTIONS = {  # az's rule kind → (ARM collection field, ARM child type)
    "network": ("networkRuleCollections", f"{TYPE_FIREWALL}/networkRuleCollections"),
    "application": ("applicationRuleCollections", f"{TYPE_FIREWALL}/applicationRuleCollections"),
    "nat": ("natRuleCollections", f"{TYPE_FIREWALL}/natRuleCollections"),
}
DNS_PROXY_KEY = "Network.DNS.EnableProxy"


def firewall_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "azureFirewalls", name)


def get_firewall(tx: Transaction, fw_id: str) -> Doc:
    return get_resource(tx, KIND_FIREWALL, fw_id, TYPE_FIREWALL)


def list_firewalls(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_FIREWALL)
    get_group(tx, resource_group)
    return tx.list(KIND_FIREWALL, "", firewall_id(resource_group, ""))


def create_firewall(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
                    sku: str, tier: str, threat_intel_mode: str, dns_proxy: bool | None = None,
                    private_ranges: Sequence[str] | None = None, tags: dict[str, str] | None = None,
                    zones: Sequence[str] | None = None, policy: str | None = None) -> Doc:
    """``az network firewall create``: a firewall with no IP configuration and no rules yet (an existing one
    keeps its IP configurations and rules and takes the new settings, as ARM's PUT through az does); with
    ``policy`` its rules and DNS/threat-intelligence settings come from that Firewall Policy."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = firewall_id(resource_group, name)
    doc = tx.get(KIND_FIREWALL, rid)
    if doc is None:
        doc = base_doc(tx, rid, TYPE_FIREWALL, location, tags)
        doc["properties"].pop("resourceGuid", None)
        doc["properties"].update({"ipConfigurations": [], "networkRuleCollections": [],
                                  "applicationRuleCollections": [], "natRuleCollections": []})
    props = doc["properties"]
    props["sku"] = {"name": sku, "tier": tier}
    props["threatIntelMode"] = threat_intel_mode
    extra: dict[str, str] = dict(props.get("additionalProperties") or {})
    if dns_proxy is not None:
        extra[DNS_PROXY_KEY] = "true" if dns_proxy else "false"
    if private_ranges:
        extra["Network.SNAT.PrivateRanges"] = ", ".join(private_ranges)
    props["additionalProperties"] = extra
    if zones:
        doc["zones"] = list(zones)
    if policy is not None:
        if any(props.get(f) for f, _ in COLLECTIONS.values()):
            raise _classic_and_policy(rid)
        props["firewallPolicy"] = ref(policy_mod.attach_firewall(tx, policy, rid)["id"])
    touch(tx, doc)
    tx.put(KIND_FIREWALL, rid, doc)
    return doc


def _classic_and_policy(fw_id: str) -> AzureError:
    """A firewall takes its rules either from classic rule collections or from a Firewall Policy, never both.
    https://learn.microsoft.com/azure/firewall/policy-rule-sets (ours: ARM's code is not public)"""
    return AzureError("AzureFirewallPolicyAndClassicRulesConflict",
                      f"Azure Firewall {fw_id} is associated with a Firewall Policy; its rules are managed in the "
                      "policy (az network firewall policy rule-collection-group …), not as classic rule collections.")


def delete_firewall(tx: Transaction, fw_id: str) -> bool:
    """``az network firewall delete``: frees its subnet address and public IPs. Missing → not an error (204)."""
    doc = tx.get(KIND_FIREWALL, fw_id)
    if doc is None:
        return False
    for cfg in doc["properties"].get("ipConfigurations", []):
        _release_config(tx, cfg)
    if doc["properties"].get("firewallPolicy"):
        policy_mod.detach_firewall(tx, doc["properties"]["firewallPolicy"]["id"], doc["id"])
    tx.delete(KIND_FIREWALL, doc["id"])
    return True


def _release_config(tx: Transaction, cfg: Doc) -> None:
    cp = cfg["properties"]
    if cp.get("subnet"):
        subnet_ipam.release(tx, cp["subnet"]["id"], cfg["id"])
        subnet_mod.remove_ip_configuration(tx, cp["subnet"]["id"], cfg["id"], prefix=False)
    pip = cp.get("publicIPAddress")
    if pip and tx.get(KIND_PUBLIC_IP, pip["id"]) is not None:
        pip_mod.attach_public_ip(tx, pip["id"], "ipConfiguration", None)


def _firewall_subnet(tx: Transaction, subnet_id: str, config_id: str) -> Doc:
    """The ``AzureFirewallSubnet`` of the VNet, at least a /26."""
    try:
        subnet = subnet_mod.get_subnet(tx, subnet_id)
    except AzureError:
        raise referenced_not_found(subnet_id, config_id) from None
    if subnet["name"] != FIREWALL_SUBNET_NAME:
        raise AzureError(
            "AzureFirewallSubnetNameInvalid",
            f"Subnet {subnet_id} referenced by {config_id} must be named {FIREWALL_SUBNET_NAME}.",
        )
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    if ipaddress.ip_network(prefix).prefixlen > FIREWALL_SUBNET_MIN_PREFIX:
        raise AzureError(
            "AzureFirewallSubnetPrefixTooSmall",
            f"Subnet '{FIREWALL_SUBNET_NAME}' with address prefix {prefix} is too small for Azure Firewall "
            f"{config_id.split('/azureFirewallIpConfigurations/')[0]}: the minimum size is "
            f"/{FIREWALL_SUBNET_MIN_PREFIX}.",
        )
    return subnet


def create_ip_configuration(tx: Transaction, fw_id: str, name: str, *, public_ip_id: str | None,
                            vnet_id: str | None) -> Doc:
    """``az network firewall ip-config create``: the first configuration takes the VNet's AzureFirewallSubnet
    (its first usable address becomes the firewall's private IP); more configurations add public IPs only
    (one subnet reference per firewall, as ARM requires)."""
    doc = get_firewall(tx, fw_id)
    validate_name(name)
    cid = f"{doc['id']}/azureFirewallIpConfigurations/{name}"
    configs: list[Doc] = doc["properties"].setdefault("ipConfigurations", [])
    if any(same_name(c["name"], name) for c in configs):
        _release_config(tx, next(c for c in configs if same_name(c["name"], name)))
        configs[:] = [c for c in configs if not same_name(c["name"], name)]
    props: dict[str, Any] = {}
    if vnet_id is not None:
        if any(c["properties"].get("subnet") for c in configs):
            raise AzureError(
                "AzureFirewallCannotHaveMultipleSubnetReferences",
                f"Azure Firewall {doc['id']} cannot have more than one subnet reference, please ensure only one "
                "IpConfiguration contains a subnet reference",
            )
        sid = f"{vnet_id}/subnets/{FIREWALL_SUBNET_NAME}"
        subnet = _firewall_subnet(tx, sid, cid)
        ip = subnet_ipam.allocate(tx, subnet["id"], subnet_mod.subnet_ipv4_prefix(subnet), cid)[0]
        props.update({"privateIPAddress": ip, "privateIPAllocationMethod": "Dynamic", "subnet": ref(subnet["id"])})
        subnet_mod.add_ip_configuration(tx, subnet["id"], [cid])
    elif not configs:
        raise AzCliError("RequiredArgumentMissingError",
                         "usage error: --vnet-name is required for the first IP configuration of a firewall", 2)
    if public_ip_id:
        if tx.get(KIND_PUBLIC_IP, public_ip_id) is None:
            raise referenced_not_found(public_ip_id, cid)
        pip = pip_mod.get_public_ip(tx, public_ip_id)
        pip_mod.attach_public_ip(tx, pip["id"], "ipConfiguration", cid)
        props["publicIPAddress"] = ref(pip["id"])
    cfg = child_doc(tx, cid, TYPE_IP_CONFIG, props)
    configs.append(cfg)
    touch(tx, doc)
    tx.put(KIND_FIREWALL, doc["id"], doc)
    return copy.deepcopy(cfg)


def upsert_rule(tx: Transaction, fw_id: str, kind: str, collection: str, rule: dict[str, Any],
                priority: int | None, action: str | None) -> Doc:
    """``az network firewall network-rule|application-rule|nat-rule create``: add (or replace, by name) a rule
    in ``collection``; a new collection needs ``--priority`` and ``--action`` (azure-firewall's usage error)."""
    doc = get_firewall(tx, fw_id)
    if doc["properties"].get("firewallPolicy"):
        raise _classic_and_policy(doc["id"])
    field, child_type = COLLECTIONS[kind]
    validate_name(collection)
    validate_name(str(rule["name"]))
    colls: list[Doc] = doc["properties"].setdefault(field, [])
    coll = next((c for c in colls if same_name(c["name"], collection)), None)
    if coll is None:
        if priority is None or action is None:
            # the extension warns "Rule collection 'NAME' does not exist and needs to be created." first
            # (azure-cli-extensions issues #741, #6483 quote both lines)
            raise AzCliError("CLIError", "usage error: --collection-name EXISTING_NAME | --collection-name NEW_NAME "
                                         "--priority INT --action ACTION")
        lo, hi = COLLECTION_PRIORITY_RANGE
        cid = f"{doc['id']}/{field}/{collection}"
        if not lo <= priority <= hi:
            raise AzureError(
                "AzureFirewallRuleCollectionInvalidPriority",
                f"Rule collection {cid} has invalid priority {priority}. The priority must be between {lo} and {hi}.",
            )
        clash = next((c for c in colls if c["properties"]["priority"] == priority), None)
        if clash is not None:
            raise AzureError(
                "AzureFirewallRuleCollectionDuplicatePriority",
                f"Rule collection {cid} has the same priority {priority} as rule collection {clash['id']}.",
            )
        coll = child_doc(tx, cid, child_type, {"priority": priority, "action": {"type": action}, "rules": []})
        colls.append(coll)
    rules: list[dict[str, Any]] = coll["properties"]["rules"]
    rules[:] = [r for r in rules if not same_name(str(r["name"]), str(rule["name"]))] + [rule]
    touch(tx, doc)
    tx.put(KIND_FIREWALL, doc["id"], doc)
    return copy.deepcopy(coll)
