"""nginx.conf for one pod's Istio sidecar stand-in (Envoy is not available here) — pure text generation.

Inbound, for each port the pod serves, NGINX listens on the pod's address (the app's own port is reached on
``127.0.0.1``, from ``127.0.0.6`` as Envoy's inbound passthrough binds it; the pod's ``aksnet-mesh`` nft table
sends that to the echo agent): STRICT terminates mutual TLS only (a client certificate signed by the mesh CA is
required; plaintext or a TLS client without a certificate is refused), DISABLE takes plaintext only, PERMISSIVE
looks at the first bytes (``ssl_preread``) and hands TLS and plaintext to one terminating server each, over
loopback with the PROXY protocol so the client address survives. Ports whose protocol is HTTP (Istio's protocol
selection) are terminated by the ``http`` module: AuthorizationPolicy denies with ``403`` and the body
``RBAC: access denied``, a refused plaintext request is reset (``return 444`` with ``reset_timedout_connection``,
as Envoy resets it), and an mTLS request reaches the app with ``X-Forwarded-Client-Cert`` as Envoy's
APPEND_FORWARD writes it (``By=<own SPIFFE ID>;Hash=<sha256>;Subject="";URI=<peer's SPIFFE ID>``; removed on
plaintext). Other ports are proxied by the ``stream`` module; a denied TCP connection, and plaintext on a STRICT
TCP port, is reset with the help of the pod's nft table (``mesh_plan``).
Outbound, the pod's nft table redirects each mesh destination (address and port) to a loopback listener that
originates mutual TLS with the workload's certificate; to an HTTP Service port that a VirtualService bound to
``mesh`` names, that listener is an ``http`` server routing as the twin (``ingress_route_conf``). An ingress
gateway's listeners route by its Gateways and VirtualServices the same way. Files (certificates, the peer maps
of ``mesh_pki``) are named under ``prefix``; the caller writes them. Must not write files or run nginx.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.dataplane.ingress_route_conf import RoutePart
from aksnet.dataplane.nginx_text import DOLLAR_GEO, STREAM_MODULE, escape, prefix_paths, regex_literal
from aksnet.dataplane.sidecar_authz import Compiler, Decision, concat
from aksnet.model import mesh
from aksnet.rules import istio

# Envoy's inbound passthrough bind address (istio/istio pilot: InboundPassthroughBindIpv4)
PASSTHROUGH_SOURCE = "127.0.0.6"
APP_ADDRESS = "127.0.0.1"
PREREAD_TIMEOUT = "5s"
# the refused upstream never answers (the pod's nft drops its SYN): NGINX closes after this with the client's data
# unread, so the kernel resets the connection as Envoy's RBAC filter does
REFUSED_TIMEOUT = "300ms"


@dataclass(frozen=True)
class InboundPort:
    port: int
    http: bool
    mode: str  # STRICT, PERMISSIVE or DISABLE
    decision: Decision
    why: str  # the PeerAuthentication that set the mode (a comment)
    internal: tuple[int, int, int]  # loopback ports: mTLS server, plaintext server, the refused upstream
    route: RoutePart | None = None  # an ingress gateway's listener: its routing (else the app behind the sidecar)


@dataclass(frozen=True)
class Outbound:
    local_port: int
    dst_ip: str
    dst_port: int
    why: str
    route: RoutePart | None = None  # an HTTP Service port a VirtualService routes (else bytes to the address)


@dataclass(frozen=True)
class SidecarView:
    pod_key: str
    pod_ip: str
    principal: str  # cluster.local/ns/NS/sa/SA
    inbound: tuple[InboundPort, ...]
    outbound: tuple[Outbound, ...]


CERT, KEY, CA, PEERS, HASHES = "workload.crt", "workload.key", "ca.crt", "peers.map", "hashes.map"


def _peer_maps(certs: str) -> list[str]:
    return [f"map $ssl_client_fingerprint $aksnet_principal {{ default \"\"; include {certs}/{PEERS}; }}",
            f"map $ssl_client_fingerprint $aksnet_peer_hash {{ default \"\"; include {certs}/{HASHES}; }}",
            f'map $aksnet_principal $aksnet_peer_ns {{ default ""; '
            f'"~^{escape(regex_literal(istio.TRUST_DOMAIN))}/ns/(?<ns>[^/]+)/sa/" $ns; }}']


def _tls_server(certs: str) -> list[str]:
    return [f"ssl_certificate {certs}/{CERT};", f"ssl_certificate_key {certs}/{KEY};",
            f"ssl_client_certificate {certs}/{CA};", "ssl_verify_client on;", "ssl_verify_depth 1;"]


def _listen(view: SidecarView, p: InboundPort, tls: bool) -> str:
    """Where a terminating server listens: the pod's address (STRICT, DISABLE) or loopback behind the preread."""
    if p.mode == mesh.PERMISSIVE:
        port = p.internal[0] if tls else p.internal[1]
        return f"listen {APP_ADDRESS}:{port}{' ssl' if tls else ''} proxy_protocol;"
    return f"listen {view.pod_ip}:{p.port}{' ssl' if tls else ''};"


