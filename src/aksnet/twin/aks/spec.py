"""What ``az aks create`` asks for, as plain values: the request before and after defaulting.

:class:`ClusterRequest` carries the flags as the user gave them (strings, ``None`` when omitted);
:class:`ClusterSpec` is the resolved network configuration the resource provider validates and builds.
No workspace access, no rules here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ClusterRequest:
    resource_group: str
    name: str
    location: str | None = None
    vnet_subnet_id: str | None = None
    pod_subnet_id: str | None = None
    pod_ip_allocation_mode: str | None = None  # DynamicIndividual | StaticBlock (with a pod subnet)
    zones: tuple[str, ...] | None = None  # --zones: availability zones of the first pool
    vm_set_type: str | None = None  # --vm-set-type (VirtualMachineScaleSets is the one emulated)
    nodepool_labels: dict[str, str] | None = None  # --nodepool-labels of the first pool
    nodepool_taints: str | None = None  # --nodepool-taints of the first pool (az's comma-separated text)
    pod_cidr: str | None = None
    service_cidr: str | None = None
    ip_families: str | None = None  # --ip-families (ipv4 | ipv4,ipv6)
    pod_cidrs: str | None = None  # --pod-cidrs (comma-separated, one per family)
    service_cidrs: str | None = None  # --service-cidrs
    dns_service_ip: str | None = None
    docker_bridge_address: str | None = None
    node_count: int | None = None
    max_pods: int | None = None
    nodepool_name: str | None = None
    network_plugin: str | None = None
    network_plugin_mode: str | None = None
    network_policy: str | None = None
    network_dataplane: str | None = None
    outbound_type: str | None = None
    load_balancer_sku: str | None = None
    load_balancer_managed_outbound_ip_count: int | None = None
    load_balancer_outbound_ips: str | None = None
    nat_gateway_managed_outbound_ip_count: int | None = None
    load_balancer_outbound_ports: int | None = None
    load_balancer_idle_timeout: int | None = None
    nat_gateway_idle_timeout: int | None = None
    assign_identity: str | None = None  # a user-assigned identity's resource ID (--assign-identity)
    enable_private_cluster: bool = False
    private_dns_zone: str | None = None
    disable_public_fqdn: bool = False
    api_server_authorized_ip_ranges: str | None = None
    dns_name_prefix: str | None = None
    kubernetes_version: str | None = None
    vm_size: str | None = None
    max_surge: str | None = None
    enable_cluster_autoscaler: bool = False
    min_count: int | None = None
    max_count: int | None = None
    tags: dict[str, str] | None = None
    ssh_public_key: str = ""


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    """The resolved network configuration (defaults applied)."""

    network_plugin: str
    network_plugin_mode: str | None
    flavour: str  # kubenet | azure | overlay | podsubnet | none
    network_policy: str | None
    network_dataplane: str | None
    pod_cidr: str | None
    service_cidr: str
    dns_service_ip: str
    outbound_type: str
    load_balancer_sku: str
    node_count: int
    max_pods: int
    nodepool_name: str
    max_surge: str
    managed_outbound_ip_count: int
    outbound_ip_ids: tuple[str, ...] = ()
    nat_gateway_ip_count: int = 1
    authorized_ip_ranges: tuple[str, ...] = ()
    private: bool = False
    private_dns_zone: str | None = None
    disable_public_fqdn: bool = False
    min_count: int | None = None  # cluster autoscaler bounds (None: autoscaler off)
    max_count: int | None = None
    lb_outbound_ports: int | None = None  # None: the default allocation (shown as null, rule ports 0)
    lb_idle_timeout: int | None = None  # None: 30 minutes on the outbound rule
    nat_idle_timeout: int | None = None  # None: 4 minutes
    warnings: tuple[str, ...] = field(default=())
    ip_families: tuple[str, ...] = ("IPv4",)
    pod_cidrs: tuple[str, ...] = ()  # dual-stack: (IPv4, IPv6); single-stack: () = (pod_cidr,)
    service_cidrs: tuple[str, ...] = ()  # dual-stack: (IPv4, IPv6); single-stack: () = (service_cidr,)

    @property
    def capacity_nodes(self) -> int:
        """Nodes the RP pre-allocates for: the autoscaler's max-count when enabled, else the node count."""
        return self.max_count if self.max_count is not None else self.node_count


@dataclass(frozen=True, slots=True)
class VnetContext:
    """What the RP checks a cluster against: the cluster VNet and its node subnet (no workspace here)."""

    vnet_id: str
    vnet_name: str
    address_prefixes: tuple[str, ...]
    subnets: tuple[tuple[str, str], ...]  # (name, prefix) of every subnet of the VNet
    subnet_id: str
    subnet_name: str
    subnet_prefix: str
    available: int  # usable addresses not held by anything else
    managed: bool = False  # the AKS-managed VNet (no --vnet-subnet-id)
