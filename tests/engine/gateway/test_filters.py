"""HTTPRoute filters and weighted backends (gateway-api v1.2.1 apis/v1/httproute_types.go; conformance
httproute-rewrite-path, httproute-redirect-*, httproute-request-header-modifier, httproute-weight)."""

from __future__ import annotations

from collections import Counter

import pytest

from aksnet.engine.gateway.filters import choose_backend, modify_headers, replace_path, run
from aksnet.model.gateway import BackendRef, Filter, HeaderChange, ObjectRef, PathModifier, RouteMatch

PREFIX = RouteMatch("PathPrefix", "/prefix/one")


@pytest.mark.parametrize(("kind", "value", "path", "expected"), [
    ("ReplacePrefixMatch", "/one", "/prefix/one/two", "/one/two"),
    ("ReplacePrefixMatch", "/", "/prefix/one/two", "/two"),
    ("ReplacePrefixMatch", "/", "/prefix/one", "/"),
    ("ReplacePrefixMatch", "/one/", "/prefix/one/two", "/one/two"),
    ("ReplacePrefixMatch", "/three", "/prefix/one", "/three"),
    ("ReplaceFullPath", "/one", "/prefix/one/two", "/one"),
], ids=["prefix", "prefix-to-root", "prefix-exact-to-root", "prefix-trailing-slash", "prefix-whole", "full"])
def test_replace_path(kind: str, value: str, path: str, expected: str) -> None:
    assert replace_path(path, PREFIX, kind, value) == expected


@pytest.mark.parametrize(("change", "expected"), [
    (HeaderChange(set=(("X-Header-Set", "set-overwrites-values"),)), {"x-header-set": "set-overwrites-values",
                                                                      "x-header-add": "add-appends-values"}),
    (HeaderChange(add=(("X-Header-Add", "x"),)), {"x-header-set": "some-other-value",
                                                  "x-header-add": "add-appends-values,x"}),
    (HeaderChange(remove=("x-header-set",)), {"x-header-add": "add-appends-values"}),
], ids=["set", "add-appends", "remove"])
def test_header_modifier(change: HeaderChange, expected: dict[str, str]) -> None:
    headers = (("X-Header-Set", "some-other-value"), ("X-Header-Add", "add-appends-values"))
    assert {k.lower(): v for k, v in modify_headers(headers, change)} == expected


@pytest.mark.parametrize(("flt", "location"), [
    (Filter("RequestRedirect", scheme="https"), "https://app.example.com/prefix/one/x?a=b"),
    (Filter("RequestRedirect", hostname="other.example.com"), "http://other.example.com/prefix/one/x?a=b"),
    (Filter("RequestRedirect", port=8443), "http://app.example.com:8443/prefix/one/x?a=b"),
    (Filter("RequestRedirect", path=PathModifier("ReplacePrefixMatch", "/new")), "http://app.example.com/new/x?a=b"),
    (Filter("RequestRedirect", path=PathModifier("ReplaceFullPath", "/full")), "http://app.example.com/full?a=b"),
], ids=["scheme", "hostname", "port", "prefix", "full-path"])
def test_redirect(flt: Filter, location: str) -> None:
    out = run((flt,), (), PREFIX, "http", "app.example.com", 80, "/prefix/one/x", "a=b", ())
    assert (out.status, out.location) == (flt.status_code, location)


def test_rewrite_then_forward() -> None:
    rewrite = Filter("URLRewrite", hostname="backend.internal", path=PathModifier("ReplacePrefixMatch", "/"))
    headers = Filter("RequestHeaderModifier", headers=HeaderChange(set=(("X-A", "1"),)))
    mirror = Filter("RequestMirror", backend=ObjectRef("", "Service", "shadow"))
    web = BackendRef(ObjectRef("", "Service", "web", port=80))
    out = run((rewrite, headers, mirror), (web,), PREFIX, "http", "app.example.com", 80, "/prefix/one/x", "", ())
    assert out.status is None and out.backend == web
    assert (out.host, out.path, out.headers) == ("backend.internal", "/x", (("X-A", "1"),))
    assert out.mirrors == (ObjectRef("", "Service", "shadow"),)
    assert out.applied == ("URLRewrite", "RequestHeaderModifier", "RequestMirror")


def test_weights_split_traffic_in_proportion() -> None:
    v1 = BackendRef(ObjectRef("", "Service", "v1"), weight=70)
    v2 = BackendRef(ObjectRef("", "Service", "v2"), weight=30)
    counts = Counter(b.ref.name for i in range(2000) if (b := choose_backend((v1, v2), f"req-{i}")) is not None)
    assert 0.65 < counts["v1"] / 2000 < 0.75 and counts["v1"] + counts["v2"] == 2000
    assert choose_backend((v1, v2), "same") == choose_backend((v1, v2), "same")


@pytest.mark.parametrize("weights", [(0, 0), ()], ids=["all-zero", "no-backends"])
def test_no_backend_is_500(weights: tuple[int, ...]) -> None:
    backends = tuple(BackendRef(ObjectRef("", "Service", f"s{i}"), weight=w) for i, w in enumerate(weights))
    assert run((), backends, PREFIX, "http", "h", 80, "/", "", ()).status == 500