def _realip(p: InboundPort, http: bool) -> list[str]:
    if p.mode != mesh.PERMISSIVE:
        return []
    return [f"set_real_ip_from {APP_ADDRESS};", *(["real_ip_header proxy_protocol;"] if http else [])]


def _http_server(view: SidecarView, p: InboundPort, tls: bool, certs: str, c: Compiler) -> list[str]:
    deny, allow = c.value(p.decision.deny), c.value(p.decision.allow)
    forbid = f'return {istio.RBAC_DENIED_STATUS} "{escape(istio.RBAC_DENIED_BODY)}";'
    checks = []
    if deny != "0":
        checks.append(forbid if deny == "1" else f"if ({deny} = 1) {{ {forbid} }}")
    if allow != "1":
        checks.append(forbid if allow == "0" else f"if ({allow} = 0) {{ {forbid} }}")
    xfcc = (f'"${{aksnet_xfcc_prior}}{escape(f"By=spiffe://{view.principal};")}Hash=$aksnet_peer_hash;'
            f'Subject=\\"\\";URI=spiffe://$aksnet_principal"') if tls else '""'
    return [
        f"server {{  # port {p.port} ({'mTLS' if tls else 'plaintext'}): {p.why}",
        f"    {_listen(view, p, tls)}",
        *(f"    {x}" for x in (_tls_server(certs) if tls else []) + _realip(p, True)),
        "    error_page 495 496 497 = @aksnet_reset;",
        "    location @aksnet_reset { return 444; }",
        "    location / {",
        *(f"        {x}" for x in checks),
        *(f"        {x}" for x in _upstream(p, certs)),
        "        proxy_set_header Host $http_host;",
        '        proxy_set_header Connection "";',
        f"        proxy_set_header X-Forwarded-Client-Cert {xfcc};",
        "    }",
        "}",
    ]


def _upstream(p: InboundPort, certs: str) -> list[str]:
    """The app behind the sidecar, or an ingress gateway's routing."""
    if p.route is None:
        return [f"proxy_pass http://{APP_ADDRESS}:{p.port};", f"proxy_bind {PASSTHROUGH_SOURCE};"]
    return _routed(p.route, certs)


def _routed(route: RoutePart, certs: str) -> list[str]:
    """A routing decision's location lines: mutual TLS to sidecars with the proxy's own certificate (auto mTLS)."""
    return [f"proxy_ssl_certificate {certs}/{CERT};", f"proxy_ssl_certificate_key {certs}/{KEY};",
            f"proxy_ssl_trusted_certificate {certs}/{CA};", "proxy_ssl_verify off;", "proxy_connect_timeout 1s;",
            *route.location]


def _http_outbound(view: SidecarView, certs: str) -> list[str]:
    out: list[str] = []
    for o in view.outbound:
        if o.route is not None:
            out += [f"server {{  # to {o.dst_ip}:{o.dst_port}: {o.why}", f"    listen {APP_ADDRESS}:{o.local_port};",
                    "    location / {", *(f"        {x}" for x in _routed(o.route, certs)),
                    "        proxy_set_header Host $http_host;", '        proxy_set_header Connection "";',
                    "    }", "}"]
    return out


def _stream_server(view: SidecarView, p: InboundPort, tls: bool, certs: str, c: Compiler) -> list[str]:
    deny, allow = c.value(p.decision.deny), c.value(p.decision.allow)
    app, refused = f"{APP_ADDRESS}:{p.port}", f"{APP_ADDRESS}:{p.internal[2]}"
    if deny == "0" and allow == "1":
        upstream = app
    elif deny == "1" or allow == "0":
        upstream = refused
    else:
        upstream = f"$aksnet_up_{p.port}_{int(tls)}"
        c.lines.append(f'map "{concat([deny, allow])}" {upstream} {{ default {refused}; "01" {app}; }}')
    return [
        f"server {{  # port {p.port} ({'mTLS' if tls else 'plaintext'}): {p.why}",
        f"    {_listen(view, p, tls)}",
        *(f"    {x}" for x in (_tls_server(certs) if tls else []) + _realip(p, False)),
        f"    proxy_pass {upstream};",
        f"    proxy_bind {PASSTHROUGH_SOURCE};",
        f"    proxy_connect_timeout {REFUSED_TIMEOUT};",
        "}",
    ]


