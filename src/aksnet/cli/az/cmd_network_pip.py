"""``az network public-ip create|show|list|delete``, ``az network nat gateway create|show|list|delete`` and the
read-only views ``az network lb show|list``, ``az network nic show|list`` (what AKS and VMs create) and
``az network nic update`` (IP forwarding, NSG)."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, parse_flag, require, resolve_id
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.twin import network as net

_MOD = "aksnet.cli.az.cmd_network_pip#{}"


def pip_create(resource_group_name: str, name: str, location: str | None = None, sku: str = "Standard",
               allocation_method: str | None = None, dns_name: str | None = None, tags: list[str] | None = None,
               zone: list[str] | None = None, idle_timeout: str = "4", version: str = "IPv4") -> Any:
    """Create a public IP address."""
    idle = _int_arg(idle_timeout, "--idle-timeout")
    with command_transaction() as tx:
        doc = net.create_public_ip(tx, resource_group_name, name, location=location, sku=sku,
                                   allocation_method=allocation_method, dns_label=dns_name, tags=parse_tags(tags),
                                   zones=zone, idle_timeout=idle, version=version)
        return {"publicIp": az_view(doc)}


def _show(getter: Any, builder: Any, resource_group_name: str | None, name: str | None,
          ids: list[str] | None) -> Any:
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [builder(str(resource_group_name), str(name))]
        return one_or_many([az_view(getter(tx, t)) for t in targets], ids)


def pip_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a public IP address."""
    return _show(net.get_public_ip, net.public_ip_id, resource_group_name, name, ids)


def pip_list(resource_group_name: str | None = None) -> Any:
    """List public IP addresses."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_public_ips(tx, resource_group_name))


def pip_delete(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> None:
    """Delete a public IP address."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.public_ip_id(str(resource_group_name), str(name))]:
            net.delete_public_ip(tx, t)


def _int_arg(value: str, flag: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise AzCliError("InvalidArgumentValueError", f"argument {flag}: invalid int value: '{value}'", 2) from None


def nat_create(resource_group_name: str, name: str, location: str | None = None,
               public_ip_addresses: list[str] | None = None, idle_timeout: str = "4",
               tags: list[str] | None = None, zone: list[str] | None = None, sku: str = "Standard") -> Any:
    """Create a NAT gateway."""
    try:
        idle = int(idle_timeout)
    except ValueError:
        raise AzCliError("InvalidArgumentValueError", f"argument --idle-timeout: invalid int value: '{idle_timeout}'",
                         2) from None
    with command_transaction() as tx:
        pips = [resolve_id(p, resource_group_name, net.public_ip_id) for p in (public_ip_addresses or []) if p]
        doc = net.create_nat_gateway(tx, resource_group_name, name, location=location, public_ip_ids=pips,
                                     idle_timeout=idle, tags=parse_tags(tags), zones=zone, sku=sku)
        return az_view(doc)


def nat_update(resource_group_name: str, name: str, public_ip_addresses: list[str] | None = None,
               idle_timeout: str | None = None, tags: list[str] | None = None) -> Any:
    """Update a NAT gateway (``--public-ip-addresses`` replaces the list)."""
    idle = None if idle_timeout is None else _int_arg(idle_timeout, "--idle-timeout")
    with command_transaction() as tx:
        pips = None if public_ip_addresses is None else [
            resolve_id(p, resource_group_name, net.public_ip_id) for p in public_ip_addresses if p and p != "null"]
        doc = net.update_nat_gateway(tx, net.nat_gateway_id(resource_group_name, name), idle_timeout=idle,
                                     public_ip_ids=pips, tags=parse_tags(tags))
        return az_view(doc)


def nat_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Show details of a NAT gateway."""
    return _show(net.get_nat_gateway, net.nat_gateway_id, resource_group_name, name, ids)


def nat_list(resource_group_name: str | None = None) -> Any:
    """List NAT gateways."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_nat_gateways(tx, resource_group_name))


def nat_delete(resource_group_name: str | None = None, name: str | None = None,
               ids: list[str] | None = None) -> None:
    """Delete a NAT gateway."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [net.nat_gateway_id(str(resource_group_name), str(name))]:
            net.delete_nat_gateway(tx, t)


def lb_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a load balancer."""
    return _show(net.get_load_balancer, net.load_balancer_id, resource_group_name, name, ids)


def lb_list(resource_group_name: str | None = None) -> Any:
    """List load balancers."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_load_balancers(tx, resource_group_name))


def nic_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a network interface."""
    return _show(net.get_nic, net.nic_id, resource_group_name, name, ids)


def nic_list(resource_group_name: str | None = None) -> Any:
    """List network interfaces."""
    with command_transaction(write=False) as tx:
        return az_view(net.list_nics(tx, resource_group_name))


def nic_update(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None,
               ip_forwarding: str | None = None, network_security_group: str | None = None) -> Any:
    """Update a network interface: IP forwarding (``--ip-forwarding true`` for a virtual appliance) and its NSG
    (a name or ID; ``null`` or ``""`` detaches it)."""
    require(ids, resource_group_name=resource_group_name, name=name)
    forwarding = parse_flag(ip_forwarding, "--ip-forwarding") if ip_forwarding is not None else None
    with command_transaction() as tx:
        out = []
        for t in ids_of(ids) if ids else [net.nic_id(str(resource_group_name), str(name))]:
            doc = net.get_nic(tx, t)
            if network_security_group is not None:
                nsg = resolve_id(network_security_group, resource_group_name or t.split("/")[4], net.nsg_id) \
                    if network_security_group not in ("", "null") else None
                doc = net.set_nic_nsg(tx, t, nsg)
            if forwarding is not None:
                doc = net.set_nic_ip_forwarding(tx, t, forwarding)
            out.append(az_view(doc))
        return one_or_many(out, ids)


def _pip_table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "ResourceGroup": r.get("resourceGroup"), "Location": r.get("location"),
             "Zones": ",".join(r.get("zones") or []) or " ", "Address": r.get("ipAddress"),
             "IdleTimeoutInMinutes": r.get("idleTimeoutInMinutes"), "ProvisioningState": r.get("provisioningState")}
            for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network public-ip", _MOD) as g:
        g.command("create", "pip_create")
        g.command("show", "pip_show", table_transformer=_pip_table)
        g.command("list", "pip_list", table_transformer=_pip_table)
        g.command("delete", "pip_delete")
    with CommandGroup(loader, "network nat gateway", _MOD) as g:
        g.command("create", "nat_create")
        g.command("show", "nat_show")
        g.command("list", "nat_list")
        g.command("update", "nat_update")
        g.command("delete", "nat_delete")
    with CommandGroup(loader, "network lb", _MOD) as g:
        g.command("show", "lb_show")
        g.command("list", "lb_list")
    with CommandGroup(loader, "network nic", _MOD) as g:
        g.command("show", "nic_show")
        g.command("list", "nic_list")
        g.command("update", "nic_update")


