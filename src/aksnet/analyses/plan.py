"""``aksnet plan``: the IP address plan of an AKS cluster, existing or hypothetical.

For each node pool: node IPs, pod IPs (in the subnet, pod subnet or pod CIDR), upgrade surge, the 5 addresses
Azure reserves, subnet used/free, the smallest subnet that fits, the largest node count the subnet and the
pod CIDR allow, kubenet route-table headroom; for the cluster: SNAT ports per node and how many nodes the
outbound IPs support [learn.microsoft.com/azure/aks/concepts-network-ip-address-planning;
learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections]. Pure: takes :class:`PlanInput`,
returns :class:`Plan`;
the CLI gathers the inputs (from the workspace or from flags).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnet.analyses.answer import Answer, cell
from aksnet.rules.aks import DEFAULT_MAX_SURGE, KUBENET_MAX_NODES, MAX_NODES_PER_POOL
from aksnet.rules.azure import SUBNET_RESERVED_ADDRESSES
from aksnet.twin.aks import capacity


@dataclass(frozen=True, slots=True)
class PoolInput:
    name: str
    node_count: int
    max_pods: int
    max_surge: str = DEFAULT_MAX_SURGE
    subnet_prefix: str | None = None  # None: hypothetical, recommend a size
    subnet_used_by_others: int = 0  # addresses held by anything outside this pool
    subnet_used_by_pool: int = 0  # addresses this pool's nodes hold now (existing clusters)
    pod_subnet_prefix: str | None = None
    max_count: int | None = None  # cluster autoscaler: the RP pre-allocates for max-count


@dataclass(frozen=True, slots=True)
class PlanInput:
    cluster: str  # "rg/name" or "(hypothetical)"
    flavour: str  # kubenet | azure | overlay | podsubnet | none
    pools: tuple[PoolInput, ...]
    pod_cidr: str | None = None
    service_cidr: str = "10.0.0.0/16"
    outbound_type: str = "loadBalancer"
    outbound_ips: int = 1
    route_table_other_routes: int = 0  # kubenet: routes in the table that are not this cluster's
    lb_outbound_ports: int | None = None  # allocatedOutboundPorts (None/0: the default allocation table)
    connections_per_node: int | None = None  # a stated load: concurrent connections per node to one destination


@dataclass(frozen=True, slots=True)
class PoolPlan:
    name: str
    node_count: int
    max_count: int | None
    max_pods: int
    surge_nodes: int
    node_ips: int
    pod_ips_in_subnet: int
    surge_ips: int
    required: int  # (N + surge) × per-node addresses
    required_at_create: int  # N × per-node addresses (the RP's InsufficientSubnetSize number)
    recommended_prefix: int
    subnet_prefix: str | None
    subnet_usable: int | None
    subnet_used: int | None
    subnet_free: int | None
    fits: bool | None
    max_nodes_subnet: int | None
    max_nodes_subnet_with_surge: int | None
    pod_subnet_prefix: str | None = None
    pod_subnet_required: int = 0
    subnet_room: int | None = None  # usable minus what others hold: what the pool may occupy
    # AKS's planning formula counts one surge node, (N + 1) × per-node addresses (concepts-network-ip-address-
    # planning); shown next to ``required`` when the pool's maxSurge (default 10%) gives another surge
    required_one_surge: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    cluster: str
    flavour: str
    pools: tuple[PoolPlan, ...]
    total_nodes: int
    pod_cidr: str | None
    pod_cidr_max_nodes: int | None
    pod_cidr_required: int
    route_table_headroom: int | None
    outbound_type: str
    outbound_ips: int
    snat_ports_per_node: int | None
    nodes_supported_by_outbound_ips: int | None
    snat: capacity.SnatCapacity | None = None
    azure_reserved_per_subnet: int = SUBNET_RESERVED_ADDRESSES
    max_nodes_limit: int = MAX_NODES_PER_POOL
    notes: tuple[str, ...] = field(default=())

    def answer(self) -> Answer:
        """One row per node pool with its address needs, keyed by pool name."""
        rows = tuple((p.name, cell(p.node_count), cell(p.max_count), cell(p.max_pods), cell(p.surge_nodes),
                      cell(p.required), cell(p.subnet_prefix), cell(p.subnet_usable), cell(p.subnet_free),
                      cell(p.fits), cell(p.max_nodes_subnet)) for p in self.pools)
        return Answer("plan", ("Pool", "Nodes", "MaxCount", "MaxPods", "SurgeNodes", "Required", "Subnet",
                               "SubnetUsable", "SubnetFree", "Fits", "MaxNodesInSubnet"), ("Pool",), rows,
                      self.notes)


def plan_pool(flavour: str, p: PoolInput) -> PoolPlan:
    """Addresses one pool needs and what its subnet allows
    (learn.microsoft.com/azure/aks/concepts-network-legacy-cni; learn.microsoft.com/azure/aks/configure-kubenet;
    learn.microsoft.com/azure/aks/concepts-network-azure-cni-overlay;
    learn.microsoft.com/azure/aks/concepts-network-azure-cni-pod-subnet)."""
    nodes = max(p.node_count, p.max_count or 0)
    surge = capacity.surge_nodes(nodes, p.max_surge)
    per_node = capacity.ips_per_node(flavour, p.max_pods)
    required = capacity.node_subnet_required(flavour, nodes, p.max_pods, surge)
    at_create = capacity.node_subnet_required(flavour, nodes, p.max_pods)
    usable = used = free = max_nodes = max_surge_nodes = room = None
    fits = None
    if p.subnet_prefix:
        usable = capacity.usable(p.subnet_prefix)
        used = p.subnet_used_by_others + p.subnet_used_by_pool
        free = usable - used
        room = usable - p.subnet_used_by_others  # what this pool may occupy
        fits = at_create <= room
        max_nodes = min(room // per_node, MAX_NODES_PER_POOL)
        max_surge_nodes = min(capacity.max_nodes_in_subnet(flavour, room, p.max_pods, surge), MAX_NODES_PER_POOL)
    return PoolPlan(
        name=p.name, node_count=p.node_count, max_count=p.max_count, max_pods=p.max_pods, surge_nodes=surge,
        node_ips=nodes, pod_ips_in_subnet=nodes * p.max_pods if flavour == "azure" else 0,
        surge_ips=surge * per_node, required=required, required_at_create=at_create,
        recommended_prefix=capacity.smallest_prefix(required), subnet_prefix=p.subnet_prefix, subnet_usable=usable,
        subnet_used=used, subnet_free=free, fits=fits, max_nodes_subnet=max_nodes,
        max_nodes_subnet_with_surge=max_surge_nodes, pod_subnet_prefix=p.pod_subnet_prefix,
        pod_subnet_required=capacity.pod_subnet_required(nodes + surge) if flavour == "podsubnet" else 0,
        subnet_room=room, required_one_surge=capacity.node_subnet_required(flavour, nodes, p.max_pods, 1),
    )


def plan(inp: PlanInput) -> Plan:
    """The whole cluster's plan."""
    pools = tuple(plan_pool(inp.flavour, p) for p in inp.pools)
    total = sum(max(p.node_count, p.max_count or 0) for p in inp.pools)
    surge_total = sum(p.surge_nodes for p in pools)
    pod_cidr = inp.pod_cidr if inp.flavour in ("kubenet", "overlay") else None
    notes: list[str] = []
    headroom = None
    if inp.flavour == "kubenet":
        headroom = capacity.kubenet_route_headroom(total + inp.route_table_other_routes)
        notes.append(f"kubenet: one route per node; a route table holds at most {KUBENET_MAX_NODES} routes.")
    ports = nodes_ok = None
    snat = capacity.snat_capacity(inp.outbound_type, total + surge_total, inp.outbound_ips, inp.lb_outbound_ports,
                                  inp.connections_per_node)
    if snat is not None and snat.ports_per_node is not None:
        ports = snat.ports_per_node
        nodes_ok = capacity.nodes_supported_by_outbound_ips(inp.outbound_ips, ports)
    notes += snat_notes(snat)
    if pod_cidr and capacity.pod_cidr_required(total) > 2 ** (32 - int(pod_cidr.split("/")[1])):
        notes.append(f"pod CIDR {pod_cidr}: InsufficientSubnetSize — {total} nodes pre-allocate "
                     f"{capacity.pod_cidr_required(total):,} addresses (a /24 each); it holds "
                     f"{capacity.pod_cidr_node_capacity(pod_cidr)} nodes.")
    if inp.flavour == "kubenet" and total > KUBENET_MAX_NODES:
        notes.append(f"kubenet supports at most {KUBENET_MAX_NODES} nodes; {total} requested.")
    for p in pools:
        if p.fits is False:
            notes.append(f"pool {p.name}: InsufficientSubnetSize — pre-allocated IPs {p.required_at_create} exceed "
                         f"the {p.subnet_room} available in "
                         f"{p.subnet_prefix}.")
    return Plan(
        cluster=inp.cluster, flavour=inp.flavour, pools=pools, total_nodes=total, pod_cidr=pod_cidr,
        pod_cidr_max_nodes=capacity.pod_cidr_node_capacity(pod_cidr) if pod_cidr else None,
        pod_cidr_required=capacity.pod_cidr_required(total) if pod_cidr else 0,
        route_table_headroom=headroom, outbound_type=inp.outbound_type, outbound_ips=inp.outbound_ips,
        snat_ports_per_node=ports, nodes_supported_by_outbound_ips=nodes_ok, snat=snat, notes=tuple(notes),
    )


