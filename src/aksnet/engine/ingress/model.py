"""Request, configuration and decision types of the ingress-nginx engine (pure data, no behaviour).

``HttpRequest`` is one request as the controller pod receives it; ``ControllerConfig`` is what the
controller's flags and ConfigMap say; ``IngressDecision`` is everything ingress-nginx decides for
that request. Nothing here reads the workspace, prints, or chooses an endpoint (the caller does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.model.nginx_checks import CheckConfig
from aksnet.rules import aks as aks_rules
from aksnet.rules import ingress_nginx as nginx_rules

# The certificate every ingress-nginx controller generates at start and serves when no Secret
# matches (internal/net/ssl/ssl.go: GetFakeSSLCert, Organization "Acme Co",
# CommonName "Kubernetes Ingress Controller Fake Certificate").
FAKE_CERT_CN = nginx_rules.FAKE_CERTIFICATE_CN
FAKE_CERT = "default-fake-certificate"

# Controllers (IngressClass spec.controller) and the IngressClass names they install (aksnet.rules).
NGINX_CONTROLLER = nginx_rules.CONTROLLER_CLASS
APPROUTING_CONTROLLER = aks_rules.APP_ROUTING_CONTROLLER
NGINX_CLASS = "nginx"
APPROUTING_CLASS = aks_rules.APP_ROUTING_CLASS

ANNOTATION_PREFIX = nginx_rules.ANNOTATION_PREFIX


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request as the ingress controller pod receives it.

    ``host`` is the Host header as sent (it may carry ``:port``; ``None`` = no Host header);
    ``port`` is the controller's listener port the connection reached (80 or 443 in the chart);
    ``path`` is the request target (path plus optional ``?query``); ``headers`` use lower-case names;
    ``remote_addr`` is the TCP source address nginx sees (a node IP under externalTrafficPolicy
    Cluster, the client under Local); ``sni`` is the TLS server name (default: host without port).
    """

    scheme: str
    host: str | None
    path: str = "/"
    port: int = 0  # 0: 80 for http, 443 for https
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    remote_addr: str = "0.0.0.0"
    sni: str | None = None

    @property
    def listener_port(self) -> int:
        if self.port:
            return self.port
        return 443 if self.scheme == "https" else 80

    @property
    def hostname(self) -> str:
        """The Host header without its port, lower-cased, as nginx uses it to pick a server."""
        if not self.host:
            return ""
        h = self.host.strip().lower()
        if h.startswith("["):
            return h.split("]", 1)[0] + "]"
        return h.rsplit(":", 1)[0] if ":" in h else h

    @property
    def uri_path(self) -> str:
        return self.path.split("?", 1)[0] or "/"

    @property
    def query(self) -> str | None:
        return self.path.split("?", 1)[1] if "?" in self.path else None


@dataclass(frozen=True, slots=True)
class ControllerConfig:
    """One ingress-nginx controller: its command-line flags and the keys of its ConfigMap that matter.

    Defaults are ingress-nginx v1.x's (docs/user-guide/cli-arguments.md, nginx-configuration/configmap.md).
    """

    controller_class: str = NGINX_CONTROLLER  # --controller-class
    ingress_class: str = NGINX_CLASS  # --ingress-class: the value the legacy annotation must carry
    watch_ingress_without_class: bool = False  # --watch-ingress-without-class
    namespace: str = ""  # where the controller runs
    config_map: str | None = None  # "ns/name" of the ConfigMap the values below came from
    use_forwarded_headers: bool = False
    compute_full_forwarded_for: bool = False
    enable_real_ip: bool = False
    forwarded_for_header: str = "X-Forwarded-For"  # an HTTP header name (see view.HEADER_NAME)
    proxy_real_ip_cidr: tuple[str, ...] = ("0.0.0.0/0",)
    ssl_redirect: bool = True
    force_ssl_redirect: bool = False
    http_redirect_code: int = 308
    proxy_add_original_uri_header: bool = False
    generate_request_id: bool = True
    proxy_body_size: str = "1m"  # client_max_body_size; "0" = unlimited
    allowlist_source_range: tuple[str, ...] = ()
    denylist_source_range: tuple[str, ...] = ()
    hsts: bool = True
    hsts_max_age: int = 31536000
    hsts_include_subdomains: bool = True
    hsts_preload: bool = False
    no_tls_redirect_locations: tuple[str, ...] = ("/.well-known/acme-challenge",)  # never ssl-redirected
    default_ssl_certificate: str | None = None  # --default-ssl-certificate ns/name
    default_backend_service: str | None = None  # --default-backend-service ns/name
    http_port: int = 80
    https_port: int = 443
    checks: CheckConfig = field(default_factory=CheckConfig)  # the ConfigMap keys of nginx_checks
    warnings: tuple[str, ...] = ()  # ConfigMap values that were invalid and ignored


