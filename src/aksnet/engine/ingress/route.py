"""``route_request``: what one ingress-nginx controller does with one HTTP request, in nginx's order.

Order (nginx phases as ingress-nginx configures them):
no Host header 400 → server by Host (exact name or alias, a from-to-www-redirect name, then wildcard
``*.foo.com`` = one label, then the catch-all ``_``) → certificate by SNI (https) → server-level app-root 302
→ location (exact, longest prefix / nginx auto-redirect 301, or first regex in regex mode; a Content-Length
over proxy-body-size is refused with 413 right there) → location denied (bad allowlist) 503 →
temporal/permanent redirect → rewrite-target → ssl-redirect (308) → denylist/allowlist 403 →
default backend 404 → canary choice → default-backend annotation → no endpoints 503 → proxy (headers,
rewritten URI, candidate endpoints).

Must not choose the endpoint, apply NetworkPolicy or render anything: the caller (``aksnet curl``) does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from aksnet.engine.ingress.allowlist import check_access
from aksnet.engine.ingress.annotations import parse_size
from aksnet.engine.ingress.backend import ResolvedBackend
from aksnet.engine.ingress.canary import choose_canary
from aksnet.engine.ingress.headers import forwarded_vars, upstream_headers
from aksnet.engine.ingress.locations import Location, LocationMatch, match_location, normalize_uri
from aksnet.engine.ingress.model import (
    ANNOTATION_PREFIX,
    PROXY,
    REDIRECT,
    RESPOND,
    HttpRequest,
    IngressDecision,
    Step,
    TLSCertificate,
)
from aksnet.engine.ingress.redirects import (
    app_root_redirect,
    auto_redirect_location,
    location_redirect,
    ssl_redirect,
)
from aksnet.engine.ingress.rewrite import apply_rewrite, request_uri
from aksnet.engine.ingress.servers import CATCH_ALL, Server
from aksnet.engine.ingress.view import ControllerView

_LABEL = re.compile(r"[\w-]+", re.ASCII)


def wildcard_matches(pattern: str, hostname: str) -> bool:
    """ingress-nginx buildServerName: ``*.foo.com`` → ``~^(?<subdomain>[\\w-]+)\\.foo\\.com$`` (one label)."""
    if not pattern.startswith("*."):
        return False
    head, _, rest = hostname.partition(".")
    return rest == pattern[2:] and bool(_LABEL.fullmatch(head))


WWW_RULE = f"{ANNOTATION_PREFIX}from-to-www-redirect"


def select_server(view: ControllerView, hostname: str) -> tuple[Server, Step]:
    """nginx server_name lookup: exact names (and server-alias), then wildcard regexes in config order, then ``_``.

    A from-to-www-redirect name returns the server it redirects to (its step names the annotation).
    """
    for s in view.servers:
        if s.hostname != CATCH_ALL and (s.hostname == hostname or hostname in s.aliases):
            how = "server-alias" if s.hostname != hostname else "host"
            rule = f"{ANNOTATION_PREFIX}server-alias" if how == "server-alias" else "spec.rules[].host"
            return s, Step(f"Host {hostname} → server {s.hostname}", rule)
    if hostname in view.www_redirects:
        target = view.www_redirects[hostname]
        return target, Step(f"Host {hostname} → redirect server to {target.hostname}", WWW_RULE)
    for s in view.servers:
        if s.is_wildcard and wildcard_matches(s.hostname, hostname):
            return s, Step(f"Host {hostname} → wildcard server {s.hostname} (one DNS label)", "spec.rules[].host")
    catch_all = view.server(CATCH_ALL)
    assert catch_all is not None  # build_servers always creates it
    why = f"no server for Host {hostname}" if hostname else "no Host header"
    return catch_all, Step(f"{why}: catch-all server _", "nginx default server")


def select_certificate(view: ControllerView, sni: str) -> tuple[TLSCertificate, Step]:
    """The certificate served for a TLS handshake with server name ``sni``."""
    server, _ = select_server(view, sni) if sni else (view.server(CATCH_ALL), None)
    if server is not None and server.certificate is not None and server.hostname != CATCH_ALL:
        rule = server.certificate_step.rule if server.certificate_step else "spec.tls"
        return server.certificate, Step(f"SNI {sni} → certificate {server.certificate.name}", rule)
    d = view.default_certificate
    return d, Step(
        f"SNI {sni or '(none)'}: no TLS configured for it → default certificate {d.name}", "--default-ssl-certificate"
    )


@dataclass
class _Answer:
    """Builds the decision for one request as the phases add steps (one per rule that decided)."""

    server: Server
    req: HttpRequest
    steps: list[Step]
    common: dict[str, Any] = field(default_factory=dict)

    def step(self, what: str, rule: str) -> None:
        self.steps.append(Step(what, rule))

    def done(self, action: str, status: int | None, **kw: Any) -> IngressDecision:
        fields_: dict[str, Any] = {"request_uri": self.req.path, **self.common, **kw}
        return IngressDecision(
            action=action,
            status=status,
            server=self.server.hostname,
            method=self.req.method,
            steps=tuple(self.steps),
            **fields_,
        )


def _relevant_warnings(view: ControllerView, server: Server) -> tuple[str, ...]:
    """The view's warnings that concern an Ingress of the server that answered."""
    keys = set(server.ingresses)
    return tuple(w for w in view.warnings if any(f"Ingress {k}" in w or f"(Ingress {k})" in w for k in keys))


