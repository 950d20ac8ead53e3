"""Gateway API's own BackendTLSPolicy (gateway.networking.k8s.io/v1, standard since v1.4.0) through an Application
Gateway for Containers installed by the AKS add-on: the v1.4.0 release manifest serves the kind, and a policy on
the backend Service makes the Gateway connect with TLS (SNI ``validation.hostname``, the CA ConfigMap named in the
trace); a CA reference that does not resolve fails the connection (5xx), a port the policy does not name stays
plain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

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
---
apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata: {name: alb, namespace: default}
spec: {associations: [%s]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: default
  annotations: {alb.networking.azure.io/alb-namespace: default, alb.networking.azure.io/alb-name: alb}
spec:
  gatewayClassName: azure-alb-external
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
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


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


@pytest.fixture
def fqdn(home: Path, tmp_path: Path) -> str:
    _ok("az", "group", "create", "-n", "rg", "-l", "northeurope")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefixes", "10.224.0.0/12",
        "--subnet-name", "aks", "--subnet-prefixes", "10.224.0.0/16")
    alb_subnet = json.loads(_ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "v", "-n",
                                "alb", "--address-prefixes", "10.225.0.0/24", "--delegations",
                                "Microsoft.ServiceNetworking/trafficControllers"))["id"]
    aks = json.loads(_ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "aks"))
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--vnet-subnet-id", aks["id"],
        "--node-count", "1", "--enable-gateway-api", "--enable-application-load-balancer")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    _ok("kubectl", "apply", "-f",
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.0/standard-install.yaml")
    f = tmp_path / "app.yaml"
    f.write_text(APP % alb_subnet)
    _ok("kubectl", "apply", "-f", str(f))
    return _ok("kubectl", "get", "gateway", "gw", "-o", "jsonpath={.status.addresses[0].value}").strip()


@pytest.mark.parametrize(("section", "ca", "status", "hop"), [
    ("", "app-ca", "HTTP/1.1 200", "per BackendTLSPolicy default/app-tls (gateway.networking.k8s.io; SNI "
                                   "app.example.com; backend certificate verified against ConfigMap default/app-ca"),
    (", sectionName: https", "app-ca", "HTTP/1.1 200", "per BackendTLSPolicy default/app-tls"),
    (", sectionName: metrics", "app-ca", "HTTP/1.1 400", "plain HTTP to Service default/app port 443"),
    ("", "missing", "HTTP/1.1 503", "InvalidCACertificateRef: ConfigMap default/missing does not exist, the "
                                    "connection fails"),
], ids=["whole-service", "section-name-of-the-port", "section-name-of-another-port", "unresolved-ca"])
def test_gateway_api_backend_tls(fqdn: str, tmp_path: Path, section: str, ca: str, status: str, hop: str) -> None:
    assert "btlspolicy" in _ok("kubectl", "get", "crd", "backendtlspolicies.gateway.networking.k8s.io", "-o", "yaml")
    f = tmp_path / "policy.yaml"
    f.write_text(POLICY % (section, ca))
    _ok("kubectl", "apply", "-f", str(f))
    assert status in run_cli("curl", "-i", f"http://{fqdn}/").out
    assert hop in run_cli("trace", "internet", f"http://{fqdn}/").out
