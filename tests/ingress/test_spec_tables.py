"""The Ingress API tables (kubernetes.io/docs/concepts/services-networking/ingress) against ingress-nginx.

Each row of the official pathType table expands to one case per request path (20 cases). The expected
outcome is the spec's,
except where ingress-nginx documentedly differs
(kubernetes.github.io/ingress-nginx/user-guide/ingress-path-matching): a request without
the trailing slash of a path that ends in ``/`` gets nginx's 301 to the slashed URI (verified with Debian
nginx 1.22: ``location /aaa/bbb/`` answers ``/aaa/bbb`` with 301), which then matches.
"""

from __future__ import annotations

import pytest

from tests.ingress.helpers import ingress_doc, route, rule, view_of


def _svc(path: str, kind: str) -> str:
    return f"{kind.lower()}{path.replace('/', '-') or '-root'}".rstrip("-") or "root"


# (kind or per-path kinds, paths, request, expected matched path or None (default backend), note)
PATH_TABLE = [
    ("Prefix", ["/"], "/anything/at/all", "/", "Prefix / matches all paths"),
    ("Exact", ["/foo"], "/foo", "/foo", ""),
    ("Exact", ["/foo"], "/bar", None, ""),
    ("Exact", ["/foo"], "/foo/", None, ""),
    ("Exact", ["/foo/"], "/foo", "301:/foo/", "spec: No; nginx auto-redirects to /foo/ (exact location ending in /)"),
    ("Prefix", ["/foo"], "/foo", "/foo", ""),
    ("Prefix", ["/foo"], "/foo/", "/foo", ""),
    ("Prefix", ["/foo/"], "/foo", "301:/foo/", "spec: Yes; ingress-nginx: 301 to /foo/, which matches"),
    ("Prefix", ["/foo/"], "/foo/", "/foo/", ""),
    ("Prefix", ["/aaa/bb"], "/aaa/bbb", None, ""),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb", "/aaa/bbb", ""),
    ("Prefix", ["/aaa/bbb/"], "/aaa/bbb", "301:/aaa/bbb/", "spec: Yes, ignores trailing slash; ingress-nginx: 301"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb/", "/aaa/bbb", "matches trailing slash"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbb/ccc", "/aaa/bbb", "matches subpath"),
    ("Prefix", ["/aaa/bbb"], "/aaa/bbbxyz", None, "does not match string prefix"),
    ("Prefix", ["/", "/aaa"], "/aaa/ccc", "/aaa", "matches /aaa prefix"),
    ("Prefix", ["/", "/aaa", "/aaa/bbb"], "/aaa/bbb", "/aaa/bbb", "matches /aaa/bbb prefix"),
    ("Prefix", ["/", "/aaa", "/aaa/bbb"], "/ccc", "/", "matches / prefix"),
    ("Prefix", ["/aaa"], "/ccc", None, "uses default backend"),
    (["Prefix", "Exact"], ["/foo", "/foo"], "/foo", "Exact:/foo", "prefers Exact"),
]


@pytest.mark.parametrize(
    ("kind", "paths", "req", "expected", "note"),
    PATH_TABLE,
    ids=[f"{'+'.join(r[1])}-{r[2]}" for r in PATH_TABLE],
)
def test_path_type_table(kind: object, paths: list[str], req: str, expected: str | None, note: str) -> None:
    kinds: list[str] = [str(k) for k in kind] if isinstance(kind, list) else [str(kind)] * len(paths)
    view = view_of([ingress_doc("ing", [rule("foo.bar.com", *[(p, k, _svc(p, k)) for p, k in zip(paths, kinds)])])])
    d = route(view, f"http://foo.bar.com{req}")
    if expected is None:
        assert (d.action, d.status, d.default_backend) == ("respond", 404, True), d.steps
    elif expected.startswith("301:"):
        assert (d.action, d.status, d.location_header) == ("redirect", 301, f"http://foo.bar.com{expected[4:]}")
        follow = route(view, f"http://foo.bar.com{expected[4:]}")
        assert follow.action == "proxy"
    else:
        want_kind, _, want_path = expected.rpartition(":")
        want_kind = want_kind or kinds[paths.index(want_path)]
        assert d.action == "proxy", d.steps
        assert (d.path, d.path_type) == (want_path, want_kind)
        assert d.service == f"default/{_svc(want_path, want_kind)}"


HOST_TABLE = [
    ("*.foo.com", "bar.foo.com", True, "matches based on shared suffix"),
    ("*.foo.com", "baz.bar.foo.com", False, "wildcard only covers a single DNS label"),
    ("*.foo.com", "foo.com", False, "wildcard only covers a single DNS label"),
]


@pytest.mark.parametrize(("host", "header", "match", "note"), HOST_TABLE, ids=[r[1] for r in HOST_TABLE])
def test_wildcard_host_table(host: str, header: str, match: bool, note: str) -> None:
    view = view_of([ingress_doc("ing", [rule(host, ("/", "Prefix", "web"))])])
    d = route(view, f"http://{header}/")
    if match:
        assert (d.action, d.server, d.service) == ("proxy", host, "default/web")
    else:
        assert (d.action, d.status, d.server) == ("respond", 404, "_")