def route_request(view: ControllerView, request: HttpRequest, *, canary_roll: int | None = None) -> IngressDecision:
    """Decide what the controller of ``view`` does with ``request`` (see the module docstring for the order).

    ``canary_roll`` is the balancer's random draw in 1..canary-weight-total; without it a weighted canary
    split is reported and the majority side is shown. The decision lists the candidate endpoints; the
    caller picks one.
    """
    req = request
    server, first = select_server(view, req.hostname)
    ans = _Answer(server, req, [first])
    if not req.host:
        ans.step('client sent HTTP/1.1 request without "Host" header: 400', "nginx (RFC 9112 §3.2)")
        return ans.done(RESPOND, 400)
    cert: TLSCertificate | None = None
    if req.scheme == "https":
        cert, cstep = select_certificate(view, (req.sni or req.hostname).lower())
        ans.steps.append(cstep)
    if first.rule == WWW_RULE:
        target = req.path[:-1] if req.path.endswith("/") else req.path
        url = f"{req.scheme}://{server.hostname}{target}"
        code = view.config.http_redirect_code
        ans.step(f"from-to-www-redirect: {code} to {url}", WWW_RULE)
        return ans.done(REDIRECT, code, location_header=url, certificate=cert)
    has_cert = server.certificate is not None and server.hostname != CATCH_ALL
    resp = (
        {"strict-transport-security": _hsts(view)} if (req.scheme == "https" and has_cert and view.config.hsts) else {}
    )
    ans.common = {"certificate": cert, "response_headers": resp, "warnings": _relevant_warnings(view, server)}
    uri = normalize_uri(req.uri_path)
    root = app_root_redirect(server.locations, req, uri)
    if root is not None:
        ans.steps.append(root[1])
        return ans.done(REDIRECT, 302, location_header=root[0])
    m = match_location(server.locations, uri)
    builtin = _catch_all_builtin(server, m, uri, req, view)
    if builtin is not None:
        ans.steps.append(builtin[1])
        return ans.done(RESPOND, builtin[0])
    if m.location is None:
        ans.step("no location matches: default backend", "default backend")
        return ans.done(RESPOND, 404, default_backend=True)
    if server.regex:
        ans.step(f"server {server.hostname} uses regex locations: {server.regex_reason}", "enforceRegexModifier")
    ans.step(m.how, _rule_of(m.location))
    ans.common.update(_match_fields(m.location))
    if m.auto_redirect is not None:
        too_big = _body_too_large(m.location, req)
        if too_big is not None:
            ans.steps.append(too_big)
            return ans.done(RESPOND, 413)
        url = auto_redirect_location(req, server.hostname, m.auto_redirect, req.query)
        ans.step(f"301 to {url}", "nginx location auto_redirect (proxy_pass in a location ending with /)")
        return ans.done(REDIRECT, 301, location_header=url)
    return _in_location(view, ans, m.location, uri, has_cert, canary_roll)


