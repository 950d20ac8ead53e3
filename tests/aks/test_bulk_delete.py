"""Scale-down removes instances in bulk (one write of the VNet, the subnet allocations and the NSG for the
batch): what is left is exactly what removing them one by one leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.twin.aks.vmss import _under
from tests.conftest import run_cli


@pytest.mark.parametrize(("ref", "want"), [
    pytest.param("/a/nic1", True, id="the-nic"),
    pytest.param("/a/nic1/ipconfigurations/ipconfig7", True, id="below-the-nic"),
    pytest.param("/a/nic10/ipconfigurations/ipconfig1", False, id="a-longer-name"),
    pytest.param("/a/nic2", False, id="another-nic"),
])
def test_under(ref: str, want: bool) -> None:
    assert _under(ref, {"/a/nic1"}) is want


def test_scale_down_leaves_no_trace_of_removed_nics(home: Path) -> None:
    from aksnet.store import Workspace

    sub = ("/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/Microsoft.Network/"
           "virtualNetworks/vnet/subnets/nodes")
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
    assert run_cli("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefixes", "10.0.0.0/8",
                   "--subnet-name", "nodes", "--subnet-prefixes", "10.240.0.0/24").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--vnet-subnet-id", sub,
                   "--max-pods", "15", "--node-count", "5", "-o", "none").code == 0
    assert run_cli("az", "aks", "scale", "-g", "rg", "-n", "c", "--node-count", "2", "-o", "none").code == 0
    ws = Workspace.open(home, create=False)
    with ws.transaction(write=False) as tx:
        nics = {d["id"].lower() for d in tx.list("microsoft.network/networkinterfaces")}
        vnet = tx.list("microsoft.network/virtualnetworks")[0]
        alloc = tx.list("aksnet:subnetallocations")[0]["allocated"]
        nsgs = tx.list("microsoft.network/networksecuritygroups")
    ws.close()
    assert len(nics) == 2
    refs = {r["id"].lower().split("/ipconfigurations/")[0]
            for r in vnet["properties"]["subnets"][0]["properties"]["ipConfigurations"]}
    assert refs == nics
    owners = {o.lower().split("/ipconfigurations/")[0] for o in alloc.values()}
    assert owners == nics
    assert len(alloc) == 2 * 16  # node address + 15 pod addresses per remaining node
    for nsg in nsgs:
        assert {i["id"].lower() for i in nsg["properties"].get("networkInterfaces", [])} <= nics
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "c").code == 0
    nodes = json.loads(run_cli("kubectl", "get", "nodes", "-o", "json").out)
    assert len(nodes["items"]) == 2
