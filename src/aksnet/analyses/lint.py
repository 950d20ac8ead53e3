"""``aksnet lint``: findings about a cluster's networking, each naming the resource, the rule and its source.

A pure function of the twin. Every check is a small function ``(Twin, ClusterState) -> list[Finding]`` in
:data:`CHECKS`; a finding's ``code`` is stable (tests and users filter on it). Severities: ``error`` (traffic
AKS needs is broken), ``warning`` (likely not what you want), ``info`` (worth knowing).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aksnet.analyses.answer import Answer
from aksnet.analyses.bootstrap import TROUBLESHOOT_URL, blocked_bootstrap
from aksnet.analyses.egress_required import blocked_endpoints
from aksnet.analyses.explain import selector_text
from aksnet.analyses.gateway_status import running_controllers
from aksnet.analyses.lint_gateway import gateway_backend_problems
from aksnet.analyses.lint_mesh import mesh_problems
from aksnet.analyses.lint_snat import snat_problems
from aksnet.engine import nsg as nsg_engine
from aksnet.engine.gateway.attach import route_states
from aksnet.engine.ingress import SUPPORTED_ANNOTATIONS
from aksnet.engine.ingress.model import ANNOTATION_PREFIX
from aksnet.engine.routing import effective_routes, select_route, udr_prefixes
from aksnet.model import azure, k8s
from aksnet.model.ids import IdKey, id_key
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules import aks_egress, istio
from aksnet.rules.aks import CSE_OUTBOUND_CHECK_HOST, LB_INTERNAL_ANNOTATION
from aksnet.rules.azure import HOST_VIP as AZURE_LB_PROBE_SOURCE
from aksnet.rules.kubernetes import KUBE_PROXY_HEALTHZ_PORT

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    severity: str
    code: str
    resource: str
    message: str
    source: str  # the documentation or rule behind the finding

    def as_dict(self) -> dict[str, str]:
        return {"severity": self.severity, "code": self.code, "resource": self.resource,
                "message": self.message, "source": self.source}


@dataclass(frozen=True, slots=True)
class LintReport:
    """``aksnet lint``'s result: the findings, in the order the checks found them."""

    findings: tuple[Finding, ...]

    def answer(self) -> Answer:
        """One row per finding, keyed by code, resource and message."""
        rows = tuple((f.code, f.resource, f.message, f.severity, f.source) for f in self.findings)
        return Answer("lint", ("Code", "Resource", "Message", "Severity", "Source"), ("Code", "Resource", "Message"),
                      rows)


@dataclass(frozen=True, slots=True)
class _Net:
    """Look-ups over the Azure side of the twin."""

    subnets: dict[IdKey, tuple[azure.VirtualNetwork, azure.Subnet]]
    nsgs: dict[IdKey, azure.NetworkSecurityGroup]
    route_tables: dict[IdKey, azure.RouteTable]
    nic_by_ip: dict[str, azure.NetworkInterface]

    @staticmethod
    def of(twin: Twin) -> _Net:
        subnets = {id_key(s.id): (v, s) for v in twin.vnets for s in v.subnets}
        nic_by_ip = {c.private_ip: n for n in twin.nics for c in n.ip_configurations}
        return _Net(subnets, {id_key(n.id): n for n in twin.nsgs}, {id_key(r.id): r for r in twin.route_tables},
                    nic_by_ip)

    def nsg(self, nsg_id: str | None) -> azure.NetworkSecurityGroup | None:
        return self.nsgs.get(id_key(nsg_id)) if nsg_id else None


def _cluster_name(state: ClusterState) -> str:
    return state.cluster.name if state.cluster else "cluster"


