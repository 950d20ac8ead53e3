"""A virtual appliance in the kernel: a UDR sends the client's subnet's traffic for the apps subnet through the
VM ``nva``. Without IP forwarding on its NIC the appliance drops it (twin and kernel: not delivered); with
``az network nic update --ip-forwarding true`` it forwards, and the answer comes from the app VM, not from the
appliance's own echo agent (``verify`` compares who answered)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


@pytest.fixture
def appliance(home: Path) -> Iterator[Path]:
    cli_ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    cli_ok("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefixes", "10.0.0.0/8",
        "--subnet-name", "clients", "--subnet-prefixes", "10.1.0.0/24")
    for name, prefix in (("nva", "10.2.0.0/24"), ("apps", "10.3.0.0/24")):
        cli_ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "vnet", "-n", name,
            "--address-prefixes", prefix)
    for vm, subnet, ip in (("client", "clients", "10.1.0.4"), ("nva", "nva", "10.2.0.4"), ("app", "apps", "10.3.0.4")):
        cli_ok("az", "vm", "create", "-g", "rg", "-n", vm, "--image", "Ubuntu2204", "--vnet-name", "vnet", "--subnet",
            subnet, "--private-ip-address", ip, "--nsg", "", "--public-ip-address", "", "--generate-ssh-keys")
    for table, subnet, prefix in (("to-apps", "clients", "10.3.0.0/24"), ("to-clients", "apps", "10.1.0.0/24")):
        cli_ok("az", "network", "route-table", "create", "-g", "rg", "-n", table)
        cli_ok("az", "network", "route-table", "route", "create", "-g", "rg", "--route-table-name", table, "-n",
               "via-nva", "--address-prefix", prefix, "--next-hop-type", "VirtualAppliance", "--next-hop-ip-address",
               "10.2.0.4")
        cli_ok("az", "network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "vnet", "-n", subnet,
            "--route-table", table)
    with brought_down(home):
        yield home


def test_appliance_forwards_only_with_ip_forwarding(appliance: Path) -> None:
    flow = ("vm/client", "vm/app", "--port", "80")
    assert run_cli("trace", *flow).code == 1  # dropped at the appliance's NIC
    cli_ok("up")
    assert run_cli("probe", *flow).code == 1
    cli_ok("az", "network", "nic", "update", "-g", "rg", "-n", "nvaVMNic", "--ip-forwarding", "true")
    cli_ok("up")
    twin = json.loads(cli_ok("trace", *flow, "-o", "json"))
    assert twin["verdict"] == "delivered" and twin["backend"]["name"] == "app"
    assert any(h["component"] == "appliance nvaVMNic" for h in twin["hops"])
    kernel = json.loads(cli_ok("probe", *flow, "-o", "json"))
    assert kernel["verdict"] == "delivered" and "vm=app" in kernel["probes"][0]["answer"], kernel
