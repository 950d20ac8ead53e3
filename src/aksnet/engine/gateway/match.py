"""Which HTTPRoute rule a request on a Gateway listener takes: the most specific hostname first, then the
specification's match precedence (Exact path > longest PathPrefix > method > most header matches > most query
param matches), then the oldest Route, then ``namespace/name`` alphabetically, then the first rule and match in
list order; no match is a 404. Pure functions of ``aksnet.model.gateway`` and the attachments of
``aksnet.engine.gateway.attach``.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/httproute_types.go`` (HTTPRouteRule.Matches,
HTTPRouteSpec.Hostnames, HTTPPathMatch: PathPrefix is element-wise, a trailing ``/`` ignored; header names
case-insensitive; query param names exact); conformance ``httproute-matching``, ``httproute-path-match-order``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.engine.gateway import hostnames
from aksnet.engine.gateway.attach import Attachment
from aksnet.model.gateway import HeaderMatch, HTTPRoute, RouteMatch, RouteRule


@dataclass(frozen=True)
class Request:
    host: str
    path: str  # without the query string
    method: str = "GET"
    headers: Mapping[str, str] | None = None  # names lower-case
    query: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Selected:
    """The winning (route, rule, match) and the hostname pattern it matched by."""

    attachment: Attachment
    rule_index: int
    match_index: int
    hostname: str

    @property
    def route(self) -> HTTPRoute:
        return self.attachment.route

    @property
    def rule(self) -> RouteRule:
        return self.attachment.route.rules[self.rule_index]

    @property
    def match(self) -> RouteMatch:
        return self.rule.matches[self.match_index]


def path_matches(m: RouteMatch, path: str) -> bool:
    """HTTPPathMatch: Exact compares the whole path; PathPrefix compares whole ``/``-separated elements (``/v2``
    matches ``/v2`` and ``/v2/x`` but not ``/v2example``; a trailing ``/`` in the prefix is ignored);
    RegularExpression is a full match (implementation-specific, as RE2 in most proxies)."""
    if m.path_type == "Exact":
        return path == m.path
    if m.path_type == "RegularExpression":
        try:
            return re.fullmatch(m.path, path) is not None
        except re.error:
            return False
    prefix = m.path.rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _value_matches(hm: HeaderMatch, value: str | None) -> bool:
    if value is None:
        return False
    if hm.type == "RegularExpression":
        try:
            return re.search(hm.value, value) is not None
        except re.error:
            return False
    return value == hm.value


def request_matches(m: RouteMatch, req: Request) -> bool:
    """HTTPRouteMatch: every given condition holds (header names case-insensitive, query names exact)."""
    headers = {k.lower(): v for k, v in (req.headers or {}).items()}
    query = req.query or {}
    return (path_matches(m, req.path) and (not m.method or m.method == req.method.upper())
            and all(_value_matches(h, headers.get(h.name.lower())) for h in m.headers)
            and all(_value_matches(q, query.get(q.name)) for q in m.query))


def precedence(m: RouteMatch) -> tuple[int, int, int, int, int]:
    """The match's rank (larger wins): Exact path, then the PathPrefix length, then a method, then the number
    of header matches, then the number of query param matches."""
    return (1 if m.path_type == "Exact" else 0, len(m.path) if m.path_type != "Exact" else 0,
            1 if m.method else 0, len(m.headers), len(m.query))


def select(attached: list[Attachment], req: Request) -> Selected | None:
    """The rule that serves ``req`` among the routes attached to the listener it arrived on (None: 404)."""
    best: tuple[tuple[object, ...], Selected] | None = None
    for att in attached:
        host = max((h for h in att.hostnames if hostnames.matches(h, req.host)), key=hostnames.specificity,
                   default=None)
        if host is None:
            continue
        route = att.route
        for ri, rule in enumerate(route.rules):
            for mi, m in enumerate(rule.matches):
                if not request_matches(m, req):
                    continue
                key: tuple[object, ...] = (hostnames.specificity(host), precedence(m), _neg(route.created),
                                           _neg(f"{route.namespace}/{route.name}"), -ri, -mi)
                if best is None or key > best[0]:
                    best = (key, Selected(att, ri, mi, host))
    return best[1] if best else None


def _neg(text: str) -> tuple[int, ...]:
    """An ascending text order turned into a descending key (earlier sorts larger)."""
    return (*(-ord(c) for c in text), 0)
