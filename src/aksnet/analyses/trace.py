"""``trace``: one flow from FROM to TO walked hop by hop (pure; the CLI renders the result).

FROM: ``KIND/NAME`` or ``KIND/NAMESPACE/NAME`` with KIND in pod deploy sts ds svc node vm, ``internet`` or
``internet/IP``, or a bare IP. TO: the same kinds, ``svc/NS/NAME:PORT``, an IP, or a DNS name (resolved as
the source sees it: CoreDNS for pods, Azure DNS with linked private zones for VMs and nodes, public DNS for
the internet). A workload stands for every one of its pods; the flow is delivered only if every pair is (a pod
without an address, Pending or not started, is reported as a flow that cannot start or be reached).
Bad input raises :class:`aksnet.errors.UsageError` (exit 2) with kubectl-style messages.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from aksnet.analyses.answer import Answer
from aksnet.analyses.stream_proxy import through_stream_proxy
from aksnet.engine import resolve
from aksnet.engine.addressing import Topology, is_internet_address
from aksnet.engine.flow import DELIVERED, DROPPED, UNRESOLVED, Hop, Site, Walk
from aksnet.engine.lookup import lookup, timeout_reason
from aksnet.engine.walk import Walker
from aksnet.errors import UsageError
from aksnet.model import azure, k8s
from aksnet.model.ids import id_key
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT

# The client address used for ``internet`` without an address: TEST-NET-2 (RFC 5737), documented.
PROTOCOLS = ("TCP", "UDP", "SCTP")
KINDS = {"pod": "Pod", "po": "Pod", "pods": "Pod", "deploy": "Deployment", "deployment": "Deployment",
         "sts": "StatefulSet", "statefulset": "StatefulSet", "ds": "DaemonSet", "daemonset": "DaemonSet",
         "svc": "Service", "service": "Service", "node": "Node", "no": "Node", "vm": "VM"}
_RESOURCE = {"Pod": "pods", "Deployment": "deployments.apps", "StatefulSet": "statefulsets.apps",
             "DaemonSet": "daemonsets.apps", "Service": "services", "Node": "nodes"}
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(rf"^(?=.{{1,253}}\.?$){_LABEL}(\.{_LABEL})*\.?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Target:
    """Where a flow goes: ``kind`` pod, service, node, vm, ip, dns, internet; ``ips`` empty for DNS names
    (resolved per source)."""

    kind: str
    name: str
    ips: tuple[str, ...]
    port: int | None
    pods: tuple[k8s.Pod, ...] = ()
    # the addresses an outside client (VM, internet) uses instead: a Service's status.loadBalancer.ingress;
    # for a VM or node destination traced from the internet, its instance-level public IPs
    load_balancer_ips: tuple[str, ...] = ()


# The verdict of a URL trace that ingress-nginx answered itself (redirect, 403, 404, 503 …).
ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class HttpOutcome:
    """What the client got for a URL trace (``aksnet trace FROM URL``): curl's view of the answer."""

    status: int | None
    status_line: str
    answered_by: str  # "backend", "ingress-nginx" or "" (no HTTP answer)
    response_headers: tuple[tuple[str, str], ...]
    body: str
    error: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TraceResult:
    source_text: str
    target: Target
    protocol: str
    walks: tuple[Walk, ...]
    http: tuple[HttpOutcome, ...] = ()  # one per walk for a URL trace, else empty

    @property
    def verdict(self) -> str:
        if all(w.delivered for w in self.walks):
            return DELIVERED
        return next(w.verdict for w in self.walks if not w.delivered)

    @property
    def delivered(self) -> bool:
        return bool(self.walks) and all(w.delivered for w in self.walks)

    @property
    def deciding(self) -> Walk:
        """The walk that decides the verdict: the first one not delivered, else the first one."""
        return next((w for w in self.walks if not w.delivered), self.walks[0])

    def answer(self) -> Answer:
        """One row per hop of each flow (keyed by the flow and the hop's position), then the flow's verdict
        (hop ``=>``) and, for a URL, what the client got (hop ``http``)."""
        rows: list[tuple[str, ...]] = []
        for n, w in enumerate(self.walks):
            flow = f"{w.source.name} → {self.target.name} ({w.dst_ip or self.target.name}:{w.dst_port}/{w.protocol})"
            rows += [(flow, f"{i:02d}", h.component, h.decision, h.rule) for i, h in enumerate(w.hops, 1)]
            rows.append((flow, "=>", "verdict", w.verdict, w.reason))
            if n < len(self.http):
                h = self.http[n]
                rows.append((flow, "http", h.answered_by, h.status_line, h.error or "; ".join(h.notes)))
        return Answer("trace", ("Flow", "Hop", "Component", "Decision", "Rule"), ("Flow", "Hop"), tuple(rows),
                      (f"verdict: {self.verdict}",))