def snat_notes(snat: capacity.SnatCapacity | None) -> list[str]:
    """The SNAT problems of an outbound path: an allocation that cannot hold the node count, a stated load that
    exhausts the ports (learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections;
    learn.microsoft.com/azure/nat-gateway/nat-gateway-resource)."""
    if snat is None:
        return []
    out = []
    if not snat.fits and snat.ports_per_node is not None:
        if snat.default_allocation:
            out.append(f"SNAT: the default port allocation serves at most {snat.max_nodes:,} nodes; {snat.nodes:,} "
                       "(max count + surge) need --load-balancer-outbound-ports and more outbound IPs.")
        else:
            out.append(f"SNAT: {snat.nodes:,} nodes (max count + surge) × {snat.ports_per_node:,} ports = "
                       f"{snat.nodes * (snat.ports_per_node or 0):,} exceed {snat.ips} outbound IP(s) × "
                       f"{snat.ports_total // max(snat.ips, 1):,} = {snat.ports_total:,}; the allocation allows "
                       f"{snat.max_nodes:,} nodes.")
    if snat.exhausted:
        if snat.ports_per_node is not None:
            out.append(f"SNAT exhaustion: {snat.connections_per_node:,} connections per node exceed the "
                       f"{snat.ports_per_node:,} ports each node is allocated; new connections fail.")
        else:
            conns = snat.connections_per_node or 0
            out.append(f"SNAT exhaustion: {snat.nodes:,} nodes × {conns:,} connections = "
                       f"{snat.nodes * conns:,} exceed the NAT gateway's {snat.ports_total:,} "
                       f"ports ({snat.ips} public IP(s) × {snat.ports_total // max(snat.ips, 1):,}).")
    return out
