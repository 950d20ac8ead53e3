"""Microsoft.Resources: resource groups (``az group``): create, show, list, exists, and delete with ARM's
cascade (every resource of the group, the groups it manages, the Kubernetes objects of its clusters) and ARM's
refusals (a managed node resource group, a group whose resources are still used from outside). Must not print."""

from __future__ import annotations

import re

from aksnet.errors import AzCliError, AzureError
from aksnet.io.arm_ids import group_id
from aksnet.model.ids import id_key
from aksnet.store import Transaction
from aksnet.twin.arm import KIND_GROUP, Doc, get_group

# ARM: 1-90 chars, alphanumerics, underscores, parentheses, hyphens, periods (not ending in a period).
_RG_NAME = re.compile(r"^[-\w\._\(\)]{1,90}$")


def create_group(tx: Transaction, name: str, location: str, tags: dict[str, str] | None = None,
                 managed_by: str | None = None) -> Doc:
    if not _RG_NAME.match(name) or name.endswith("."):
        raise AzureError(
            "InvalidResourceGroup",
            f"The provided resource group name '{name}' has these invalid characters: "
            "Resource group names only allow alphanumeric characters, periods, underscores, hyphens "
            "and parenthesis and cannot end in a period.",
        )
    existing = tx.get(KIND_GROUP, group_id(name))
    if existing is not None:
        if existing["location"] != normalize_location(location):
            raise AzureError(
                "InvalidResourceGroupLocation",
                f"Invalid resource group location '{normalize_location(location)}'. The Resource group already "
                f"exists in location '{existing['location']}'.",
            )
        if tags is not None:
            existing["tags"] = tags
            tx.put(KIND_GROUP, group_id(name), existing)
        return existing
    doc: Doc = {
        "id": group_id(name),
        "location": normalize_location(location),
        "managedBy": managed_by,
        "name": name,
        "properties": {"provisioningState": "Succeeded"},
        "tags": tags,
        "type": "Microsoft.Resources/resourceGroups",
    }
    tx.put(KIND_GROUP, group_id(name), doc)
    return doc


def normalize_location(location: str) -> str:
    """az accepts ``East US`` and ``eastus``; ARM stores the lower-case name without spaces."""
    return location.replace(" ", "").lower()


def show_group(tx: Transaction, name: str) -> Doc:
    return get_group(tx, name)


def list_groups(tx: Transaction) -> list[Doc]:
    return tx.list(KIND_GROUP)


def group_exists(tx: Transaction, name: str) -> bool:
    return tx.exists(KIND_GROUP, group_id(name))


def require_location(location: str | None) -> str:
    if not location:
        raise AzCliError("RequiredArgumentMissingError", "the following arguments are required: --location/-l", 2)
    return location


# -- deletion ---------------------------------------------------------------------------------------------

def _managing_resource_exists(tx: Transaction, managed_by: str | None) -> bool:
    if not managed_by:
        return False
    from aksnet.io.arm_ids import parse_resource_id

    parsed = parse_resource_id(managed_by)
    return parsed is not None and tx.exists(parsed.type.lower(), managed_by)


def _deny_assignment(group: Doc) -> AzureError:
    """What ARM answers when a managed (AKS node) resource group is deleted directly: the node resource group
    carries a deny assignment for everyone but the AKS resource provider (docs/fidelity.md)."""
    from aksnet.model import account
    from aksnet.twin.arm import deterministic_uuid

    gid = group["id"]
    name = deterministic_uuid("denyassignment", id_key(gid))
    return AzureError(
        "DenyAssignmentAuthorizationFailed",
        f"The client '{account.USER_NAME}' with object id '{deterministic_uuid('user', account.USER_NAME)}' has "
        f"permission to perform action 'Microsoft.Resources/subscriptions/resourceGroups/delete' on scope '{gid}'; "
        f"however, the access is denied because of the deny assignment with name '{name}' and Id '{name}' at scope "
        f"'{gid}'. The resource group is managed by '{group['managedBy']}'; delete that resource instead.",
    )


def _doomed(tx: Transaction, group: Doc) -> list[Doc]:
    """The group and, recursively, the groups managed by a resource inside a doomed group."""
    out = [group]
    i = 0
    while i < len(out):
        prefix = id_key(out[i]["id"]) + "/"
        for g in tx.list(KIND_GROUP):
            if id_key(str(g.get("managedBy") or "")).startswith(prefix) and all(g["id"] != d["id"] for d in out):
                out.append(g)
        i += 1
    return out


def _inside(resource_id: str, prefixes: list[str]) -> bool:
    r = id_key(resource_id)
    return any(r.startswith(p) for p in prefixes)


