"""``aksnet plan``: the IP plan of an existing cluster (``-g RG -n NAME``) or of a hypothetical one (the
``az aks create`` flags, no workspace needed; ``--subnet-prefix`` evaluates a subnet size). Text or JSON.

Gathers :class:`~aksnet.analyses.plan.PlanInput`, calls the pure analysis, prints a renderer's output.
"""

from __future__ import annotations

import argparse
import sys

from aksnet.analyses.plan import PlanInput, PoolInput, plan
from aksnet.errors import AzCliError, AzureError, UsageError
from aksnet.model.ids import id_key
from aksnet.rules.aks import DEFAULT_MAX_SURGE
from aksnet.store import Transaction

USAGE = ("aksnet plan [-g RG -n CLUSTER | az aks create flags] [--subnet-prefix CIDR] [--connections-per-node N] "
         "[-o text|json|csv|md]")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aksnet plan", usage=USAGE, description=(
        "IP address plan of an AKS cluster: node and pod IPs per pool, upgrade surge, Azure-reserved addresses, "
        "subnet used/free, the largest node count the subnet and pod CIDR allow, kubenet route headroom, SNAT "
        "ports per node, the largest node count the outbound allocation allows and whether a stated connection "
        "load exhausts SNAT. Example: aksnet plan --network-plugin azure --node-count 50 --max-pods 30"))
    p.add_argument("-g", "--resource-group")
    p.add_argument("-n", "--name")
    p.add_argument("--network-plugin")
    p.add_argument("--network-plugin-mode")
    p.add_argument("--pod-subnet-id")
    p.add_argument("--vnet-subnet-id")
    p.add_argument("--subnet-prefix", help="evaluate a node subnet of this size (hypothetical cluster)")
    p.add_argument("--pod-cidr")
    p.add_argument("--service-cidr")
    p.add_argument("--dns-service-ip")
    p.add_argument("--node-count", "-c", type=int)
    p.add_argument("--max-pods", "-m", type=int)
    p.add_argument("--max-surge")
    p.add_argument("--enable-cluster-autoscaler", "-e", action="store_true")
    p.add_argument("--min-count", type=int)
    p.add_argument("--max-count", type=int)
    p.add_argument("--nodepool-name")
    p.add_argument("--outbound-type")
    p.add_argument("--load-balancer-managed-outbound-ip-count", type=int)
    p.add_argument("--nat-gateway-managed-outbound-ip-count", type=int)
    p.add_argument("--load-balancer-outbound-ports", type=int,
                   help="SNAT ports allocated per node (a multiple of 8 in [0,64000]; 0: the default table)")
    p.add_argument("--connections-per-node", type=int, metavar="N",
                   help="a stated load: concurrent outbound connections per node to one destination IP and port; "
                   "plan says whether SNAT exhausts")
    p.add_argument("-o", "--output", choices=("text", "json", "table", "csv", "md", "html"), default="text",
                   help="csv, md, html: one row per node pool")
    return p


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = _parser()
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code == 0:
            raise
        raise UsageError(f"usage: {USAGE}") from None


def hypothetical_input(ns: argparse.Namespace, tx: Transaction | None) -> PlanInput:
    """A cluster that does not exist yet, from ``az aks create`` flags (az's and the RP's rules apply)."""
    from aksnet.model.addr import parse_ipv4_network
    from aksnet.twin.aks import capacity, context, validation_rp
    from aksnet.twin.aks.resolve import resolve_spec
    from aksnet.twin.aks.spec import ClusterRequest

    req = ClusterRequest(resource_group="(plan)", name="(plan)", network_plugin=ns.network_plugin,
                         network_plugin_mode=ns.network_plugin_mode, pod_subnet_id=ns.pod_subnet_id,
                         vnet_subnet_id=ns.vnet_subnet_id, pod_cidr=ns.pod_cidr, service_cidr=ns.service_cidr,
                         dns_service_ip=ns.dns_service_ip, node_count=ns.node_count, max_pods=ns.max_pods,
                         nodepool_name=ns.nodepool_name, max_surge=ns.max_surge, outbound_type=ns.outbound_type,
                         load_balancer_managed_outbound_ip_count=ns.load_balancer_managed_outbound_ip_count,
                         nat_gateway_managed_outbound_ip_count=ns.nat_gateway_managed_outbound_ip_count,
                         enable_cluster_autoscaler=ns.enable_cluster_autoscaler, min_count=ns.min_count,
                         max_count=ns.max_count, load_balancer_outbound_ports=ns.load_balancer_outbound_ports)
    try:
        spec = resolve_spec(req, tx.meta_get("aks.default_network_plugin") if tx else None)
        # the RP's hard limits answer at once: 1,000 nodes per pool, maxPods 10-250 (kubenet's 400-node limit
        # stays a note: plan is for exploring)
        validation_rp.check_count(spec.node_count)
        validation_rp.check_max_pods(spec.max_pods, spec.node_count)
    except (AzCliError, AzureError) as exc:
        raise UsageError(f"aksnet plan: {exc.render()}") from None
    subnet_prefix, used = None, 0
    if ns.subnet_prefix:
        try:
            subnet_prefix = str(parse_ipv4_network(ns.subnet_prefix, strict=False))
        except ValueError:
            raise UsageError(f"aksnet plan: --subnet-prefix {ns.subnet_prefix!r} is not an IPv4 CIDR") from None
    elif ns.vnet_subnet_id and tx is not None:
        vctx = context.subnet_context(tx, ns.vnet_subnet_id)
        subnet_prefix = vctx.subnet_prefix
        used = capacity.usable(subnet_prefix) - vctx.available
    pool = PoolInput(spec.nodepool_name, spec.node_count, spec.max_pods, spec.max_surge, subnet_prefix, int(used),
                     max_count=spec.max_count)
    ips = spec.nat_gateway_ip_count if spec.outbound_type == "managedNATGateway" else spec.managed_outbound_ip_count
    return PlanInput("(hypothetical cluster)", spec.flavour, (pool,), spec.pod_cidr, spec.service_cidr,
                     spec.outbound_type, ips, lb_outbound_ports=spec.lb_outbound_ports,
                     connections_per_node=ns.connections_per_node)


