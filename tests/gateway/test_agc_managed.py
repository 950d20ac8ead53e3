"""Managed Application Gateway for Containers deployments (quickstart-create-application-gateway-for-containers-
managed-by-alb-controller): an ApplicationLoadBalancer makes an AGC in the node resource group associated with its
subnets and reports Accepted/Deployment; a subnet AGC cannot use makes Accepted False with Azure's error; nothing
happens without a running ALB Controller; deleting the resource deletes the AGC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli

ALB = """apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata: {name: alb-test, namespace: default}
spec: {associations: [%s]}
"""


def _ok(*argv: str) -> str:
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


@pytest.fixture
def cluster(home: Path) -> dict[str, str]:
    _ok("az", "group", "create", "-n", "rg", "-l", "northeurope")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefixes", "10.224.0.0/12",
        "--subnet-name", "aks", "--subnet-prefixes", "10.224.0.0/16")
    subnets = {}
    for name, prefix, delegated in (("ok", "10.225.0.0/24", True), ("plain", "10.226.0.0/24", False),
                                    ("small", "10.227.0.0/25", True)):
        extra = ["--delegations", "Microsoft.ServiceNetworking/trafficControllers"] if delegated else []
        subnets[name] = json.loads(_ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "v",
                                       "-n", name, "--address-prefixes", prefix, *extra))["id"]
    aks = json.loads(_ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "aks"))
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--vnet-subnet-id", aks["id"],
        "--node-count", "1", "--enable-gateway-api")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    return subnets


def _apply(tmp_path: Path, subnet: str) -> dict[str, tuple[str, str]]:
    f = tmp_path / "alb.yaml"
    f.write_text(ALB % subnet)
    _ok("kubectl", "apply", "-f", str(f))
    doc = yaml.safe_load(_ok("kubectl", "get", "applicationloadbalancer", "alb-test", "-o", "yaml"))
    return {c["type"]: (c["status"], c["message"]) for c in (doc.get("status") or {}).get("conditions", [])}


def _install_controller() -> None:
    _ok("helm", "install", "alb-controller", "oci://mcr.microsoft.com/application-lb/charts/alb-controller",
        "--version", "1.10.37")


@pytest.mark.parametrize(("subnet", "accepted", "fragment", "albs"), [
    ("ok", "True", "Valid Application Gateway for Containers resource", 1),
    ("plain", "False", "(SubnetNotDelegated)", 1),
    ("small", "False", "(InvalidSubnetSize)", 1),
], ids=["delegated-24", "not-delegated", "smaller-than-24"])
def test_application_load_balancer_status(cluster: dict[str, str], tmp_path: Path, subnet: str, accepted: str,
                                          fragment: str, albs: int) -> None:
    _install_controller()
    conds = _apply(tmp_path, cluster[subnet])
    assert conds["Accepted"][0] == accepted and fragment in conds["Accepted"][1], conds
    tcs = json.loads(_ok("az", "network", "alb", "list"))
    assert len(tcs) == albs and tcs[0]["resourceGroup"].startswith("MC_rg_c_")
    assert ("Deployment" in conds) == (accepted == "True")
    if accepted == "True":
        assert conds["Deployment"][1] == f"alb-id={tcs[0]['id']}"
        assert len(tcs[0]["associations"]) == 1
    _ok("kubectl", "delete", "applicationloadbalancer", "alb-test")
    assert json.loads(_ok("az", "network", "alb", "list")) == []


def test_nothing_without_a_running_controller(cluster: dict[str, str], tmp_path: Path) -> None:
    _install_controller()
    _ok("helm", "uninstall", "alb-controller")
    assert _apply(tmp_path, cluster["ok"]) == {}
    assert json.loads(_ok("az", "network", "alb", "list")) == []


INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ingress-01
  namespace: default
  annotations: {alb.networking.azure.io/alb-name: %s, alb.networking.azure.io/alb-namespace: default}
spec:
  ingressClassName: azure-alb-external
  rules:
  - host: contoso.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
"""


@pytest.mark.parametrize(("alb_name", "hostname"), [("alb-test", True), ("no-such-alb", False)],
                         ids=["managed-frontend", "unknown-alb-no-address"])
def test_managed_ingress_gets_a_frontend(cluster: dict[str, str], tmp_path: Path, alb_name: str,
                                         hostname: bool) -> None:
    _install_controller()
    _apply(tmp_path, cluster["ok"])
    f = tmp_path / "ingress.yaml"
    f.write_text(INGRESS % alb_name)
    _ok("kubectl", "apply", "-f", str(f))
    doc = yaml.safe_load(_ok("kubectl", "get", "ingress", "ingress-01", "-o", "yaml"))
    lb = (doc.get("status") or {}).get("loadBalancer") or {}
    fqdns = [fe["fqdn"] for tc in json.loads(_ok("az", "network", "alb", "list"))
             for fe in json.loads(_ok("az", "network", "alb", "frontend", "list", "-g", tc["resourceGroup"],
                                      "--alb-name", tc["name"]))]
    if hostname:
        assert lb["ingress"] == [{"hostname": fqdns[0], "ports": [{"port": 80, "protocol": "TCP"}]}]
    else:
        assert lb == {} and fqdns == []
