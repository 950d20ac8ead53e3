"""The Istio service mesh at a workload's sidecar: mutual TLS (PeerAuthentication) and authorization
(AuthorizationPolicy) for one connection or request, as the inbound Envoy of the destination pod decides.

``inbound`` answers None when the destination has no sidecar (the mesh does not take part). Otherwise it gives the
hops to show (the PeerAuthentication and the AuthorizationPolicy that decided, by name) and the outcome: ``PASS``,
``RESET`` (a plaintext connection to a STRICT port, or a denied TCP connection: Envoy resets it), ``FORBIDDEN``
(a denied HTTP request: 403 ``RBAC: access denied``) or ``UNAUTHORIZED`` (RequestAuthentication refused the
request's JWT: 401 with jwt_authn's message, before authorization; :mod:`aksnet.engine.mesh.jwt`).
:func:`denial` gives the status and body the proxy answers a refused request with.
Sources: https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/,
https://istio.io/latest/docs/tasks/security/authorization/authz-http/, ``…/authz-tcp/``. Pure; the model only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aksnet.engine.flow import Hop
from aksnet.engine.mesh import jwt
from aksnet.engine.mesh.authz import AuthzVerdict, HttpRequest, Peer, applicable, evaluate
from aksnet.engine.mesh.peer import PeerMode, peer_mode, selects
from aksnet.engine.mesh.protocol import port_protocol
from aksnet.model import k8s, mesh
from aksnet.rules import istio

__all__ = [
    "FORBIDDEN",
    "GATEWAY_OWN_PORTS",
    "PASS",
    "RESET",
    "UNAUTHORIZED",
    "AuthzVerdict",
    "HttpRequest",
    "Inbound",
    "Peer",
    "PeerMode",
    "applicable",
    "denial",
    "evaluate",
    "in_mesh",
    "inbound",
    "peer_mode",
    "port_protocol",
    "selects",
]

PASS, RESET, FORBIDDEN, UNAUTHORIZED = "pass", "reset", "forbidden", "unauthorized"
_JWT_REFUSED = f"{jwt.UNAUTHORIZED_STATUS} "  # how an "unauthorized" hop's rule gives the answer's body


@dataclass(frozen=True, slots=True)
class Inbound:
    outcome: str
    hops: tuple[tuple[str, str, str], ...]  # (component, decision, rule)
    reason: str
    mtls: bool


GATEWAY_OWN_PORTS = (15021, 15090)  # status-port and http-envoy-prom of a gateway: no RBAC filter there
PROXY_COMPONENT = "istio-proxy"  # the sidecar container's name, as trace names its hops


def in_mesh(world: mesh.MeshWorld, pod: k8s.Pod | None) -> mesh.Sidecar | None:
    """The pod's Envoy proxy (None: not in the mesh; a host-network pod's traffic never passes a sidecar)."""
    if pod is None or pod.host_network:
        return None
    return next((s for s in world.sidecars if s.pod_key == pod.key), None)


def inbound(world: mesh.MeshWorld, server: k8s.Pod, client: k8s.Pod | None, source_ip: str, port: int,
            request: HttpRequest | None, originate_tls: bool = True) -> Inbound | None:
    """The destination sidecar's decision for a connection from ``client`` (None: not a pod) arriving from
    ``source_ip`` on the workload's ``port``; ``request`` is the HTTP request (None: TCP traffic);
    ``originate_tls`` False: the client's sidecar sends plaintext (DestinationRule tls mode DISABLE).
    An ingress gateway (``router``) takes plaintext from anyone (no PeerAuthentication) and enforces the
    AuthorizationPolicies that select its pods. None also for a sidecar's ``istio-proxy`` container's own ports,
    which Envoy serves itself (istio-init's ``--exclude-inbound-ports`` covers them, istio/istio
    ``tools/istio-iptables``)."""
    own = in_mesh(world, server)
    if own is None:
        return None
    if own.router:  # a gateway's listeners are the proxy container's own ports; its status and metrics are not
        return None if port in GATEWAY_OWN_PORTS else _gateway_inbound(world, server, source_ip, port, request)
    if any(c.container_port == port and c.container == istio.PROXY_CONTAINER for c in server.ports):
        return None  # the proxy's own listener (15090 metrics): Envoy serves it, istio-init does not redirect it
    component = f"{PROXY_COMPONENT} inbound ({server.key})"
    mode = peer_mode(world, server, port)
    proxy = in_mesh(world, client)
    mtls = proxy is not None and mode.mode != mesh.DISABLE and originate_tls
    if proxy is not None and not originate_tls and mode.mode == mesh.STRICT and client is not None:
        rule = (f"{mode.describe()}: plaintext from the sidecar of {client.key} (its DestinationRule sets tls mode "
                "DISABLE) refused (connection reset)")
        return Inbound(RESET, ((component, "reset", rule),), rule, False)
    who = f"sidecar of {client.key}" if proxy is not None and client is not None else \
        (f"pod {client.key} (no sidecar)" if client is not None else source_ip)
    if mode.mode == mesh.STRICT and not mtls:
        rule = f"{mode.describe()}: plaintext from {who} refused (connection reset)"
        return Inbound(RESET, ((component, "reset", rule),), rule, False)
    tls = f"mTLS from {who}" if mtls else f"plaintext from {who}"
    hops: list[tuple[str, str, str]] = [(component, "allow", f"{mode.describe()}: {tls}")]
    principal = istio.principal(client.namespace, proxy.service_account) if mtls and proxy and client else None
    peer = Peer(mtls, principal, client.namespace if mtls and client else None, source_ip, server.pod_ip or "",
                port, request)
    return _authorize(world, server, peer, component, hops, request, mtls)


def _gateway_inbound(world: mesh.MeshWorld, server: k8s.Pod, source_ip: str, port: int,
                     request: HttpRequest | None) -> Inbound | None:
    """An ingress gateway's listener: plaintext from outside the mesh; only its AuthorizationPolicies decide
    (``ipBlocks``/``remoteIpBlocks`` see the address the gateway pod received: the client's with
    externalTrafficPolicy Local, a node's after the SNAT of Cluster)."""
    if not applicable(world, server) and not jwt.applicable(world, server):
        return None
    component = f"{PROXY_COMPONENT} gateway ({server.key})"
    peer = Peer(False, None, None, source_ip, server.pod_ip or "", port, request)
    return _authorize(world, server, peer, component, [], request, False)


def _authorize(world: mesh.MeshWorld, server: k8s.Pod, peer: Peer, component: str,
               hops: list[tuple[str, str, str]], request: HttpRequest | None, mtls: bool) -> Inbound:
    authn = jwt.authenticate(world, server, request.headers, request.path) if request is not None else None
    if authn is not None:
        names = ", ".join(authn.policies)
        if authn.rejected is not None:
            rule = f"RequestAuthentication {names}: the request's JWT is refused: {_JWT_REFUSED}{authn.rejected}"
            hops.append((component, "unauthorized", rule))
            return Inbound(UNAUTHORIZED, tuple(hops), rule, mtls)
        who = f"request principal {authn.principal}" if authn.principal else "no JWT: no request principal"
        hops.append((component, "allow", f"RequestAuthentication {names}: {who}"))
        peer = replace(peer, request_principal=authn.principal)
    verdict = evaluate(world, server, peer)
    for name in verdict.audited:
        hops.append((component, "audit", f"AUDIT policy {name} matched (logged only)"))
    if verdict.policy is None and not applicable(world, server):
        return Inbound(PASS, tuple(hops), verdict.reason, mtls)
    kind = "HTTP request" if request is not None else "TCP connection"
    if verdict.allowed:
        hops.append((component, "allow", f"AuthorizationPolicy: {verdict.reason} ({kind})"))
        return Inbound(PASS, tuple(hops), verdict.reason, mtls)
    if request is not None:
        rule = f"AuthorizationPolicy: {verdict.reason}: {istio.RBAC_DENIED_STATUS} {istio.RBAC_DENIED_BODY}"
        hops.append((component, "deny", rule))
        return Inbound(FORBIDDEN, tuple(hops), rule, mtls)
    rule = f"AuthorizationPolicy: {verdict.reason}: the TCP connection is reset"
    hops.append((component, "reset", rule))
    return Inbound(RESET, tuple(hops), rule, mtls)


def denial(hops: tuple[Hop, ...]) -> tuple[int, str]:
    """(status, body) a proxy answers a request it refused itself with: 401 and jwt_authn's message after an
    ``unauthorized`` hop (RequestAuthentication), else 403 ``RBAC: access denied`` (AuthorizationPolicy)."""
    for hop in reversed(hops):
        if hop.decision == "unauthorized" and _JWT_REFUSED in hop.rule:
            return jwt.UNAUTHORIZED_STATUS, hop.rule.rsplit(_JWT_REFUSED, 1)[1]
    return istio.RBAC_DENIED_STATUS, istio.RBAC_DENIED_BODY
