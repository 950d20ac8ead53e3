"""``aksnet explain --exposure``: what the cluster exposes to the internet and to the VNet, and through what.

Three kinds of exposure, each verified by walking a real flow through the path engine (``aksnet.engine.walk``):

* **load balancer**: every ``LoadBalancer`` Service's frontend (``status.loadBalancer.ingress``) on each Service
  port: a public frontend walked from an internet client, an internal one from a VM of the VNet; the entry names
  the NSG rule that admits the flow (the first inbound NSG decision, e.g. cloud-provider-azure's
  ``k8s-azure-lb_allow_IPv4_…``) or the hop that blocks it, and ``loadBalancerSourceRanges``;
* **node port**: every NodePort (of NodePort and LoadBalancer Services) on a node's address, walked from a VM
  of the VNet (kube-proxy opens the node port on every node; AKS nodes have no public address by default);
* **gateway**: every route rule a Gateway API Gateway publishes (AGC frontends, Istio-deployed Gateways),
  verified with a request through ``aksnet curl``'s analysis (``aksnet.analyses.exposure_gateway``);
* **ingress**: every (host, path) → Service an ingress-nginx controller serves
  (``aksnet.engine.ingress.list_exposures``): the controller Service's public frontend is walked from the
  internet, the request is routed by ``route_request`` and the controller pod → backend pod leg is walked for
  every endpoint, so a backend whose NetworkPolicies shut the controller out is listed as blocked with the
  deciding policy.

Client addresses: ``internet/198.51.100.10`` (trace's default) unless ``loadBalancerSourceRanges`` or an
allowlist exclude it, then the first address of the first public range; a public frontend is also walked from
every internet source range the NSGs on the nodes or ``loadBalancerSourceRanges`` distinguish (its first
address), and from any other address (``source_classes``). The VNet client is the first VM (by name) that is not
a node. Pure: twin in, :class:`ExposureReport` out; never prints.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field, replace
from typing import Any

from aksnet.analyses.answer import Answer
from aksnet.analyses.exposure_gateway import GatewayExposure, gateway_entries
from aksnet.analyses.matrix import workload_key
from aksnet.engine.addressing import Topology, is_internet_address
from aksnet.engine.flow import Site, Walk
from aksnet.engine.ingress import ControllerView, Exposure, controller_of_pod
from aksnet.engine.walk import Walker
from aksnet.model import azure, k8s
from aksnet.model.ids import IdKey, id_key
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT

REACHABLE, BLOCKED, UNTESTED = "reachable", "blocked", "untested"


@dataclass(frozen=True, slots=True)
class FrontendExposure:
    """One address:port of a Service reachable (or not) from ``scope`` (``internet`` or ``vnet``)."""

    scope: str
    kind: str  # "load balancer" | "node port"
    service: str  # ns/name
    address: str
    port: int
    protocol: str
    via: str  # "lb/<lb>/<frontend>" or "node/<name>"
    workloads: tuple[str, ...]
    status: str
    client: str  # the source the walk started from
    rule: str  # the NSG rule that admits it, or the hop that blocks it
    source_ranges: tuple[str, ...] = ()
    target: str = ""  # the pod and port the walk reached
    pods: tuple[str, ...] = ()  # "ns/name[Pod]" the Service selects
    outside: str = ""  # with source ranges: what happens to an internet client outside them
    # every internet source range the NSGs or loadBalancerSourceRanges distinguish: (range, client, status, rule)
    by_source: tuple[tuple[str, str, str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "kind": self.kind, "service": self.service, "address": self.address,
                "port": self.port, "protocol": self.protocol, "via": self.via, "workloads": list(self.workloads),
                "status": self.status, "client": self.client, "rule": self.rule,
                "loadBalancerSourceRanges": list(self.source_ranges), "reached": self.target,
                "outsideSourceRanges": self.outside or None,
                "bySourceRange": [{"range": r, "client": c, "status": st, "rule": rule}
                                  for r, c, st, rule in self.by_source]}


@dataclass(frozen=True, slots=True)
class BackendReach:
    """One workload behind an ingress route: reachable from the controller pods or blocked (with the rule)."""

    workload: str  # "ns/name[Kind]"
    pods: tuple[str, ...]  # "ns/name[Pod]" of the endpoints the controller reaches
    status: str
    rule: str


@dataclass(frozen=True, slots=True)
class IngressExposure:
    """One URL an ingress controller serves from its public frontend, and the workloads it leads to."""

    controller: str  # the IngressClass name (e.g. nginx)
    controller_service: str
    address: str
    url: str  # scheme://host/path (host "*" → the frontend address)
    port: int
    ingress: str
    host: str
    path: str
    path_type: str
    service: str | None
    service_port: int | str | None
    tls: bool
    status: str  # reachable | blocked | a short reason ("HTTP 403", "no endpoints")
    client: str
    rule: str  # the frontend decision (NSG rule), or why nothing is proxied
    backends: tuple[BackendReach, ...] = ()
    canary: bool = False
    frontend: str = BLOCKED  # whether the client reached a controller pod through the frontend
    allowlist: tuple[str, ...] = ()  # nginx.ingress.kubernetes.io/whitelist-source-range (or the ConfigMap's)
    outside: str = ""  # with source ranges or an allowlist: what an internet client outside them gets

    def to_json(self) -> dict[str, Any]:
        return {"controller": self.controller, "controllerService": self.controller_service,
                "address": self.address, "url": self.url, "port": self.port, "ingress": self.ingress,
                "host": self.host, "path": self.path, "pathType": self.path_type, "service": self.service,
                "servicePort": self.service_port, "tls": self.tls, "canary": self.canary, "status": self.status,
                "frontend": self.frontend, "allowlist": list(self.allowlist),
                "outsideSourceRanges": self.outside or None,
                "client": self.client, "rule": self.rule,
                "backends": [{"workload": b.workload, "pods": list(b.pods), "status": b.status, "rule": b.rule}
                             for b in self.backends]}


@dataclass(slots=True)
class ExposureReport:
    frontends: list[FrontendExposure] = field(default_factory=list)
    ingresses: list[IngressExposure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    gateways: list[GatewayExposure] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"internet": [f.to_json() for f in self.frontends if f.scope == "internet"],
                "vnet": [f.to_json() for f in self.frontends if f.scope == "vnet"],
                "ingress": [i.to_json() for i in self.ingresses],
                "gateway": [g.to_json() for g in self.gateways], "notes": self.notes}

    def answer(self) -> Answer:
        """One row per exposed frontend or node port and per ingress route, keyed by where it is reached
        (scope, address, port, protocol, URL)."""
        rows = [("frontend", f.scope, f.address, str(f.port), f.protocol, "", f.service, ", ".join(f.workloads),
                 f.status, f.rule) for f in self.frontends]
        rows += [("ingress", "internet", i.address, str(i.port), "TCP", i.url, i.service or "",
                  ", ".join(b.workload for b in i.backends), i.status, i.rule) for i in self.ingresses]
        rows += [("gateway", "internet", g.address, str(g.port), "TCP", g.url, ", ".join(g.backends),
                  ", ".join(g.workloads), g.status, f"{g.gateway} listener {g.listener}, {g.route} rule {g.rule}")
                 for g in self.gateways]
        return Answer("exposure", ("Kind", "Scope", "Address", "Port", "Protocol", "URL", "Service", "Workloads",
                                   "Status", "Rule"),
                      ("Kind", "Scope", "Address", "Port", "Protocol", "URL"), tuple(rows), tuple(self.notes))

    def for_workload(self, workload: str, pods: tuple[str, ...] = ()) -> ExposureReport:
        """The entries that lead to ``workload`` ("ns/name[Kind]") or to one of ``pods`` ("ns/name[Pod]")."""
        return ExposureReport(
            [f for f in self.frontends if workload in f.workloads or set(pods) & set(f.pods)],
            [i for i in self.ingresses if any(b.workload == workload or set(pods) & set(b.pods) for b in i.backends)],
            list(self.notes),
            [g for g in self.gateways if workload in g.workloads or set(pods) & set(g.pods)])


# -- helpers ---------------------------------------------------------------------------------------------

def workload_name(pod: k8s.Pod) -> str:
    k = workload_key(pod)
    return f"{k[0]}/{k[2]}[{k[1]}]"


def selected_pods(topo: Topology, svc: k8s.Service) -> list[k8s.Pod]:
    """The running pods a Service's selector picks (Kubernetes Service selector semantics)."""
    sel = svc.selector or {}
    if not sel:
        return []
    return sorted((p for p in topo.pods_by_namespace.get(svc.namespace, ())
                   if p.phase == "Running" and all(p.labels.get(k) == v for k, v in sel.items())),
                  key=lambda p: p.name)


