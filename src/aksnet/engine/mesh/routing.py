"""How an Envoy of the mesh routes one HTTP request with Istio's traffic API: the VirtualService bound to the proxy
(``mesh`` for sidecars, ``namespace/name`` for a Gateway) whose host matches, its first matching ``http`` route
(first match wins), then the route's fault injection (delay, abort), redirect or direct response, the weighted
destination, rewrite and header operations, and the DestinationRule of the destination host (subset labels, TLS
mode, connection pool and outlier detection). Retries, timeouts, delays and circuit breaking are reported as
behaviour (steps of kind ``note``): aksnet's backends answer at once.

The answer is a :class:`MeshRoute` decision object: the steps (each naming the Istio object and its rule index) and
either the proxy's own answer (``status``) or the :class:`Target` to connect to. The data plane renders the same
decision. Sources: https://istio.io/latest/docs/reference/config/networking/virtual-service/ ("the first rule
matching an incoming request is used"; HTTPRedirect redirectCode default 301; HTTPFaultInjection; HTTPRewrite),
https://istio.io/latest/docs/reference/config/networking/destination-rule/,
https://istio.io/latest/docs/ops/best-practices/traffic-management/ (several VirtualServices of one host:
merged on a gateway; for sidecars aksnet uses the oldest, docs/fidelity.md). Pure; the model and the engine only.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aksnet.engine.mesh import hosts
from aksnet.engine.mesh.http_match import RouteRequest, describe, qualify, request_matches
from aksnet.model import k8s
from aksnet.model import mesh_traffic as mt

FAULT_ABORT_BODY = "fault filter abort"  # Envoy's fault filter's local reply
NOT_FOUND = 404  # Envoy: no route matched (response flag NR)
NO_CLUSTER = 503  # Envoy: the route's cluster does not exist (flag NC), e.g. an undefined subset
NO_OPS = mt.HeaderOps()
ROUTE, NOTE, RESPOND = "route", "note", "respond"
# Istio's default HTTP retry policy (meshConfig.defaultHttpRetryPolicy unset)
DEFAULT_RETRY = "2 attempts on connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"


@dataclass(frozen=True, slots=True)
class Target:
    """Where the proxy sends the request: a host, its Kubernetes Service (None: a ServiceEntry or unknown host),
    the port, the subset and its labels, and the TLS the proxy originates (``ISTIO_MUTUAL`` auto, ``DISABLE``…)."""

    host: str
    service: tuple[str, str] | None
    port: int | None
    subset: str = ""
    subset_labels: tuple[tuple[str, str], ...] = ()
    tls_mode: str = ""  # "" : auto mTLS
    tls_rule: str = ""
    service_entry: str = ""


@dataclass(frozen=True, slots=True)
class MeshRoute:
    steps: tuple[tuple[str, str], ...]  # (decision, text)
    status: int | None = None  # the proxy answers itself
    body: str = ""
    location: str = ""
    target: Target | None = None
    path: str = "/"
    query: str = ""
    authority: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    response_headers: mt.HeaderOps = NO_OPS
    virtual_service: str = ""
    rule: int | None = None
    delay: str = ""  # a fault delay applied to this request

    @property
    def uri(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True, slots=True)
class Context:
    """Where the request is routed: the proxy's gateway name, the services and entries it knows."""

    world: mt.TrafficWorld
    services: tuple[k8s.Service, ...]
    client_namespace: str
    root_namespace: str
    key: str  # the request's identity for weighted and percentage choices (stable per request)


def _pick(key: str, salt: str, total: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}|{key}".encode()).digest()[:8], "big") % total


def applies(percent: float, key: str, salt: str) -> bool:
    """A fault percentage, deterministically per request (``key``)."""
    if percent >= 100:
        return True
    return percent > 0 and _pick(key, salt, 10000) < int(percent * 100)