def _outside_users(tx: Transaction, prefixes: list[str]) -> list[tuple[str, str]]:
    """(user, used) pairs that block the deletion, as ARM's ``InUse…CannotBeDeleted`` would: a subnet outside
    associated with an NSG/route table/NAT gateway inside, or a resource outside holding an address in a subnet
    inside."""
    from aksnet.twin import subnet_ipam
    from aksnet.twin.network.common import KIND_VNET

    out = []
    for vnet in tx.list(KIND_VNET):
        vnet_inside = _inside(vnet["id"], prefixes)
        for s in vnet["properties"].get("subnets", []):
            if vnet_inside:
                owners = sorted(set(subnet_ipam.allocations(tx, s["id"]).values()))
                out += [(o, s["id"]) for o in owners if id_key(o).startswith("/subscriptions/")
                        and not _inside(o, prefixes)]
                continue
            for field in ("networkSecurityGroup", "routeTable", "natGateway"):
                ref = s["properties"].get(field, {}).get("id", "")
                if ref and _inside(ref, prefixes):
                    out.append((s["id"], ref))
    return out


def delete_group(tx: Transaction, name: str, *, allow_managed: bool = False) -> list[str]:
    """``az group delete``: remove the group and every resource in it (any kind, child documents included),
    the Kubernetes objects of clusters deleted with it, and groups managed by a deleted resource (an AKS node
    resource group goes with its cluster). Refused for a group managed by an existing resource unless
    ``allow_managed`` (the AKS resource provider deleting its node group), and while a resource outside the
    doomed groups still uses something inside (``ResourceGroupDeletionBlocked``). Returns the IDs of the
    deleted groups."""
    group = get_group(tx, name)
    if not allow_managed and _managing_resource_exists(tx, group.get("managedBy")):
        raise _deny_assignment(group)
    doomed = _doomed(tx, group)
    prefixes = [id_key(g["id"]) + "/" for g in doomed]
    users = _outside_users(tx, prefixes)
    if users:
        user, used = users[0]
        raise AzureError(
            "ResourceGroupDeletionBlocked",
            f"Deletion of resource group '{group['name']}' failed as resources with identifiers '{used}' could "
            f"not be deleted. The resource {used} is in use by {user}.",
        )
    for g in doomed:
        _cascade(tx, g)
    return [g["id"] for g in doomed]


def _cascade(tx: Transaction, group: Doc) -> None:
    """Delete one group's documents and the references to them held outside it."""
    from aksnet.twin import subnet_ipam
    from aksnet.twin.network import peering as peering_mod
    from aksnet.twin.network import subnet as subnet_mod
    from aksnet.twin.network.common import KIND_NIC, KIND_NSG, KIND_PUBLIC_IP, KIND_VNET, remove_ref

    gid = group["id"]
    prefix = id_key(gid) + "/"
    doomed: list[tuple[str, str]] = []
    for kind in tx.kinds(""):
        if kind == KIND_GROUP:
            continue
        for key, _doc in tx.items(kind, "", ""):
            if key.startswith(prefix) or key == id_key(gid):
                doomed.append((kind, key))
    # Back-references held by resources outside the group, and addresses taken in outside subnets.
    for nic_key, nic in [(k, d) for k, d in tx.items(KIND_NIC) if k.startswith(prefix)]:
        for cfg in nic["properties"].get("ipConfigurations", []):
            sid = cfg["properties"]["subnet"]["id"]
            if not id_key(sid).startswith(prefix):
                subnet_mod.remove_ip_configuration(tx, sid, nic_key)
        nsg_ref = nic["properties"].get("networkSecurityGroup", {}).get("id", "")
        if nsg_ref and not id_key(nsg_ref).startswith(prefix):
            nsg = tx.get(KIND_NSG, nsg_ref)
            if nsg is not None:
                remove_ref(nsg["properties"], "networkInterfaces", nic_key)
                tx.put(KIND_NSG, nsg_ref, nsg)
    for vnet_key, vnet in tx.items(KIND_VNET):
        if vnet_key.startswith(prefix):
            continue
        for s in vnet["properties"].get("subnets", []):
            for cfg_id in [r["id"] for r in s["properties"].get("ipConfigurations", [])]:
                if id_key(cfg_id).startswith(prefix):
                    subnet_mod.remove_ip_configuration(tx, s["id"], cfg_id, prefix=False)
    subnet_ipam.release_prefix(tx, prefix)
    for pip_key, pip in tx.items(KIND_PUBLIC_IP):
        used_by = pip["properties"].get("ipConfiguration", {}).get("id", "")
        if not pip_key.startswith(prefix) and id_key(used_by).startswith(prefix):
            pip["properties"].pop("ipConfiguration", None)
            tx.put(KIND_PUBLIC_IP, pip_key, pip)
    for kind, key in doomed:
        tx.delete(kind, key)
        if kind == "microsoft.containerservice/managedclusters":
            tx.delete_scope(key)
    peering_mod.disconnect_peers_of(tx, prefix)
    tx.delete(KIND_GROUP, gid)