def _not_found(kind: str, name: str) -> UsageError:
    return UsageError(f'Error from server (NotFound): {_RESOURCE.get(kind, kind.lower() + "s")} "{name}" not found')


def _split(text: str, namespace: str) -> tuple[str, str, str]:
    """``KIND/NAME`` or ``KIND/NS/NAME`` → (Kind, namespace, name)."""
    parts = text.split("/")
    kind = KINDS.get(parts[0].lower())
    if kind is None or len(parts) not in (2, 3) or not all(parts):
        raise UsageError(f'error: "{text}" is not a valid endpoint: use KIND/NAME or KIND/NAMESPACE/NAME with KIND '
                         "in pod deploy sts ds svc node vm, internet[/IP], an IP address or (as destination) a DNS "
                         "name")
    if len(parts) == 3:
        if kind in ("Node", "VM"):
            raise UsageError(f'error: "{text}": {parts[0]} names are not namespaced; use {parts[0]}/NAME')
        return kind, parts[1], parts[2]
    return kind, namespace, parts[1]


def _is_ip(text: str) -> bool:
    """An IPv4 or IPv6 address (dual-stack clusters give pods, Services and frontends IPv6 addresses)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _check_ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise UsageError(f'error: "{text}" is not a valid IP address') from None


def _workload_pods(topo: Topology, kind: str, ns: str, name: str) -> list[k8s.Pod]:
    if kind == "Pod":
        pod = topo.pods.get(f"{ns}/{name}")
        if pod is None:
            raise _not_found(kind, name)
        return [pod]
    if kind == "Service":
        svc = topo.services.get(f"{ns}/{name}")
        if svc is None:
            raise _not_found(kind, name)
        sel = svc.selector or {}
        pods = [p for p in topo.pods_by_namespace.get(ns, ()) if sel and all(p.labels.get(k) == v
                                                                             for k, v in sel.items())]
        return sorted(pods, key=lambda p: p.name)
    pods = topo.workload_pods(kind, ns, name)
    if not pods:
        raise _not_found(kind, name)
    return pods


def _pod_site(topo: Topology, pod: k8s.Pod, pending: bool = False) -> Site:
    """The pod as a source; without an address (Pending, not started) an error, or with ``pending`` a site with
    no address (trace reports it as a flow that cannot start)."""
    node = topo.nodes.get(pod.node_name or "")
    ip = pod.pod_ip or (node.internal_ip if node and pod.host_network else "")
    if not ip and pending:
        return Site("pod", "", pod.key, pod=pod, node=node)
    if not ip:
        raise UsageError(f"error: pod {pod.key} has no IP address (phase {pod.phase}, not scheduled or not started)")
    return Site("pod", ip, pod.key, pod=pod, node=node)


def parse_sources(topo: Topology, text: str, namespace: str, pending: bool = False) -> list[Site]:
    """FROM → the sites the flow starts at (several for a workload). ``pending``: a workload's pods without an
    address are kept as sites without an IP (else they are an error, as a single pod without one always is)."""
    t = text.strip()
    if t.lower() == "internet":
        return [Site("internet", DEFAULT_INTERNET_CLIENT, f"internet/{DEFAULT_INTERNET_CLIENT}")]
    if t.lower().startswith("internet/"):
        ip = _check_ip(t.split("/", 1)[1])
        if not is_internet_address(ip):
            raise UsageError(f'error: "{ip}" is not a public address; an internet client needs one')
        return [Site("internet", ip, f"internet/{ip}")]
    if _is_ip(t) or ("/" not in t and re.fullmatch(r"[\d.]+", t)):
        return [_site_of_ip(topo, _check_ip(t))]
    kind, ns, name = _split(t, namespace)
    if kind == "Node":
        node = topo.nodes.get(name)
        if node is None:
            raise _not_found(kind, name)
        return [Site("node", node.internal_ip, node.name, node=node, nic=topo.nic_of_node(node))]
    if kind == "VM":
        vm = topo.vm_named(name)
        nic = topo.nic_of_vm(vm) if vm else None
        if vm is None or nic is None:
            raise UsageError(f"ERROR: (ResourceNotFound) The Resource 'Microsoft.Compute/virtualMachines/{name}' "
                             "was not found.")
        return [Site("vm", nic.primary_ip, vm.name, vm=vm, nic=nic)]
    pods = _workload_pods(topo, kind, ns, name)
    if not pods:
        raise UsageError(f"error: {t} selects no pods")
    return [_pod_site(topo, p, pending and kind != "Pod") for p in pods]


def _site_of_ip(topo: Topology, ip: str) -> Site:
    owner = topo.owner(ip)
    if owner.kind == "pod" and owner.pod is not None:
        return _pod_site(topo, owner.pod)
    if owner.kind == "node" and owner.node is not None:
        return Site("node", ip, owner.node.name, node=owner.node, nic=owner.nic)
    if owner.kind == "vm" and owner.nic is not None:
        return Site("vm", ip, owner.name, vm=owner.vm, nic=owner.nic)
    if owner.kind == "internet":
        return Site("internet", ip, f"internet/{ip}")
    raise UsageError(f"error: no pod, node, VM or internet client has the address {ip}")


def _service_port(svc: k8s.Service, spec: str | None, port: int | None) -> int:
    if spec:
        for p in svc.ports:
            if p.name == spec or str(p.port) == spec:
                return p.port
        raise UsageError(f'error: service {svc.key} has no port "{spec}"')
    if port is not None:
        return port
    if len(svc.ports) == 1:
        return svc.ports[0].port
    if not svc.ports:
        raise UsageError(f"error: service {svc.key} declares no ports; give one with --port")
    raise UsageError(f"error: service {svc.key} has several ports; give one with svc/NS/NAME:PORT or --port")


def parse_target(topo: Topology, text: str, namespace: str, port: int | None, pending: bool = False) -> Target:
    """TO → a Target (port checked: required unless a Service port names it). ``pending``: a workload's pods
    without an address stay in the target (with address ``""``; trace reports them as not reachable)."""
    t = text.strip()

    def need_port() -> int:
        if port is None:
            raise UsageError(f"error: --port is required for destination {t}")
        return port

    if t.lower() == "internet":
        raise UsageError("error: give the internet destination's address: internet/IP (or just the IP)")
    if t.lower().startswith("internet/"):
        ip = _check_ip(t.split("/", 1)[1])
        return Target("internet", ip, (ip,), need_port())
    if _is_ip(t) or re.fullmatch(r"[\d.]+", t):
        ip = _check_ip(t)
        return Target("ip", ip, (ip,), need_port())
    if "/" in t:
        head = t.split("/", 1)[0].lower()
        if KINDS.get(head) == "Service":
            body, _, pspec = t.partition(":")
            _, ns, name = _split(body, namespace)
            svc = topo.services.get(f"{ns}/{name}")
            if svc is None:
                raise _not_found("Service", name)
            p = _service_port(svc, pspec or None, port)
            if svc.type == "ExternalName" and svc.external_name:
                return Target("dns", f"{svc.name}.{svc.namespace}.svc.cluster.local", (), p)
            if svc.is_headless or not svc.cluster_ip:
                from aksnet.engine.kube_proxy import service_backends

                ips = tuple(dict.fromkeys(b.ip for sp in svc.ports[:1] for b, r, _ in service_backends(topo, svc, sp)
                                          if r))
                return Target("service", svc.key, ips, p)
            return Target("service", svc.key, (svc.cluster_ip,), p, (), svc.load_balancer_ingress)
        kind, ns, name = _split(t, namespace)
        if kind == "Node":
            node = topo.nodes.get(name)
            if node is None:
                raise _not_found(kind, name)
            nic = topo.nic_of_node(node)
            return Target("node", node.name, (node.internal_ip,), need_port(), (),
                          _instance_public_ips(topo, nic) if nic else ())
        if kind == "VM":
            vm = topo.vm_named(name)
            nic = topo.nic_of_vm(vm) if vm else None
            if vm is None or nic is None:
                raise UsageError(f"ERROR: (ResourceNotFound) The Resource 'Microsoft.Compute/virtualMachines/{name}' "
                                 "was not found.")
            return Target("vm", vm.name, (nic.primary_ip,), need_port(), (), _instance_public_ips(topo, nic))
        pods = _workload_pods(topo, kind, ns, name)
        if not pods:
            raise UsageError(f"error: {t} selects no pods")
        for pod in pods:
            if not pod.pod_ip and not (pending and kind != "Pod"):
                raise UsageError(f"error: pod {pod.key} has no IP address (phase {pod.phase})")
        return Target("pod" if kind == "Pod" else kind.lower(), f"{ns}/{name}",
                      tuple(p.pod_ip or "" for p in pods), need_port(), tuple(pods))
    if _DNS_NAME.match(t):
        return Target("dns", t.rstrip("."), (), need_port())
    raise UsageError(f'error: "{t}" is neither an endpoint, an IP address nor a DNS name')


def _instance_public_ips(topo: Topology, nic: azure.NetworkInterface) -> tuple[str, ...]:
    """The public IPs associated with a NIC's IP configurations (what the internet reaches a VM by)."""
    out = []
    for c in nic.ip_configurations:
        pip = topo.public_ips.get(id_key(c.public_ip_id))
        if pip is not None and pip.ip_address:
            out.append(pip.ip_address)
    return tuple(out)


