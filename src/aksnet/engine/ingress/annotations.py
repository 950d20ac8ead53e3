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
from aksnet.model.nginx_checks import EMULATED

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


_SIZE = re.compile(r"([0-9]+)([kKmMgG]?)")


def parse_size(value: str) -> int | None:
    """nginx size syntax (ngx_parse_offset): bytes, or k/m/g suffixes; None when invalid."""
    m = _SIZE.fullmatch(value.strip())
    if m is None:
        return None
    mult = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[m.group(2).lower()]
    return int(m.group(1)) * mult


def parse_go_int(value: str) -> int | None:
    v = value.strip()
    if re.fullmatch(r"[+-]?[0-9]+", v):
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


def _url_error(url: str) -> str | None:
    """ingress-nginx redirect.isValidURL: url.Parse must succeed and the (lower-cased) scheme start with http."""
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    if m is None:
        return "url scheme is empty"
    if not m.group(1).lower().startswith("http"):
        return f"only http and https are valid protocols ({m.group(1).lower()})"
    return None


# nginx server_name syntax aksnet does not emulate for server-alias: regex names and wildcards
_NGINX_NAME_SYNTAX = re.compile(r"^[~.]|\*")
# header names nginx receives (ignore_invalid_headers on, underscores_in_headers off)
_HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")


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
        """The value, or "" when ingress-nginx's validator refuses it (its parser then uses the default;
        for the annotations whose parser fails instead, the controller skips the whole Ingress)."""
        raw = _get(ann, name) or ""
        rule = EMULATED.get(name)
        if raw and rule is not None and rule.validator is not None and not rule.validator(raw):
            warnings.append(f"annotation {ANNOTATION_PREFIX}{name}: {raw!r} is not a valid value "
                            "(ingress-nginx annotation validation); ignored")
            return ""
        return raw.strip()

    for key in sorted(ann):
        if key.startswith(ANNOTATION_PREFIX) and key[len(ANNOTATION_PREFIX) :] not in SUPPORTED:
            warnings.append(f"annotation {key} is not emulated by aksnet and has no effect here")

    # redirect: temporal is checked before permanent (annotations/redirect/redirect.go Parse).
    redirect_url, redirect_code, redirect_ann = "", 0, ""
    temporal = string("temporal-redirect")
    permanent = string("permanent-redirect")
    if temporal:
        if (temporal_error := _url_error(temporal)) is None:
            code = integer("temporal-redirect-code", 302)
            redirect_url, redirect_code = temporal, code if 300 <= code <= 307 else 302
            redirect_ann = "temporal-redirect"
        else:
            warnings.append(
                f"annotation {ANNOTATION_PREFIX}temporal-redirect: {temporal!r} is not a valid URL ({temporal_error})"
            )
    if not redirect_url and permanent:
        if (permanent_error := _url_error(permanent)) is None:
            code = integer("permanent-redirect-code", 301)
            redirect_url, redirect_code = permanent, code if 300 <= code <= 308 else 301
            redirect_ann = "permanent-redirect"
        else:
            warnings.append(
                f"annotation {ANNOTATION_PREFIX}permanent-redirect: {permanent!r} is not a valid URL "
                f"({permanent_error})"
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

    proto = (_get(ann, "backend-protocol") or "").strip().upper() or "HTTP"
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
            header=_canary_header(string("canary-by-header"), warnings),
            header_value=string("canary-by-header-value"),
            header_pattern=string("canary-by-header-pattern"),
            cookie=string("canary-by-cookie"),
        )
        if canary_on
        else Canary()
    )

    body_size = (_get(ann, "proxy-body-size") or "").strip() or config.proxy_body_size
    if parse_size(body_size) is None:
        warnings.append(
            f"annotation {ANNOTATION_PREFIX}proxy-body-size: {body_size!r} is not an nginx size; "
            f"using {config.proxy_body_size}"
        )
        body_size = config.proxy_body_size

    aliases = _aliases(string("server-alias"), warnings)
    app_root = string("app-root")
    if app_root and not app_root.startswith("/"):
        # rewrite.Parse: url.ParseRequestURI must give a path, not an absolute URL
        warnings.append(f"annotation {ANNOTATION_PREFIX}app-root: {app_root!r} is not an absolute path; ignored")
        app_root = ""

    return IngressAnnotations(
        rewrite_target=string("rewrite-target"),
        use_regex=boolean("use-regex", False),
        app_root=app_root,
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


def _aliases(value: str, warnings: list[str]) -> tuple[str, ...]:
    """server-alias: comma-separated names (alias.Parse: trimmed, duplicates dropped). nginx reads a name
    starting with ``~`` as a regex and ``*``/a leading ``.`` as wildcards; aksnet routes aliases by exact
    name only, so such names are left out (with a warning) in the twin and the data plane alike."""
    out: list[str] = []
    for a in (x.strip().lower() for x in value.split(",")):
        if not a or a in out:
            continue
        if _NGINX_NAME_SYNTAX.search(a):
            warnings.append(f"annotation {ANNOTATION_PREFIX}server-alias: {a!r} is an nginx regex or wildcard "
                            "server name, which aksnet does not emulate; left out")
            continue
        out.append(a)
    return tuple(out)


def _canary_header(name: str, warnings: list[str]) -> str:
    """canary-by-header names a request header; nginx drops headers whose names have other characters than
    letters, digits and '-' (ignore_invalid_headers), so such a rule can never match: left out."""
    if name and _HEADER_NAME.fullmatch(name) is None:
        warnings.append(f"annotation {ANNOTATION_PREFIX}canary-by-header: nginx never receives a header named "
                        f"{name!r} (ignore_invalid_headers); the rule never matches")
        return ""
    return name
