"""Pod IPAM per network plugin: kubenet/overlay from the node /24 starting at .2, Azure CNI from the NIC's
secondary IPs, dynamic pod subnet in batches of 16, hostNetwork on the node IP, release on delete."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from aksnet.cli.common import command_transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.kube.pod_ipam import pod_cidr_candidates
from tests.kube.fakecluster import subnet_id
from tests.kube.helpers import docs, kubectl, pods, setup_cluster


def _ips(cid: str, ns: str = "default") -> dict[str, str]:
    return {p["metadata"]["name"]: p["status"]["podIP"] for p in pods(cid, ns) if p["status"].get("podIP")}


def test_pod_cidr_candidates_skip_network_gateway_broadcast() -> None:
    c = pod_cidr_candidates("10.244.3.0/24")
    assert c[0] == "10.244.3.2" and c[-1] == "10.244.3.254" and len(c) == 253


@pytest.mark.parametrize(("plugin", "kw", "check"), [
    pytest.param("kubenet", {}, lambda ip, node: ipaddress.ip_address(ip) in ipaddress.ip_network(
        node["spec"]["podCIDR"]), id="kubenet-node-24"),
    pytest.param("azure", {"mode": "overlay"}, lambda ip, node: ipaddress.ip_address(ip) in ipaddress.ip_network(
        node["spec"]["podCIDR"]), id="overlay-node-24"),
    pytest.param("azure", {}, lambda ip, node: ipaddress.ip_address(ip) in ipaddress.ip_network("10.224.0.0/16"),
                 id="azure-cni-node-subnet"),
    pytest.param("azure", {"pod_subnet_prefix": "10.225.0.0/16"},
                 lambda ip, node: ipaddress.ip_address(ip) in ipaddress.ip_network("10.225.0.0/16"), id="pod-subnet"),
])
def test_pod_ips_per_plugin(home: Path, plugin: str, kw: dict[str, Any], check: Any) -> None:
    cid = setup_cluster(plugin, **kw)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4")
    nodes = {n["metadata"]["name"]: n for n in docs("k8s:core/Node", cid)}
    web = pods(cid)
    assert len(web) == 4
    for p in web:
        st = p["status"]
        node = nodes[p["spec"]["nodeName"]]
        assert check(st["podIP"], node)
        assert st["podIPs"] == [{"ip": st["podIP"]}]
        assert st["hostIP"] == node["status"]["addresses"][0]["address"]
        assert st["phase"] == "Running"
    all_ips = [p["status"]["podIP"] for p in pods(cid) + pods(cid, "kube-system")
               if not p["spec"].get("hostNetwork")]
    assert len(all_ips) == len(set(all_ips))


def test_kubenet_first_pod_is_dot_two(home: Path) -> None:
    cid = setup_cluster("kubenet")
    first = min((p for p in pods(cid, "kube-system") if not p["spec"].get("hostNetwork")),
                key=lambda p: int(p["metadata"]["resourceVersion"]))
    assert first["status"]["podIP"].endswith(".2")


def test_azure_cni_uses_nic_secondary_ips(home: Path) -> None:
    cid = setup_cluster("azure", max_pods=30)
    with command_transaction(write=False) as tx:
        nics = {n["id"]: [c["properties"]["privateIPAddress"] for c in n["properties"]["ipConfigurations"][1:]]
                for n in tx.list("microsoft.network/networkinterfaces")}
    reserved = {ip for ips in nics.values() for ip in ips}
    for p in pods(cid, "kube-system"):
        if not p["spec"].get("hostNetwork"):
            assert p["status"]["podIP"] in reserved


def test_pod_subnet_batches_of_16(home: Path) -> None:
    setup_cluster("azure", nodes=1, pod_subnet_prefix="10.225.0.0/16")
    with command_transaction(write=False) as tx:
        before = subnet_ipam.used_count(tx, subnet_id("pods"))
    assert before == 16  # 7 system pods on the pod network: 9 free, no second batch yet
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
    with command_transaction(write=False) as tx:
        after = subnet_ipam.used_count(tx, subnet_id("pods"))
    assert after == 32  # fewer than 8 free: another batch of 16


def test_host_network_pods_use_node_ip(home: Path) -> None:
    cid = setup_cluster("kubenet")
    nodes = {n["metadata"]["name"]: n["status"]["addresses"][0]["address"] for n in docs("k8s:core/Node", cid)}
    proxies = [p for p in pods(cid, "kube-system") if p["metadata"]["name"].startswith("kube-proxy-")]
    assert proxies and all(p["status"]["podIP"] == nodes[p["spec"]["nodeName"]] for p in proxies)


def test_addresses_released_on_delete(home: Path) -> None:
    cid = setup_cluster("kubenet", nodes=1)
    kubectl("create", "deployment", "a", "--image=nginx", "--replicas=2")
    first = set(_ips(cid).values())
    kubectl("delete", "deployment", "a")
    kubectl("create", "deployment", "b", "--image=nginx", "--replicas=2")
    assert set(_ips(cid).values()) == first
