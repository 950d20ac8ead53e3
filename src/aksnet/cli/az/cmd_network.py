"""``az network …``: registers the network command groups, each implemented in its own module
(``cmd_network_vnet``: vnet and subnet; ``cmd_network_nsg``: nsg and rules; ``cmd_network_route``: route
tables and routes; ``cmd_network_pip``: public IPs, NAT gateways, and the read-only lb/nic views;
``cmd_network_lb``: the load balancers' frontends, rules, probes and pools; ``cmd_network_peering``: VNet
peerings; ``cmd_network_effective``: effective routes and NSGs of a NIC and IP availability;
``cmd_network_private``: read-only private endpoint and private DNS views; ``cmd_network_pls``: private link
services and private endpoints to them; ``cmd_network_firewall``: Azure
Firewall and its classic rules; ``cmd_network_firewall_policy``: Firewall Policy and its rule collection groups;
``cmd_network_alb``: Application Gateway for Containers)."""

from __future__ import annotations

from typing import Any

from aksnet.cli.az import (
    cmd_network_alb,
    cmd_network_effective,
    cmd_network_firewall,
    cmd_network_firewall_policy,
    cmd_network_lb,
    cmd_network_nsg,
    cmd_network_peering,
    cmd_network_pip,
    cmd_network_pls,
    cmd_network_private,
    cmd_network_route,
    cmd_network_vnet,
)

_MODULES = (cmd_network_vnet, cmd_network_nsg, cmd_network_route, cmd_network_pip, cmd_network_lb,
            cmd_network_peering, cmd_network_effective, cmd_network_private, cmd_network_pls, cmd_network_firewall,
            cmd_network_firewall_policy, cmd_network_alb)

# az's short summaries of the command groups (``az network -h``).
_GROUPS = {
    "network": "Manage Azure Network resources.",
    "network vnet": "Manage Azure Virtual Networks.",
    "network vnet subnet": "Manage subnets in an Azure Virtual Network.",
    "network vnet peering": "Manage peering connections between Azure Virtual Networks.",
    "network private-endpoint": "Manage private endpoints (AKS private clusters create them; create connects to "
                                "a private link service).",
    "network private-link-service": "Manage private link services (the cloud provider creates them for Services "
                                    "annotated azure-pls-create).",
    "network private-dns": "Manage Private DNS domains in Azure (read-only here).",
    "network private-dns zone": "Manage Private DNS zones.",
    "network private-dns record-set": "Manage Private DNS records and record sets.",
    "network private-dns record-set a": "Manage Private DNS A records.",
    "network private-dns link": "Manage Private DNS links.",
    "network private-dns link vnet": "Manage Private DNS zone links to virtual networks.",
    "network nsg": "Manage Azure Network Security Groups (NSGs).",
    "network nsg rule": "Manage network security group rules.",
    "network route-table": "Manage route tables.",
    "network route-table route": "Manage routes in a route table.",
    "network public-ip": "Manage public IP addresses.",
    "network nat": "Commands to manage NAT resources.",
    "network nat gateway": "Commands to manage NAT gateways.",
    "network lb": "Manage and configure load balancers (read-only here: AKS creates them).",
    **{f"network lb {g}": summary for g, (_, summary) in cmd_network_lb.CHILDREN.items()},
    "network firewall": "Manage and configure Azure Firewalls.",
    "network firewall ip-config": "Manage and configure Azure Firewall IP configurations.",
    "network firewall network-rule": "Manage and configure Azure Firewall network rules.",
    "network firewall application-rule": "Manage and configure Azure Firewall application rules.",
    "network firewall nat-rule": "Manage and configure Azure Firewall NAT rules.",
    "network firewall policy": "Manage and configure Azure Firewall Policy.",
    "network firewall policy rule-collection-group": "Manage and configure Azure Firewall Policy Rule Collection "
                                                     "Group.",
    "network firewall policy rule-collection-group collection": "Manage and configure Azure Firewall Policy Rule "
                                                                "Collections in the rule collection group.",
    "network alb": "Manage and configure Application Gateway for Containers resources.",
    "network alb frontend": "Manage and configure Application Gateway for Containers frontends.",
    "network alb association": "Manage and configure Application Gateway for Containers associations.",
    "network nic": "Manage network interfaces (VMs and AKS create them; update sets IP forwarding and the NSG).",
}


def load_command_table(loader: Any) -> None:
    import yaml
    from knack.help_files import helps

    for group, summary in _GROUPS.items():
        helps.setdefault(group, yaml.safe_dump({"type": "group", "short-summary": summary}))
    for mod in _MODULES:
        mod.load_command_table(loader)


def load_arguments(loader: Any, command: str) -> None:
    for mod in _MODULES:
        mod.load_arguments(loader, command)
