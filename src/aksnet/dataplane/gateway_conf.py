"""nginx.conf for a Gateway's proxy (an Istio-deployed Gateway pod, or an Application Gateway for Containers'
proxies), for Debian's plain nginx 1.22, rendered from the twin's Gateway API decisions — pure text generation.

Per Gateway (a *binding*: Gateway, its world, the address it listens on): one ``server`` per valid listener
(``server_name`` the listener hostname, ``*.`` wildcards as NGINX reads them: any number of labels, like the
spec; HTTPS with the certificateRefs' Secret), and per port a default server that answers 404 (HTTP) or refuses
the TLS handshake (HTTPS, ``ssl_reject_handshake``) where no listener matches. Inside, ``gateway_match`` picks the
candidate rule, and per-candidate maps do what its filters do: RequestRedirect (``return 301|302`` with the
Location the twin computes), URLRewrite (the path sent upstream, the Host header), Request/ResponseHeaderModifier
(``proxy_set_header``/``add_header`` per header name: set, add with a comma, remove as an empty value), then the
weighted backendRefs with ``split_clients`` over the same key and parts as the twin (``engine.split_clients``),
and the Service's endpoints as an ``upstream`` (``max_fails=0``; up to ``attempts`` endpoints tried). Envoy's own
answers: 404 and 500 with empty bodies, ``503 no healthy upstream``, 503 ``upstream connect error …`` after
every attempt failed (connect timeout 1 s). Upstream headers: Host, X-Forwarded-For (the address the proxy saw),
X-Forwarded-Proto, X-Request-ID (NGINX's random ``$request_id``).

Not rendered (said in ``notes``, twin-only): RequestMirror copies, backendRef-level filters, TLS Passthrough,
response header removal, Envoy's ``x-envoy-attempt-count`` and ``server`` header. Must not write files or run
NGINX (``nginx_ctl`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aksnet.dataplane import gateway_match, gateway_values, names
from aksnet.dataplane.nginx_text import DOLLAR_GEO, DOLLAR_VAR, comment, header_var, prefix_paths, quote, regex_literal
from aksnet.engine import split_clients as split
from aksnet.engine.gateway import agc_policies
from aksnet.engine.gateway.attach import Attachment, attachments, gateway_states
from aksnet.engine.gateway.filters import WELL_KNOWN_PORTS
from aksnet.model.gateway import BackendRef, Filter, Gateway, GatewayWorld, Listener, SessionAffinity
from aksnet.rules import gateway_api

CONNECT_TIMEOUT = "1s"


@dataclass(frozen=True)
class Backend:
    """A backendRef as the twin resolves it: ``problem`` (500), else the Service's ready endpoints (ip, port,
    pod) — none: 503 — and, for AGC, TLS towards them (``tls_sni``) or the answer the twin gives instead."""

    service: tuple[str, str, int]
    endpoints: tuple[tuple[str, int, str], ...] = ()
    problem: str = ""
    tls_sni: str | None = None
    answer: tuple[int, str] | None = None


@dataclass(frozen=True)
class Binding:
    gateway: Gateway
    world: GatewayWorld
    listen: str  # the address the proxy listens on
    controllers: tuple[str, ...]


BackendOf = Callable[[Binding, Attachment, BackendRef], Backend]


@dataclass(frozen=True)
class Rendered:
    conf: str
    files: tuple[tuple[str, str], ...]  # path → PEM (certificates)
    notes: tuple[str, ...]


@dataclass
class _Acts:
    """Per-candidate map entries (keyed by ``$aksnet_c``) and what the location needs."""

    act: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    up: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    uhost: list[str] = field(default_factory=list)
    shost: list[str] = field(default_factory=list)
    headers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # lower name → (candidate, value)
    shown: dict[str, str] = field(default_factory=dict)  # lower name → name as written first
    resp: dict[str, list[str]] = field(default_factory=dict)
    splits: list[str] = field(default_factory=list)
    upstreams: dict[str, Backend] = field(default_factory=dict)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)
    redirects: set[int] = field(default_factory=set)
    affinity: dict[str, SessionAffinity] = field(default_factory=dict)  # candidate → AGC session affinity
    notes: list[str] = field(default_factory=list)


def _header_entries(acts: _Acts, cid: str, f: Filter, state: dict[str, str]) -> None:
    """RequestHeaderModifier as the value each header is sent with (``state``: lower name → nginx value)."""
    assert f.headers is not None
    for name, value in f.headers.set:
        state[name.lower()] = quote(value, interpolated=True)
        acts.shown.setdefault(name.lower(), name)
    for name, value in f.headers.add:
        low = name.lower()
        acts.shown.setdefault(low, name)
        old = state.get(low)
        lit = quote(value, interpolated=True)[1:-1]
        if old is None:  # the request's own header, if any
            state[low] = f"@add:{lit}"
        elif old.startswith("@add:"):
            state[low] = f"{old},{lit}"
        else:
            state[low] = f'"{old[1:-1]},{lit}"' if old != '""' else f'"{lit}"'
    for name in f.headers.remove:
        state[name.lower()] = '""'
        acts.shown.setdefault(name.lower(), name)


def _path_entries(cid: str, kind: str, value: str, prefix: str) -> list[str]:
    """HTTPPathModifier on the raw path (``filters.replace_path``): map entries keyed ``"<cid> <path>"``."""
    if kind == "ReplaceFullPath":
        return [f"{quote(f'~^{cid} ')} {quote(value or '/', interpolated=True)};"]
    head = value.rstrip("/")
    p = regex_literal(prefix.rstrip("/"))
    return [f"{quote(f'~^{cid} {p}$')} {quote(head or '/', interpolated=True)};",
            f"{quote(f'~^{cid} {p}(?<aksnet_rest>/.*)$')} \"{quote(head, interpolated=True)[1:-1]}$aksnet_rest\";"]


def _candidate(acts: _Acts, b: Binding, lst: Listener, c: gateway_match.Candidate, backend_of: BackendOf) -> None:
    cid, rule = c.id, c.attachment.route.rules[c.rule_index]
    scheme = "https" if lst.protocol == "HTTPS" else "http"
    state: dict[str, str] = {}
    host_expr, path_changed = "$host", False
    where = f"{c.attachment.route.namespace}/{c.attachment.route.name} rules[{c.rule_index}]"
    for f in rule.filters:
        if f.type == "RequestHeaderModifier" and f.headers:
            _header_entries(acts, cid, f, state)
        elif f.type == "ResponseHeaderModifier" and f.headers:
            for name, value in (*f.headers.set, *f.headers.add):
                acts.resp.setdefault(name.lower(), []).append(f"{cid} {quote(value, interpolated=True)};")
                acts.shown.setdefault(name.lower(), name)
            if f.headers.remove:
                acts.notes.append(f"{where}: ResponseHeaderModifier remove is not rendered")
        elif f.type == "URLRewrite":
            if f.hostname:
                host_expr = quote(f.hostname, interpolated=True)
                acts.uhost.append(f"{cid} {host_expr};")
                acts.shost.append(f"{cid} {host_expr};")
            if f.path and not path_changed:
                acts.path += _path_entries(cid, f.path.type, f.path.value, c.match.path)
                path_changed = True
        elif f.type == "RequestMirror":
            acts.notes.append(f"{where}: RequestMirror is shown by trace only (no copy is sent)")
        elif f.type == "RequestRedirect":
            _redirect(acts, cid, f, scheme, lst.port, host_expr, c, path_changed)
            return
    for low, value in state.items():
        acts.headers.setdefault(low, []).append((cid, value))
    acts.act.append(f"{cid} proxy;")
    _backends(acts, b, c, rule.backends, backend_of)
    policy = agc_policies.route_policy_for(b.world, c.attachment.route) \
        if agc_policies.is_alb_gateway(b.world, b.gateway) else None
    if policy is not None and policy.affinity is not None:
        acts.affinity[cid] = policy.affinity


def _redirect(acts: _Acts, cid: str, f: Filter, scheme: str, port: int, host_expr: str,
              c: gateway_match.Candidate, path_changed: bool) -> None:
    """RequestRedirect's Location as ``filters._location`` builds it."""
    new_scheme = f.scheme or scheme
    new_port = f.port if f.port is not None else (WELL_KNOWN_PORTS.get(f.scheme, port) if f.scheme else port)
    host = quote(f.hostname, interpolated=True)[1:-1] if f.hostname else host_expr.strip('"')
    netloc = host if WELL_KNOWN_PORTS.get(new_scheme) == new_port else f"{host}:{new_port}"
    if f.path and not path_changed:
        acts.path += _path_entries(cid, f.path.type, f.path.value, c.match.path)
    code = f.status_code
    acts.redirects.add(code)
    acts.act.append(f"{cid} redirect{code};")
    acts.location.append(f"{cid} \"{escape_scheme(new_scheme)}://{netloc}$aksnet_path$aksnet_qs\";")


