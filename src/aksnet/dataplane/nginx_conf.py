"""nginx.conf for one ingress controller, for Debian's plain nginx 1.22 (no Lua) — pure text generation.

Renders the servers and locations that ``aksnet.engine.ingress`` compiled (``ControllerView``), so the real
data plane makes the same decisions as ``route_request``: one ``server`` per host plus the default server
``_`` (404), ``=``/prefix locations or, in regex mode, ``~* "^path"`` in ingress-nginx's order; rewrites
(``rewrite "(?i)path" target break``), app-root, permanent/temporal redirects, ssl-redirect (308, trailing
slash removed) done with maps and ``if``/``return`` instead of lua_ingress.lua; allow/deny; the upstream
headers of nginx.tmpl; one ``upstream`` per Service port listing endpoint IP:port (an empty one answers
503); canaries with ``split_clients`` and header/cookie overrides in balancer.lua's order; certificates
read from the paths ``certificate_files`` names (the caller writes them).

Differences from ingress-nginx that are inherent to plain nginx: ``$request_id`` is random (the engine's
X-Request-ID is a stable hash), weighted canaries are split by nginx's hash of the request, ExternalName
backends answer 502. Must not write files or run nginx (apply step does).
"""

from __future__ import annotations

import datetime
import hashlib
import re
import warnings
from collections.abc import Mapping, Sequence

from aksnet.dataplane.nginx_text import DOLLAR_GEO, DOLLAR_VAR, STREAM_MODULE, comment, escape, prefix_paths, quote
from aksnet.engine.ingress import ControllerView, TLSCertificate
from aksnet.engine.ingress.locations import Location, compile_location_regex
from aksnet.engine.ingress.servers import CATCH_ALL, CanaryBackend, Server
from aksnet.engine.ingress.streams import StreamServer
from aksnet.rules.ingress_nginx import FAKE_CERTIFICATE_CN

FAKE_CERT_NAME = "default-fake-certificate"
_q, _comment = quote, comment


def _rewrite_target(target: str) -> str:
    """rewrite's replacement: ``$1``…``$9`` stay captures, any other ``$`` is literal (the twin's reading)."""
    quoted = '"' + escape(target) + '"'
    return re.sub(r"\$(?![1-9])", lambda _m: DOLLAR_VAR, quoted)


def cert_basename(cert: TLSCertificate) -> str:
    return FAKE_CERT_NAME if cert.secret is None else "secret-" + cert.secret.replace("/", "-")


def certificate_paths(view: ControllerView, cert_dir: str) -> dict[str, tuple[str, str]]:
    """Certificate name (Secret "ns/name", or the fake cert's CN) → (crt path, key path) under ``cert_dir``."""
    certs = [view.default_certificate] + [s.certificate for s in view.servers if s.certificate is not None]
    out: dict[str, tuple[str, str]] = {}
    for c in certs:
        base = f"{cert_dir.rstrip('/')}/{cert_basename(c)}"
        out.setdefault(c.name, (base + ".crt", base + ".key"))
    return out


def fake_certificate() -> tuple[str, str]:
    """The controller's self-signed "Kubernetes Ingress Controller Fake Certificate" (PEM crt, key).

    Same subject as ingress-nginx's GetFakeSSLCert (O=Acme Co, CN=…, SAN ingress.local); the key is derived
    from a fixed seed so that it is the same on every run.
    """
    from cryptography.hazmat.primitives.asymmetric import ec

    from aksnet.dataplane.tls import self_signed

    seed = int.from_bytes(hashlib.sha256(b"aksnet ingress-nginx fake certificate").digest(), "big")
    key = ec.derive_private_key(seed % (2**255), ec.SECP256R1())
    return self_signed(key, "Acme Co", FAKE_CERTIFICATE_CN, "ingress.local",
                       datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), 3650, serial=0x5EED)


def certificate_files(view: ControllerView, cert_dir: str) -> dict[str, str]:
    """File path → PEM text for every certificate the configuration references (Secrets and the fake cert)."""
    out: dict[str, str] = {}
    paths = certificate_paths(view, cert_dir)
    for name, (crt_path, key_path) in sorted(paths.items()):
        secret = view.secrets.get(name)
        if secret is not None and secret.tls_crt:
            out[crt_path], out[key_path] = secret.tls_crt, secret.tls_key
        else:
            out[crt_path], out[key_path] = fake_certificate()
    return out


