"""Microsoft.Resources: resource groups (``az group``)."""

from __future__ import annotations

import re

from aksnet.errors import AzCliError, AzureError
from aksnet.io.arm_ids import group_id
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