def check_kubenet_routes(twin: Twin, state: ClusterState) -> list[Finding]:
    """kubenet: every node's pod /24 must be routed to the node by the route table on the node subnet,
    or cross-node pod traffic is dropped [learn.microsoft.com/azure/aks/faq;
    kubernetes-sigs/cloud-provider-azure pkg/provider/azure_routes.go@7b31c76; AKS configure-kubenet]."""
    mc = state.cluster
    if mc is None or mc.network_profile.network_plugin != "kubenet":
        return []
    net = _Net.of(twin)
    out: list[Finding] = []
    for pool in mc.agent_pools:
        entry = net.subnets.get(id_key(pool.vnet_subnet_id))
        if entry is None:
            continue
        vnet, subnet = entry
        table = net.route_tables.get(id_key(subnet.route_table_id)) if subnet.route_table_id else None
        if table is None and subnet.route_table_id:
            continue  # associated, but its routes are not in the input (``--from-dir`` with only vnet show)
        if table is None:
            out.append(Finding("error", "AKSNET001", f"subnet {subnet.name}",
                               f"kubenet cluster {mc.name}: no route table is associated with subnet {subnet.name}; "
                               "pods on different nodes cannot reach each other",
                               "AKS configure-kubenet: UDRs and IP forwarding carry pod traffic between nodes"))
            continue
        routes = effective_routes(vnet, table)
        for node in state.nodes:
            if node.pool != pool.name or not node.pod_cidr:
                continue
            first_pod = str(ipaddress.IPv4Network(node.pod_cidr, strict=False).network_address + 2)
            r = select_route(routes, first_pod)
            if r is None or r.next_hop_type != "VirtualAppliance" or r.next_hop_ip != node.internal_ip:
                got = r.describe() if r else "no route"
                out.append(Finding("error", "AKSNET002", f"route table {table.name}",
                                   f"pod CIDR {node.pod_cidr} of node {node.name} is not routed to {node.internal_ip}"
                                   f" ({got})", "cloud-provider-azure CreateRoute: one route per node"))
    return out


def check_nsg_aks_traffic(twin: Twin, state: ClusterState) -> list[Finding]:
    """The NSGs on node subnets/NICs must let nodes talk to each other and let the Azure load balancer's
    health probes in [learn.microsoft.com/azure/virtual-network/network-security-groups-overview: Node→Node all;
    AllowAzureLoadBalancerInBound]."""
    mc = state.cluster
    if mc is None or len(state.nodes) == 0:
        return []
    net = _Net.of(twin)
    tags = nsg_engine.TagContext.of([p for v in twin.vnets for p in v.address_prefixes]
                                    + udr_prefixes(twin.route_tables))
    out: list[Finding] = []
    nodes = sorted(state.nodes, key=lambda n: n.name)
    for dst in nodes:
        nic = net.nic_by_ip.get(dst.internal_ip)
        subnet_id = next((c.subnet_id for c in nic.ip_configurations if c.private_ip == dst.internal_ip), None) \
            if nic else None
        entry = net.subnets.get(id_key(subnet_id)) if subnet_id else None
        subnet_nsg = net.nsg(entry[1].nsg_id) if entry else None
        nic_nsg = net.nsg(nic.nsg_id) if nic else None
        for src_ip, port, what, code in (
            (AZURE_LB_PROBE_SOURCE, KUBE_PROXY_HEALTHZ_PORT, "Azure load balancer health probes", "AKSNET011"),
            *[(n.internal_ip, 10250, f"node {n.name}", "AKSNET010") for n in nodes if n is not dst][:1],
        ):
            if src_ip == AZURE_LB_PROBE_SOURCE:
                # 168.63.129.16 is admitted by AllowAzureLoadBalancerInBound (65001); a rule above it that
                # denies the probe port makes the probes fail (Azure LB troubleshooting: health probe down).
                denied = _denies_probe(subnet_nsg, nic_nsg, dst.internal_ip, _probe_ports(state), tags)
                if denied:
                    out.append(Finding("error", code, f"nsg {denied}",
                                       "an inbound rule denies AzureLoadBalancer before AllowAzureLoadBalancerInBound: "
                                       f"{what} to node {dst.name} fail, so LoadBalancer Services lose their backends",
                                       "Azure NSG overview: AllowAzureLoadBalancerInBound (65001)"))
                continue
            for kind, d in nsg_engine.evaluate_path("Inbound", subnet_nsg, nic_nsg, src_ip, 40000, dst.internal_ip,
                                                    port, "TCP", tags):
                if not d.allowed:
                    out.append(Finding("error", code, f"nsg {d.nsg.name if d.nsg else '?'}",
                                       f"{what} cannot reach node {dst.name} on TCP {port}: {kind} NSG "
                                       f"{d.describe()}", "AKS concepts-network: Node to Node traffic must be allowed"))
    return _dedupe(out)


def _probe_ports(state: ClusterState) -> list[int]:
    """The ports Azure's health probes use on the nodes: each LoadBalancer Service's nodePort (ETP Cluster)
    or healthCheckNodePort (ETP Local) [kubernetes-sigs/cloud-provider-azure
    pkg/provider/azure_loadbalancer.go@7b31c76]; kube-proxy's 10256 when there is none."""
    ports = []
    for svc in state.services:
        if svc.type != "LoadBalancer":
            continue
        if svc.external_traffic_policy == "Local" and svc.health_check_node_port:
            ports.append(svc.health_check_node_port)
        ports += [p.node_port for p in svc.ports if p.node_port and p.protocol == "TCP"]
    return sorted(set(ports)) or [KUBE_PROXY_HEALTHZ_PORT]