def escape_scheme(scheme: str) -> str:
    return scheme if scheme in WELL_KNOWN_PORTS else "http"


def _upstream_name(key: tuple[str, str, int], tls: bool) -> str:
    return f"aksnet_b{names.short_hash(f'{key}/{tls}', 12)}"


def _token(acts: _Acts, backend: Backend) -> str:
    if backend.problem:
        return "aksnet_e500"
    if backend.answer is not None:
        tok = f"aksnet_s{names.short_hash(repr(backend.answer), 8)}"
        acts.answers[tok] = backend.answer
        return tok
    if not backend.endpoints:
        return "aksnet_e503"
    name = _upstream_name(backend.service, backend.tls_sni is not None)
    acts.upstreams[name] = backend
    return name


def _backends(acts: _Acts, b: Binding, c: gateway_match.Candidate, refs: Sequence[BackendRef],
              backend_of: BackendOf) -> None:
    if any(r.filters for r in refs):
        acts.notes.append(f"{c.attachment.route.namespace}/{c.attachment.route.name} rules[{c.rule_index}]: "
                          "backendRef filters are not rendered")
    parts = split.parts([r.weight for r in refs])
    if not parts:
        acts.up.append(f"{c.id} aksnet_e500;")
        return
    if len(parts) == 1:
        acts.up.append(f"{c.id} {_token(acts, backend_of(b, c.attachment, refs[parts[0][0]]))};")
        return
    var = f"$aksnet_split_{c.id}"
    body = " ".join(f"{split.percent_text(share) if share is not None else '*'} "
                    f"{_token(acts, backend_of(b, c.attachment, refs[i]))};" for i, share in parts)
    acts.splits.append(f"split_clients \"${{aksnet_shost}}${{aksnet_path}}?${{args}}\" {var} {{ {body} }}")
    acts.up.append(f"{c.id} {var};")


