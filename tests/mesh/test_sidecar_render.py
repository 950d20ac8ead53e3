"""The sidecar stand-in's configuration without a kernel: AuthorizationPolicy folded as the twin decides
(``aksnet.engine.mesh.authz``: HTTP-only fields on TCP, ports, no JWT), Istio's string patterns as the regular
expressions NGINX gets (same answers as the twin's matcher), and a configuration full of hostile values that
real ``nginx -t`` accepts. Source: https://istio.io/latest/docs/reference/config/security/authorization-policy/."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aksnet.dataplane import mesh_pki, sidecar_authz, sidecar_conf
from aksnet.engine.mesh import match
from aksnet.model import mesh

HTTP, TCP = True, False


def _policy(action: str, *rules: mesh.Rule) -> mesh.AuthorizationPolicy:
    return mesh.AuthorizationPolicy("foo", "p", action=action, rules=rules)


GET = mesh.Rule(operations=(mesh.Operation(methods=("GET",)),))
PORTS = mesh.Rule(operations=(mesh.Operation(ports=("9000", "9001")),))
JWT = mesh.Rule(sources=(mesh.Source(request_principals=("*",)),))
CURL = mesh.Rule(sources=(mesh.Source(principals=("cluster.local/ns/foo/sa/curl",)),))
DPORT = mesh.Rule(conditions=(mesh.Condition("destination.port", values=("9002",)),))

# (policies, port, http) → (deny, allow) as constants, or "dynamic" when the connection decides
FOLD = [
    pytest.param([_policy(mesh.ALLOW)], 9000, TCP, (False, False), id="allow-nothing"),
    pytest.param([_policy(mesh.ALLOW, GET)], 9000, TCP, (False, False), id="allow-http-field-on-tcp-matches-nothing"),
    pytest.param([_policy(mesh.DENY, GET)], 9000, TCP, (True, True), id="deny-http-field-on-tcp-ignored"),
    pytest.param([_policy(mesh.ALLOW, PORTS)], 9002, TCP, (False, False), id="port-not-allowed"),
    pytest.param([_policy(mesh.ALLOW, PORTS)], 9001, TCP, (False, True), id="port-allowed"),
    pytest.param([_policy(mesh.ALLOW, JWT)], 8080, HTTP, (False, False), id="no-jwt-no-request-principal"),
    pytest.param([_policy(mesh.DENY, DPORT)], 9002, TCP, (True, True), id="when-destination-port"),
    pytest.param([_policy(mesh.CUSTOM, mesh.Rule())], 80, HTTP, (True, True), id="custom-without-provider-denies"),
    pytest.param([_policy(mesh.AUDIT, mesh.Rule())], 80, HTTP, (False, True), id="audit-only-logs"),
    pytest.param([_policy(mesh.ALLOW, CURL)], 80, HTTP, "dynamic", id="principal-decided-by-the-certificate"),
]


@pytest.mark.parametrize(("policies", "port", "http", "want"), FOLD)
def test_policies_fold_as_the_twin_decides(policies: list[mesh.AuthorizationPolicy], port: int, http: bool,
                                           want: object) -> None:
    d = sidecar_authz.decide(policies, sidecar_authz.Context(port, "10.244.0.5", http))
    if want == "dynamic":
        assert d.allow.op == "atom" and d.deny == sidecar_authz.FALSE
    else:
        assert (d.deny.op, d.allow.op) == ("const", "const")
        assert (d.deny.value, d.allow.value) == want


def test_variables_side_by_side_keep_their_names() -> None:
    assert sidecar_authz.concat(["$aksnet_p80_11", "1", "$aksnet_p80_2"]) == "${aksnet_p80_11}1${aksnet_p80_2}"


PATTERNS = [
    ("/status/*", "/status/200"), ("/status/*", "/statu"), ("*/ip", "/x/ip"), ("/a.b", "/aXb"), ("/a.b", "/a.b"),
    ("*", ""), ("*", "GET"), ('/q"$x{;}\\', '/q"$x{;}\\'), ("/(x)+", "/xx"), ("/(x)+", "/(x)+"),
]


@pytest.mark.parametrize(("pattern", "value"), PATTERNS, ids=[f"{p}|{v}" for p, v in PATTERNS])
def test_patterns_match_as_istio(pattern: str, value: str) -> None:
    rx = sidecar_authz._regex(pattern, False)
    got = bool(rx) and value != "" and re.search(rx, value) is not None
    assert got == match.string_matches(pattern, value or None)


HOSTILE = mesh.Rule(
    sources=(mesh.Source(principals=('cluster.local/ns/"x";/sa/*',), ip_blocks=("10.0.0.0/8", "not-a-cidr")),),
    operations=(mesh.Operation(paths=('/a"; return 200 x; #', "/$host{", "*\n}"), hosts=("*.Example.COM",),
                               methods=("GET", "PO$T")),),
    conditions=(mesh.Condition("request.headers[X-Evil]", values=('"}', "${x}")),))
BAD_HEADER = mesh.Rule(conditions=(mesh.Condition("request.headers[bad header]", values=("x",)),))  # never present


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="no nginx")
@pytest.mark.skipif(not Path(sidecar_conf.STREAM_MODULE).exists(), reason="no nginx stream module")
def test_hostile_policy_renders_a_configuration_nginx_accepts(tmp_path: Path) -> None:
    ca, issued = mesh_pki.ensure(tmp_path / "pki", {"cluster.local/ns/foo/sa/web"})
    own = issued["cluster.local/ns/foo/sa/web"]
    peers, hashes = mesh_pki.peer_maps(issued)
    certs = tmp_path / "certs"
    certs.mkdir()
    for name, text in {sidecar_conf.CERT: own.cert_pem, sidecar_conf.KEY: own.key_pem, sidecar_conf.CA: ca,
                       sidecar_conf.PEERS: peers, sidecar_conf.HASHES: hashes}.items():
        (certs / name).write_text(text)
    ports = []
    for i, (mode, http) in enumerate([(mesh.STRICT, HTTP), (mesh.PERMISSIVE, HTTP), (mesh.DISABLE, HTTP),
                                      (mesh.STRICT, TCP), (mesh.PERMISSIVE, TCP)]):
        port = 8000 + i
        d = sidecar_authz.decide([_policy(mesh.DENY, HOSTILE, BAD_HEADER), _policy(mesh.ALLOW, CURL)],
                                 sidecar_authz.Context(port, "10.244.0.5", http))
        ports.append(sidecar_conf.InboundPort(port, http, mode, d, "test", (15100 + 3 * i, 15101 + 3 * i,
                                                                            15102 + 3 * i)))
    view = sidecar_conf.SidecarView("foo/web", "127.0.0.1", own.principal, tuple(ports),
                                    (sidecar_conf.Outbound(15200, "10.0.0.10", 80, "test"),))
    conf = tmp_path / "nginx.conf"
    conf.write_text(sidecar_conf.render(view, prefix=str(tmp_path), user="nobody nogroup"))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    r = subprocess.run([nginx, "-t", "-q", "-e", str(tmp_path / "error.log"), "-c", str(conf), "-p", str(tmp_path)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr + conf.read_text()
    assert "map $http_x_evil " in conf.read_text() and "$http_bad" not in conf.read_text()