def bound(world: mt.TrafficWorld, gateway: str, host: str,
          admits: Callable[[mt.VirtualService, str], bool] | None = None) -> list[tuple[mt.VirtualService, str]]:
    """The VirtualServices bound to ``gateway`` with a host matching ``host``, each with that host pattern, most
    specific first then oldest."""
    out = []
    for vs in world.virtual_services:
        gws = {qualify(g, vs.namespace) for g in (vs.gateways or (mt.MESH_GATEWAY,))}
        if gateway not in gws:
            continue
        fits = [h for h in (hosts.fqdn(x, vs.namespace) for x in vs.hosts) if hosts.matches(h, host)]
        fits = [h for h in fits if admits is None or admits(vs, h)]
        if fits:
            out.append((vs, max(fits, key=hosts.specificity)))
    out.sort(key=lambda p: (tuple(-x for x in hosts.specificity(p[1])), p[0].creation_index))
    return out


def route(ctx: Context, req: RouteRequest, host: str, default: Target | None,
          admits: Callable[[mt.VirtualService, str], bool] | None = None) -> MeshRoute:
    """Route ``req`` addressed to ``host`` (a Service FQDN, an external name, or the Host of a gateway request).
    ``default``: where the request goes when no VirtualService takes it (None: 404, as on a Gateway)."""
    found = bound(ctx.world, req.gateway, host, admits)
    steps: list[tuple[str, str]] = []
    if not found:
        if default is None:
            steps.append((RESPOND, f"no VirtualService bound to {req.gateway} has a host matching {host}: "
                                   f"{NOT_FOUND} (Envoy NR: route not found)"))
            return MeshRoute(tuple(steps), NOT_FOUND)
        steps.append((ROUTE, f"no VirtualService for {host}: to {default.host} (the Service's own route)"))
        return _finish(ctx, steps, req, default, req.headers, mt.HeaderOps(), "", None, "")
    if req.gateway == mt.MESH_GATEWAY and len(found) > 1:
        found, ignored = found[:1], found[1:]
        steps.append((NOTE, f"VirtualServices {', '.join(v.key for v, _ in ignored)} also name {host}: ignored "
                            f"for sidecars (only the oldest most specific, {found[0][0].key}, is used)"))
    for vs, pattern in found:
        for i, rule in enumerate(vs.http):
            hit = _matching(rule, req, vs.namespace)
            where = f"VirtualService {vs.key} [spec.http[{i}]{f' {rule.name}' if rule.name else ''}]"
            if hit is None:
                steps.append((ROUTE, f"{where}: " + "; ".join(describe(m) for m in rule.matches)
                                     + " does not match"))
                continue
            steps.append((ROUTE, f"{where} (host {pattern}) matches: {hit}"))
            return _apply(ctx, steps, req, vs, i, rule)
    names = ", ".join(v.key for v, _ in found)
    steps.append((RESPOND, f"no http route of VirtualService {names} matches: {NOT_FOUND} (Envoy NR: route not "
                           "found)"))
    return MeshRoute(tuple(steps), NOT_FOUND, virtual_service=found[0][0].key)


def _matching(rule: mt.HttpRoute, req: RouteRequest, namespace: str) -> str | None:
    if not rule.matches:
        return "any request (no match)"
    for j, m in enumerate(rule.matches):
        if request_matches(m, req, namespace):
            return f"match[{j}] {describe(m)}"
    return None


