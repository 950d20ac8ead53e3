"""The routing part of an Istio ingress gateway stand-in (the add-on's ``aks-istio-ingressgateway-*`` pods) and of a
sidecar's outbound listener to an HTTP Service port (``render_outbound``: the rules of the VirtualService bound to
``mesh`` the twin uses, no host or server condition): for one HTTP listener port, the ``http``-level maps and
upstreams and the ``location`` lines that make NGINX route as the twin's ``engine.mesh.ingress`` (Gateway server
by Host) and ``engine.mesh.routing`` (VirtualService http rules, first match wins) decide — pure text
generation from the twin's objects.

The server a Host reaches is one ``map $host`` (regular expressions are tried in order of appearance: the twin's
most specific host first, then the oldest Gateway); every (server, VirtualService host pattern, rule) the twin may
try becomes a candidate in the twin's order (``routing.bound``: most specific pattern, then oldest), each with a
variable that is ``1`` when its conditions hold (uri exact/prefix/regex on the raw path, method, headers
exact/prefix/regex/present; port, sourceLabels, sourceNamespace and gateways are the proxy's, decided when
rendering), and a selection map picks the first candidate (none: ``404``). A candidate's action:
a fault abort of 100 % (``return`` with Envoy's body ``fault filter abort``), a directResponse, a redirect, or a
proxy to the destination's endpoints (the DestinationRule subset's pods; ``https`` with the gateway's workload
certificate when every endpoint is served by a sidecar, as auto mTLS does). Several weighted destinations are
split by ``split_clients`` on the request (the share is the twin's; the draw is not the twin's hash: ``verify``
leaves such rules out). Rules whose conditions NGINX cannot express (query parameters, scheme, authority,
withoutHeaders, ignoreUriCase, a header name without an NGINX variable, a regex that
does not compile) are left out with a comment, and ``verify`` sends them no request.
Sources: https://istio.io/latest/docs/reference/config/networking/virtual-service/ (HTTPMatchRequest, StringMatch,
HTTPFaultInjection.Abort, HTTPDirectResponse, HTTPRedirect), .../gateway/ (Server hosts).
Must not write files or run nginx.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aksnet.dataplane.gateway_match import Maps, compiles
from aksnet.dataplane.nginx_text import comment, escape, header_var, quote, regex_literal
from aksnet.engine.gateway import split
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.http_match import qualify
from aksnet.model import mesh_traffic as mt

PATH_VAR = "$aksnet_path"  # the raw path without the query (sidecar_conf's map)
UNROUTABLE = ("query_params", "scheme", "authority", "without_headers")


@dataclass(frozen=True)
class Upstream:
    """Where a destination's requests go: endpoints (ip, port) and whether they take mutual TLS."""

    endpoints: tuple[tuple[str, int], ...]
    tls: bool


# (host, port, subset, VirtualService namespace) → the upstream, or an int: the status the proxy answers itself
Resolver = Callable[[str, int | None, str, str], Upstream | int]


@dataclass
class RoutePart:
    """What one listener port adds: ``http``-level lines and the ``location /`` body."""

    http: list[str] = field(default_factory=list)
    location: list[str] = field(default_factory=list)
    routed: list[tuple[str, int]] = field(default_factory=list)  # (VirtualService key, rule index) rendered
    notes: list[str] = field(default_factory=list)


def host_pattern(pattern: str) -> str:
    """An Istio host (``*``, ``*.suffix``, a name) as a PCRE over NGINX's ``$host`` (lower case, no port)."""
    if pattern == "*":
        return "^"
    if pattern.startswith("*"):
        return f"{regex_literal(pattern[1:].lower())}$"
    return f"^{regex_literal(pattern.lower())}$"


