"""``az network private-link-service list|show`` (the Private Link services the cloud provider makes for
annotated Services) and ``az network private-endpoint create`` to one of them, printed as az prints them
(``properties`` flattened, ``resourceGroup`` added)."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, require, resolve_id
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.twin.network import private_link

_MOD = "aksnet.cli.az.cmd_network_pls#{}"


def pls_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a private link service."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [private_link.pls_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(private_link.get_pls(tx, t)) for t in targets], ids)


def pls_list(resource_group_name: str | None = None) -> Any:
    """List private link services."""
    with command_transaction(write=False) as tx:
        return az_view(private_link.list_pls(tx, resource_group_name))


def pe_create(resource_group_name: str, name: str, subnet: str, private_connection_resource_id: str,
              connection_name: str, vnet_name: str | None = None, location: str | None = None,
              group_ids: list[str] | None = None, manual_request: bool = False) -> Any:
    """Create a private endpoint (to a Private Link service: its connection is approved at once unless
    --manual-request)."""
    from aksnet.twin import network

    if "/" not in subnet and not vnet_name:
        raise AzCliError("RequiredArgumentMissingError",
                         "usage error: --subnet ID | --subnet NAME --vnet-name NAME", 2)
    subnet_id = resolve_id(subnet, resource_group_name,
                           lambda rg, n: network.subnet_id(rg, str(vnet_name), n))
    with command_transaction() as tx:
        return az_view(private_link.create_private_endpoint(
            tx, resource_group_name, name, subnet_id, private_connection_resource_id, connection_name,
            location=location, manual=manual_request))


def _pls_table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "ResourceGroup": r.get("resourceGroup"), "Location": r.get("location"),
             "Alias": r.get("alias"), "ProvisioningState": r.get("provisioningState")} for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network private-link-service", _MOD) as g:
        g.command("show", "pls_show", table_transformer=_pls_table)
        g.command("list", "pls_list", table_transformer=_pls_table)
    with CommandGroup(loader, "network private-endpoint", _MOD) as g:
        g.command("create", "pe_create")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network private-link-service") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the private link service.")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
    with ArgumentsContext(loader, "network private-endpoint create") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the private endpoint.")
        c.argument("subnet", help="Name or ID of an existing subnet (with --vnet-name for a name).")
        c.argument("vnet_name", help="The virtual network (VNet) associated with the subnet.")
        c.argument("private_connection_resource_id", help="The resource ID of the private link service.")
        c.argument("connection_name", help="Name of the private link service connection.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the VNet's.")
        c.argument("group_ids", options_list=["--group-ids", "--group-id"], nargs="+",
                   help="Group IDs of the target (none for a private link service).")
        c.argument("manual_request", action="store_true", help="Ask for approval instead of connecting at once.")