def _http_maps(view: ControllerView) -> list[str]:
    c = view.config
    lines: list[str] = []
    if c.use_forwarded_headers or c.enable_real_ip:
        lines += [f"real_ip_header {_q(c.forwarded_for_header)};", "real_ip_recursive on;"]
        lines += [f"set_real_ip_from {cidr};" for cidr in c.proxy_real_ip_cidr]
    if c.use_forwarded_headers:
        lines += [
            "map $http_x_forwarded_proto $pass_access_scheme { default $http_x_forwarded_proto; '' $scheme; }",
            "map $http_x_forwarded_port $pass_server_port { default $http_x_forwarded_port; '' $server_port; }",
            "map $http_host $this_host { default $http_host; '' $host; }",
            # only the first comma-separated X-Forwarded-Host counts (lua_ingress.lua parse_x_forwarded_host)
            "map $http_x_forwarded_host $best_http_host { ~^(?<aksnet_xfh>[^,\\s]+) $aksnet_xfh; default $this_host; }",
        ]
    else:
        lines += [
            "map '' $pass_access_scheme { default $scheme; }",
            "map '' $pass_server_port { default $server_port; }",
            "map $http_host $best_http_host { default $http_host; '' $host; }",
        ]
    lines += [
        f"map $pass_server_port $pass_port {{ {c.https_port} 443; default $pass_server_port; }}",
        "map $pass_access_scheme $aksnet_is_http { http 1; default 0; }",
        "map $best_http_host $aksnet_redirect_host { ~^(?<aksnet_rh>[^:]+) $aksnet_rh; default $best_http_host; }",
        "map $request_uri $aksnet_redirect_uri { ~^(?<aksnet_ru>.*)/$ $aksnet_ru; default $request_uri; }",
        "map $http_upgrade $connection_upgrade { default upgrade; '' ''; }",
    ]
    if c.generate_request_id:
        lines.append("map $http_x_request_id $req_id { default $http_x_request_id; '' $request_id; }")
    else:
        lines.append("map $http_x_request_id $req_id { default $http_x_request_id; }")
    if c.use_forwarded_headers and c.compute_full_forwarded_for:
        lines.append(
            "map $http_x_forwarded_for $full_x_forwarded_for { "
            "default \"$http_x_forwarded_for, $realip_remote_addr\"; '' $realip_remote_addr; }"
        )
    hsts = f"max-age={c.hsts_max_age}" + ("; includeSubDomains" if c.hsts_include_subdomains else "")
    hsts += "; preload" if c.hsts_preload else ""
    lines.append(f"map $scheme $aksnet_hsts {{ https {_q(hsts) if c.hsts else _q('')}; default ''; }}")
    return lines


def _upstreams(view: ControllerView) -> tuple[list[str], set[str]]:
    """``upstream`` blocks for every Service port with endpoints; the set of names defined."""
    backends = {}
    for s in view.servers:
        for loc in s.locations:
            if loc.backend is not None:
                backends[loc.backend.upstream_name] = loc.backend
                for alt in view.canaries.get(loc.backend.upstream_name, ()):
                    backends[alt.backend.upstream_name] = alt.backend
    for s in view.servers:
        for loc in s.locations:
            if loc.fallback is not None:
                backends[loc.fallback.custom_default_name] = loc.fallback
    lines: list[str] = []
    defined: set[str] = set()
    for name in sorted(backends):
        b = backends[name]
        if not b.endpoints:
            continue
        defined.add(name)
        lines.append(f"upstream {name} {{")
        for ep in b.endpoints:
            lines.append(f"    server {ep.address};  # {ep.pod or ''}".rstrip())
        lines.append("}")
    return lines, defined


def _canary_blocks(view: ControllerView) -> list[str]:
    out: list[str] = []
    for primary in sorted(view.canaries):
        alt = view.canaries[primary][0]
        c = alt.canary
        total = c.weight_total if c.weight_total > 100 else 100
        if 0 < c.weight < total:
            pct = f"{100.0 * c.weight / total:.4f}".rstrip("0").rstrip(".")
            out.append(
                f'split_clients "${{remote_addr}}${{request_id}}" ${_canary_var(primary)} {{ {pct}% canary; * main; }}'
            )
    return out


def _canary_var(primary: str) -> str:
    return "aksnet_w_" + re.sub(r"[^A-Za-z0-9_]", "_", primary)


