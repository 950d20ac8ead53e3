"""``az network vnet create|show|list|update|delete`` and ``az network vnet subnet create|show|list|update|
delete``: parse, call :mod:`aksnet.twin.network`, print az's view."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, require, resolve_id, vnet_table
from aksnet.cli.az.params import parse_tags
from aksnet.cli.common import command_transaction
from aksnet.twin import network as net
from aksnet.twin.network.subnet import UNCHANGED, RefArg

_MOD = "aksnet.cli.az.cmd_network_vnet#{}"


def vnet_create(resource_group_name: str, name: str, address_prefixes: list[str] | None = None,
                location: str | None = None, subnet_name: str | None = None,
                subnet_prefixes: list[str] | None = None, tags: list[str] | None = None,
                dns_servers: list[str] | None = None) -> Any:
    """Create a virtual network."""
    with command_transaction() as tx:
        doc = net.create_vnet(tx, resource_group_name, name, address_prefixes or ["10.0.0.0/16"],
                              location=location, subnet_name=subnet_name, subnet_prefixes=subnet_prefixes,
                              tags=parse_tags(tags), dns_servers=dns_servers)
        return {"newVNet": az_view(doc)}


def vnet_show(resource_group_name: str | None = None, name: str | None = None,
              ids: list[str] | None = None) -> Any:
    """Get the details of a virtual network."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [net.vnet_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(net.get_vnet(tx, t)) for t in targets], ids)


def vnet_list(resource_group_name: str | None = None) -> Any:
    """List virtual networks."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_vnets(tx, resource_group_name))


def vnet_update(resource_group_name: str, name: str, address_prefixes: list[str] | None = None,
                dns_servers: list[str] | None = None, tags: list[str] | None = None) -> Any:
    """Update a virtual network."""
    with command_transaction() as tx:
        dns = None if dns_servers is None else [d for d in dns_servers if d]
        doc = net.update_vnet(tx, net.vnet_id(resource_group_name, name), address_prefixes=address_prefixes,
                              dns_servers=dns, tags=parse_tags(tags))
        return az_view(doc)


def vnet_delete(resource_group_name: str | None = None, name: str | None = None,
                ids: list[str] | None = None) -> None:
    """Delete a virtual network."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.vnet_id(str(resource_group_name), str(name))]:
            net.delete_vnet(tx, t)


def _ref(value: str | None, rg: str, builder: Any) -> RefArg:
    """NAME|ID; ``null`` (az's AAZ keyword for a nullable argument) or ``""`` detaches; absent leaves it
    unchanged."""
    if value is None:
        return UNCHANGED
    if value in ("", "null"):
        return None
    return resolve_id(value, rg, builder)


def subnet_create(resource_group_name: str, vnet_name: str, name: str, address_prefixes: list[str],
                  network_security_group: str | None = None, route_table: str | None = None,
                  nat_gateway: str | None = None, delegations: list[str] | None = None,
                  private_endpoint_network_policies: str | None = None,
                  private_link_service_network_policies: str | None = None) -> Any:
    """Create a subnet and associate an existing NSG and route table."""
    with command_transaction() as tx:
        rg = resource_group_name
        nsg = _ref(network_security_group or None, rg, net.nsg_id)
        rt = _ref(route_table or None, rg, net.route_table_id)
        nat = _ref(nat_gateway or None, rg, net.nat_gateway_id)
        doc = net.create_subnet(
            tx, net.vnet_id(rg, vnet_name), name, address_prefixes,
            nsg_id=nsg if isinstance(nsg, str) else None, route_table_id=rt if isinstance(rt, str) else None,
            nat_gateway_id=nat if isinstance(nat, str) else None, delegations=delegations,
            private_endpoint_network_policies=private_endpoint_network_policies,
            private_link_service_network_policies=private_link_service_network_policies)
        return az_view(doc)


def subnet_show(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                ids: list[str] | None = None) -> Any:
    """Show details of a subnet."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [net.subnet_id(str(resource_group_name), str(vnet_name), str(name))]
        return one_or_many([az_view(net.get_subnet(tx, t)) for t in targets], ids)


def subnet_list(resource_group_name: str, vnet_name: str) -> Any:
    """List the subnets in a virtual network."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_subnets(tx, net.vnet_id(resource_group_name, vnet_name)))


