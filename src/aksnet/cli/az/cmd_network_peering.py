"""``az network vnet peering create|show|list|update|delete|sync``: parse, call
:mod:`aksnet.twin.network.peering`, print az's flattened view."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, parse_flag, require, resolve_id
from aksnet.cli.common import command_transaction
from aksnet.twin import network as net

_MOD = "aksnet.cli.az.cmd_network_peering#{}"

_FLAGS = {
    "allow_vnet_access": "--allow-vnet-access",
    "allow_forwarded_traffic": "--allow-forwarded-traffic",
    "allow_gateway_transit": "--allow-gateway-transit",
    "use_remote_gateways": "--use-remote-gateways",
}


def _pid(resource_group_name: str | None, vnet_name: str | None, name: str | None) -> str:
    return net.peering_id(net.vnet_id(str(resource_group_name), str(vnet_name)), str(name))


def peering_create(resource_group_name: str, vnet_name: str, name: str, remote_vnet: str,
                   allow_vnet_access: str | None = None, allow_forwarded_traffic: str | None = None,
                   allow_gateway_transit: str | None = None, use_remote_gateways: str | None = None) -> Any:
    """Create a virtual network peering connection.

    To successfully peer two virtual networks this command must be called twice with the values for
    --vnet-name and --remote-vnet reversed."""
    access = parse_flag(allow_vnet_access, _FLAGS["allow_vnet_access"])
    fwd = parse_flag(allow_forwarded_traffic, _FLAGS["allow_forwarded_traffic"])
    transit = parse_flag(allow_gateway_transit, _FLAGS["allow_gateway_transit"])
    remote_gw = parse_flag(use_remote_gateways, _FLAGS["use_remote_gateways"])
    with command_transaction() as tx:
        remote_id = resolve_id(remote_vnet, resource_group_name, net.vnet_id)
        doc = net.create_peering(
            tx, net.vnet_id(resource_group_name, vnet_name), name, remote_id,
            allow_virtual_network_access=bool(access),
            allow_forwarded_traffic=bool(fwd), allow_gateway_transit=bool(transit),
            use_remote_gateways=bool(remote_gw))
        return az_view(doc)


def peering_show(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                 ids: list[str] | None = None) -> Any:
    """Show details of a peering."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [_pid(resource_group_name, vnet_name, name)]
        return one_or_many([az_view(net.get_peering(tx, t)) for t in targets], ids)


def peering_list(resource_group_name: str, vnet_name: str) -> Any:
    """List peerings."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_peerings(tx, net.vnet_id(resource_group_name, vnet_name)))


def peering_update(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                   ids: list[str] | None = None, allow_vnet_access: str | None = None,
                   allow_forwarded_traffic: str | None = None, allow_gateway_transit: str | None = None,
                   use_remote_gateways: str | None = None) -> Any:
    """Update a peering in the specified virtual network."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    flags = {k: parse_flag(v, _FLAGS[k]) for k, v in (
        ("allow_vnet_access", allow_vnet_access), ("allow_forwarded_traffic", allow_forwarded_traffic),
        ("allow_gateway_transit", allow_gateway_transit), ("use_remote_gateways", use_remote_gateways))}
    with command_transaction() as tx:
        out = []
        for t in ids_of(ids) if ids else [_pid(resource_group_name, vnet_name, name)]:
            out.append(az_view(net.update_peering(
                tx, t, allow_virtual_network_access=flags["allow_vnet_access"],
                allow_forwarded_traffic=flags["allow_forwarded_traffic"],
                allow_gateway_transit=flags["allow_gateway_transit"],
                use_remote_gateways=flags["use_remote_gateways"])))
        return one_or_many(out, ids)


def peering_sync(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                 ids: list[str] | None = None) -> Any:
    """Sync a virtual network peering connection (after a peered virtual network's address space changed)."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    with command_transaction() as tx:
        out = [az_view(net.sync_peering(tx, t))
               for t in (ids_of(ids) if ids else [_pid(resource_group_name, vnet_name, name)])]
        return one_or_many(out, ids)


def peering_delete(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                   ids: list[str] | None = None) -> None:
    """Delete a peering."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [_pid(resource_group_name, vnet_name, name)]:
            net.delete_peering(tx, t)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network vnet peering", _MOD) as g:
        g.command("create", "peering_create")
        g.command("show", "peering_show")
        g.command("list", "peering_list")
        g.command("update", "peering_update")
        g.command("sync", "peering_sync")
        g.command("delete", "peering_delete")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network vnet peering") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("vnet_name", options_list=["--vnet-name"], help="The virtual network (VNet) name.")
        c.argument("name", options_list=["--name", "-n"], help="The name of the VNet peering.")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
        c.argument("remote_vnet", options_list=["--remote-vnet", "--remote-vnet-id"],
                   help="Resource ID or name of the remote VNet.")
        c.argument("allow_vnet_access", options_list=["--allow-vnet-access"], nargs="?", const="true",
                   help="Allows access from the local VNet to the remote VNet. Allowed values: false, true. "
                        "Default: false (as az sends it).")
        c.argument("allow_forwarded_traffic", options_list=["--allow-forwarded-traffic"], nargs="?", const="true",
                   help="Allows forwarded traffic from the local VNet to the remote VNet. Allowed values: false, "
                        "true.")
        c.argument("allow_gateway_transit", options_list=["--allow-gateway-transit"], nargs="?", const="true",
                   help="Allows gateway link to be used in the remote VNet. Allowed values: false, true.")
        c.argument("use_remote_gateways", options_list=["--use-remote-gateways"], nargs="?", const="true",
                   help="Allows VNet to use the remote VNet's gateway. Remote VNet gateway must have "
                        "--allow-gateway-transit enabled for remote peering. Allowed values: false, true.")
