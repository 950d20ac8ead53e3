"""``az aks approuting enable|update|disable``: the managed NGINX of the app routing add-on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def cluster(home: Path) -> None:
    ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "--network-plugin", "kubenet",
       "--generate-ssh-keys", "-o", "none")
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")


def test_enable_update_disable(cluster: None) -> None:
    assert ok("az", "aks", "show", "-g", "rg", "-n", "aks", "--query",
              "ingressProfile.webAppRouting.enabled", "-o", "tsv") in ("", "false\n")
    ok("az", "aks", "approuting", "enable", "-g", "rg", "-n", "aks", "-o", "none")
    assert ok("az", "aks", "show", "-g", "rg", "-n", "aks", "--query", "ingressProfile.webAppRouting.enabled",
              "-o", "tsv") == "true\n"
    ic = json.loads(ok("kubectl", "get", "ingressclass", "webapprouting.kubernetes.azure.com", "-o", "json"))
    assert ic["spec"]["controller"] == "webapprouting.kubernetes.azure.com/nginx"
    svc = json.loads(ok("kubectl", "get", "svc", "nginx", "-n", "app-routing-system", "-o", "json"))
    assert svc["spec"]["type"] == "LoadBalancer" and svc["spec"]["externalTrafficPolicy"] == "Local"
    assert svc["spec"]["selector"] == {"app": "nginx"}
    assert svc["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "aks-app-routing-operator"
    public_ip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert not public_ip.startswith("10.")
    assert ok("kubectl", "get", "deploy", "nginx", "-n", "app-routing-system", "-o",
              "jsonpath={.status.readyReplicas}") == "2"
    ok("az", "aks", "approuting", "update", "-g", "rg", "-n", "aks", "--nginx", "Internal", "-o", "none")
    ip = ok("kubectl", "get", "svc", "nginx", "-n", "app-routing-system", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}")
    assert ip.startswith("10.")
    assert json.loads(ok("az", "network", "lb", "list", "-g", "MC_rg_aks_eastus", "--query", "[].name")) == [
        "kubernetes", "kubernetes-internal"]
    r = run_cli("az", "aks", "approuting", "enable", "-g", "rg", "-n", "aks")
    assert r.code == 1 and "App Routing is already enabled." in r.err
    ok("az", "aks", "approuting", "disable", "-g", "rg", "-n", "aks", "--yes", "-o", "none")
    assert "app-routing-system" not in ok("kubectl", "get", "ns")
    assert json.loads(ok("az", "network", "lb", "list", "-g", "MC_rg_aks_eastus", "--query", "[].name")) == [
        "kubernetes"]
    r = run_cli("az", "aks", "approuting", "update", "-g", "rg", "-n", "aks", "--nginx", "Internal")
    assert r.code == 1 and "App Routing must be enabled to modify it." in r.err
