"""Istio's traffic API (networking.istio.io/v1) as frozen dataclasses: VirtualService, DestinationRule,
ServiceEntry and Gateway. The decoder is ``aksnet.io.mesh_traffic_model``; the semantics are
``aksnet.engine.mesh.routing`` and ``aksnet.engine.mesh.ingress``. Stdlib only; no semantics.

Sources: https://istio.io/latest/docs/reference/config/networking/virtual-service/,
https://istio.io/latest/docs/reference/config/networking/destination-rule/,
https://istio.io/latest/docs/reference/config/networking/service-entry/,
https://istio.io/latest/docs/reference/config/networking/gateway/.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.model.worlds import TrafficWorld as TrafficWorld  # where it is defined: see aksnet.model.worlds

MESH_GATEWAY = "mesh"  # VirtualService.gateways: the sidecars of the mesh (the default when none is given)


@dataclass(frozen=True, slots=True)
class StringMatch:
    """StringMatch: exactly one of exact, prefix, regex (RE2, full match)."""

    kind: str  # exact | prefix | regex
    value: str

    def describe(self) -> str:
        return f"{self.kind} {self.value!r}"


@dataclass(frozen=True, slots=True)
class HttpMatch:
    """HTTPMatchRequest: every field given must hold (AND)."""

    name: str = ""
    uri: StringMatch | None = None
    scheme: StringMatch | None = None
    method: StringMatch | None = None
    authority: StringMatch | None = None
    headers: tuple[tuple[str, StringMatch], ...] = ()
    without_headers: tuple[tuple[str, StringMatch], ...] = ()
    query_params: tuple[tuple[str, StringMatch], ...] = ()
    port: int | None = None
    source_labels: tuple[tuple[str, str], ...] = ()
    source_namespace: str = ""
    gateways: tuple[str, ...] = ()
    ignore_uri_case: bool = False


@dataclass(frozen=True, slots=True)
class HeaderOps:
    """Headers.HeaderOperations: set, add, remove."""

    set: tuple[tuple[str, str], ...] = ()
    add: tuple[tuple[str, str], ...] = ()
    remove: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.set or self.add or self.remove)


@dataclass(frozen=True, slots=True)
class Destination:
    """HTTPRouteDestination / RouteDestination: ``destination`` (host, subset, port) with its weight."""

    host: str
    subset: str = ""
    port: int | None = None
    weight: int | None = None  # None: not given (a single destination takes all)
    request_headers: HeaderOps = HeaderOps()
    response_headers: HeaderOps = HeaderOps()


@dataclass(frozen=True, slots=True)
class Redirect:
    """HTTPRedirect: uri, authority, port, scheme; redirectCode (default 301)."""

    uri: str = ""
    authority: str = ""
    port: int | None = None
    scheme: str = ""
    code: int = 301


@dataclass(frozen=True, slots=True)
class Rewrite:
    uri: str | None = None  # replaces the matched prefix (or the whole path for an exact match)
    authority: str = ""
    uri_regex: tuple[str, str] | None = None  # uriRegexRewrite (match, rewrite)


@dataclass(frozen=True, slots=True)
class Fault:
    """HTTPFaultInjection: a fixed delay and/or an abort, each for a percentage of requests (default 100)."""

    delay: str = ""  # fixedDelay, e.g. "7s"
    delay_percent: float = 100.0
    abort_status: int | None = None  # abort.httpStatus
    abort_percent: float = 100.0


@dataclass(frozen=True, slots=True)
class Retry:
    attempts: int = 0
    per_try_timeout: str = ""
    retry_on: str = ""


@dataclass(frozen=True, slots=True)
class HttpRoute:
    name: str = ""
    matches: tuple[HttpMatch, ...] = ()  # empty: every request
    route: tuple[Destination, ...] = ()
    redirect: Redirect | None = None
    direct_status: int | None = None  # directResponse.status
    direct_body: str = ""
    rewrite: Rewrite | None = None
    timeout: str = ""
    retries: Retry | None = None
    fault: Fault | None = None
    request_headers: HeaderOps = HeaderOps()
    response_headers: HeaderOps = HeaderOps()
    mirror: str = ""  # mirror.host


@dataclass(frozen=True, slots=True)
class TcpRoute:
    """TCPRoute (and TLSRoute's destinations): the first whose port matches (none given: any) wins."""

    ports: tuple[int, ...] = ()
    route: tuple[Destination, ...] = ()
    sni_hosts: tuple[str, ...] = ()  # TLSRoute match sniHosts


@dataclass(frozen=True, slots=True)
class VirtualService:
    namespace: str
    name: str
    hosts: tuple[str, ...] = ()
    gateways: tuple[str, ...] = ()  # empty: ``mesh``
    http: tuple[HttpRoute, ...] = ()
    tcp: tuple[TcpRoute, ...] = ()
    tls: tuple[TcpRoute, ...] = ()
    export_to: tuple[str, ...] = ()
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class TrafficPolicy:
    tls_mode: str = ""  # DISABLE | SIMPLE | MUTUAL | ISTIO_MUTUAL ("" : not set, auto mTLS)
    load_balancer: str = ""  # simple: ROUND_ROBIN, LEAST_REQUEST, RANDOM, PASSTHROUGH; or "consistentHash"
    connection_pool: tuple[tuple[str, str], ...] = ()  # flattened fields, e.g. ("http.http1MaxPendingRequests", "1")
    outlier_detection: tuple[tuple[str, str], ...] = ()
    port_tls: tuple[tuple[int, str], ...] = ()  # portLevelSettings[].tls.mode


@dataclass(frozen=True, slots=True)
class Subset:
    name: str
    labels: tuple[tuple[str, str], ...] = ()
    traffic_policy: TrafficPolicy | None = None


@dataclass(frozen=True, slots=True)
class DestinationRule:
    namespace: str
    name: str
    host: str
    traffic_policy: TrafficPolicy | None = None
    subsets: tuple[Subset, ...] = ()
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class ServicePort:
    number: int
    protocol: str = ""
    name: str = ""
    target_port: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    namespace: str
    name: str
    hosts: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    ports: tuple[ServicePort, ...] = ()
    location: str = "MESH_EXTERNAL"  # MESH_EXTERNAL | MESH_INTERNAL
    resolution: str = "NONE"  # NONE | STATIC | DNS | DNS_ROUND_ROBIN
    endpoints: tuple[str, ...] = ()  # WorkloadEntry addresses
    workload_selector: tuple[tuple[str, str], ...] = ()
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class Server:
    """Gateway.Server: a port (number, name, protocol), the hosts it exposes (``[namespace/]host``), its TLS."""

    port: int
    protocol: str = "HTTP"  # HTTP | HTTPS | GRPC | HTTP2 | MONGO | TCP | TLS
    port_name: str = ""
    hosts: tuple[str, ...] = ()
    tls_mode: str = ""  # PASSTHROUGH | SIMPLE | MUTUAL | AUTO_PASSTHROUGH | ISTIO_MUTUAL | OPTIONAL_MUTUAL
    credential_name: str = ""
    https_redirect: bool = False
    name: str = ""


@dataclass(frozen=True, slots=True)
class Gateway:
    """An Istio Gateway (networking.istio.io): servers on the proxies its selector picks (in any namespace)."""

    namespace: str
    name: str
    selector: tuple[tuple[str, str], ...] = ()
    servers: tuple[Server, ...] = ()
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"
