"""The emulated Microsoft.Network resource provider: VNets and subnets, NSGs and rules, route tables and
routes, public IPs, NAT gateways, NICs, load balancers and VNet peerings.

Other twin modules (the AKS resource provider, the cloud-provider reconciler) call the functions re-exported
here; the az front end calls them too. Documents are ARM's REST shape (``properties`` nested); az's
flattened view is produced by the CLI. Nothing here prints or exits.
"""

from __future__ import annotations

from aksnet.twin.network.common import (
    KIND_LB,
    KIND_NAT_GATEWAY,
    KIND_NIC,
    KIND_NSG,
    KIND_PUBLIC_IP,
    KIND_ROUTE_TABLE,
    KIND_VNET,
    NETWORK,
    network_id,
    validate_name,
)
from aksnet.twin.network.load_balancer import (
    delete_load_balancer,
    find_load_balancer,
    get_frontend,
    get_load_balancer,
    list_load_balancers,
    load_balancer_id,
    put_load_balancer,
)
from aksnet.twin.network.nat_gateway import (
    create_nat_gateway,
    delete_nat_gateway,
    get_nat_gateway,
    list_nat_gateways,
    nat_gateway_id,
)
from aksnet.twin.network.nic import (
    attach_nic_to_vm,
    create_nic,
    delete_nic,
    get_nic,
    list_nics,
    nic_id,
    private_ips,
    set_nic_nsg,
)
from aksnet.twin.network.nsg import (
    create_nsg,
    delete_nsg,
    delete_security_rule,
    get_nsg,
    get_security_rule,
    list_nsgs,
    nsg_id,
    upsert_security_rule,
)
from aksnet.twin.network.peering import (
    create_peering,
    delete_peering,
    get_peering,
    list_peerings,
    peering_id,
    sync_peering,
    update_peering,
)
from aksnet.twin.network.public_ip import (
    allocate_public_address,
    create_public_ip,
    delete_public_ip,
    get_public_ip,
    list_public_ips,
    public_ip_id,
    release_public_address,
    set_public_ip_dns_label,
)
from aksnet.twin.network.route_table import (
    create_route_table,
    delete_route,
    delete_route_table,
    get_route,
    get_route_table,
    list_route_tables,
    route_table_id,
    upsert_route,
)
from aksnet.twin.network.subnet import (
    UNCHANGED,
    associate_subnet,
    create_subnet,
    delete_subnet,
    find_subnet,
    get_subnet,
    list_subnets,
    subnet_id,
    subnet_ipv4_prefix,
    update_subnet,
    vnet_of_subnet,
)
from aksnet.twin.network.vnet import create_vnet, delete_vnet, find_vnet, get_vnet, list_vnets, update_vnet, vnet_id

__all__ = [
    "KIND_LB", "KIND_NAT_GATEWAY", "KIND_NIC", "KIND_NSG", "KIND_PUBLIC_IP", "KIND_ROUTE_TABLE", "KIND_VNET",
    "NETWORK", "UNCHANGED", "create_peering", "delete_peering", "get_peering", "list_peerings", "peering_id",
    "sync_peering", "update_peering", "allocate_public_address", "associate_subnet", "attach_nic_to_vm", "create_nat_gateway",
    "create_nic", "create_nsg", "create_public_ip", "create_route_table", "create_subnet", "create_vnet",
    "delete_load_balancer", "delete_nat_gateway", "delete_nic", "delete_nsg", "delete_public_ip", "delete_route",
    "delete_route_table", "delete_security_rule", "delete_subnet", "delete_vnet", "find_load_balancer",
    "find_subnet", "find_vnet", "get_frontend", "get_load_balancer", "get_nat_gateway", "get_nic", "get_nsg",
    "get_public_ip", "get_route", "get_route_table", "get_security_rule", "get_subnet", "get_vnet",
    "list_load_balancers", "list_nat_gateways", "list_nics", "list_nsgs", "list_public_ips", "list_route_tables",
    "list_subnets", "list_vnets", "load_balancer_id", "nat_gateway_id", "network_id", "nic_id", "nsg_id", "private_ips",
    "public_ip_id", "put_load_balancer", "release_public_address", "route_table_id", "set_nic_nsg",
    "set_public_ip_dns_label", "subnet_id", "subnet_ipv4_prefix", "update_subnet", "update_vnet",
    "upsert_route", "upsert_security_rule", "validate_name", "vnet_id", "vnet_of_subnet",
]
