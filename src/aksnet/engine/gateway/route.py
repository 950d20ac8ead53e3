"""One request through a Gateway: the listener it arrives on (port, protocol, the most specific hostname that
matches the SNI or Host), the HTTPRoute/GRPCRoute rule that wins on that listener, the rule's filters, the
weighted backendRef and whether that reference resolves. Each decision is one step naming the object and field
that made it. Pure functions of ``aksnet.model.gateway`` and the attachments of ``aksnet.engine.gateway.attach``.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/gateway_types.go`` (Listener: a request is matched to the
listener with the most specific hostname on its port), ``apis/v1/httproute_types.go`` (no matching rule: 404;
BackendRef invalid or not permitted: requests to it get a 500; all weights 0: 500),
``apis/v1/grpcroute_types.go``. Must not choose an endpoint (the caller resolves the Service).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from aksnet.engine.gateway import agc_policies, filters, hostnames, match
from aksnet.engine.gateway.attach import Attachment, attachments, gateway_states, grant_allows
from aksnet.model.gateway import (
    BackendRef,
    Filter,
    FrontendTLS,
    Gateway,
    GatewayWorld,
    HeaderChange,
    Listener,
    RoutePolicy,
)
from aksnet.rules import gateway_api

NOT_FOUND, SERVER_ERROR = 404, 500


@dataclass(frozen=True)
class GatewayRequest:
    scheme: str  # http | https
    host: str  # the Host header without its port (or the SNI)
    port: int  # the listener port the connection arrived on
    path: str  # without the query string
    query: str = ""
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()  # names lower-case, Host excluded
    client_cert: str = ""  # the PEM certificate the client presents in the TLS handshake ("" none)


@dataclass(frozen=True)
class GatewayDecision:
    """What the Gateway does: answer itself (``status``, with ``location`` for a redirect) or proxy to
    ``backend`` (namespace, Service name, port) with the rewritten ``host``/``path``/``headers``."""

    steps: tuple[str, ...]
    status: int | None = None
    location: str = ""
    listener: Listener | None = None
    backend: tuple[str, str, int] | None = None
    host: str = ""
    path: str = ""
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    response_headers: HeaderChange | None = None
    mirrors: tuple[str, ...] = field(default=())
    reset: bool = False  # an HTTPS connection whose SNI no listener serves: the TLS handshake is refused
    # AGC's listener and route policies (aksnet.engine.gateway.agc_policies), for the proxy to apply: frontend
    # mTLS with the alert that ended the handshake ("" accepted), session affinity and the route timeout
    frontend_tls: FrontendTLS | None = None
    tls_alert: str = ""
    route_policy: RoutePolicy | None = None


def select_listener(world: GatewayWorld, controllers: tuple[str, ...], gw: Gateway, scheme: str, port: int,
                    host: str) -> Listener | None:
    """The valid listener on ``port`` for the scheme's protocol whose hostname matches ``host`` most
    specifically (exact, then the longest wildcard, then none)."""
    protocol = "HTTPS" if scheme == "https" else "HTTP"
    states = next((s for s in gateway_states(world, controllers) if s.gateway is gw), None)
    valid = [s.listener for s in (states.listeners if states else ()) if s.valid]
    fits = [lst for lst in valid if lst.port == port and lst.protocol == protocol
            and hostnames.matches(lst.hostname, host)]
    return max(fits, key=lambda lst: hostnames.specificity(lst.hostname), default=None)


def _listener_text(gw: Gateway, lst: Listener) -> str:
    return (f"listener {lst.name} ({lst.protocol} port {lst.port}, hostname {lst.hostname or '*'}) of Gateway "
            f"{gw.namespace}/{gw.name} [spec.listeners[{gw.listeners.index(lst)}]]")


def _match_text(sel: match.Selected) -> str:
    m = sel.match
    parts = [f"{m.path_type} {m.path}"]
    if m.method:
        parts.append(f"method {m.method}")
    parts += [f"header {h.name}: {h.value}" for h in m.headers]
    parts += [f"query {q.name}={q.value}" for q in m.query]
    route = sel.route
    kind = route.shown_kind
    return (f"{kind} {route.namespace}/{route.name} rule {sel.rule_index} match {sel.match_index} "
            f"({', '.join(parts)}) for hostname {sel.hostname or '*'} "
            f"[spec.rules[{sel.rule_index}].matches[{sel.match_index}]]")


def _backend_problem(world: GatewayWorld, sel: match.Selected, b: BackendRef) -> str:
    """Why a chosen backendRef does not resolve ("" when it does): requests to it get a 500."""
    route, ref = sel.route, b.ref
    ns = ref.namespace or route.namespace
    if (ref.group, ref.kind) != ("", "Service"):
        return f"backendRef kind {ref.kind} is not supported (InvalidKind)"
    kind = "GRPCRoute" if route.grpc else "HTTPRoute"
    if ns != route.namespace and not grant_allows(world, gateway_api.GROUP, kind, route.namespace,
                                                  ref.__class__(ref.group, ref.kind, ref.name, ns)):
        return f"no ReferenceGrant in namespace {ns} allows a reference to Service {ns}/{ref.name} (RefNotPermitted)"
    ports = dict(((s_ns, name), p) for s_ns, name, p in world.services).get((ns, ref.name))
    if ports is None:
        return f"Service {ns}/{ref.name} does not exist (BackendNotFound)"
    if ref.port is None or ref.port not in ports:
        return f"Service {ns}/{ref.name} has no port {ref.port} (BackendNotFound)"
    return ""


def route(world: GatewayWorld, controllers: tuple[str, ...], gw: Gateway, req: GatewayRequest) -> GatewayDecision:
    """The Gateway's decision for one request (see the module docstring)."""
    lst = select_listener(world, controllers, gw, req.scheme, req.port, req.host)
    if lst is None:
        if req.scheme == "https":
            return GatewayDecision((f"no valid HTTPS listener of Gateway {gw.namespace}/{gw.name} on port {req.port} "
                                    f"serves SNI {req.host}: the TLS handshake is closed [spec.listeners]",),
                                   reset=True)
        return GatewayDecision((f"no valid listener of Gateway {gw.namespace}/{gw.name} on port {req.port} matches "
                                f"hostname {req.host}: {NOT_FOUND} [spec.listeners]",), NOT_FOUND)
    steps = [_listener_text(gw, lst)]
    ftls = agc_policies.frontend_tls_for(world, gw, lst)
    alert = _frontend_tls(ftls, req, steps)
    if alert:
        return GatewayDecision(tuple(steps), listener=lst, frontend_tls=ftls, tls_alert=alert)
    attached = [a for a in attachments(world, controllers) if a.gateway is gw and a.listener is lst]
    mreq = match.Request(req.host, req.path, req.method, dict(req.headers), _query(req.query))
    sel = match.select(attached, mreq)
    if sel is None:
        names = ", ".join(sorted({f"{a.route.namespace}/{a.route.name}" for a in attached})) or "none"
        steps.append(f"no rule of the routes attached to listener {lst.name} ({names}) matches {req.method} "
                     f"{req.host}{req.path}: {NOT_FOUND}")
        return GatewayDecision(tuple(steps), NOT_FOUND, listener=lst, frontend_tls=ftls)
    steps.append(_match_text(sel))
    policy = agc_policies.route_policy_for(world, sel.route) if agc_policies.is_alb_gateway(world, gw) else None
    if policy is not None:
        steps.append(agc_policies.describe_affinity(policy))
    rule = sel.rule
    fwd = filters.run(rule.filters, rule.backends, sel.match, req.scheme, req.host, req.port, req.path, req.query,
                      req.headers)
    steps += [f"filter {describe_filter(f, req.path, fwd.path)} [spec.rules[{sel.rule_index}].filters[{i}]]"
              for i, f in enumerate(rule.filters[:len(fwd.applied)])]
    if fwd.status is not None and fwd.location:
        steps.append(f"redirect {fwd.status} to {fwd.location} [RequestRedirect]")
        return GatewayDecision(tuple(steps), fwd.status, fwd.location, lst)
    if fwd.backend is None:
        steps.append(f"rule {sel.rule_index} has no backendRef with a weight above 0: {SERVER_ERROR}")
        return GatewayDecision(tuple(steps), SERVER_ERROR, listener=lst, response_headers=fwd.response_headers)
    b = fwd.backend
    total = sum(x.weight for x in rule.backends)
    index = rule.backends.index(b)
    ns = b.ref.namespace or sel.route.namespace
    split = ", ".join(f"{x.ref.name} {x.weight}" for x in rule.backends)
    steps.append(f"backendRef Service {ns}/{b.ref.name} port {b.ref.port} (weight {b.weight} of {total}"
                 + (f"; split {split}" if len(rule.backends) > 1 else "")
                 + f") [spec.rules[{sel.rule_index}].backendRefs[{index}]]")
    problem = _backend_problem(world, sel, b)
    if problem:
        steps.append(f"{problem}: {SERVER_ERROR}")
        return GatewayDecision(tuple(steps), SERVER_ERROR, listener=lst)
    headers = fwd.headers
    for f in b.filters:
        if f.type == "RequestHeaderModifier" and f.headers:
            headers = filters.modify_headers(headers, f.headers)
            steps.append(f"filter RequestHeaderModifier of backendRef {index}")
    mirrors = tuple(f"{m.namespace or sel.route.namespace}/{m.name}:{m.port}" for m in fwd.mirrors)
    return GatewayDecision(tuple(steps), None, listener=lst, backend=(ns, b.ref.name, b.ref.port or 0),
                           host=fwd.host, path=fwd.path, query=req.query, headers=headers,
                           response_headers=fwd.response_headers, mirrors=mirrors, frontend_tls=ftls,
                           route_policy=policy)