def _canary_lines(primary: str, alt: CanaryBackend, defined: set[str]) -> list[str]:
    """balancer.lua's order as nginx overrides: weight, then cookie, then header (the last `set` wins)."""
    c = alt.canary
    canary_up = alt.backend.upstream_name if alt.backend.upstream_name in defined else None
    main_up = primary if primary in defined else None
    if canary_up is None or main_up is None:
        # an empty upstream on either side: nginx answers 503 through the empty-upstream marker
        canary_up, main_up = canary_up or "aksnet_empty", main_up or "aksnet_empty"
    total = c.weight_total if c.weight_total > 100 else 100
    lines = [f"set $aksnet_upstream {main_up};"]
    if c.weight >= total:
        lines.append(f"set $aksnet_upstream {canary_up};")
    elif c.weight > 0:
        lines.append(f"if (${_canary_var(primary)} = canary) {{ set $aksnet_upstream {canary_up}; }}")
    if c.cookie:
        var = _cookie_var(c.cookie)
        lines.append(f"if ({var} = always) {{ set $aksnet_upstream {canary_up}; }}")
        lines.append(f"if ({var} = never) {{ set $aksnet_upstream {main_up}; }}")
    if c.header:
        var = "$http_" + c.header.lower().replace("-", "_")
        if c.header_value:
            value = _q(c.header_value, interpolated=True)
            lines.append(f"if ({var} = {value}) {{ set $aksnet_upstream {canary_up}; }}")
        elif c.header_pattern:
            if _compiles(c.header_pattern):  # the engine's choice for a pattern that does not compile: mainline
                lines.append(f"if ({var} ~ {_q(c.header_pattern)}) {{ set $aksnet_upstream {canary_up}; }}")
        else:
            lines.append(f"if ({var} = always) {{ set $aksnet_upstream {canary_up}; }}")
            lines.append(f"if ({var} = never) {{ set $aksnet_upstream {main_up}; }}")
    lines.append("if ($aksnet_upstream = aksnet_empty) { return 503; }")
    return lines


