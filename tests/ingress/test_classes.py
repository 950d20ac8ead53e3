"""Which controller serves which Ingress (kubernetes.io/docs/concepts/services-networking/ingress#ingress-class;
kubernetes.github.io/ingress-nginx/user-guide/multiple-ingress; learn.microsoft.com/azure/aks/app-routing)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.engine.ingress import ControllerConfig, controller_view
from tests.ingress.build import cluster
from tests.ingress.helpers import ingress_doc, route, rule, service_doc


def klass(name: str, controller: str, default: bool = False) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name}
    if default:
        md["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
    return {"kind": "IngressClass", "metadata": md, "spec": {"controller": controller}}


NGINX = klass("nginx", "k8s.io/ingress-nginx")
APPROUTING = klass("webapprouting.kubernetes.azure.com", "webapprouting.kubernetes.azure.com/nginx")


def ing(name: str, cls: str | None = None, legacy: str | None = None) -> dict[str, Any]:
    anns = {"kubernetes.io/ingress.class": legacy} if legacy else {}
    return ingress_doc(name, [rule(f"{name}.example.com", ("/", "Prefix", "web"))], cls=cls, annotations=anns)


CASES = [
    # (classes, ingress, controller, watch-without-class, served?)
    ([NGINX], ing("a", cls="nginx"), "k8s.io/ingress-nginx", False, True),
    ([NGINX, APPROUTING], ing("a", cls="nginx"), "webapprouting.kubernetes.azure.com/nginx", False, False),
    (
        [NGINX, APPROUTING],
        ing("a", cls="webapprouting.kubernetes.azure.com"),
        "webapprouting.kubernetes.azure.com/nginx",
        False,
        True,
    ),
    ([NGINX, APPROUTING], ing("a", cls="webapprouting.kubernetes.azure.com"), "k8s.io/ingress-nginx", False, False),
    ([NGINX], ing("a", cls="missing"), "k8s.io/ingress-nginx", False, False),
    ([NGINX], ing("a"), "k8s.io/ingress-nginx", False, False),
    ([NGINX], ing("a"), "k8s.io/ingress-nginx", True, True),
    ([klass("nginx", "k8s.io/ingress-nginx", default=True)], ing("a"), "k8s.io/ingress-nginx", False, True),
    (
        [klass("nginx", "k8s.io/ingress-nginx", default=True), klass("other", "x.io/y", default=True)],
        ing("a"),
        "k8s.io/ingress-nginx",
        True,
        False,
    ),
    ([NGINX], ing("a", legacy="nginx"), "k8s.io/ingress-nginx", False, True),
    ([NGINX], ing("a", legacy="traefik"), "k8s.io/ingress-nginx", False, False),
    (
        [NGINX, APPROUTING],
        ing("a", legacy="webapprouting.kubernetes.azure.com"),
        "webapprouting.kubernetes.azure.com/nginx",
        False,
        True,
    ),
]
IDS = [
    "class-nginx",
    "class-nginx-not-approuting",
    "class-approuting",
    "approuting-not-nginx",
    "class-missing",
    "no-class-ignored",
    "no-class-watched",
    "default-class",
    "two-default-classes",
    "legacy-annotation",
    "legacy-other-class",
    "legacy-approuting",
]


@pytest.mark.parametrize(("classes", "ingress", "controller", "watch", "served"), CASES, ids=IDS)
def test_class_selection(
    classes: list[dict[str, Any]], ingress: dict[str, Any], controller: str, watch: bool, served: bool
) -> None:
    c = cluster([*classes, ingress, service_doc("web")], {"default/web": ["10.244.0.9 web-1"]})
    base = controller_view(c, controller).config
    cfg = ControllerConfig(
        **{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "watch_ingress_without_class": watch}
    )
    view = controller_view(c, controller, cfg)
    assert (len(view.ingresses) == 1) is served, view.ignored
    d = route(view, "http://a.example.com/")
    assert (d.action == "proxy") is served
    if not served:
        assert view.ignored[0].ingress == "default/a" and view.ignored[0].reason


def test_two_controllers_side_by_side() -> None:
    docs = [
        NGINX,
        APPROUTING,
        ing("a", cls="nginx"),
        ing("b", cls="webapprouting.kubernetes.azure.com"),
        service_doc("web"),
    ]
    c = cluster(docs, {"default/web": ["10.244.0.9 web-1"]})
    helm = controller_view(c, "nginx")
    addon = controller_view(c, "webapprouting.kubernetes.azure.com")
    assert [i.key for i in helm.ingresses] == ["default/a"]
    assert [i.key for i in addon.ingresses] == ["default/b"]
    assert addon.config.controller_class == "webapprouting.kubernetes.azure.com/nginx"
    assert route(helm, "http://b.example.com/").status == 404
    assert route(addon, "http://b.example.com/").service == "default/web"


def test_configmap_settings_are_read() -> None:
    cm = {
        "kind": "ConfigMap",
        "metadata": {"name": "nginx-ingress-ingress-nginx-controller", "namespace": "ingress-basic"},
        "data": {"use-forwarded-headers": "true", "http-redirect-code": "301", "ssl-redirect": "maybe"},
    }
    c = cluster([NGINX, cm])
    cfg = controller_view(c, "k8s.io/ingress-nginx").config
    assert cfg.use_forwarded_headers and cfg.http_redirect_code == 301 and cfg.ssl_redirect
    assert cfg.config_map == "ingress-basic/nginx-ingress-ingress-nginx-controller"
    assert any("ssl-redirect='maybe' is not a boolean" in w for w in cfg.warnings)


def test_oldest_ingress_wins_conflicting_path() -> None:
    young = ingress_doc("young", [rule("h", ("/api", "Prefix", "young-svc"))], created="2026-01-02T00:00:00Z")
    old = ingress_doc("old", [rule("h", ("/api", "Prefix", "old-svc"))], created="2026-01-01T00:00:00Z")
    from tests.ingress.helpers import view_of

    view = view_of([young, old])
    d = route(view, "http://h/api")
    assert (d.ingress, d.service) == ("default/old", "default/old-svc")
    assert any("already configured" in w and "default/young" in w for w in view.warnings)
    # same path with another pathType is allowed next to it
    exact = ingress_doc("exact", [rule("h", ("/api", "Exact", "exact-svc"))], created="2026-01-03T00:00:00Z")
    view = view_of([young, old, exact])
    assert route(view, "http://h/api").service == "default/exact-svc"
    assert route(view, "http://h/api/x").service == "default/old-svc"


def test_equal_timestamps_reverse_lexical_name_wins() -> None:
    a = ingress_doc("a", [rule("h", ("/", "Prefix", "svc-a"))], created="2026-01-01T00:00:00Z")
    b = ingress_doc("b", [rule("h", ("/", "Prefix", "svc-b"))], created="2026-01-01T00:00:00Z")
    from tests.ingress.helpers import view_of

    assert route(view_of([a, b]), "http://h/").service == "default/svc-b"
