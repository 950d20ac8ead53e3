"""Istio's automated deployment of Gateways (istio.io, Gateway API task, "Automated Deployment"): a Gateway of
class istio gets a Deployment and a LoadBalancer Service ``<gateway>-istio`` whose ports follow the listeners,
the Service's frontend IP becomes the Gateway's ``status.addresses``, and both go when the Gateway does or
changes to a class Istio does not implement."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aksnet.rules import gateway_api
from tests.conftest import run_cli
from tests.kube.helpers import kubectl

GATEWAY = """apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: %(cls)s}
spec: {controllerName: %(ctrl)s}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: %(cls)s
  listeners:
%(listeners)s
"""
HTTP = "  - {name: http, protocol: HTTP, port: 80}"
TWO = HTTP + "\n  - {name: alt, protocol: HTTP, port: 8080, hostname: alt.example.com}"


@pytest.fixture
def cluster(home: Path) -> None:
    for line in ("group create -n rg -l eastus", "aks create -g rg -n c --node-count 1 --enable-gateway-api",
                 "aks get-credentials -g rg -n c"):
        r = run_cli("az", *line.split())
        assert r.code == 0, r.err


def _apply(tmp_path: Path, cls: str = "istio", ctrl: str = gateway_api.ISTIO_CONTROLLER, listeners: str = HTTP) -> None:
    f = tmp_path / "gw.yaml"
    f.write_text(GATEWAY % {"cls": cls, "ctrl": ctrl, "listeners": listeners})
    r = kubectl("apply", "-f", str(f))
    assert r.code == 0, r.err


def _ports() -> list[tuple[str, int]] | None:
    r = kubectl("get", "svc", "gw-istio", "-o", "yaml")
    if r.code != 0:
        return None
    return [(p["name"], p["port"]) for p in yaml.safe_load(r.out)["spec"]["ports"]]


@pytest.mark.parametrize(("listeners", "ports"), [
    (HTTP, [("status-port", 15021), ("http", 80)]),
    (TWO, [("status-port", 15021), ("http", 80), ("alt", 8080)]),
], ids=["one-listener", "two-listeners"])
def test_deployment_follows_the_listeners(cluster: None, tmp_path: Path, listeners: str,
                                          ports: list[tuple[str, int]]) -> None:
    _apply(tmp_path)
    _apply(tmp_path, listeners=listeners)
    assert _ports() == ports
    svc = yaml.safe_load(kubectl("get", "svc", "gw-istio", "-o", "yaml").out)
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["spec"]["selector"] == {gateway_api.GATEWAY_NAME_LABEL: "gw"}
    ip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    gw = yaml.safe_load(kubectl("get", "gateway", "gw", "-o", "yaml").out)
    assert gw["status"]["addresses"] == [{"type": "IPAddress", "value": ip}]
    assert kubectl("get", "deploy", "gw-istio").code == 0


@pytest.mark.parametrize("change", ["delete", "other-class"])
def test_deployment_goes_with_the_gateway(cluster: None, tmp_path: Path, change: str) -> None:
    _apply(tmp_path)
    assert _ports() is not None
    if change == "delete":
        assert kubectl("delete", "gateway", "gw").code == 0
    else:
        _apply(tmp_path, cls="other", ctrl="example.com/other")
        assert kubectl("get", "gateway", "gw").code == 0
    assert _ports() is None
    assert kubectl("get", "deploy", "gw-istio").code == 1
    assert not [line for line in kubectl("get", "pods").out.splitlines() if line.startswith("gw-istio")]