def _map(source: str, var: str, entries: Sequence[str], default: str) -> str:
    return f"map {source} {var} {{ {' '.join(entries)} default {default}; }}"


def _maps(acts: _Acts) -> list[str]:
    out = [
        _map("$aksnet_c", "$aksnet_act", acts.act, '""'),
        _map("$aksnet_c", "$aksnet_location", acts.location, '""'),
        _map("$aksnet_c", "$aksnet_up", acts.up, "aksnet_e500"),
        _map('"$aksnet_c $aksnet_raw_path"', "$aksnet_path", acts.path, "$aksnet_raw_path"),
        _map("$aksnet_c", "$aksnet_uhost", acts.uhost, "$http_host"),
        _map("$aksnet_c", "$aksnet_shost", acts.shost, "$host"),
        "map $request_uri $aksnet_raw_path { \"~^(?<aksnet_p>[^?]*)\" $aksnet_p; }",
        'map $args $aksnet_qs { "" ""; default "?$args"; }',
    ]
    for i, (low, entries) in enumerate(sorted(acts.headers.items())):
        var = header_var(low)
        plain = [f"{cid} {value};" for cid, value in entries if not value.startswith("@add:")]
        adds = [(cid, value[len("@add:"):]) for cid, value in entries if value.startswith("@add:")]
        if adds and var is not None:
            rx = [f"\"~^{cid}:$\" \"{value}\";" for cid, value in adds]
            rx += [f"\"~^{cid}:.\" \"{var},{value}\";" for cid, value in adds]
            out.append(_map(f'"$aksnet_c:{var}"', f"$aksnet_hx{i}", rx, var))
            default = f"$aksnet_hx{i}"
        else:
            plain += [f"{cid} \"{value}\";" for cid, value in adds]
            default = var or '""'
        out.append(_map("$aksnet_c", f"$aksnet_h{i}", plain, default))
    for i, (_, values) in enumerate(sorted(acts.resp.items())):
        out.append(_map("$aksnet_c", f"$aksnet_r{i}", values, '""'))
    tls = [f"{name} https;" for name, be in sorted(acts.upstreams.items()) if be.tls_sni is not None]
    sni = [f"{name} {quote(be.tls_sni or '', interpolated=True)};" for name, be in sorted(acts.upstreams.items())
           if be.tls_sni is not None]
    out += [_map("$aksnet_up", "$aksnet_proto", tls, "http"), _map("$aksnet_up", "$aksnet_sni", sni, '""')]
    return out + acts.splits + _affinity_maps(acts)