def _denies_probe(subnet_nsg: azure.NetworkSecurityGroup | None, nic_nsg: azure.NetworkSecurityGroup | None,
                  node_ip: str, ports: list[int], tags: nsg_engine.TagContext) -> str | None:
    """The NSG rule that stops Azure's health probe on one of ``ports`` (the same judgement as the path engine's
    load balancer, ``nsg.health_probe_verdict``)."""
    for port in ports:
        d = nsg_engine.health_probe_verdict(subnet_nsg, nic_nsg, node_ip, port, tags)
        if d is not None and d.nsg is not None and d.rule is not None:
            return f"{d.nsg.name}/{d.rule.name}"
    return None


def check_policy_engine(twin: Twin, state: ClusterState) -> list[Finding]:
    """NetworkPolicies in a cluster without a policy engine are stored but not enforced [AKS use-network-policies]."""
    if state.policy_engine != "none" or not state.network_policies:
        return []
    names = ", ".join(p.key for p in state.network_policies[:5])
    return [Finding("warning", "AKSNET020", f"cluster {_cluster_name(state)}",
                    f"{len(state.network_policies)} NetworkPolicies ({names}) are not enforced: the cluster has no "
                    "network policy engine (--network-policy none)", "AKS use-network-policies")]


def check_unprotected_namespaces(twin: Twin, state: ClusterState) -> list[Finding]:
    """Application namespaces whose pods no NetworkPolicy selects accept traffic from everywhere."""
    system = {"kube-system", "kube-public", "kube-node-lease", "gatekeeper-system", "app-routing-system",
              istio.SYSTEM_NAMESPACE, istio.INGRESS_NAMESPACE}
    out = []
    for ns in sorted({p.namespace for p in state.pods if not p.host_network} - system):
        pods = [p for p in state.pods if p.namespace == ns and not p.host_network]
        policies = [n for n in state.network_policies if n.namespace == ns and "Ingress" in n.policy_types]
        if not any(n.pod_selector.matches(p.labels) for n in policies for p in pods) and \
                not _engine_policed(state, pods):
            out.append(Finding("info", "AKSNET021", f"namespace {ns}",
                               f"no ingress NetworkPolicy selects any of the {len(pods)} pods in namespace {ns}: "
                               "they accept connections from every pod and every address that reaches them",
                               "Kubernetes NetworkPolicy: pods are non-isolated until a policy selects them"))
    return out


def _engine_policed(state: ClusterState, pods: list[k8s.Pod]) -> bool:
    """One of the engine's own policies (Calico's, an AdminNetworkPolicy on Calico, Cilium's) applies to one of
    ``pods`` for ingress."""
    if not state.engine_policies:
        return False
    from aksnet.engine.netpol.evaluate import policed
    from aksnet.engine.netpol.peers import namespace_labels
    from aksnet.engine.netpol.profiles import get_profile

    profile, labels = get_profile(state.policy_engine), namespace_labels(state)
    return any(policed(state, p, "Ingress", profile, labels) for p in pods)


def check_policy_selectors(twin: Twin, state: ClusterState) -> list[Finding]:
    """NetworkPolicies whose podSelector matches no pod of their namespace: often an attempt to target a
    Service, a workload or a node by name,
    which NetworkPolicy cannot do [kubernetes.io/docs/concepts/services-networking/network-policies; k8s docs
    "What you can't do with network policies"]."""
    out = []
    for pol in state.network_policies:
        pods = [p for p in state.pods if p.namespace == pol.namespace and not p.host_network]
        if any(pol.pod_selector.matches(p.labels) for p in pods):
            continue
        out.append(Finding("info", "AKSNET022", f"networkpolicy {pol.key}",
                           f"podSelector {selector_text(pol.pod_selector)} matches none of the {len(pods)} pods in "
                           f"namespace {pol.namespace}: the policy isolates nothing. NetworkPolicy selects pods by "
                           "their labels; it cannot target a Service, a workload or a node by name",
                           "Kubernetes NetworkPolicy: what you can't do with network policies"))
    return out


