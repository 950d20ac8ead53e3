"""``az network route-table create|show|list|delete`` and ``az network route-table route create|show|list|
delete``."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, parse_flag, require
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.twin import network as net

_MOD = "aksnet.cli.az.cmd_network_route#{}"
NEXT_HOPS = ["Internet", "None", "VirtualAppliance", "VirtualNetworkGateway", "VnetLocal"]


def rt_create(resource_group_name: str, name: str, location: str | None = None,
              disable_bgp_route_propagation: str | None = None, tags: list[str] | None = None) -> Any:
    """Create a route table."""
    with command_transaction() as tx:
        flag = parse_flag(disable_bgp_route_propagation, "--disable-bgp-route-propagation") or False
        return az_view(net.create_route_table(tx, resource_group_name, name, location=location,
                                              disable_bgp_route_propagation=flag, tags=parse_tags(tags)))


def rt_update(resource_group_name: str, name: str, disable_bgp_route_propagation: str | None = None,
              tags: list[str] | None = None) -> Any:
    """Update a route table."""
    with command_transaction() as tx:
        flag = parse_flag(disable_bgp_route_propagation, "--disable-bgp-route-propagation")
        return az_view(net.update_route_table(tx, net.route_table_id(resource_group_name, name),
                                              disable_bgp_route_propagation=flag, tags=parse_tags(tags)))


def rt_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a route table."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [net.route_table_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(net.get_route_table(tx, t)) for t in targets], ids)


def rt_list(resource_group_name: str | None = None) -> Any:
    """List route tables."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_route_tables(tx, resource_group_name))


def rt_delete(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> None:
    """Delete a route table."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.route_table_id(str(resource_group_name), str(name))]:
            net.delete_route_table(tx, t)


def route_create(resource_group_name: str, route_table_name: str, name: str, address_prefix: str,
                 next_hop_type: str, next_hop_ip_address: str | None = None) -> Any:
    """Create a route in a route table."""
    with command_transaction() as tx:
        return az_view(net.upsert_route(tx, net.route_table_id(resource_group_name, route_table_name), name,
                                        address_prefix, next_hop_type, next_hop_ip_address))


def route_update(resource_group_name: str, route_table_name: str, name: str, address_prefix: str | None = None,
                 next_hop_type: str | None = None, next_hop_ip_address: str | None = None) -> Any:
    """Update a route in a route table."""
    with command_transaction() as tx:
        return az_view(net.update_route(tx, net.route_table_id(resource_group_name, route_table_name), name,
                                        address_prefix=address_prefix, next_hop_type=next_hop_type,
                                        next_hop_ip_address=next_hop_ip_address))


def route_show(resource_group_name: str | None = None, route_table_name: str | None = None, name: str | None = None,
               ids: list[str] | None = None) -> Any:
    """Get the details of a route in a route table."""
    require(ids, resource_group_name=resource_group_name, route_table_name=route_table_name, name=name)
    with command_transaction(write=False) as tx:
        if ids:
            out = []
            for t in ids_of(ids):
                rt, _, rname = t.rpartition("/routes/")
                out.append(az_view(net.get_route(tx, rt, rname)))
            return one_or_many(out, ids)
        return az_view(net.get_route(tx, net.route_table_id(str(resource_group_name), str(route_table_name)),
                                     str(name)))


def route_list(resource_group_name: str, route_table_name: str) -> Any:
    """List routes in a route table."""
    with command_transaction(write=False) as tx:
        doc = net.get_route_table(tx, net.route_table_id(resource_group_name, route_table_name))
        return az_view(doc["properties"].get("routes", []))


def route_delete(resource_group_name: str, route_table_name: str, name: str) -> None:
    """Delete a route from a route table."""
    with command_transaction() as tx:
        net.delete_route(tx, net.route_table_id(resource_group_name, route_table_name), name)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network route-table", _MOD) as g:
        g.command("create", "rt_create")
        g.command("show", "rt_show")
        g.command("list", "rt_list")
        g.command("update", "rt_update")
        g.command("delete", "rt_delete")
    with CommandGroup(loader, "network route-table route", _MOD) as g:
        g.command("create", "route_create")
        g.command("show", "route_show")
        g.command("list", "route_list")
        g.command("update", "route_update")
        g.command("delete", "route_delete")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network route-table") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the route table.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
        c.argument("disable_bgp_route_propagation", options_list=["--disable-bgp-route-propagation"], nargs="?",
                   const="true", help="Disable routes learned by BGP. Allowed values: false, true.")
    with ArgumentsContext(loader, "network route-table route") as c:
        c.argument("route_table_name", options_list=["--route-table-name"], help="Name of the route table.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the route.")
        c.argument("address_prefix", options_list=["--address-prefix"],
                   help="The destination CIDR to which the route applies.")
        c.argument("next_hop_type", options_list=["--next-hop-type"], **enum_arg(NEXT_HOPS),
                   help="The type of Azure hop the packet should be sent to.")
        c.argument("next_hop_ip_address", options_list=["--next-hop-ip-address"],
                   help="The IP address packets should be forwarded to when using the VirtualAppliance hop type.")
