"""Annotation parsing as ingress-nginx's parsers do it, and the exposure listing for matrix/explain."""

from __future__ import annotations

import pytest

from aksnet.engine.ingress import SUPPORTED_ANNOTATIONS, ControllerConfig, list_exposures
from aksnet.engine.ingress.annotations import parse_annotations, parse_go_bool
from tests.ingress.helpers import ingress_doc, route, rule, view_of

P = "nginx.ingress.kubernetes.io/"

GO_BOOLS = [
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("1", True),
    ("t", True),
    ("T", True),
    ("false", False),
    ("False", False),
    ("0", False),
    ("f", False),
    ("yes", None),
    ("on", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "value"), GO_BOOLS, ids=[t or "empty" for t, _ in GO_BOOLS])
def test_go_parse_bool(text: str, value: bool | None) -> None:
    assert parse_go_bool(text) is value


REDIRECT_CODES = [
    ("permanent-redirect", None, 301),
    ("permanent-redirect", "308", 308),
    ("permanent-redirect", "300", 300),
    ("permanent-redirect", "309", 301),
    ("permanent-redirect", "abc", 301),
    ("temporal-redirect", None, 302),
    ("temporal-redirect", "307", 307),
    ("temporal-redirect", "308", 302),
]


@pytest.mark.parametrize(("ann", "code", "want"), REDIRECT_CODES, ids=[f"{a}-{c}" for a, c, _ in REDIRECT_CODES])
def test_redirect_codes(ann: str, code: str | None, want: int) -> None:
    anns = {P + ann: "https://example.com"}
    if code is not None:
        anns[P + ann + "-code"] = code
    parsed = parse_annotations(anns, ControllerConfig())
    assert (parsed.redirect_url, parsed.redirect_code) == ("https://example.com", want)


def test_unsupported_and_invalid_annotations_are_reported() -> None:
    parsed = parse_annotations(
        {P + "affinity": "cookie", P + "ssl-redirect": "sure", "other/x": "1"}, ControllerConfig()
    )
    assert parsed.ssl_redirect is True
    assert any("affinity is not emulated" in w for w in parsed.warnings)
    assert any("'sure' is not a boolean" in w for w in parsed.warnings)
    assert "rewrite-target" in SUPPORTED_ANNOTATIONS and "canary-weight-total" in SUPPORTED_ANNOTATIONS


def test_configmap_allowlist_is_the_default_and_annotation_overrides_it() -> None:
    cfg = ControllerConfig(allowlist_source_range=("10.0.0.0/8",))
    open_ing = ingress_doc("a", [rule("a", ("/", "Prefix", "s1"))])
    wide = ingress_doc("b", [rule("b", ("/", "Prefix", "s2"))], annotations={P + "whitelist-source-range": "0.0.0.0/0"})
    view = view_of([open_ing, wide], config=cfg)
    assert route(view, "http://a/", remote_addr="203.0.113.1").status == 403
    assert route(view, "http://a/", remote_addr="10.1.2.3").action == "proxy"
    assert route(view, "http://b/", remote_addr="203.0.113.1").action == "proxy"


def test_annotations_stay_on_their_ingress() -> None:
    locked = ingress_doc(
        "locked", [rule("h", ("/admin", "Prefix", "admin"))], annotations={P + "whitelist-source-range": "10.0.0.0/8"}
    )
    public = ingress_doc("public", [rule("h", ("/", "Prefix", "web"))])
    view = view_of([locked, public])
    assert route(view, "http://h/admin", remote_addr="203.0.113.1").status == 403
    assert route(view, "http://h/", remote_addr="203.0.113.1").action == "proxy"


def test_list_exposures() -> None:
    a = ingress_doc(
        "a",
        [rule("myapp.example.com", ("/api", "Prefix", "api"), ("/", "Prefix", "web"))],
        tls=[{"hosts": ["myapp.example.com"], "secretName": "missing"}],
    )
    b = ingress_doc("b", [rule(None, ("/health", "Exact", "health"))])
    canary = ingress_doc(
        "c",
        [rule("myapp.example.com", ("/api", "Prefix", "api-v2"))],
        annotations={P + "canary": "true", P + "canary-weight": "10"},
    )
    view = view_of([a, b, canary])
    rows = [(e.host, e.path, e.path_type, e.service, e.tls, e.ssl_redirect, e.canary) for e in list_exposures(view)]
    assert rows == [
        ("*", "/health", "Exact", "default/health", False, False, False),
        ("myapp.example.com", "/", "Prefix", "default/web", True, True, False),
        ("myapp.example.com", "/api", "Prefix", "default/api", True, True, False),
        ("myapp.example.com", "/api", "Prefix", "default/api-v2", True, True, True),
    ]


def test_service_upstream_proxies_to_the_cluster_ip() -> None:
    ing = ingress_doc("a", [rule("h", ("/", "Prefix", "web"))], annotations={P + "service-upstream": "true"})
    view = view_of([ing])
    d = route(view, "http://h/")
    svc = view.services["default/web"]
    assert [e.address for e in d.endpoints] == [f"{svc.cluster_ip}:80"]
    assert d.endpoints[0].pod is None


def test_body_size_is_checked_before_redirects() -> None:
    ing = ingress_doc("a", [rule("h", ("/", "Prefix", "web"))], annotations={P + "force-ssl-redirect": "true"})
    view = view_of([ing])
    assert route(view, "http://h/", method="POST", headers={"Content-Length": "2000000"}).status == 413
    assert route(view, "http://h/", method="POST", headers={"Content-Length": "2000"}).status == 308