def _in_location(
    view: ControllerView, ans: _Answer, loc: Location, uri: str, has_cert: bool, canary_roll: int | None
) -> IngressDecision:
    """nginx's phases inside the chosen location: body size, ``return``s, rewrite, ssl-redirect, access."""
    req, a = ans.req, loc.annotations
    fv = forwarded_vars(req, view.config, ans.server.hostname)
    too_big = _body_too_large(loc, req)
    if too_big is not None:
        ans.steps.append(too_big)
        return ans.done(RESPOND, 413)
    if a.denied:
        ans.step(f"location denied: {a.denied}: 503", "ingress-nginx Location.Denied")
        return ans.done(RESPOND, 503)
    nginx_vars = {
        "scheme": req.scheme,
        "host": req.hostname or ans.server.hostname,
        "http_host": req.host or "",
        "request_uri": req.path,
        "uri": uri,
        "args": req.query or "",
        "best_http_host": fv.best_http_host,
    }
    redirect = location_redirect(loc, nginx_vars)
    if redirect is not None:
        ans.steps.append(redirect[2])
        return ans.done(REDIRECT, redirect[0], location_header=redirect[1])
    new_uri, new_args, rwstep = apply_rewrite(loc, uri, req.query)
    if rwstep is not None:
        ans.steps.append(rwstep)
    ssl = ssl_redirect(loc, req, fv.pass_access_scheme, fv.best_http_host, has_cert, view.config)
    if ssl is not None:
        ans.steps.append(ssl[2])
        return ans.done(REDIRECT, ssl[0], location_header=ssl[1])
    if rwstep is not None and loc.annotations.rewrite_target.startswith(("http://", "https://")):
        # ngx_http_rewrite_module: a replacement starting with http:// or https:// ends processing with a 302
        # (in the rewrite phase, before allow/deny)
        target = request_uri(new_uri, new_args)
        ans.step(f"rewrite-target is an absolute URL: nginx redirects to {target}",
                 f"{ANNOTATION_PREFIX}rewrite-target")
        return ans.done(REDIRECT, 302, location_header=target)
    allowed, astep = check_access(loc, fv.remote_addr)
    if astep is not None:
        ans.steps.append(astep)
    if not allowed:
        return ans.done(RESPOND, 403)
    if loc.backend is None:
        dbs = view.config.default_backend_service
        who = f"default backend Service {dbs}" if dbs else "the controller's built-in default backend"
        ans.step(
            f"location / of server {ans.server.hostname} has no Ingress path: {who} answers 404", "default backend"
        )
        return ans.done(RESPOND, 404, default_backend=True)
    xfp = a.x_forwarded_prefix if (rwstep is not None and a.x_forwarded_prefix) else None
    headers = upstream_headers(req, view.config, fv, a.upstream_vhost, xfp)
    return _to_upstream(view, ans, loc, loc.backend, request_uri(new_uri, new_args), headers, canary_roll)


def _to_upstream(
    view: ControllerView,
    ans: _Answer,
    loc: Location,
    backend: ResolvedBackend,
    upstream_uri: str,
    headers: dict[str, str],
    canary_roll: int | None,
) -> IngressDecision:
    """The balancer: canary choice, custom default backend, empty upstream 503, else proxy."""
    req, a = ans.req, loc.annotations
    canary_ing: str | None = None
    alts = view.canaries.get(backend.upstream_name, ())
    if alts:
        hit, cstep = choose_canary(alts[0], {k.lower(): v for k, v in req.headers.items()}, canary_roll)
        ans.step(f"{cstep.what} (canary Ingress {alts[0].ingress})", cstep.rule)
        if hit:
            backend, canary_ing = alts[0].backend, alts[0].ingress
    if not backend.usable and loc.fallback is not None and canary_ing is None:
        ans.step(
            f"{backend.error}: the default-backend Service {loc.fallback.service_key} answers instead",
            f"{ANNOTATION_PREFIX}default-backend",
        )
        headers = custom_default_backend_headers(headers, req, loc, backend)
        backend = loc.fallback
    ans.common.update(
        {
            "service": backend.service_key,
            "service_port": backend.port,
            "upstream_name": backend.upstream_name,
            "backend_protocol": a.backend_protocol,
            "canary": canary_ing is not None,
            "canary_ingress": canary_ing,
            "request_uri": upstream_uri,
            "headers": headers,
            "upstream_host": headers.get("host", ""),
        }
    )
    if not backend.usable:
        ans.step(f"{backend.error}: 503", "upstream has no endpoints")
        return ans.done(RESPOND, 503)
    if backend.external_name is not None:
        ans.step(f"proxy to ExternalName {backend.external_name}:{backend.port}", "Service type ExternalName")
        return ans.done(PROXY, None, external_name=backend.external_name)
    eps = ", ".join(e.address for e in backend.endpoints)
    proto = f" ({a.backend_protocol})" if a.backend_protocol != "HTTP" else ""
    ans.step(
        f"proxy{proto} to Service {backend.service_key} port {backend.port}: endpoints {eps}",
        f"{ANNOTATION_PREFIX}backend-protocol" if proto else "spec.rules[].http.paths[].backend.service",
    )
    return ans.done(PROXY, None, endpoints=backend.endpoints)


