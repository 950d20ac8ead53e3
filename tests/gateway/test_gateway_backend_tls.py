"""Gateway API's own BackendTLSPolicy (gateway.networking.k8s.io/v1, standard since v1.4.0) through an Application
Gateway for Containers installed by the AKS add-on: the v1.4.0 release manifest serves the kind, and a policy on
the backend Service makes the Gateway connect with TLS (SNI ``validation.hostname``, the CA ConfigMap named in the
trace); a CA reference that does not resolve fails the connection (5xx), a port the policy does not name stays
plain."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.gateway.agc_addon import build, managed_gateway, ok

APP = """apiVersion: v1
kind: Service
metadata: {name: app, namespace: default}
spec:
  selector: {app: app}
  ports: [{name: https, port: 443, targetPort: 8443}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: nginx, ports: [{containerPort: 8443}]}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-ca, namespace: default}
data: {ca.crt: "-----BEGIN CERTIFICATE-----"}
""" + managed_gateway("default") + """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: app, port: 443}]}]
"""

POLICY = """apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: app-tls, namespace: default}
spec:
  targetRefs: [{group: "", kind: Service, name: app%s}]
  validation:
    hostname: app.example.com
    caCertificateRefs: [{group: "", kind: ConfigMap, name: %s}]
"""


@pytest.fixture
def fqdn(home: Path, tmp_path: Path) -> str:
    build(tmp_path, APP, before=(
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.0/standard-install.yaml",))
    return ok("kubectl", "get", "gateway", "gw", "-o", "jsonpath={.status.addresses[0].value}").strip()



@pytest.mark.parametrize(("section", "ca", "status", "hop"), [
    ("", "app-ca", "HTTP/1.1 200", "per BackendTLSPolicy default/app-tls (gateway.networking.k8s.io; SNI "
                                   "app.example.com; backend certificate verified against ConfigMap default/app-ca"),
    (", sectionName: https", "app-ca", "HTTP/1.1 200", "per BackendTLSPolicy default/app-tls"),
    (", sectionName: metrics", "app-ca", "HTTP/1.1 400", "plain HTTP to Service default/app port 443"),
    ("", "missing", "HTTP/1.1 503", "InvalidCACertificateRef: ConfigMap default/missing does not exist, the "
                                    "connection fails"),
], ids=["whole-service", "section-name-of-the-port", "section-name-of-another-port", "unresolved-ca"])
def test_gateway_api_backend_tls(fqdn: str, tmp_path: Path, section: str, ca: str, status: str, hop: str) -> None:
    assert "btlspolicy" in ok("kubectl", "get", "crd", "backendtlspolicies.gateway.networking.k8s.io", "-o", "yaml")
    f = tmp_path / "policy.yaml"
    f.write_text(POLICY % (section, ca))
    ok("kubectl", "apply", "-f", str(f))
    assert status in run_cli("curl", "-i", f"http://{fqdn}/").out
    assert hop in run_cli("trace", "internet", f"http://{fqdn}/").out
