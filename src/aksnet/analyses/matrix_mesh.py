"""The Istio mesh's layer-4 decisions on top of ``aksnet matrix``'s NetworkPolicy answer.

For a pair whose destination pods have an injected sidecar, each allowed TCP port is judged as the destination's
inbound Envoy judges a TCP connection (``aksnet.engine.mesh.inbound`` with no HTTP request): a STRICT port refuses
a client without a sidecar, an AuthorizationPolicy that denies the connection (by source namespace, principal,
ipBlock, port) resets it; those ports are removed from the pair. When an AuthorizationPolicy the destination
enforces has HTTP-only fields (hosts, methods, paths, requestPrincipals, ``request.*`` conditions), its verdict
depends on the request: only the mTLS mode is applied to those pairs and the destination is named in a warning.
UDP and SCTP are not intercepted by the sidecar. Pure: no I/O; a cluster without sidecars gets no filter at all.
Sources: https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/,
https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aksnet.engine import mesh
from aksnet.engine.netpol.conns import NONE, ConnSet, conns
from aksnet.model import k8s
from aksnet.model import mesh as mesh_model
from aksnet.model.twin import ClusterState
from aksnet.rules import istio

# (client pods — empty for an address —, the client's address, the destination's pods, allowed) → allowed
MeshFilter = Callable[[Sequence[k8s.Pod], str, Sequence[k8s.Pod], ConnSet], ConnSet]

_SMALL_RANGE = 64  # a TCP range this short is judged port by port


def _http_dependent(policy: mesh_model.AuthorizationPolicy) -> bool:
    """Whether a policy's rules use a field only an HTTP request carries (authorization-policy reference)."""
    for r in policy.rules:
        if any(s.request_principals is not None or s.not_request_principals is not None for s in r.sources):
            return True
        if any(any(f is not None for f in (o.hosts, o.not_hosts, o.methods, o.not_methods, o.paths, o.not_paths))
               for o in r.operations):
            return True
        if any(c.key.startswith("request.") for c in r.conditions):
            return True
    return False


def _port_bounds(world: mesh_model.MeshWorld) -> set[int]:
    """Every port a PeerAuthentication or AuthorizationPolicy names: the decision is constant between them."""
    out = {p for pa in world.peer_authentications for p, _ in pa.port_modes}
    for ap in world.authorization_policies:
        for r in ap.rules:
            for o in r.operations:
                for v in (o.ports or ()) + (o.not_ports or ()):
                    if v.isdigit():
                        out.add(int(v))
            for c in r.conditions:
                if c.key == "destination.port":
                    out.update(int(v) for v in (c.values or ()) + (c.not_values or ()) if v.isdigit())
    return out


def _ports(lo: int, hi: int, bounds: set[int]) -> list[tuple[int, int, int]]:
    """(first, last, representative port) pieces of ``lo..hi`` on which the mesh's decision is constant."""
    if hi - lo < _SMALL_RANGE:
        return [(p, p, p) for p in range(lo, hi + 1)]
    named = sorted(b for b in bounds if lo <= b <= hi)
    pieces = [(b, b, b) for b in named]
    start = lo
    for b in [*named, hi + 1]:
        if start < b:
            pieces.append((start, b - 1, start))
        start = b + 1
    return pieces


def mesh_filter(cluster: ClusterState) -> tuple[MeshFilter | None, list[tuple[k8s.Pod, str]]]:
    """The filter for ``cluster`` (None: nothing in the mesh takes part) and its warnings, each with the pod it is
    about (the destinations whose AuthorizationPolicy decides on HTTP attributes). The sidecar's own ports
    (``istio-proxy``'s, e.g. 15090 for metrics) are not judged: Envoy serves them itself."""
    world = cluster.mesh
    if not any(not s.router for s in world.sidecars):
        return None, []
    bounds = _port_bounds(world)
    http_memo: dict[str, tuple[str, ...]] = {}

    def http_policies(pod: k8s.Pod) -> tuple[str, ...]:
        hit = http_memo.get(pod.key)
        if hit is None:
            hit = http_memo[pod.key] = tuple(p.key for p in mesh.applicable(world, pod) if _http_dependent(p))
        return hit

    def refused(client: k8s.Pod | None, ip: str, server: k8s.Pod, port: int) -> bool:
        if http_policies(server):
            mode = mesh.peer_mode(world, server, port)
            return mode.mode == mesh_model.STRICT and mesh.in_mesh(world, client) is None
        verdict = mesh.inbound(world, server, client, ip, port, None)
        return verdict is not None and verdict.outcome != mesh.PASS

    def apply(clients: Sequence[k8s.Pod], ip: str, servers: Sequence[k8s.Pod], c: ConnSet) -> ConnSet:
        judged = [s for s in servers if (sc := mesh.in_mesh(world, s)) is not None and not sc.router]
        if not judged:
            return c
        who: Sequence[k8s.Pod | None] = clients or [None]
        own = {cp.container_port for s in judged for cp in s.ports if cp.container == istio.PROXY_CONTAINER}
        denied = NONE
        for lo, hi in c.protocol_ranges("TCP"):
            for first, last, port in _ports(lo, hi, bounds | own):
                if port not in own and any(refused(cl, cl.pod_ip if cl is not None and cl.pod_ip else ip, s, port)
                       for cl in who for s in judged):
                    denied = denied | conns("TCP", first, last)
        return c - denied

    warnings = []
    for pod in cluster.pods:
        proxy = mesh.in_mesh(world, pod)
        if proxy is not None and not proxy.router and (names := http_policies(pod)):
            warnings.append((pod, f"AuthorizationPolicy {', '.join(names)} decides on HTTP attributes: connections "
                                  "to it are shown as NetworkPolicy and mTLS allow them"))
    return apply, warnings
