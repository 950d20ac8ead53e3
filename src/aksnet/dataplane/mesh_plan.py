"""The planner's part for Istio's sidecars: which pods get an NGINX stand-in, what it listens on, and the pod's
``aksnet-mesh`` nft table — pure, from the twin's mesh (``aksnet.engine.mesh``).

Every pod with an injected ``istio-proxy`` (``engine.mesh.in_mesh``) gets one, except where the data plane
already runs NGINX in the pod (an ingress controller). Inbound (for an ingress gateway only when
AuthorizationPolicies select it: its listeners take plaintext from anyone and route, which stays the twin's):
every TCP port the pod serves (declared containerPorts and the ports Services target),
with the mode ``peer_mode`` gives it, HTTP when Istio's protocol selection says so (``port_protocol``; a port
of undeclared protocol is treated as TCP), and the AuthorizationPolicies that apply (``sidecar_authz``).
Interception follows istio-init's split: NGINX listens on the pod's address for those ports (the echo table
leaves them alone), the app is reached on loopback, and outbound connections to a mesh destination are
redirected in the pod's ``output`` hook to a loopback listener, except the proxy's own (NGINX's workers run as
``nobody``, as Envoy's uid 1337 is exempt in istio-init's rules). A mesh destination is a pod port served by a
sidecar whose mode is not DISABLE (auto mutual TLS:
https://istio.io/latest/docs/concepts/security/#peer-authentication), or a ClusterIP port all of whose
endpoints are such; a Service whose endpoints disagree is left to plaintext and named in the plan's notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.analyses.curl_mesh import service_endpoints
from aksnet.dataplane import ingress_route_conf as irc
from aksnet.dataplane import nft as n
from aksnet.dataplane import sidecar_authz as sa
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.sidecar_conf import InboundPort, Outbound, SidecarView, render
from aksnet.dataplane.spec import NginxSpec, Unit
from aksnet.engine import mesh as m
from aksnet.engine.addressing import Topology
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.protocol import service_port_protocol
from aksnet.model import k8s
from aksnet.model import mesh as mm
from aksnet.model import mesh_traffic as mt
from aksnet.rules import istio

NGINX_WORKER_UID = 65534  # nobody: the sidecar stand-in's workers (plan.NGINX_USER)
FIRST_INTERNAL_PORT = 15100
FIRST_PAYLOAD_BYTE = {"payload": {"base": "ih", "offset": 0, "len": 8}}  # nft's @ih,0,8
TLS_HANDSHAKE = 0x16


@dataclass(frozen=True)
class SidecarPart:
    nginx: NginxSpec
    table: n.Table
    inbound_ports: tuple[int, ...]  # served by NGINX on the pod's address (the echo table skips them)


def _served_tcp(pod: k8s.Pod, targeted: dict[tuple[str, int, str], str], router: bool = False) -> list[int]:
    """The pod's TCP ports that its sidecar intercepts: all it serves but the sidecar's own (15090: Envoy's); on an
    ingress gateway, where ``istio-proxy`` is the workload, its listeners (not status and metrics)."""
    ports = {cp.container_port for cp in pod.ports if cp.protocol.upper() == "TCP"}
    ports |= {p for (ip, p, proto) in targeted if ip == pod.pod_ip and proto == "TCP"}
    own = set(m.GATEWAY_OWN_PORTS) if router else \
        {cp.container_port for cp in pod.ports if cp.container == istio.PROXY_CONTAINER}
    return sorted(ports - own - {tn.ECHO_PORT})


def _resolver(topo: Topology, pod: k8s.Pod, destinations: dict[tuple[str, int], str]) -> irc.Resolver:
    """A gateway's destination as the twin resolves it (``routing.resolve``, the DestinationRule subset, the
    Service's ready endpoints kept to the subset's pods): the upstream, or the status Envoy answers itself."""
    world = topo.state.mesh
    ctx = routing.Context(world.traffic, topo.state.services, pod.namespace,
                          world.root_namespace or istio.SYSTEM_NAMESPACE, "")

    def resolve(host: str, port: int | None, subset: str, namespace: str) -> irc.Upstream | int:
        target = routing.resolve(ctx, host, namespace, port, subset)
        dr = routing.destination_rule(ctx, target.host)
        if subset:
            found = next((s for s in dr.subsets if s.name == subset), None) if dr else None
            if found is None:
                return routing.NO_CLUSTER
            target = routing.Target(target.host, target.service, target.port, subset, found.labels)
        if dr is not None:
            target = routing.policy_of(dr, target)[0]
        ends = tuple(sorted(service_endpoints(topo, target)))
        if not ends:
            return NO_HEALTHY_UPSTREAM
        tls = target.tls_mode != "DISABLE" and all(e in destinations for e in ends)
        return irc.Upstream(ends, tls)

    return resolve


NO_HEALTHY_UPSTREAM = 503


def routes(topo: Topology, pod: k8s.Pod, destinations: dict[tuple[str, int], str]) -> dict[int, irc.RoutePart]:
    """An ingress gateway pod's routed listeners: pod port → its routing (ports with an HTTP Gateway server)."""
    world = topo.state.mesh.traffic
    gateways = ingress.selecting(world, pod)
    out: dict[int, irc.RoutePart] = {}
    resolve = _resolver(topo, pod, destinations)
    for pod_port in _served_tcp(pod, {}, True):
        port = ingress.service_port(topo.state.services, pod, pod_port)
        if any(s.port == port and s.protocol not in ingress.TLS_PROTOCOLS for g in gateways for s in g.servers):
            proxy = irc.Proxy(port, tuple(sorted(pod.labels.items())), pod.namespace, "")
            out[pod_port] = irc.render_port(world, gateways, proxy, pod_port, resolve)
    return out


