"""``az network lb frontend-ip|rule|probe|address-pool|outbound-rule list|show``: the child resources
cloud-provider-azure writes for a LoadBalancer Service, seen in the node resource group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

MC = "MC_rg_aks_eastus"


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def cluster(home: Path) -> None:
    ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "--network-plugin", "kubenet", "-o", "none")
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--port=8080")
    ok("kubectl", "expose", "deployment", "web", "--port=80", "--target-port=8080", "--type=LoadBalancer")


def test_lb_child_views(cluster: None) -> None:
    svc = json.loads(ok("kubectl", "get", "svc", "web", "-o", "json"))
    base = "a" + svc["metadata"]["uid"].replace("-", "")[:31]
    node_port = svc["spec"]["ports"][0]["nodePort"]
    rules = json.loads(ok("az", "network", "lb", "rule", "list", "-g", MC, "--lb-name", "kubernetes"))
    assert [r["name"] for r in rules] == [f"{base}-TCP-80"]
    assert rules[0]["frontendPort"] == 80 and rules[0]["enableFloatingIP"] is True
    probe = json.loads(ok("az", "network", "lb", "probe", "show", "-g", MC, "--lb-name", "kubernetes",
                          "-n", f"{base}-TCP-80"))
    assert (probe["protocol"], probe["port"]) == ("Tcp", node_port)
    fes = json.loads(ok("az", "network", "lb", "frontend-ip", "list", "-g", MC, "--lb-name", "kubernetes",
                        "--query", "[].name"))
    assert base in fes
    pools = ok("az", "network", "lb", "address-pool", "list", "-g", MC, "--lb-name", "kubernetes",
               "--query", "[].name", "-o", "tsv").split()
    assert pools == ["kubernetes", "aksOutboundBackendPool"]
    assert ok("az", "network", "lb", "outbound-rule", "list", "-g", MC, "--lb-name", "kubernetes",
              "--query", "[].name", "-o", "tsv") == "aksOutboundRule\n"


def test_lb_child_not_found(cluster: None) -> None:
    r = run_cli("az", "network", "lb", "rule", "show", "-g", MC, "--lb-name", "kubernetes", "-n", "nope")
    assert r.code == 3 and "loadBalancingRules/nope not found" in r.err
    r = run_cli("az", "network", "lb", "probe", "list", "-g", MC, "--lb-name", "nope")
    assert r.code == 3 and "Microsoft.Network/loadBalancers/nope" in r.err  # az: every 404 exits 3
