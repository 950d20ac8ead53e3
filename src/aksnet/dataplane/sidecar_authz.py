"""AuthorizationPolicy for one sidecar port, compiled into NGINX ``map``/``geo`` blocks — pure text generation.

The semantics are the twin's (``aksnet.engine.mesh.authz``, after
https://istio.io/latest/docs/reference/config/security/authorization-policy/): CUSTOM and DENY before ALLOW,
a rule matches when one ``from``, one ``to`` and every ``when`` match, exact/prefix/suffix/presence string
patterns, CIDR ``ipBlocks``; on TCP the HTTP-only fields make an ALLOW rule match nothing and are ignored in a
DENY rule. What is known when the configuration is rendered (the port, the destination address, whether the
port speaks HTTP, that aksnet's requests carry no JWT) is folded into constants; what the connection decides is
left to NGINX variables: the peer's principal and namespace (from its verified certificate, ``mesh_pki``), the
client address (``geo``), and for HTTP the method, path (without the query), ``Host`` and request headers.
Each test is a ``map`` to ``1``/``0``; a conjunction is a ``map`` of the concatenated tests to ``1`` only when
all are ``1``, a disjunction ``1`` when any is. Every pattern enters the file as an escaped, quoted regular
expression. Must not write files.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from aksnet.dataplane.nginx_text import escape, header_var, regex_literal
from aksnet.engine.mesh import match
from aksnet.model import mesh

PRINCIPAL = "$aksnet_principal"  # cluster.local/ns/NS/sa/SA of a verified client certificate, "" on plaintext
PEER_NAMESPACE = "$aksnet_peer_ns"
PATH = "$aksnet_path"  # the request path without the query (Istio's paths)


@dataclass(frozen=True)
class Atom:
    """One test of a value against Istio patterns (``kind``: string, host (case-folded) or ip)."""

    var: str
    kind: str
    patterns: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class Expr:
    op: str  # "const", "atom", "and", "or"
    value: bool = False
    atom: Atom | None = None
    children: tuple[Expr, ...] = ()


TRUE, FALSE = Expr("const", True), Expr("const", False)


def _atom(var: str, kind: str, patterns: Sequence[str], negate: bool = False) -> Expr:
    return Expr("atom", atom=Atom(var, kind, tuple(patterns), negate))


def all_of(parts: Sequence[Expr]) -> Expr:
    if any(p.op == "const" and not p.value for p in parts):
        return FALSE
    rest = tuple(p for p in parts if p.op != "const")
    return rest[0] if len(rest) == 1 else (Expr("and", children=rest) if rest else TRUE)


def any_of(parts: Sequence[Expr]) -> Expr:
    if any(p.op == "const" and p.value for p in parts):
        return TRUE
    rest = tuple(p for p in parts if p.op != "const")
    return rest[0] if len(rest) == 1 else (Expr("or", children=rest) if rest else FALSE)


@dataclass(frozen=True)
class Context:
    """What is fixed for the sidecar port being rendered."""

    port: int
    destination_ip: str
    http: bool


def _field(values: tuple[str, ...] | None, var: str, kind: str, negate: bool) -> Expr:
    return TRUE if values is None else _atom(var, kind, values, negate)


def _source(s: mesh.Source, ctx: Context, deny: bool) -> Expr:
    if s.request_principals is not None or s.not_request_principals is not None:
        if not ctx.http:
            return TRUE if deny else FALSE
        if s.request_principals is not None:
            return FALSE  # the stand-ins read no JWT (RequestAuthentication is twin-only): no request principal
    principals = None if s.principals is None else tuple(p.removeprefix("spiffe://") for p in s.principals)
    not_principals = None if s.not_principals is None else tuple(p.removeprefix("spiffe://") for p in s.not_principals)
    return all_of([
        _field(principals, PRINCIPAL, "string", False), _field(not_principals, PRINCIPAL, "string", True),
        _field(s.namespaces, PEER_NAMESPACE, "string", False), _field(s.not_namespaces, PEER_NAMESPACE, "string", True),
        _field(s.ip_blocks, "$remote_addr", "ip", False), _field(s.not_ip_blocks, "$remote_addr", "ip", True),
        _field(s.remote_ip_blocks, "$remote_addr", "ip", False),
        _field(s.not_remote_ip_blocks, "$remote_addr", "ip", True)])


def _operation(o: mesh.Operation, ctx: Context, deny: bool) -> Expr:
    http_fields = (o.hosts, o.not_hosts, o.methods, o.not_methods, o.paths, o.not_paths)
    if not ctx.http and any(f is not None for f in http_fields) and not deny:
        return FALSE
    ports_ok = (o.ports is None or match.port_in(o.ports, ctx.port)) and \
        (o.not_ports is None or not match.port_in(o.not_ports, ctx.port))
    if not ports_ok:
        return FALSE
    if not ctx.http:
        return TRUE
    return all_of([
        _field(o.hosts, "$http_host", "host", False), _field(o.not_hosts, "$http_host", "host", True),
        _field(o.methods, "$request_method", "string", False),
        _field(o.not_methods, "$request_method", "string", True),
        _field(o.paths, PATH, "string", False), _field(o.not_paths, PATH, "string", True)])


def _condition(c: mesh.Condition, ctx: Context, deny: bool) -> Expr:
    """``when``: the keys of https://istio.io/latest/docs/reference/config/security/conditions/ as the twin reads
    them; a key naming an attribute the request lacks (no JWT, an unknown key) has no value."""
    key = c.key
    var, kind, known = "", "string", None
    http_only = key.startswith("request.")
    if http_only and not ctx.http:
        return TRUE if deny else FALSE
    if key.startswith("request.headers[") and key.endswith("]"):
        var = header_var(key[len("request.headers["):-1]) or ""
    elif key in ("source.ip", "remote.ip"):
        var, kind = "$remote_addr", "ip"
    elif key == "source.namespace":
        var = PEER_NAMESPACE
    elif key == "source.principal":
        var = PRINCIPAL
    elif key == "destination.ip":
        known = ctx.destination_ip
    elif key == "destination.port":
        known = str(ctx.port)
    if known is not None:
        ip_key = key == "destination.ip"

        def hit(patterns: tuple[str, ...]) -> bool:
            return match.ip_in(patterns, known) if ip_key else match.any_string(patterns, known)

        ok = (c.values is None or hit(c.values)) and (c.not_values is None or not hit(c.not_values))
        return TRUE if ok else FALSE
    if not var:  # no value: matched by no pattern
        return TRUE if c.values is None else FALSE
    return all_of([_field(c.values, var, kind, False), _field(c.not_values, var, kind, True)])


def rule_expr(rule: mesh.Rule, ctx: Context, deny: bool) -> Expr:
    return all_of([any_of([_source(s, ctx, deny) for s in rule.sources]) if rule.sources else TRUE,
                   any_of([_operation(o, ctx, deny) for o in rule.operations]) if rule.operations else TRUE,
                   *(_condition(c, ctx, deny) for c in rule.conditions)])


def policies_expr(policies: Sequence[mesh.AuthorizationPolicy], ctx: Context, deny: bool) -> Expr:
    return any_of([rule_expr(r, ctx, deny) for p in policies for r in p.rules])


@dataclass(frozen=True)
class Decision:
    """Deny when ``deny`` holds or ``allow`` does not (``allow`` TRUE when no ALLOW policy applies)."""

    deny: Expr
    allow: Expr
    policies: tuple[str, ...]  # the applicable policies' keys, for the configuration's comments


def decide(policies: Sequence[mesh.AuthorizationPolicy], ctx: Context) -> Decision:
    """The sidecar's order: CUSTOM (no provider is configured: a match denies), DENY, then ALLOW; AUDIT only logs."""
    denying = [p for p in policies if p.action in (mesh.CUSTOM, mesh.DENY)]
    allows = [p for p in policies if p.action == mesh.ALLOW]
    return Decision(policies_expr(denying, ctx, True), policies_expr(allows, ctx, False) if allows else TRUE,
                    tuple(p.key for p in policies))


