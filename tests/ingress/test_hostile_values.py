"""Hostile values: one row per annotation, path form and ConfigMap key that reaches nginx.conf.

Each value tries to leave its nginx string (quotes, ``;``, ``{``, newlines, ``alias``/``return`` directives,
nginx variables). Through ``kubectl apply`` on a cluster with the ingress-nginx chart it is either denied by
the admission webhook with ingress-nginx's message (nothing of that Ingress stored, the rest of the file
applied) or admitted; either way the controller's nginx.conf has exactly the directive structure it has
without the hostile value (the value was dropped, or stayed inside its quoted string), and Debian's
``nginx -t`` accepts it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aksnet.dataplane.nginx_conf import certificate_files, render_nginx_conf
from aksnet.engine.ingress import ControllerView
from tests.conftest import aksnet_home, run_cli
from tests.ingress.helpers import ingress_doc, rule, view_of
from tests.ingress.nginx_tokens import directive_tree

P = "nginx.ingress.kubernetes.io/"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
ESCAPE = '"; return 200 "pwned'
INJECT = ";\n    location /pwn { alias /etc/; }\n#"


@dataclass(frozen=True)
class Row:
    """``key``: an annotation (without prefix), ``path:<pathType>`` or ``cm:<ConfigMap key>``.
    ``benign``: the value with the same effect on the configuration's structure (None: as if absent).
    ``denied``: the webhook's message; ``skipped``: the controller does not load the Ingress at all."""

    id: str
    key: str
    value: str
    benign: str | None = None
    denied: str | None = None
    skipped: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    canary: bool = False


def _invalid(name: str) -> str:
    return f"annotation {P}{name} contains invalid value"