def _apply(ctx: Context, steps: list[tuple[str, str]], req: RouteRequest, vs: mt.VirtualService, index: int,
           rule: mt.HttpRoute) -> MeshRoute:
    where = f"VirtualService {vs.key} [spec.http[{index}]"
    delay = ""
    if rule.fault is not None:
        f = rule.fault
        if f.delay:
            hit = applies(f.delay_percent, ctx.key, "delay")
            delay = f.delay if hit else ""
            steps.append((NOTE, f"{where}.fault.delay] fixedDelay {f.delay} for {f.delay_percent:g}% of requests: "
                                + (f"this request waits {f.delay} before it is forwarded" if hit
                                   else "not this request")))
        if f.abort_status is not None:
            if applies(f.abort_percent, ctx.key, "abort"):
                steps.append((RESPOND, f"{where}.fault.abort] httpStatus {f.abort_status} for "
                                       f"{f.abort_percent:g}% of requests: this request is aborted "
                                       f"({FAULT_ABORT_BODY})"))
                return MeshRoute(tuple(steps), f.abort_status, FAULT_ABORT_BODY, virtual_service=vs.key,
                                 rule=index, delay=delay)
            steps.append((NOTE, f"{where}.fault.abort] httpStatus {f.abort_status} for {f.abort_percent:g}% of "
                                "requests: not this request"))
    if rule.redirect is not None:
        r = rule.redirect
        scheme = r.scheme or req.scheme
        authority = r.authority or req.authority
        default_port = 443 if scheme == "https" else 80
        port = f":{r.port}" if r.port and r.port != default_port else ""
        location = f"{scheme}://{authority}{port}{r.uri or req.path}" + (f"?{req.query}" if req.query else "")
        steps.append((RESPOND, f"{where}.redirect] {r.code} to {location}"))
        return MeshRoute(tuple(steps), r.code, location=location, virtual_service=vs.key, rule=index,
                         response_headers=rule.response_headers, delay=delay)
    if rule.direct_status is not None:
        steps.append((RESPOND, f"{where}.directResponse] {rule.direct_status}"))
        return MeshRoute(tuple(steps), rule.direct_status, rule.direct_body, virtual_service=vs.key, rule=index,
                         response_headers=rule.response_headers, delay=delay)
    dest = _weighted(rule.route, ctx.key)
    if dest is None:
        steps.append((RESPOND, f"{where}] has no destination with a weight above 0: {NO_CLUSTER}"))
        return MeshRoute(tuple(steps), NO_CLUSTER, virtual_service=vs.key, rule=index)
    d_index = rule.route.index(dest)
    total = sum(_weights(rule.route))
    split = ", ".join(f"{d.host}{f' subset {d.subset}' if d.subset else ''} {w}"
                      for d, w in zip(rule.route, _weights(rule.route)))
    steps.append((ROUTE, f"{where}.route[{d_index}]] destination {dest.host}"
                         + (f" subset {dest.subset}" if dest.subset else "")
                         + (f" port {dest.port}" if dest.port else "")
                         + (f" (weight {_weights(rule.route)[d_index]} of {total}; split {split})"
                            if len(rule.route) > 1 else "")))
    path, authority = req.path, req.authority
    if rule.rewrite is not None:
        path, authority = _rewrite(rule, req)
        steps.append((ROUTE, f"{where}.rewrite] " + "; ".join(
            ([f"uri {req.path} → {path}"] if path != req.path else [])
            + ([f"authority {req.authority} → {authority}"] if authority != req.authority else [])
            or ["nothing changed"])))
    headers = req.headers
    for ops, label in ((rule.request_headers, "headers.request"), (dest.request_headers,
                                                                   f"route[{d_index}].headers.request")):
        if ops:
            headers = apply_ops(headers, ops)
            steps.append((ROUTE, f"{where}.{label}] {describe_ops(ops)}"))
    response = merge_ops(rule.response_headers, dest.response_headers)
    if rule.timeout:
        steps.append((NOTE, f"{where}.timeout] {rule.timeout}: an upstream slower than this is answered 504 "
                            "upstream request timeout"))
    if rule.retries is not None:
        rt = rule.retries
        steps.append((NOTE, f"{where}.retries] {rt.attempts} attempt(s)"
                            + (f", {rt.per_try_timeout} each" if rt.per_try_timeout else "")
                            + (f" on {rt.retry_on}" if rt.retry_on else "")))
    if rule.mirror:
        steps.append((NOTE, f"{where}.mirror] a copy goes to {rule.mirror} (its answer ignored)"))
    target = resolve(ctx, dest.host, vs.namespace, dest.port or req.port, dest.subset)
    return _finish(ctx, steps, RouteRequest(req.method, path, req.query, authority, req.port, headers, req.scheme,
                                            req.source_labels, req.source_namespace, req.gateway),
                   target, headers, response, vs.key, index, delay)


