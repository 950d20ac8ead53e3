"""``aksnet plan`` as text: one key/value table per node pool and one for the cluster. Pure."""

from __future__ import annotations

from aksnet.analyses.plan import Plan, PoolPlan


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pool_rows(flavour: str, p: PoolPlan) -> list[tuple[str, str]]:
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


def _table(title: str, rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in rows)
    return [title, *(f"  {k.ljust(width)}  {v}" for k, v in rows)]


def render(plan: Plan) -> str:
    lines = [f"IP plan for {plan.cluster} (network plugin: {plan.flavour})", ""]
    for p in plan.pools:
        lines += _table(f"node pool {p.name}", _pool_rows(plan.flavour, p))
        lines.append("")
    cluster_rows = [("total nodes", _n(plan.total_nodes))]
    if plan.pod_cidr:
        cluster_rows += [("pod CIDR", plan.pod_cidr),
                         ("pod CIDR addresses pre-allocated (/24 per node)", _n(plan.pod_cidr_required)),
                         ("largest node count the pod CIDR allows", _n(plan.pod_cidr_max_nodes))]
    if plan.route_table_headroom is not None:
        cluster_rows.append(("route table headroom (of 400 routes)", _n(plan.route_table_headroom)))
    cluster_rows.append(("outbound type", plan.outbound_type))
    if plan.snat_ports_per_node is not None:
        cluster_rows += [("outbound public IPs", _n(plan.outbound_ips)),
                         ("SNAT ports per node (default allocation)", _n(plan.snat_ports_per_node)),
                         ("nodes the outbound IPs support", _n(plan.nodes_supported_by_outbound_ips))]
    lines += _table("cluster", cluster_rows)
    for n in plan.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines) + "\n"
