"""User-assigned managed identities (``Microsoft.ManagedIdentity/userAssignedIdentities``) and Azure role
assignments (``Microsoft.Authorization/roleAssignments``), as ``az identity`` and ``az role assignment`` create
and show them.

AKS networking meets them where a cluster uses its own identity (``az aks create --assign-identity``) on
resources the user brought (a BYO subnet, kubenet's route table, a private DNS zone): the how-to articles grant
``Network Contributor`` on those first (learn.microsoft.com/azure/aks/configure-kubenet,
learn.microsoft.com/azure/aks/use-managed-identity). aksnet stores the identities and assignments with their
GUIDs, checks that the role and the scope exist, and does not evaluate permissions. Must not print.
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzCliError, ResourceNotFound
from aksnet.model.account import SUBSCRIPTION_ID, TENANT_ID
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin.arm import deterministic_uuid, get_group, group_location

Doc = dict[str, Any]

TYPE_IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
KIND_IDENTITY = TYPE_IDENTITY.lower()
TYPE_ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"
KIND_ROLE_ASSIGNMENT = TYPE_ROLE_ASSIGNMENT.lower()

# Built-in role definition GUIDs (learn.microsoft.com/azure/role-based-access-control/built-in-roles)
BUILTIN_ROLES = {
    "Owner": "8e3af657-a8ff-443d-a75f-2fe8c4bcd635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3b09-4b3e-8b89-9d3b02a7c5d6",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
    "Private DNS Zone Contributor": "b12aa53e-6015-4669-85d0-8515ebb3ae7f",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    # the ALB Controller's role (quickstart-deploy-application-gateway-for-containers-alb-controller-helm)
    "AppGw for Containers Configuration Manager": "fbc52c3f-28ad-4303-a892-8a056630b8f1",
}


def identity_id(resource_group: str, name: str) -> str:
    return (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{resource_group}/providers/{TYPE_IDENTITY}/{name}")


def create_identity(tx: Transaction, resource_group: str, name: str, location: str | None = None,
                    tags: dict[str, str] | None = None) -> Doc:
    """``az identity create``: an existing identity is returned unchanged (ARM PUT of the same name)."""
    get_group(tx, resource_group)
    rid = identity_id(resource_group, name)
    existing = tx.get(KIND_IDENTITY, rid)
    if existing is not None:
        return existing
    doc: Doc = {"id": rid, "name": name, "type": TYPE_IDENTITY,
                "location": location or group_location(tx, resource_group), "tags": tags or {},
                "properties": {"clientId": deterministic_uuid("client", id_key(rid)),
                               "principalId": deterministic_uuid("principal", id_key(rid)), "tenantId": TENANT_ID}}
    tx.put(KIND_IDENTITY, rid, doc)
    return doc


def get_identity(tx: Transaction, rid: str) -> Doc:
    doc = tx.get(KIND_IDENTITY, rid)
    if doc is None:
        parts = rid.split("/")
        group = parts[4] if len(parts) > 4 else ""
        raise ResourceNotFound(f"The Resource '{TYPE_IDENTITY}/{parts[-1]}' under resource group '{group}' was not "
                               "found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    return doc


def role_definition_id(role: str) -> str:
    """A built-in role by name (case-insensitive) or GUID; az's ``Role '…' doesn't exist.`` otherwise."""
    for name, guid in BUILTIN_ROLES.items():
        if role.lower() in (name.lower(), guid):
            return f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    raise AzCliError("ResourceNotFoundError", f"Role '{role}' doesn't exist.")


def create_role_assignment(tx: Transaction, assignee: str, role: str, scope: str) -> Doc:
    """``az role assignment create --assignee --role --scope``: stored under the scope; the same assignee, role
    and scope twice is ARM's ``RoleAssignmentExists``."""
    definition = role_definition_id(role)
    if not assignee:
        raise AzCliError("RequiredArgumentMissingError", "Cannot find user or service principal in graph database "
                                                         "for ''.")
    guid = deterministic_uuid("role-assignment", id_key(scope), definition, assignee.lower())
    rid = f"{scope}/providers/{TYPE_ROLE_ASSIGNMENT}/{guid}"
    if tx.get(KIND_ROLE_ASSIGNMENT, rid) is not None:
        raise _exists()
    doc: Doc = {"id": rid, "name": guid, "type": TYPE_ROLE_ASSIGNMENT,
                "properties": {"principalId": assignee, "principalType": "ServicePrincipal",
                               "roleDefinitionId": definition, "scope": scope, "condition": None,
                               "conditionVersion": None, "description": None}}
    tx.put(KIND_ROLE_ASSIGNMENT, rid, doc)
    return doc


def _exists() -> Exception:
    from aksnet.errors import AzureError

    return AzureError("RoleAssignmentExists", "The role assignment already exists.")


def list_role_assignments(tx: Transaction, scope: str | None = None, assignee: str | None = None) -> list[Doc]:
    docs = tx.list(KIND_ROLE_ASSIGNMENT)
    return [d for d in docs
            if (scope is None or same_id(d["properties"]["scope"], scope))
            and (assignee is None or d["properties"]["principalId"].lower() == assignee.lower())]