def _frontend_tls(ftls: FrontendTLS | None, req: GatewayRequest, steps: list[str]) -> str:
    """Apply a FrontendTLSPolicy to the handshake: its steps, and the TLS alert that ends it ("" accepted)."""
    if ftls is None:
        return ""
    steps.append(agc_policies.describe_frontend_tls(ftls))
    if ftls.ca_certificate is None:
        return ""
    alert = agc_policies.client_certificate_problem(req.client_cert, ftls.ca_bundle)
    if not alert:
        steps.append("client certificate verified against the CA bundle")
        return ""
    why = "no client certificate presented" if alert == agc_policies.ALERT_CERTIFICATE_REQUIRED else \
        "the client certificate was not issued by a CA of the bundle"
    steps.append(f"{why}: the handshake ends with TLS alert {alert.split('alert ', 1)[1]}")
    return alert


def describe_filter(f: Filter, path_before: str, path_after: str) -> str:
    """One filter as a trace step: its type and what it changed."""
    if f.type in ("RequestHeaderModifier", "ResponseHeaderModifier") and f.headers:
        h = f.headers
        parts = [f"set {k}: {v}" for k, v in h.set] + [f"add {k}: {v}" for k, v in h.add]
        parts += [f"remove {k}" for k in h.remove]
        return f"{f.type} ({'; '.join(parts)})"
    if f.type == "URLRewrite":
        parts = [f"hostname {f.hostname}"] if f.hostname else []
        if f.path:
            parts.append(f"{f.path.type} {f.path.value}: {path_before} → {path_after}")
        return f"URLRewrite ({'; '.join(parts)})"
    if f.type == "RequestMirror" and f.backend:
        return f"RequestMirror (a copy to Service {f.backend.name} port {f.backend.port}, its answer ignored)"
    return f.type


def _query(text: str) -> dict[str, str]:
    """Query parameters by exact name (the first value of a repeated name, as the spec allows)."""
    out: dict[str, str] = {}
    for part in text.split("&") if text else ():
        name, _, value = part.partition("=")
        out.setdefault(name, value)
    return out


def request_id(req: GatewayRequest, client: str) -> str:
    """A stable stand-in for Envoy's random x-request-id (a UUID4-shaped value derived from the request)."""
    h = hashlib.sha256(f"{client} {req.method} {req.scheme}://{req.host}{req.path}?{req.query}".encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def attached_to(world: GatewayWorld, controllers: tuple[str, ...], gw: Gateway) -> list[Attachment]:
    """Every accepted route attachment of one Gateway (for exposure listings)."""
    return [a for a in attachments(world, controllers) if a.gateway is gw]