@dataclass(frozen=True, slots=True)
class UpstreamEndpoint:
    """One candidate upstream: a ready endpoint of the backend Service's port."""

    ip: str
    port: int
    pod: str | None = None  # "ns/name"
    node: str | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass(frozen=True, slots=True)
class TLSCertificate:
    """The certificate a server presents: a Secret's, or the controller's fake default."""

    secret: str | None  # "ns/name"; None for the fake certificate
    hosts: tuple[str, ...] = ()  # CN and SANs (for the fake cert: ingress.local)
    reason: str = ""
    self_signed: bool = True  # issuer == subject (the fake certificate is); else signed by some CA

    @property
    def is_fake(self) -> bool:
        return self.secret is None

    @property
    def name(self) -> str:
        return self.secret if self.secret else FAKE_CERT_CN


@dataclass(frozen=True, slots=True)
class Step:
    """One decision and the rule (annotation, spec field, config key or nginx rule) that made it."""

    what: str
    rule: str

    def __str__(self) -> str:
        return f"{self.what} [{self.rule}]"


# Actions
PROXY = "proxy"
REDIRECT = "redirect"
RESPOND = "respond"  # nginx answers itself (403, 404, 503 …)


@dataclass(frozen=True, slots=True)
class IngressDecision:
    """What ingress-nginx does with one request.

    ``action`` is ``proxy`` (forward to ``service``:``service_port`` → one of ``endpoints``),
    ``redirect`` (``status`` and ``location``) or ``respond`` (nginx answers ``status`` itself:
    403 allowlist, 404 default backend, 503 no endpoints/no Service).
    """

    action: str
    status: int | None  # None for proxy (the backend answers)
    server: str  # nginx server_name that handled the request ("_" = catch-all)
    ingress: str | None = None  # "ns/name" of the Ingress whose rule matched
    rule_host: str | None = None
    path: str | None = None  # the Ingress path that matched
    path_type: str | None = None  # as written in the Ingress (Exact/Prefix/ImplementationSpecific)
    location: str = ""  # the nginx location that matched, e.g. '~* "^/api"' or '= /foo'
    location_path: str = ""
    service: str | None = None  # "ns/name" of the upstream Service
    service_port: int | str | None = None  # as referenced by the Ingress (number or name)
    backend_protocol: str = "HTTP"
    upstream_name: str | None = None  # ingress-nginx upstream name "ns-svc-port"
    endpoints: tuple[UpstreamEndpoint, ...] = ()
    external_name: str | None = None  # ExternalName Service: the DNS name proxied to
    canary: bool = False  # the canary Ingress's backend was chosen
    canary_ingress: str | None = None
    location_header: str | None = None  # for redirects
    request_uri: str = "/"  # the URI sent upstream (after rewrite, query kept)
    method: str = "GET"
    upstream_host: str = ""  # the Host header sent upstream
    headers: Mapping[str, str] = field(default_factory=dict)  # sent upstream, lower-case names
    response_headers: Mapping[str, str] = field(default_factory=dict)  # set by nginx on the answer
    certificate: TLSCertificate | None = None  # served on https (None on http)
    default_backend: bool = False  # answered by the default backend
    steps: tuple[Step, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return self.steps[-1].what if self.steps else ""


@dataclass(frozen=True, slots=True)
class Exposure:
    """One (host, path) a controller serves, for matrix/explain."""

    ingress: str  # "ns/name"
    host: str  # "*" for host-less rules
    path: str
    path_type: str
    service: str | None  # "ns/name"
    service_port: int | str | None
    tls: bool
    tls_secret: str | None  # "ns/name", or None (fake certificate or no TLS)
    ssl_redirect: bool
    allowlist: tuple[str, ...] = ()
    canary: bool = False
    endpoints: int = 0


@dataclass(frozen=True, slots=True)
class IgnoredIngress:
    """An Ingress the controller does not serve, and why."""

    ingress: str
    reason: str
