"""Pure IP-planning arithmetic of AKS (learn.microsoft.com/azure/aks/concepts-network-ip-address-planning;
learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections), shared by the resource provider's capacity
checks and by ``aksnet plan``. No workspace, no I/O: numbers in, numbers out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from aksnet.model.addr import parse_ipv4_network
from aksnet.rules import snat
from aksnet.rules.aks import DEFAULT_MAX_SURGE, KUBENET_MAX_NODES
from aksnet.rules.azure import SUBNET_RESERVED_ADDRESSES as AZURE_RESERVED
from aksnet.rules.azure import subnet_usable_count
from aksnet.twin.aks.defaults import NODE_CIDR_MASK, POD_SUBNET_BATCH


def usable(prefix: str) -> int:
    """Addresses Azure hands out in a subnet: 2^(32-len) - 5 [AZD virtual-networks-faq]."""
    return subnet_usable_count(parse_ipv4_network(prefix, strict=False).num_addresses)


def surge_nodes(count: int, max_surge: str = DEFAULT_MAX_SURGE) -> int:
    """Extra nodes during an upgrade: an integer, or a percentage of the pool rounded up; at least 0
    [AKS upgrade-aks-node-pools-rolling.md]."""
    s = (max_surge or DEFAULT_MAX_SURGE).strip()
    if s.endswith("%"):
        return math.ceil(count * float(s[:-1]) / 100)
    return int(s)


def ips_per_node(flavour: str, max_pods: int) -> int:
    """Node-subnet addresses one node takes: Azure CNI (node subnet) reserves maxPods secondary addresses
    up front, so maxPods + 1; every other plugin 1 [learn.microsoft.com/azure/aks/concepts-network-legacy-cni;
    learn.microsoft.com/azure/aks/configure-kubenet;
    learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay;
    learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet]."""
    return max_pods + 1 if flavour == "azure" else 1


def node_subnet_required(flavour: str, nodes: int, max_pods: int, surge: int = 0) -> int:
    """(N + surge) × (maxPods + 1) for Azure CNI, N + surge otherwise [AKS concepts-network-ip-address-planning]."""
    return (nodes + surge) * ips_per_node(flavour, max_pods)


def max_nodes_in_subnet(flavour: str, available: int, max_pods: int, surge: int = 0) -> int:
    """The largest node count whose addresses (plus surge) fit into ``available`` addresses."""
    return max(available // ips_per_node(flavour, max_pods) - surge, 0)


def pod_cidr_node_capacity(pod_cidr: str) -> int:
    """Nodes a kubenet/overlay pod CIDR can hold: one /24 per node,
    so 2^(24 - prefix) [learn.microsoft.com/azure/aks/configure-kubenet]."""
    net = parse_ipv4_network(pod_cidr, strict=False)
    return 0 if net.prefixlen > NODE_CIDR_MASK else int(2 ** (NODE_CIDR_MASK - net.prefixlen))


def pod_cidr_required(nodes: int) -> int:
    """Pod CIDR addresses ``nodes`` nodes pre-allocate (256 per node): the RP's InsufficientSubnetSize number."""
    return nodes * 256  # 2^(32 - NODE_CIDR_MASK)


def pod_subnet_required(nodes: int) -> int:
    """Pod-subnet addresses at node start-up with dynamic allocation: a batch of 16 per node."""
    return nodes * POD_SUBNET_BATCH


def smallest_prefix(addresses: int) -> int:
    """The longest prefix (smallest subnet) whose usable addresses hold ``addresses`` (/29 at least)."""
    for prefix in range(29, 7, -1):
        if 2 ** (32 - prefix) - AZURE_RESERVED >= addresses:
            return prefix
    return 8


def snat_ports_per_node(pool_size: int) -> int:
    """Default allocated SNAT ports per node for a backend pool of ``pool_size`` instances (default allocation table
    of learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections)."""
    return snat.default_ports_per_instance(pool_size)


def nodes_supported_by_outbound_ips(ips: int, ports_per_node: int) -> int:
    """64,000 × IPs / ports per node: how many nodes the outbound IPs can serve
    [learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections]."""
    return 0 if ports_per_node <= 0 else snat.LB_SNAT_PORTS_PER_IP * ips // ports_per_node


@dataclass(frozen=True, slots=True)
class SnatCapacity:
    """What a cluster's outbound path gives its nodes: ``ports_per_node`` pre-allocated by the load balancer (None
    for a NAT gateway, which hands ports out on demand), the largest node count the allocation allows, whether
    ``nodes`` fit, and for a stated load of concurrent connections per node whether SNAT exhausts."""

    outbound_type: str
    ips: int
    nodes: int
    ports_total: int
    ports_per_node: int | None
    default_allocation: bool
    max_nodes: int | None
    fits: bool
    connections_per_node: int | None = None
    exhausted: bool | None = None


def snat_capacity(outbound_type: str, nodes: int, ips: int, outbound_ports: int | None = None,
                  connections_per_node: int | None = None) -> SnatCapacity | None:
    """SNAT ports of a cluster's egress, or None when it has no Azure SNAT of its own (userDefinedRouting, none,
    block). Load balancer: ``allocatedOutboundPorts`` 0/None takes the default table by backend pool size (at most
    1,000 instances), an explicit N needs nodes × N ≤ IPs × 64,000
    (learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections;
    learn.microsoft.com/azure/aks/configure-load-balancer-standard). NAT gateway: 64,512 ports per public IP shared
    by every node (learn.microsoft.com/azure/nat-gateway/nat-gateway-resource). A connection to one destination
    IP and port holds one SNAT port; ``connections_per_node`` is that worst case (ports are reused across
    different destinations)."""
    conns = connections_per_node
    if outbound_type == "loadBalancer":
        total = snat.LB_SNAT_PORTS_PER_IP * ips
        if not outbound_ports:
            ports = snat.default_ports_per_instance(nodes)
            cap = SnatCapacity(outbound_type, ips, nodes, total, ports, True, snat.DEFAULT_ALLOCATION_MAX_POOL,
                               0 < nodes <= snat.DEFAULT_ALLOCATION_MAX_POOL and nodes * ports <= total)
        else:
            ports = outbound_ports
            cap = SnatCapacity(outbound_type, ips, nodes, total, ports, False, total // ports, nodes * ports <= total)
        if conns is None:
            return cap
        return SnatCapacity(cap.outbound_type, ips, nodes, total, ports, cap.default_allocation, cap.max_nodes,
                            cap.fits, conns, conns > ports)
    if outbound_type in ("managedNATGateway", "userAssignedNATGateway"):
        total = snat.NAT_GATEWAY_SNAT_PORTS_PER_IP * ips
        if conns is None:
            return SnatCapacity(outbound_type, ips, nodes, total, None, False, None, True)
        max_nodes = total // conns if conns else None
        return SnatCapacity(outbound_type, ips, nodes, total, None, False, max_nodes, nodes * conns <= total, conns,
                            nodes * conns > total)
    return None


def kubenet_route_headroom(routes_in_table: int) -> int:
    """Routes still free in a kubenet route table (Azure: at most 400 routes per table)."""
    return max(KUBENET_MAX_NODES - routes_in_table, 0)