def _workloads(pods: list[k8s.Pod]) -> tuple[str, ...]:
    return tuple(sorted({workload_name(p) for p in pods}))


def _pod_names(pods: list[k8s.Pod]) -> tuple[str, ...]:
    return tuple(f"{p.namespace}/{p.name}[Pod]" for p in pods)


def internet_client(ranges: tuple[str, ...]) -> str:
    """trace's internet client, or, when ``ranges`` (loadBalancerSourceRanges / allowlist) exclude it, the first
    address of the first public range (so the entry shows what the ranges admit)."""
    nets = []
    for r in ranges:
        try:
            nets.append(ipaddress.IPv4Network(r.strip(), strict=False))
        except ValueError:
            continue
    default = ipaddress.IPv4Address(DEFAULT_INTERNET_CLIENT)
    if not nets or any(default in n for n in nets):
        return DEFAULT_INTERNET_CLIENT
    for n in nets:
        host = n.network_address + (1 if n.num_addresses > 2 else 0)
        if is_internet_address(str(host)):
            return str(host)
    return DEFAULT_INTERNET_CLIENT


def _first_public(prefix: str) -> str | None:
    """The first usable address of a public range (the network address itself for a /31 or /32)."""
    try:
        net = ipaddress.IPv4Network(prefix.strip(), strict=False)
    except ValueError:
        return None  # a service tag (Internet, AzureLoadBalancer …) or "*": no range of its own
    host = str(net.network_address + (1 if net.num_addresses > 2 else 0))
    return host if is_internet_address(host) else None