def _regex(pattern: str, fold: bool) -> str | None:
    """An Istio string pattern as an anchored PCRE (None: matches no present value)."""
    flag = "(?i)" if fold else ""
    if pattern == "*":
        return "."
    if pattern.endswith("*"):
        return f"{flag}^{regex_literal(pattern[:-1])}"
    if pattern.startswith("*"):
        return f"{flag}{regex_literal(pattern[1:])}$"
    return f"{flag}^{regex_literal(pattern)}$" if pattern else None


def _cidrs(blocks: Sequence[str]) -> list[str]:
    out = []
    for b in blocks:
        try:
            out.append(str(ipaddress.ip_network(b.strip(), strict=False)))
        except ValueError:
            continue  # a malformed entry matches nothing (as the twin reads it)
    return out


def concat(values: Sequence[str]) -> str:
    """Variables and literals side by side in one nginx value: ``${name}`` so that a following digit is not read
    as part of the name."""
    return "".join("${" + v[1:] + "}" if v.startswith("$") else v for v in values)


@dataclass
class Compiler:
    """Renders expressions into ``map``/``geo`` blocks named ``$aksnet_<prefix>_<n>`` (one namespace per port)."""

    prefix: str
    lines: list[str] = field(default_factory=list)
    _n: int = 0

    def _var(self) -> str:
        self._n += 1
        return f"$aksnet_{self.prefix}_{self._n}"

    def value(self, e: Expr) -> str:
        """A variable (or a literal ``1``/``0``) that is ``1`` exactly when ``e`` holds."""
        if e.op == "const":
            return "1" if e.value else "0"
        v = self._var()
        yes, no = "1", "0"
        if e.op == "atom" and e.atom is not None:
            a = e.atom
            if a.negate:
                yes, no = no, yes
            if a.kind == "ip":
                self.lines.append(f"geo {a.var} {v} {{ default {no}; " +
                                  "".join(f"{c} {yes}; " for c in _cidrs(a.patterns)) + "}")
                return v
            rows = [f'"~{escape(r)}" {yes};' for p in a.patterns if (r := _regex(p, a.kind == "host")) is not None]
            self.lines.append(f'map {a.var} {v} {{ default {no}; "" {no}; ' + " ".join(rows) + " }")
            return v
        parts = [self.value(c) for c in e.children]
        joined = concat(parts)
        if e.op == "and":
            self.lines.append(f'map "{joined}" {v} {{ default 0; "{"1" * len(parts)}" 1; }}')
        else:
            self.lines.append(f'map "{joined}" {v} {{ default 0; "~1" 1; }}')
        return v