def _outbound(topo: Topology, pod: k8s.Pod, local_port: int, ip: str, port: int, why: str,
              destinations: dict[tuple[str, int], str]) -> Outbound:
    """An outbound listener; to an HTTP Service port named by a VirtualService bound to ``mesh`` it routes as the
    twin's sidecar does (``curl_mesh.sidecar_outbound``: the oldest most specific VirtualService of the host)."""
    svc = next((s for s in topo.state.services if s.cluster_ip == ip and any(p.port == port for p in s.ports)), None)
    if svc is None or pod.host_network:
        return Outbound(local_port, ip, port, why)
    sp = next(p for p in svc.ports if p.port == port)
    found = routing.bound(topo.state.mesh.traffic, mt.MESH_GATEWAY, hosts.service_fqdn(svc.namespace, svc.name))
    if service_port_protocol(sp) == "TCP" or not found:
        return Outbound(local_port, ip, port, why)
    proxy = irc.Proxy(port, tuple(sorted(pod.labels.items())), pod.namespace, mt.MESH_GATEWAY)
    route = irc.render_outbound(found[0][0], proxy, local_port, _resolver(topo, pod, destinations))
    return Outbound(local_port, ip, port, f"{why}; routed by VirtualService {found[0][0].key}", route)


def _inbound(topo: Topology, pod: k8s.Pod, ports: list[int], free: list[int], router: bool,
             routed: dict[int, irc.RoutePart]) -> list[InboundPort]:
    """The inbound listeners; an ingress gateway's (``router``) take plaintext from anyone, no PeerAuthentication,
    and route as its Gateways and VirtualServices say (``routed``)."""
    world = topo.state.mesh
    policies = m.applicable(world, pod)
    out = []
    for port in ports:
        mode = m.peer_mode(world, pod, port)
        mode_name, why = (mm.DISABLE, "ingress gateway listener (plaintext from anyone)") if router else \
            (mode.mode, mode.describe())
        http = port in routed or m.port_protocol(topo.state.services, pod, port) == "HTTP"
        decision = sa.decide(policies, sa.Context(port, pod.pod_ip or "", http))
        internal = (free.pop(0), free.pop(0), free.pop(0))
        out.append(InboundPort(port, http, mode_name, decision, why, internal, routed.get(port)))
    return out


def mesh_destinations(topo: Topology, targeted: dict[tuple[str, int, str], str],
                      notes: list[str]) -> dict[tuple[str, int], str]:
    """(address, port) → why a sidecar originates mutual TLS there."""
    world = topo.state.mesh
    servers: dict[tuple[str, int], str] = {}
    plain: set[tuple[str, int]] = set()
    for pod in topo.state.pods:
        side = m.in_mesh(world, pod)
        if not pod.pod_ip or pod.host_network:
            continue
        for port in _served_tcp(pod, targeted, side is not None and side.router):
            if side is None or side.router or m.peer_mode(world, pod, port).mode == mm.DISABLE:
                plain.add((pod.pod_ip, port))
            else:
                servers[(pod.pod_ip, port)] = f"sidecar of {pod.key} ({m.peer_mode(world, pod, port).mode})"
    out = dict(servers)
    for key, slices in sorted(topo.slices_by_service.items()):
        svc = topo.services.get(key)
        if svc is None or not svc.cluster_ip or svc.is_headless:
            continue
        for sp in svc.ports:
            if sp.protocol.upper() != "TCP":
                continue
            ends = {(ep.ip, p.port) for es in slices for ep in es.endpoints for p in es.ports
                    if p.protocol.upper() == "TCP" and (p.name or "") == (sp.name or "")}
            meshed = {e for e in ends if e in servers}
            if ends and meshed == ends:
                out[(str(svc.cluster_ip), sp.port)] = f"Service {key}: every endpoint has a sidecar"
            elif meshed:
                notes.append(f"Service {key} port {sp.port}: some endpoints have a sidecar and some do not; the "
                             "sidecar stand-ins send it plaintext (Envoy chooses per endpoint)")
    return out