def _compiles(pattern: str) -> bool:
    """A regex NGINX can compile: the validators let any regex characters through, and a pattern PCRE refuses
    would fail the whole configuration (``nginx -t``); Python's re stands in for PCRE, as in the engine."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error:
        return False
    return True


def _cookie_var(name: str) -> str:
    """The variable holding cookie ``name``: ``$cookie_NAME`` for plain names; other names (nginx would read
    ``-`` literally and stop a variable name at ``.``) through a map over the Cookie header (_cookie_maps)."""
    if re.fullmatch(r"[A-Za-z0-9_]+", name):
        return "$cookie_" + name
    return "$aksnet_cookie_" + hashlib.sha256(name.encode()).hexdigest()[:12]


def _cookie_maps(view: ControllerView) -> list[str]:
    """The first ``NAME=value`` of the Cookie header for the canary cookies that are not plain names."""
    names = sorted({a.canary.cookie for alts in view.canaries.values() for a in alts[:1] if a.canary.cookie})
    out = []
    for name in names:
        var = _cookie_var(name)
        if var.startswith("$aksnet_cookie_"):
            rx = "~(?:^|;)\\s*" + re.escape(name) + "=(?<aksnet_cv>[^;]*?)\\s*(?:;|$)"
            out.append(f"map $http_cookie {var} {{ {_q(rx)} $aksnet_cv; default ''; }}")
    return out


def _proxy_headers(view: ControllerView, loc: Location, directive: str) -> list[str]:
    c, a = view.config, loc.annotations
    xff = "$full_x_forwarded_for" if (c.use_forwarded_headers and c.compute_full_forwarded_for) else "$remote_addr"
    host = _q(a.upstream_vhost, interpolated=True) if a.upstream_vhost else "$best_http_host"
    lines = [
        f"{directive} Host {host};",
        f"{directive} Upgrade $http_upgrade;",
        f"{directive} Connection $connection_upgrade;",
        f"{directive} X-Request-ID $req_id;",
        f"{directive} X-Real-IP $remote_addr;",
        f"{directive} X-Forwarded-For {xff};",
        f"{directive} X-Forwarded-Host $best_http_host;",
        f"{directive} X-Forwarded-Port $pass_port;",
        f"{directive} X-Forwarded-Proto $pass_access_scheme;",
        f"{directive} X-Forwarded-Scheme $pass_access_scheme;",
    ]
    if c.proxy_add_original_uri_header:
        lines.append(f"{directive} X-Original-URI $request_uri;")
    lines += [
        f"{directive} X-Scheme $pass_access_scheme;",
        f"{directive} X-Original-Forwarded-For $http_{c.forwarded_for_header.lower().replace('-', '_')};",
        f"{directive} X-Original-Forwarded-Host $http_x_forwarded_host;",
        f'{directive} Proxy "";',
    ]
    if loc.needs_rewrite and a.x_forwarded_prefix:
        lines.append(f"{directive} X-Forwarded-Prefix {_q(a.x_forwarded_prefix, interpolated=True)};")
    return lines


def _location(view: ControllerView, server: Server, loc: Location, defined: set[str]) -> list[str]:
    a = loc.annotations
    who = (
        f"Ingress {loc.ingress} path {loc.ingress_path} ({loc.ingress_path_type})" if loc.ingress else "default backend"
    )
    head = (
        f"location ~* {_q('^' + loc.path)}"
        if loc.regex
        else (f"location = {_q(loc.path)}" if loc.path_type == "Exact" else f"location {_q(loc.path)}")
    )
    body: list[str] = [f"# {_comment(who)}", f"client_max_body_size {a.proxy_body_size};"]
    if a.denied:
        return [head + " {", *[f"    {x}" for x in [*body, f"# denied: {_comment(a.denied)}", "return 503;"]], "}"]
    if a.redirect_url:
        body.append(f"return {a.redirect_code} {_q(a.redirect_url, interpolated=True)};")
    has_cert = server.certificate is not None and server.hostname != CATCH_ALL
    # template.go isLocationInLocationList: ConfigMap no-tls-redirect-locations are never ssl-redirected
    exempt = any(loc.path.startswith(p) for p in view.config.no_tls_redirect_locations)
    if not exempt and (a.force_ssl_redirect or (a.ssl_redirect and has_cert)):
        uri = "$request_uri" if a.preserve_trailing_slash else "$aksnet_redirect_uri"
        port = f":{view.config.https_port}" if a.use_port_in_redirects else ""
        target = f"https://$aksnet_redirect_host{port}{uri}"
        body.append(f"if ($aksnet_is_http) {{ return {view.config.http_redirect_code} {target}; }}")
    body += [f"deny {cidr};" for cidr in a.denylist]
    if a.allowlist:
        body += [f"allow {cidr};" for cidr in a.allowlist] + ["deny all;"]
    if loc.backend is None:
        body.append("return 404;")
        return [head + " {", *[f"    {x}" for x in body], "}"]
    # "rewrite … break" ends the rewrite module's directives (set, if, return) of the location: it comes last
    target = _rewrite_target(a.rewrite_target)
    rewrite = [f"rewrite {_q('(?i)' + loc.path)} {target} break;"] if loc.needs_rewrite else []
    b = loc.backend
    alts = view.canaries.get(b.upstream_name, ())
    proto = {"HTTPS": "https://", "GRPC": "grpc://", "GRPCS": "grpcs://", "AUTO_HTTP": "$scheme://"}.get(
        a.backend_protocol, "http://"
    )
    grpc = a.backend_protocol in ("GRPC", "GRPCS")
    if b.external_name is not None:
        body += [f"# ExternalName {_comment(b.external_name)}: not reproduced by the data plane", "return 502;"]
    elif alts:
        body += _canary_lines(b.upstream_name, alts[0], defined) + rewrite
        body += _proxy_headers(view, loc, "grpc_set_header" if grpc else "proxy_set_header")
        body += _upstream_tls(a.backend_protocol)
        body.append(f"{'grpc_pass' if grpc else 'proxy_pass'} {proto}$aksnet_upstream;")
    elif b.upstream_name not in defined and loc.fallback is not None:
        ns, _, name = (loc.ingress or "/").partition("/")
        body += [f"# {_comment(b.error)}: default-backend {loc.fallback.service_key}", *rewrite]
        body += _proxy_headers(view, loc, "proxy_set_header")
        body += [
            "proxy_set_header X-Code 503;",
            "proxy_set_header X-Format $http_accept;",
            f"proxy_set_header X-Namespace {_q(ns)};",
            f"proxy_set_header X-Ingress-Name {_q(name)};",
            f"proxy_set_header X-Service-Name {_q(b.service_name or '')};",
            f"proxy_set_header X-Service-Port {_q(str(b.port))};",
            f"proxy_pass http://{loc.fallback.custom_default_name};",
        ]
    elif b.upstream_name not in defined:
        body += [f"# {_comment(b.error)}", "return 503;"]
    elif a.backend_protocol == "FCGI":
        body += [
            *rewrite,
            f"fastcgi_pass {b.upstream_name};",
            "fastcgi_param REQUEST_METHOD $request_method;",
            "fastcgi_param REQUEST_URI $request_uri;",
            "fastcgi_param QUERY_STRING $query_string;",
        ]
    else:
        body += rewrite + _proxy_headers(view, loc, "grpc_set_header" if grpc else "proxy_set_header")
        body += _upstream_tls(a.backend_protocol)
        body.append(f"{'grpc_pass' if grpc else 'proxy_pass'} {proto}{b.upstream_name};")
    return [head + " {", *[f"    {x}" for x in body], "}"]


def _upstream_tls(backend_protocol: str) -> list[str]:
    """TLS towards the upstream pods (backend-protocol HTTPS/GRPCS): ingress-nginx verifies the backend's
    certificate only with the proxy-ssl-* annotations (proxy-ssl-verify defaults to "off"), so any
    self-signed backend certificate is accepted."""
    if backend_protocol == "HTTPS":
        return ["proxy_ssl_verify off;"]
    if backend_protocol == "GRPCS":
        return ["grpc_ssl_verify off;"]
    return []


def _server_name(s: Server) -> str:
    if s.hostname == CATCH_ALL:
        return "_"
    if s.is_wildcard:
        rest = re.escape(s.hostname[2:]).replace("\\-", "-")
        name = f"~^(?<subdomain>[\\w-]+)\\.{rest}$"
    else:
        name = s.hostname
    return " ".join([name, *(_q(a) for a in s.aliases)])


def _server(
    view: ControllerView, s: Server, paths: Mapping[str, tuple[str, str]], defined: set[str], listen: str
) -> list[str]:
    c = view.config
    default = " default_server" if s.hostname == CATCH_ALL else ""
    out = [
        "server {",
        f"    server_name {_server_name(s)};",
        f"    listen {listen}{c.http_port}{default};",
        f"    listen {listen}{c.https_port} ssl{default};",
    ]
    if s.certificate is not None and s.hostname != CATCH_ALL:
        crt, key = paths[s.certificate.name]
        out += [
            f"    # certificate: {_comment(s.certificate.name)}",
            f"    ssl_certificate {crt};",
            f"    ssl_certificate_key {key};",
        ]
        out.append("    add_header Strict-Transport-Security $aksnet_hsts always;")
    if s.regex:
        out.append(f"    # regex locations, first match wins: {_comment(s.regex_reason)}")
    for loc in s.locations:
        if loc.annotations.app_root:
            root = escape(loc.annotations.app_root, interpolated=True)
            out.append(f'    if ($uri = /) {{ return 302 "$scheme://$http_host{root}"; }}')
            break
    seen: set[str] = set()
    if s.hostname == CATCH_ALL:
        # nginx.tmpl's built-in locations of the catch-all server (engine.ingress.route._catch_all_builtin);
        # an Ingress location with the same prefix replaces them
        own = {loc.nginx for loc in s.locations}
        if "/healthz" not in own:
            out += ["    location /healthz {", "        access_log off;", "        return 200;", "    }"]
        if "/nginx_status" not in own:
            out += ["    location /nginx_status {", "        allow 127.0.0.1;", "        deny all;",
                    "        stub_status on;", "    }"]
    for loc in s.locations:
        key = loc.nginx
        if loc.regex and compile_location_regex(loc.path) is None:
            out.append(f"    # location {_comment(key)} of Ingress {loc.ingress} left out: its regex does not compile")
            continue
        if key in seen and not loc.regex:
            out.append(f"    # duplicate location {_comment(key)} from Ingress {loc.ingress} skipped (the first wins)")
            continue
        seen.add(key)
        out += [f"    {line}" for line in _location(view, s, loc, defined)]
    out.append("}")
    return out


def _www_redirect_server(
    view: ControllerView, src: str, target: Server, paths: Mapping[str, tuple[str, str]], listen: str
) -> list[str]:
    """nginx.tmpl's redirect server for from-to-www-redirect (trailing slash removed, http-redirect-code)."""
    c = view.config
    out = [
        "server {",
        f"    # from-to-www-redirect on {target.hostname}",
        f"    server_name {src};",
        f"    listen {listen}{c.http_port};",
        f"    listen {listen}{c.https_port} ssl;",
    ]
    if target.certificate is not None:
        crt, key = paths[target.certificate.name]
        out += [f"    ssl_certificate {crt};", f"    ssl_certificate_key {key};"]
    out += [f"    return {c.http_redirect_code} $scheme://{target.hostname}$aksnet_redirect_uri;", "}"]
    return out


