"""Gateways in ``aksnet explain --exposure`` and ``aksnet matrix --path``: each route rule an Application Gateway for
Containers frontend publishes, with its listener, route, rule, filters and backends, verified by a request — a
rule whose backend a NetworkPolicy closes to the AGC subnet is listed as blocked with AGC's answer; matrix rows
name the Gateway, listener, route, rule and filters of the way in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.gateway.agc_addon import build, managed_gateway

APP = """apiVersion: v1
kind: Namespace
metadata: {name: web}
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
""" + managed_gateway("web") + """---
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


@pytest.fixture
def built(home: Path, tmp_path: Path) -> None:
    build(tmp_path, APP, "--network-policy", "azure")



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
