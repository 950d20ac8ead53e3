"""aksnet lint on Gateway API routes: not Accepted (with the reason), a cross-namespace backend without a
ReferenceGrant, a backend that does not exist (gateway-api v1.2.1 shared_types.go)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.rules import gateway_api
from tests.conftest import run_cli
from tests.kube.helpers import kubectl, setup_cluster

OBJECTS = """apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: istio}
spec: {controllerName: istio.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: istio
  listeners: [{name: http, protocol: HTTP, port: 80, hostname: "*.example.com"}]
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: other}
spec: {selector: {app: api}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  hostnames: [%(host)s]
  rules: [{backendRefs: [%(backend)s]}]
"""


@pytest.mark.parametrize(("host", "backend", "code", "text"), [
    ("app.example.net", "{name: api, namespace: other, port: 80}", "AKSNET044", "NoMatchingListenerHostname"),
    ("app.example.com", "{name: api, namespace: other, port: 80}", "AKSNET045", "ReferenceGrant"),
    ("app.example.com", "{name: missing, port: 80}", "AKSNET046", "BackendNotFound"),
], ids=["not-accepted", "missing-reference-grant", "backend-not-found"])
def test_gateway_route_findings(home: Path, tmp_path: Path, host: str, backend: str, code: str, text: str) -> None:
    setup_cluster()
    assert kubectl("apply", "-f", gateway_api.release_url()).code == 0
    f = tmp_path / "o.yaml"
    f.write_text(OBJECTS % {"host": host, "backend": backend})
    assert kubectl("apply", "-f", str(f)).code == 0
    out = run_cli("lint").out
    lines = [line for line in out.splitlines() if "httproute default/web" in line]
    assert any(code in line and text in line for line in lines), out
