"""Gateway API objects (gateway.networking.k8s.io) as frozen dataclasses: GatewayClass, Gateway with its
listeners, HTTPRoute with its rules, matches, filters and backendRefs, and ReferenceGrant. Defaults of the
CRDs' schemas are applied by the decoder (``aksnet.io.gateway_model``). Stdlib only; no semantics.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/gateway_types.go``, ``httproute_types.go``,
``shared_types.go``, ``apis/v1beta1/referencegrant_types.go``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnet.model.worlds import GatewayWorld as GatewayWorld  # where it is defined: see aksnet.model.worlds


@dataclass(frozen=True)
class ObjectRef:
    """A reference by group, kind, namespace (empty: the referrer's) and name, as parentRefs, backendRefs and
    certificateRefs are."""

    group: str
    kind: str
    name: str
    namespace: str = ""
    section_name: str = ""
    port: int | None = None


@dataclass(frozen=True)
class GatewayClass:
    name: str
    controller_name: str
    created: str = ""


@dataclass(frozen=True)
class RouteNamespaces:
    """allowedRoutes.namespaces: ``from`` Same, All or Selector (``selector``: matchLabels, and matchExpressions
    as (key, operator, values))."""

    from_: str = "Same"
    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Listener:
    name: str
    protocol: str
    port: int
    hostname: str = ""
    tls_mode: str = ""
    certificate_refs: tuple[ObjectRef, ...] = ()
    namespaces: RouteNamespaces = field(default_factory=RouteNamespaces)
    kinds: tuple[tuple[str, str], ...] = ()  # allowedRoutes.kinds as (group, kind); empty: the protocol's


@dataclass(frozen=True)
class Gateway:
    namespace: str
    name: str
    class_name: str
    listeners: tuple[Listener, ...]
    created: str = ""
    annotations: tuple[tuple[str, str], ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()  # spec.addresses as (type, value)


@dataclass(frozen=True)
class HeaderMatch:
    name: str
    value: str
    type: str = "Exact"


@dataclass(frozen=True)
class RouteMatch:
    path_type: str = "PathPrefix"
    path: str = "/"
    method: str = ""
    headers: tuple[HeaderMatch, ...] = ()
    query: tuple[HeaderMatch, ...] = ()


@dataclass(frozen=True)
class HeaderChange:
    """RequestHeaderModifier/ResponseHeaderModifier: set and add as (name, value), remove as names."""

    set: tuple[tuple[str, str], ...] = ()
    add: tuple[tuple[str, str], ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class PathModifier:
    type: str  # ReplaceFullPath | ReplacePrefixMatch
    value: str


@dataclass(frozen=True)
class Filter:
    """One HTTPRouteFilter; the field of its type is set."""

    type: str
    headers: HeaderChange | None = None
    scheme: str = ""
    hostname: str = ""
    path: PathModifier | None = None
    port: int | None = None
    status_code: int = 302
    backend: ObjectRef | None = None  # RequestMirror


@dataclass(frozen=True)
class BackendRef:
    ref: ObjectRef
    weight: int = 1
    filters: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class RouteRule:
    matches: tuple[RouteMatch, ...]
    filters: tuple[Filter, ...] = ()
    backends: tuple[BackendRef, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class HTTPRoute:
    namespace: str
    name: str
    parent_refs: tuple[ObjectRef, ...]
    hostnames: tuple[str, ...]
    rules: tuple[RouteRule, ...]
    created: str = ""
    # a GRPCRoute, decoded into the HTTP/2 request it matches (method matches as paths ``/service/method``)
    grpc: bool = False
    origin: str = ""  # the kind this route was translated from (an AGC-served Ingress), "" for a Route itself

    @property
    def kind(self) -> str:
        return "GRPCRoute" if self.grpc else "HTTPRoute"

    @property
    def shown_kind(self) -> str:
        """The kind a trace names: the Ingress it came from, else the route's own."""
        return self.origin or self.kind


@dataclass(frozen=True)
class GrantFrom:
    group: str
    kind: str
    namespace: str


@dataclass(frozen=True)
class GrantTo:
    group: str
    kind: str
    name: str = ""


@dataclass(frozen=True)
class ReferenceGrant:
    namespace: str
    name: str
    from_: tuple[GrantFrom, ...]
    to: tuple[GrantTo, ...]


@dataclass(frozen=True)
class BackendTLS:
    """An Application Gateway for Containers ``BackendTLSPolicy`` (alb.networking.azure.io/v1): TLS from AGC to
    the target Service's ``ports`` (none: all), with the SNI, client certificate and the CA/subjectAltName it
    verifies the backend against (Secrets as (namespace, name))."""

    namespace: str
    name: str
    service: tuple[str, str]
    ports: tuple[int, ...] = ()
    sni: str = ""
    client_certificate: tuple[str, str] | None = None
    ca_certificate: tuple[str, str] | None = None
    subject_alt_name: str = ""


@dataclass(frozen=True)
class HealthCheck:
    """An Application Gateway for Containers ``HealthCheckPolicy`` (alb.networking.azure.io/v1) on a Service: the
    probe's port (None: the backend's), HTTP path/host, healthy status ranges, TLS (None: as the backend port)."""

    namespace: str
    name: str
    service: tuple[str, str]
    port: int | None = None
    path: str = "/"
    host: str = ""
    status_ranges: tuple[tuple[int, int], ...] = ((200, 399),)
    use_tls: bool | None = None
    grpc: bool = False


@dataclass(frozen=True)
class SessionAffinity:
    """AGC session affinity (``sessionAffinity`` of a RoutePolicy): ``application-cookie`` or ``managed-cookie``,
    the cookie's name and lifetime in seconds (a managed cookie's are AGC's own, set by the decoder)."""

    affinity_type: str
    cookie_name: str
    cookie_duration: int


@dataclass(frozen=True)
class RoutePolicy:
    """An Application Gateway for Containers ``RoutePolicy`` (alb.networking.azure.io/v1) on an HTTPRoute:
    session affinity and the route timeout (as written, e.g. ``10s``)."""

    namespace: str
    name: str
    route: tuple[str, str, str]  # (kind, namespace, name) of the targetRef
    affinity: SessionAffinity | None = None
    route_timeout: str = ""


@dataclass(frozen=True)
class FrontendTLS:
    """An Application Gateway for Containers ``FrontendTLSPolicy`` on a Gateway's listeners (none named: all its
    HTTPS listeners): client certificates verified against a CA bundle (frontend mTLS) and the predefined TLS
    policy (empty: AGC's default). ``ca_bundle`` is the PEM text of the CA Secret's ``ca.crt`` ("" when the
    Secret or the key is missing)."""

    namespace: str
    name: str
    gateway: tuple[str, str]
    listeners: tuple[str, ...] = ()
    ca_certificate: tuple[str, str] | None = None
    ca_bundle: str = ""
    policy_name: str = ""


@dataclass(frozen=True)
class GatewayBackendTLS:
    """Gateway API's own ``BackendTLSPolicy`` (gateway.networking.k8s.io/v1 since v1.4, v1alpha3 before): TLS from
    the Gateway to the targeted Services (``targets`` as (Service, sectionName — a port name, "" for every
    port)), with ``validation.hostname`` as SNI and the name the backend's certificate must carry (unless
    ``subjectAltNames``), verified against ``caCertificateRefs`` (as (kind, name)) or the well-known CAs.
    ``ca_problem`` is why the CA references do not resolve ("" when they do), set by the decoder."""

    namespace: str
    name: str
    targets: tuple[tuple[str, str], ...]
    hostname: str
    ca_refs: tuple[tuple[str, str], ...] = ()
    well_known: str = ""
    subject_alt_names: tuple[str, ...] = ()
    ca_problem: str = ""
    created: str = ""
