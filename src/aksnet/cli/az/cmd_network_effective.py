"""``az network nic show-effective-route-table|list-effective-nsg`` (computed by
:mod:`aksnet.analyses.effective` over the twin snapshot) and ``az network vnet check-ip-address|
list-available-ips`` and ``az network vnet subnet list-available-ips``
(:mod:`aksnet.twin.network.ip_availability`). Works on VM NICs (``-g/-n``) and on AKS
node NICs, whose IDs live below their scale set (``--ids``)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.analyses import effective
from aksnet.cli.az.cmd_network_common import ids_of, one_or_many, require
from aksnet.cli.common import command_transaction
from aksnet.io.twin_snapshot import load_twin_cached as load_twin
from aksnet.twin import network as net
from aksnet.twin.network import ip_availability

_MOD = "aksnet.cli.az.cmd_network_effective#{}"


def _nic_targets(resource_group_name: str | None, name: str | None, ids: list[str] | None) -> list[str]:
    require(ids, resource_group_name=resource_group_name, name=name)
    return ids_of(ids) if ids else [net.nic_id(str(resource_group_name), str(name))]


def show_effective_route_table(resource_group_name: str | None = None, name: str | None = None,
                               ids: list[str] | None = None) -> Any:
    """Show the effective route table applied to a network interface."""
    targets = _nic_targets(resource_group_name, name, ids)
    with command_transaction(write=False) as tx:
        docs = [net.get_nic(tx, t) for t in targets]
        twin = load_twin(tx)
        return one_or_many([effective.effective_route_table(twin, str(d["id"])) for d in docs], ids)


def list_effective_nsg(resource_group_name: str | None = None, name: str | None = None,
                       ids: list[str] | None = None) -> Any:
    """List all effective network security groups applied to a network interface."""
    targets = _nic_targets(resource_group_name, name, ids)
    with command_transaction(write=False) as tx:
        docs = [net.get_nic(tx, t) for t in targets]
        twin = load_twin(tx)
        return one_or_many([effective.effective_nsgs(twin, str(d["id"])) for d in docs], ids)


def check_ip_address(resource_group_name: str, name: str, ip_address: str) -> Any:
    """Check if a private IP address is available for use within a virtual network."""
    with command_transaction(write=False) as tx:
        return ip_availability.check_ip_address(tx, net.vnet_id(resource_group_name, name), ip_address)


def list_available_ips(resource_group_name: str, name: str) -> Any:
    """List some available ips in the vnet."""
    with command_transaction(write=False) as tx:
        return ip_availability.list_available_ips(tx, net.vnet_id(resource_group_name, name))


def subnet_list_available_ips(resource_group_name: str, vnet_name: str, name: str) -> Any:
    """List some available ips in the subnet."""
    with command_transaction(write=False) as tx:
        return ip_availability.list_subnet_available_ips(tx, net.subnet_id(resource_group_name, vnet_name, name))


def _results(result: Any) -> list[dict[str, Any]]:
    return result if isinstance(result, list) else [result]


def route_table_table(result: Any) -> Any:
    """az's ``transform_effective_route_table``."""
    out = []
    for res in _results(result):
        for item in res.get("value", []):
            row: OrderedDict[str, Any] = OrderedDict()
            row["Source"] = item["source"]
            row["State"] = item["state"]
            row["Address Prefix"] = " ".join(item["addressPrefix"] or [])
            row["Next Hop Type"] = item["nextHopType"]
            row["Next Hop IP"] = " ".join(item["nextHopIpAddress"] or [])
            out.append(row)
    return out


def effective_nsg_table(result: Any) -> Any:
    """az's ``transform_effective_nsg``."""
    out = []
    for res in _results(result):
        for item in res.get("value", []):
            assoc = item.get("association") or {}
            nic = (assoc.get("networkInterface") or {}).get("id", "-").split("/")[-1]
            subnet = (assoc.get("subnet") or {}).get("id", "-").split("/")[-1]
            nsg = item["networkSecurityGroup"]["id"].split("/")[-1]
            for rule in item["effectiveSecurityRules"]:
                row: OrderedDict[str, Any] = OrderedDict()
                row["NIC"] = nic
                row["Subnet"] = subnet
                row["NSG"] = nsg
                row["Rule Name"] = rule["name"]
                row["Protocol"] = rule["protocol"]
                row["Direction"] = rule["direction"]
                row["Access"] = rule["access"]
                out.append(row)
    return out


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network nic", _MOD) as g:
        g.command("show-effective-route-table", "show_effective_route_table", table_transformer=route_table_table)
        g.command("list-effective-nsg", "list_effective_nsg", table_transformer=effective_nsg_table)
    with CommandGroup(loader, "network vnet", _MOD) as g:
        g.command("check-ip-address", "check_ip_address")
        g.command("list-available-ips", "list_available_ips")
    with CommandGroup(loader, "network vnet subnet", _MOD) as g:
        g.command("list-available-ips", "subnet_list_available_ips")


def load_arguments(loader: Any, command: str) -> None:
    for scope in ("network nic show-effective-route-table", "network nic list-effective-nsg"):
        with ArgumentsContext(loader, scope) as c:
            c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
            c.argument("name", options_list=["--name", "-n"], help="Name of the network interface (NIC).")
            c.argument("ids", options_list=["--ids"], nargs="+",
                       help="One or more resource IDs (space-delimited), e.g. an AKS node's VMSS NIC.")
    for scope in ("network vnet check-ip-address", "network vnet list-available-ips"):
        with ArgumentsContext(loader, scope) as c:
            c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
            c.argument("name", options_list=["--name", "-n"], help="The virtual network (VNet) name.")
    with ArgumentsContext(loader, "network vnet subnet list-available-ips") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("vnet_name", options_list=["--vnet-name"], help="The virtual network (VNet) name.")
        c.argument("name", options_list=["--name", "-n"], help="The subnet name.")
    with ArgumentsContext(loader, "network vnet check-ip-address") as c:
        c.argument("ip_address", options_list=["--ip-address"], help="The private IP address to be verified.")