def _preread(view: SidecarView, p: InboundPort, c: Compiler) -> list[str]:
    route = f"$aksnet_route_{p.port}"
    c.lines.append(f'map $ssl_preread_protocol {route} {{ default {APP_ADDRESS}:{p.internal[0]}; '
                   f'"" {APP_ADDRESS}:{p.internal[1]}; }}')
    return [f"server {{  # port {p.port}: {p.why}: mTLS and plaintext",
            f"    listen {view.pod_ip}:{p.port};",
            "    ssl_preread on;",
            f"    preread_timeout {PREREAD_TIMEOUT};",
            f"    proxy_pass {route};",
            "    proxy_protocol on;",
            "}"]


def _servers(view: SidecarView, http: bool, certs: str, c: Compiler) -> list[str]:
    out: list[str] = []
    for p in view.inbound:
        if p.mode == mesh.PERMISSIVE and not http:
            out += _preread(view, p, c)
        if p.http != http:
            continue
        make = _http_server if http else _stream_server
        c.prefix = f"p{p.port}"
        if p.mode in (mesh.STRICT, mesh.PERMISSIVE):
            out += make(view, p, True, certs, c)
        if p.mode in (mesh.DISABLE, mesh.PERMISSIVE):
            out += make(view, p, False, certs, c)
    return out


def _outbound(view: SidecarView, certs: str) -> list[str]:
    out: list[str] = []
    for o in view.outbound:
        if o.route is not None:
            continue
        out += [f"server {{  # to {o.dst_ip}:{o.dst_port}: {o.why}",
                f"    listen {APP_ADDRESS}:{o.local_port};",
                f"    proxy_pass {o.dst_ip}:{o.dst_port};",
                "    proxy_ssl on;",
                f"    proxy_ssl_certificate {certs}/{CERT};",
                f"    proxy_ssl_certificate_key {certs}/{KEY};",
                f"    proxy_ssl_trusted_certificate {certs}/{CA};",
                "    proxy_ssl_verify off;",
                "}"]
    return out


def render(view: SidecarView, *, prefix: str, user: str) -> str:
    p = prefix.rstrip("/")
    certs = f"{p}/certs"
    out = [f"# Generated by aksnet: the Istio sidecar stand-in of pod {view.pod_key} (spiffe://{view.principal})",
           f"load_module {STREAM_MODULE};", f"user {user};", "worker_processes 1;", f"pid {p}/nginx.pid;",
           f"error_log {p}/error.log notice;", "events { worker_connections 1024; }"]
    routes = [x.route for x in view.inbound if x.route] + [o.route for o in view.outbound if o.route]
    if any(x.http for x in view.inbound) or routes:
        c = Compiler("h")
        servers = _servers(view, True, certs, c) + _http_outbound(view, certs)
        http = [*prefix_paths(p), "proxy_http_version 1.1;",
                "default_type text/plain;", "reset_timedout_connection on;", "map_hash_bucket_size 128;",
                *_peer_maps(certs),
                *([DOLLAR_GEO] if routes else []),
                *(line for r in routes for line in r.http),
                'map $request_uri $aksnet_path { default ""; "~^(?<p>[^?]*)" $p; }',
                'map $http_x_forwarded_client_cert $aksnet_xfcc_prior { default "$http_x_forwarded_client_cert,"; '
                '"" ""; }',
                *c.lines]
        out += ["http {", *(f"    {x}" for x in http + servers), "}"]
    streamed = any(not o.route for o in view.outbound)
    if any(not x.http for x in view.inbound) or streamed or any(x.mode == mesh.PERMISSIVE for x in view.inbound):
        c = Compiler("s")
        servers = _servers(view, False, certs, c) + _outbound(view, certs)
        stream = ["map_hash_bucket_size 128;", *_peer_maps(certs), *c.lines]
        out += ["stream {", *(f"    {x}" for x in stream + servers), "}"]
    return "\n".join(out) + "\n"
