"""aksnet lint on Gateway API backends through the data path: a backendRef Service without ready endpoints
(AKSNET047: the Gateway answers 503) and, for Application Gateway for Containers, a NetworkPolicy that does not
admit the association subnet (AKSNET048: AGC connects to pod IPs from there; learn.microsoft.com/azure/
application-gateway/for-containers/container-networking)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

OBJECTS = """apiVersion: v1
kind: Namespace
metadata: {name: alb-infra}
---
apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata: {name: alb-test, namespace: alb-infra}
spec: {associations: [%(subnet)s]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: echo, image: echo, ports: [{containerPort: 3000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: v1
kind: Service
metadata: {name: idle}
spec: {selector: {app: idle}, ports: [{port: 8080, targetPort: 3000}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  annotations: {alb.networking.azure.io/alb-namespace: alb-infra, alb.networking.azure.io/alb-name: alb-test}
spec:
  gatewayClassName: azure-alb-external
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /idle}}]
    backendRefs: [{name: idle, port: 8080}]
  - backendRefs: [{name: web, port: 8080}]
"""
POLICIES = {
    "none": "",
    "deny-all": """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec: {podSelector: {}, policyTypes: [Ingress]}
""",
    "allow-agc-subnet": """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-agc}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{from: [{ipBlock: {cidr: 10.225.0.0/24}}]}]
""",
}


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


@pytest.mark.parametrize(("policy", "blocked"), [("none", False), ("deny-all", True), ("allow-agc-subnet", False)],
                         ids=["no-policy", "deny-all", "allow-agc-subnet"])
def test_agc_backend_findings(home: Path, tmp_path: Path, policy: str, blocked: bool) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "northeurope")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefixes", "10.224.0.0/12",
        "--subnet-name", "aks", "--subnet-prefixes", "10.224.0.0/16")
    subnet = json.loads(_ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "v", "-n", "alb",
                            "--address-prefixes", "10.225.0.0/24", "--delegations",
                            "Microsoft.ServiceNetworking/trafficControllers"))["id"]
    aks = json.loads(_ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "aks"))
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--network-policy", "calico",
        "--vnet-subnet-id", aks["id"], "--node-count", "1", "--enable-gateway-api")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    _ok("helm", "install", "alb-controller", "oci://mcr.microsoft.com/application-lb/charts/alb-controller")
    f = tmp_path / "o.yaml"
    f.write_text(OBJECTS % {"subnet": subnet} + POLICIES[policy])
    _ok("kubectl", "apply", "-f", str(f))
    out = run_cli("lint").out
    assert any("AKSNET047" in line and "httproute default/web" in line and "default/idle" in line
               for line in out.splitlines()), out
    agc = [line for line in out.splitlines() if "AKSNET048" in line]
    assert bool(agc) == blocked, out
    if blocked:
        assert "10.225.0.4" in agc[0] and "deny-all" in agc[0]
