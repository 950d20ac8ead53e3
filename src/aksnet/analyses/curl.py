"""``curl``: an HTTP(S) request walked through the twin, answered by the echo backends (pure).

The same walk as ``trace`` to the URL's host and port (TCP), then layer 7: an echo backend answers 200 with the
echo body (``aksnet.engine.echo``); an ingress-nginx controller pod hands the request to
``aksnet.engine.ingress.route_request`` and, for a proxied request, the walk continues from the controller pod
to the chosen upstream pod (so the backend's NetworkPolicies see the controller pod's address); nginx tries
the next upstream on error or timeout and answers 504 (timeouts) or 502 (refused) when none answers.
Outcomes map to curl's exit codes: 6 could not resolve host, 7 connection refused, 28 timed out (silently
dropped), 60 self-signed certificate without ``-k``, 0 for any HTTP answer (curl without ``-f``).
"""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aksnet.analyses import curl_agc, curl_gateway, curl_mesh
from aksnet.analyses.answer import Answer
from aksnet.analyses.stream_proxy import through_stream_proxy
from aksnet.analyses.trace import ANSWERED, HttpOutcome, Target, TraceResult, parse_sources
from aksnet.engine import echo, firewall_hop, ingress, mesh
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DELIVERED, DROPPED, REFUSED, UNRESOLVED, Hop, Site, Walk
from aksnet.engine.gateway import agc_policies
from aksnet.engine.lookup import lookup, timeout_reason
from aksnet.engine.walk import Walker
from aksnet.errors import UsageError
from aksnet.model import k8s
from aksnet.model.alb import AlbFrontend, TrafficController
from aksnet.rules.azure_firewall import DENY_BODY, DENY_REASON, DENY_STATUS
from aksnet.rules.istio import PROXY_CONTAINER as ISTIO_PROXY

# The kernel gives up on an unanswered SYN after tcp_syn_retries=6 before curl's 300 s timeout; Debian 12's curl
# 7.88.1 then prints "Failed to connect to H port P after 135058 ms: Couldn't connect to server" and exits 28
# (measured in a namespace that dropped the SYNs).
TIMEOUT_MS = 135000
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect", 308: "Permanent Redirect",
           400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Request Entity Too Large",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out", DENY_STATUS: DENY_REASON}
# Envoy (a Gateway's proxy) uses the standard reason phrases where nginx has its own
STANDARD_REASONS = {503: "Service Unavailable", 504: "Gateway Timeout"}


class CurlUsageError(UsageError):
    """A request curl refuses before connecting, with curl's own exit code (1, 3, 49)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code = code


@dataclass(frozen=True, slots=True)
class CurlRequest:
    url: str
    source: str | None = None
    method: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    insecure: bool = False
    resolve: tuple[str, ...] = ()  # HOST:PORT:ADDRESS
    namespace: str = "default"
    client_cert: str = ""  # --cert: the PEM client certificate presented in a TLS handshake


@dataclass(frozen=True, slots=True)
class CurlResult:
    exit_code: int
    error: str | None  # curl's stderr message for a failed transfer
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    legs: tuple[Walk, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    # ingress-nginx's decisions (one hop per rule that decided), between the first leg (client → controller
    # pod) and the upstream legs (controller pod → backend pod); empty when no controller answered
    ingress_hops: tuple[Hop, ...] = ()
    answered_by: str = ""  # "backend", "ingress-nginx" or "" (no HTTP answer)
    final_hops: tuple[Hop, ...] = ()  # ingress-nginx's answer after the upstream legs failed (502/504)
    proxy: str = "ingress-nginx"  # the layer-7 proxy that routed (a Gateway's component name for Gateway API)
    proxy_pod: str = "the controller pod"  # what the upstream legs start from, in the connect hops

    @property
    def status_line(self) -> str:
        reasons = REASONS if self.proxy == "ingress-nginx" else {**REASONS, **STANDARD_REASONS}
        return f"HTTP/1.1 {self.status} {reasons.get(self.status or 0, '')}".rstrip()

    def answer(self) -> Answer:
        """One row per hop of the request's way (keyed by step and position): the client's leg, ingress-nginx's
        decisions, the upstream legs, nginx's own answer; then what curl reports (step ``curl``)."""
        steps: list[tuple[str, tuple[Hop, ...]]] = [("leg 1", self.legs[0].hops)] if self.legs else []
        steps += [("ingress-nginx", self.ingress_hops)] if self.ingress_hops else []
        steps += [(f"leg {n}", leg.hops) for n, leg in enumerate(self.legs[1:], 2)]
        steps += [("ingress-nginx answer", self.final_hops)] if self.final_hops else []
        rows = [(step, f"{i:02d}", h.component, h.decision, h.rule) for step, hops in steps
                for i, h in enumerate(hops, 1)]
        said = self.error if self.error is not None else self.status_line
        rows.append(("curl", "=>", self.answered_by, f"exit {self.exit_code}", said))
        return Answer("curl", ("Step", "Hop", "Component", "Decision", "Rule"), ("Step", "Hop"), tuple(rows),
                      self.notes)