def _stream_block(servers: Sequence[StreamServer], listen: str, p: str) -> list[str]:
    """ingress-nginx's ``stream`` block (nginx.tmpl): one server per listening tcp/udp services entry, proxying to
    the Service port's ready endpoints with 3 next-upstream tries; ``:PROXY`` entries expect (decode) or send
    (encode) a PROXY protocol header. Skipped entries get no server: nothing listens on their ports."""
    lines = ["stream {", f"    error_log {p}/stream-error.log notice;"]
    for srv in servers:
        if not srv.listening:
            continue
        name = f"aksnet_stream_{srv.protocol.lower()}_{srv.port}"
        lines.append(f"    upstream {name} {{")
        lines += [f"        server {ep.ip}:{ep.port};  # {ep.pod or ''}".rstrip() for ep in srv.endpoints]
        lines.append("    }")
        udp = " udp" if srv.protocol == "UDP" else ""
        decode = " proxy_protocol" if srv.decode_proxy else ""
        lines += ["    server {", f"        listen {listen}{srv.port}{udp}{decode};", f"        proxy_pass {name};",
                  "        proxy_connect_timeout 3s;", "        proxy_timeout 10s;",
                  "        proxy_next_upstream on;", "        proxy_next_upstream_tries 3;",
                  *(["        proxy_responses 1;"] if udp else []),
                  *(["        proxy_protocol on;"] if srv.encode_proxy else []), "    }"]
    lines.append("}")
    return lines


