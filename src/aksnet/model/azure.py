"""Azure networking resources as the engines see them (parsed from ARM JSON in ``aksnet.io``).

``id`` fields are full ARM resource IDs as Azure returns them (case preserved); compare them with
:func:`same_id`, because ARM IDs are case-insensitive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.rules.aks import DEFAULT_MAX_SURGE


def same_id(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


@dataclass(frozen=True, slots=True)
class SecurityRule:
    """One NSG security rule (Microsoft.Network securityRules): what the NSG evaluation needs of it."""

    name: str
    priority: int
    direction: str  # Inbound | Outbound
    access: str  # Allow | Deny
    protocol: str = "*"  # Tcp, Udp, Icmp, Esp, Ah, *
    source_prefixes: tuple[str, ...] = ("*",)  # CIDRs, IPs, service tags (VirtualNetwork, Internet, …) or *
    source_ports: tuple[str, ...] = ("*",)
    destination_prefixes: tuple[str, ...] = ("*",)
    destination_ports: tuple[str, ...] = ("*",)
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class NetworkSecurityGroup:
    """A network security group (Microsoft.Network/networkSecurityGroups) with its rules."""

    id: str
    name: str
    resource_group: str
    location: str = ""
    rules: tuple[SecurityRule, ...] = ()
    default_rules: tuple[SecurityRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    """One user-defined route of a route table (Microsoft.Network routeTables/routes)."""

    name: str
    address_prefix: str
    next_hop_type: str  # VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet, None
    next_hop_ip: str | None = None


@dataclass(frozen=True, slots=True)
class RouteTable:
    """A route table (Microsoft.Network/routeTables) with its routes."""

    id: str
    name: str
    resource_group: str
    routes: tuple[Route, ...] = ()
    disable_bgp_route_propagation: bool = False


@dataclass(frozen=True, slots=True)
class Subnet:
    """A virtual network's subnet: prefixes, NSG, route table, NAT gateway, delegations."""

    id: str
    name: str
    vnet_id: str
    address_prefixes: tuple[str, ...]
    nsg_id: str | None = None
    route_table_id: str | None = None
    nat_gateway_id: str | None = None
    delegations: tuple[str, ...] = ()  # service names, e.g. Microsoft.ContainerService/managedClusters


@dataclass(frozen=True, slots=True)
class VnetPeering:
    """One virtual network peering (Microsoft.Network virtualNetworkPeerings), as seen from its VNet."""

    name: str
    remote_vnet_id: str
    remote_address_prefixes: tuple[str, ...] = ()
    allow_forwarded_traffic: bool = False
    state: str = "Connected"
    # False: the peered space leaves this VNet's VirtualNetwork service tag (AZD virtual-network-manage-peering).
    allow_virtual_network_access: bool = True


@dataclass(frozen=True, slots=True)
class VirtualNetwork:
    """A virtual network (Microsoft.Network/virtualNetworks) with its subnets and peerings."""

    id: str
    name: str
    resource_group: str
    location: str
    address_prefixes: tuple[str, ...]
    subnets: tuple[Subnet, ...] = ()
    peerings: tuple[VnetPeering, ...] = ()
    dns_servers: tuple[str, ...] = ()  # dhcpOptions.dnsServers: custom DNS servers (empty: Azure DNS)


@dataclass(frozen=True, slots=True)
class PublicIPAddress:
    """A public IP address (Microsoft.Network/publicIPAddresses)."""

    id: str
    name: str
    resource_group: str
    ip_address: str
    fqdn: str | None = None
    sku: str = "Standard"
    tags: Mapping[str, str] = field(default_factory=dict)
    location: str = ""


@dataclass(frozen=True, slots=True)
class NatGateway:
    """A NAT gateway (Microsoft.Network/natGateways) and the public IPs it translates to."""

    id: str
    name: str
    public_ip_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NicIPConfiguration:
    """One IP configuration of a network interface (private IP, subnet, public IP)."""

    name: str
    private_ip: str
    subnet_id: str
    public_ip_id: str | None = None
    primary: bool = True


@dataclass(frozen=True, slots=True)
class NetworkInterface:
    """A network interface (Microsoft.Network/networkInterfaces) of a VM or a scale set instance."""

    id: str
    name: str
    resource_group: str
    ip_configurations: tuple[NicIPConfiguration, ...]
    nsg_id: str | None = None
    owner_id: str | None = None  # the VM or VMSS instance
    enable_ip_forwarding: bool = False

    @property
    def primary_ip(self) -> str:
        for c in self.ip_configurations:
            if c.primary:
                return c.private_ip
        return self.ip_configurations[0].private_ip


@dataclass(frozen=True, slots=True)
class VirtualMachine:
    """A virtual machine (Microsoft.Compute/virtualMachines) and its network interfaces."""

    id: str
    name: str
    resource_group: str
    nic_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FrontendIPConfiguration:
    """A load balancer's frontend IP configuration (private IP or public IP)."""

    id: str
    name: str
    private_ip: str | None = None
    subnet_id: str | None = None
    public_ip_id: str | None = None


@dataclass(frozen=True, slots=True)
class BackendAddressPool:
    """A load balancer's backend address pool."""

    id: str
    name: str
    ip_addresses: tuple[str, ...] = ()  # node (NIC) addresses in the pool


