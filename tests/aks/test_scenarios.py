"""Golden scenarios: what ``az aks create`` builds for each network plugin (aks.md §3): the cluster's network
profile and pools, the node resource group's resources, NICs and their addresses, Nodes, routes, the load
balancer, NAT gateway and private endpoint. Run with ``--update-golden`` to rewrite expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import run_cli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/aks-rg"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks-subnet"
PODS = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods"

CASES: dict[str, list[str]] = {
    "kubenet": ["--vnet-subnet-id", SUBNET, "--network-plugin", "kubenet", "--pod-cidr", "10.244.0.0/16",
                "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2"],
    "kubenet_managed_vnet": ["--network-plugin", "kubenet", "--node-count", "2"],
    "azure": ["--vnet-subnet-id", SUBNET, "--network-plugin", "azure", "--service-cidr", "10.32.0.0/16",
              "--dns-service-ip", "10.32.0.10", "--node-count", "2", "--max-pods", "15",
              "--load-balancer-managed-outbound-ip-count", "2"],
    "overlay": ["--vnet-subnet-id", SUBNET, "--network-plugin", "azure", "--network-plugin-mode", "overlay",
                "--pod-cidr", "172.17.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10",
                "--node-count", "2"],
    "podsubnet": ["--vnet-subnet-id", SUBNET, "--pod-subnet-id", PODS, "--network-plugin", "azure",
                  "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2"],
    "none": ["--network-plugin", "none", "--node-count", "1", "--outbound-type", "managedNATGateway"],
    "private": ["--vnet-subnet-id", SUBNET, "--network-plugin", "azure", "--enable-private-cluster",
                "--service-cidr", "10.2.0.0/24", "--dns-service-ip", "10.2.0.10", "--node-count", "1",
                "--max-pods", "30"],
}


def _setup() -> None:
    for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
                 "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16"],
                ["az", "network", "vnet", "subnet", "create", "-g", "aks-rg", "--vnet-name", "vnet", "-n", "pods",
                 "--address-prefixes", "10.101.0.0/16"],
                ["az", "network", "route-table", "create", "-g", "aks-rg", "-n", "rt"],
                ["az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vnet", "-n",
                 "aks-subnet", "--route-table", "rt"]):
        r = run_cli(*cmd)
        assert r.code == 0, r.err


def _short(rid: str) -> str:
    return rid.replace(f"/subscriptions/{SUBSCRIPTION_ID}", "/subscriptions/SUB")


def _summary(home: Path) -> dict[str, Any]:
    from aksnet.store import Workspace

    ws = Workspace.open(home, create=False)
    out: dict[str, Any] = {}
    with ws.transaction(write=False) as tx:
        cluster = tx.list("microsoft.containerservice/managedclusters")[0]
        p = cluster["properties"]
        out["cluster"] = {k: p[k] for k in ("nodeResourceGroup", "fqdn", "privateFqdn", "apiServerAccessProfile")}
        out["networkProfile"] = json.loads(_short(json.dumps(p["networkProfile"])))
        out["agentPoolProfiles"] = [{k: a[k] for k in ("name", "count", "maxPods", "mode", "podSubnetId")} |
                                    {"vnetSubnetId": _short(a["vnetSubnetId"])} for a in p["agentPoolProfiles"]]
        node_rg = f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/{p['nodeResourceGroup'].lower()}/"
        resources = []
        for kind in sorted(tx.kinds("")):
            for key, doc in tx.items(kind, ""):
                if key.startswith(node_rg) and "type" in doc:
                    resources.append(f"{doc['type']} {doc['name']}")
        out["nodeResourceGroup"] = sorted(resources)
        nics = []
        for key, nic in tx.items("microsoft.network/networkinterfaces", ""):
            if key.startswith(node_rg):
                cfgs = nic["properties"]["ipConfigurations"]
                nics.append({"id": _short(nic["id"]), "ips": [c["properties"]["privateIPAddress"] for c in cfgs],
                             "nsg": _short((nic["properties"].get("networkSecurityGroup") or {}).get("id", "")),
                             "pools": [_short(b["id"]) for b in
                                       cfgs[0]["properties"].get("loadBalancerBackendAddressPools", [])]})
        out["nics"] = nics
        scope = cluster["id"].lower()
        out["nodes"] = [{"name": n["metadata"]["name"], "podCIDR": n["spec"].get("podCIDR"),
                         "providerID": _short(n["spec"]["providerID"]), "addresses": n["status"]["addresses"],
                         "pods": n["status"]["capacity"]["pods"], "labels": n["metadata"]["labels"],
                         "annotations": {k: v for k, v in n["metadata"]["annotations"].items() if "aksnet" in k}}
                        for n in tx.list("k8s:core/Node", scope)]
        out["routes"] = {_short(rt["id"]): [[r["name"], r["properties"]["addressPrefix"],
                                              r["properties"]["nextHopType"], r["properties"].get("nextHopIpAddress")]
                                             for r in rt["properties"].get("routes", [])]
                         for rt in tx.list("microsoft.network/routetables")}
        lbs = [lb for k, lb in tx.items("microsoft.network/loadbalancers", "") if k.startswith(node_rg)]
        out["loadBalancer"] = [{"name": lb["name"],
                                "frontends": [f["name"] for f in lb["properties"]["frontendIPConfigurations"]],
                                "pools": {b["name"]: len(b["properties"].get("backendIPConfigurations", []))
                                          for b in lb["properties"]["backendAddressPools"]},
                                "outboundRules": [r["name"] for r in lb["properties"]["outboundRules"]]}
                               for lb in lbs]
        subnets = {}
        for vnet in tx.list("microsoft.network/virtualnetworks"):
            for s in vnet["properties"]["subnets"]:
                subnets[_short(s["id"])] = {k: _short(s["properties"][k]["id"])
                                            for k in ("networkSecurityGroup", "routeTable", "natGateway")
                                            if k in s["properties"]}
        out["subnets"] = subnets
    ws.close()
    return out


@pytest.mark.parametrize("plugin", sorted(CASES))
def test_create_scenario(home: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool, plugin: str) -> None:
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")
    _setup()
    r = run_cli("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--generate-ssh-keys", "-o", "none",
                *CASES[plugin])
    assert r.code == 0, r.err
    got = _summary(home)
    path = SCENARIOS / f"aks_create_{plugin}" / "expected.json"
    if update_golden or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(path.read_text())
