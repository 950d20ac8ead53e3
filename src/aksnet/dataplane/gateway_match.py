"""Which route rule a request takes on a Gateway listener, as NGINX ``map`` blocks: the twin's candidates
(``aksnet.engine.gateway.match``: route hostname, then match precedence, then the oldest route, its name, rule
and match order) are sorted once here, each gets a variable that is ``1`` when all its conditions hold (host,
raw path, method, headers, query parameters: one small map per distinct condition), and the listener's
selection map picks the first candidate whose variable is ``1`` — so NGINX takes the rule the twin takes.
Values enter only as escaped regular-expression literals (``nginx_text.regex_literal``) inside quoted strings;
values the CRDs refuse (``gateway_values``) and patterns that do not compile are left out with a note.

Differences inherent to plain NGINX: RegularExpression matches are PCRE where the twin uses Python's ``re``
(the same for the common syntax); a header name with characters NGINX has no variable for (``_``, ``.``…)
never matches. Pure text generation; must not decide routing itself beyond ordering the twin's candidates.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from aksnet.dataplane import gateway_values
from aksnet.dataplane.nginx_text import header_var, quote, regex_literal
from aksnet.engine.gateway import hostnames
from aksnet.engine.gateway.attach import Attachment
from aksnet.engine.gateway.match import precedence
from aksnet.model.gateway import HeaderMatch, RouteMatch

RAW_PATH = "$aksnet_raw_path"  # the request's path as sent (no query), as the twin compares it


@dataclass(frozen=True)
class Candidate:
    """One (route, rule, match, route hostname) a listener can select, with its NGINX id."""

    id: str
    attachment: Attachment
    rule_index: int
    match_index: int
    hostname: str

    @property
    def match(self) -> RouteMatch:
        return self.attachment.route.rules[self.rule_index].matches[self.match_index]


@dataclass
class Maps:
    """The condition maps rendered so far (shared by every listener of one configuration) and notes."""

    prefix: str
    lines: list[str] = field(default_factory=list)
    conditions: dict[tuple[str, str], str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def condition(self, source: str, pattern: str) -> str:
        """A variable that is 1 when ``source`` matches the PCRE ``pattern``, else 0."""
        key = (source, pattern)
        if key not in self.conditions:
            var = f"${self.prefix}_m{len(self.conditions)}"
            self.conditions[key] = var
            self.lines.append(f"map {source} {var} {{ {quote('~' + pattern)} 1; default 0; }}")
        return self.conditions[key]

    def arg(self, name: str) -> str:
        """A variable holding ``1`` + the first value of query parameter ``name`` (exact name; ``1`` alone for a
        parameter without ``=``), empty when absent — as the twin reads the query string."""
        if name not in self.args:
            var = f"${self.prefix}_a{len(self.args)}"
            self.args[name] = var
            n = regex_literal(name)
            rx = f"~^(?:(?!{n}(?:[=&]|$))[^&]*&)*{n}(?:=(?<aksnet_av>[^&]*))?(?:&|$)"
            self.lines.append(f"map $args {var} {{ {quote(rx)} 1$aksnet_av; default \"\"; }}")
        return self.args[name]


def sort_key(a: Attachment, ri: int, mi: int, host: str) -> tuple[object, ...]:
    """The twin's order (``engine.gateway.match.select``): larger first."""
    route = a.route
    return (hostnames.specificity(host), precedence(route.rules[ri].matches[mi]), _neg(route.created),
            _neg(f"{route.namespace}/{route.name}"), -ri, -mi)


def _neg(text: str) -> tuple[int, ...]:
    return (*(-ord(c) for c in text), 0)


def candidates(attached: list[Attachment], id_prefix: str) -> list[Candidate]:
    """Every (route hostname, rule, match) of the routes attached to one listener, in the twin's order."""
    keyed = [(sort_key(a, ri, mi, h), a, ri, mi, h) for a in attached for h in a.hostnames
             for ri, rule in enumerate(a.route.rules) for mi, _ in enumerate(rule.matches)]
    keyed.sort(key=lambda t: t[0], reverse=True)
    return [Candidate(f"{id_prefix}{i}", a, ri, mi, h) for i, (_, a, ri, mi, h) in enumerate(keyed)]


