"""ingress-nginx's validators (parser/validators.go), deep inspector and path-type check, value by value, and
what the controller does with an Ingress that fails them where no webhook runs (the app routing add-on)."""

from __future__ import annotations

import pytest

from aksnet.model import k8s, nginx_checks
from aksnet.model.nginx_checks import EMULATED, CheckConfig
from tests.ingress.build import cluster
from tests.ingress.helpers import ingress_doc, rule

P = nginx_checks.PREFIX

VALUES = [
    # (annotation, value, valid)
    ("server-alias", "www.example.com, *.example.org", True),
    ("server-alias", r"~^www\d+\.example\.com$", True),
    ("server-alias", "a.com;b.com", False),
    ("server-alias", "a.com b.com", False),  # a space inside one name
    ("server-alias", "a.com\n", True),  # strings.TrimSpace first: the parser trims it too
    ("server-alias", "a.com\nb.com", False),
    ("upstream-vhost", " $host.internal ", True),
    ("upstream-vhost", 'a"b', False),
    ("rewrite-target", "/$1/$2", True),
    ("rewrite-target", "$1", True),
    ("rewrite-target", "/search?q=$1", False),
    ("rewrite-target", " /x", False),
    ("rewrite-target", "/x\n", False),
    ("app-root", "/app", True),
    ("app-root", "/app{", False),
    ("x-forwarded-prefix", "/a b", True),  # spaces are removed before the check
    ("x-forwarded-prefix", "/a;b", False),
    ("permanent-redirect", "https://example.com/a?b=c&d=e", True),
    ("permanent-redirect", "https://example.com/$request_uri", False),
    ("permanent-redirect-code", "308", True),
    ("permanent-redirect-code", "3O8", False),
    ("canary-by-header", "X-Canary", True),
    ("canary-by-header", "X Canary", True),  # spaces removed
    ("canary-by-header", "X-Canary;", False),
    ("canary-by-header-pattern", r"^(a|b)\d+$", True),
    ("canary-by-header-pattern", "^a'", False),
    ("canary-weight", "+10", True),
    ("canary-weight", "10 ", False),
    ("canary", "True", True),
    ("canary", "yes", False),
    ("proxy-body-size", "8m", True),
    ("proxy-body-size", "８m", False),  # Go's \d is ASCII only
    ("default-backend", "my-svc", True),
    ("default-backend", "My_Svc", False),
    ("allowlist-source-range", "10.0.0.0/8, 192.168.1.1", True),
    ("allowlist-source-range", "10.0.0.0/8;", False),
    ("backend-protocol", " grpcs ", True),
    ("backend-protocol", "SPDY", False),
]


@pytest.mark.parametrize(("name", "value", "valid"), VALUES, ids=[f"{n}={v!r}" for n, v, _ in VALUES])
def test_validator(name: str, value: str, valid: bool) -> None:
    check = EMULATED[name].validator
    assert check is not None and check(value) is valid


def _ing(annotations: dict[str, str] | None = None, path: str = "/a", ptype: str = "Prefix",
         host: str = "h.example.com") -> k8s.Ingress:
    return k8s.Ingress("default", "i", "nginx", {P + k: v for k, v in (annotations or {}).items()},
                       rules=(k8s.IngressRule(host, (k8s.IngressPath(path, ptype, k8s.IngressBackend("s", 80)),)),))


