"""rewrite-target and regex mode (kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching;
ingress-nginx docs/examples/rewrite, e2e rewrite.go,
pathtype_prefix.go with use-regex, docs/user-guide/ingress-path-matching.md)."""

from __future__ import annotations

import pytest

from tests.ingress.helpers import ingress_doc, route, rule, view_of

RW = "nginx.ingress.kubernetes.io/rewrite-target"
REGEX = "nginx.ingress.kubernetes.io/use-regex"

REWRITE_EXAMPLES = [
    # docs/examples/rewrite/README.md
    ("/something(/|$)(.*)", "/$2", "/something", "/"),
    ("/something(/|$)(.*)", "/$2", "/something/", "/"),
    ("/something(/|$)(.*)", "/$2", "/something/new", "/new"),
    ("/something(/|$)(.*)", "/$2", "/something/new?a=1", "/new?a=1"),
    # e2e rewrite.go
    ("/foo/bar/(.+)", "/new/backend/$1", "/foo/bar/bar", "/new/backend/bar"),
    # the seed: rewrite-target / replaces the whole URI
    ("/api", "/", "/api/users", "/"),
    ("/api", "/", "/API/Users?x=1", "/?x=1"),
    ("/foo", "/", "/foo/bar", "/"),
    # a target with arguments is refused by ingress-nginx's validator (RegexPathWithCapture has no "?" or "="):
    # the parser drops rewrite-target and the URI goes upstream unchanged
    ("/q(.*)", "/search?term=$1", "/qcats?page=2", "/qcats?page=2"),
    ("/q(.*)", "/search?", "/qcats?page=2", "/qcats?page=2"),
]


@pytest.mark.parametrize(
    ("path", "target", "req", "upstream"), REWRITE_EXAMPLES, ids=[f"{p}->{t}:{r}" for p, t, r, _ in REWRITE_EXAMPLES]
)
def test_rewrite_examples(path: str, target: str, req: str, upstream: str) -> None:
    view = view_of(
        [
            ingress_doc(
                "rw",
                [rule("rewrite.bar.com", (path, "ImplementationSpecific", "http-svc"))],
                annotations={RW: target, REGEX: "true"},
            )
        ]
    )
    d = route(view, f"http://rewrite.bar.com{req}")
    assert d.action == "proxy", d.steps
    assert d.request_uri == upstream


def test_rewrite_only_on_its_own_location_and_longer_location_wins() -> None:
    # e2e: path /foo.+ target /new/backend plus another Ingress with plain Prefix /foo
    rw = ingress_doc(
        "rw",
        [rule("h", ("/foo.+", "ImplementationSpecific", "svc"))],
        annotations={RW: "/new/backend"},
        created="2026-01-01T00:00:00Z",
    )
    plain = ingress_doc("plain", [rule("h", ("/foo", "Prefix", "svc"))], created="2026-01-02T00:00:00Z")
    view = view_of([rw, plain])
    assert route(view, "http://h/foo").request_uri == "/foo"
    assert route(view, "http://h/foo/bar").request_uri == "/new/backend"
    # e2e: path / target /new/backend plus /.well-known/acme/challenge elsewhere: longer location wins
    root = ingress_doc("root", [rule("h2", ("/", "Prefix", "svc"))], annotations={RW: "/new/backend"})
    acme = ingress_doc("acme", [rule("h2", ("/.well-known/acme/challenge", "Prefix", "acme"))])
    view = view_of([root, acme])
    d = route(view, "http://h2/.well-known/acme/challenge")
    assert (d.service, d.request_uri) == ("default/acme", "/.well-known/acme/challenge")
    assert route(view, "http://h2/x").request_uri == "/new/backend"


def test_regex_mode_is_case_insensitive_first_match_for_the_whole_host() -> None:
    # the regex annotation on one Ingress switches the other Ingress's Exact path to a prefix regex
    regex = ingress_doc("r", [rule("h", ("/app", "Prefix", "app"))], annotations={REGEX: "true"})
    exact = ingress_doc("e", [rule("h", ("/exact", "Exact", "exact"))])
    view = view_of([regex, exact])
    assert view.server("h") is not None and view.server("h").regex  # type: ignore[union-attr]
    assert route(view, "http://h/exactly").service == "default/exact"  # the documented quirk
    assert route(view, "http://h/EXACT").service == "default/exact"
    other = view_of([exact])
    assert route(other, "http://h/exactly").status == 404


PATH_MATCHING_DOC = [("/foo/bar/baz", "svc3"), ("/foo/bar/", "svc2"), ("/foo/bar", "svc1")]


@pytest.mark.parametrize(("req", "svc"), PATH_MATCHING_DOC, ids=[r for r, _ in PATH_MATCHING_DOC])
def test_ingress_path_matching_doc(req: str, svc: str) -> None:
    view = view_of(
        [
            ingress_doc(
                "m",
                [
                    rule(
                        "test.com",
                        ("/foo/bar", "Prefix", "svc1"),
                        ("/foo/bar/", "Prefix", "svc2"),
                        ("/foo/bar/(.+)", "ImplementationSpecific", "svc3"),
                    )
                ],
                annotations={REGEX: "true"},
            )
        ]
    )
    assert route(view, f"http://test.com{req}").service == f"default/{svc}"


def test_documented_regex_pitfall() -> None:
    view = view_of(
        [
            ingress_doc(
                "m",
                [
                    rule(
                        "test.com",
                        ("/foo/bar/bar", "Prefix", "plain"),
                        ("/foo/bar/[A-Z0-9]{3}", "ImplementationSpecific", "regex"),
                    )
                ],
                annotations={REGEX: "true"},
            )
        ]
    )
    assert route(view, "http://test.com/foo/bar/bar").service == "default/regex"


E2E_USE_REGEX = [
    ("/id/[0-9]+", ["/id/1", "/id/123", "/id/123a"], ["/id/aaa"]),
    ("/id/[0-9]+$", ["/id/123"], ["/id/123a"]),
    ("/id/[0-9]{3}$", ["/id/123"], ["/id/99", "/id/9999"]),
    ("/id/[0-9]+/post/[a-zA-Z]+$", ["/id/123/post/abc"], ["/id/123/post/abc123", "/id/abc/post/abc"]),
]


@pytest.mark.parametrize(("path", "ok", "not_found"), E2E_USE_REGEX, ids=[p for p, _, _ in E2E_USE_REGEX])
def test_pathtype_prefix_with_use_regex(path: str, ok: list[str], not_found: list[str]) -> None:
    view = view_of(
        [ingress_doc("r", [rule("prefix.path", (path, "ImplementationSpecific", "echo"))], annotations={REGEX: "true"})]
    )
    for p in ok:
        assert route(view, f"http://prefix.path{p}").action == "proxy", p
    for p in not_found:
        assert route(view, f"http://prefix.path{p}").status == 404, p
