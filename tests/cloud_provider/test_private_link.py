"""Managed Private Link services: the ``azure-pls-*`` annotations of an internal LoadBalancer Service, what the
PLS looks like in ``az network private-link-service show``, the annotation errors as the Service's event, the
PLS's lifetime (it follows the frontend) and a private endpoint to it from another VNet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import az_ok, run_cli

SUBNETS = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets"
NODE_RG = "MC_rg_c_eastus"


_az = az_ok


def _cluster(tmp: Path) -> None:
    _az("group create -n rg -l eastus")
    _az("network vnet create -g rg -n vnet --address-prefixes 10.1.0.0/16 --subnet-name nodes "
        "--subnet-prefixes 10.1.0.0/22")
    _az("network vnet subnet create -g rg --vnet-name vnet -n pls-subnet --address-prefixes 10.1.8.0/24")
    _az(f"aks create -g rg -n c --node-count 2 --network-plugin azure --vnet-subnet-id {SUBNETS}/nodes -o none")
    _az("aks get-credentials -g rg -n c")


def _apply(tmp: Path, annotations: dict[str, str]) -> None:
    ann = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true",
           "service.beta.kubernetes.io/azure-pls-create": "true", **annotations}
    doc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "app", "annotations": ann},
           "spec": {"type": "LoadBalancer", "selector": {"app": "app"}, "ports": [{"port": 80}]}}
    path = tmp / "svc.json"
    path.write_text(json.dumps(doc))
    r = run_cli("kubectl", "apply", "-f", str(path))
    assert r.code == 0, r.err


def _pls() -> list[dict[str, object]]:
    return list(json.loads(_az(f"network private-link-service list -g {NODE_RG} -o json")))


P = "service.beta.kubernetes.io/azure-pls-"
# (id, annotations, JMESPath on the one PLS, expected)
SHAPES = [
    ("defaults", {}, "[name, length(ipConfigurations), ipConfigurations[0].primary, enableProxyProtocol, "
     "visibility.subscriptions, tags.\"k8s-azure-owner-service\"]",
     ["pls-FRONTEND", 1, True, False, [], "default/app"]),
    ("named-subnet-static-ips", {P + "name": "mypls", P + "ip-configuration-subnet": "pls-subnet",
                                 P + "ip-configuration-ip-address-count": "2",
                                 P + "ip-configuration-ip-address": "10.1.8.10"},
     "[name, ipConfigurations[].privateIPAddress, ipConfigurations[].privateIPAllocationMethod]",
     ["mypls", ["10.1.8.10", "10.1.8.4"], ["Static", "Dynamic"]]),
    ("visibility-auto-approval-fqdns-proxy", {P + "visibility": "*", P + "auto-approval": SUBSCRIPTION_ID,
                                              P + "fqdns": "a.example b.example", P + "proxy-protocol": "true"},
     "[visibility.subscriptions, autoApproval.subscriptions, fqdns, enableProxyProtocol]",
     [["*"], [SUBSCRIPTION_ID], ["a.example", "b.example"], True]),
]


@pytest.mark.parametrize(("annotations", "query", "expected"), [r[1:] for r in SHAPES], ids=[r[0] for r in SHAPES])
def test_pls_shape(home: Path, tmp_path: Path, annotations: dict[str, str], query: str, expected: list[object]) -> None:
    _cluster(tmp_path)
    _apply(tmp_path, annotations)
    [pls] = _pls()
    fe = _az(f"network lb frontend-ip list -g {NODE_RG} --lb-name kubernetes-internal --query [0].name -o tsv")
    expected = json.loads(json.dumps(expected).replace("pls-FRONTEND", f"pls-{fe.strip()}"))
    assert _query(pls, query) == expected
    assert str(pls["alias"]).startswith(f"{pls['name']}.") and str(pls["alias"]).endswith(
        ".eastus.azure.privatelinkservice")
    subnet = _az(f"network vnet subnet show --ids {pls['ipConfigurations'][0]['subnet']['id']} "  # type: ignore[index]
                 "--query privateLinkServiceNetworkPolicies -o tsv")
    assert subnet.strip() == "Disabled"


def _query(doc: dict[str, object], query: str) -> object:
    import jmespath

    return jmespath.search(query, doc)


# (id, annotations, the Service's event says)
ERRORS = [
    ("count-out-of-range", {P + "ip-configuration-ip-address-count": "9"}, "must be between 1 and 8"),
    ("more-ips-than-count", {P + "ip-configuration-ip-address": "10.1.0.50 10.1.0.51"},
     "lists 2 addresses, more than"),
    ("ipv6", {P + "ip-configuration-ip-address": "fd00::5"}, "is not an IPv4 address"),
    ("unknown-subnet", {P + "ip-configuration-subnet": "nope"}, "failed to get subnet: vnet/nope"),
    ("auto-approval-needs-star", {P + "auto-approval": SUBSCRIPTION_ID}, "only works when"),
    ("proxy-protocol-bool", {P + "proxy-protocol": "yes"}, "is not a boolean"),
    ("static-ip-outside-subnet", {P + "ip-configuration-ip-address": "10.9.0.9"}, "PrivateIPAddressNotInSubnet"),
]


@pytest.mark.parametrize(("annotations", "message"), [r[1:] for r in ERRORS], ids=[r[0] for r in ERRORS])
def test_pls_annotation_errors(home: Path, tmp_path: Path, annotations: dict[str, str], message: str) -> None:
    _cluster(tmp_path)
    _apply(tmp_path, annotations)
    assert _pls() == []
    described = run_cli("kubectl", "describe", "service", "app").out
    assert "SyncLoadBalancerFailed" in described and message in described


def test_pls_lifetime_and_private_endpoint(home: Path, tmp_path: Path) -> None:
    _cluster(tmp_path)
    _apply(tmp_path, {})
    [pls] = _pls()
    _az("group create -n other -l eastus")
    _az("network vnet create -g other -n ovnet --address-prefixes 172.20.0.0/16 --subnet-name pe "
        "--subnet-prefixes 172.20.1.0/24")
    pe = json.loads(_az(f"network private-endpoint create -g other -n pe1 --vnet-name ovnet --subnet pe "
                        f"--private-connection-resource-id {pls['id']} --connection-name conn -o json"))
    assert pe["privateLinkServiceConnections"][0]["privateLinkServiceConnectionState"]["status"] == "Approved"
    nic_ip = _az(f"network nic show --ids {pe['networkInterfaces'][0]['id']} "
                 "--query ipConfigurations[0].privateIPAddress -o tsv").strip()
    assert nic_ip == "172.20.1.4"
    # removing the annotation keeps the PLS; deleting the Service (its frontend) deletes it
    doc = json.loads(run_cli("kubectl", "get", "service", "app", "-o", "json").out)
    del doc["metadata"]["annotations"]["service.beta.kubernetes.io/azure-pls-create"]
    (tmp_path / "svc2.json").write_text(json.dumps(doc))
    assert run_cli("kubectl", "apply", "-f", str(tmp_path / "svc2.json")).code == 0
    assert len(_pls()) == 1
    assert run_cli("kubectl", "delete", "service", "app").code == 0
    assert _pls() == []
    state = _az("network private-endpoint show -g other -n pe1 --query "
                "privateLinkServiceConnections[0].privateLinkServiceConnectionState.status -o tsv")
    assert state.strip() == "Disconnected"


def test_private_endpoint_to_something_else_is_refused(home: Path, tmp_path: Path) -> None:
    _cluster(tmp_path)
    r = run_cli("az", "network", "private-endpoint", "create", "-g", "rg", "-n", "pe", "--vnet-name", "vnet",
                "--subnet", "pls-subnet", "--private-connection-resource-id",
                f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s",
                "--connection-name", "x")
    assert r.code == 1 and "emulates private endpoints to Private Link services only" in r.err