def subnet_update(resource_group_name: str, vnet_name: str, name: str, address_prefixes: list[str] | None = None,
                  network_security_group: str | None = None, route_table: str | None = None,
                  nat_gateway: str | None = None, delegations: list[str] | None = None,
                  private_endpoint_network_policies: str | None = None,
                  private_link_service_network_policies: str | None = None) -> Any:
    """Update a subnet (``null`` detaches an NSG, route table or NAT gateway)."""
    with command_transaction() as tx:
        rg = resource_group_name
        doc = net.update_subnet(
            tx, net.subnet_id(rg, vnet_name, name), address_prefixes=address_prefixes,
            nsg_id=_ref(network_security_group, rg, net.nsg_id),
            route_table_id=_ref(route_table, rg, net.route_table_id),
            nat_gateway_id=_ref(nat_gateway, rg, net.nat_gateway_id),
            delegations=None if delegations is None else [d for d in delegations if d],
            private_endpoint_network_policies=private_endpoint_network_policies,
            private_link_service_network_policies=private_link_service_network_policies)
        return az_view(doc)


def subnet_delete(resource_group_name: str | None = None, vnet_name: str | None = None, name: str | None = None,
                  ids: list[str] | None = None) -> None:
    """Delete a subnet."""
    require(ids, resource_group_name=resource_group_name, vnet_name=vnet_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.subnet_id(str(resource_group_name), str(vnet_name), str(name))]:
            net.delete_subnet(tx, t)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network vnet", _MOD) as g:
        g.command("create", "vnet_create")
        g.command("show", "vnet_show")
        g.command("list", "vnet_list", table_transformer=vnet_table)
        g.command("update", "vnet_update")
        g.command("delete", "vnet_delete")
    with CommandGroup(loader, "network vnet subnet", _MOD) as g:
        g.command("create", "subnet_create")
        g.command("show", "subnet_show")
        g.command("list", "subnet_list")
        g.command("update", "subnet_update")
        g.command("delete", "subnet_delete")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network vnet") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="The virtual network (VNet) name.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("address_prefixes", options_list=["--address-prefixes", "--address-prefix"], nargs="+",
                   help="Space-separated list of IP address prefixes for the VNet. Default: 10.0.0.0/16.")
        c.argument("subnet_name", options_list=["--subnet-name"],
                   help="Name of a new subnet to create within the VNet.")
        c.argument("subnet_prefixes", options_list=["--subnet-prefixes", "--subnet-prefix"], nargs="+",
                   help="Space-separated list of address prefixes in CIDR format for the new subnet.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("dns_servers", options_list=["--dns-servers"], nargs="*", help="Space-separated DNS servers.")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
    with ArgumentsContext(loader, "network vnet subnet") as c:
        c.argument("vnet_name", options_list=["--vnet-name"], help="The virtual network (VNet) name.")
        c.argument("name", options_list=["--name", "-n"], help="The subnet name.")
        c.argument("address_prefixes", options_list=["--address-prefixes", "--address-prefix"], nargs="+",
                   help="Space-separated list of address prefixes in CIDR format.")
        c.argument("network_security_group", options_list=["--network-security-group", "--nsg"],
                   help='Name or ID of a network security group (NSG); null to detach.')
        c.argument("route_table", options_list=["--route-table"], help='Name or ID of a route table; null to detach.')
        c.argument("nat_gateway", options_list=["--nat-gateway"], help='Name or ID of a NAT gateway; null to detach.')
        c.argument("delegations", options_list=["--delegations"], nargs="*",
                   help="Space-separated list of services to whom the subnet should be delegated.")
        c.argument("private_endpoint_network_policies",
                   options_list=["--private-endpoint-network-policies", "--disable-private-endpoint-network-policies"],
                   help="Disabled | Enabled | NetworkSecurityGroupEnabled | RouteTableEnabled.")
        c.argument("private_link_service_network_policies",
                   options_list=["--private-link-service-network-policies"], help="Disabled | Enabled.")
