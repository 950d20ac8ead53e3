"""``aksnet up|probe|exec|status|verify|down`` end to end on a workspace built with az and kubectl commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from aksnet.dataplane import names
from tests.conftest import run_cli
from tests.dataplane.realnet import host_snapshot, our_netns, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r.out


@pytest.fixture
def cluster(home: Path) -> Iterator[Path]:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefixes", "10.0.0.0/8",
        "--subnet-name", "aks", "--subnet-prefixes", "10.100.0.0/16")
    sid = _ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "vnet", "-n", "aks", "--query",
              "id", "-o", "tsv").strip()
    _ok("az", "vm", "create", "-g", "rg", "-n", "vm1", "--vnet-name", "vnet", "--subnet", "aks", "--image",
        "Ubuntu2204", "--generate-ssh-keys")
    _ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--vnet-subnet-id", sid, "--network-plugin", "azure",
        "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2",
        "--generate-ssh-keys")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    try:
        yield home
    finally:
        run_cli("down")
        assert our_netns(names.workspace_tag(home)) == []


def test_up_probe_exec_verify_down(cluster: Path) -> None:
    before = host_snapshot()
    out = _ok("up")
    assert out.startswith("data plane up:")
    pods = json.loads(_ok("kubectl", "get", "pods", "-l", "app=web", "-o", "json"))["items"]
    p1, p2 = (p["metadata"]["name"] for p in pods)
    ip2 = pods[1]["status"]["podIP"]
    # agrees with trace's exit codes: 0 delivered, 1 not delivered, 2 bad input
    assert run_cli("probe", f"pod/{p1}", f"pod/{p2}", "--port", "80").code == 0
    assert run_cli("trace", f"pod/{p1}", f"pod/{p2}", "--port", "81").code == run_cli(
        "probe", f"pod/{p1}", f"pod/{p2}", "--port", "81").code == 1
    assert run_cli("probe", "vm/vm1", ip2, "--port", "80").code == 0
    assert run_cli("probe", "pod/nope", f"pod/{p2}", "--port", "80").code == 2
    assert run_cli("probe", f"pod/{p1}", f"pod/{p2}", "--port", "80", "--protocol", "ICMP").code == 2
    res = json.loads(_ok("probe", "vm/vm1", ip2, "--port", "80", "-o", "json"))
    assert res["verdict"] == "delivered" and f"pod=default/{p2}" in res["probes"][0]["answer"]
    assert _ok("exec", f"pod/{p1}", "--", "/usr/sbin/ip", "-4", "-o", "addr", "show", "eth0").count(
        pods[0]["status"]["podIP"]) == 1
    assert "agent" in _ok("status")
    # cluster DNS from the pod's own resolv.conf (search path, ndots:5) through kube-proxy to the DNS agent
    assert "10.32.0.1" in _ok("exec", f"pod/{p1}", "--", "getent", "hosts", "kubernetes.default")
    # aksnet curl --dataplane: the real curl from inside the pod
    from aksnet.dataplane import dpcurl

    vm_ip = _ok("az", "vm", "list-ip-addresses", "-g", "rg", "-n", "vm1", "--query",
                "[0].virtualMachine.network.privateIpAddresses[0]", "-o", "tsv").strip()
    rc, out, _ = dpcurl.curl(cluster, f"pod/{p1}", f"http://{vm_ip}/hello", headers=["X-Probe: 1"])
    assert rc == 0 and "vm=vm1" in out and "request_uri=/hello" in out and "header.x-probe=1" in out
    assert f"client_ip={pods[0]['status']['podIP']}" in out  # Azure CNI: the VNet sees the pod IP
    again = _ok("up")
    assert "created 0, removed 0" in again  # nothing changed: nothing rebuilt
    v = run_cli("verify")
    assert v.code == 0 and " 0 disagree" in v.out, v.out
    assert host_snapshot() == before
    assert _ok("down").startswith("data plane down: removed")
    assert _ok("status").strip() == "data plane: down"


def test_probe_before_up_is_an_error(cluster: Path) -> None:
    r = run_cli("probe", "vm/vm1", "10.100.0.4", "--port", "22")
    assert r.code == 1 and "not up" in r.err
