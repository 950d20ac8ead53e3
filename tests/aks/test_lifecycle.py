"""scale, nodepool add/scale/delete, update, get-credentials and delete: what they change and what they leave."""

from __future__ import annotations

import json
from pathlib import Path

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import az_error_head, run_cli

RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/aks-rg"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks-subnet"


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def _kubenet_cluster() -> None:
    _ok("az", "group", "create", "-n", "aks-rg", "-l", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
        "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16")
    _ok("az", "network", "route-table", "create", "-g", "aks-rg", "-n", "rt")
    _ok("az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vnet", "-n", "aks-subnet",
        "--route-table", "rt")
    _ok("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", SUBNET, "--network-plugin", "kubenet",
        "--pod-cidr", "10.244.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10",
        "--node-count", "2", "-o", "none")


def _routes() -> list[list[str]]:
    out = _ok("az", "network", "route-table", "route", "list", "-g", "aks-rg", "--route-table-name", "rt",
              "--query", "[].[name,addressPrefix,nextHopIpAddress]", "-o", "json")
    return [list(r) for r in json.loads(out)]


def test_scale_up_and_down_keeps_routes_in_step(home: Path) -> None:
    _kubenet_cluster()
    _ok("az", "aks", "scale", "-g", "aks-rg", "-n", "c", "--node-count", "12", "-o", "none")
    routes = _routes()
    assert len(routes) == 12
    assert routes[10] == ["aks-nodepool1-89798947-vmss00000a", "10.244.10.0/24", "10.100.0.14"]
    _ok("az", "aks", "scale", "-g", "aks-rg", "-n", "c", "--node-count", "1", "-o", "none")
    assert _routes() == [["aks-nodepool1-89798947-vmss000000", "10.244.0.0/24", "10.100.0.4"]]
    nodes = json.loads(_ok("az", "aks", "show", "-g", "aks-rg", "-n", "c", "--query", "agentPoolProfiles[0].count"))
    assert nodes == 1


def test_scale_beyond_pod_cidr_fails_and_changes_nothing(home: Path) -> None:
    _kubenet_cluster()
    before = _routes()
    r = run_cli("az", "aks", "scale", "-g", "aks-rg", "-n", "c", "--node-count", "300")
    assert r.code == 1
    assert r.err.startswith("ERROR: (InsufficientSubnetSize) Pre-allocated IPs 76800 exceeds IPs available 65536 in "
                            "Subnet Cidr 10.244.0.0/16")
    assert _routes() == before


def test_nodepool_lifecycle(home: Path) -> None:
    _kubenet_cluster()
    _ok("az", "aks", "nodepool", "add", "-g", "aks-rg", "--cluster-name", "c", "-n", "user1", "--node-count", "2",
        "-o", "none")
    pools = json.loads(_ok("az", "aks", "nodepool", "list", "-g", "aks-rg", "--cluster-name", "c",
                           "--query", "[].[name,count,mode,maxPods]"))
    assert pools == [["nodepool1", 2, "System", 110], ["user1", 2, "User", 110]]
    assert [r[1] for r in _routes()] == ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]
    r = run_cli("az", "aks", "nodepool", "add", "-g", "aks-rg", "--cluster-name", "c", "-n", "user1")
    assert r.err.startswith("ERROR: Node pool user1 already exists")
    r = run_cli("az", "aks", "nodepool", "add", "-g", "aks-rg", "--cluster-name", "c", "-n", "User2")
    assert "(InvalidParameter) The value of parameter agentPoolProfile.name is invalid." in r.err
    _ok("az", "aks", "nodepool", "scale", "-g", "aks-rg", "--cluster-name", "c", "-n", "user1", "--node-count", "0",
        "-o", "none")
    assert len(_routes()) == 2
    r = run_cli("az", "aks", "nodepool", "delete", "-g", "aks-rg", "--cluster-name", "c", "-n", "nodepool1")
    assert az_error_head(r.err) == "ERROR: (MustDefineAtLeastOneSystemPool) Must define at least one system pool.\n"
    _ok("az", "aks", "nodepool", "delete", "-g", "aks-rg", "--cluster-name", "c", "-n", "user1")


def test_update_ranges_and_private_rule(home: Path) -> None:
    _kubenet_cluster()
    out = _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--api-server-authorized-ip-ranges",
              "39.100.100.100/32", "--query", "apiServerAccessProfile.authorizedIpRanges")
    assert json.loads(out) == ["39.100.100.100/32"]
    r = run_cli("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--api-server-authorized-ip-ranges", "10.0.0.0/8")
    assert r.err == "ERROR: --api-server-authorized-ip-ranges must be global non-reserved addresses or CIDRs\n"
    out = _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--load-balancer-managed-outbound-ip-count", "2",
              "--query", "length(networkProfile.loadBalancerProfile.effectiveOutboundIPs)")
    assert json.loads(out) == 2