def string_pattern(m: mt.StringMatch) -> str | None:
    """A StringMatch as a PCRE (None: a regex that does not compile)."""
    if m.kind == "present":
        return "."  # the header has a value (NGINX cannot tell an empty header from a missing one)
    if m.kind == "exact":
        return f"^{regex_literal(m.value)}$"
    if m.kind == "prefix":
        return f"^{regex_literal(m.value)}"
    return f"^(?:{m.value})$" if compiles(m.value) and "\n" not in m.value else None


def _match_conditions(m: mt.HttpMatch, maps: Maps) -> list[str] | None:
    if m.ignore_uri_case or any(getattr(m, a) for a in UNROUTABLE):
        return None
    out: list[str] = []
    for source, sm in ((PATH_VAR, m.uri), ("$request_method", m.method)):
        if sm is not None:
            pattern = string_pattern(sm)
            if pattern is None:
                return None
            out.append(maps.condition(source, pattern))
    for name, sm in m.headers:
        var, pattern = header_var(name), string_pattern(sm)
        if var is None or pattern is None:
            return None
        out.append(maps.condition(var, pattern))
    return out


def _all(conds: Sequence[str], maps: Maps, name: str) -> str:
    if not conds:
        return "1"
    if len(conds) == 1:
        return conds[0]
    var = f"${maps.prefix}_all_{name}"
    key = "".join("${" + v[1:] + "}" for v in conds)
    maps.lines.append(f"map \"{key}\" {var} {{ \"{'1' * len(conds)}\" 1; default 0; }}")
    return var



def _servers(world: mt.TrafficWorld, gateways: Sequence[mt.Gateway], port: int) -> list[ingress.ServerChoice]:
    """The HTTP servers on Service port ``port``, with each host pattern, in the twin's order of preference."""
    out: list[tuple[tuple[int, int], int, ingress.ServerChoice, str]] = []
    for g in gateways:
        for s in g.servers:
            if s.port != port or s.protocol in ingress.TLS_PROTOCOLS:
                continue
            for entry in s.hosts:
                _, pattern = hosts.gateway_host(entry, g.namespace)
                out.append((hosts.specificity(pattern), g.creation_index,
                            ingress.ServerChoice((), g, s, port), pattern))
    out.sort(key=lambda t: ((-t[0][0], -t[0][1]), t[1]))
    return [replace_steps(c, p) for _, _, c, p in out]


def replace_steps(choice: ingress.ServerChoice, pattern: str) -> ingress.ServerChoice:
    return ingress.ServerChoice((pattern,), choice.gateway, choice.server, choice.port)


def _candidates(world: mt.TrafficWorld, choice: ingress.ServerChoice) -> list[tuple[mt.VirtualService, str]]:
    """The (VirtualService, host pattern) pairs bound to the server, in the twin's order (``routing.bound``)."""
    admits = ingress.admits(choice)
    gw = choice.gateway_name
    pairs = []
    for vs in world.virtual_services:
        if gw not in {qualify(g, vs.namespace) for g in (vs.gateways or (mt.MESH_GATEWAY,))}:
            continue
        for h in {hosts.fqdn(x, vs.namespace) for x in vs.hosts}:
            if admits(vs, h):
                pairs.append((vs, h))
    pairs.sort(key=lambda p: (tuple(-x for x in hosts.specificity(p[1])), p[0].creation_index, p[1]))
    return pairs


def draws(rule: mt.HttpRoute) -> bool:
    """The rule's answer depends on a per-request draw the stand-in does not make as the twin does (several
    weighted destinations, a fault abort of less than 100 %)."""
    f = rule.fault
    partial_abort = f is not None and f.abort_status is not None and 0 < f.abort_percent < 100
    return partial_abort or sum(1 for d in rule.route if d.weight is None or d.weight > 0) > 1