ROWS = [
    # Aliases (High): ValidateArrayOfServerName → the webhook denies, the store skips the Ingress
    Row("server-alias-escape", "server-alias", "evil.com; location /pwn { return 200 pwned; }",
        denied=_invalid("server-alias"), skipped=True),
    Row("server-alias-regex-name", "server-alias", r"~^www\d+\.example\.com$", benign=None),
    Row("server-alias-parens", "server-alias", "a(b).example.com", benign="ab.example.com"),
    # UpstreamVhost: ValidateServerName (no quotes, no ';'), '$' allowed and kept literal
    Row("upstream-vhost-escape", "upstream-vhost", "a.com" + ESCAPE, denied=_invalid("upstream-vhost"), skipped=True),
    Row("upstream-vhost-newline", "upstream-vhost", "a.com\nreturn", denied=_invalid("upstream-vhost"), skipped=True),
    Row("upstream-vhost-variable", "upstream-vhost", "$host.internal", benign="host.internal"),
    # XForwardedPrefix: RegexPathWithCapture
    Row("x-forwarded-prefix-escape", "x-forwarded-prefix", "/p" + ESCAPE, denied=_invalid("x-forwarded-prefix"),
        skipped=True, extra={"rewrite-target": "/"}),
    Row("x-forwarded-prefix-variable", "x-forwarded-prefix", "/pre$fix", benign="/prefix",
        extra={"rewrite-target": "/"}),
    # Rewrite group: an invalid value is logged and dropped (the Ingress is still admitted)
    Row("rewrite-target-escape", "rewrite-target", "/x; return 200 pwned;", benign=None),
    Row("rewrite-target-inject", "rewrite-target", "/x" + INJECT, benign=None),
    Row("rewrite-target-variable", "rewrite-target", "/$1/$host", benign="/$1/x", extra={"use-regex": "true"}),
    # nginx's captures are $1…$9: "$0" would be an unknown variable (nginx -t fails), so it stays literal
    Row("rewrite-target-dollar-zero", "rewrite-target", "/$0", benign="/x", extra={"use-regex": "true"}),
    Row("app-root-inject", "app-root", "/x" + INJECT, benign=None),
    Row("app-root-variable", "app-root", "/start$uri", benign="/start"),
    Row("use-regex-garbage", "use-regex", "true; return 200", benign=None),
    # Canary group: an invalid value is logged and dropped
    Row("canary-by-header-escape", "canary-by-header", "X-Canary" + ESCAPE, benign=None, canary=True),
    Row("canary-by-header-dots", "canary-by-header", "x.canary", benign=None, canary=True),
    Row("canary-by-header-value-escape", "canary-by-header-value", "a" + ESCAPE, benign=None, canary=True,
        extra={"canary-by-header": "X-Canary"}),
    Row("canary-by-header-pattern-escape", "canary-by-header-pattern", "^a" + ESCAPE, benign=None, canary=True,
        extra={"canary-by-header": "X-Canary"}),
    Row("canary-by-header-pattern-regex", "canary-by-header-pattern", r"^(a|b)\d+$", benign="^a$", canary=True,
        extra={"canary-by-header": "X-Canary"}),
    Row("canary-by-cookie-escape", "canary-by-cookie", "c; return 200 x", benign=None, canary=True),
    Row("canary-by-cookie-dashes", "canary-by-cookie", "my-canary.v2", benign="canary", canary=True),
    Row("canary-weight-garbage", "canary-weight", "50; return 200", benign=None, canary=True),
    # Redirect (the parser fails: denied and skipped)
    Row("permanent-redirect-escape", "permanent-redirect", "https://x.com/" + ESCAPE,
        denied=_invalid("permanent-redirect"), skipped=True),
    Row("permanent-redirect-variable", "permanent-redirect", "https://x.com$request_uri",
        denied=_invalid("permanent-redirect"), skipped=True),
    Row("temporal-redirect-escape", "temporal-redirect", "https://x.com/\nreturn 200",
        denied=_invalid("temporal-redirect"), skipped=True),
    Row("permanent-redirect-code-garbage", "permanent-redirect-code", "301; return 200",
        denied=_invalid("permanent-redirect-code"), skipped=True, extra={"permanent-redirect": "https://x.com/"}),
    Row("default-backend-escape", "default-backend", "svc; return 200", denied=_invalid("default-backend"),
        skipped=True),
    # Proxy, BackendProtocol: dropped; Allowlist/Denylist: the location answers 503
    Row("proxy-body-size-escape", "proxy-body-size", "1m; alias /etc/", benign=None),
    Row("backend-protocol-escape", "backend-protocol", "HTTP; return 200 x", benign=None),
    Row("allowlist-escape", "allowlist-source-range", "10.0.0.0/8; allow all", benign="not-an-address"),
    Row("whitelist-escape", "whitelist-source-range", "10.0.0.0/8\n allow all", benign="not-an-address"),
    Row("denylist-escape", "denylist-source-range", "10.0.0.0/8; allow all", benign="not-an-address"),
    # snippets: the webhook refuses them (allow-snippet-annotations false); their risk (Critical, above the
    # default annotations-risk-level High) makes the store skip the Ingress
    Row("configuration-snippet", "configuration-snippet", "return 200 pwned;", skipped=True,
        denied=f"{P}configuration-snippet annotation cannot be used. Snippet directives are disabled by the Ingress "
               "administrator"),
    # paths: strict-validate-path-type (webhook only), the deep inspector (webhook and store)
    Row("path-prefix-newline", "path:Prefix", "/a\n    location /pwn { return 200 pwned; }", benign="/a",
        denied="ingress contains invalid paths: path /a\n    location /pwn { return 200 pwned; } cannot be used "
               "with pathType Prefix"),
    Row("path-exact-quote", "path:Exact", '/a"; return 200 "x', benign="/a",
        denied="ingress contains invalid paths: path /a\"; return 200 \"x cannot be used with pathType Exact"),
    Row("path-implementation-specific-quote", "path:ImplementationSpecific", '/a" { return 200 "x', benign="/a"),
    Row("path-implementation-specific-regex", "path:ImplementationSpecific", "/a\n}", benign="/a",
        extra={"use-regex": "true"}),
    Row("path-alias-directive", "path:ImplementationSpecific", "/x { alias /etc/; }",
        denied="invalid object: invalid rule in ingress default/hostile: invalid http path: invalid value found: "
               "/x { alias /etc/; }", skipped=True),
    # ConfigMap keys (helm --set controller.config.*, the add-on's ConfigMap): no webhook; invalid → default
    Row("cm-forwarded-for-header", "cm:forwarded-for-header", "X-Forwarded-For" + INJECT, benign=None,
        extra={"cm:use-forwarded-headers": "true"}),
    Row("cm-forwarded-for-header-escape", "cm:forwarded-for-header", "X-Real-IP" + ESCAPE, benign=None,
        extra={"cm:enable-real-ip": "true"}),
    Row("cm-proxy-body-size", "cm:proxy-body-size", "1m; alias /etc/", benign=None),
    Row("cm-http-redirect-code", "cm:http-redirect-code", "308; return 200", benign=None),
    Row("cm-hsts-max-age", "cm:hsts-max-age", "1; return 200", benign=None),
    Row("cm-proxy-real-ip-cidr", "cm:proxy-real-ip-cidr", "0.0.0.0/0; allow all", benign=None,
        extra={"cm:use-forwarded-headers": "true"}),
    Row("cm-whitelist-source-range", "cm:whitelist-source-range", "10.0.0.0/8; allow all", benign=None),
    Row("cm-denylist-source-range", "cm:denylist-source-range", "10.0.0.0/8" + INJECT, benign=None),
    Row("cm-no-tls-redirect-locations", "cm:no-tls-redirect-locations", "/x" + INJECT, benign=None),
]