@dataclass(frozen=True, slots=True)
class Probe:
    """A load balancer's health probe."""

    name: str
    protocol: str  # Tcp, Http, Https
    port: int
    request_path: str | None = None
    interval_seconds: int = 5
    number_of_probes: int = 2


@dataclass(frozen=True, slots=True)
class LoadBalancingRule:
    """A load balancer's load-balancing rule (frontend and port → backend pool and port)."""

    name: str
    frontend_id: str
    backend_pool_id: str
    protocol: str  # Tcp, Udp, All
    frontend_port: int
    backend_port: int
    enable_floating_ip: bool = True
    probe_name: str | None = None
    load_distribution: str = "Default"
    disable_outbound_snat: bool = False
    idle_timeout_minutes: int = 4


@dataclass(frozen=True, slots=True)
class OutboundRule:
    """A load balancer's outbound (SNAT) rule."""

    name: str
    frontend_ids: tuple[str, ...]
    backend_pool_id: str
    allocated_outbound_ports: int = 0
    protocol: str = "All"


@dataclass(frozen=True, slots=True)
class LoadBalancer:
    """A load balancer (Microsoft.Network/loadBalancers): frontends, pools, probes and rules."""

    id: str
    name: str
    resource_group: str
    sku: str = "Standard"
    frontends: tuple[FrontendIPConfiguration, ...] = ()
    backend_pools: tuple[BackendAddressPool, ...] = ()
    rules: tuple[LoadBalancingRule, ...] = ()
    probes: tuple[Probe, ...] = ()
    outbound_rules: tuple[OutboundRule, ...] = ()

    @property
    def is_internal(self) -> bool:
        return any(f.subnet_id for f in self.frontends) and not any(f.public_ip_id for f in self.frontends)


@dataclass(frozen=True, slots=True)
class PrivateEndpoint:
    """A private endpoint (Microsoft.Network/privateEndpoints): its subnet, address and target resource."""

    id: str
    name: str
    subnet_id: str
    private_ip: str
    target_id: str = ""  # the resource it exposes (e.g. the managed cluster)
    connection_status: str = "Approved"  # its connection's state: Approved, Pending, Rejected, Disconnected


@dataclass(frozen=True, slots=True)
class PrivateLinkService:
    """A Private Link service (Microsoft.Network/privateLinkServices): the load balancer frontend it fronts and
    the NAT addresses (in its NAT subnet) that consumers' connections leave from, the primary first."""

    id: str
    name: str
    frontend_id: str
    nat_ips: tuple[str, ...] = ()
    nat_subnet_id: str = ""
    proxy_protocol: bool = False


@dataclass(frozen=True, slots=True)
class PrivateDnsZone:
    """A private DNS zone (Microsoft.Network/privateDnsZones) with its A records."""

    id: str
    name: str
    a_records: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # relative name → IPs
    linked_vnet_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AgentPool:
    """One node pool of a managed cluster (agentPoolProfiles)."""

    name: str
    count: int
    max_pods: int
    vnet_subnet_id: str
    mode: str = "System"
    os_type: str = "Linux"
    vm_size: str = "Standard_DS2_v2"
    pod_subnet_id: str | None = None
    max_surge: str = DEFAULT_MAX_SURGE
    enable_auto_scaling: bool = False
    min_count: int | None = None
    max_count: int | None = None
    node_labels: Mapping[str, str] = field(default_factory=dict)
    node_taints: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkProfile:
    """A managed cluster's networkProfile (plugin, mode, policy engine, dataplane, CIDRs, outbound type)."""

    network_plugin: str  # kubenet, azure, none
    network_plugin_mode: str | None = None  # overlay
    network_policy: str | None = None  # azure, calico, cilium, none
    network_dataplane: str | None = None  # azure, cilium
    pod_cidr: str | None = None
    service_cidr: str = "10.0.0.0/16"
    dns_service_ip: str = "10.0.0.10"
    outbound_type: str = "loadBalancer"
    load_balancer_sku: str = "standard"
    effective_outbound_ip_ids: tuple[str, ...] = ()
    nat_gateway_id: str | None = None
    ip_families: tuple[str, ...] = ("IPv4",)  # dual-stack: ("IPv4", "IPv6")
    pod_cidrs: tuple[str, ...] = ()  # podCidrs (dual-stack: IPv4 then IPv6)
    service_cidrs: tuple[str, ...] = ()  # serviceCidrs


@dataclass(frozen=True, slots=True)
class ManagedCluster:
    """An AKS managed cluster (Microsoft.ContainerService/managedClusters): what networking needs."""

    id: str
    name: str
    resource_group: str
    location: str
    node_resource_group: str
    network_profile: NetworkProfile
    agent_pools: tuple[AgentPool, ...]
    fqdn: str | None = None
    private_fqdn: str | None = None
    enable_private_cluster: bool = False
    authorized_ip_ranges: tuple[str, ...] = ()
    kubernetes_version: str = ""
    # The address the public API server FQDN resolves to (public clusters), emulated.
    api_server_public_ip: str | None = None

    @property
    def plugin_flavour(self) -> str:
        """kubenet | azure | overlay | podsubnet | none: the IPAM behaviour that matters for networking."""
        p = self.network_profile
        if p.network_plugin == "azure":
            if p.network_plugin_mode == "overlay":
                return "overlay"
            if any(a.pod_subnet_id for a in self.agent_pools):
                return "podsubnet"
            return "azure"
        return p.network_plugin