def source_classes(topo: Topology, svc: k8s.Service) -> list[tuple[str, str]]:
    """(range, client) for every internet source range that can be treated differently on the way to ``svc``'s
    public frontend: ``loadBalancerSourceRanges`` and the public source prefixes of the inbound rules of the
    NSGs on the cluster's nodes (subnet and NIC), each tested from its first address, then every other
    address (trace's internet client). Ranges are listed in the order found, duplicates dropped."""
    prefixes = list(svc.load_balancer_source_ranges)
    groups: dict[IdKey, azure.NetworkSecurityGroup] = {}
    for node in sorted(topo.nodes.values(), key=lambda n: n.name):
        nic = topo.nic_of_node(node)
        subnet = topo.subnet_of_ip(node.internal_ip)
        for gid in ((subnet.nsg_id if subnet else None), (nic.nsg_id if nic else None)):
            g = topo.nsgs.get(id_key(gid))
            if g is not None:
                groups.setdefault(id_key(g.id), g)
    for g in groups.values():
        prefixes += [p for r in g.rules if r.direction.lower() == "inbound" for p in r.source_prefixes]
    out: list[tuple[str, str]] = []
    for p in prefixes:
        client = _first_public(p)
        if client is not None and all(c != client for _, c in out):
            out.append((p.strip(), client))
    if out and all(c != DEFAULT_INTERNET_CLIENT for _, c in out):
        out.append(("any other address", DEFAULT_INTERNET_CLIENT))
    return out


def deciding_rule(walk: Walk) -> str:
    """The hop that decided a walk: the blocking hop when it was not delivered, else the first inbound NSG
    decision (the rule that admitted the flow into the VNet), else the walk's reason."""
    if not walk.delivered:
        hop = next((h for h in walk.hops if h.decision in ("deny", "drop", "refuse")), None)
        return f"{hop.component}: {hop.rule}" if hop else walk.reason
    hop = next((h for h in walk.hops if h.component.startswith("NSG inbound")), None)
    return f"{hop.component}: {hop.rule}" if hop else "no NSG on the path"


def _target(walk: Walk) -> str:
    b = walk.backend
    return f"{b.kind} {b.name} {b.ip}:{b.port}" if b is not None else ""


