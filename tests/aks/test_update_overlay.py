"""``az aks update --network-plugin-mode overlay``: AKS's rules for the one-way migration to Azure CNI Overlay (a
refused update changes nothing) and what the migration changes: plugin and mode, node /24s, pod addresses, the
kubenet route table, the Azure CNI NICs' pod addresses."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import az_ok, run_cli, workspace_rows

RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes"
POD_SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods"


_az = az_ok


def _cluster(kind: str) -> None:
    _az("group create -n rg -l eastus")
    _az("network vnet create -g rg -n vnet --address-prefixes 10.1.0.0/16 --subnet-name nodes "
        "--subnet-prefixes 10.1.0.0/22")
    _az("network vnet subnet create -g rg --vnet-name vnet -n pods --address-prefixes 10.1.8.0/22")
    flags = {"kubenet": "--network-plugin kubenet",
             "azure": f"--network-plugin azure --vnet-subnet-id {SUBNET}",
             "calico": f"--network-plugin azure --network-policy calico --vnet-subnet-id {SUBNET}",
             "podsubnet": f"--network-plugin azure --vnet-subnet-id {SUBNET} --pod-subnet-id {POD_SUBNET}",
             "overlay": "--network-plugin azure --network-plugin-mode overlay",
             "none": "--network-plugin none"}[kind]
    _az(f"aks create -g rg -n c --node-count 2 {flags} -o none")


_dump = workspace_rows


# (id, cluster, update flags, what stderr says)
REFUSALS = [
    ("kubenet-without-plugin-azure", "kubenet", "--network-plugin-mode overlay",
     "requires network plugin azure: update a kubenet cluster with --network-plugin azure"),
    ("azure-without-pod-cidr", "azure", "--network-plugin-mode overlay",
     "--pod-cidr is required when updating an Azure CNI cluster"),
    ("pod-cidr-overlaps-vnet", "azure", "--network-plugin-mode overlay --pod-cidr 10.1.0.0/16",
     "(NetworkProfileCIDROverlapVNET) NetworkProfile CIDR 10.1.0.0/16 overlaps with reserved VNET CIDR 10.1.0.0/16"),
    ("pod-cidr-overlaps-services", "azure", "--network-plugin-mode overlay --pod-cidr 10.0.0.0/16",
     "(ServiceCidrOverlapPodCidr) The service CIDR 10.0.0.0/16 overlaps with the pod CIDR 10.0.0.0/16"),
    ("pod-cidr-reserved", "azure", "--network-plugin-mode overlay --pod-cidr 172.30.0.0/16",
     "(PodCidrOverlapsReservedRange)"),
    ("pod-cidr-too-small", "azure", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/25",
     "(InsufficientPodCidr)"),
    ("network-policy", "calico", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/16",
     "Network policy calico is enabled; uninstall the network policy engine"),
    ("dynamic-pod-subnet", "podsubnet", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/16",
     "dynamic pod IP allocation (a pod subnet) to Azure CNI Overlay is not supported"),
    ("byo-cni", "none", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/16",
     "network plugin none (bring your own CNI) can't be updated"),
    ("overlay-pod-cidr-change", "overlay", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/16",
     "Changing the pod CIDR of an Azure CNI Overlay cluster"),
    ("plugin-change-without-mode", "azure", "--network-plugin kubenet",
     "is only supported to Azure CNI Overlay (add --network-plugin-mode overlay)"),
    ("pod-cidr-without-mode", "kubenet", "--pod-cidr 10.200.0.0/16",
     "can only be set when updating it to Azure CNI Overlay"),
    ("bad-cidr", "azure", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/33",
     "must conform to the following pattern"),
]


@pytest.mark.parametrize(("cluster", "flags", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refused_update_changes_nothing(home: Path, cluster: str, flags: str, message: str) -> None:
    _cluster(cluster)
    before = _dump(home)
    r = run_cli("az", "aks", "update", "-g", "rg", "-n", "c", *flags.split())
    assert r.code != 0
    assert message in r.err
    assert _dump(home) == before


def _nodes_cidrs() -> list[str]:
    _az("aks get-credentials -g rg -n c --overwrite-existing")
    r = run_cli("kubectl", "get", "nodes", "-o", "jsonpath={.items[*].spec.podCIDR}")
    return r.out.split()


def _pod_ips() -> list[str]:
    r = run_cli("kubectl", "get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o",
                "jsonpath={.items[*].status.podIP}")
    return r.out.split()


# (id, cluster, update flags, pod CIDR after, node /24s after)
MIGRATIONS = [
    ("kubenet-keeps-its-pod-cidr", "kubenet", "--network-plugin azure --network-plugin-mode overlay",
     "10.244.0.0/16", ["10.244.0.0/24", "10.244.1.0/24"]),
    ("kubenet-new-pod-cidr", "kubenet", "--network-plugin azure --network-plugin-mode overlay --pod-cidr "
     "192.168.0.0/16", "192.168.0.0/16", ["192.168.0.0/24", "192.168.1.0/24"]),
    ("azure-node-subnet", "azure", "--network-plugin-mode overlay --pod-cidr 192.168.0.0/16", "192.168.0.0/16",
     ["192.168.0.0/24", "192.168.1.0/24"]),
    ("overlay-again-is-a-no-op", "overlay", "--network-plugin-mode overlay", "10.244.0.0/16",
     ["10.244.0.0/24", "10.244.1.0/24"]),
]


@pytest.mark.parametrize(("cluster", "flags", "pod_cidr", "node_cidrs"), [r[1:] for r in MIGRATIONS],
                         ids=[r[0] for r in MIGRATIONS])
def test_migration(home: Path, cluster: str, flags: str, pod_cidr: str, node_cidrs: list[str]) -> None:
    _cluster(cluster)
    node_rg = "MC_rg_c_eastus"
    out = _az(f"aks update -g rg -n c {flags} --query [networkProfile.networkPlugin,networkProfile.networkPluginMode,"
              "networkProfile.podCidr] -o tsv")
    assert out.split() == ["azure", "overlay", pod_cidr]
    assert sorted(_nodes_cidrs()) == node_cidrs
    prefix = pod_cidr.rsplit(".", 2)[0] + "."
    assert _pod_ips() and all(ip.startswith(prefix) for ip in _pod_ips())
    # kubenet: the route table AKS made is gone; Azure CNI: the NICs keep only their primary IP configuration
    assert _az(f"network route-table list -g {node_rg} --query length(@)").strip() == "0"
    assert set(_az(f"network nic list -g {node_rg} --query [].length(ipConfigurations) -o tsv").split()) == {"1"}
    if cluster == "azure":  # the node subnet holds only the nodes' primary addresses again
        assert _az("network vnet subnet show -g rg --vnet-name vnet -n nodes --query "
                   "length(ipConfigurations)").strip() == "2"