@dataclass(frozen=True, slots=True)
class _Url:
    scheme: str
    host: str
    port: int
    request_uri: str
    host_header: str


def parse_url(url: str) -> _Url:
    """curl's URL handling: scheme default http, default ports, Host header with a non-default port."""
    text = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise CurlUsageError(3, "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535") \
            from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise CurlUsageError(1, f'curl: (1) Protocol "{scheme}" not supported')
    host = (parts.hostname or "").lower()
    if not host:
        raise CurlUsageError(3, "curl: (3) URL rejected: No host part in the URL")
    default = 443 if scheme == "https" else 80
    p = port or default
    uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown = f"[{host}]" if _is_ipv6(host) else host  # an IPv6 literal keeps its brackets in Host (RFC 3986 §3.2.2)
    return _Url(scheme, host, p, uri, shown if p == default else f"{shown}:{p}")


def _resolve_override(req: CurlRequest, host: str, port: int) -> str | None:
    hit = None
    for entry in req.resolve:  # curl checks every entry, matching or not (Curl_loadhostpairs)
        bits = entry.split(":")
        bad = CurlUsageError(49, f"curl: (49) Couldn't parse CURLOPT_RESOLVE entry '{entry}'")
        if len(bits) < 3 or not bits[1].isdigit():
            raise bad
        h, p = bits[0].lower(), bits[1]
        addrs = [a.strip().strip("[]") for a in ":".join(bits[2:]).split(",")]  # ADDR[,ADDR]… (curl 7.59)
        for a in addrs:
            if not _is_ip(a):
                raise bad
        if hit is None and (h == host or h == "*") and p == str(port):
            hit = addrs[0]
    return hit


def _nginx_page(status: int) -> str:
    title = f"{status} {REASONS.get(status, '')}".rstrip()
    return (f"<html>\n<head><title>{title}</title></head>\n<body>\n<center><h1>{title}</h1></center>\n"
            "<hr><center>nginx</center>\n</body>\n</html>")


def _fail(walk: Walk, url: _Url, legs: tuple[Walk, ...]) -> CurlResult:
    if walk.hops and walk.hops[-1].decision == firewall_hop.RESET:
        # Azure Firewall resets a denied TLS handshake (35); an Istio sidecar resets a plaintext request to a STRICT
        # port, or a denied TCP connection, after curl sent it (56; Istio's mtls-migration task: "exit code 56")
        if walk.hops[-1].component.startswith(ISTIO_PROXY) and url.scheme == "http":
            return CurlResult(56, "curl: (56) Recv failure: Connection reset by peer", legs=legs)
        return CurlResult(35, "curl: (35) Recv failure: Connection reset by peer", legs=legs)
    if walk.verdict == REFUSED:
        return CurlResult(7, f"curl: (7) Failed to connect to {url.host} port {url.port} after 0 ms: "
                             "Couldn't connect to server", legs=legs)
    return CurlResult(28, f"curl: (28) Failed to connect to {url.host} port {url.port} after {TIMEOUT_MS} ms: "
                          "Couldn't connect to server", legs=legs)