def _affinity_maps(acts: _Acts) -> list[str]:
    """AGC session affinity (``analyses.curl_gateway``'s rules): a cookie naming an endpoint of the chosen
    backend (``agc_policies.affinity_value``) pins the request to it; otherwise the response that chose an
    endpoint sets the cookie naming it."""
    names = sorted({a.cookie_name for a in acts.affinity.values()})
    out: list[str] = []
    for i, name in enumerate(names):
        rx = "~(?:^|;)\\s*" + regex_literal(name) + "=\"?(?<aksnet_cv>[^;\"]*)\"?\\s*(?:;|$)"
        out.append(f"map $http_cookie $aksnet_ck{i} {{ {quote(rx)} $aksnet_cv; default \"\"; }}")
    ckv = [f"{cid} $aksnet_ck{names.index(a.cookie_name)};" for cid, a in sorted(acts.affinity.items())]
    out.append(_map("$aksnet_c", "$aksnet_ckv", ckv, '""'))
    pins, values = [], []
    for name, be in sorted(acts.upstreams.items()):
        for ip, port, _ in be.endpoints:
            value = agc_policies.affinity_value(ip, port)
            pins.append(f"{quote(f'{name}|{value}')} {ip}:{port};")
            values.append(f"{quote(f'{ip}:{port}')} {value};")
    out.append(_map('"$aksnet_up|$aksnet_ckv"', "$aksnet_pin", pins if acts.affinity else [], '""'))
    out.append(_map("$aksnet_pin", "$aksnet_target", ['"" $aksnet_up;'], "$aksnet_pin"))
    out.append(_map("$upstream_addr", "$aksnet_affv", values if acts.affinity else [], '""'))
    sets = [f"{quote(f'~^[|]{cid}$')} "
            f"\"{quote(a.cookie_name)[1:-1]}=$aksnet_affv; Max-Age={a.cookie_duration}; Path=/; HttpOnly\";"
            for cid, a in sorted(acts.affinity.items())]
    out.append(_map('"$aksnet_pin|$aksnet_c"', "$aksnet_setcookie", sets, '""'))
    return out


