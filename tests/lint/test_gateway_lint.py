"""aksnet lint on Gateway API routes: not Accepted (with the reason), a cross-namespace backend without a
ReferenceGrant, a backend that does not exist (gateway-api v1.2.1 shared_types.go)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.rules import gateway_api
from tests.conftest import run_cli
from tests.kube.helpers import kubectl, setup_cluster
from tests.kube.test_gateway_status import OBJECTS

CROSS = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: cross, namespace: infra}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: web, namespace: default, port: 80}]}]
"""


@pytest.mark.parametrize(("host", "svc", "route", "code", "text"), [
    ("app.example.net", "web", "default/web", "AKSNET044", "NoMatchingListenerHostname"),
    ("app.example.com", "web", "infra/cross", "AKSNET045", "ReferenceGrant"),
    ("app.example.com", "missing", "default/web", "AKSNET046", "BackendNotFound"),
], ids=["not-accepted", "missing-reference-grant", "backend-not-found"])
def test_gateway_route_findings(home: Path, tmp_path: Path, host: str, svc: str, route: str, code: str,
                                text: str) -> None:
    setup_cluster()
    assert kubectl("apply", "-f", gateway_api.release_url()).code == 0
    f = tmp_path / "o.yaml"
    f.write_text(OBJECTS % {"cls": "istio", "ctrl": gateway_api.ISTIO_CONTROLLER, "host": host, "svc": svc} + CROSS)
    assert kubectl("apply", "-f", str(f)).code == 0
    out = run_cli("lint").out
    lines = [line for line in out.splitlines() if f"httproute {route}" in line]
    assert any(code in line and text in line for line in lines), out