def _free_ports(used: set[int], count: int) -> list[int]:
    out: list[int] = []
    p = FIRST_INTERNAL_PORT
    while len(out) < count:
        if p not in used and p != tn.ECHO_PORT:
            out.append(p)
        p += 1
    return out


def _table(pod_ip: str, inbound: Sequence[InboundPort], outbound: Sequence[Outbound]) -> n.Table:
    """Interception (``output``: the app behind NGINX, outbound mesh destinations) and Envoy's resets, which NGINX's
    stream proxy cannot send: on a STRICT TCP port a connection whose first data is not a TLS handshake (0x16) is
    reset (``ct original packets 3``: after SYN and ACK, the first segment with data; a segment without data has no
    payload byte and matches nothing), and the stand-in's refused upstream drops its SYN, so NGINX gives up after
    its connect timeout with the client's data unread, and the kernel resets the client."""
    t = n.Table("ip", "aksnet-mesh")
    strict_tcp = sorted(p.port for p in inbound if p.mode == mm.STRICT and not p.http)
    if strict_tcp:
        t.chain("input", hook="input", prio=0)
        t.rule("input", n.match(n.payload("ip", "daddr"), pod_ip), n.match(n.meta("l4proto"), "tcp"),
               n.match(n.payload("th", "dport"), n.anon_set(strict_tcp)),
               n.match(n.ct("packets", "original"), 3), n.match(FIRST_PAYLOAD_BYTE, TLS_HANDSHAKE, "!="),
               n.tcp_reset(), comment="STRICT: plaintext is reset")
    refused = sorted({p.internal[2] for p in inbound if not p.http})
    if refused:
        t.chain("filter-output", hook="output", prio=0)
        t.rule("filter-output", n.match(n.payload("ip", "daddr"), "127.0.0.1"), n.match(n.meta("l4proto"), "tcp"),
               n.match(n.payload("th", "dport"), n.anon_set(refused)), {"drop": None},
               comment="the stand-in's refused upstream: the client is reset")
    t.chain("output", hook="output", ctype="nat", prio=-100)
    if inbound:
        t.rule("output", n.match(n.payload("ip", "daddr"), "127.0.0.1"), n.match(n.meta("l4proto"), "tcp"),
               n.match(n.payload("th", "dport"), n.anon_set([p.port for p in inbound])),
               {"redirect": {"port": tn.ECHO_PORT}}, comment="the app behind the sidecar (aksnet echo agent)")
    for o in outbound:
        t.rule("output", n.match(n.meta("skuid"), NGINX_WORKER_UID, "!="),
               n.match(n.payload("ip", "daddr"), o.dst_ip), n.match(n.meta("l4proto"), "tcp"),
               n.match(n.payload("th", "dport"), o.dst_port), {"redirect": {"port": o.local_port}},
               comment=f"outbound to the mesh: {o.why}")
    return t


def sidecar_part(topo: Topology, unit: Unit, pod: k8s.Pod, targeted: dict[tuple[str, int, str], str],
                 destinations: dict[tuple[str, int], str], prefix: str, user: str) -> SidecarPart | None:
    """The stand-in of ``pod``'s sidecar (None: the pod has none)."""
    side = m.in_mesh(topo.state.mesh, pod)
    if side is None or not pod.pod_ip:
        return None
    principal = istio.principal(pod.namespace, side.service_account)
    # an ingress gateway's listeners: judged by the AuthorizationPolicies that select its pods, routed by Gateways
    routed = routes(topo, pod, destinations) if side.router else {}
    judged = not side.router or bool(m.applicable(topo.state.mesh, pod)) or bool(routed)
    ports = _served_tcp(pod, targeted, side.router) if judged else []
    others = sorted((d for d in destinations if d[0] != pod.pod_ip), key=lambda d: (d[0], d[1]))
    free = _free_ports({*ports, *(cp.container_port for cp in pod.ports)}, 3 * len(ports) + len(others))
    inbound = _inbound(topo, pod, ports, free, side.router, routed)
    outbound = [_outbound(topo, pod, free.pop(0), ip, port, destinations[(ip, port)], destinations)
                for ip, port in others]
    if not inbound and not outbound:
        return None
    view = SidecarView(pod.key, pod.pod_ip, principal, tuple(inbound), tuple(outbound))
    return SidecarPart(NginxSpec(unit.netns, pod.key, render(view, prefix=prefix, user=user), (), principal),
                       _table(pod.pod_ip, inbound, outbound), tuple(ports))