def _finish(ctx: Context, steps: list[tuple[str, str]], req: RouteRequest, target: Target,
            headers: tuple[tuple[str, str], ...], response: mt.HeaderOps, vs: str, index: int | None,
            delay: str) -> MeshRoute:
    if target.service is None:
        steps.append((NOTE, _outside(ctx, target)))
    dr = destination_rule(ctx, target.host)
    if target.subset:
        subset = next((s for s in dr.subsets if s.name == target.subset), None) if dr else None
        if subset is None:
            steps.append((RESPOND, f"subset {target.subset} of {target.host} is not defined by any DestinationRule: "
                                   f"{NO_CLUSTER} (Envoy NC: cluster not found)"))
            return MeshRoute(tuple(steps), NO_CLUSTER, virtual_service=vs, rule=index, delay=delay)
        target = _with_subset(target, subset)
        steps.append((ROUTE, f"DestinationRule {dr.key if dr else ''} subset {subset.name}: pods labelled "
                             + (", ".join(f"{k}={v}" for k, v in subset.labels) or "(any)")))
    if dr is not None:
        target, notes = policy_of(dr, target)
        steps += [(NOTE, n) for n in notes]
    return MeshRoute(tuple(steps), None, target=target, path=req.path, query=req.query, authority=req.authority,
                     headers=headers, response_headers=response, virtual_service=vs, rule=index, delay=delay)


def _outside(ctx: Context, target: Target) -> str:
    """A destination that is no Kubernetes Service: a ServiceEntry host, or a name the mesh does not know."""
    entry = next((e for e in ctx.world.service_entries if e.key == target.service_entry), None)
    if entry is None:
        return (f"{target.host} is neither a Service nor a ServiceEntry host: passed through to the address the "
                "client resolved (outboundTrafficPolicy ALLOW_ANY)")
    where = "outside the mesh (plaintext unless a DestinationRule sets TLS)" if entry.location == "MESH_EXTERNAL" \
        else "inside the mesh (auto mTLS to its workloads)"
    return (f"ServiceEntry {entry.key}: {target.host} is {entry.location}, resolution {entry.resolution}: "
            f"the request goes {where} to the address the client resolved")


def _with_subset(target: Target, subset: mt.Subset) -> Target:
    return Target(target.host, target.service, target.port, subset.name, subset.labels, target.tls_mode,
                  target.tls_rule, target.service_entry)


def policy_of(dr: mt.DestinationRule, target: Target) -> tuple[Target, list[str]]:
    """The DestinationRule's trafficPolicy for the target (the subset's overrides the rule's): TLS origination and
    the documented effects of connectionPool and outlierDetection."""
    subset = next((s for s in dr.subsets if s.name == target.subset), None) if target.subset else None
    notes = []
    mode, source = "", ""
    for policy, where in ((dr.traffic_policy, "trafficPolicy"),
                          (subset.traffic_policy if subset else None, f"subsets[{subset.name if subset else ''}]"
                                                                        ".trafficPolicy")):
        if policy is None:
            continue
        port_mode = dict(policy.port_tls).get(target.port or -1, "")
        if port_mode or policy.tls_mode:
            mode, source = port_mode or policy.tls_mode, f"DestinationRule {dr.key} {where}.tls"
        if policy.load_balancer:
            notes.append(f"DestinationRule {dr.key} {where}.loadBalancer {policy.load_balancer}")
        if policy.connection_pool:
            notes.append(f"DestinationRule {dr.key} {where}.connectionPool "
                         f"{', '.join(f'{k} {v}' for k, v in policy.connection_pool)}: requests beyond these limits "
                         "are answered 503 at once (circuit breaking, Envoy flag UO)")
        if policy.outlier_detection:
            notes.append(f"DestinationRule {dr.key} {where}.outlierDetection "
                         f"{', '.join(f'{k} {v}' for k, v in policy.outlier_detection)}: an endpoint that keeps "
                         "failing is ejected from the pool for the ejection time")
    if mode:
        notes.append(f"{source} mode {mode}"
                     + (": the client proxy sends plaintext (no mTLS)" if mode == "DISABLE" else ""))
    return Target(target.host, target.service, target.port, target.subset, target.subset_labels, mode, source,
                  target.service_entry), notes


def destination_rule(ctx: Context, host: str) -> mt.DestinationRule | None:
    """The DestinationRule for ``host``: the client's namespace first, then the host's Service namespace, then the
    root namespace; an exact host before a wildcard; the oldest of equals (Istio's lookup order)."""
    service_ns = next((s.namespace for s in ctx.services if hosts.service_fqdn(s.namespace, s.name) == host), "")
    order = {ctx.client_namespace: 0, service_ns: 1, ctx.root_namespace: 2}
    fits = [d for d in ctx.world.destination_rules if hosts.matches(hosts.fqdn(d.host, d.namespace), host)
            and d.namespace in order]
    return min(fits, key=lambda d: (order[d.namespace], tuple(-x for x in hosts.specificity(
        hosts.fqdn(d.host, d.namespace))), d.creation_index), default=None)