def _ok(body_lines: list[str], legs: tuple[Walk, ...], status: int = 200,
        extra: tuple[tuple[str, str], ...] = ()) -> CurlResult:
    body = "\n".join(body_lines)
    headers = (("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body) + 1)), *extra)
    return CurlResult(0, None, status, headers, body, legs, answered_by="backend")


def curl(topo: Topology, req: CurlRequest, walker: Walker | None = None) -> CurlResult:
    """Send one request (see the module docstring)."""
    url = parse_url(req.url)
    return curl_from(topo, first_site(topo, req), url, req, walker or Walker(topo))


def first_site(topo: Topology, req: CurlRequest) -> Site:
    """Where the request starts: the source, or a workload's first pod that has an address."""
    sites = parse_sources(topo, req.source or "internet", req.namespace, pending=True)
    site = next((s for s in sites if s.ip), None)
    if site is None:
        raise UsageError(f"error: {req.source} has no pod with an IP address (all Pending or not started)")
    return site


def curl_from(topo: Topology, site: Site, url: _Url, req: CurlRequest, walker: Walker) -> CurlResult:
    """The request of ``req`` sent from one source site."""
    addr = _resolve_override(req, url.host, url.port)
    pre: tuple[Hop, ...] = ()
    if addr is not None:
        pre = (Hop("DNS", "resolve", f"--resolve {url.host}:{url.port} → {addr}"),)
    elif _is_ip(url.host):
        addr = url.host
    else:
        found = lookup(walker, site, url.host)
        pre = found.hops
        res = found.resolution
        if found.failure is not None or not res.found:
            # a lookup that timed out ends like NXDOMAIN for curl (getaddrinfo fails), only later
            why = timeout_reason(found.failure.dst_ip, found.failure) if found.failure is not None else res.record
            w = Walk("unresolved", why, site, "", url.port, "TCP", pre)
            return CurlResult(6, f"curl: (6) Could not resolve host: {url.host}", legs=(w,))
        addr = res.ips[0]
    agc = curl_agc.frontend_at(topo, addr)
    if agc is not None:
        return _through_agc(topo, walker, site, pre, agc, url, req)
    headers = echo.curl_headers(url.host_header, dict(req.headers))
    request = mesh.HttpRequest(req.method or "GET", url.request_uri, headers.get("host", ""),
                               tuple(headers.items()))
    sent = curl_mesh.Sent(url.scheme, headers.get("host", ""), url.request_uri, req.method or "GET", headers, url.port,
                          "" if _is_ip(url.host) else url.host)
    routed = curl_mesh.sidecar_outbound(topo, walker, site, addr, sent, url.host, pre)
    if routed is not None:  # the client's sidecar routed it (VirtualService / DestinationRule)
        return dataclasses.replace(_gateway_result(routed, url), proxy_pod="the client pod")
    walk = walker.walk(site, addr, url.port, "TCP", pre, host=None if _is_ip(url.host) else url.host,
                       scheme=url.scheme, request=request)
    if walk.verdict != DELIVERED or walk.backend is None:
        return _fail(walk, url, (walk,))
    if walk.backend.kind == "azure-firewall":  # an application rule denied the request: the firewall answers
        return CurlResult(0, None, DENY_STATUS, (("Content-Type", "text/plain"),
                                                 ("Content-Length", str(len(DENY_BODY)))),
                          DENY_BODY, (walk,), answered_by="azure-firewall")
    if walk.backend.kind == ISTIO_PROXY:  # the destination's sidecar refused the request (authn or authz)
        status, body = mesh.denial(walk.hops)
        return CurlResult(0, None, status, (("content-length", str(len(body))),
                                            ("content-type", "text/plain"), ("server", "istio-envoy")),
                          body, (walk,), answered_by=ISTIO_PROXY)
    if url.scheme == "https" and not req.insecure:
        return CurlResult(60, f"curl: (60) SSL certificate problem: {_verify_problem(topo, walk, url)}\n"
                              "More details here: https://curl.se/docs/sslcerts.html\n\n"
                              "curl failed to verify the legitimacy of the server and therefore could not\n"
                              "establish a secure connection to it. To learn more about this situation and\n"
                              "how to fix it, please visit the web page mentioned above.", legs=(walk,))
    method = req.method or "GET"
    b = walk.backend
    if b.kind == "apiserver":
        body = ('{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n'
                '  "message": "Unauthorized",\n  "reason": "Unauthorized",\n  "code": 401\n}')
        return CurlResult(0, None, 401, (("Content-Type", "application/json"),
                                         ("Content-Length", str(len(body) + 1))), body, (walk,), answered_by="backend")
    gateway = curl_gateway.gateway_of_pod(topo, b.pod) if b.kind == "pod" and b.pod is not None else None
    if gateway is not None:
        return _gateway_result(curl_gateway.through_gateway(topo, walker, walk, gateway, url.scheme,
                                                            headers.get("host", ""), url.request_uri, method, headers),
                               url)
    if b.kind == "pod" and b.pod is not None and curl_mesh.is_ingress_gateway(topo, b.pod):
        got = curl_mesh.through_ingress(topo, walker, walk, sent)
        return _fail(got, url, (got,)) if isinstance(got, Walk) else _gateway_result(got, url)
    streamed = through_stream_proxy(walker, walk)
    if streamed is not walk:  # a tcp-services port: the controller's stream proxy carries the bytes on
        if streamed.verdict != DELIVERED or streamed.backend is None:
            return _fail(streamed, url, (streamed,))
        b = streamed.backend
        seen = echo.HttpSeen(method, headers.get("host", ""), url.request_uri, headers)
        return _ok(echo.echo_lines(b.kind, b.name, b.ip, b.port, b.client_ip, seen), (streamed,))
    controller = ingress.controller_of_pod(b.pod) if b.kind == "pod" and b.pod is not None else None
    if controller is not None and b.pod is not None and b.port in (80, 443):
        return _through_ingress(topo, walker, walk, b.pod, controller, url, method, headers)
    seen = echo.HttpSeen(method, headers.get("host", ""), url.request_uri, headers)
    return _ok(echo.echo_lines(b.kind, b.name, b.ip, b.port, b.client_ip, seen), (walk,))


def _through_agc(topo: Topology, walker: Walker, site: Site, pre: tuple[Hop, ...],
                 agc: tuple[TrafficController, AlbFrontend], url: _Url, req: CurlRequest) -> CurlResult:
    """A request to an Application Gateway for Containers frontend (``aksnet.analyses.curl_agc``)."""
    headers = echo.curl_headers(url.host_header, dict(req.headers))
    got = curl_agc.through_agc(topo, walker, site, pre, *agc, url.scheme, url.port, headers.get("host", ""),
                               url.request_uri, req.method or "GET", headers, req.client_cert)
    if isinstance(got, Walk):
        return _fail(got, url, (got,))
    if url.scheme == "https" and not req.insecure:
        return CurlResult(60, "curl: (60) SSL certificate problem: unable to get local issuer certificate\n"
                              "More details here: https://curl.se/docs/sslcerts.html", legs=got.legs[:1])
    res = _gateway_result(got, url)
    return dataclasses.replace(res, proxy_pod="the association subnet address")


def _gateway_result(ans: curl_gateway.ProxyAnswer, url: _Url) -> CurlResult:
    """A Gateway proxy's answer as curl prints it (Envoy's lower-case response header names); a refused TLS
    handshake is curl's exit 35."""
    if ans.tls_alert:
        code = agc_policies.ALERT_CODES.get(ans.tls_alert, "0A000410")
        return CurlResult(56, f"curl: (56) OpenSSL SSL_read: error:{code}:SSL routines::{ans.tls_alert}, errno 0",
                          None, (), "", ans.legs, (), ans.hops, ans.answered_by, (), ans.component, "the Gateway pod")
    if ans.status == 0:
        return CurlResult(35, f"curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to {url.host}:"
                              f"{url.port} ", None, (), "", ans.legs, (), ans.hops, ans.answered_by, (), ans.component,
                          "the Gateway pod")
    return CurlResult(0, None, ans.status, ans.headers, ans.body, ans.legs, (), ans.hops, ans.answered_by,
                      ans.final_hops, ans.component, "the Gateway pod")


def _verify_problem(topo: Topology, walk: Walk, url: _Url) -> str:
    """Why curl refuses the server's certificate (it trusts no emulated CA): every echo backend and the fake
    ingress certificate are self-signed; an ingress Secret issued by a CA fails one step earlier in the chain."""
    b = walk.backend
    kind = ingress.controller_of_pod(b.pod) if b is not None and b.kind == "pod" and b.pod is not None else None
    if kind is not None:
        cert, _ = ingress.select_certificate(ingress.controller_view(topo.state, kind), url.host.lower())
        if not cert.self_signed:
            return "unable to get local issuer certificate"
    return "self-signed certificate"


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _through_ingress(topo: Topology, walker: Walker, first: Walk, controller: k8s.Pod, controller_kind: str,
                     url: _Url, method: str, headers: dict[str, str]) -> CurlResult:
    """ingress-nginx: route the request, then walk controller pod → upstream pod."""
    assert first.backend is not None
    view = ingress.controller_view(topo.state, controller_kind)
    request = ingress.HttpRequest(scheme=url.scheme, host=headers.get("host"), path=url.request_uri,
                                  port=first.backend.port, method=method,
                                  headers={k: v for k, v in headers.items() if k != "host"},
                                  remote_addr=first.backend.client_ip, sni=url.host)
    decision = ingress.route_request(view, request)
    extra = tuple(("-".join(w.capitalize() for w in k.split("-")), v) for k, v in decision.response_headers.items())
    component = "ingress-nginx"
    hops = tuple(Hop(component, _decision_word(decision.action, i == len(decision.steps) - 1),
                     str(s)) for i, s in enumerate(decision.steps))
    notes = tuple(f"ingress-nginx warning: {w}" for w in decision.warnings)
    legs: tuple[Walk, ...] = (first,)

    def nginx_answer(status: int, headers: tuple[tuple[str, str], ...], legs: tuple[Walk, ...],
                     final: tuple[Hop, ...] = ()) -> CurlResult:
        page = _nginx_page(status) if status != 200 else ""  # ``return 200;`` (location /healthz): no body
        length = str(len(page) + 1) if page else "0"
        return CurlResult(0, None, status, (("Content-Type", "text/html"), ("Content-Length", length), *headers),
                          page, legs, notes, hops, "ingress-nginx", final)

    if decision.action == ingress.REDIRECT and decision.status:
        return nginx_answer(decision.status, (("Location", decision.location_header or ""), *extra), legs)
    if decision.action != ingress.PROXY:
        return nginx_answer(decision.status or 404, extra, legs)
    site = Site("pod", controller.pod_ip or first.backend.ip, controller.key, pod=controller,
                node=topo.nodes.get(controller.node_name or ""))
    timed_out = False
    up_headers = dict(decision.headers)
    up_headers.setdefault("host", decision.upstream_host)
    upstream_request = mesh.HttpRequest(decision.method, decision.request_uri, decision.upstream_host,
                                        tuple(up_headers.items()))
    for ep in decision.endpoints:
        leg = walker.walk(site, ep.ip, ep.port, "TCP", request=upstream_request)
        legs = (*legs, leg)
        if leg.verdict == DELIVERED and leg.backend is not None and leg.backend.kind == ISTIO_PROXY:
            # the upstream's sidecar refused the request: nginx passes its 401/403 on as it is
            status, body = mesh.denial(leg.hops)
            return CurlResult(0, None, status, (("Content-Type", "text/plain"),
                                                ("Content-Length", str(len(body))), *extra),
                              body, legs, notes, hops, ISTIO_PROXY)
        if leg.verdict == DELIVERED and leg.backend is not None:
            b = leg.backend
            seen = echo.HttpSeen(decision.method, decision.upstream_host, decision.request_uri, up_headers)
            res = _ok(echo.echo_lines(b.kind, b.name, b.ip, b.port, b.client_ip, seen), legs, 200, extra)
            return CurlResult(res.exit_code, None, 200, res.response_headers, res.body, legs, notes, hops, "backend")
        timed_out = timed_out or leg.verdict != REFUSED
    status = 504 if timed_out or not decision.endpoints else 502
    why = ("upstream timed out (110: Connection timed out) while connecting to upstream" if status == 504
           else "connect() failed (111: Connection refused) while connecting to upstream")
    final = Hop(component, "respond", f"every upstream failed ({why}): {status} [proxy_next_upstream error timeout]")
    return nginx_answer(status, extra, legs, (final,))


def _decision_word(action: str, last: bool) -> str:
    """The trace decision of one ingress-nginx step: ``route`` until the last one, then what nginx did."""
    if not last:
        return "route"
    return {"proxy": "proxy", "redirect": "redirect"}.get(action, "respond")


def trace_url(topo: Topology, req: CurlRequest, walker: Walker | None = None) -> TraceResult:
    """``aksnet trace FROM URL``: the request of ``curl -k`` from every pod of FROM, each shown as one walk: the
    client's leg, ingress-nginx's decisions, then the controller → upstream legs. Delivered when a backend
    answered; ``answered`` when ingress-nginx answered itself (redirect, 403, 404, 503 …); ``dropped`` for a
    504 (every upstream timed out) and ``refused`` for a 502; the client leg's own verdict when the request
    never reached an HTTP server."""
    url = parse_url(req.url)
    sites = parse_sources(topo, req.source or "internet", req.namespace)
    walker = walker or Walker(topo)
    insecure = CurlRequest(req.url, req.source, req.method, req.headers, True, req.resolve, req.namespace)
    walks: list[Walk] = []
    outcomes: list[HttpOutcome] = []
    for site in sites:
        res = curl_from(topo, site, url, insecure, walker)
        walks.append(_combined_walk(res))
        outcomes.append(HttpOutcome(res.status, res.status_line if res.status else "", res.answered_by,
                                    res.response_headers, res.body, res.error, res.notes))
    first_ip = next((w.dst_ip for w in walks if w.dst_ip), "")
    target = Target("url", req.url, (first_ip,) if first_ip else (), url.port)
    return TraceResult(req.source or "internet", target, "TCP", tuple(walks), tuple(outcomes))


def _combined_walk(res: CurlResult) -> Walk:
    first = res.legs[0]
    hops: list[Hop] = [*first.hops, *res.ingress_hops]
    for leg in res.legs[1:]:
        hops.append(Hop(res.proxy, "connect", f"upstream {leg.dst_ip}:{leg.dst_port} from {res.proxy_pod} "
                                              f"{leg.source.name} ({leg.source.ip})"))
        hops.extend(leg.hops)
    hops.extend(res.final_hops)
    last = res.legs[-1]
    if res.answered_by == "backend":
        return Walk(DELIVERED, f"the backend answered {res.status_line}",
                    first.source, first.dst_ip, first.dst_port, "TCP", tuple(hops), first.destination, last.backend)
    if res.answered_by in ("azure-firewall", ISTIO_PROXY):
        who = "Azure Firewall" if res.answered_by == "azure-firewall" else "the istio-proxy sidecar of"
        return Walk(ANSWERED, f"{who} {last.backend.name if last.backend else ''} answered "
                              f"{res.status_line}: {res.body}", first.source, first.dst_ip, first.dst_port, "TCP",
                    tuple(hops), first.destination)
    if res.answered_by == res.proxy and res.status is None:
        return Walk(REFUSED, f"{res.proxy} closed the TLS handshake ({res.error.strip() if res.error else ''})",
                    first.source, first.dst_ip, first.dst_port, "TCP", tuple(hops), first.destination)
    if res.answered_by == res.proxy:
        status = res.status or 0
        location = {k.lower(): v for k, v in res.response_headers}.get("location")
        why = f"{res.proxy} answered {res.status_line}" + (f" (Location: {location})" if location else "")
        if status in (502, 503, 504) and len(res.legs) > 1:
            verdict = REFUSED if status == 502 or (status == 503 and last.verdict == REFUSED) else DROPPED
            return Walk(verdict, f"{why}: {last.reason}", first.source, first.dst_ip, first.dst_port, "TCP",
                        tuple(hops), first.destination)
        return Walk(ANSWERED, why, first.source, first.dst_ip, first.dst_port, "TCP", tuple(hops), first.destination)
    reason = first.reason
    if first.verdict == UNRESOLVED:
        reason += " (give the address with --resolve HOST:PORT:ADDR, as curl)"
    return Walk(first.verdict, reason, first.source, first.dst_ip, first.dst_port, "TCP", tuple(hops),
                first.destination, first.backend)
