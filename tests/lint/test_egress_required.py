"""``aksnet lint`` AKSNET071/072: AKS's required outbound endpoints that a firewall/UDR setup blocks, each named
with what blocks it (the denying rule or "no rule matched") and the Azure Firewall article's rule that allows it
(https://learn.microsoft.com/azure/aks/outbound-rules-control-egress)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli

SETUP = [
    "group create -n rg -l eastus",
    "network vnet create -g rg -n vnet --address-prefixes 10.42.0.0/16 --subnet-name nodes "
    "--subnet-prefixes 10.42.1.0/24",
    "network vnet subnet create -g rg --vnet-name vnet -n AzureFirewallSubnet --address-prefixes 10.42.2.0/26",
    "network public-ip create -g rg -n fwpip --sku Standard",
    "network firewall create -g rg -n fw --enable-dns-proxy true",
    "network firewall ip-config create -g rg -f fw -n cfg --public-ip-address fwpip --vnet-name vnet",
    "network route-table create -g rg -n rt",
    "network route-table route create -g rg --route-table-name rt -n fwrn --address-prefix 0.0.0.0/0 "
    "--next-hop-type VirtualAppliance --next-hop-ip-address 10.42.2.4",
    "network vnet subnet update -g rg --vnet-name vnet -n nodes --route-table rt",
    "network firewall network-rule create -g rg -f fw -c aksfwnr -n apiudp --protocols UDP --source-addresses '*' "
    "--destination-addresses AzureCloud.eastus --destination-ports 1194 --action allow --priority 100",
    "network firewall network-rule create -g rg -f fw -c aksfwnr -n time --protocols UDP --source-addresses '*' "
    "--destination-fqdns ntp.ubuntu.com --destination-ports 123",
    "network firewall network-rule create -g rg -f fw -c aksfwnr -n api --protocols TCP --source-addresses '*' "
    "--destination-addresses AzureCloud.eastus --destination-ports 443",
    "network firewall application-rule create -g rg -f fw -c aksfwar -n fqdn --source-addresses '*' "
    "--protocols http=80 https=443 --fqdn-tags AzureKubernetesService --action allow --priority 200",
    "aks create -g rg -n aks --network-plugin azure --outbound-type userDefinedRouting --node-count 1 "
    "--vnet-subnet-id /subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/"
    "Microsoft.Network/virtualNetworks/vnet/subnets/nodes --generate-ssh-keys",
]


def az(line: str) -> None:
    r = run_cli("az", *shlex.split(line), "-o", "none")
    assert r.code == 0, f"{line}: {r.err}"


def egress_findings() -> list[tuple[str, str, str]]:
    r = run_cli("lint", "-o", "json", "--fail-on", "never")
    assert r.code == 0, r.err
    return [(f["severity"], f["code"], f["message"]) for f in json.loads(r.out)
            if f["code"] in ("AKSNET070", "AKSNET071", "AKSNET072")]


CASES = [
    ("missing-apitcp", [], [("warning", "AKSNET071", "TCP:9000 to AzureCloud.eastus", "no rule matched",
                             "the article's rule 'apitcp' allows it")]),
    ("deny-collection-before-fqdn-tag",
     ["network firewall network-rule create -g rg -f fw -c aksfwnr -n apitcp --protocols TCP --source-addresses '*' "
      "--destination-addresses AzureCloud.eastus --destination-ports 9000",
      "network firewall application-rule create -g rg -f fw -c block -n arm --source-addresses '*' "
      "--protocols https=443 --target-fqdns management.azure.com --action deny --priority 100"],
     [("error", "AKSNET072", "HTTPS:443 to management.azure.com", "application rule collection block (priority 100), "
       "rule arm: Deny management.azure.com", "the article's rule 'fqdn' allows it")]),
    ("article-rules-complete",
     ["network firewall network-rule create -g rg -f fw -c aksfwnr -n apitcp --protocols TCP --source-addresses '*' "
      "--destination-addresses AzureCloud.eastus --destination-ports 9000"], []),
]


@pytest.mark.parametrize(("extra", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_required_egress(home: Path, extra: list[str], expected: list[tuple[str, ...]]) -> None:
    for line in SETUP + extra:
        az(line)
    got = egress_findings()
    assert len(got) == len(expected), got
    for (severity, code, message), (want_sev, want_code, *parts) in zip(got, expected, strict=True):
        assert (severity, code) == (want_sev, want_code), message
        for part in parts:
            assert part in message, message