def _without_address(site: Site, pod: k8s.Pod, dst_ip: str, port: int, protocol: str, what: str) -> Walk:
    """A flow that cannot start or end: the pod has no address (Pending, not scheduled, not started)."""
    reason = f"pod {pod.key} is {pod.phase} and has no IP address: it {what}"
    return Walk(DROPPED, reason, site, dst_ip, port, protocol, (Hop(f"pod {pod.key}", "drop", reason),))


def walk_to(walker: Walker, site: Site, target: Target, protocol: str,
            resolved: dict[str, resolve.Resolution] | None = None) -> list[Walk]:
    """Every walk from one source site to the target (one per destination address)."""
    assert target.port is not None
    if not site.ip and site.pod is not None:
        return [_without_address(site, site.pod, "", target.port, protocol, "sends nothing")]
    if target.kind == "dns":
        found = lookup(walker, site, target.name, (resolved or {}).get(target.name))
        if found.failure is not None:
            server = found.failure.dst_ip
            return [Walk(UNRESOLVED, f"could not resolve {target.name}: {timeout_reason(server, found.failure)}",
                         site, "", target.port, protocol, found.hops)]
        res = found.resolution
        if not res.found:
            return [Walk(UNRESOLVED, f"could not resolve {target.name} ({res.record})", site, "", target.port,
                         protocol, found.hops)]
        return [walker.walk(site, res.ips[0], target.port, protocol, found.hops)]
    if target.kind == "service" and not target.ips:
        return [Walk("refused", f"service {target.name} has no ready endpoints", site, "", target.port, protocol,
                     (Hop("DNS", "drop", f"headless service {target.name} has no ready endpoints"),))]
    if target.pods:
        return [walker.walk(site, ip, target.port, protocol) if ip else
                _without_address(site, pod, "", target.port, protocol, "cannot be reached")
                for pod, ip in zip(target.pods, target.ips, strict=True)]
    return [walker.walk(site, ip, target.port, protocol) for ip in addresses_for(site, target)]


