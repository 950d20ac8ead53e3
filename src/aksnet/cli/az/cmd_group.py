"""``az group create|show|list|delete|exists``."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.params import parse_tags
from aksnet.cli.common import command_transaction
from aksnet.twin import resources

_MOD = "aksnet.cli.az.cmd_group#{}"


def group_create(resource_group_name: str, location: str, tags: list[str] | None = None,
                 managed_by: str | None = None) -> dict[str, Any]:
    """Create a new resource group."""
    with command_transaction() as tx:
        return resources.create_group(tx, resource_group_name, location, parse_tags(tags), managed_by)


def group_show(resource_group_name: str) -> dict[str, Any]:
    """Gets a resource group."""
    with command_transaction(write=False) as tx:
        return resources.show_group(tx, resource_group_name)


def group_list(tag: str | None = None) -> list[dict[str, Any]]:
    """List resource groups."""
    with command_transaction(write=False) as tx:
        groups = resources.list_groups(tx)
    if tag:
        k, _, v = tag.partition("=")
        groups = [g for g in groups if k in (g.get("tags") or {}) and (not v or g["tags"][k] == v)]
    return groups


def group_exists(resource_group_name: str) -> bool:
    """Check if a resource group exists."""
    with command_transaction(write=False) as tx:
        return resources.group_exists(tx, resource_group_name)


def _table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "Location": r["location"], "Status": r["properties"]["provisioningState"]}
            for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "group", _MOD) as g:
        g.command("create", "group_create")
        g.command("show", "group_show", table_transformer=_table)
        g.command("list", "group_list", table_transformer=_table)
        g.command("exists", "group_exists")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "group") as c:
        c.argument("resource_group_name", options_list=["--name", "-n", "--resource-group", "-g"],
                   help="Name of the resource group.")
        c.argument("location", options_list=["--location", "-l"], help="Location, e.g. eastus.")
        c.argument("tags", nargs="*", help="Space-separated tags: key[=value] [key[=value] ...].")
        c.argument("managed_by", options_list=["--managed-by"], help="ID of the resource that manages this group.")
        c.argument("tag", options_list=["--tag"], help="A single tag in 'key[=value]' format.")