class _Sources:
    """The clients exposure is tested from: internet hosts, and one VM of the VNet (not a node)."""

    def __init__(self, topo: Topology) -> None:
        node_ips = {n.internal_ip for n in topo.nodes.values()}
        self.vnet: Site | None = None
        for vm in sorted(topo.twin.vms, key=lambda v: v.name.lower()):
            nic = topo.nic_of_vm(vm)
            if nic is not None and nic.primary_ip and nic.primary_ip not in node_ips:
                self.vnet = Site("vm", nic.primary_ip, f"vm/{vm.name}", vm=vm, nic=nic)
                break

    @staticmethod
    def internet(ranges: tuple[str, ...] = ()) -> Site:
        ip = internet_client(ranges)
        return Site("internet", ip, f"internet/{ip}")


# -- load balancers and node ports ------------------------------------------------------------------------

def _frontend_entries(topo: Topology, walker: Walker, sources: _Sources, svc: k8s.Service) -> list[FrontendExposure]:
    out: list[FrontendExposure] = []
    sel = selected_pods(topo, svc)
    wl, pn = _workloads(sel), _pod_names(sel)
    for ip in svc.load_balancer_ingress:
        owner = topo.owner(ip)
        via = f"lb/{owner.lb.name}/{owner.frontend.name}" if owner.lb and owner.frontend else f"address {ip}"
        public = owner.public_ip is not None or (owner.kind != "lb-frontend" and is_internet_address(ip))
        scope = "internet" if public else "vnet"
        for sp in svc.ports:
            site = sources.internet(svc.load_balancer_source_ranges) if public else sources.vnet
            if site is None:
                out.append(FrontendExposure(scope, "load balancer", svc.key, ip, sp.port, sp.protocol, via, wl,
                                            UNTESTED, "", "no VM outside the cluster in the VNet to test from",
                                            svc.load_balancer_source_ranges, "", pn))
                continue
            w = walker.walk(site, ip, sp.port, sp.protocol)
            outside = ""
            if public and site.ip != DEFAULT_INTERNET_CLIENT:
                o = walker.walk(sources.internet(), ip, sp.port, sp.protocol)
                outside = f"{REACHABLE if o.delivered else BLOCKED} from {DEFAULT_INTERNET_CLIENT} — {deciding_rule(o)}"
            by_source: list[tuple[str, str, str, str]] = []
            for label, client in source_classes(topo, svc) if public else ():
                c = walker.walk(Site("internet", client, f"internet/{client}"), ip, sp.port, sp.protocol)
                by_source.append((label, client, REACHABLE if c.delivered else BLOCKED, deciding_rule(c)))
            out.append(FrontendExposure(scope, "load balancer", svc.key, ip, sp.port, sp.protocol, via, wl,
                                        REACHABLE if w.delivered else BLOCKED, w.source.name, deciding_rule(w),
                                        svc.load_balancer_source_ranges, _target(w), pn, outside,
                                        tuple(by_source)))
    return out


def _node_port_entries(topo: Topology, walker: Walker, sources: _Sources, svc: k8s.Service) -> list[FrontendExposure]:
    nodes = sorted(topo.nodes.values(), key=lambda n: n.name)
    if not nodes:
        return []
    node = nodes[0]
    sel = selected_pods(topo, svc)
    wl, pn = _workloads(sel), _pod_names(sel)
    out = []
    for sp in svc.ports:
        if not sp.node_port:
            continue
        site = sources.vnet
        if site is None:
            out.append(FrontendExposure("vnet", "node port", svc.key, node.internal_ip, sp.node_port, sp.protocol,
                                        f"node/{node.name}", wl, UNTESTED, "",
                                        "no VM outside the cluster in the VNet to test from", (), "", pn))
            continue
        w = walker.walk(site, node.internal_ip, sp.node_port, sp.protocol)
        out.append(FrontendExposure("vnet", "node port", svc.key, node.internal_ip, sp.node_port, sp.protocol,
                                    f"node/{node.name}", wl, REACHABLE if w.delivered else BLOCKED, site.name,
                                    deciding_rule(w), (), _target(w), pn))
    return out


# -- ingress ------------------------------------------------------------------------------------------------

def controller_services(topo: Topology, controller: str) -> list[k8s.Service]:
    """The LoadBalancer Services in front of a controller's pods (the Helm chart's ``…-controller``, the
    application routing add-on's ``app-routing-system/nginx``)."""
    out = []
    for svc in sorted(topo.services.values(), key=lambda s: s.key):
        if svc.type == "LoadBalancer" and svc.load_balancer_ingress and any(
                controller_of_pod(p) == controller for p in selected_pods(topo, svc)):
            out.append(svc)
    return out


