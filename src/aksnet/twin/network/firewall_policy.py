"""Azure Firewall Policies (``Microsoft.Network/firewallPolicies``) and their rule collection groups
(``…/ruleCollectionGroups``), stored as the ARM documents az prints.

Rules [https://learn.microsoft.com/azure/firewall/policy-rule-sets; https://learn.microsoft.com/azure/firewall/
rule-processing; azure-cli-extensions src/azure-firewall]: a policy holds rule collection groups (priority
100–65000, unique in the policy); a group holds filter collections (Allow/Deny; network and application rules)
and NAT collections (DNAT; NAT rules), each with a priority 100–65000 unique in its group; a firewall takes its
rules from at most one policy. Evaluation is ``aksnet.engine.firewall``'s job, not this module's.
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import same_id, same_name
from aksnet.rules.azure_firewall import COLLECTION_PRIORITY_RANGE, POLICY_SKU_TIERS
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network.common import (
    NETWORK,
    base_doc,
    child_not_found,
    get_resource,
    network_id,
    ref,
    resolve_location,
    touch,
    validate_name,
)

TYPE_POLICY = f"{NETWORK}/firewallPolicies"
KIND_POLICY = TYPE_POLICY.lower()
TYPE_GROUP = f"{TYPE_POLICY}/ruleCollectionGroups"
KIND_GROUP = TYPE_GROUP.lower()
FILTER_COLLECTION = "FirewallPolicyFilterRuleCollection"
NAT_COLLECTION = "FirewallPolicyNatRuleCollection"


def policy_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "firewallPolicies", name)


def group_id(policy: str, name: str) -> str:
    return f"{policy}/ruleCollectionGroups/{name}"


def get_policy(tx: Transaction, pid: str) -> Doc:
    return get_resource(tx, KIND_POLICY, pid, TYPE_POLICY)


def list_policies(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_POLICY)
    get_group(tx, resource_group)
    return tx.list(KIND_POLICY, "", policy_id(resource_group, ""))


def _check_priority(priority: int, what: str) -> None:
    """Priorities of rule collection groups and rule collections: 100 (first) … 65000.
    https://learn.microsoft.com/azure/firewall/policy-rule-sets"""
    lo, hi = COLLECTION_PRIORITY_RANGE
    if not lo <= priority <= hi:
        raise AzureError("FirewallPolicyRuleCollectionGroupInvalidPriority" if "group" in what.lower()
                         else "FirewallPolicyRuleCollectionInvalidPriority",
                         f"{what} has invalid priority {priority}. The priority must be between {lo} and {hi}.")


