"""``az aks create --ip-families`` / ``--pod-cidrs`` / ``--service-cidrs``: IPv4 (the default) and dual-stack with
kubenet or Azure CNI Overlay (learn.microsoft.com/azure/aks/configure-kubenet-dual-stack, azure-cni-overlay);
refusals by az's and the RP's rules change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.azure.helpers import az, ok, snapshot

DUAL_DEFAULT = {"ipFamilies": ["IPv4", "IPv6"], "podCidrs": ["10.244.0.0/16", "fd12:3456:789a::/64"],
                "serviceCidrs": ["10.0.0.0/16", "fd12:3456:789a:1::/108"]}


@pytest.mark.parametrize(("flags", "profile"), [
    ("--ip-families ipv4", {"ipFamilies": ["IPv4"], "podCidrs": ["10.244.0.0/16"], "serviceCidrs": ["10.0.0.0/16"]}),
    ("--ip-families ipv4,ipv6", DUAL_DEFAULT),
    ("--ip-families IPv4,IPv6 --network-plugin azure --network-plugin-mode overlay", DUAL_DEFAULT),
    ("--ip-families ipv4,ipv6 --network-plugin kubenet", DUAL_DEFAULT),
    ("--ip-families ipv4,ipv6 --network-plugin azure --network-plugin-mode overlay --network-dataplane cilium",
     DUAL_DEFAULT),
    ("--ip-families ipv4,ipv6 --network-plugin kubenet --pod-cidrs 10.200.0.0/16,fd00:200::/64 "
     "--service-cidrs 10.10.0.0/16,fd00:300::/112 --dns-service-ip 10.10.0.10",
     {"ipFamilies": ["IPv4", "IPv6"], "podCidrs": ["10.200.0.0/16", "fd00:200::/64"],
      "serviceCidrs": ["10.10.0.0/16", "fd00:300::/112"]}),
], ids=["ipv4", "dual-default-overlay", "dual-overlay", "dual-kubenet", "dual-cilium", "dual-own-ranges"])
def test_ip_families_accepted(home: Path, flags: str, profile: dict[str, list[str]]) -> None:
    ok("group create -n rg -l eastus")
    r = az(f"aks create -g rg -n c {flags} --query networkProfile -o json")
    assert r.code == 0, r.err
    got = json.loads(r.out)
    assert {k: got[k] for k in profile} == profile
    assert got["podCidr"] == profile["podCidrs"][0] and got["serviceCidr"] == profile["serviceCidrs"][0]


@pytest.mark.parametrize(("flags", "code", "err"), [
    ("--ip-families ipv4,ipv6 --network-plugin azure", 1,
     "(InvalidParameter) Dual-stack networking is supported only with Azure CNI Overlay or kubenet"),
    ("--ip-families ipv4,ipv6 --network-plugin none", 1, "(InvalidParameter) Dual-stack networking needs a network"),
    ("--ip-families ipv4,ipv6 --network-plugin kubenet --network-policy calico", 1,
     "(InvalidParameter) Network policy calico is not supported with dual-stack networking"),
    ("--ip-families ipv4,ipv6 --outbound-type managedNATGateway", 1,
     "(InvalidParameter) Outbound type managedNATGateway is not supported with dual-stack networking"),
    ("--ip-families ipv6", 1, "(InvalidParameter) IPv6 single-stack clusters are not supported"),
    ("--ip-families ipv6,ipv4", 1, "(InvalidParameter) IPv6 single-stack clusters are not supported"),
    ("--ip-families ipv5", 1, "ERROR: --ip-families: 'ipv5' is not a comma-separated list of IPv4, IPv6.\n"),
    ("--ip-families ipv4,ipv6 --pod-cidrs fd12:3456:789a::/64,10.244.0.0/16", 1,
     "(InvalidParameter) The podCidrs fd12:3456:789a::/64,10.244.0.0/16 must have one range per IP family"),
    ("--ip-families ipv4,ipv6 --service-cidrs 10.0.0.0/16,fd12:3456:789a:1::/100", 1,
     "(InvalidParameter) The IPv6 service CIDR fd12:3456:789a:1::/100 is too large"),
    ("--ip-families ipv4,ipv6 --pod-cidrs 10.244.0.0/16,nonsense", 1,
     "ERROR: --pod-cidrs: 'nonsense' is not a valid CIDR.\n"),
], ids=["azure-cni", "plugin-none", "calico", "nat-gateway", "ipv6-only", "ipv6-first", "bad-value", "cidr-order",
        "service-v6-too-large", "bad-cidr"])
def test_ip_families_refused(home: Path, flags: str, code: int, err: str) -> None:
    ok("group create -n rg -l eastus")
    before = snapshot(home)
    r = az(f"aks create -g rg -n c {flags} --query networkProfile.ipFamilies -o tsv")
    assert r.code == code, r.err
    assert err in r.err if err.startswith("(") else r.err == err
    assert snapshot(home) == before


def test_dual_stack_byo_subnet_needs_ipv6(home: Path) -> None:
    """A user's subnet without an IPv6 prefix cannot carry a dual-stack cluster; with one, nodes get both."""
    ok("group create -n rg -l eastus")
    ok("network vnet create -g rg -n v4 --address-prefixes 10.0.0.0/8 --subnet-name s --subnet-prefixes 10.240.0.0/16")
    ok("network vnet create -g rg -n ds --address-prefixes 10.0.0.0/8 fd00:10::/48 --subnet-name s "
       "--subnet-prefixes 10.240.0.0/16 fd00:10::/64")
    sid = "/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/Microsoft.Network/" \
          "virtualNetworks/{}/subnets/s"
    before = snapshot(home)
    flags = "--ip-families ipv4,ipv6 --network-plugin kubenet --vnet-subnet-id"
    r = az(f"aks create -g rg -n c {flags} {sid.format('v4')}")
    assert r.code == 1 and "has no IPv6 address prefix" in r.err
    assert snapshot(home) == before
    ok(f"aks create -g rg -n c --ip-families ipv4,ipv6 --network-plugin kubenet --vnet-subnet-id {sid.format('ds')}")
    nics = az("network nic list -g MC_rg_c_eastus --query [].ipConfigurations[].privateIPAddress -o tsv")
    assert "fd00:10::4" in nics.out.split() and "10.240.0.4" in nics.out.split(), nics.out