def _backends(topo: Topology, walker: Walker, controller_pod: k8s.Pod, endpoints: list[tuple[str, int]]
              ) -> tuple[BackendReach, ...]:
    site = Site("pod", controller_pod.pod_ip or "", controller_pod.key, pod=controller_pod,
                node=topo.nodes.get(controller_pod.node_name or ""))
    per: dict[str, list[tuple[str, Walk]]] = {}
    for ip, port in endpoints:
        pod = topo.pod_by_ip.get(ip)
        name = workload_name(pod) if pod else ip
        per.setdefault(name, []).append((f"{pod.namespace}/{pod.name}[Pod]" if pod else ip,
                                         walker.walk(site, ip, port, "TCP")))
    out = []
    for name, walks in sorted(per.items()):
        ok = tuple(p for p, w in walks if w.delivered)
        bad = [w for _, w in walks if not w.delivered]
        status = REACHABLE if not bad else BLOCKED if not ok else "partly reachable"
        rule = deciding_rule(bad[0]) if bad else deciding_rule_policy(walks[0][1])
        out.append(BackendReach(name, ok, status, rule))
    return tuple(out)


def deciding_rule_policy(walk: Walk) -> str:
    """For a delivered controller → backend leg: the NetworkPolicy ingress decision at the backend pod."""
    hop = next((h for h in walk.hops if h.component.startswith("NetworkPolicy ingress")), None)
    return f"{hop.component}: {hop.rule}" if hop else walk.reason


def _url(scheme: str, host: str, address: str, path: str) -> str:
    return f"{scheme}://{address if host == '*' else host}{path or '/'}"


def _ingress_entries(topo: Topology, walker: Walker, sources: _Sources, controller: str) -> list[IngressExposure]:
    from aksnet.engine import ingress

    view = ingress.controller_view(topo.state, controller)
    exposures = ingress.list_exposures(view)
    out: list[IngressExposure] = []
    cls = view.config.ingress_class
    for svc in controller_services(topo, controller):
        for address in svc.load_balancer_ingress:
            for ex in exposures:
                schemes = ("https",) if ex.tls and ex.ssl_redirect else ("http", "https") if ex.tls else ("http",)
                for scheme in schemes:
                    site = sources.internet(tuple(svc.load_balancer_source_ranges) + tuple(ex.allowlist))
                    e = _one_ingress(topo, walker, site, view, cls, svc, address, ex, scheme)
                    if site.ip != DEFAULT_INTERNET_CLIENT:
                        o = _one_ingress(topo, walker, sources.internet(), view, cls, svc, address, ex, scheme)
                        e = replace(e, outside=f"{o.status} from {DEFAULT_INTERNET_CLIENT} — {o.rule}")
                    out.append(e)
    return out


def _one_ingress(topo: Topology, walker: Walker, site: Site, view: ControllerView, cls: str,
                 svc: k8s.Service, address: str, ex: Exposure, scheme: str) -> IngressExposure:
    from aksnet.engine import ingress

    port = 443 if scheme == "https" else 80
    sp = next((p for p in svc.ports if p.port == port and p.protocol.upper() == "TCP"), None)
    url = _url(scheme, ex.host, address, ex.path)

    def entry(status: str, rule: str, backends: tuple[BackendReach, ...] = (), front: str = REACHABLE
              ) -> IngressExposure:
        return IngressExposure(cls, svc.key, address, url, port, ex.ingress, ex.host, ex.path, ex.path_type,
                               ex.service, ex.service_port, ex.tls, status, site.name, rule, backends, ex.canary,
                               front, ex.allowlist)

    if sp is None:
        return entry(BLOCKED, f"Service {svc.key} has no TCP port {port}", (), BLOCKED)
    first = walker.walk(site, address, port, "TCP")
    if not first.delivered or first.backend is None or first.backend.pod is None:
        return entry(BLOCKED, deciding_rule(first), (), BLOCKED)
    controller_pod = first.backend.pod
    front_rule = deciding_rule(first)
    host = address if ex.host == "*" else ex.host
    request = ingress.HttpRequest(scheme=scheme, host=host, path=ex.path or "/", port=first.backend.port,
                                  remote_addr=first.backend.client_ip, sni=host)
    d = ingress.route_request(view, request)
    if d.action != ingress.PROXY:
        return entry(f"HTTP {d.status}", f"{front_rule}; ingress-nginx answers {d.status} itself "
                                         f"({d.steps[-1] if d.steps else d.action})")
    if d.service != ex.service:
        if ex.canary:
            return entry(UNTESTED, f"{front_rule}; canary backend: chosen by header, cookie or weight, not by a "
                                   "plain request")
        return entry(UNTESTED, f"{front_rule}; a request for {url} is routed to {d.service} instead")
    if not d.endpoints:
        return entry("no endpoints", f"{front_rule}; Service {ex.service} has no ready endpoints (503)")
    backends = _backends(topo, walker, controller_pod, [(e.ip, e.port) for e in d.endpoints])
    status = REACHABLE if any(b.status != BLOCKED for b in backends) else BLOCKED
    return entry(status, front_rule, backends)


