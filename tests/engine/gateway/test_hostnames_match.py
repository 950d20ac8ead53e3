"""Gateway API hostname intersection and HTTPRoute match precedence as the specification states them
(gateway-api v1.2.1 apis/v1/httproute_types.go; conformance httproute-hostname-intersection,
httproute-matching, httproute-path-match-order)."""

from __future__ import annotations

import pytest

from aksnet.engine.gateway import hostnames
from aksnet.engine.gateway.attach import Attachment
from aksnet.engine.gateway.match import Request, path_matches, select
from aksnet.model.gateway import Gateway, HeaderMatch, HTTPRoute, Listener, RouteMatch, RouteRule


@pytest.mark.parametrize(("pattern", "host", "expected"), [
    ("*.example.com", "foo.example.com", True),
    ("*.example.com", "foo.test.example.com", True),  # any number of labels, unlike Ingress
    ("*.example.com", "example.com", False),
    ("foo.example.com", "FOO.example.com", True),
    ("", "anything.net", True),
    ("foo.example.com", "bar.example.com", False),
], ids=["wildcard-one-label", "wildcard-two-labels", "wildcard-not-apex", "case-insensitive", "empty-all",
        "exact-other"])
def test_hostname_matches(pattern: str, host: str, expected: bool) -> None:
    assert hostnames.matches(pattern, host) is expected


@pytest.mark.parametrize(("listener", "route", "expected"), [
    ("test.example.com", "test.example.com", "test.example.com"),
    ("test.example.com", "*.example.com", "test.example.com"),
    ("*.example.com", "test.example.com", "test.example.com"),
    ("*.example.com", "foo.test.example.com", "foo.test.example.com"),
    ("*.example.com", "*.foo.example.com", "*.foo.example.com"),
    ("*.foo.example.com", "*.example.com", "*.foo.example.com"),
    ("*.example.com", "example.com", None),
    ("*.example.com", "test.example.net", None),
    ("", "test.example.com", "test.example.com"),
    ("test.example.com", "", "test.example.com"),
], ids=["exact-exact", "exact-wildcard", "wildcard-exact", "wildcard-deep", "wildcard-narrower-route",
        "wildcard-narrower-listener", "apex-no", "other-domain-no", "listener-any", "route-any"])
def test_hostname_intersection(listener: str, route: str, expected: str | None) -> None:
    assert hostnames.intersect(listener, route) == expected


def test_non_matching_route_hostnames_are_ignored() -> None:
    assert hostnames.effective("*.example.com", ("test.example.com", "test.example.net")) == ("test.example.com",)
    assert hostnames.effective("*.example.com", ("test.example.net",)) is None


@pytest.mark.parametrize(("ptype", "value", "path", "expected"), [
    ("PathPrefix", "/v2", "/v2", True),
    ("PathPrefix", "/v2", "/v2/", True),
    ("PathPrefix", "/v2", "/v2/x", True),
    ("PathPrefix", "/v2", "/v2example", False),
    ("PathPrefix", "/v2/", "/v2", True),
    ("PathPrefix", "/", "/anything", True),
    ("Exact", "/v2", "/v2/", False),
    ("Exact", "/v2", "/v2", True),
    ("RegularExpression", "/v[0-9]+/.*", "/v12/x", True),
], ids=["prefix-same", "prefix-slash", "prefix-child", "prefix-not-element", "prefix-trailing-slash", "root",
        "exact-slash-no", "exact", "regex"])
def test_path_match(ptype: str, value: str, path: str, expected: bool) -> None:
    assert path_matches(RouteMatch(ptype, value), path) is expected


LISTENER = Listener("http", "HTTP", 80)
GW = Gateway("infra", "gw", "istio", (LISTENER,))


def _att(name: str, matches: list[RouteMatch], hosts: tuple[str, ...] = ("",), created: str = "2024-01-01T00:00:00Z",
         ns: str = "default") -> Attachment:
    route = HTTPRoute(ns, name, (), (), tuple(RouteRule((m,)) for m in matches), created)
    return Attachment(route, GW, LISTENER, hosts)


EXACT = RouteMatch("Exact", "/v2")
PREFIX_LONG = RouteMatch("PathPrefix", "/v2")
PREFIX_SHORT = RouteMatch("PathPrefix", "/")
METHOD = RouteMatch("PathPrefix", "/", method="POST")
HEADER1 = RouteMatch("PathPrefix", "/", headers=(HeaderMatch("version", "two"),))
HEADER2 = RouteMatch("PathPrefix", "/", headers=(HeaderMatch("version", "two"), HeaderMatch("color", "red")))
QUERY = RouteMatch("PathPrefix", "/", query=(HeaderMatch("a", "b"),))


@pytest.mark.parametrize(("routes", "req", "winner"), [
    ([_att("prefix", [PREFIX_LONG]), _att("exact", [EXACT])], Request("h", "/v2"), "exact"),
    ([_att("short", [PREFIX_SHORT]), _att("long", [PREFIX_LONG])], Request("h", "/v2/x"), "long"),
    ([_att("plain", [PREFIX_SHORT]), _att("method", [METHOD])], Request("h", "/", "POST"), "method"),
    ([_att("method", [METHOD]), _att("header", [HEADER1])],
     Request("h", "/", "POST", {"version": "two"}), "method"),
    ([_att("one", [HEADER1]), _att("two", [HEADER2])],
     Request("h", "/", headers={"Version": "two", "color": "red"}), "two"),
    ([_att("query", [QUERY]), _att("header", [HEADER1])],
     Request("h", "/", headers={"version": "two"}, query={"a": "b"}), "header"),
    ([_att("plain", [PREFIX_SHORT]), _att("query", [QUERY])], Request("h", "/", query={"a": "b"}), "query"),
    ([_att("newer", [PREFIX_SHORT], created="2024-02-01T00:00:00Z"), _att("older", [PREFIX_SHORT])],
     Request("h", "/"), "older"),
    ([_att("b", [PREFIX_SHORT]), _att("a", [PREFIX_SHORT])], Request("h", "/"), "a"),
    ([_att("z", [PREFIX_SHORT], ns="a"), _att("a", [PREFIX_SHORT], ns="b")], Request("h", "/"), "z"),
    ([_att("wild", [PREFIX_LONG], hosts=("*.example.com",)), _att("exact", [PREFIX_SHORT], hosts=("a.example.com",))],
     Request("a.example.com", "/v2"), "exact"),
    ([_att("any", [EXACT]), _att("wild", [PREFIX_SHORT], hosts=("*.example.com",))],
     Request("a.example.com", "/v2"), "wild"),
], ids=["exact-over-prefix", "longest-prefix", "method", "method-over-headers", "most-headers",
        "headers-over-query", "query", "oldest", "name-alphabetical", "namespace-first", "exact-hostname-first",
        "hostname-before-path"])
def test_precedence(routes: list[Attachment], req: Request, winner: str) -> None:
    sel = select(routes, req)
    assert sel is not None and sel.route.name == winner


def test_first_rule_wins_within_a_route() -> None:
    route = HTTPRoute("default", "r", (), (), (RouteRule((PREFIX_SHORT,)), RouteRule((PREFIX_SHORT,))))
    sel = select([Attachment(route, GW, LISTENER, ("",))], Request("h", "/"))
    assert sel is not None and sel.rule_index == 0


@pytest.mark.parametrize("req", [Request("h", "/v3"), Request("other.net", "/v2")], ids=["no-path", "no-host"])
def test_no_match_is_none(req: Request) -> None:
    assert select([_att("exact", [EXACT], hosts=("h",))], req) is None