def resolve(ctx: Context, host: str, namespace: str, port: int | None, subset: str = "") -> Target:
    """A destination host (short names in ``namespace``) as a Kubernetes Service or a ServiceEntry host."""
    name = hosts.fqdn(host, namespace)
    svc = next((s for s in ctx.services if hosts.service_fqdn(s.namespace, s.name) == name), None)
    if svc is not None:
        ports = [p.port for p in svc.ports]
        chosen = port if port in ports else (ports[0] if len(ports) == 1 else port)
        return Target(name, (svc.namespace, svc.name), chosen, subset)
    entry = next((e for e in ctx.world.service_entries if any(hosts.matches(h.lower(), name) for h in e.hosts)), None)
    return Target(name, None, port, subset, service_entry=entry.key if entry else "")


def _weights(dests: Iterable[mt.Destination]) -> list[int]:
    ds = list(dests)
    if all(d.weight is None for d in ds):
        return [100 // len(ds)] * len(ds) if ds else []
    return [d.weight or 0 for d in ds]


def _weighted(dests: tuple[mt.Destination, ...], key: str) -> mt.Destination | None:
    weights = _weights(dests)
    total = sum(weights)
    if total <= 0:
        return None
    point = _pick(key, "weight", total)
    for d, w in zip(dests, weights):
        if point < w:
            return d
        point -= w
    return None


def _rewrite(rule: mt.HttpRoute, req: RouteRequest) -> tuple[str, str]:
    """HTTPRewrite: ``uri`` replaces the matched prefix (the whole path for an exact or regex match, the leading
    ``/`` without a uri match: Envoy's prefix_rewrite), ``authority`` the Host."""
    rw = rule.rewrite
    assert rw is not None
    path = req.path
    if rw.uri is not None:
        um = next((m.uri for m in rule.matches if m.uri is not None and request_matches(m, req, "")), None)
        if um is not None and um.kind == "prefix":
            path = rw.uri + path[len(um.value):]
        elif um is not None:
            path = rw.uri
        else:
            path = rw.uri + path[1:]
    elif rw.uri_regex is not None:
        with contextlib.suppress(re.error):  # an invalid regex (istiod rejects it) rewrites nothing
            path = re.sub(rw.uri_regex[0], rw.uri_regex[1], path)
    return path or "/", rw.authority or req.authority


def apply_ops(headers: tuple[tuple[str, str], ...], ops: mt.HeaderOps) -> tuple[tuple[str, str], ...]:
    """Headers.HeaderOperations: set overwrites, add appends (a second value), remove deletes (case-insensitive)."""
    out = [(k, v) for k, v in headers]
    for name, value in ops.set:
        out = [(k, v) for k, v in out if k.lower() != name.lower()] + [(name.lower(), value)]
    for name, value in ops.add:
        out.append((name.lower(), value))
    removed = {n.lower() for n in ops.remove}
    return tuple((k, v) for k, v in out if k.lower() not in removed)


def merge_ops(a: mt.HeaderOps, b: mt.HeaderOps) -> mt.HeaderOps:
    return mt.HeaderOps((*a.set, *b.set), (*a.add, *b.add), (*a.remove, *b.remove))


def describe_ops(ops: mt.HeaderOps) -> str:
    return "; ".join([f"set {k}: {v}" for k, v in ops.set] + [f"add {k}: {v}" for k, v in ops.add]
                     + [f"remove {k}" for k in ops.remove])


def subset_endpoints(endpoint_pods: Iterable[tuple[str, int, str | None]], pods: dict[str, k8s.Pod],
                     labels: tuple[tuple[str, str], ...]) -> list[tuple[str, int, str | None]]:
    """The endpoints (ip, port, pod key) whose pod carries every subset label."""
    return [e for e in endpoint_pods
            if all((pods[e[2]].labels.get(k) if e[2] in pods else None) == v for k, v in labels)]
