"""SNAT capacity findings (``aksnet lint`` adds them to its own): a cluster's outbound allocation that cannot hold
its node pools at their largest size (autoscaler max count, else node count, plus upgrade surge), and a stated
connection load that exhausts the SNAT ports. Each finding is (severity, code, resource, message, source);
``aksnet.analyses.lint`` turns them into its findings. Pure: reads the twin, never the workspace.

Sources: learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections (default port allocation,
64,000 ports per frontend IP); learn.microsoft.com/azure/aks/configure-load-balancer-standard (AKS's
``kubernetes`` load balancer and its ``aksOutboundRule``); learn.microsoft.com/azure/nat-gateway/nat-gateway-resource
(64,512 ports per public IP).
"""

from __future__ import annotations

from aksnet.model.ids import id_key
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules import snat as snat_rules
from aksnet.twin.aks import capacity

RawFinding = tuple[str, str, str, str, str]
CODE = "AKSNET073"


def _outbound(twin: Twin, state: ClusterState) -> tuple[int, int | None]:
    """(outbound public IPs, allocatedOutboundPorts of the cluster load balancer's outbound rule)."""
    mc = state.cluster
    assert mc is not None
    np_ = mc.network_profile
    if np_.outbound_type in ("managedNATGateway", "userAssignedNATGateway"):
        gw = next((g for g in twin.nat_gateways if np_.nat_gateway_id and id_key(g.id) == id_key(np_.nat_gateway_id)),
                  None)
        return (len(gw.public_ip_ids) if gw else len(np_.effective_outbound_ip_ids)), None
    rg = mc.node_resource_group.lower()
    for lb in twin.load_balancers:
        if lb.resource_group.lower() == rg and lb.name == "kubernetes" and lb.outbound_rules:
            rule = lb.outbound_rules[0]
            return len(rule.frontend_ids), rule.allocated_outbound_ports
    return len(np_.effective_outbound_ip_ids), None


def snat_problems(twin: Twin, state: ClusterState, connections_per_node: int | None = None) -> list[RawFinding]:
    """SNAT allocation that cannot fit the pools at their max count, or a stated load that exhausts it
    (:func:`aksnet.twin.aks.capacity.snat_capacity`)."""
    mc = state.cluster
    if mc is None:
        return []
    nodes = sum(n + capacity.surge_nodes(n, p.max_surge)
                for p in mc.agent_pools for n in (max(p.count, p.max_count or 0),))
    ips, ports = _outbound(twin, state)
    cap = capacity.snat_capacity(mc.network_profile.outbound_type, nodes, ips, ports, connections_per_node)
    if cap is None:
        return []
    out: list[RawFinding] = []
    resource = f"cluster {mc.name}"
    if not cap.fits and cap.ports_per_node is not None:
        if cap.default_allocation:
            msg = (f"{nodes:,} nodes (max count + surge) exceed the {cap.max_nodes:,} the load balancer's default "
                   "SNAT port allocation serves: set --load-balancer-outbound-ports and add outbound IPs")
        else:
            msg = (f"{nodes:,} nodes (max count + surge) × {cap.ports_per_node:,} SNAT ports = "
                   f"{nodes * cap.ports_per_node:,} exceed {ips} outbound IP(s) × {snat_rules.LB_SNAT_PORTS_PER_IP:,}"
                   f" = {cap.ports_total:,}: the allocation allows {cap.max_nodes:,} nodes; add outbound IPs or "
                   "lower --load-balancer-outbound-ports")
        out.append(("error", CODE, resource, msg, snat_rules.AKS_LB_SOURCE))
    if cap.exhausted:
        if cap.ports_per_node is not None:
            msg = (f"a load of {cap.connections_per_node:,} connections per node exceeds the "
                   f"{cap.ports_per_node:,} SNAT ports each node is allocated: connections beyond them fail "
                   "(SNAT port exhaustion)")
            src = snat_rules.LB_OUTBOUND_SOURCE
        else:
            msg = (f"a load of {cap.connections_per_node:,} connections per node on {nodes:,} nodes needs "
                   f"{nodes * (cap.connections_per_node or 0):,} SNAT ports; the NAT gateway's {ips} public IP(s) "
                   f"give {cap.ports_total:,} (SNAT port exhaustion)")
            src = snat_rules.NAT_GATEWAY_SOURCE
        out.append(("warning", CODE, resource, msg, src))
    return out