# -- the question ---------------------------------------------------------------------------------------------

def compute_exposure(topo: Topology, walker: Walker | None = None, *, ingress_only: bool = False
                     ) -> ExposureReport:
    """Everything the focused cluster exposes to the internet and to the VNet (see the module docstring);
    ``ingress_only`` skips the load balancer and node port entries."""
    from aksnet.engine import ingress

    walker = walker or Walker(topo)
    sources = _Sources(topo)
    report = ExposureReport()
    services = [] if ingress_only else sorted(topo.services.values(), key=lambda s: s.key)
    for svc in services:
        if svc.type == "LoadBalancer":
            report.frontends += _frontend_entries(topo, walker, sources, svc)
            if not svc.load_balancer_ingress:
                report.notes.append(f"Service {svc.key}: type LoadBalancer without a frontend address yet "
                                    "(EXTERNAL-IP <pending>): not exposed through a load balancer")
    for svc in services:
        if svc.type in ("NodePort", "LoadBalancer"):
            report.frontends += _node_port_entries(topo, walker, sources, svc)
    for controller in ingress.ingress_controllers(topo.state):
        report.ingresses += _ingress_entries(topo, walker, sources, controller)
    report.gateways = gateway_entries(topo, walker)
    if sources.vnet is None:
        report.notes.append("no VM outside the cluster in the VNet: VNet exposure is not tested (create one with "
                            "'aksnet az vm create')")
    else:
        report.notes.append(f"VNet exposure tested from {sources.vnet.name} ({sources.vnet.ip})")
    return report


# -- matrix rows ------------------------------------------------------------------------------------------------

INTERNET_PEER = "internet"


def matrix_rows(report: ExposureReport, pods: bool = False, namespace: str | None = None,
                focus: str | None = None) -> list[tuple[str, str, str]]:
    """``internet => WORKLOAD : via ingress CLASS URL (TCP PORT)`` rows (source, destination, connection text)
    for every workload (or, with ``pods``, pod) an ingress route reaches from the internet; ``namespace`` and
    ``focus`` (a workload's name or ns/name) filter the destinations as ``aksnet matrix`` does."""
    out: dict[tuple[str, str, str], None] = {}
    for e in report.ingresses:
        for b in e.backends:
            wl = b.workload.rsplit("[", 1)[0]
            if not b.pods or (namespace is not None and wl.split("/", 1)[0] != namespace):
                continue
            if focus is not None and focus not in (wl, wl.partition("/")[2]) and not any(
                    focus in (p.rsplit("[", 1)[0], p.rsplit("[", 1)[0].partition("/")[2]) for p in b.pods):
                continue
            conn = f"via ingress {e.controller} {e.url} (TCP {e.port})"
            for dst in (b.pods if pods else (b.workload,)):
                out[(INTERNET_PEER, dst, conn)] = None
    for g in report.gateways:
        for wl, pod in zip(g.workloads, g.pods):
            name = wl.rsplit("[", 1)[0]
            if (namespace is not None and name.split("/", 1)[0] != namespace) or (
                    focus is not None and focus not in (name, name.partition("/")[2])):
                continue
            filters = f" filters {', '.join(g.filters)}" if g.filters else ""
            conn = (f"via Gateway {g.gateway} listener {g.listener} {g.route} rule {g.rule}{filters} {g.url} "
                    f"(TCP {g.port})")
            out[(INTERNET_PEER, pod if pods else wl, conn)] = None
    return sorted(out)
