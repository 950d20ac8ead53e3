"""The path engine on a workspace built by the real front ends (az, kubectl), as a user would: pins the
contract between the documents the resource providers/controllers write and ``load_twin``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, f"{args}: {r.err}"
    return r.out.strip()


@pytest.fixture
def kubenet_ws(home: Path) -> dict[str, str]:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
        "--subnet-name", "aks", "--subnet-prefix", "10.100.0.0/16")
    _ok("az", "network", "nsg", "create", "-g", "rg", "-n", "aks-nsg")
    _ok("az", "network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "vnet", "-n", "aks",
        "--network-security-group", "aks-nsg")
    _ok("az", "network", "route-table", "create", "-g", "rg", "-n", "rt")
    _ok("az", "network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "vnet", "-n", "aks",
        "--route-table", "rt")
    sid = _ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "vnet", "-n", "aks",
              "--query", "id", "-o", "tsv")
    _ok("az", "vm", "create", "-g", "rg", "-n", "vm1", "--vnet-name", "vnet", "--subnet", "aks", "--image",
        "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    _ok("az", "aks", "create", "-g", "rg", "-n", "c1", "--vnet-subnet-id", sid, "--network-plugin", "kubenet",
        "--pod-cidr", "10.244.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10",
        "--node-count", "2", "--generate-ssh-keys")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c1")
    _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    _ok("kubectl", "expose", "deployment", "web", "--type", "LoadBalancer", "--port", "80")
    pods = json.loads(_ok("kubectl", "get", "pods", "-l", "app=web", "-o", "json"))["items"]
    return {
        "vm_ip": _ok("az", "vm", "list-ip-addresses", "-g", "rg", "-n", "vm1", "--query",
                     "[0].virtualMachine.network.privateIpAddresses[0]", "-o", "tsv"),
        "lb_ip": _ok("kubectl", "get", "svc", "web", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}"),
        "p0": pods[0]["metadata"]["name"], "p1": pods[-1]["metadata"]["name"],
        "node_ip": pods[0]["status"]["hostIP"],
    }


@pytest.mark.slow
def test_kubenet_paths_from_cli_workspace(kubenet_ws: dict[str, str]) -> None:
    w = kubenet_ws
    r = run_cli("curl", "--from", f"pod/{w['p0']}", f"http://{w['vm_ip']}/")
    assert r.code == 0 and f"client_ip={w['node_ip']}" in r.out.splitlines(), r.out + r.err
    assert run_cli("trace", "internet", w["lb_ip"], "--port", "80").code == 1  # the user's subnet NSG
    _ok("az", "network", "nsg", "rule", "create", "-g", "rg", "--nsg-name", "aks-nsg", "-n", "allow-http",
        "--priority", "100", "--direction", "Inbound", "--access", "Allow", "--protocol", "Tcp",
        "--destination-port-ranges", "80", "--source-address-prefixes", "Internet")
    r = run_cli("trace", "internet", w["lb_ip"], "--port", "80", "-o", "json")
    assert r.code == 0, r.out
    doc = json.loads(r.out)
    assert doc["destination"]["ip"] == w["lb_ip"]
    assert any(h["component"].startswith("load balancer") for h in doc["hops"])
    r = run_cli("trace", "-o", "json", "deploy/web", "web", "--port", "80")
    assert r.code == 0 and len(json.loads(r.out)["flows"]) == 2