def existing_input(tx: Transaction, resource_group: str, name: str,
                   connections_per_node: int | None = None) -> PlanInput:
    """A cluster in the workspace: its pools, subnets, what else holds addresses there, its route table."""
    from aksnet.twin import network, subnet_ipam
    from aksnet.twin.aks import context, infrastructure, nodes, pools, vmss

    cluster = context.get_cluster(tx, resource_group, name)
    props = cluster["properties"]
    fl = pools.cluster_flavour(cluster)
    digits = pools.digits_of(cluster)
    items = []
    for p in props["agentPoolProfiles"]:
        sub = network.get_subnet(tx, p["vnetSubnetId"])
        prefix = network.subnet_ipv4_prefix(sub)
        mine = id_key(vmss.vmss_id(props["nodeResourceGroup"], p["name"], digits))
        alloc = subnet_ipam.allocations(tx, sub["id"])
        others = sum(1 for owner in alloc.values() if not id_key(owner).startswith(mine))
        items.append(PoolInput(p["name"], int(p["count"]), int(p["maxPods"]),
                               str((p.get("upgradeSettings") or {}).get("maxSurge") or DEFAULT_MAX_SURGE),
                               prefix, others,
                               len(alloc) - others, p.get("podSubnetId"), p.get("maxCount")))
    np_ = props["networkProfile"]
    other_routes = 0
    if fl == "kubenet":
        rt = infrastructure.subnet_route_table(tx, props["agentPoolProfiles"][0]["vnetSubnetId"])
        node_names = {n["metadata"]["name"].lower() for n in nodes.cluster_nodes(tx, cluster["id"])}
        if rt is not None:
            other_routes = sum(1 for r in rt["properties"].get("routes", []) if r["name"].lower() not in node_names)
    profile = np_.get("loadBalancerProfile") or np_.get("natGatewayProfile") or {}
    ips = len(profile.get("effectiveOutboundIPs") or [])
    return PlanInput(f"{resource_group}/{name}", fl, tuple(items), np_.get("podCidr"), np_.get("serviceCidr"),
                     np_.get("outboundType") or "loadBalancer", ips, other_routes,
                     lb_outbound_ports=profile.get("allocatedOutboundPorts"),
                     connections_per_node=connections_per_node)


def run(argv: list[str]) -> int:
    from aksnet.cli.common import command_transaction

    ns = _parse(argv)
    if bool(ns.resource_group) != bool(ns.name):
        raise UsageError("aksnet plan: -g/--resource-group and -n/--name go together")
    if ns.connections_per_node is not None and ns.connections_per_node < 1:
        raise UsageError("aksnet plan: --connections-per-node must be a positive integer")
    if ns.resource_group:
        with command_transaction(write=False) as tx:
            inp = existing_input(tx, ns.resource_group, ns.name, ns.connections_per_node)
    else:
        with command_transaction(write=False) as tx:
            inp = hypothetical_input(ns, tx)
    result = plan(inp)
    if ns.output == "json":
        from aksnet.render import plan_json

        sys.stdout.write(plan_json.render(result))
    elif ns.output in ("csv", "md", "html"):
        from aksnet.render.answer_table import TABLES

        sys.stdout.write(TABLES[ns.output].render(result))
    else:
        from aksnet.render import plan_text

        sys.stdout.write(plan_text.render(result))
    return 0
