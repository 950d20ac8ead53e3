"""The workspace's topology as Graphviz DOT, for ``aksnet ui``: the internet, VNets with their subnets (each with
its NSG and route table), peerings, VMs, load balancers with their frontends, and each AKS cluster with its
nodes grouped by pool, pods grouped by namespace and workload, Services, ingress controllers, Gateway API Gateways
and the routes attached to them.

Every node's DOT name is its readable name (Graphviz writes it as the SVG ``<title>``) and every edge has a
text label, so a screen reader and a test find each element by name. Names come from manifests: all go
through :func:`aksnet.render.dot_escape.quote`. Pure: reads the twin, runs no Graphviz, never prints.
"""

from __future__ import annotations

from collections.abc import Mapping

from aksnet.engine.ingress.view import controller_of_pod
from aksnet.model import azure, k8s
from aksnet.model.gateway import Gateway
from aksnet.model.ids import id_key
from aksnet.model.twin import ClusterState, Twin
from aksnet.render.dot_escape import label_lines, quote
from aksnet.rules.gateway_api import GATEWAY_NAME_LABEL

INTERNET = "Internet"


def _node(name: str, label: tuple[str, ...], shape: str, color: str, indent: str) -> str:
    return f"{indent}{quote(name)} [label={label_lines(*label)} shape={shape} color={quote(color)}]"


def _edge(a: str, b: str, label: str, style: str = "solid") -> str:
    return f"\t{quote(a)} -> {quote(b)} [label={quote(label)} style={style}]"


def _cluster(key: str, label: str, indent: str) -> str:
    return f"{indent}subgraph {quote('cluster_' + key)} {{\n{indent}\tlabel={quote(label)}"


def vnet_name(v: azure.VirtualNetwork) -> str:
    return f"VNet {v.name}"


def subnet_name(vnet: str, s: azure.Subnet) -> str:
    return f"subnet {vnet}/{s.name}"


def _selects(selector: Mapping[str, str] | None, labels: Mapping[str, str]) -> bool:
    """A Service selects the pods whose labels include all of its selector (an empty or absent selector: none;
    https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors)."""
    return bool(selector) and all(labels.get(k) == v for k, v in (selector or {}).items())


def _network(twin: Twin, lines: list[str], edges: list[str]) -> dict[str, str]:
    """VNets and subnets (clusters), NSGs and route tables; returns subnet id → node name."""
    by_id = {id_key(v.id): v for v in twin.vnets}
    nsgs = {id_key(n.id): n for n in twin.nsgs}
    rts = {id_key(r.id): r for r in twin.route_tables}
    subnets: dict[str, str] = {}
    for v in sorted(twin.vnets, key=lambda x: x.name):
        lines.append(_cluster(v.id, f"VNet {v.name} ({', '.join(v.address_prefixes)})", "\t"))
        lines.append(_node(vnet_name(v), (vnet_name(v), *v.address_prefixes), "box3d", "#1f4e79", "\t\t"))
        for s in sorted(v.subnets, key=lambda x: x.name):
            name = subnet_name(v.name, s)
            subnets[id_key(s.id)] = name
            lines.append(_node(name, (name, *s.address_prefixes), "box", "#2e75b6", "\t\t"))
            edges.append(_edge(vnet_name(v), name, "has subnet"))
            if s.nsg_id and id_key(s.nsg_id) in nsgs:
                edges.append(_edge(name, f"NSG {nsgs[id_key(s.nsg_id)].name}", "network security group"))
            if s.route_table_id and id_key(s.route_table_id) in rts:
                edges.append(_edge(name, f"route table {rts[id_key(s.route_table_id)].name}", "route table"))
        lines.append("\t}")
        for p in v.peerings:
            remote = by_id.get(id_key(p.remote_vnet_id))
            if remote is not None:
                edges.append(_edge(vnet_name(v), vnet_name(remote), f"peering {p.name} ({p.state})", "dashed"))
    for n in sorted(twin.nsgs, key=lambda x: x.name):
        lines.append(_node(f"NSG {n.name}", (f"NSG {n.name}", f"{len(n.rules)} rules"), "octagon", "#c00000", "\t"))
    for r in sorted(twin.route_tables, key=lambda x: x.name):
        lines.append(_node(f"route table {r.name}", (f"route table {r.name}", f"{len(r.routes)} routes"), "note",
                           "#7030a0", "\t"))
    return subnets


