"""``az network nsg create|show|list|delete`` and ``az network nsg rule create|show|list|update|delete``."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, nsg_rule_table, one_or_many, require
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.twin import network as net

_MOD = "aksnet.cli.az.cmd_network_nsg#{}"


def nsg_create(resource_group_name: str, name: str, location: str | None = None,
               tags: list[str] | None = None) -> Any:
    """Create a network security group."""
    with command_transaction() as tx:
        return {"NewNSG": az_view(net.create_nsg(tx, resource_group_name, name, location=location,
                                                 tags=parse_tags(tags)))}


def nsg_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get information about a network security group."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [net.nsg_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(net.get_nsg(tx, t)) for t in targets], ids)


def nsg_list(resource_group_name: str | None = None) -> Any:
    """List network security groups."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_nsgs(tx, resource_group_name))


def nsg_delete(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> None:
    """Delete a network security group."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.nsg_id(str(resource_group_name), str(name))]:
            net.delete_nsg(tx, t)


def _priority(value: str | int | None) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise AzCliError("InvalidArgumentValueError", f"argument --priority: invalid int value: '{value}'", 2) from None


def rule_create(resource_group_name: str, nsg_name: str, name: str, priority: str,
                access: str = "Allow", direction: str = "Inbound", protocol: str = "*",
                source_address_prefixes: list[str] | None = None, source_port_ranges: list[str] | None = None,
                destination_address_prefixes: list[str] | None = None,
                destination_port_ranges: list[str] | None = None, description: str | None = None) -> Any:
    """Create a network security group rule."""
    with command_transaction() as tx:
        rule = net.upsert_security_rule(
            tx, net.nsg_id(resource_group_name, nsg_name), name, priority=_priority(priority), direction=direction,
            access=access, protocol=protocol, source_address_prefixes=source_address_prefixes or ["*"],
            source_port_ranges=source_port_ranges or ["*"],
            destination_address_prefixes=destination_address_prefixes or ["*"],
            destination_port_ranges=destination_port_ranges or ["80"], description=description)
        return az_view(rule)


def rule_update(resource_group_name: str, nsg_name: str, name: str, priority: str | None = None,
                access: str | None = None, direction: str | None = None, protocol: str | None = None,
                source_address_prefixes: list[str] | None = None, source_port_ranges: list[str] | None = None,
                destination_address_prefixes: list[str] | None = None,
                destination_port_ranges: list[str] | None = None, description: str | None = None) -> Any:
    """Update a network security group rule."""
    with command_transaction() as tx:
        nid = net.nsg_id(resource_group_name, nsg_name)
        cur = az_view(net.get_security_rule(tx, nid, name))

        def pick(given: list[str] | None, single: str, plural: str) -> list[str]:
            if given is not None:
                return [g for g in given if g] or ["*"]
            return [cur[single]] if cur.get(single) else list(cur.get(plural) or ["*"])

        rule = net.upsert_security_rule(
            tx, nid, name, priority=_priority(priority) if priority is not None else int(cur["priority"]),
            direction=direction or cur["direction"], access=access or cur["access"],
            protocol=protocol or cur["protocol"],
            source_address_prefixes=pick(source_address_prefixes, "sourceAddressPrefix", "sourceAddressPrefixes"),
            source_port_ranges=pick(source_port_ranges, "sourcePortRange", "sourcePortRanges"),
            destination_address_prefixes=pick(destination_address_prefixes, "destinationAddressPrefix",
                                              "destinationAddressPrefixes"),
            destination_port_ranges=pick(destination_port_ranges, "destinationPortRange", "destinationPortRanges"),
            description=description if description is not None else cur.get("description"))
        return az_view(rule)


def rule_show(resource_group_name: str | None = None, nsg_name: str | None = None, name: str | None = None,
              ids: list[str] | None = None) -> Any:
    """Get the details of a network security group rule."""
    require(ids, resource_group_name=resource_group_name, nsg_name=nsg_name, name=name)
    with command_transaction(write=False) as tx:
        out = []
        if ids:
            for t in ids_of(ids):
                nid, _, rname = t.rpartition("/securityRules/")
                out.append(az_view(net.get_security_rule(tx, nid, rname)))
        else:
            out.append(az_view(net.get_security_rule(tx, net.nsg_id(str(resource_group_name), str(nsg_name)),
                                                     str(name))))
        return one_or_many(out, ids)


def rule_list(resource_group_name: str, nsg_name: str, include_default: bool = False) -> Any:
    """List all rules in a network security group."""
    with command_transaction(write=False) as tx:
        props = net.get_nsg(tx, net.nsg_id(resource_group_name, nsg_name))["properties"]
        rules = list(props.get("securityRules", []))
        if include_default:
            rules += props.get("defaultSecurityRules", [])
        return az_view(rules)


def rule_delete(resource_group_name: str, nsg_name: str, name: str) -> None:
    """Delete a network security group rule."""
    with command_transaction() as tx:
        net.delete_security_rule(tx, net.nsg_id(resource_group_name, nsg_name), name)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network nsg", _MOD) as g:
        g.command("create", "nsg_create")
        g.command("show", "nsg_show")
        g.command("list", "nsg_list")
        g.command("delete", "nsg_delete")
    with CommandGroup(loader, "network nsg rule", _MOD) as g:
        g.command("create", "rule_create", table_transformer=nsg_rule_table)
        g.command("show", "rule_show", table_transformer=nsg_rule_table)
        g.command("list", "rule_list", table_transformer=nsg_rule_table)
        g.command("update", "rule_update", table_transformer=nsg_rule_table)
        g.command("delete", "rule_delete")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network nsg") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the network security group.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
    with ArgumentsContext(loader, "network nsg rule") as c:
        c.argument("nsg_name", options_list=["--nsg-name"], help="Name of the network security group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the network security group rule.")
        c.argument("priority", options_list=["--priority"],
                   help="Rule priority, between 100 (highest priority) and 4096 (lowest priority).")
        c.argument("access", options_list=["--access"], **enum_arg(["Allow", "Deny"]),
                   help="Allow or deny access.")
        c.argument("direction", options_list=["--direction"], **enum_arg(["Inbound", "Outbound"]),
                   help="Direction of traffic to match.")
        protocols = ["*", "Ah", "Esp", "Icmp", "Tcp", "Udp"]
        c.argument("protocol", options_list=["--protocol"], **enum_arg(protocols),
                   help="Network protocol this rule applies to.")
        c.argument("source_address_prefixes", options_list=["--source-address-prefixes"], nargs="+",
                   help="Space-separated list of CIDR prefixes or IP ranges, or a service tag. Default: *.")
        c.argument("source_port_ranges", options_list=["--source-port-ranges"], nargs="+",
                   help="Space-separated list of ports or port ranges between 0-65535. Default: *.")
        c.argument("destination_address_prefixes", options_list=["--destination-address-prefixes"], nargs="+",
                   help="Space-separated list of CIDR prefixes or IP ranges, or a service tag. Default: *.")
        c.argument("destination_port_ranges", options_list=["--destination-port-ranges"], nargs="+",
                   help="Space-separated list of ports or port ranges between 0-65535. Default: 80.")
        c.argument("description", options_list=["--description"], help="Rule description.")
        c.argument("include_default", options_list=["--include-default"], action="store_true",
                   help="Include default security rules in the output.")

