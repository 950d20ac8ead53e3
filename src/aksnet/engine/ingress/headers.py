"""Request headers ingress-nginx sends upstream (nginx.tmpl location block; lua_ingress.lua rewrite()).

Given the address nginx sees (``remote_addr``: a node IP under externalTrafficPolicy Cluster, the client
under Local) and the controller ConfigMap:

* ``use-forwarded-headers`` (default false): when true, realip takes the client from X-Forwarded-For
  (``real_ip_recursive on``, trusted ``proxy-real-ip-cidr`` default 0.0.0.0/0) and the client's
  X-Forwarded-Proto/-Port/-Host are trusted (first comma-separated X-Forwarded-Host value);
* X-Forwarded-For is ``$remote_addr`` (the client's header is **replaced**), or
  ``<incoming XFF>, <connection address>`` with use-forwarded-headers **and** compute-full-forwarded-for;
* X-Real-IP ``$remote_addr``; X-Forwarded-Host ``$best_http_host``; X-Forwarded-Port ``$pass_port``
  (443 on the https listener); X-Forwarded-Proto, X-Forwarded-Scheme, X-Scheme ``$pass_access_scheme``;
  X-Original-Forwarded-For the client's X-Forwarded-For; X-Request-ID the client's or a generated one;
  X-Original-URI only with proxy-add-original-uri-header; Host ``$best_http_host`` or upstream-vhost.

X-Request-ID: nginx's ``$request_id`` is random; the engine derives 32 hex digits from the request so
that the same request always gets the same id (the data plane's real value differs). Must not route.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

from aksnet.engine.ingress.model import ControllerConfig, HttpRequest

# nginx's proxy module never forwards these client headers as they are (ngx_http_proxy_headers).
_HOP_BY_HOP = {"connection", "keep-alive", "te", "expect", "upgrade", "proxy", "transfer-encoding", "content-length"}


@dataclass(frozen=True, slots=True)
class ForwardedVars:
    """The nginx variables the headers are built from."""

    remote_addr: str
    realip_remote_addr: str
    pass_access_scheme: str
    pass_server_port: str
    pass_port: str
    best_http_host: str
    http_x_forwarded_for: str


def _trusted(addr: str, cidrs: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    for c in cidrs:
        try:
            if ip in ipaddress.ip_network(c, strict=False):
                return True
        except ValueError:
            continue
    return False


def real_ip(req: HttpRequest, config: ControllerConfig) -> str:
    """ngx_http_realip_module with real_ip_recursive on: the right-most untrusted XFF address."""
    if not (config.use_forwarded_headers or config.enable_real_ip):
        return req.remote_addr
    if not _trusted(req.remote_addr, config.proxy_real_ip_cidr):
        return req.remote_addr
    raw = req.headers.get(config.forwarded_for_header.lower(), "")
    addrs = [a.strip() for a in raw.split(",") if a.strip()]
    if not addrs:
        return req.remote_addr
    for a in reversed(addrs):
        if not _trusted(a, config.proxy_real_ip_cidr):
            return a
    return addrs[0]


def forwarded_vars(req: HttpRequest, config: ControllerConfig, server_name: str) -> ForwardedVars:
    h = req.headers
    scheme = req.scheme
    server_port = str(req.listener_port)
    best_host = req.host if req.host else (server_name if server_name != "_" else "")
    if config.use_forwarded_headers:
        if h.get("x-forwarded-proto"):
            scheme = h["x-forwarded-proto"]
        if h.get("x-forwarded-port"):
            server_port = h["x-forwarded-port"]
        if h.get("x-forwarded-host"):
            best_host = h["x-forwarded-host"].split(",")[0].strip()
    pass_port = "443" if server_port == str(config.https_port) else server_port
    return ForwardedVars(
        remote_addr=real_ip(req, config),
        realip_remote_addr=req.remote_addr,
        pass_access_scheme=scheme,
        pass_server_port=server_port,
        pass_port=pass_port,
        best_http_host=best_host,
        http_x_forwarded_for=h.get(config.forwarded_for_header.lower(), ""),
    )


def request_id(req: HttpRequest) -> str:
    """A stable stand-in for nginx's random $request_id (32 hex digits)."""
    basis = "\n".join([req.remote_addr, req.scheme, req.method, req.host or "", req.path])
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def upstream_headers(
    req: HttpRequest,
    config: ControllerConfig,
    fv: ForwardedVars,
    upstream_vhost: str = "",
    x_forwarded_prefix: str | None = None,
) -> dict[str, str]:
    """The headers the upstream receives (lower-case names), client headers included."""
    out: dict[str, str] = {}
    for k, v in req.headers.items():
        name = k.lower()
        if name in _HOP_BY_HOP or "_" in name:  # underscores_in_headers off
            continue
        out[name] = v
    xff = fv.remote_addr
    if config.use_forwarded_headers and config.compute_full_forwarded_for:
        xff = (
            f"{fv.http_x_forwarded_for}, {fv.realip_remote_addr}" if fv.http_x_forwarded_for else fv.realip_remote_addr
        )
    rid = req.headers.get("x-request-id") or (request_id(req) if config.generate_request_id else "")
    ours: dict[str, str] = {
        "host": upstream_vhost or fv.best_http_host,
        "x-request-id": rid,
        "x-real-ip": fv.remote_addr,
        "x-forwarded-for": xff,
        "x-forwarded-host": fv.best_http_host,
        "x-forwarded-port": fv.pass_port,
        "x-forwarded-proto": fv.pass_access_scheme,
        "x-forwarded-scheme": fv.pass_access_scheme,
        "x-scheme": fv.pass_access_scheme,
        "x-original-forwarded-for": fv.http_x_forwarded_for,
        "x-original-forwarded-host": req.headers.get("x-forwarded-host", ""),
    }
    if config.proxy_add_original_uri_header:
        ours["x-original-uri"] = req.path
    if x_forwarded_prefix is not None:
        ours["x-forwarded-prefix"] = x_forwarded_prefix
    if req.headers.get("upgrade"):
        ours["upgrade"] = req.headers["upgrade"]
        ours["connection"] = "upgrade"
    for k, v in ours.items():
        out.pop(k, None)
        if v != "":  # nginx does not send a header whose value is empty
            out[k] = v
    return dict(sorted(out.items()))