def custom_default_backend_headers(
    headers: dict[str, str], req: HttpRequest, loc: Location, original: ResolvedBackend
) -> dict[str, str]:
    """nginx.tmpl: a location served by a custom default backend adds X-Code 503 and where it came from."""
    ns, _, name = (loc.ingress or "/").partition("/")
    extra = {
        "x-code": "503",
        "x-format": req.headers.get("accept", ""),
        "x-namespace": ns,
        "x-ingress-name": name,
        "x-service-name": original.service_name or "",
        "x-service-port": str(original.port),
    }
    out = dict(headers)
    out.update({k: v for k, v in extra.items() if v})
    return dict(sorted(out.items()))


HEALTHZ = "/healthz"
NGINX_STATUS = "/nginx_status"


def _catch_all_builtin(
    server: Server, m: LocationMatch, uri: str, req: HttpRequest, view: ControllerView
) -> tuple[int, Step] | None:
    """nginx.tmpl's two extra prefix locations of the catch-all server ``_``: ``location /healthz { return 200; }``
    (cloud provider health checks) and ``location /nginx_status { allow 127.0.0.1; deny all; stub_status; }``.
    They compete as plain prefix locations: an ``=`` location or a longer prefix wins, and so does a matching
    regex location (nginx checks regexes after prefixes)."""
    if server.hostname != CATCH_ALL:
        return None
    for prefix in (HEALTHZ, NGINX_STATUS):
        if not uri.startswith(prefix):
            continue
        loc = m.location
        if loc is not None and m.auto_redirect is None and (
            loc.regex or loc.path_type == "Exact" or len(loc.path) > len(prefix)
        ):
            return None
        rule = f"nginx.tmpl: location {prefix} of the catch-all server"
        if prefix == HEALTHZ:
            return 200, Step("location /healthz: return 200 (cloud provider health checks)", rule)
        addr = forwarded_vars(req, view.config, server.hostname).remote_addr
        if addr == "127.0.0.1":
            return 200, Step("location /nginx_status: stub_status for 127.0.0.1", rule)
        return 403, Step(f"location /nginx_status: client {addr} is not 127.0.0.1: deny all → 403", rule)
    return None


def _body_too_large(loc: Location, req: HttpRequest) -> Step | None:
    """nginx checks client_max_body_size against Content-Length right after choosing the location."""
    limit = parse_size(loc.annotations.proxy_body_size) or 0
    raw = req.headers.get("content-length", "").strip()
    if not limit or not raw.isdigit() or int(raw) <= limit:
        return None
    return Step(
        f"client intended to send too large body: {raw} bytes > {loc.annotations.proxy_body_size}: 413",
        f"{ANNOTATION_PREFIX}proxy-body-size (ConfigMap proxy-body-size, default 1m)",
    )


def _hsts(view: ControllerView) -> str:
    c = view.config
    v = f"max-age={c.hsts_max_age}"
    if c.hsts_include_subdomains:
        v += "; includeSubDomains"
    if c.hsts_preload:
        v += "; preload"
    return v


def _rule_of(loc: Location) -> str:
    if loc.ingress is None:
        return "default backend"
    if loc.ingress_path_type == "defaultBackend":
        return f"Ingress {loc.ingress} spec.defaultBackend"
    return f"Ingress {loc.ingress} path {loc.ingress_path} ({loc.ingress_path_type})"


def _match_fields(loc: Location) -> dict[str, object]:
    return {
        "ingress": loc.ingress,
        "rule_host": loc.rule_host,
        "path": loc.ingress_path if loc.ingress else None,
        "path_type": loc.ingress_path_type if loc.ingress else None,
        "location": loc.nginx,
        "location_path": loc.path,
    }
