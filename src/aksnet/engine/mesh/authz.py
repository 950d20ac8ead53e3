"""AuthorizationPolicy at a workload's sidecar: which policies apply, whether a rule matches a request, and the
verdict in Istio's order.

Order (https://istio.io/latest/docs/concepts/security/#implicit-enablement): CUSTOM policies first (a match asks
the extension provider; aksnet reads no ``meshConfig.extensionProviders``, so a matching CUSTOM policy denies, as
istiod makes a policy of an unknown provider deny), then DENY (any match denies), then ALLOW (no ALLOW policy:
allowed; some ALLOW policy matched: allowed; otherwise denied). AUDIT policies never decide.
A policy applies to a pod when it is in the root namespace without a selector (mesh-wide), or in the pod's
namespace with no selector or a selector matching the pod's labels; ``targetRef(s)`` policies are for waypoints
and gateways, not sidecars. A rule matches when one of its ``from`` and one of its ``to`` entries (each: all set
fields) and all of its ``when`` conditions match; no rules match nothing, an empty rule matches everything.
``principals``/``namespaces`` (and conditions on them) need mutual TLS: a plaintext peer has neither.
On TCP traffic the HTTP-only fields (hosts, methods, paths, requestPrincipals, ``request.*`` conditions) make an
ALLOW rule match nothing and are ignored in a DENY rule (more restrictive), as
https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("Rule") and
https://istio.io/latest/docs/tasks/security/authorization/authz-tcp/ describe.
Pure; the model only.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine.mesh import match
from aksnet.engine.mesh.peer import selects
from aksnet.model import k8s, mesh

_NO_REQUEST_ATTRIBUTE = None  # an attribute this request does not carry (no JWT, no SNI)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str = "GET"
    path: str = "/"
    host: str = ""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Peer:
    """The connection as the server's sidecar sees it: the peer's identity (mTLS only) and addresses."""

    mtls: bool
    principal: str | None  # cluster.local/ns/NS/sa/SA (None on plaintext)
    namespace: str | None
    source_ip: str
    destination_ip: str
    port: int
    request: HttpRequest | None  # None: TCP traffic
    request_principal: str | None = None  # <iss>/<sub> of the request's accepted JWT (RequestAuthentication)


@dataclass(frozen=True, slots=True)
class AuthzVerdict:
    allowed: bool
    policy: str | None  # the deciding policy (namespace/name); None: no policy decided
    reason: str
    audited: tuple[str, ...] = ()


def applicable(world: mesh.MeshWorld, pod: k8s.Pod) -> list[mesh.AuthorizationPolicy]:
    """The AuthorizationPolicies a workload's sidecar enforces, in creation order."""
    def mesh_wide(p: mesh.AuthorizationPolicy) -> bool:
        return p.namespace == world.root_namespace and not p.selector

    return [p for p in world.authorization_policies if not p.has_target_refs and (
        mesh_wide(p) or (p.namespace == pod.namespace and selects(p.selector, pod.labels)))]


def _source_matches(s: mesh.Source, peer: Peer, deny: bool) -> bool:
    http = peer.request is not None
    if (s.request_principals is not None or s.not_request_principals is not None) and not http:
        return deny  # an HTTP-only field on TCP traffic
    rp = peer.request_principal
    checks = [
        s.request_principals is None or (rp is not None and match.any_string(s.request_principals, rp)),
        s.not_request_principals is None or rp is None or not match.any_string(s.not_request_principals, rp),
        s.principals is None or match.principal_matches(s.principals, peer.principal),
        s.not_principals is None or not match.principal_matches(s.not_principals, peer.principal),
        s.namespaces is None or match.any_string(s.namespaces, peer.namespace),
        s.not_namespaces is None or not match.any_string(s.not_namespaces, peer.namespace),
        s.ip_blocks is None or match.ip_in(s.ip_blocks, peer.source_ip),
        s.not_ip_blocks is None or not match.ip_in(s.not_ip_blocks, peer.source_ip),
        s.remote_ip_blocks is None or match.ip_in(s.remote_ip_blocks, peer.source_ip),
        s.not_remote_ip_blocks is None or not match.ip_in(s.not_remote_ip_blocks, peer.source_ip),
    ]
    return all(checks)