def _docs(row: Row, value: str | None) -> list[dict[str, Any]]:
    """The manifests for ``row`` with ``value`` in its place (None: left out)."""
    anns = {P + k: v for k, v in row.extra.items() if not k.startswith("cm:")}
    cm = {k[3:]: v for k, v in row.extra.items() if k.startswith("cm:")}
    path, ptype = "/app", "Prefix"
    if row.key.startswith("cm:"):
        if value is not None:
            cm[row.key[3:]] = value
    elif row.key.startswith("path:"):
        ptype = row.key[5:]
        path = value if value is not None else "/a"
    elif value is not None:
        anns[P + row.key] = value
    docs: list[dict[str, Any]] = []
    if row.canary:
        docs.append(ingress_doc("primary", [rule("h.example.com", ("/app", "Prefix", "web"))]))
        anns[P + "canary"] = "true"
        docs.append(ingress_doc("hostile", [rule("h.example.com", ("/app", "Prefix", "web-canary"))],
                                annotations=anns))
    else:
        docs.append(ingress_doc("hostile", [rule("h.example.com", (path, ptype, "web"))], annotations=anns))
    if cm:
        docs.append({"apiVersion": "v1", "kind": "ConfigMap",
                     "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx"}, "data": cm})
    return docs


def _conf(view: ControllerView, tmp: Path) -> str:
    certs = tmp / "certs"
    certs.mkdir(exist_ok=True)
    for path, text in certificate_files(view, str(certs)).items():
        Path(path).write_text(text)
    return render_nginx_conf(view, prefix=str(tmp), cert_dir=str(certs), user="nobody nogroup")