DENIALS = [
    ("clean", _ing(), CheckConfig(), None),
    ("deep-inspect-root", _ing(path="/x { root /; }", ptype="ImplementationSpecific"), CheckConfig(),
     "invalid object: invalid rule in ingress default/i: invalid http path: invalid value found: /x { root /; }"),
    ("deep-inspect-secrets", _ing(path="/var/run/secrets/x", ptype="ImplementationSpecific"), CheckConfig(),
     "invalid object: invalid rule in ingress default/i: invalid http path: invalid value found: /var/run/secrets/x"),
    ("path-type-tilde", _ing(path="/a~b"), CheckConfig(),
     "ingress contains invalid paths: path /a~b cannot be used with pathType Prefix"),
    ("path-type-off", _ing(path="/a~b"), CheckConfig(strict_validate_path_type=False), None),
    ("implementation-specific-regex", _ing(path="/a(.*)", ptype="ImplementationSpecific"), CheckConfig(), None),
    ("word-blocklist", _ing({"rewrite-target": "/location"}), CheckConfig(annotation_value_word_blocklist="x,location"),
     f"{P}rewrite-target annotation contains invalid word location"),
    ("snippet", _ing({"server-snippet": "x"}), CheckConfig(),
     f"{P}server-snippet annotation cannot be used. Snippet directives are disabled by the Ingress administrator"),
    ("snippet-allowed-but-risky", _ing({"server-snippet": "x"}), CheckConfig(allow_snippet_annotations=True),
     "annotation group ServerSnippet contains risky annotation based on ingress configuration"),
    ("snippet-allowed-critical", _ing({"server-snippet": "x"}),
     CheckConfig(allow_snippet_annotations=True, annotations_risk_level="Critical"), None),
    ("risk-medium", _ing({"server-alias": "a.com"}), CheckConfig(annotations_risk_level="medium"),
     "annotation group Aliases contains risky annotation based on ingress configuration"),
    ("rejecting-parser", _ing({"upstream-vhost": "a b"}), CheckConfig(),
     f"annotation {P}upstream-vhost contains invalid value"),
    ("defaulting-parser", _ing({"rewrite-target": "a b"}), CheckConfig(), None),
    ("temporal-code-unread", _ing({"temporal-redirect-code": "x"}), CheckConfig(), None),
    ("temporal-code-read", _ing({"temporal-redirect": "https://a.com", "temporal-redirect-code": "x"}), CheckConfig(),
     f"annotation {P}temporal-redirect-code contains invalid value"),
    ("permanent-unread", _ing({"temporal-redirect": "https://a.com", "permanent-redirect": "x y"}), CheckConfig(),
     None),
]


@pytest.mark.parametrize(("ing", "cfg", "denied"), [d[1:] for d in DENIALS], ids=[d[0] for d in DENIALS])
def test_webhook_denial(ing: k8s.Ingress, cfg: CheckConfig, denied: str | None) -> None:
    assert nginx_checks.webhook_denial(ing, cfg) == denied


def test_app_routing_skips_what_fails_validation() -> None:
    """No webhook in the add-on: the Ingress is stored, its controller skips it (store.go syncIngress), here
    for the add-on's own annotation-value-word-blocklist and for a refused value."""
    from aksnet.engine.ingress import controller_view

    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nginx", "namespace": "app-routing-system"},
          "data": {"annotation-value-word-blocklist": "load_module,lua_package,_by_lua,location,root,proxy_pass,"
                                                      "serviceaccount,{,},'", "annotations-risk-level": "Critical",
                   "allow-snippet-annotations": "true"}}
    cls = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
           "metadata": {"name": "webapprouting.kubernetes.azure.com"},
           "spec": {"controller": "webapprouting.kubernetes.azure.com/nginx"}}
    docs = [cm, cls,
            ingress_doc("braces", [rule("a.example.com", ("/", "Prefix", "s"))], cls=cls["metadata"]["name"],
                        annotations={P + "upstream-vhost": "{a}"}),
            ingress_doc("bad-vhost", [rule("b.example.com", ("/", "Prefix", "s"))], cls=cls["metadata"]["name"],
                        annotations={P + "upstream-vhost": "a;b"}),
            ingress_doc("fine", [rule("c.example.com", ("/", "Prefix", "s"))], cls=cls["metadata"]["name"],
                        annotations={P + "upstream-vhost": "c.internal"})]
    view = controller_view(cluster(docs), "webapprouting.kubernetes.azure.com/nginx")
    assert [i.key for i in view.ingresses] == ["default/fine"]
    reasons = {i.ingress: i.reason for i in view.ignored}
    assert reasons["default/braces"].startswith(f"{P}upstream-vhost annotation contains invalid word {{")
    assert reasons["default/bad-vhost"].startswith(f"annotation {P}upstream-vhost contains invalid value")
