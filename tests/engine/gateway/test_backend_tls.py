"""AGC's connection to a backend (``aksnet.engine.gateway.backend_tls``): plain HTTP, TLS per BackendTLSPolicy,
and the failures when the two sides disagree."""

from __future__ import annotations

import pytest

from aksnet.engine.gateway import backend_tls
from aksnet.model import k8s
from aksnet.model.gateway import BackendTLS, GatewayWorld


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