def _selected_pods(state: ClusterState, svc: k8s.Service) -> list[k8s.Pod]:
    if not svc.selector:
        return []
    sel = svc.selector
    return [p for p in state.pods if p.namespace == svc.namespace and all(p.labels.get(k) == v for k, v in sel.items())]


def check_services(twin: Twin, state: ClusterState) -> list[Finding]:
    """Services that select no pod, target a port no selected pod declares, or expose a public load balancer
    to the whole internet [kubernetes.io/docs/concepts/services-networking/service;
    kubernetes-sigs/cloud-provider-azure pkg/provider/securitygroup@7b31c76]."""
    out: list[Finding] = []
    for svc in state.services:
        if svc.type == "ExternalName" or svc.selector is None or svc.namespace == "kube-system":
            continue
        res = f"service {svc.key}"
        pods = _selected_pods(state, svc)
        if not pods:
            out.append(Finding("warning", "AKSNET030", res, f"selector {dict(svc.selector)} matches no pod: the "
                               "Service has no endpoints and connections to it are rejected", "Kubernetes Service"))
            continue
        for sp in svc.ports:
            tp = sp.target_port or sp.port
            declared = [p for p in pods if any(
                (cp.name == tp if isinstance(tp, str) else cp.container_port == tp) and cp.protocol == sp.protocol
                for cp in p.ports)]
            if not declared:
                out.append(Finding("warning", "AKSNET031", res,
                                   f"port {sp.port}/{sp.protocol} targets {tp}, which no selected pod declares as a "
                                   "containerPort", "Kubernetes Service targetPort"))
        internal = svc.annotations.get(LB_INTERNAL_ANNOTATION, "").lower() == "true"
        if svc.type == "LoadBalancer" and not internal and not svc.load_balancer_source_ranges and not (
                svc.annotations.get("service.beta.kubernetes.io/azure-allowed-ip-ranges")
                or svc.annotations.get("service.beta.kubernetes.io/azure-allowed-service-tags")):
            ips = ", ".join(svc.load_balancer_ingress) or "its public IP"
            out.append(Finding("info", "AKSNET032", res, f"public load balancer {ips} admits the whole Internet "
                               "(no loadBalancerSourceRanges or azure-allowed-ip-ranges)",
                               "cloud-provider-azure: k8s-azure-lb_allow rule with source Internet"))
    return out


def check_ingresses(twin: Twin, state: ClusterState) -> list[Finding]:
    """Ingress backends and TLS secrets that do not exist [Ingress API; ingress-nginx default certificate]."""
    out: list[Finding] = []
    services = {s.key: s for s in state.services}
    secrets = {s.namespace + "/" + s.name for s in state.secrets}
    for ing in state.ingresses:
        res = f"ingress {ing.key}"
        backends = [p.backend for r in ing.rules for p in r.paths]
        if ing.default_backend:
            backends.append(ing.default_backend)
        for b in backends:
            if b.service_name is None:
                continue
            svc = services.get(f"{ing.namespace}/{b.service_name}")
            if svc is None:
                out.append(Finding("warning", "AKSNET040", res, f"backend service {b.service_name} does not exist: "
                                   "requests to it get 503", "ingress-nginx: no endpoints → 503"))
            elif b.service_port is not None and not any(
                    (p.name == b.service_port if isinstance(b.service_port, str) else p.port == b.service_port)
                    for p in svc.ports):
                out.append(Finding("warning", "AKSNET041", res,
                                   f"backend {b.service_name}:{b.service_port} names a port the Service does not have",
                                   "Ingress API: backend.service.port"))
        for key in sorted(ing.annotations):
            if key.startswith(ANNOTATION_PREFIX) and key[len(ANNOTATION_PREFIX):] not in SUPPORTED_ANNOTATIONS:
                out.append(Finding("warning", "AKSNET043", res, f"annotation {key} is not emulated by aksnet: trace, "
                                   "curl, matrix and the data plane answer as if it were absent (see docs/ingress.md)",
                                   "aksnet ingress-nginx emulation"))
        for t in ing.tls:
            if t.secret_name and f"{ing.namespace}/{t.secret_name}" not in secrets:
                out.append(Finding("warning", "AKSNET042", res, f"TLS secret {t.secret_name} does not exist: NGINX "
                                   "serves its default 'Kubernetes Ingress Controller Fake Certificate'",
                                   "ingress-nginx: default SSL certificate"))
    return out


