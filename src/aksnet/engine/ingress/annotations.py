"""Parsing and validation of the ``nginx.ingress.kubernetes.io/*`` annotations the engine honours.

Mirrors ingress-nginx's parsers (internal/ingress/annotations/*/main.go and parser/main.go): booleans
go through Go's ``strconv.ParseBool``, integers through ``strconv.Atoi``; an unparsable value makes
that annotation fall back to its default and is reported as a warning. Must not decide routing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.engine.ingress.model import ANNOTATION_PREFIX, ControllerConfig

# Every annotation the engine understands (without the prefix). Anything else with the prefix is
# reported as "not emulated" so that users see it was not silently honoured.
SUPPORTED = (
    "app-root",
    "allowlist-source-range",
    "backend-protocol",
    "canary",
    "canary-by-cookie",
    "canary-by-header",
    "canary-by-header-pattern",
    "canary-by-header-value",
    "canary-weight",
    "canary-weight-total",
    "default-backend",
    "denylist-source-range",
    "force-ssl-redirect",
    "from-to-www-redirect",
    "permanent-redirect",
    "permanent-redirect-code",
    "preserve-trailing-slash",
    "proxy-body-size",
    "rewrite-target",
    "server-alias",
    "service-upstream",
    "ssl-redirect",
    "temporal-redirect",
    "temporal-redirect-code",
    "upstream-vhost",
    "use-port-in-redirects",
    "use-regex",
    "whitelist-source-range",
    "x-forwarded-prefix",
)

BACKEND_PROTOCOLS = ("HTTP", "HTTPS", "AUTO_HTTP", "GRPC", "GRPCS", "FCGI")

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def parse_go_bool(value: str) -> bool | None:
    """Go ``strconv.ParseBool``: the accepted spellings, else None."""
    v = value.strip()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


_SIZE = re.compile(r"^(\d+)([kKmMgG]?)$")


def parse_size(value: str) -> int | None:
    """nginx size syntax (ngx_parse_offset): bytes, or k/m/g suffixes; None when invalid."""
    m = _SIZE.match(value.strip())
    if m is None:
        return None
    mult = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * mult


def parse_go_int(value: str) -> int | None:
    v = value.strip()
    if re.fullmatch(r"[+-]?\d+", v):
        return int(v)
    return None


@dataclass(frozen=True, slots=True)
class Canary:
    """The canary-* annotations (internal/ingress/annotations/canary)."""

    enabled: bool = False
    weight: int = 0
    weight_total: int = 100
    header: str = ""
    header_value: str = ""
    header_pattern: str = ""
    cookie: str = ""


@dataclass(frozen=True, slots=True)
class IngressAnnotations:
    """The parsed annotations of one Ingress (they apply to that Ingress's locations only)."""

    rewrite_target: str = ""
    use_regex: bool = False
    app_root: str = ""
    x_forwarded_prefix: str = ""
    ssl_redirect: bool = True
    force_ssl_redirect: bool = False
    preserve_trailing_slash: bool = False
    use_port_in_redirects: bool = False
    redirect_url: str = ""
    redirect_code: int = 0
    redirect_annotation: str = ""  # which annotation set the redirect
    allowlist: tuple[str, ...] = ()
    allowlist_annotation: str = ""
    denylist: tuple[str, ...] = ()
    denied: str = ""  # ingress-nginx's Location.Denied: an invalid range makes the location answer 503
    backend_protocol: str = "HTTP"
    upstream_vhost: str = ""
    server_alias: tuple[str, ...] = ()
    from_to_www_redirect: bool = False
    proxy_body_size: str = "1m"
    service_upstream: bool = False
    default_backend: str = ""  # a Service in the Ingress's namespace, used when the rule's has no endpoints
    canary: Canary = Canary()
    warnings: tuple[str, ...] = ()


def _get(ann: Mapping[str, str], name: str) -> str | None:
    v = ann.get(ANNOTATION_PREFIX + name)
    return None if v is None else str(v)


def parse_cidrs(text: str) -> tuple[tuple[str, ...], str | None]:
    """A comma-separated list of CIDRs or addresses (net.ParseCIDRs in ingress-nginx); error text or None."""
    out: list[str] = []
    for part in text.split(","):
        p = part.strip()
        if not p:
            continue
        try:
            net = ipaddress.ip_network(p, strict=False)
        except ValueError:
            return (), f"the annotation does not contain a valid IP address or network: {p!r}"
        out.append(str(net) if "/" in p else p)
    return tuple(out), None


def _valid_url(url: str) -> bool:
    """ingress-nginx redirect.isValidURL: url.Parse must succeed and the scheme must not be empty."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) is not None and " " not in url


def parse_annotations(ann: Mapping[str, str], config: ControllerConfig) -> IngressAnnotations:
    """Parse one Ingress's annotations with the controller's ConfigMap defaults.

    Source: ingress-nginx docs/user-guide/nginx-configuration/annotations.md and the parsers under
    internal/ingress/annotations/ (rewrite, redirect, ipallowlist, ipdenylist, backendprotocol,
    canary, upstreamvhost, alias).
    """
    warnings: list[str] = []

    def boolean(name: str, default: bool) -> bool:
        raw = _get(ann, name)
        if raw is None:
            return default
        b = parse_go_bool(raw)
        if b is None:
            warnings.append(
                f"annotation {ANNOTATION_PREFIX}{name}: {raw!r} is not a boolean; using {str(default).lower()}"
            )
            return default
        return b

    def integer(name: str, default: int) -> int:
        raw = _get(ann, name)
        if raw is None:
            return default
        i = parse_go_int(raw)
        if i is None:
            warnings.append(f"annotation {ANNOTATION_PREFIX}{name}: {raw!r} is not an integer; using {default}")
            return default
        return i

    def string(name: str) -> str:
        return (_get(ann, name) or "").strip()

    for key in sorted(ann):
        if key.startswith(ANNOTATION_PREFIX) and key[len(ANNOTATION_PREFIX) :] not in SUPPORTED:
            warnings.append(f"annotation {key} is not emulated by aksnet and has no effect here")

    # redirect: temporal is checked before permanent (annotations/redirect/redirect.go Parse).
    redirect_url, redirect_code, redirect_ann = "", 0, ""
    temporal = string("temporal-redirect")
    permanent = string("permanent-redirect")
    if temporal:
        if _valid_url(temporal):
            code = integer("temporal-redirect-code", 302)
            redirect_url, redirect_code = temporal, code if 300 <= code <= 307 else 302
            redirect_ann = "temporal-redirect"
        else:
            warnings.append(
                f"annotation {ANNOTATION_PREFIX}temporal-redirect: {temporal!r} is not a valid URL "
                "(url scheme is empty)"
            )
    if not redirect_url and permanent:
        if _valid_url(permanent):
            code = integer("permanent-redirect-code", 301)
            redirect_url, redirect_code = permanent, code if 300 <= code <= 308 else 301
            redirect_ann = "permanent-redirect"
        else:
            warnings.append(
                f"annotation {ANNOTATION_PREFIX}permanent-redirect: {permanent!r} is not a valid URL "
                "(url scheme is empty)"
            )

    # allowlist: allowlist-source-range is the current name, whitelist-source-range the alias.
    denied = ""
    allow: tuple[str, ...] = config.allowlist_source_range
    allow_ann = "configmap whitelist-source-range" if allow else ""
    for name in ("allowlist-source-range", "whitelist-source-range"):
        raw = _get(ann, name)
        if raw is None:
            continue
        cidrs, err = parse_cidrs(raw)
        if err:
            denied = f"{ANNOTATION_PREFIX}{name}: {err}"
            warnings.append(denied)
        allow, allow_ann = cidrs, name
        break
    deny: tuple[str, ...] = config.denylist_source_range
    raw_deny = _get(ann, "denylist-source-range")
    if raw_deny is not None:
        cidrs, err = parse_cidrs(raw_deny)
        if err:
            denied = f"{ANNOTATION_PREFIX}denylist-source-range: {err}"
            warnings.append(denied)
        deny = cidrs

    proto = string("backend-protocol").upper() or "HTTP"
    if proto not in BACKEND_PROTOCOLS:
        warnings.append(
            f"annotation {ANNOTATION_PREFIX}backend-protocol: {proto!r} is not one of "
            f"{', '.join(BACKEND_PROTOCOLS)}; using HTTP"
        )
        proto = "HTTP"

    canary_on = boolean("canary", False)
    canary = (
        Canary(
            enabled=canary_on,
            weight=integer("canary-weight", 0),
            weight_total=integer("canary-weight-total", 100),
            header=string("canary-by-header"),
            header_value=string("canary-by-header-value"),
            header_pattern=string("canary-by-header-pattern"),
            cookie=string("canary-by-cookie"),
        )
        if canary_on
        else Canary()
    )

    body_size = string("proxy-body-size") or config.proxy_body_size
    if parse_size(body_size) is None:
        warnings.append(
            f"annotation {ANNOTATION_PREFIX}proxy-body-size: {body_size!r} is not an nginx size; "
            f"using {config.proxy_body_size}"
        )
        body_size = config.proxy_body_size

    aliases = tuple(a.strip().lower() for a in string("server-alias").split(",") if a.strip())

    return IngressAnnotations(
        rewrite_target=string("rewrite-target"),
        use_regex=boolean("use-regex", False),
        app_root=string("app-root"),
        x_forwarded_prefix=string("x-forwarded-prefix"),
        ssl_redirect=boolean("ssl-redirect", config.ssl_redirect),
        force_ssl_redirect=boolean("force-ssl-redirect", config.force_ssl_redirect),
        preserve_trailing_slash=boolean("preserve-trailing-slash", False),
        use_port_in_redirects=boolean("use-port-in-redirects", False),
        redirect_url=redirect_url,
        redirect_code=redirect_code,
        redirect_annotation=redirect_ann,
        allowlist=allow,
        allowlist_annotation=allow_ann,
        denylist=deny,
        denied=denied,
        backend_protocol=proto,
        upstream_vhost=string("upstream-vhost"),
        server_alias=aliases,
        from_to_www_redirect=boolean("from-to-www-redirect", False),
        proxy_body_size=body_size,
        service_upstream=boolean("service-upstream", False),
        default_backend=string("default-backend"),
        canary=canary,
        warnings=tuple(warnings),
    )
