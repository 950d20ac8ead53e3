"""Gateways in ``aksnet explain --exposure`` and ``aksnet matrix --path``: each route rule an Application Gateway for
Containers frontend publishes, with its listener, route, rule, filters and backends, verified by a request — a
rule whose backend a NetworkPolicy closes to the AGC subnet is listed as blocked with AGC's answer; matrix rows
name the Gateway, listener, route, rule and filters of the way in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

APP = """apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata: {name: alb, namespace: web}
spec: {associations: [%s]}
""" + "".join(f"""---
apiVersion: v1
kind: Service
metadata: {{name: {n}, namespace: web}}
spec:
  selector: {{app: {n}}}
  ports: [{{port: 80, targetPort: 8080}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {n}, namespace: web}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: {n}}}}}
  template:
    metadata: {{labels: {{app: {n}}}}}
    spec: {{containers: [{{name: {n}, image: echo, ports: [{{containerPort: 8080}}]}}]}}
""" for n in ("shop", "admin")) + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: admin-closed, namespace: web}
spec:
  podSelector: {matchLabels: {app: admin}}
  policyTypes: [Ingress]
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: web
  annotations: {alb.networking.azure.io/alb-namespace: web, alb.networking.azure.io/alb-name: alb}
spec:
  gatewayClassName: azure-alb-external
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: site, namespace: web}
spec:
  parentRefs: [{name: gw}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /admin}}]
    backendRefs: [{name: admin, port: 80}]
  - filters: [{type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: x-shop, value: "1"}]}}]
    backendRefs: [{name: shop, port: 80}]
"""


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


@pytest.fixture
def built(home: Path, tmp_path: Path) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "northeurope")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefixes", "10.224.0.0/12",
        "--subnet-name", "aks", "--subnet-prefixes", "10.224.0.0/16")
    alb_subnet = json.loads(_ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "v", "-n",
                                "alb", "--address-prefixes", "10.225.0.0/24", "--delegations",
                                "Microsoft.ServiceNetworking/trafficControllers"))["id"]
    aks = json.loads(_ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "aks"))
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--vnet-subnet-id", aks["id"],
        "--node-count", "1", "--network-policy", "azure", "--enable-gateway-api",
        "--enable-application-load-balancer")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    f = tmp_path / "app.yaml"
    f.write_text(APP % alb_subnet)
    _ok("kubectl", "apply", "-f", str(f))


# (command, a line fragment it must print)
EXPECTED = [
    (("explain", "--exposure"), "exposed through Gateway API (2):"),
    (("explain", "--exposure"), "http://shop.example.com/admin  [HTTP 503]"),
    (("explain", "--exposure"), "HTTPRoute web/site rule 0 (PathPrefix /admin) -> web/admin:80 (weight 1)"),
    (("explain", "--exposure"), "http://shop.example.com/  [reachable]"),
    (("explain", "--exposure"), "HTTPRoute web/site rule 1 (PathPrefix /, filters RequestHeaderModifier) -> "
                                "web/shop:80 (weight 1)"),
    (("explain", "--exposure"), "sources: any internet address (AGC frontend: Azure-hosted, public"),
    (("explain", "--exposure"), "answer: HTTP/1.1 200 OK from backend (web/shop[Deployment])"),
    (("matrix", "--path"), "internet => web/shop[Deployment] : via Gateway web/gw listener http HTTPRoute web/site "
                           "rule 1 filters RequestHeaderModifier http://shop.example.com/ (TCP 80)"),
]


def test_gateway_exposure_and_matrix(built: None) -> None:
    outputs: dict[tuple[str, ...], str] = {}
    for argv, fragment in EXPECTED:
        out = outputs.setdefault(argv, run_cli(*argv).out)
        assert fragment in out, f"{' '.join(argv)}: {fragment!r} not in\n{out}"
    assert "web/admin[Deployment] : via Gateway" not in outputs[("matrix", "--path")]
    data = json.loads(run_cli("explain", "--exposure", "-o", "json").out)
    assert {(g["route"], g["rule"], g["status"]) for g in data["gateway"]} == {
        ("HTTPRoute web/site", 0, "HTTP 503"), ("HTTPRoute web/site", 1, "reachable")}