def compiles(pattern: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error:
        return False
    return True


def _value_pattern(hm: HeaderMatch, prefix: str = "") -> str | None:
    """The PCRE for a header or query value match (None: cannot be rendered)."""
    if hm.type == "RegularExpression":
        return f"^{prefix}.*?(?:{hm.value})" if compiles(hm.value) else None
    return f"^{prefix}{regex_literal(hm.value)}$"


def conditions(c: Candidate, maps: Maps) -> list[str] | None:
    """The condition variables of candidate ``c`` (all must be 1), or None when it can never match in NGINX."""
    m = c.match
    where = f"{c.attachment.route.kind} {c.attachment.route.namespace}/{c.attachment.route.name} " \
            f"rules[{c.rule_index}].matches[{c.match_index}]"
    problems = [gateway_values.hostname_problem(c.hostname), gateway_values.path_problem(m.path_type, m.path)]
    problems += [gateway_values.name_problem(h.name) for h in (*m.headers, *m.query)]
    problems += [gateway_values.value_problem(h.value) for h in (*m.headers, *m.query) if h.type != "RegularExpression"]
    if any(problems):
        maps.notes.append(f"{where} left out: {'; '.join(p for p in problems if p)}")
        return None
    out: list[str] = []
    if c.hostname.startswith("*."):
        out.append(maps.condition("$host", f"^.+{regex_literal(c.hostname[1:])}$"))
    elif c.hostname:
        out.append(maps.condition("$host", f"^{regex_literal(c.hostname)}$"))
    if m.path_type == "Exact":
        out.append(maps.condition(RAW_PATH, f"^{regex_literal(m.path)}$"))
    elif m.path_type == "RegularExpression":
        if not compiles(m.path):
            maps.notes.append(f"{where} left out: its path regular expression does not compile")
            return None
        out.append(maps.condition(RAW_PATH, f"^(?:{m.path})$"))
    elif m.path.rstrip("/"):
        out.append(maps.condition(RAW_PATH, f"^{regex_literal(m.path.rstrip('/'))}(?:/|$)"))
    if m.method:
        out.append(maps.condition("$request_method", f"^{regex_literal(m.method)}$"))
    for h in m.headers:
        var = header_var(h.name)
        pattern = _value_pattern(h)
        if var is None or pattern is None:
            maps.notes.append(f"{where} left out: header {h.name!r} cannot be matched by NGINX")
            return None
        out.append(maps.condition(var, pattern))
    for q in m.query:
        pattern = _value_pattern(q, "1")
        if pattern is None:
            maps.notes.append(f"{where} left out: query parameter {q.name!r} pattern does not compile")
            return None
        out.append(maps.condition(maps.arg(q.name), pattern))
    return out


def selection(cands: list[Candidate], maps: Maps, var: str) -> None:
    """The map setting ``var`` to the id of the first candidate whose conditions all hold ("" when none does:
    the listener answers 404)."""
    bits: list[str] = []
    ids: list[str] = []
    for c in cands:
        conds = conditions(c, maps)
        if conds is None:
            continue
        if not conds:
            bits.append("1")
        elif len(conds) == 1:
            bits.append(conds[0])
        else:
            all_var = f"${maps.prefix}_all_{c.id}"
            key = "".join("${" + v[1:] + "}" for v in conds)
            maps.lines.append(f"map \"{key}\" {all_var} {{ \"{'1' * len(conds)}\" 1; default 0; }}")
            bits.append(all_var)
        ids.append(c.id)
    if not ids:
        maps.lines.append(f"map \"\" {var} {{ default \"\"; }}")
        return
    key = "".join("${" + b[1:] + "}" if b.startswith("$") else b for b in bits)
    entries = " ".join(f"\"~^{'0' * i}1\" {cid};" for i, cid in enumerate(ids))
    maps.lines.append(f"map \"{key}\" {var} {{ {entries} default \"\"; }}")