def load_arguments(loader: Any, command: str) -> None:
    for scope in ("network public-ip", "network nat gateway", "network lb", "network nic"):
        with ArgumentsContext(loader, scope) as c:
            c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
            c.argument("name", options_list=["--name", "-n"], help="Name of the resource.")
            c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
            c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
            c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
            c.argument("zone", options_list=["--zone", "-z"], nargs="+", help="Availability zone(s).")
            c.argument("idle_timeout", options_list=["--idle-timeout"], help="Idle timeout in minutes.")
    with ArgumentsContext(loader, "network public-ip") as c:
        c.argument("sku", options_list=["--sku"], **enum_arg(["Basic", "Standard", "StandardV2"]),
                   help="Name of a public IP address SKU. Default: Standard.")
        c.argument("allocation_method", options_list=["--allocation-method"], **enum_arg(["Static", "Dynamic"]),
                   help="IP address allocation method.")
        c.argument("dns_name", options_list=["--dns-name"],
                   help="Globally unique DNS entry: <label>.<location>.cloudapp.azure.com.")
        c.argument("version", options_list=["--version"], **enum_arg(["IPv4", "IPv6"]), help="IP address type.")
    with ArgumentsContext(loader, "network nic update") as c:
        c.argument("ip_forwarding", options_list=["--ip-forwarding"], nargs="?", const="true",
                   help="Indicates whether IP forwarding is enabled on this network interface. Allowed values: "
                        "false, true.")
        c.argument("network_security_group", options_list=["--network-security-group"],
                   help="Name or ID of an existing network security group (null to detach).")
    with ArgumentsContext(loader, "network nat gateway create") as c:
        c.argument("sku", options_list=["--sku"], **enum_arg(["Standard", "StandardV2"]),
                   help="Name of Nat Gateway SKU. Default: Standard.")
    with ArgumentsContext(loader, "network nat gateway") as c:
        c.argument("public_ip_addresses", options_list=["--public-ip-addresses"], nargs="+",
                   help="Space-separated list of public IP addresses (names or IDs).")