def addresses_for(site: Site, target: Target) -> tuple[str, ...]:
    """The address a source uses for a target that is not a DNS name or a workload's pods (trace and the data
    plane's probe agree on it): the target's first address; for VMs and internet clients a Service's load
    balancer address (a ClusterIP means nothing outside the cluster); for internet clients a VM's or node's
    instance public IP (a private address is not routable on the internet)."""
    if target.kind == "service" and site.kind in ("vm", "internet") and target.load_balancer_ips:
        return target.load_balancer_ips[:1]
    if target.kind in ("vm", "node") and site.kind == "internet" and target.load_balancer_ips:
        return target.load_balancer_ips[:1]
    return target.ips[:1]


def trace(topo: Topology, source: str, destination: str, port: int | None = None, protocol: str = "TCP",
          namespace: str = "default", walker: Walker | None = None) -> TraceResult:
    """Walk FROM → TO; raises UsageError for bad input."""
    proto = protocol.upper()
    if proto not in PROTOCOLS:
        raise UsageError(f'error: unsupported protocol "{protocol}": choose TCP, UDP or SCTP')
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"error: invalid port {port}: must be between 1 and 65535")
    sites = parse_sources(topo, source, namespace, pending=True)
    target = parse_target(topo, destination, namespace, port, pending=True)
    walker = walker or Walker(topo)
    walks: list[Walk] = []
    for site in sites:
        walks += [through_stream_proxy(walker, w) for w in walk_to(walker, site, target, proto)]
    return TraceResult(source, target, proto, tuple(walks))
