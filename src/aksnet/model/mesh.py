"""Istio's security API (security.istio.io/v1) as frozen dataclasses: PeerAuthentication and AuthorizationPolicy with
their rules, RequestAuthentication (its JWT issuers), plus who is in the mesh (pods with an injected sidecar and
their service accounts). The decoder is ``aksnet.io.mesh_model``; the semantics are ``aksnet.engine.mesh``. Stdlib
only; no semantics.

Sources: https://istio.io/latest/docs/reference/config/security/peer_authentication/,
https://istio.io/latest/docs/reference/config/security/authorization-policy/,
https://istio.io/latest/docs/reference/config/security/conditions/.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.model.worlds import MeshWorld as MeshWorld  # where it is defined: see aksnet.model.worlds

# PeerAuthentication.MutualTLS.Mode
UNSET, DISABLE, PERMISSIVE, STRICT = "UNSET", "DISABLE", "PERMISSIVE", "STRICT"
# AuthorizationPolicy.Action
ALLOW, DENY, AUDIT, CUSTOM = "ALLOW", "DENY", "AUDIT", "CUSTOM"


@dataclass(frozen=True, slots=True)
class PeerAuthentication:
    namespace: str
    name: str
    selector: tuple[tuple[str, str], ...] | None = None  # matchLabels; None: no selector (namespace/mesh-wide)
    mode: str = UNSET
    port_modes: tuple[tuple[int, str], ...] = ()  # portLevelMtls: (port, mode)
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class RequestAuthentication:
    """A RequestAuthentication: the JWT issuers the selected workloads accept (``jwtRules[].issuer``)."""

    namespace: str
    name: str
    selector: tuple[tuple[str, str], ...] | None = None  # matchLabels; None: namespace-wide (mesh-wide in the root)
    issuers: tuple[str, ...] = ()
    has_target_refs: bool = False
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class Source:
    """rule.from[].source: every field set must match (AND); a field matches when any value does (OR)."""

    principals: tuple[str, ...] | None = None
    not_principals: tuple[str, ...] | None = None
    request_principals: tuple[str, ...] | None = None
    not_request_principals: tuple[str, ...] | None = None
    namespaces: tuple[str, ...] | None = None
    not_namespaces: tuple[str, ...] | None = None
    ip_blocks: tuple[str, ...] | None = None
    not_ip_blocks: tuple[str, ...] | None = None
    remote_ip_blocks: tuple[str, ...] | None = None
    not_remote_ip_blocks: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """rule.to[].operation (hosts, methods and paths are HTTP-only fields)."""

    hosts: tuple[str, ...] | None = None
    not_hosts: tuple[str, ...] | None = None
    ports: tuple[str, ...] | None = None
    not_ports: tuple[str, ...] | None = None
    methods: tuple[str, ...] | None = None
    not_methods: tuple[str, ...] | None = None
    paths: tuple[str, ...] | None = None
    not_paths: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    """rule.when[]: ``key`` with ``values`` (any) and ``not_values`` (none)."""

    key: str
    values: tuple[str, ...] | None = None
    not_values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    sources: tuple[Source, ...] = ()  # empty: from any source
    operations: tuple[Operation, ...] = ()  # empty: to any operation
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthorizationPolicy:
    namespace: str
    name: str
    selector: tuple[tuple[str, str], ...] | None = None
    action: str = ALLOW
    rules: tuple[Rule, ...] = ()
    provider: str = ""  # CUSTOM's provider.name
    has_target_refs: bool = False  # targetRef(s): waypoints and gateways, not sidecars
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class Sidecar:
    """A pod with Istio's proxy injected (container ``istio-proxy``), and its identity's service account."""

    pod_key: str
    service_account: str = "default"
    revision: str = ""
    router: bool = False  # an ingress gateway (``proxy router``): no PeerAuthentication inbound
