"""``az identity create|show|list`` and ``az role assignment create|list``: parse, call :mod:`aksnet.twin.identity`,
print az's view (``properties`` lifted, ``resourceGroup`` added)."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.az.params import parse_tags
from aksnet.cli.common import command_transaction
from aksnet.twin import identity

_MOD = "aksnet.cli.az.cmd_identity#{}"


def identity_create(resource_group_name: str, name: str, location: str | None = None,
                    tags: list[str] | None = None) -> Any:
    """Create a user-assigned managed identity."""
    with command_transaction() as tx:
        return az_view(identity.create_identity(tx, resource_group_name, name, location, parse_tags(tags)))


def identity_show(resource_group_name: str, name: str) -> Any:
    """Show a user-assigned managed identity."""
    with command_transaction(write=False) as tx:
        return az_view(identity.get_identity(tx, identity.identity_id(resource_group_name, name)))


def identity_list(resource_group_name: str | None = None) -> Any:
    """List user-assigned managed identities."""
    with command_transaction(write=False) as tx:
        docs = tx.list(identity.KIND_IDENTITY)
        return az_view([d for d in docs if resource_group_name is None
                        or d["id"].split("/")[4].lower() == resource_group_name.lower()])


def role_assignment_create(assignee: str, role: str, scope: str, assignee_object_id: str | None = None,
                           assignee_principal_type: str | None = None) -> Any:
    """Create a role assignment for a user, group or service principal (a managed identity's principal)."""
    with command_transaction() as tx:
        return az_view(identity.create_role_assignment(tx, assignee_object_id or assignee, role, scope))


def role_assignment_list(scope: str | None = None, assignee: str | None = None) -> Any:
    """List role assignments."""
    with command_transaction(write=False) as tx:
        return az_view(identity.list_role_assignments(tx, scope, assignee))


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "identity", _MOD) as g:
        g.command("create", "identity_create")
        g.command("show", "identity_show")
        g.command("list", "identity_list")
    with CommandGroup(loader, "role assignment", _MOD) as g:
        g.command("create", "role_assignment_create")
        g.command("list", "role_assignment_list")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "identity") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="The name of the identity resource.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
    with ArgumentsContext(loader, "role assignment") as c:
        c.argument("assignee", options_list=["--assignee"], help="Represent a user, group, or service principal.")
        c.argument("assignee_object_id", options_list=["--assignee-object-id"],
                   help="The assignee's object ID (principal ID).")
        c.argument("assignee_principal_type", options_list=["--assignee-principal-type"],
                   help="User, Group or ServicePrincipal.")
        c.argument("role", options_list=["--role"], help="Role name or id.")
        c.argument("scope", options_list=["--scope"], help="Scope at which the role assignment applies.")