def _upstreams(acts: _Acts) -> list[str]:
    out = []
    for name, be in sorted(acts.upstreams.items()):
        ns, svc, port = be.service
        out.append(f"upstream {name} {{  # Service {comment(f'{ns}/{svc}')} port {port}")
        out += [f"    server {ip}:{p} max_fails=0;  # {comment(pod)}" for ip, p, pod in be.endpoints]
        out.append("}")
    return out


def _location(acts: _Acts, attempts: int) -> list[str]:
    lines = ['if ($aksnet_c = "") { return 404 ""; }']
    lines += [f"if ($aksnet_act = redirect{code}) {{ return {code} $aksnet_location; }}"
              for code in sorted(acts.redirects)]
    lines += ['if ($aksnet_up = aksnet_e500) { return 500 ""; }',
              f"if ($aksnet_up = aksnet_e503) {{ return 503 {quote(gateway_api.ENVOY_NO_HEALTHY_UPSTREAM)}; }}"]
    lines += [f"if ($aksnet_up = {tok}) {{ return {code} {quote(body, interpolated=True)}; }}"
              for tok, (code, body) in sorted(acts.answers.items())]
    lines += [
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header Host $aksnet_uhost;",
        "proxy_set_header X-Forwarded-For $remote_addr;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Request-ID $request_id;",
    ]
    lines += [f"proxy_set_header {quote(acts.shown[low])} $aksnet_h{i};" for i, low in enumerate(sorted(acts.headers))]
    lines += [f"add_header {quote(acts.shown[low])} $aksnet_r{i} always;" for i, low in enumerate(sorted(acts.resp))]
    lines += [
        f"proxy_connect_timeout {CONNECT_TIMEOUT};",
        "proxy_next_upstream error timeout;",
        f"proxy_next_upstream_tries {attempts};",
        "proxy_ssl_server_name on;",
        "proxy_ssl_name $aksnet_sni;",
        "proxy_ssl_verify off;",
        "error_page 502 = @aksnet_refused;",
        "error_page 504 = @aksnet_timeout;",
        "add_header Set-Cookie $aksnet_setcookie;",
        "proxy_pass $aksnet_proto://$aksnet_target$aksnet_path$aksnet_qs;",
    ]
    return lines


def _server(listen: str, lst: Listener, sel_var: str, cert: tuple[str, str] | None, default: bool) -> list[str]:
    ssl = " ssl" if lst.protocol == "HTTPS" else ""
    name = lst.hostname or '""'
    out = ["server {", f"    # listener {comment(lst.name)}", f"    listen {listen}:{lst.port}{ssl}"
           + (" default_server;" if default else ";"), f"    server_name {name};"]
    if cert:
        out += [f"    ssl_certificate {cert[0]};", f"    ssl_certificate_key {cert[1]};"]
    out += [f"    set $aksnet_c {sel_var};", "    location / {", "    }",
            "    location @aksnet_refused { return 503 " + quote(gateway_api.ENVOY_CONNECT_FAILURE) + "; }",
            "    location @aksnet_timeout { return 503 " + quote(gateway_api.ENVOY_CONNECT_TIMEOUT) + "; }", "}"]
    return out


def _default_server(listen: str, port: int, https: bool) -> list[str]:
    """What a port answers where no listener's hostname matches: 404 (HTTP), the handshake refused (HTTPS)."""
    if https:
        return ["server {", f"    listen {listen}:{port} ssl default_server;", "    ssl_reject_handshake on;", "}"]
    return ["server {", f"    listen {listen}:{port} default_server;", '    return 404 "";', "}"]


def _cert_of(gw: Gateway, lst: Listener) -> tuple[str, str] | None:
    ref = lst.certificate_refs[0] if lst.certificate_refs else None
    return (ref.namespace or gw.namespace, ref.name) if ref is not None else None


