"""AGC's connection to a backend (``aksnet.engine.gateway.backend_tls``): plain HTTP, TLS per BackendTLSPolicy,
and the failures when the two sides disagree."""

from __future__ import annotations

import pytest

from aksnet.engine.gateway import backend_tls
from aksnet.model import k8s
from aksnet.model.gateway import BackendTLS, GatewayBackendTLS, GatewayWorld


def _svc(port: int, name: str | None = None, app_protocol: str | None = None) -> k8s.Service:
    return k8s.Service("web", "app", ports=(k8s.ServicePort(port, name=name, app_protocol=app_protocol),))


POLICY = BackendTLS("web", "tls", ("web", "app"), (443,), "backend.com", ("web", "client"), ("web", "ca"),
                    "backend.com")


@pytest.mark.parametrize(("svc", "port", "want"), [
    (_svc(443), 443, True),
    (_svc(8443, name="https"), 8443, True),
    (_svc(8443, name="https-api"), 8443, True),
    (_svc(9000, app_protocol="HTTPS"), 9000, True),
    (_svc(8080, name="http"), 8080, False),
    (_svc(8080), 9999, False),
    (None, 443, False),
], ids=["port-443", "name-https", "name-https-prefix", "appProtocol-https", "plain", "no-such-port", "no-service"])
def test_speaks_tls(svc: k8s.Service | None, port: int, want: bool) -> None:
    assert backend_tls.speaks_tls(svc, port) is want


@pytest.mark.parametrize(("policies", "svc", "port", "status", "by_backend", "step"), [
    ((), _svc(8080), 8080, None, False, ""),
    ((), _svc(443), 443, 400, True, "plain HTTP to Service web/app port 443, which speaks TLS"),
    ((POLICY,), _svc(443), 443, None, False, "client certificate Secret web/client (mutual TLS)"),
    ((POLICY,), _svc(443, app_protocol="http", name="http"), 443, None, False, "SNI backend.com"),
    ((BackendTLS("web", "tls", ("web", "app")),), _svc(8080), 8080, 503, False, "the handshake fails"),
    ((BackendTLS("web", "tls", ("web", "app"), (8443,)),), _svc(443), 443, 400, True, "no BackendTLSPolicy"),
    ((BackendTLS("web", "tls", ("web", "other")),), _svc(443), 443, 400, True, "no BackendTLSPolicy"),
], ids=["plain-to-plain", "plain-to-tls-400", "mtls", "port-443-is-tls", "tls-to-plain-503",
        "policy-other-port", "policy-other-service"])
def test_connect(policies: tuple[BackendTLS, ...], svc: k8s.Service, port: int, status: int | None,
                 by_backend: bool, step: str) -> None:
    conn = backend_tls.connect(GatewayWorld(backend_tls=policies), svc, "web", "app", port)
    assert (conn.status, conn.by_backend) == (status, by_backend)
    assert step in conn.step


def _std(name: str = "std", targets: tuple[tuple[str, str], ...] = (("app", ""),), problem: str = "",
         created: str = "2026-01-01T00:00:00Z", refs: tuple[tuple[str, str], ...] = (("ConfigMap", "ca"),),
         well_known: str = "") -> GatewayBackendTLS:
    return GatewayBackendTLS("web", name, targets, "app.example.com", refs, well_known, (), problem, created)


@pytest.mark.parametrize(("policies", "svc", "port", "agc", "status", "step"), [
    ((_std(),), _svc(443), 443, False, None, "per BackendTLSPolicy web/std (gateway.networking.k8s.io; SNI "
                                             "app.example.com; backend certificate verified against ConfigMap web/ca"),
    ((_std(refs=(), well_known="System"),), _svc(443), 443, False, None, "against the System well-known CAs"),
    ((_std(targets=(("app", "https"),)),), _svc(443, name="https"), 443, False, None, "per BackendTLSPolicy web/std"),
    ((_std(targets=(("app", "metrics"),)),), _svc(443, name="https"), 443, False, None, ""),
    ((_std(targets=(("other", ""),)),), _svc(443), 443, False, None, ""),
    ((_std(problem="InvalidCACertificateRef: ConfigMap web/ca does not exist"),), _svc(443), 443, False, 503,
     "ConfigMap web/ca does not exist, the connection fails"),
    ((_std(),), _svc(8080), 8080, False, 503, "the backend does not speak TLS"),
    ((_std("young", created="2026-02-01T00:00:00Z"), _std("old", created="2026-01-01T00:00:00Z")), _svc(443), 443,
     False, None, "BackendTLSPolicy web/old"),
    ((_std("b"), _std("a")), _svc(443), 443, False, None, "BackendTLSPolicy web/a"),
    ((_std(),), _svc(443), 443, True, None, "gateway.networking.k8s.io"),
], ids=["configmap-ca", "well-known", "section-name-matches-port-name", "section-name-other-port",
        "other-service", "unresolved-ca-5xx", "tls-to-plain-503", "oldest-wins", "then-by-name",
        "agc-honours-it-without-its-own"])
def test_connect_gateway_api_policy(policies: tuple[GatewayBackendTLS, ...], svc: k8s.Service, port: int, agc: bool,
                                    status: int | None, step: str) -> None:
    conn = backend_tls.connect(GatewayWorld(gateway_backend_tls=policies), svc, "web", "app", port, agc)
    assert conn.status == status
    assert step in conn.step if step else conn.step == ""


def test_agc_policy_wins_over_gateway_api_policy() -> None:
    world = GatewayWorld(backend_tls=(POLICY,), gateway_backend_tls=(_std(),))
    assert "BackendTLSPolicy web/tls" in backend_tls.connect(world, _svc(443), "web", "app", 443).step


@pytest.mark.parametrize(("refs", "problem"), [
    ([{"kind": "ConfigMap", "name": "ca", "group": ""}], ""),
    ([{"kind": "ConfigMap", "name": "nokey", "group": ""}], "InvalidCACertificateRef: ConfigMap web/nokey has no key"),
    ([{"kind": "ConfigMap", "name": "missing", "group": ""}], "InvalidCACertificateRef: ConfigMap web/missing does "
                                                              "not exist"),
    ([{"kind": "Secret", "name": "ca", "group": ""}], ""),
    ([{"kind": "Service", "name": "ca", "group": ""}], "InvalidKind: caCertificateRef kind Service"),
], ids=["configmap", "configmap-without-ca-crt", "missing", "secret-ours", "unsupported-kind"])
def test_decode_gateway_api_policy(refs: list[dict[str, str]], problem: str) -> None:
    from aksnet.io import gateway_model

    maps = {("web", "ca"): {"data": {"ca.crt": "PEM"}}, ("web", "nokey"): {"data": {"other": "x"}}}
    secrets = {("web", "ca"): {"data": {"ca.crt": "UEVN"}}}
    doc = {"metadata": {"name": "p", "namespace": "web"},
           "spec": {"targetRefs": [{"group": "", "kind": "Service", "name": "app", "sectionName": "https"}],
                    "validation": {"hostname": "app.example.com", "caCertificateRefs": refs}}}
    p = gateway_model.standard_backend_tls(doc, maps, secrets)
    assert (p.targets, p.hostname, p.ca_problem.split(" (")[0][:len(problem)]) == (
        (("app", "https"),), "app.example.com", problem)
