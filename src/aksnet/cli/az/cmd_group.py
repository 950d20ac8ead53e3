"""``az group create|show|list|delete|exists`` (delete cascades: :func:`aksnet.twin.resources.delete_group`)."""

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


def group_delete(resource_group_name: str, yes: bool = False, no_wait: bool = False,
                 force_deletion_types: str | None = None) -> None:
    """Delete a resource group and every resource in it."""
    if not yes:
        _confirm()
    with command_transaction() as tx:
        resources.delete_group(tx, resource_group_name)


def _confirm() -> None:
    import sys

    from aksnet.errors import AzCliError

    if not sys.stdin.isatty():
        raise AzCliError("NoTTYError", "Unable to prompt for confirmation as no tty available. Use --yes.")
    answer = input("Are you sure you want to perform this operation? (y/n): ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AzCliError("ManualInterrupt", "Operation cancelled.")


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
        g.command("delete", "group_delete")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "group") as c:
        c.argument("resource_group_name", options_list=["--name", "-n", "--resource-group", "-g"],
                   help="Name of the resource group.")
        c.argument("location", options_list=["--location", "-l"], help="Location, e.g. eastus.")
        c.argument("tags", nargs="*", help="Space-separated tags: key[=value] [key[=value] ...].")
        c.argument("managed_by", options_list=["--managed-by"], help="ID of the resource that manages this group.")
        c.argument("tag", options_list=["--tag"], help="A single tag in 'key[=value]' format.")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
        c.argument("no_wait", options_list=["--no-wait"], action="store_true",
                   help="Do not wait for the long-running operation to finish.")
        c.argument("force_deletion_types", options_list=["--force-deletion-types", "-f"],
                   help="Resource types to force delete (accepted; deletion is always complete here).")
