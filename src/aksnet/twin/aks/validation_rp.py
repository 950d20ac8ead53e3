"""The AKS resource provider's checks of a managed cluster's network profile and agent pools, with their codes
and messages [learn.microsoft.com/azure/aks/use-network-policies;
learn.microsoft.com/azure/aks/concepts-network-ip-address-planning;
learn.microsoft.com/azure/virtual-network/virtual-networks-faq]. Where the exact RP text is not public the wording is
ours
and the choice is recorded in docs/fidelity.md.

Pure functions over :class:`~aksnet.twin.aks.spec.ClusterSpec` and :class:`~aksnet.twin.aks.spec.VnetContext`;
they raise :class:`aksnet.errors.AzureError` or return warnings (for rules the seeds' walkthroughs break,
which must run as written). No workspace access.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.addr import parse_ipv4_network
from aksnet.model.ids import same_id
from aksnet.rules.aks import (
    KUBENET_MAX_NODES,
    MAX_MAX_PODS,
    MAX_NODES_PER_CLUSTER,
    MAX_NODES_PER_POOL,
    MIN_MAX_PODS,
    MIN_PODS_PER_POOL,
    RESERVED_RANGES,
)
from aksnet.twin.aks import capacity
from aksnet.twin.aks.spec import ClusterSpec, VnetContext

INSUFFICIENT_SUFFIX = (
    " If Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means that "
    "pre-allocated IPs count represents a theoretical max value, not the actual number of IPs requested). "
    "http://aka.ms/aks/insufficientsubnetsize"
)


def _net(cidr: str) -> ipaddress.IPv4Network:
    return parse_ipv4_network(cidr, strict=False)


def check_network_policy(spec: ClusterSpec) -> None:
    """Azure NPM needs Azure CNI: ``NetworkPolicyAzureNotSupportedForKubenet`` [ISS:coder/docs#1091]; Cilium
    policy needs the Cilium dataplane on Azure CNI [AKS azure-cni-powered-by-cilium.md]."""
    if spec.network_policy == "azure" and spec.network_plugin == "kubenet":
        raise AzureError("NetworkPolicyAzureNotSupportedForKubenet",
                         "NetworkPolicy azure is not supported for network plugin kubenet",
                         "networkProfile.networkPolicy")
    if spec.network_policy == "azure" and spec.network_plugin == "none":
        raise AzureError("InvalidNetworkPolicy",
                         "NetworkPolicy azure is not supported for network plugin none",
                         "networkProfile.networkPolicy")
    if spec.network_dataplane == "cilium" and spec.network_plugin != "azure":
        raise AzureError("InvalidNetworkDataplane",
                         f"Network dataplane cilium requires network plugin azure, got {spec.network_plugin}",
                         "networkProfile.networkDataplane")
    if spec.network_policy == "cilium" and spec.network_dataplane != "cilium":
        raise AzureError("InvalidNetworkPolicy",
                         "NetworkPolicy cilium requires network dataplane cilium",
                         "networkProfile.networkPolicy")
    if spec.network_dataplane == "cilium" and spec.network_policy not in (None, "cilium", "none"):
        raise AzureError("InvalidNetworkPolicy",
                         f"NetworkPolicy {spec.network_policy} is not supported with network dataplane cilium",
                         "networkProfile.networkPolicy")


def check_reserved_ranges(cidr: str | None, field: str) -> None:
    """Pod, service and VNet ranges must not overlap 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 or
    192.0.2.0/24 [AKS concepts-network-cni-overview.md]; e.g. 172.16.0.0/12 is refused (wording ours)."""
    if cidr is None:
        return
    net = _net(cidr)
    for r in RESERVED_RANGES:
        if net.overlaps(_net(r)):
            code = {"podCidr": "PodCidrOverlapsReservedRange", "serviceCidr": "ServiceCidrOverlapsReservedRange"}
            raise AzureError(
                code.get(field, "CidrOverlapsReservedRange"),
                f"The {field} {cidr} overlaps with the reserved range {r}. AKS reserves 169.254.0.0/16, "
                "172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24 for pod, service and cluster virtual network ranges.",
                f"networkProfile.{field}",
            )


def check_service_cidr(spec: ClusterSpec, vnet: VnetContext | None) -> list[str]:
    """Service CIDR: prefix ≥ /12 (kube-apiserver), no overlap with an existing subnet of the cluster VNet
    (``ServiceCidrOverlapExistingSubnetsCidr``), nor with the pod CIDR; DNS service IP inside it
    (``DnsServiceIpOutOfServiceCidr``) and not its network, first or broadcast address. Overlap with the VNet
    address space alone is a warning (the seeds' 10.32.0.0/16 in 10.0.0.0/8)."""
    warnings: list[str] = []
    svc = _net(spec.service_cidr)
    if svc.prefixlen < 12:
        raise AzureError("InvalidServiceCidr",
                         f"The service CIDR {spec.service_cidr} is too large; specified --service-cluster-ip-range "
                         "is too large; for 32-bit addresses, the mask must be >= 12",
                         "networkProfile.serviceCidr")
    check_reserved_ranges(spec.service_cidr, "serviceCidr")
    if vnet is not None:
        for _name, prefix in vnet.subnets:
            if svc.overlaps(_net(prefix)):
                raise AzureError(
                    "ServiceCidrOverlapExistingSubnetsCidr",
                    f"The specified service CIDR {spec.service_cidr} is conflicted with an existing subnet CIDR "
                    f"{prefix}", "networkProfile.serviceCIDR")
        for space in vnet.address_prefixes:
            if svc.overlaps(_net(space)) and not vnet.managed:
                warnings.append(
                    f"The service CIDR {spec.service_cidr} lies inside the virtual network address space {space}; "
                    "AKS docs say it must not be within the cluster's virtual network range (accepted, as the AKS "
                    "resource provider only checks existing subnets).")
    if spec.pod_cidr and svc.overlaps(_net(spec.pod_cidr)):
        raise AzureError("ServiceCidrOverlapPodCidr",
                         f"The service CIDR {spec.service_cidr} overlaps with the pod CIDR {spec.pod_cidr}.",
                         "networkProfile.serviceCidr")
    dns = ipaddress.IPv4Address(spec.dns_service_ip)
    if dns not in svc:
        raise AzureError(
            "DnsServiceIpOutOfServiceCidr",
            f"The DNS service IP {spec.dns_service_ip} is out of the range defined by service CIDR "
            f"{spec.service_cidr}.", "networkProfile.dnsServiceIP")
    if svc.num_addresses > 2 and dns in (svc.network_address, svc.network_address + 1, svc.broadcast_address):
        raise AzureError(
            "InvalidDnsServiceIP",
            f"The DNS service IP {spec.dns_service_ip} can't be the network address, the first address (the "
            f"kubernetes service) or the broadcast address of service CIDR {spec.service_cidr}.",
            "networkProfile.dnsServiceIP")
    return warnings


def check_pod_cidr(spec: ClusterSpec, vnet: VnetContext | None) -> list[str]:
    """Kubenet/overlay pod CIDR: not in a reserved range; must not overlap a subnet of the cluster VNet
    (``NetworkProfileCIDROverlapVNET``); overlap with the VNet address space only is a warning, because seed
    001's kubenet walkthrough (10.244.0.0/16 in a 10.0.0.0/8 VNet) must run as written."""
    if spec.pod_cidr is None:
        return []
    check_reserved_ranges(spec.pod_cidr, "podCidr")
    pod = _net(spec.pod_cidr)
    if pod.prefixlen > 24:
        raise AzureError("InvalidPodCidr",
                         f"The pod CIDR {spec.pod_cidr} is smaller than the /24 each node needs.",
                         "networkProfile.podCIDR")
    if vnet is None:
        return []
    for _name, prefix in vnet.subnets:
        if pod.overlaps(_net(prefix)):
            raise AzureError("NetworkProfileCIDROverlapVNET",
                             f"NetworkProfile CIDR {spec.pod_cidr} overlaps with reserved VNET CIDR {prefix}",
                             "networkProfile.podCIDR")
    return [
        f"NetworkProfileCIDROverlapVNET: NetworkProfile CIDR {spec.pod_cidr} overlaps with reserved VNET CIDR "
        f"{space} (accepted: the AKS resource provider refuses this; aksnet warns so the seeds run as written)."
        for space in vnet.address_prefixes if pod.overlaps(_net(space)) and not vnet.managed
    ]


AVAILABILITY_ZONES = ("1", "2", "3")


def validate_zones(zones: Sequence[str] | None, location: str, pool: str) -> list[str] | None:
    """``--zones``: AKS's zones are 1, 2 and 3 (the RP's ``AvailabilityZoneNotSupported`` otherwise, wording
    after the RP's message) [learn.microsoft.com/azure/aks/availability-zones]."""
    if not zones:
        return None
    bad = [z for z in zones if z not in AVAILABILITY_ZONES]
    if bad:
        raise AzureError("AvailabilityZoneNotSupported",
                         f"The zone(s) '{','.join(bad)}' for resource '{pool}' is not supported. The supported zones "
                         f"for location '{location}' are '{','.join(AVAILABILITY_ZONES)}'",
                         "agentPoolProfile.availabilityZones")
    return list(dict.fromkeys(zones))


def check_max_pods(max_pods: int, count: int) -> None:
    """maxPods 10–250 for every plugin; 10 only when the pool has room for 30 pods [AKS ip-address-planning]."""
    if not MIN_MAX_PODS <= max_pods <= MAX_MAX_PODS:
        raise AzureError("InvalidParameter",
                         f"The value of parameter maxPods is invalid. Error details: maxPods {max_pods} must be "
                         f"between {MIN_MAX_PODS} and {MAX_MAX_PODS}.", "agentPoolProfile.maxPods")
    if count > 0 and max_pods * count < MIN_PODS_PER_POOL:
        raise AzureError("InvalidParameter",
                         "The value of parameter maxPods is invalid. Error details: a node pool must have space "
                         f"for at least {MIN_PODS_PER_POOL} pods; {count} node(s) x maxPods {max_pods} = "
                         f"{max_pods * count}.",
                         "agentPoolProfile.maxPods")


def check_count(count: int, mode: str = "System") -> None:
    """``agentPoolProfile.count was N. It must be greater or equal to minCount:1 and less than or equal to
    maxCount:1000. …`` [ISS:kubernetes-sigs/cluster-api-provider-azure#5947]."""
    low = 1 if mode == "System" else 0
    if not low <= count <= MAX_NODES_PER_POOL:
        raise AzureError(
            "InvalidParameter",
            f"agentPoolProfile.count was {count}. It must be greater or equal to minCount:{low} and less than or "
            f"equal to maxCount:{MAX_NODES_PER_POOL}. If allowedMinCount was expected to be 0 but is 1: 1) The "
            "nodepool is a VMAS pool. 2) api Version is less than 2020-03-01. 3) The node is a system pool.",
            "agentPoolProfile.count")


def insufficient_subnet(required: int, available: int, cidr: str, subnet_name: str, target: str) -> AzureError:
    """``InsufficientSubnetSize`` in the RP's newer form [ISS:Azure/AKS#1795; ISS:Azure/AKS-Construction#701]."""
    return AzureError(
        "InsufficientSubnetSize",
        f"Pre-allocated IPs {required} exceeds IPs available {available} in Subnet Cidr {cidr}, Subnet Name "
        f"{subnet_name}.{INSUFFICIENT_SUFFIX}", target)


def check_cluster_size(flavour: str, total_nodes: int) -> None:
    """Kubenet: at most 400 nodes (400 routes per UDR table); any cluster at most 5,000 nodes."""
    if flavour == "kubenet" and total_nodes > KUBENET_MAX_NODES:
        raise AzureError(
            "KubenetNodeCountLimitExceeded",
            f"The cluster would have {total_nodes} nodes; kubenet supports at most {KUBENET_MAX_NODES} nodes "
            "because a route table holds at most 400 routes.", "agentPoolProfile.count")
    if total_nodes > MAX_NODES_PER_CLUSTER:
        raise AzureError("InvalidParameter",
                         f"The cluster would have {total_nodes} nodes; the maximum is {MAX_NODES_PER_CLUSTER}.",
                         "agentPoolProfile.count")


def check_pod_cidr_capacity(pod_cidr: str | None, total_nodes: int) -> None:
    """256 pre-allocated pod addresses per node must fit in the pod CIDR (kubenet/overlay)."""
    if pod_cidr is None:
        return
    required = capacity.pod_cidr_required(total_nodes)
    available = _net(pod_cidr).num_addresses
    if required > available:
        raise insufficient_subnet(required, available, pod_cidr, "networkProfile.podCIDR", "networkProfile.podCIDR")


def check_node_subnet_capacity(flavour: str, nodes: int, max_pods: int, vnet: VnetContext,
                               other_required: int = 0) -> None:
    """The RP's pre-check: the addresses the cluster's pools in this subnet pre-allocate — Azure CNI (maxPods + 1)
    per node, other plugins 1 — against the subnet's usable addresses
    [learn.microsoft.com/azure/aks/concepts-network-legacy-cni, e.g. 10 × 31 = 310 > 251].
    Addresses held by other resources are not counted here; the allocation itself then fails with
    ``SubnetIsFull`` [SUP:error-code-subnetisfull]."""
    required = capacity.node_subnet_required(flavour, nodes, max_pods) + other_required
    usable = capacity.usable(vnet.subnet_prefix)
    if required > usable:
        raise insufficient_subnet(required, usable, vnet.subnet_prefix, vnet.subnet_name, "agentPoolProfile.count")


def check_pod_subnet(pod_subnet: VnetContext, node_subnet: VnetContext, nodes: int, other_nodes: int = 0) -> None:
    """Dynamic pod subnet: 16 addresses per node at start-up;
    not the node subnet itself [learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet]."""
    if same_id(pod_subnet.subnet_id, node_subnet.subnet_id):
        raise AzureError("InvalidPodSubnet",
                         "The pod subnet must be different from the node subnet (vnetSubnetID).",
                         "agentPoolProfile.podSubnetID")
    if not same_id(pod_subnet.vnet_id, node_subnet.vnet_id):
        raise AzureError("InvalidPodSubnet",
                         "The pod subnet must be in the same virtual network as the node subnet.",
                         "agentPoolProfile.podSubnetID")
    required = capacity.pod_subnet_required(nodes + other_nodes)
    usable = capacity.usable(pod_subnet.subnet_prefix)
    if required > usable:
        raise insufficient_subnet(required, usable, pod_subnet.subnet_prefix, pod_subnet.subnet_name,
                                  "agentPoolProfile.podSubnetID")


def check_udr_route_table(route_table: dict[str, Any] | None, subnet_id: str) -> None:
    """outboundType userDefinedRouting: the subnet's route table must hold 0.0.0.0/0 → VirtualAppliance or
    VirtualNetworkGateway (``RouteTableMissingDefaultRouteError`` / ``RouteTableInvalidNextHop``)
    [learn.microsoft.com/azure/aks/egress-outboundtype]."""
    if route_table is None:
        raise AzureError(
            "ExistingRouteTableNotAssociatedWithSubnet",
            f"An existing route table has not been associated with subnet {subnet_id}. Please update the route "
            "table association. See http://aka.ms/aks/outboundtype for more details.", "agentPoolProfile.vnetSubnetID")
    props = route_table.get("properties") or {}
    routes: Sequence[dict[str, Any]] = props.get("routes") or []
    default = next((r for r in routes if (r.get("properties") or {}).get("addressPrefix") == "0.0.0.0/0"), None)
    if default is None:
        raise AzureError("RouteTableMissingDefaultRouteError",
                         f"Default route 0.0.0.0/0 missing from route table {route_table.get('id')}",
                         "networkProfile.outboundType")
    hop = str((default.get("properties") or {}).get("nextHopType"))
    if hop not in ("VirtualAppliance", "VirtualNetworkGateway"):
        raise AzureError(
            "RouteTableInvalidNextHop",
            f"Default route 0.0.0.0/0 has a next hop of {hop} but only next hops of VirtualAppliance or "
            "VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more details",
            "networkProfile.outboundType")


MSG_NONE_ZONE_NEEDS_PUBLIC_FQDN = "Private cluster with none private dns zone must enable public FQDN feature."


def check_private_dns_zone(spec: ClusterSpec) -> None:
    """A private cluster with private DNS zone ``none`` resolves its API server only through the public FQDN, so
    ``--disable-public-fqdn`` is refused [learn.microsoft.com/azure/aks/private-clusters;
    RP text quoted in ISS:Azure/bicep-registry-modules#1752]."""
    if spec.private and spec.disable_public_fqdn and (spec.private_dns_zone or "").lower() == "none":
        raise AzureError("InvalidParameter", MSG_NONE_ZONE_NEEDS_PUBLIC_FQDN,
                         "apiServerAccessProfile.enablePrivateClusterPublicFQDN")


def validate_spec(spec: ClusterSpec, vnet: VnetContext) -> list[str]:
    """Every RP rule of a new cluster's network profile and first pool, in the RP's order; returns warnings."""
    check_network_policy(spec)
    check_private_dns_zone(spec)
    check_count(spec.node_count)
    check_max_pods(spec.max_pods, spec.node_count)
    check_cluster_size(spec.flavour, spec.capacity_nodes)
    warnings = list(check_pod_cidr(spec, vnet))
    warnings += check_service_cidr(spec, vnet)
    # with the cluster autoscaler, max-count is what the RP pre-allocates for [ISS:Azure/AKS-Construction#701]
    check_pod_cidr_capacity(spec.pod_cidr, spec.capacity_nodes)
    # a private cluster's API server endpoint takes one address in the first pool's subnet
    # [learn.microsoft.com/azure/aks/concepts-network-ip-address-planning]
    check_node_subnet_capacity(spec.flavour, spec.capacity_nodes, spec.max_pods, vnet, 1 if spec.private else 0)
    return warnings