def _action(rule: mt.HttpRoute, vs: mt.VirtualService, port: int, resolve: Resolver, cid: str,
            part: RoutePart, maps: Maps) -> list[str] | None:
    """The location lines for a selected rule (None: rendered as the twin would not: leave the rule out)."""
    f = rule.fault
    if f is not None and f.abort_status is not None and f.abort_percent > 0:
        if f.abort_percent < 100:
            return None
        return [f"return {f.abort_status} {quote(routing.FAULT_ABORT_BODY, interpolated=True)};"]
    if rule.redirect is not None:
        r = rule.redirect
        scheme = escape(r.scheme, interpolated=True) if r.scheme else "$scheme"
        authority = escape(r.authority, interpolated=True) if r.authority else "$host"
        default_port = 443 if r.scheme == "https" else 80
        port_text = f":{r.port}" if r.port and r.port != default_port else ""
        uri = escape(r.uri, interpolated=True) if r.uri else PATH_VAR
        return [f'return {r.code} "{scheme}://{authority}{port_text}{uri}$is_args$args";']
    if rule.direct_status is not None:
        return [f"return {rule.direct_status} {quote(rule.direct_body, interpolated=True)};"]
    weights = [d.weight if d.weight is not None else (100 // len(rule.route)) for d in rule.route]
    chosen = split.parts(weights)
    if not chosen:
        return [f"return {routing.NO_CLUSTER};"]
    ups: list[tuple[int, int | None, str]] = []
    for i, share in chosen:
        d = rule.route[i]
        got = resolve(d.host, d.port or port, d.subset, vs.namespace)
        if isinstance(got, int):
            ups.append((i, share, f"status:{got}"))
            continue
        name = f"{maps.prefix}_up_{cid}_{i}"
        part.http.append(f"upstream {name} {{")
        part.http += [f"    server {ip}:{p};" for ip, p in got.endpoints]
        part.http.append("}")
        ups.append((i, share, f"{'https' if got.tls else 'http'}://{name}"))
    if len(ups) == 1:
        target = ups[0][2]
    else:
        target = f"${maps.prefix}_split_{cid}"
        entries = " ".join(f"{split.percent_text(s) if s is not None else '*'} {quote(t)};" for _, s, t in ups)
        part.http.append(f'split_clients "$remote_addr$request_id" {target} {{ {entries} }}')
    statuses = {t for _, _, t in ups if t.startswith("status:")}
    if len(ups) == 1 and statuses:
        return [f"return {target.split(':', 1)[1]};"]
    if statuses:
        return None
    return [f"proxy_pass {target};"]


@dataclass(frozen=True)
class Proxy:
    """What the routing proxy knows of every request it routes, fixed when rendering: the port the request was
    sent to (the Service's or the Gateway server's), its own workload's labels and namespace, its gateway name
    (``mesh`` for a sidecar, ``namespace/name`` of the Gateway)."""

    port: int
    labels: tuple[tuple[str, str], ...]
    namespace: str
    gateway: str


def static_holds(m: mt.HttpMatch, proxy: Proxy, vs_namespace: str) -> bool:
    """The match's conditions fixed by the proxy (port, sourceLabels, sourceNamespace, gateways) hold."""
    labels = dict(proxy.labels)
    return ((m.port is None or m.port == proxy.port)
            and all(labels.get(k) == v for k, v in m.source_labels)
            and (not m.source_namespace or m.source_namespace == proxy.namespace)
            and (not m.gateways or any(qualify(g, vs_namespace) == proxy.gateway for g in m.gateways)))


class _Builder:
    """Candidates in the twin's order, each a (conditions, action); the selection map picks the first."""

    def __init__(self, prefix: str, proxy: Proxy, resolve: Resolver) -> None:
        self.maps = Maps(prefix)
        self.part = RoutePart()
        self.proxy, self.resolve = proxy, resolve
        self.bits: list[str] = []
        self.actions: list[tuple[str, list[str], str]] = []

    def add(self, conds: list[str], action: list[str], where: str) -> None:
        cid = f"c{len(self.actions)}"
        self.bits.append(_all(conds, self.maps, cid))
        self.actions.append((cid, action, where))

    def rule(self, vs: mt.VirtualService, ri: int, fixed: list[str], where: str) -> None:
        rule = vs.http[ri]
        live = [m for m in rule.matches if static_holds(m, self.proxy, vs.namespace)]
        if rule.matches and not live:
            return  # never taken by this proxy
        matches = [_match_conditions(m, self.maps) for m in live] or [[]]
        action = _action(rule, vs, self.proxy.port, self.resolve, f"r{len(self.actions)}", self.part, self.maps)
        if any(m is None for m in matches) or action is None:
            self.part.notes.append(f"{where}: left out (NGINX cannot route it as the twin does)")
            return
        for conds in matches:
            assert conds is not None
            self.add([*fixed, *conds], action, where)
        if (vs.key, ri) not in self.part.routed:
            self.part.routed.append((vs.key, ri))

    def finish(self) -> RoutePart:
        maps, part = self.maps, self.part
        sel = f"${maps.prefix}_rule"
        if self.actions:
            key = "".join("${" + b[1:] + "}" if b.startswith("$") else b for b in self.bits)
            entries = " ".join(f"\"~^{'0' * i}1\" {cid};" for i, (cid, _, _) in enumerate(self.actions))
            maps.lines.append(f"map \"{key}\" {sel} {{ {entries} default \"\"; }}")
        else:
            maps.lines.append(f"map \"\" {sel} {{ default \"\"; }}")
        part.http = [*maps.lines, *part.http]
        for cid, lines, where in self.actions:
            part.location += [f"if ({sel} = {cid}) {{  # {comment(where)}", *(f"    {x}" for x in lines), "}"]
        # every if of the rewrite phase runs (the last true one's configuration is used): one id at most is chosen
        part.location.append(f'if ({sel} = "") {{ return {routing.NOT_FOUND}; }}  # no route (Envoy NR)')
        part.location = [f"# {comment(n)}" for n in part.notes] + part.location
        return part


def render_port(world: mt.TrafficWorld, gateways: Sequence[mt.Gateway], proxy: Proxy, pod_port: int,
                resolve: Resolver) -> RoutePart:
    """The routing of a gateway's listener on ``pod_port`` (``proxy.port``: the gateway Service's port)."""
    b = _Builder(f"aksnet_gw{pod_port}", proxy, resolve)
    servers = _servers(world, gateways, proxy.port)
    srv_var = f"${b.maps.prefix}_server"
    entries = " ".join(f"{quote('~' + host_pattern(c.steps[0]))} {i};" for i, c in enumerate(servers))
    b.maps.lines.append(f"map $host {srv_var} {{ {entries} default \"\"; }}")
    for si, choice in enumerate(servers):
        server_cond = b.maps.condition(srv_var, f"^{si}$")
        if choice.server is not None and choice.server.https_redirect:
            b.add([server_cond], ['return 301 "https://$host$aksnet_path";'],
                  f"Gateway {choice.gateway_name} tls.httpsRedirect")
            continue
        for vs, pattern in _candidates(world, choice):
            host_cond = b.maps.condition("$host", host_pattern(pattern))
            b.proxy = Proxy(proxy.port, proxy.labels, proxy.namespace, choice.gateway_name)
            for ri in range(len(vs.http)):
                b.rule(vs, ri, [server_cond, host_cond], f"VirtualService {vs.key} [spec.http[{ri}]] host {pattern}")
    return b.finish()


def render_outbound(vs: mt.VirtualService, proxy: Proxy, local_port: int, resolve: Resolver) -> RoutePart:
    """A sidecar's outbound routing to one Service port (``proxy.port``) by the VirtualService bound to ``mesh``
    that the twin uses for the Service's host (``routing.bound``: the oldest most specific)."""
    b = _Builder(f"aksnet_out{local_port}", proxy, resolve)
    for ri in range(len(vs.http)):
        b.rule(vs, ri, [], f"VirtualService {vs.key} [spec.http[{ri}]]")
    return b.finish()
