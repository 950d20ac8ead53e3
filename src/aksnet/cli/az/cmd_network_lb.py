"""Read-only views of a load balancer's child resources, as az prints them: ``az network lb
frontend-ip|rule|probe|address-pool|outbound-rule list|show --lb-name LB`` (what cloud-provider-azure
and AKS put on the ``kubernetes`` and ``kubernetes-internal`` load balancers of the node resource group)."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.common import command_transaction
from aksnet.twin import network as net

_MOD = "aksnet.cli.az.cmd_network_lb#{}"

# az sub-group → (ARM collection in the load balancer's properties, az's summary of the group).
CHILDREN: dict[str, tuple[str, str]] = {
    "frontend-ip": ("frontendIPConfigurations", "Manage frontend IP addresses of a load balancer."),
    "rule": ("loadBalancingRules", "Manage load balancing rules."),
    "probe": ("probes", "Evaluate probe information and define routing rules."),
    "address-pool": ("backendAddressPools", "Manage address pools of a load balancer."),
    "outbound-rule": ("outboundRules", "Manage outbound rules of a load balancer."),
}


def _children(resource_group_name: str, lb_name: str, collection: str) -> list[Any]:
    with command_transaction(write=False) as tx:
        lb = net.get_load_balancer(tx, net.load_balancer_id(resource_group_name, lb_name))
        return list((lb.get("properties") or {}).get(collection) or [])


def _child(resource_group_name: str, lb_name: str, collection: str, name: str) -> Any:
    from aksnet.twin.network.common import child_not_found

    for child in _children(resource_group_name, lb_name, collection):
        if str(child.get("name", "")).lower() == name.lower():
            return az_view(child)
    raise child_not_found(f"{net.load_balancer_id(resource_group_name, lb_name)}/{collection}/{name}")


def _make(collection: str) -> tuple[Any, Any]:
    def list_(resource_group_name: str, lb_name: str) -> Any:
        return az_view(_children(resource_group_name, lb_name, collection))

    def show(resource_group_name: str, lb_name: str, name: str) -> Any:
        return _child(resource_group_name, lb_name, collection, name)

    return list_, show


frontend_ip_list, frontend_ip_show = _make("frontendIPConfigurations")
rule_list, rule_show = _make("loadBalancingRules")
probe_list, probe_show = _make("probes")
address_pool_list, address_pool_show = _make("backendAddressPools")
outbound_rule_list, outbound_rule_show = _make("outboundRules")
frontend_ip_list.__doc__ = "List frontend IP addresses."
frontend_ip_show.__doc__ = "Get the details of a frontend IP address."
rule_list.__doc__ = "List load balancing rules."
rule_show.__doc__ = "Get the details of a load balancing rule."
probe_list.__doc__ = "List probes."
probe_show.__doc__ = "Get the details of a probe."
address_pool_list.__doc__ = "List address pools."
address_pool_show.__doc__ = "Get the details of an address pool."
outbound_rule_list.__doc__ = "List outbound rules."
outbound_rule_show.__doc__ = "Get the details of an outbound rule."


def _fn(group: str) -> str:
    return group.replace("-", "_")


def load_command_table(loader: Any) -> None:
    for group in CHILDREN:
        with CommandGroup(loader, f"network lb {group}", _MOD) as g:
            g.command("list", f"{_fn(group)}_list")
            g.command("show", f"{_fn(group)}_show")


def load_arguments(loader: Any, command: str) -> None:
    for group in CHILDREN:
        with ArgumentsContext(loader, f"network lb {group}") as c:
            c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
            c.argument("lb_name", options_list=["--lb-name"], help="The load balancer name.")
            c.argument("name", options_list=["--name", "-n"], help="The name of the child resource.")
