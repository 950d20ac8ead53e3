"""Golden scenarios: what ``az aks create`` builds for each network plugin (learn.microsoft.com/azure/aks/faq): the
cluster's network
profile and pools, the node resource group's resources, NICs and their addresses, Nodes, routes, the load
balancer, NAT gateway and private endpoint. Run with ``--update-golden`` to rewrite expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import run_cli
from tests.golden import check_golden_json

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
    check_golden_json(path, got, update_golden, indent=1)


# outbound type migrations (az aks update --outbound-type): the egress resources after every step
MIGRATIONS: dict[str, tuple[list[str], list[str]]] = {
    "managed_vnet": (["--network-plugin", "kubenet", "--node-count", "2"], [
        "aks update -g aks-rg -n aks-cluster --outbound-type managedNATGateway "
        "--nat-gateway-managed-outbound-ip-count 2",
        "aks update -g aks-rg -n aks-cluster --outbound-type loadBalancer --load-balancer-managed-outbound-ip-count 2",
    ]),
    "byo_subnet": (CASES["azure"], [
        "network public-ip create -g aks-rg -n natip --sku Standard",
        "network nat gateway create -g aks-rg -n mynat --public-ip-addresses natip",
        "network vnet subnet update -g aks-rg --vnet-name vnet -n aks-subnet --nat-gateway mynat",
        "aks update -g aks-rg -n aks-cluster --outbound-type userAssignedNATGateway",
        "network route-table route create -g aks-rg --route-table-name rt -n default --address-prefix 0.0.0.0/0 "
        "--next-hop-type VirtualAppliance --next-hop-ip-address 10.1.0.4",
        "aks update -g aks-rg -n aks-cluster --outbound-type userDefinedRouting",
        "network public-ip create -g aks-rg -n myip --sku Standard",
        f"aks update -g aks-rg -n aks-cluster --outbound-type loadBalancer --load-balancer-outbound-ips "
        f"{RG}/providers/Microsoft.Network/publicIPAddresses/myip",
    ]),
}


def _egress_summary(home: Path) -> dict[str, Any]:
    from aksnet.store import Workspace

    full = _summary(home)
    out = {k: full[k] for k in ("networkProfile", "nodeResourceGroup", "loadBalancer", "subnets")}
    out["nicPools"] = [list(p) for p in sorted({tuple(n["pools"]) for n in full["nics"]})]
    ws = Workspace.open(home, create=False)
    with ws.transaction(write=False) as tx:
        out["publicIPs"] = sorted(
            [p["name"], p["properties"]["ipAddress"],
             _short(str((p["properties"].get("ipConfiguration") or p["properties"].get("natGateway") or {})
                        .get("id", "")))] for p in tx.list("microsoft.network/publicipaddresses"))
    ws.close()
    return out


@pytest.mark.parametrize("name", sorted(MIGRATIONS))
def test_outbound_migration_scenario(home: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool,
                                     name: str) -> None:
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")
    _setup()
    create, steps = MIGRATIONS[name]
    r = run_cli("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "-o", "none", *create)
    assert r.code == 0, r.err
    got: dict[str, Any] = {"create": _egress_summary(home)}
    for step in steps:
        r = run_cli("az", *step.split(), "-o", "none")
        assert r.code == 0, (step, r.err)
        if step.startswith("aks update"):
            got[step] = _egress_summary(home)
    path = SCENARIOS / f"aks_update_outbound_{name}" / "expected.json"
    check_golden_json(path, got, update_golden, indent=1)