def check_gateway_routes(twin: Twin, state: ClusterState) -> list[Finding]:
    """HTTPRoutes a Gateway does not accept, and backendRefs that do not resolve (a Service that does not exist,
    or one in another namespace without a ReferenceGrant) [gateway-api v1.2.1 shared_types.go RouteConditionType]."""
    out: list[Finding] = []
    for ps in route_states(state.gateway, running_controllers()):
        res = f"httproute {ps.route.namespace}/{ps.route.name}"
        parent = f"{ps.parent.namespace or ps.route.namespace}/{ps.parent.name}"
        for c in ps.conditions:
            if c.status == "True":
                continue
            if c.type == "Accepted":
                out.append(Finding("warning", "AKSNET044", res, f"not accepted by Gateway {parent} ({c.reason}): "
                                   f"{c.message}; no request reaches its rules there",
                                   "Gateway API: RouteConditionType Accepted"))
            elif c.reason == "RefNotPermitted":
                out.append(Finding("warning", "AKSNET045", res, f"{c.message}: add a ReferenceGrant in the "
                                   "backend's namespace; requests to that backend get 500",
                                   "Gateway API: ReferenceGrant"))
            else:
                out.append(Finding("warning", "AKSNET046", res, f"{c.message} ({c.reason}): requests to that "
                                   "backend get 500", "Gateway API: RouteConditionType ResolvedRefs"))
    return out


def check_gateway_backends(twin: Twin, state: ClusterState) -> list[Finding]:
    """Gateway backends without ready endpoints, and AGC associations that cannot reach a backend
    (``aksnet.analyses.lint_gateway``)."""
    return [Finding("warning", code, res, message, source)
            for code, res, message, source in gateway_backend_problems(twin, state)]


def check_api_server(twin: Twin, state: ClusterState) -> list[Finding]:
    """A public API server open to every address [AKS api-server-authorized-ip-ranges]."""
    mc = state.cluster
    if mc is None or mc.enable_private_cluster or mc.authorized_ip_ranges:
        return []
    return [Finding("info", "AKSNET050", f"cluster {mc.name}",
                    f"the API server {mc.fqdn or ''} is public and accepts connections from any address "
                    "(no --api-server-authorized-ip-ranges, not a private cluster)",
                    "AKS api-server-authorized-ip-ranges")]


def check_pending_pods(twin: Twin, state: ClusterState) -> list[Finding]:
    pending = [p for p in state.pods if p.phase == "Pending"]
    if not pending:
        return []
    names = ", ".join(p.key for p in pending[:5]) + (" …" if len(pending) > 5 else "")
    return [Finding("warning", "AKSNET060", f"cluster {_cluster_name(state)}",
                    f"{len(pending)} pods are Pending and have no IP ({names}); see 'aksnet kubectl describe pod'",
                    "kube-scheduler: maxPods, nodeSelector, taints")]


def check_node_bootstrap(twin: Twin, state: ClusterState) -> list[Finding]:
    """Nodes that cannot reach mcr.microsoft.com:443: new or re-imaged nodes fail to provision
    (OutboundConnFailVMExtensionError, exit status 50)."""
    mc = state.cluster
    if mc is None or mc.network_profile.outbound_type in ("none", "block"):
        return []
    blocked = blocked_bootstrap(twin, mc.id)
    if blocked is None:
        return []
    node, walk = blocked
    return [Finding("error", "AKSNET070", f"cluster {mc.name}",
                    f"node {node} cannot reach mcr.microsoft.com:443 ({walk.reason}): nodes that are created, "
                    "scaled or re-imaged fail to provision (VMExtensionProvisioningError, exit status 50)",
                    TROUBLESHOOT_URL)]