def render(bindings: Sequence[Binding], backend_of: BackendOf, secrets: Mapping[tuple[str, str], tuple[str, str]],
           *, prefix: str, user: str | None, attempts: int, title: str) -> Rendered:
    """The whole nginx.conf serving ``bindings``; ``secrets``: (namespace, name) → (tls.crt, tls.key) PEM of the
    listeners' certificateRefs; runtime files under ``prefix``."""
    p = prefix.rstrip("/")
    maps = gateway_match.Maps("aksnet")
    acts = _Acts()
    servers: list[str] = []
    files: dict[str, str] = {}
    for bi, b in enumerate(bindings):
        gw = b.gateway
        state = next((s for s in gateway_states(b.world, b.controllers) if s.gateway is gw), None)
        valid = [s.listener for s in (state.listeners if state else ()) if s.valid]
        atts = [a for a in attachments(b.world, b.controllers) if a.gateway is gw]
        ports: dict[int, tuple[bool, bool]] = {}  # port → (https, has a listener without hostname)
        for li, lst in enumerate(gw.listeners):
            bad_name = gateway_values.hostname_problem(lst.hostname)
            if lst not in valid or lst.protocol not in ("HTTP", "HTTPS") or bad_name:
                acts.notes.append(f"Gateway {gw.namespace}/{gw.name} listener {lst.name}: not rendered "
                                  f"({lst.protocol}{', not valid' if lst not in valid else ''})")
                continue
            cert = None
            if lst.protocol == "HTTPS":
                key = _cert_of(gw, lst)
                pem = secrets.get(key) if key else None
                if key is None or pem is None or lst.tls_mode not in ("", "Terminate"):
                    acts.notes.append(f"Gateway {gw.namespace}/{gw.name} listener {lst.name}: no usable certificate")
                    continue
                base = f"{p}/certs/{key[0]}-{key[1]}"
                cert = (base + ".crt", base + ".key")
                files[cert[0]], files[cert[1]] = pem
            sel = f"$aksnet_g{bi}l{li}"
            cands = gateway_match.candidates([a for a in atts if a.listener is lst], f"g{bi}l{li}c")
            gateway_match.selection(cands, maps, sel)
            for c in cands:
                _candidate(acts, b, lst, c, backend_of)
            https_now, catch = ports.get(lst.port, (lst.protocol == "HTTPS", False))
            servers += _server(b.listen, lst, sel, cert, not lst.hostname and not catch)
            ports[lst.port] = (https_now, catch or not lst.hostname)
        for port, (https, catch) in sorted(ports.items()):
            if not catch:
                servers += _default_server(b.listen, port, https)
    body = _location(acts, attempts)
    out_servers: list[str] = []
    for line in servers:  # every listener's location takes the same body (the maps differ by candidate)
        out_servers.append(line)
        if line == "    location / {":
            out_servers += [f"        {x}" for x in body]
    http = [
        *prefix_paths(p),
        "server_names_hash_bucket_size 128;",
        "map_hash_bucket_size 128;",
        "variables_hash_max_size 65536;",  # a map variable per condition and candidate
        "variables_hash_bucket_size 128;",
        "underscores_in_headers off;",
        "server_tokens off;",
        "default_type text/plain;",
        *maps.lines,
        *_maps(acts),
        *_upstreams(acts),
        *out_servers,
    ]
    if any(DOLLAR_VAR in line for line in http):
        http.append(DOLLAR_GEO)
    conf = [f"# Generated by aksnet for {comment(title)}",
            "# Gateways: " + ", ".join(f"{b.gateway.namespace}/{b.gateway.name}" for b in bindings),
            *([f"user {user};"] if user else []), "worker_processes 1;", f"pid {p}/nginx.pid;",
            f"error_log {p}/error.log notice;", "events { worker_connections 1024; }", "http {",
            *[f"    {line}" for line in http], "}"]
    return Rendered("\n".join(conf) + "\n", tuple(sorted(files.items())), tuple(maps.notes + acts.notes))