def test_dual_stack_kubenet_routes_per_family(home: Path) -> None:
    """kubenet dual-stack: two routes per node (``<node>____<CIDR>``, next hop the node's address of the family);
    scaling in removes both (cloud-provider-azure azure_routes.go; configure-kubenet-dual-stack)."""
    ok("group create -n rg -l eastus")
    ok("aks create -g rg -n c --ip-families ipv4,ipv6 --network-plugin kubenet --node-count 2")
    rt = az("network route-table list -g MC_rg_c_eastus --query [0].name -o tsv").out.strip()
    routes = json.loads(az(f"network route-table route list -g MC_rg_c_eastus --route-table-name {rt} "
                           "--query \"[].[name, addressPrefix, nextHopIpAddress]\" -o json").out)
    node = "aks-nodepool1-44854677-vmss000001"
    assert [node + "____102441024", "10.244.1.0/24", "10.224.0.5"] in routes
    assert [node + "____fd123456789a0180", "fd12:3456:789a:0:1::/80", "fd00:10:224::5"] in routes
    assert len(routes) == 4
    ok("aks scale -g rg -n c --node-count 1")
    left = az(f"network route-table route list -g MC_rg_c_eastus --route-table-name {rt} --query [].name -o tsv")
    assert sorted(left.out.split()) == ["aks-nodepool1-44854677-vmss000000____102440024",
                                        "aks-nodepool1-44854677-vmss000000____fd123456789a80"]


def test_dual_stack_kubenet_to_overlay_keeps_ipv6(home: Path) -> None:
    """az aks update --network-plugin-mode overlay on a dual-stack kubenet cluster: the IPv6 pod CIDR stays, every
    node gets its /80 again beside its new /24, and the pods are readdressed in both families."""
    ok("group create -n rg -l eastus")
    ok("aks create -g rg -n c --ip-families ipv4,ipv6 --network-plugin kubenet --node-count 2")
    ok("aks get-credentials -g rg -n c")
    ok("aks update -g rg -n c --network-plugin azure --network-plugin-mode overlay")
    profile = json.loads(az("aks show -g rg -n c --query networkProfile -o json").out)
    assert profile["podCidrs"] == ["10.244.0.0/16", "fd12:3456:789a::/64"] and profile["networkPluginMode"] == "overlay"
    from tests.conftest import run_cli

    nodes = run_cli("kubectl", "get", "nodes", "-o", "jsonpath={.items[*].spec.podCIDRs}")
    assert '["10.244.1.0/24","fd12:3456:789a:0:1::/80"]' in nodes.out, nodes.out
    pods = run_cli("kubectl", "get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns",
                   "-o", "jsonpath={.items[0].status.podIPs[1].ip}")
    assert pods.out.startswith("fd12:3456:789a:"), pods.out


def test_dual_stack_outbound_ipv6_ip_survives_count_update(home: Path) -> None:
    """The managed IPv6 outbound IP (countIpv6 1) stays when the IPv4 managed outbound IP count changes."""
    ok("group create -n rg -l eastus")
    ok("aks create -g rg -n c --ip-families ipv4,ipv6 --node-count 1")
    ok("aks update -g rg -n c --load-balancer-managed-outbound-ip-count 2")
    profile = json.loads(az("aks show -g rg -n c --query networkProfile.loadBalancerProfile -o json").out)
    assert profile["managedOutboundIPs"] == {"count": 2, "countIpv6": 1}
    ips = az("network public-ip list -g MC_rg_c_eastus --query [].ipAddress -o tsv").out.split()
    assert len([ip for ip in ips if ":" in ip]) == 1 and len([ip for ip in ips if ":" not in ip]) == 2
