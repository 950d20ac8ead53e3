"""What a Gateway API manifest can put into a Gateway's nginx.conf: the CRD patterns the renderer checks, the
escaping of values that pass, and real NGINX accepting a configuration rendered from hostile routes (``nginx -t``
in a throwaway network namespace holding the Gateway pod's address) with every hostile value inside a quoted
token, never as a directive."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from aksnet.dataplane import gateway_values
from aksnet.dataplane.nginx_text import header_var, regex_literal
from tests.conftest import run_cli
from tests.dataplane.realnet import requires_dataplane
from tests.gateway.test_gateway_path import TLS, WORLD


@pytest.mark.parametrize(("check", "value", "bad"), [
    (gateway_values.hostname_problem, "app.example.com", False),
    (gateway_values.hostname_problem, "*.example.com", False),
    (gateway_values.hostname_problem, "app.example.com; }", True),
    (gateway_values.hostname_problem, "App.Example.com", True),
    (lambda v: gateway_values.path_problem("PathPrefix", v), "/v2", False),
    (lambda v: gateway_values.path_problem("PathPrefix", v), "/a//b", True),
    (lambda v: gateway_values.path_problem("Exact", v), "/a/../b", True),
    (lambda v: gateway_values.path_problem("Exact", v), "nope", True),
    (lambda v: gateway_values.path_problem("PathPrefix", v), "/a%2fb", True),
    (gateway_values.name_problem, "x-env", False),
    (gateway_values.name_problem, "x env", True),
    (gateway_values.name_problem, "x\"y", True),
    (gateway_values.value_problem, "a \"quoted\" $value; }", False),
    (gateway_values.value_problem, "line\nbreak", True),
], ids=["host", "wildcard", "host-injection", "host-upper", "prefix", "double-slash", "dot-dot", "relative",
        "encoded-slash", "header-name", "header-space", "header-quote", "value-hostile-ok", "value-newline"])
def test_crd_patterns(check: object, value: str, bad: bool) -> None:
    assert bool(check(value)) is bad  # type: ignore[operator]


@pytest.mark.parametrize(("text", "pattern_matches"), [
    ("/v2", "/v2"), ("a.b", "a.b"), ("$host", "$host"), ("(x)|[y]*", "(x)|[y]*"), ('q"\\', 'q"\\'),
], ids=["path", "dot", "dollar", "metachars", "quote-backslash"])
def test_regex_literal_matches_only_itself(text: str, pattern_matches: str) -> None:
    rx = regex_literal(text)
    assert re.fullmatch(rx, pattern_matches) and "$" not in rx.replace("\\$", "")
    assert not re.fullmatch(rx, pattern_matches + "x")


@pytest.mark.parametrize(("name", "var"), [("X-Env", "$http_x_env"), ("x_env", None), ("a.b", None)],
                         ids=["dash", "underscore", "dot"])
def test_header_variables(name: str, var: str | None) -> None:
    assert header_var(name) == var


HOSTILE = {
    "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "hostile"},
    "spec": {
        "parentRefs": [{"name": "gw", "namespace": "infra"}],
        "hostnames": ["hostile.example.com", "bad.example.com; }"],
        "rules": [
            {"matches": [{"path": {"type": "Exact", "value": '/a"b;c$d'},
                          "headers": [{"name": "x-test", "value": 'v"; return 200 pwned; #'}],
                          "queryParams": [{"name": "q$", "value": '1\\'}]}],
             "filters": [
                 {"type": "RequestHeaderModifier", "requestHeaderModifier": {
                     "set": [{"name": "x-set", "value": '$host "}; deny all; #'}],
                     "add": [{"name": "x-add", "value": "a$b"}]}},
                 {"type": "ResponseHeaderModifier", "responseHeaderModifier": {"set": [{"name": "x-resp",
                                                                                        "value": "}{"}]}},
                 {"type": "URLRewrite", "urlRewrite": {"hostname": "h.example.com", "path": {
                     "type": "ReplaceFullPath", "replaceFullPath": '/x$y"z'}}}],
             "backendRefs": [{"name": "web-v1", "port": 80}]},
            {"matches": [{"path": {"type": "RegularExpression", "value": '/re("|$)'}}],
             "backendRefs": [{"name": "web-v2", "port": 80}]},
            {"matches": [{"path": {"type": "PathPrefix", "value": "/bad//path"}}],
             "filters": [{"type": "RequestRedirect", "requestRedirect": {
                 "hostname": "r.example.com", "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/$1"}}}]},
        ]}}


@requires_dataplane
def test_hostile_route_renders_a_configuration_nginx_accepts(home: Path, tmp_path: Path) -> None:
    from aksnet.dataplane import session
    from aksnet.dataplane.plan import NGINX_PLACEHOLDER, build_plan

    for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                 ["az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--network-plugin", "azure",
                  "--network-plugin-mode", "overlay", "--enable-gateway-api"],
                 ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"],
                 ["kubectl", "apply", "-f", str(WORLD)],
                 ["kubectl", "create", "secret", "tls", "app-tls", "-n", "infra", "--cert", str(TLS / "tls.crt"),
                  "--key", str(TLS / "tls.key")]):
        assert run_cli(*argv).code == 0, argv
    (tmp_path / "hostile.yaml").write_text(yaml.safe_dump(HOSTILE))
    r = run_cli("kubectl", "apply", "-f", str(tmp_path / "hostile.yaml"))
    assert r.code == 0, r.err
    twin, cid = session.load(home)
    plan = build_plan(twin, "t0", cid)
    spec = next(s for s in plan.nginx if "gw-istio" in s.key)
    assert any("/bad//path" in n for n in plan.notes), plan.notes
    prefix = tmp_path / "nginx"
    (prefix / "nginx" / spec.netns / "certs").mkdir(parents=True)
    for path, text in spec.files:
        Path(path.replace(NGINX_PLACEHOLDER, str(prefix))).write_text(text)
    conf = spec.conf.replace(NGINX_PLACEHOLDER, str(prefix)).replace("user nobody nogroup;", "")
    conf_path = prefix / "nginx.conf"
    conf_path.write_text(conf)
    assert "bad.example.com" not in conf  # no listener hostname intersects it: never attached
    # every hostile value sits inside a quoted token: no line starts a directive the manifest wrote
    for line in conf.splitlines():
        assert not re.match(r"\s*(deny all|return 200 pwned)", line), line
    addr = re.search(r"listen ([0-9.]+):80", conf)
    assert addr is not None
    script = (f"ip link set lo up && ip addr add {addr.group(1)}/32 dev lo && "
              f"/usr/sbin/nginx -t -q -p {prefix} -e {prefix}/error.log -c {conf_path}")
    check = subprocess.run(["unshare", "-n", "sh", "-c", script], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