def render_nginx_conf(
    view: ControllerView, *, prefix: str, cert_dir: str, listen_address: str | None = None, user: str | None = None,
    streams: Sequence[StreamServer] = (),
) -> str:
    """The whole nginx.conf for the controller of ``view``; runtime files live under ``prefix``.

    ``listen_address`` (e.g. the controller pod's IP) restricts the listeners; default: every address.
    ``user``: the worker processes' user and group (``nobody nogroup`` in the data plane; the master stays
    root to bind the ports and read the certificates). ``streams``: the controller's tcp/udp services entries
    (:mod:`aksnet.engine.ingress.streams`), served by the stream module when any of them listens. Every file
    nginx writes (pid, logs, temp paths) is under ``prefix``; the workers never open files (no temp files).
    """
    listen = f"{listen_address}:" if listen_address else ""
    p = prefix.rstrip("/")
    paths = certificate_paths(view, cert_dir)
    upstreams, defined = _upstreams(view)
    dcrt, dkey = paths[view.default_certificate.name]
    listening = [srv for srv in streams if srv.listening]
    out = [
        *([f"load_module {STREAM_MODULE};"] if listening else []),
        f"# Generated by aksnet for ingress controller {view.config.controller_class}"
        + (f" (ConfigMap {view.config.config_map})" if view.config.config_map else ""),
        "# Served Ingresses (oldest first): " + (", ".join(i.key for i in view.ingresses) or "none"),
        *([f"user {user};"] if user else []),
        "worker_processes 1;",
        f"pid {p}/nginx.pid;",
        f"error_log {p}/error.log notice;",
        "events { worker_connections 1024; }",
        "http {",
    ]
    http = [
        *prefix_paths(p),  # the prefix lies in the private workspace
        "fastcgi_request_buffering off;",
        "fastcgi_max_temp_file_size 0;",
        "server_names_hash_bucket_size 128;",
        "map_hash_bucket_size 128;",
        "server_name_in_redirect off;",
        "port_in_redirect off;",
        "underscores_in_headers off;",
        "proxy_http_version 1.1;",
        "default_type text/html;",
        f"ssl_certificate {dcrt};  # {view.default_certificate.name}",
        f"ssl_certificate_key {dkey};",
        *_http_maps(view),
        *_canary_blocks(view),
        *_cookie_maps(view),
        *upstreams,
    ]
    servers: list[str] = []
    for src in sorted(view.www_redirects):
        servers += _www_redirect_server(view, src, view.www_redirects[src], paths, listen)
    for s in view.servers:
        servers += _server(view, s, paths, defined, listen)
    if any(DOLLAR_VAR in line for line in servers):
        http.append(DOLLAR_GEO)
    out += [f"    {line}" for line in http + servers]
    out.append("}")
    if listening:
        out += _stream_block(listening, listen, p)
    return "\n".join(out) + "\n"
