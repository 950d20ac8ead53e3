"""The managed Gateway API installation: ``az aks update --enable-gateway-api`` sets
ingressProfile.gatewayAPI.installation Standard and AKS installs the standard channel's CRDs (and puts back a
deleted one); before it, Gateway API kinds are unknown (learn.microsoft.com/azure/aks/managed-gateway-api)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.rules import gateway_api
from tests.conftest import run_cli

NAMES = [f"{p}.{gateway_api.GROUP}" for p in ("gatewayclasses", "gateways", "grpcroutes", "httproutes",
                                              "referencegrants")]


def _az(line: str) -> str:
    r = run_cli("az", *line.split())
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def cluster(home: Path) -> None:
    _az("group create -n rg -l eastus")
    _az("aks create -g rg -n c --node-count 1 -o none")
    _az("aks get-credentials -g rg -n c")


def _crds() -> list[str]:
    return run_cli("kubectl", "get", "crd", "-o", "name").out.split()


def test_enable_installs_the_standard_channel(cluster: None) -> None:
    assert _crds() == []
    assert run_cli("kubectl", "get", "gtw").code == 1
    out = json.loads(_az("aks update -g rg -n c --enable-gateway-api"))
    assert out["ingressProfile"]["gatewayAPI"] == {"installation": "Standard"}
    assert _crds() == [f"customresourcedefinition.apiextensions.k8s.io/{n}" for n in NAMES]
    r = run_cli("kubectl", "get", "crd", "gateways.gateway.networking.k8s.io", "-o",
                "jsonpath={.metadata.annotations.gateway\\.networking\\.k8s\\.io/channel}")
    assert r.out == "standard"
    run_cli("kubectl", "delete", "crd", NAMES[1])
    _az("aks update -g rg -n c --tags a=b")
    assert len(_crds()) == 5


def test_enable_and_disable_together_is_an_error(cluster: None) -> None:
    r = run_cli("az", "aks", "update", "-g", "rg", "-n", "c", "--enable-gateway-api", "--disable-gateway-api")
    assert r.code != 0 and "--enable-gateway-api and --disable-gateway-api" in r.err
    assert _crds() == []


@pytest.mark.parametrize(("flag", "installation", "crds"), [
    ("--enable-gateway-api", "Standard", 5),
    ("", None, 0),
], ids=["create-with-flag", "create-without"])
def test_create_with_the_managed_installation(home: Path, flag: str, installation: str | None, crds: int) -> None:
    _az("group create -n rg -l eastus")
    out = json.loads(_az(f"aks create -g rg -n c --node-count 1 {flag}".strip()))
    assert ((out.get("ingressProfile") or {}).get("gatewayAPI") or {}).get("installation") == installation
    _az("aks get-credentials -g rg -n c")
    assert len(_crds()) == crds
