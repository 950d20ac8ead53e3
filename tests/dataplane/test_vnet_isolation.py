"""VNets are separate worlds in the kernel too: each VNet is its own routing domain in the fabric (a fabric
table per VNet with its hosts and its peerings' only), so two unpeered VNets with the same address space, or two
clusters on their own managed VNets (both 10.224.0.0/12), never reach each other's addresses, and the same
address in two VNets is two hosts. Each row: the twin's verdict (``trace``), the kernel's (``probe``) and who
answered; ``verify`` agrees on every flow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


@pytest.fixture
def overlapping(home: Path) -> Iterator[Path]:
    """vnet-x and vnet-y both 10.0.0.0/16, unpeered; vnet-z 10.1.0.0/16 peered with vnet-y only. x1 and y1
    both hold 10.0.0.4."""
    cli_ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    for vnet, space in (("vnet-x", "10.0.0.0/16"), ("vnet-y", "10.0.0.0/16"), ("vnet-z", "10.1.0.0/16")):
        cli_ok("az", "network", "vnet", "create", "-g", "rg", "-n", vnet, "--address-prefixes", space,
               "--subnet-name", "default", "--subnet-prefixes", space.replace("0.0/16", "0.0/24"))
    for vm, vnet, ip in (("x1", "vnet-x", "10.0.0.4"), ("x2", "vnet-x", "10.0.0.5"), ("y1", "vnet-y", "10.0.0.4"),
                         ("z1", "vnet-z", "10.1.0.4")):
        cli_ok("az", "vm", "create", "-g", "rg", "-n", vm, "--image", "Ubuntu2204", "--vnet-name", vnet, "--subnet",
               "default", "--private-ip-address", ip, "--nsg", "", "--public-ip-address", "", "--generate-ssh-keys")
    for a, b in (("vnet-y", "vnet-z"), ("vnet-z", "vnet-y")):
        cli_ok("az", "network", "vnet", "peering", "create", "-g", "rg", "-n", f"{a}-to-{b}", "--vnet-name", a,
               "--remote-vnet", b, "--allow-vnet-access")
    with brought_down(home):
        cli_ok("up")
        yield home


# (from, to, port, delivered, who answers)
ROWS = [
    ("vm/x1", "10.0.0.5", 80, True, "vm=x2"),
    ("vm/x2", "10.0.0.4", 80, True, "vm=x1"),  # x1, not y1 with the same address
    ("vm/y1", "10.0.0.5", 80, False, ""),  # 10.0.0.5 lives in vnet-x only
    ("vm/y1", "10.1.0.4", 80, True, "vm=z1"),  # peered
    ("vm/z1", "10.0.0.4", 80, True, "vm=y1"),  # the peer's 10.0.0.4 is y1
    ("vm/x1", "10.1.0.4", 80, False, ""),  # vnet-z is not peered with vnet-x
    ("vm/x1", "93.184.216.34", 443, True, ""),
    ("vm/y1", "93.184.216.34", 443, True, ""),
]


def test_unpeered_overlapping_vnets_are_separate(overlapping: Path) -> None:
    for src, dst, port, delivered, who in ROWS:
        flow = (src, dst, "--port", str(port))
        twin = json.loads(run_cli("trace", *flow, "-o", "json").out)
        assert twin["delivered"] is delivered, (flow, twin["reason"])
        kernel = json.loads(run_cli("probe", *flow, "-o", "json").out)
        assert kernel["verdict"] == ("delivered" if delivered else "not delivered"), (flow, kernel)
        if who:
            assert who in kernel["probes"][0]["answer"], (flow, kernel)


def test_two_managed_vnet_clusters_are_separate(home: Path) -> None:
    """Two clusters on their own managed VNets (both 10.224.0.0/12): cluster b's node does not reach a VM in
    cluster a's VNet at 10.224.0.5, and verify (focused on b) agrees everywhere."""
    cli_ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    for name in ("a", "b"):
        cli_ok("az", "aks", "create", "-g", "rg", "-n", name, "--node-count", "1", "--generate-ssh-keys")
    subnet = json.loads(cli_ok("az", "network", "vnet", "list", "-g", "MC_rg_a_eastus", "-o", "json"))[0]["subnets"][0]
    cli_ok("az", "vm", "create", "-g", "rg", "-n", "avm", "--image", "Ubuntu2204", "--subnet", subnet["id"],
           "--nsg", "", "--public-ip-address", "", "--private-ip-address", "10.224.0.5", "--generate-ssh-keys")
    for name in ("a", "b"):
        cli_ok("az", "aks", "get-credentials", "-g", "rg", "-n", name)  # b ends as the current context
    node_b = cli_ok("kubectl", "get", "nodes", "-o", "name").split()[0]
    flow = (node_b, "10.224.0.5", "--port", "80")
    assert run_cli("trace", *flow).code == 1
    with brought_down(home):
        cli_ok("up")
        assert run_cli("probe", *flow).code == 1
        v = run_cli("verify")
        assert v.code == 0 and " 0 disagree" in v.out, v.out