def _structure(conf: str) -> list[tuple[str, ...]]:
    # the dollar-sign variable and cookie maps are declared only when some value needs them
    return [d for d in directive_tree(conf) if d not in (("http", "geo"), ("http", "map"))]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_hostile_value_is_dropped_or_stays_quoted(row: Row, tmp_path: Path) -> None:
    hostile = view_of(_docs(row, row.value))
    if row.skipped:
        assert "default/hostile" in {i.ingress for i in hostile.ignored}
        expected = view_of([d for d in _docs(row, row.benign) if d["metadata"]["name"] != "hostile"])
    else:
        assert "default/hostile" in {i.key for i in hostile.ingresses}
        expected = view_of(_docs(row, row.benign))
    conf = _conf(hostile, tmp_path)
    assert _structure(conf) == _structure(_conf(expected, tmp_path))
    assert "pwn" not in {d[-1] for d in directive_tree(conf)}
    if NGINX is not None:
        path = tmp_path / "nginx.conf"
        path.write_text(conf)
        r = subprocess.run([NGINX, "-t", "-q", "-e", str(tmp_path / "error.log"), "-c", str(path),
                            "-p", str(tmp_path)], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def chart_cluster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with an AKS cluster and the ingress-nginx chart (admission webhook enabled)."""
    home = tmp_path_factory.mktemp("hostile") / "home"
    with aksnet_home(home):
        for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                     ["az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--network-plugin",
                      "kubenet", "--generate-ssh-keys"],
                     ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"],
                     ["helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx"],
                     ["helm", "install", "ingress-nginx", "ingress-nginx/ingress-nginx", "-n", "ingress-nginx",
                      "--create-namespace"]):
            r = run_cli(*argv)
            assert r.code == 0, r.err
    return home


@pytest.fixture
def chart_home(chart_cluster: Path, tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    shutil.copytree(chart_cluster, home)
    with aksnet_home(home):
        yield home


def _apply(docs: list[dict[str, Any]], tmp: Path) -> tuple[Path, Any]:
    before = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "before"}, "data": {"a": "b"}}
    after = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "after"}, "data": {"a": "b"}}
    f = tmp / "hostile.yaml"
    f.write_text("\n---\n".join(json.dumps(d) for d in [before, *docs, after]) + "\n")
    return f, run_cli("kubectl", "apply", "-f", str(f))


INGRESS_ROWS = [r for r in ROWS if not r.key.startswith("cm:")]


@pytest.mark.parametrize("row", INGRESS_ROWS, ids=[r.id for r in INGRESS_ROWS])
def test_webhook_denies_or_admits(row: Row, chart_home: Path, tmp_path: Path) -> None:
    docs = [d for d in _docs(row, row.value) if d["kind"] == "Ingress"]
    f, r = _apply(docs, tmp_path)
    got = json.loads(run_cli("kubectl", "get", "ingress", "-o", "json").out)["items"]
    names = {d["metadata"]["name"] for d in got}
    cms = {d["metadata"]["name"] for d in json.loads(run_cli("kubectl", "get", "cm", "-o", "json").out)["items"]}
    assert {"before", "after"} <= cms  # kubectl goes on with the other objects of the file
    if row.denied is None:
        assert r.code == 0, r.err
        assert "hostile" in names
    else:
        assert r.code == 1
        assert r.err.strip() == (f'Error from server (BadRequest): error when creating "{f}": admission webhook '
                                 f'"validate.nginx.ingress.kubernetes.io" denied the request: {row.denied}')
        assert "hostile" not in names


def test_configmap_values_are_accepted_and_ignored(chart_home: Path) -> None:
    """ConfigMaps have no webhook: helm stores the value; the controller warns and keeps the default."""
    r = run_cli("helm", "upgrade", "ingress-nginx", "ingress-nginx/ingress-nginx", "-n", "ingress-nginx",
                "--set", "controller.config.use-forwarded-headers=true",
                "--set-string", "controller.config.forwarded-for-header=X-Forwarded-For;access_log /tmp/pwned")
    assert r.code == 0, r.err
    cm = json.loads(run_cli("kubectl", "get", "cm", "-n", "ingress-nginx", "ingress-nginx-controller", "-o",
                            "json").out)
    assert cm["data"]["forwarded-for-header"] == "X-Forwarded-For;access_log /tmp/pwned"


def test_risk_level_medium_denies_high_risk_annotations(chart_home: Path, tmp_path: Path) -> None:
    """annotations-risk-level Medium: server-alias (High) is refused whatever its value."""
    r = run_cli("helm", "upgrade", "ingress-nginx", "ingress-nginx/ingress-nginx", "-n", "ingress-nginx",
                "--set", "controller.config.annotations-risk-level=Medium")
    assert r.code == 0, r.err
    docs = [ingress_doc("alias", [rule("h.example.com", ("/", "Prefix", "web"))],
                        annotations={P + "server-alias": "www.example.com"})]
    _, r = _apply(docs, tmp_path)
    assert r.code == 1 and r.err.strip().endswith(
        "denied the request: annotation group Aliases contains risky annotation based on ingress configuration")


NEWLINE_NAMES = [
    ("service-name", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web\n"},
                      "spec": {"ports": [{"port": 80}]}}, 'The Service "web'),
    ("ingress-host", ingress_doc("nl", [rule("a.example.com\n", ("/", "Prefix", "web"))]),
     'The Ingress "nl" is invalid: spec.rules[0].host: Invalid value:'),
    ("backend-name", ingress_doc("nl", [rule("a.example.com", ("/", "Prefix", "web\n"))]),
     'The Ingress "nl" is invalid: spec.rules[0].http.paths[0].backend.service.name: Invalid value:'),
]


@pytest.mark.parametrize(("doc", "message"), [n[1:] for n in NEWLINE_NAMES], ids=[n[0] for n in NEWLINE_NAMES])
def test_names_with_a_trailing_newline_are_invalid(doc: dict[str, Any], message: str, chart_home: Path,
                                                    tmp_path: Path) -> None:
    """Kubernetes' name regexps are Go's, anchored at the end of the text: a trailing newline (which Python's
    ``$`` lets through) never reaches an upstream or server name."""
    f = tmp_path / "nl.yaml"
    f.write_text(json.dumps(doc) + "\n")
    r = run_cli("kubectl", "apply", "-f", str(f))
    assert r.code == 1 and r.err.startswith(message), r.err