def _vms(twin: Twin, subnets: Mapping[str, str], lines: list[str], edges: list[str]) -> None:
    nics = {id_key(n.id): n for n in twin.nics}
    nsgs = {id_key(n.id): n.name for n in twin.nsgs}
    for vm in sorted(twin.vms, key=lambda x: x.name):
        lines.append(_node(f"VM {vm.name}", (f"VM {vm.name}",), "component", "#375623", "\t"))
        for nid in vm.nic_ids:
            nic = nics.get(id_key(nid))
            if nic is None:
                continue
            if nic.nsg_id and id_key(nic.nsg_id) in nsgs:
                edges.append(_edge(f"VM {vm.name}", f"NSG {nsgs[id_key(nic.nsg_id)]}", f"NIC {nic.name} NSG"))
            for ipc in nic.ip_configurations:
                if id_key(ipc.subnet_id) in subnets:
                    edges.append(_edge(f"VM {vm.name}", subnets[id_key(ipc.subnet_id)],
                                       f"NIC {nic.name} {ipc.private_ip}"))


def _load_balancers(twin: Twin, lines: list[str], edges: list[str]) -> dict[str, str]:
    """Load balancers (clusters) with their frontends; returns frontend name → node name."""
    pips = {id_key(p.id): p for p in twin.public_ips}
    frontends: dict[str, str] = {}
    for lb in sorted(twin.load_balancers, key=lambda x: x.name):
        lb_node = f"load balancer {lb.name}"
        lines.append(_cluster(lb.id, f"load balancer {lb.name} ({lb.sku})", "\t"))
        lines.append(_node(lb_node, (lb_node, f"{len(lb.rules)} rules"), "hexagon", "#bf9000", "\t\t"))
        for fe in lb.frontends:
            pip = pips.get(id_key(fe.public_ip_id)) if fe.public_ip_id else None
            ip = pip.ip_address if pip else (fe.private_ip or "")
            name = f"frontend {lb.name}/{fe.name}"
            frontends[fe.name] = name
            lines.append(_node(name, (name, ip), "cds", "#bf9000", "\t\t"))
            edges.append(_edge(name, lb_node, "frontend of"))
            if pip is not None:
                edges.append(_edge(INTERNET, name, f"public IP {pip.name} {pip.ip_address}"))
        lines.append("\t}")
    return frontends


def _workload(p: k8s.Pod) -> str:
    return f"{p.owner_kind} {p.owner_name}" if p.owner_kind and p.owner_name else "bare pods"


def _kube(cs: ClusterState, subnets: Mapping[str, str], frontends: Mapping[str, str], lines: list[str],
          edges: list[str]) -> None:
    c = cs.cluster
    cname = c.name if c else "cluster"
    lines.append(_cluster(f"aks/{c.id if c else cname}", f"AKS cluster {cname}", "\t"))
    pool_subnet = {a.name: id_key(a.vnet_subnet_id) for a in (c.agent_pools if c else ())}
    pools: dict[str, list[k8s.Node]] = {}
    for n in cs.nodes:
        pools.setdefault(n.pool, []).append(n)
    for pool in sorted(pools):
        lines.append(_cluster(f"pool/{cname}/{pool}", f"node pool {pool}", "\t\t"))
        for n in sorted(pools[pool], key=lambda x: x.name):
            lines.append(_node(f"node {n.name}", (f"node {n.name}", n.internal_ip, f"pods {n.pod_cidr or '-'}"),
                               "box", "#548235", "\t\t\t"))
            if pool_subnet.get(pool) in subnets:
                edges.append(_edge(f"node {n.name}", subnets[pool_subnet[pool]], f"NIC {n.internal_ip}"))
        lines.append("\t\t}")
    namespaces = sorted({p.namespace for p in cs.pods} | {s.namespace for s in cs.services})
    for ns in namespaces:
        lines.append(_cluster(f"ns/{cname}/{ns}", f"namespace {ns}", "\t\t"))
        pods = [p for p in cs.pods if p.namespace == ns]
        for wl in sorted({_workload(p) for p in pods}):
            lines.append(_cluster(f"wl/{cname}/{ns}/{wl}", wl, "\t\t\t"))
            for p in sorted((p for p in pods if _workload(p) == wl), key=lambda x: x.name):
                lines.append(_node(f"pod {p.key}", (f"pod {p.name}", p.pod_ip or "no IP"), "ellipse", "#2f5597",
                                   "\t\t\t\t"))
                if p.node_name:
                    edges.append(_edge(f"pod {p.key}", f"node {p.node_name}", "runs on", "dotted"))
            lines.append("\t\t\t}")
        for s in sorted((s for s in cs.services if s.namespace == ns), key=lambda x: x.name):
            sname = f"Service {ns}/{s.name}"
            ports = ", ".join(f"{sp.port}/{sp.protocol}" for sp in s.ports)
            lines.append(_node(sname, (sname, f"{s.type} {s.cluster_ip or ''}", ports), "box", "#c55a11", "\t\t\t"))
            for p in pods:
                if _selects(s.selector, p.labels):
                    edges.append(_edge(sname, f"pod {p.key}", "selects"))
            base = ("a" + s.uid.replace("-", ""))[:32] if s.uid else ""
            for fe_name, fe_node in frontends.items():
                if base and fe_name.startswith(base):
                    edges.append(_edge(fe_node, sname, "load-balances to"))
        lines.append("\t\t}")
    for ic in sorted(cs.ingress_classes, key=lambda x: x.name):
        ctrl = f"ingress controller {ic.name} ({ic.controller})"
        lines.append(_node(ctrl, (f"ingress controller {ic.name}", ic.controller), "doubleoctagon", "#7f6000", "\t\t"))
        for p in cs.pods:  # the controller's own pods (ingress-nginx's chart labels, the add-on's pods)
            if controller_of_pod(p) == ic.controller:
                edges.append(_edge(ctrl, f"pod {p.key}", "runs as"))
    _gateways(cs, lines, edges)
    lines.append("\t}")