def test_get_credentials_contexts(home: Path, tmp_path: Path) -> None:
    _kubenet_cluster()
    r = run_cli("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "c")
    assert r.code == 0 and r.err.startswith('Merged "c" as current context in ')
    r = run_cli("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "c", "--admin", "--file", "-")
    assert "name: clusterAdmin_aks-rg_c" in r.out and "current-context: c-admin" in r.out
    target = tmp_path / "kubeconfig"
    r = run_cli("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "c", "--file", str(target))
    assert r.code == 0 and "clusterUser_aks-rg_c" in target.read_text()
    assert "c" in _ok("kubectl", "config", "current-context") if _has_kubectl() else True


def _has_kubectl() -> bool:
    import importlib.util

    return importlib.util.find_spec("aksnet.cli.kubectl") is not None


def test_delete_removes_everything_it_made(home: Path) -> None:
    _kubenet_cluster()
    _ok("az", "aks", "delete", "-g", "aks-rg", "-n", "c", "--yes")
    assert _routes() == []
    groups = json.loads(_ok("az", "group", "list", "--query", "[].name"))
    assert groups == ["aks-rg"]
    count = _ok("az", "network", "vnet", "subnet", "show", "-g", "aks-rg", "--vnet-name", "vnet", "-n", "aks-subnet",
                "--query", "length(ipConfigurations || `[]`)")
    assert json.loads(count) == 0
    r = run_cli("az", "aks", "show", "-g", "aks-rg", "-n", "c")
    assert r.code == 3 and "(ResourceNotFound)" in r.err
    # the same cluster can be created again: same names, same addresses
    _ok("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", SUBNET, "--network-plugin", "kubenet",
        "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2", "-o", "none")
    assert [r[2] for r in _routes()] == ["10.100.0.4", "10.100.0.5"]


def test_default_plugin_setting(home: Path, monkeypatch: object) -> None:
    _ok("az", "group", "create", "-n", "aks-rg", "-l", "eastus")
    _ok("az", "config", "set", "aks.default_network_plugin=overlay")
    out = _ok("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--node-count", "1", "--query",
              "[networkProfile.networkPlugin, networkProfile.networkPluginMode, agentPoolProfiles[0].maxPods]")
    assert json.loads(out) == ["azure", "overlay", 250]


def test_subnet_is_full_when_others_hold_addresses(home: Path) -> None:
    _ok("az", "group", "create", "-n", "aks-rg", "-l", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
        "--subnet-name", "small", "--subnet-prefix", "10.101.0.0/29")
    _ok("az", "vm", "create", "-g", "aks-rg", "-n", "vm1", "--vnet-name", "vnet", "--subnet", "small", "--image",
        "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys", "-o", "none")
    small = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/small"
    r = run_cli("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", small, "--network-plugin",
                "kubenet", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "3")
    assert ("ERROR: (SubnetIsFull) Subnet small with address prefix 10.101.0.0/29 does not have enough "
            "capacity for 3 IP addresses.\n") in r.err
    r = run_cli("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", small, "--network-plugin",
                "kubenet", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "4")
    assert "(InsufficientSubnetSize) Pre-allocated IPs 4 exceeds IPs available 3 in Subnet Cidr 10.101.0.0/29" in r.err


def test_seed_subnet_id_with_the_authors_subscription(home: Path) -> None:
    """Seed 001 as written: its --vnet-subnet-id carries the author's subscription ID."""
    _ok("az", "group", "create", "-n", "aks-rg", "-l", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vNet_aks_useast", "--address-prefix", "10.0.0.0/8",
        "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16")
    seed_id = ("/subscriptions/ea4c38a0-1234-1111-9999-14f88f278645c/resourceGroups/aks-rg/providers/"
               "Microsoft.Network/virtualNetworks/vNet_aks_useast/subnets/aks-subnet")
    r = run_cli("az", "aks", "create", "--resource-group", "aks-rg", "--name", "aks-cluster", "--vnet-subnet-id",
                seed_id, "--network-plugin", "kubenet", "--pod-cidr", "10.244.0.0/16", "--service-cidr",
                "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2", "--ssh-key-value",
                "~/.ssh/azurekey.pub", "--query", "agentPoolProfiles[0].vnetSubnetId", "-o", "tsv")
    assert r.code == 0, r.err
    assert r.out.strip() == seed_id.replace("ea4c38a0-1234-1111-9999-14f88f278645c", SUBSCRIPTION_ID)
    assert "WARNING: The subscription ea4c38a0-1234-1111-9999-14f88f278645c in" in r.err


def test_autoscaler_pool(home: Path) -> None:
    _ok("az", "group", "create", "-n", "aks-rg", "-l", "eastus")
    out = _ok("az", "aks", "create", "-g", "aks-rg", "-n", "c", "--node-count", "2", "--enable-cluster-autoscaler",
              "--min-count", "1", "--max-count", "5", "--query",
              "agentPoolProfiles[0].[enableAutoScaling,minCount,maxCount,count]")
    assert json.loads(out) == [True, 1, 5, 2]
    r = run_cli("az", "aks", "scale", "-g", "aks-rg", "-n", "c", "--node-count", "3")
    assert (r.code, r.err) == (1, "ERROR: Cannot scale cluster autoscaler enabled node pool.\n")
