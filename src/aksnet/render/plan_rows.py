"""The rows of ``aksnet plan`` (label, value), shared by its text output and the IP plan page of ``aksnet ui``.
Pure function of :class:`aksnet.analyses.plan.Plan`.
"""

from __future__ import annotations

from aksnet.analyses.plan import Plan, PoolPlan


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def pool_rows(flavour: str, p: PoolPlan) -> list[tuple[str, str]]:
    """One node pool's rows: nodes, node and pod IPs, surge, the subnet's fit and headroom."""
    rows = [
        ("nodes", _n(p.node_count) if p.max_count is None else f"{p.node_count:,} (autoscaler max {p.max_count:,})"),
        ("max pods per node", _n(p.max_pods)),
        ("node IPs", _n(p.node_ips)),
        ("pod IPs reserved in the subnet", _n(p.pod_ips_in_subnet)),
        ("upgrade surge", f"{p.surge_nodes} node(s), {p.surge_ips:,} address(es)"),
        ("addresses needed (nodes + surge)", _n(p.required)),
        *([("AKS planning formula (one surge node)", _n(p.required_one_surge))] if p.surge_nodes != 1 else []),
        ("addresses pre-allocated at create", _n(p.required_at_create)),
        ("Azure-reserved per subnet", "5"),
        ("smallest subnet that fits", f"/{p.recommended_prefix} ({2 ** (32 - p.recommended_prefix) - 5:,} usable)"),
    ]
    if p.subnet_prefix:
        rows += [
            ("subnet", f"{p.subnet_prefix} ({_n(p.subnet_usable)} usable)"),
            ("subnet used / free", f"{_n(p.subnet_used)} / {_n(p.subnet_free)}"),
            ("fits", "yes" if p.fits else "NO (InsufficientSubnetSize)"),
            ("largest node count the subnet allows", _n(p.max_nodes_subnet)),
            ("largest node count with upgrade surge", _n(p.max_nodes_subnet_with_surge)),
        ]
    if flavour == "podsubnet":
        rows.append(("pod subnet addresses at start-up (16/node)", _n(p.pod_subnet_required)))
    return rows


def cluster_rows(plan: Plan) -> list[tuple[str, str]]:
    """The cluster-wide rows: nodes, pod CIDR, route table headroom, outbound type and SNAT ports."""
    rows = [("total nodes", _n(plan.total_nodes))]
    if plan.pod_cidr:
        rows += [("pod CIDR", plan.pod_cidr),
                 ("pod CIDR addresses pre-allocated (/24 per node)", _n(plan.pod_cidr_required)),
                 ("largest node count the pod CIDR allows", _n(plan.pod_cidr_max_nodes))]
    if plan.route_table_headroom is not None:
        rows.append(("route table headroom (of 400 routes)", _n(plan.route_table_headroom)))
    rows.append(("outbound type", plan.outbound_type))
    s = plan.snat
    if s is None:
        return rows
    rows.append(("outbound public IPs", _n(plan.outbound_ips)))
    if s.ports_per_node is not None:
        how = "default allocation" if s.default_allocation else "--load-balancer-outbound-ports"
        rows.append((f"SNAT ports per node ({how})", _n(s.ports_per_node)))
        if s.default_allocation:  # the table shrinks the ports as the pool grows, up to 1,000 nodes
            rows.append(("nodes the outbound IPs support at these ports", _n(plan.nodes_supported_by_outbound_ips)))
        rows += [("largest node count the allocation allows", _n(s.max_nodes)),
                 ("nodes (max count + surge) fit the allocation", "yes" if s.fits else "NO")]
    else:
        rows.append(("SNAT ports (NAT gateway, shared on demand)", _n(s.ports_total)))
        if s.max_nodes is not None:
            rows.append(("largest node count the stated load allows", _n(s.max_nodes)))
    if s.connections_per_node is not None:
        rows += [("connections per node (stated)", _n(s.connections_per_node)),
                 ("SNAT exhausts", "YES" if s.exhausted else "no")]
    return rows