def test_rule_without_host_matches_every_host() -> None:
    view = view_of([ingress_doc("ing", [rule(None, ("/app", "Prefix", "web"))])])
    for host in ("a.example.com", "10.1.2.3", "whatever"):
        assert route(view, f"http://{host}/app").service == "default/web"


def test_exact_host_beats_wildcard_and_is_case_insensitive() -> None:
    view = view_of(
        [
            ingress_doc(
                "ing", [rule("*.foo.com", ("/", "Prefix", "wild")), rule("bar.foo.com", ("/", "Prefix", "exact"))]
            )
        ]
    )
    assert route(view, "http://BAR.foo.com:8080/").service == "default/exact"
    assert route(view, "http://qux.foo.com/").service == "default/wild"


def test_longest_path_first_then_exact() -> None:
    view = view_of([ingress_doc("ing", [rule("h", ("/foo", "Exact", "exact"), ("/foo/", "Prefix", "prefix"))])])
    assert route(view, "http://h/foo").service == "default/exact"
    assert route(view, "http://h/foo/x").service == "default/prefix"


def test_implementation_specific_is_prefix() -> None:
    view = view_of([ingress_doc("ing", [rule("h", ("/aaa", "ImplementationSpecific", "web"))])])
    assert route(view, "http://h/aaa/cccc").service == "default/web"
    assert route(view, "http://h/aaacccc").status == 404
    assert route(view, "http://h/aaa/").path_type == "ImplementationSpecific"


def test_spec_default_backend_and_catch_all() -> None:
    only_backend = ingress_doc("catch", [], default_backend="fallback")
    view = view_of([only_backend])
    d = route(view, "http://anything.example/x")
    assert (d.action, d.service, d.server) == ("proxy", "default/fallback", "_")
    with_rules = ingress_doc("ing", [rule("h", ("/api", "Prefix", "api"))], default_backend="fallback")
    view = view_of([with_rules])
    assert route(view, "http://h/other").service == "default/fallback"
    assert route(view, "http://h/api").service == "default/api"


def test_pathtype_mixed_root_e2e() -> None:
    # e2e ingress/pathtype_mixed.go: Exact / and Prefix / side by side
    view = view_of([ingress_doc("m", [rule("mixed", ("/", "Exact", "exact"), ("/", "Prefix", "prefix"))])])
    assert route(view, "http://mixed/").service == "default/exact"
    assert route(view, "http://mixed/something").service == "default/prefix"


def test_pathtype_exact_e2e() -> None:
    # e2e ingress/pathtype_exact.go: Exact /exact and Prefix /exact in two Ingresses
    exact = ingress_doc("exact", [rule("exact", ("/exact", "Exact", "exact-svc"))])
    prefix = ingress_doc("prefix", [rule("exact", ("/exact", "Prefix", "prefix-svc"))])
    view = view_of([exact, prefix])
    assert route(view, "http://exact/exact").service == "default/exact-svc"
    assert route(view, "http://exact/exact/suffix").service == "default/prefix-svc"
    assert route(view, "http://exact/exac").status == 404


def test_catch_all_healthz_and_nginx_status() -> None:
    # nginx.tmpl: the catch-all server has location /healthz { return 200; } and /nginx_status (127.0.0.1 only)
    view = view_of([ingress_doc("ing", [rule("h", ("/", "Prefix", "web"))])])
    d = route(view, "http://20.81.0.3/healthz")
    assert (d.action, d.status, d.server) == ("respond", 200, "_")
    assert route(view, "http://20.81.0.3/nginx_status", remote_addr="10.240.0.4").status == 403
    assert route(view, "http://20.81.0.3/nginx_status", remote_addr="127.0.0.1").status == 200
    assert route(view, "http://h/healthz").service == "default/web"  # only on the catch-all server
    assert route(view, "http://20.81.0.3/other").status == 404
    hostless = view_of([ingress_doc("ing", [rule(None, ("/healthz/deep", "Prefix", "deep"), ("/", "Prefix", "web"))])])
    assert route(hostless, "http://x/healthz/deep/1").service == "default/deep"  # a longer prefix wins
    assert route(hostless, "http://x/healthz").status == 200


def test_no_tls_redirect_locations() -> None:
    # ConfigMap no-tls-redirect-locations (default /.well-known/acme-challenge): ACME HTTP-01 stays on http
    from aksnet.engine.ingress import ControllerConfig

    tls = [{"hosts": ["h"], "secretName": "missing"}]
    ing = ingress_doc(
        "ing", [rule("h", ("/.well-known/acme-challenge/tok", "Exact", "solver"), ("/", "Prefix", "web"))], tls=tls
    )
    view = view_of([ing])
    assert route(view, "http://h/.well-known/acme-challenge/tok").service == "default/solver"
    assert route(view, "http://h/x").status == 308
    cleared = view_of([ing], config=ControllerConfig(no_tls_redirect_locations=()))
    assert route(cleared, "http://h/.well-known/acme-challenge/tok").status == 308
