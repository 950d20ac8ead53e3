"""Azure Firewall's DNS proxy in the kernel: a VNet whose DNS server is the firewall's private IP resolves
through a real forwarder in the firewall's namespace (UDP 53 on its private IP, a real query to Azure DNS
168.63.129.16 in that namespace); without the proxy the firewall answers nothing and the lookup fails. The twin
and real packets agree (https://learn.microsoft.com/azure/firewall/dns-settings)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]

SETUP = [
    "group create -n rg -l eastus",
    "network vnet create -g rg -n vnet --address-prefixes 10.42.0.0/16 --subnet-name vms "
    "--subnet-prefixes 10.42.3.0/24 --dns-servers 10.42.2.4",
    "network vnet subnet create -g rg --vnet-name vnet -n AzureFirewallSubnet --address-prefixes 10.42.2.0/26",
    "network public-ip create -g rg -n fwpip --sku Standard",
    "network firewall create -g rg -n fw {proxy}",
    "network firewall ip-config create -g rg -f fw -n c --public-ip-address fwpip --vnet-name vnet",
    "vm create -g rg -n client --image Ubuntu2204 --vnet-name vnet --subnet vms --private-ip-address 10.42.3.4 "
    "--nsg '' --generate-ssh-keys",
]


@pytest.fixture(params=[True, False], ids=["dns-proxy-on", "dns-proxy-off"])
def workspace(home: Path, request: pytest.FixtureRequest) -> Iterator[bool]:
    proxy = "--enable-dns-proxy true" if request.param else ""
    for line in SETUP:
        r = run_cli("az", *shlex.split(line.format(proxy=proxy)), "-o", "none")
        assert r.code == 0, (line, r.err)
    with brought_down(home):
        cli_ok("up", "-q")
        yield bool(request.param)


def test_vnet_resolves_through_the_firewall(workspace: bool) -> None:
    twin = run_cli("curl", "--from", "vm/client", "http://www.example.com/")
    real = run_cli("curl", "--dataplane", "--from", "vm/client", "http://www.example.com/")
    if workspace:
        assert (twin.code, real.code) == (0, 0), (twin.err, real.err)
        assert "host=www.example.com" in twin.out and "host=www.example.com" in real.out, (twin.out, real.out)
    else:  # no answer on 53: the twin's resolver gives up (exit 6); the real curl's --max-time 5 s ends first (28)
        assert (twin.code, real.code) == (6, 28), (twin.err, real.err)
        assert "Could not resolve host" in twin.err and "Resolving timed out" in real.err, (twin.err, real.err)
    rep = json.loads(cli_ok("verify", "-o", "json"))
    assert rep["disagreements"] == [] and rep["url_disagreements"] == [], rep