def gateway_name(g: Gateway) -> str:
    return f"Gateway {g.namespace}/{g.name}"


def _gateways(cs: ClusterState, lines: list[str], edges: list[str]) -> None:
    """Gateway API Gateways (their class and listeners) with the Service and pods that implement them (labelled
    ``gateway.networking.k8s.io/gateway-name``, https://gateway-api.sigs.k8s.io/geps/gep-1762/), and the
    HTTPRoutes/GRPCRoutes attached to them with the Services they route to."""
    gw = cs.gateway
    names = {(g.namespace, g.name): gateway_name(g) for g in gw.gateways}
    for g in sorted(gw.gateways, key=lambda x: (x.namespace, x.name)):
        node = gateway_name(g)
        listeners = ", ".join(f"{li.name} {li.protocol}/{li.port}" for li in g.listeners)
        lines.append(_node(node, (node, f"class {g.class_name}", listeners), "doubleoctagon", "#7f6000", "\t\t"))
        for s in cs.services:
            if s.namespace == g.namespace and s.labels.get(GATEWAY_NAME_LABEL) == g.name:
                edges.append(_edge(node, f"Service {s.namespace}/{s.name}", "implemented by"))
        for p in cs.pods:
            if p.namespace == g.namespace and p.labels.get(GATEWAY_NAME_LABEL) == g.name:
                edges.append(_edge(node, f"pod {p.key}", "runs as"))
    services = {(s.namespace, s.name) for s in cs.services}
    for r in sorted(gw.routes, key=lambda x: (x.namespace, x.name)):
        node = f"{r.kind} {r.namespace}/{r.name}"
        lines.append(_node(node, (node, *r.hostnames[:3]), "note", "#7f6000", "\t\t"))
        for ref in r.parent_refs:
            parent = names.get((ref.namespace or r.namespace, ref.name))
            if ref.kind == "Gateway" and parent is not None:
                edges.append(_edge(parent, node, "routes by"))
        backends = {(b.ref.namespace or r.namespace, b.ref.name) for rule in r.rules for b in rule.backends
                    if b.ref.kind == "Service"}
        for ns, name in sorted(backends & services):
            edges.append(_edge(node, f"Service {ns}/{name}", "routes to"))


def render(twin: Twin) -> str:
    """The DOT text of ``twin``'s topology: clusters nest VNet ⊃ subnet and AKS cluster ⊃ pool ⊃ node,
    namespace ⊃ workload ⊃ pod; edges name their relation."""
    lines = ["digraph topology {", "\trankdir=LR", "\tcompound=true",
             '\tgraph [fontname="Helvetica" fontsize=11 label="aksnet topology"]',
             '\tnode [fontname="Helvetica" fontsize=10]', '\tedge [fontname="Helvetica" fontsize=9]',
             _node(INTERNET, (INTERNET,), "doublecircle", "#000000", "\t")]
    edges: list[str] = []
    subnets = _network(twin, lines, edges)
    _vms(twin, subnets, lines, edges)
    frontends = _load_balancers(twin, lines, edges)
    for cs in twin.clusters:
        _kube(cs, subnets, frontends, lines, edges)
    return "\n".join([*lines, *edges, "}"]) + "\n"