def _operation_matches(o: mesh.Operation, peer: Peer, deny: bool) -> bool:
    req = peer.request
    http_fields = (o.hosts, o.not_hosts, o.methods, o.not_methods, o.paths, o.not_paths)
    if req is None and any(f is not None for f in http_fields) and not deny:
        return False
    ports_ok = (o.ports is None or match.port_in(o.ports, peer.port)) and \
        (o.not_ports is None or not match.port_in(o.not_ports, peer.port))
    if req is None:
        return ports_ok
    path = req.path.split("?", 1)[0]
    checks = [
        ports_ok,
        o.hosts is None or match.any_string(o.hosts, req.host, fold_case=True),
        o.not_hosts is None or not match.any_string(o.not_hosts, req.host, fold_case=True),
        o.methods is None or match.any_string(o.methods, req.method),
        o.not_methods is None or not match.any_string(o.not_methods, req.method),
        o.paths is None or match.any_string(o.paths, path),
        o.not_paths is None or not match.any_string(o.not_paths, path),
    ]
    return all(checks)


def _attribute(key: str, peer: Peer) -> tuple[bool, str | None]:
    """(HTTP-only, value) of a condition key (https://istio.io/latest/docs/reference/config/security/conditions/)."""
    req = peer.request
    if key.startswith("request.headers[") and key.endswith("]"):
        name = key[len("request.headers["):-1].lower()
        value = next((v for k, v in req.headers if k.lower() == name), None) if req else None
        return True, value
    if key == "request.auth.principal":
        return True, peer.request_principal
    if key.startswith("request."):
        return True, _NO_REQUEST_ATTRIBUTE  # the JWT's claims and audiences are not modelled
    values = {"source.ip": peer.source_ip, "remote.ip": peer.source_ip, "source.namespace": peer.namespace,
              "source.principal": peer.principal, "destination.ip": peer.destination_ip,
              "destination.port": str(peer.port)}
    return False, values.get(key)


def _condition_matches(c: mesh.Condition, peer: Peer, deny: bool) -> bool:
    http_only, value = _attribute(c.key, peer)
    if http_only and peer.request is None:
        return deny
    ip_key = c.key in ("source.ip", "remote.ip", "destination.ip")

    def hit(patterns: tuple[str, ...]) -> bool:
        if value is None:
            return False
        return match.ip_in(patterns, value) if ip_key else match.any_string(patterns, value)

    return (c.values is None or hit(c.values)) and (c.not_values is None or not hit(c.not_values))


def rule_matches(rule: mesh.Rule, peer: Peer, deny: bool) -> bool:
    """One rule (``deny``: of a DENY or CUSTOM policy, whose HTTP-only fields are ignored on TCP traffic)."""
    return ((not rule.sources or any(_source_matches(s, peer, deny) for s in rule.sources))
            and (not rule.operations or any(_operation_matches(o, peer, deny) for o in rule.operations))
            and all(_condition_matches(c, peer, deny) for c in rule.conditions))


def _matching(policies: list[mesh.AuthorizationPolicy], peer: Peer, deny: bool) -> list[mesh.AuthorizationPolicy]:
    return [p for p in policies if any(rule_matches(r, peer, deny) for r in p.rules)]


def evaluate(world: mesh.MeshWorld, pod: k8s.Pod, peer: Peer) -> AuthzVerdict:
    """The sidecar's verdict for one connection (TCP) or request (HTTP) to ``pod``."""
    policies = applicable(world, pod)
    by_action = {a: [p for p in policies if p.action == a] for a in (mesh.CUSTOM, mesh.DENY, mesh.ALLOW, mesh.AUDIT)}
    audited = tuple(p.key for p in _matching(by_action[mesh.AUDIT], peer, False))
    custom = _matching(by_action[mesh.CUSTOM], peer, True)
    if custom:
        p = custom[0]
        return AuthzVerdict(False, p.key, f"CUSTOM policy {p.key} matched: extension provider "
                                          f"{p.provider or '(none)'} is not in meshConfig.extensionProviders, so "
                                          "istiod makes the policy deny", audited)
    denied = _matching(by_action[mesh.DENY], peer, True)
    if denied:
        return AuthzVerdict(False, denied[0].key, f"DENY policy {denied[0].key} matched", audited)
    allows = by_action[mesh.ALLOW]
    if not allows:
        why = "no AuthorizationPolicy applies" if not policies else "no ALLOW policy applies and no DENY matched"
        return AuthzVerdict(True, None, why, audited)
    allowed = _matching(allows, peer, False)
    if allowed:
        return AuthzVerdict(True, allowed[0].key, f"ALLOW policy {allowed[0].key} matched", audited)
    names = ", ".join(p.key for p in allows)
    return AuthzVerdict(False, allows[0].key, f"ALLOW policies apply ({names}) and none matched", audited)