def check_required_egress(twin: Twin, state: ClusterState) -> list[Finding]:
    """AKS's required outbound endpoints the nodes cannot reach (``rules.aks_egress``): FQDN rules are errors
    (nodes cannot pull images, authenticate or reach the API server); the UDP 1194 / TCP 9000 tunnel, NTP and the
    API server's address are warnings (needed only without konnectivity-agent, by nodes older than March 2021, or
    by pods that call the API server by address). Each names the endpoint, what blocks it and the Azure Firewall
    article's rule for it. When the path itself is broken before any firewall (AKSNET070), it stays silent."""
    mc = state.cluster
    if mc is None or mc.network_profile.outbound_type in ("none", "block"):
        return []
    bootstrap = blocked_bootstrap(twin, mc.id)
    if bootstrap is not None and not any(h.component.startswith("Azure Firewall ") for h in bootstrap[1].hops):
        return []  # the egress path itself is broken (AKSNET070 says where), not a firewall rule
    endpoints = tuple(e for e in aks_egress.required(mc.enable_private_cluster, tunnel=True)
                      if e.destination != CSE_OUTBOUND_CHECK_HOST)  # mcr.microsoft.com: AKSNET070's
    out = []
    for b in blocked_endpoints(twin, mc.id, endpoints):
        e = b.endpoint
        soft = e.tunnel or e.port == 123 or e.destination == aks_egress.API_SERVER_IP
        rule = f"; the article's rule '{e.article_rule}' allows it" if e.article_rule else ""
        dest = e.destination.replace(aks_egress.REGION, mc.location)
        out.append(Finding("warning" if soft else "error", "AKSNET071" if soft else "AKSNET072",
                           f"cluster {mc.name}",
                           f"required egress {e.protocol}:{e.port} to {dest} ({b.name}) is blocked from node "
                           f"{b.node}: {b.walk.reason} — needed for {e.purpose}{rule}", aks_egress.SOURCE))
    return out


Check = Callable[[Twin, ClusterState], list[Finding]]
def check_mesh_injection_labels(twin: Twin, state: ClusterState) -> list[Finding]:
    """Sidecar injection labels the AKS service mesh add-on does not act on: ``istio-injection`` (the add-on
    injects only by ``istio.io/rev=asm-1-NN``; a namespace with ``istio-injection`` is not injected even when it
    also has ``istio.io/rev``) and ``istio.io/rev`` naming a revision whose istiod is not installed
    (https://learn.microsoft.com/azure/aks/istio-deploy-addon)."""
    installed = sorted({p.labels[istio.REVISION_LABEL] for p in state.pods
                        if p.namespace == istio.SYSTEM_NAMESPACE and istio.REVISION_LABEL in p.labels})
    if not installed:
        return []
    source = "learn.microsoft.com/azure/aks/istio-deploy-addon (sidecar injection)"
    out = []
    for ns in state.namespaces:
        rev = ns.labels.get(istio.REVISION_LABEL)
        if istio.INJECTION_LABEL in ns.labels:
            out.append(Finding("warning", "AKSNET080", f"namespace {ns.name}",
                               f"namespace {ns.name} is labelled {istio.INJECTION_LABEL}="
                               f"{ns.labels[istio.INJECTION_LABEL]}, which the AKS service mesh add-on does not "
                               f"honour: its pods get no sidecar; label it {istio.REVISION_LABEL}={installed[0]} "
                               f"and remove {istio.INJECTION_LABEL}", source))
        elif rev is not None and rev not in installed:
            out.append(Finding("warning", "AKSNET081", f"namespace {ns.name}",
                               f"namespace {ns.name} is labelled {istio.REVISION_LABEL}={rev}, but the mesh runs "
                               f"revision {', '.join(installed)}: its pods get no sidecar", source))
    return out


def check_mesh_security(twin: Twin, state: ClusterState) -> list[Finding]:
    """Istio AuthorizationPolicies nothing enforces and STRICT workloads with plaintext clients
    (``aksnet.analyses.lint_mesh``)."""
    return [Finding("warning", code, res, message, source) for code, res, message, source in mesh_problems(state)]


CHECKS: tuple[Check, ...] = (
    check_kubenet_routes, check_nsg_aks_traffic, check_policy_engine, check_unprotected_namespaces,
    check_policy_selectors, check_services, check_ingresses, check_gateway_routes, check_gateway_backends,
    check_api_server,
    check_pending_pods, check_node_bootstrap, check_required_egress, check_mesh_injection_labels,
    check_mesh_security,
)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        k = (f.code, f.resource, f.message)
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def lint(twin: Twin, cluster_id: str | None = None, connections_per_node: int | None = None) -> list[Finding]:
    """Every finding for the clusters of the twin (or only ``cluster_id``), most severe first;
    ``connections_per_node`` is a stated outbound load the SNAT check (AKSNET073) judges."""
    states = [s for s in twin.clusters
              if cluster_id is None or (s.cluster is not None and id_key(s.cluster.id) == id_key(cluster_id))]
    findings = [f for s in states for check in CHECKS for f in check(twin, s)]
    findings += [Finding(*raw) for s in states for raw in snat_problems(twin, s, connections_per_node)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(_dedupe(findings), key=lambda f: (order[f.severity], f.code, f.resource, f.message))