def create_policy(tx: Transaction, resource_group: str, name: str, *, location: str | None, tier: str,
                  threat_intel_mode: str, dns_proxy: bool | None, dns_servers: list[str] | None,
                  base_policy: str | None, tags: dict[str, str] | None) -> Doc:
    """``az network firewall policy create`` (an existing policy keeps its groups and takes the new settings)."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    if tier not in POLICY_SKU_TIERS:
        raise AzureError("InvalidRequestFormat", f"Firewall Policy SKU tier '{tier}' is not one of "
                                                 f"{', '.join(POLICY_SKU_TIERS)}.")
    pid = policy_id(resource_group, name)
    doc = tx.get(KIND_POLICY, pid)
    if doc is None:
        doc = base_doc(tx, pid, TYPE_POLICY, location, tags)
        doc["properties"].pop("resourceGuid", None)
        doc["properties"].update({"ruleCollectionGroups": [], "firewalls": [], "childPolicies": []})
    props = doc["properties"]
    props["sku"] = {"tier": tier}
    props["threatIntelMode"] = threat_intel_mode
    if dns_proxy is not None or dns_servers:
        dns = dict(props.get("dnsSettings") or {})
        if dns_proxy is not None:
            dns["enableProxy"] = dns_proxy
        if dns_servers:
            dns["servers"] = list(dns_servers)
        props["dnsSettings"] = dns
    if base_policy:
        parent = get_policy(tx, base_policy)
        props["basePolicy"] = ref(parent["id"])
        children = parent["properties"].setdefault("childPolicies", [])
        if not any(same_id(c["id"], pid) for c in children):
            children.append(ref(pid))
            tx.put(KIND_POLICY, parent["id"], parent)
    touch(tx, doc)
    tx.put(KIND_POLICY, pid, doc)
    return doc


def delete_policy(tx: Transaction, pid: str) -> bool:
    """``az network firewall policy delete``: refused while a firewall uses it (ARM keeps the reference)."""
    doc = tx.get(KIND_POLICY, pid)
    if doc is None:
        return False
    users = [f["id"] for f in doc["properties"].get("firewalls") or ()]
    if users:
        raise AzureError("FirewallPolicyInUse", f"Firewall Policy {doc['id']} cannot be deleted because it is "
                                                f"associated with Azure Firewall {users[0]}.")
    for g in list_groups(tx, doc["id"]):
        tx.delete(KIND_GROUP, g["id"])
    tx.delete(KIND_POLICY, doc["id"])
    return True


def attach_firewall(tx: Transaction, pid: str, firewall: str) -> Doc:
    """A firewall created with ``--firewall-policy``: the policy lists it under ``firewalls``."""
    doc = get_policy(tx, pid)
    users = doc["properties"].setdefault("firewalls", [])
    if not any(same_id(f["id"], firewall) for f in users):
        users.append(ref(firewall))
        tx.put(KIND_POLICY, doc["id"], doc)
    return doc


def detach_firewall(tx: Transaction, pid: str, firewall: str) -> None:
    doc = tx.get(KIND_POLICY, pid)
    if doc is not None:
        doc["properties"]["firewalls"] = [f for f in doc["properties"].get("firewalls") or ()
                                          if not same_id(f["id"], firewall)]
        tx.put(KIND_POLICY, doc["id"], doc)


def list_groups(tx: Transaction, pid: str) -> list[Doc]:
    return tx.list(KIND_GROUP, "", f"{pid}/ruleCollectionGroups/")


def get_rule_group(tx: Transaction, gid: str) -> Doc:
    doc = tx.get(KIND_GROUP, gid)
    if doc is None:
        raise child_not_found(gid)
    return doc


def create_group(tx: Transaction, pid: str, name: str, priority: int) -> Doc:
    """``az network firewall policy rule-collection-group create`` (an existing group takes the new priority and
    keeps its collections)."""
    policy = get_policy(tx, pid)
    validate_name(name)
    gid = group_id(policy["id"], name)
    _check_priority(priority, f"Rule collection group {gid}")
    clash = next((g for g in list_groups(tx, policy["id"])
                  if g["properties"]["priority"] == priority and not same_id(g["id"], gid)), None)
    if clash is not None:
        raise AzureError("FirewallPolicyRuleCollectionGroupDuplicatePriority",
                         f"Rule collection group {gid} has the same priority {priority} as rule collection group "
                         f"{clash['id']}.")
    doc = tx.get(KIND_GROUP, gid)
    if doc is None:
        doc = {"id": gid, "name": name, "type": TYPE_GROUP, "etag": "",
               "properties": {"provisioningState": "Succeeded", "priority": priority, "ruleCollections": []}}
        groups = policy["properties"].setdefault("ruleCollectionGroups", [])
        groups.append(ref(gid))
        touch(tx, policy)
        tx.put(KIND_POLICY, policy["id"], policy)
    doc["properties"]["priority"] = priority
    touch(tx, doc)
    tx.put(KIND_GROUP, gid, doc)
    return doc


def delete_group(tx: Transaction, gid: str) -> bool:
    doc = tx.get(KIND_GROUP, gid)
    if doc is None:
        return False
    pid = doc["id"].rsplit("/ruleCollectionGroups/", 1)[0]
    policy = tx.get(KIND_POLICY, pid)
    if policy is not None:
        policy["properties"]["ruleCollectionGroups"] = [
            g for g in policy["properties"].get("ruleCollectionGroups") or () if not same_id(g["id"], gid)]
        touch(tx, policy)
        tx.put(KIND_POLICY, policy["id"], policy)
    tx.delete(KIND_GROUP, doc["id"])
    return True


def add_collection(tx: Transaction, gid: str, collection: dict[str, Any]) -> Doc:
    """``… rule-collection-group collection add-filter-collection|add-nat-collection``: append a collection (its
    name and priority unique in the group) and return the group, as az prints it."""
    doc = get_rule_group(tx, gid)
    name, priority = str(collection["name"]), int(collection["priority"])
    validate_name(name)
    where = f"Rule collection {name} of rule collection group {doc['id']}"
    _check_priority(priority, where)
    colls: list[dict[str, Any]] = doc["properties"].setdefault("ruleCollections", [])
    if any(same_name(str(c["name"]), name) for c in colls):
        raise AzureError("FirewallPolicyRuleCollectionDuplicateName",
                         f"{where}: a rule collection with this name already exists in the group.")
    clash = next((c for c in colls if int(c["priority"]) == priority), None)
    if clash is not None:
        raise AzureError("FirewallPolicyRuleCollectionDuplicatePriority",
                         f"{where} has the same priority {priority} as rule collection {clash['name']}.")
    for rule in collection.get("rules") or ():
        validate_name(str(rule["name"]))
    colls.append(copy.deepcopy(collection))
    touch(tx, doc)
    tx.put(KIND_GROUP, doc["id"], doc)
    return copy.deepcopy(doc)
