"""``az network firewall``: what the commands store (ARM's shape, as az prints it) and every rule they enforce
(one row each; a failed command leaves the workspace unchanged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.azure.helpers import az, ok, snapshot

SUB = "/subscriptions/00000000-0000-4000-8000-00000000a5e7"
NET = f"{SUB}/resourceGroups/rg/providers/Microsoft.Network"
FW = f"{NET}/azureFirewalls/fw"

SETUP = [
    "group create -n rg -l eastus",
    "network vnet create -g rg -n hub --address-prefixes 10.0.0.0/16 --subnet-name AzureFirewallSubnet "
    "--subnet-prefixes 10.0.1.0/26",
    "network vnet create -g rg -n small --address-prefixes 10.1.0.0/16 --subnet-name AzureFirewallSubnet "
    "--subnet-prefixes 10.1.1.0/27",
    "network vnet create -g rg -n other --address-prefixes 10.2.0.0/16 --subnet-name workload "
    "--subnet-prefixes 10.2.0.0/24",
    "network public-ip create -g rg -n fwpip --sku Standard",
    "network public-ip create -g rg -n pip2 --sku Standard",
    "network firewall create -g rg -n fw --enable-dns-proxy true",
]


def setup() -> None:
    for line in SETUP:
        ok(line)


def test_firewall_create_and_ip_config(home: Path) -> None:
    setup()
    fw = ok("network firewall show -g rg -n fw")
    assert isinstance(fw, dict)
    assert (fw["sku"], fw["threatIntelMode"], fw["additionalProperties"]) == (
        {"name": "AZFW_VNet", "tier": "Standard"}, "Alert", {"Network.DNS.EnableProxy": "true"})
    cfg = ok("network firewall ip-config create -g rg -f fw -n cfg --vnet-name hub --public-ip-address fwpip")
    assert isinstance(cfg, dict)
    assert (cfg["privateIPAddress"], cfg["subnet"]["id"]) == ("10.0.1.4", f"{NET}/virtualNetworks/hub/subnets/"
                                                                          "AzureFirewallSubnet")
    pip = ok("network public-ip show -g rg -n fwpip")
    assert isinstance(pip, dict) and pip["ipConfiguration"]["id"] == f"{FW}/azureFirewallIpConfigurations/cfg"
    ok("network firewall delete -g rg -n fw")
    pip = ok("network public-ip show -g rg -n fwpip")
    assert isinstance(pip, dict) and "ipConfiguration" not in pip
    ok("network vnet subnet delete -g rg --vnet-name hub -n AzureFirewallSubnet")


def test_rules_stored_in_collections(home: Path) -> None:
    setup()
    ok("network firewall application-rule create -g rg -f fw -c aksfwar -n fqdn --source-addresses '*' "
       "--protocols http=80 https=443 --fqdn-tags AzureKubernetesService --action allow --priority 100")
    ok("network firewall application-rule create -g rg -f fw -c aksfwar -n ghcr --source-addresses 10.0.0.0/8 "
       "--protocols https --target-fqdns ghcr.io")
    ok("network firewall network-rule create -g rg -f fw -c aksfwnr -n ntp --protocols udp --source-addresses '*' "
       "--destination-addresses '*' --destination-ports 123 --action Allow --priority 200")
    ok("network firewall nat-rule create -g rg -f fw -c inbound -n web --protocols tcp --source-addresses '*' "
       "--destination-addresses 20.0.0.4 --destination-ports 80 --translated-address 10.2.0.10 --translated-port 80 "
       "--action dnat --priority 100")
    fw = ok("network firewall show -g rg -n fw")
    assert isinstance(fw, dict)
    app = fw["applicationRuleCollections"][0]
    assert (app["name"], app["priority"], app["action"], [r["name"] for r in app["rules"]]) == (
        "aksfwar", 100, {"type": "Allow"}, ["fqdn", "ghcr"])
    assert app["rules"][0]["protocols"] == [{"port": 80, "protocolType": "Http"},
                                            {"port": 443, "protocolType": "Https"}]
    assert app["rules"][1]["protocols"] == [{"port": 443, "protocolType": "Https"}]
    assert fw["networkRuleCollections"][0]["rules"][0]["protocols"] == ["UDP"]
    nat = fw["natRuleCollections"][0]
    assert (nat["action"], nat["rules"][0]["translatedAddress"]) == ({"type": "Dnat"}, "10.2.0.10")
    assert nat["id"] == f"{FW}/natRuleCollections/inbound"


CASES = [
    ("subnet-too-small",
     "network firewall ip-config create -g rg -f fw -n cfg --vnet-name small --public-ip-address fwpip", 1,
     "ERROR: (AzureFirewallSubnetPrefixTooSmall) Subnet 'AzureFirewallSubnet' with address prefix 10.1.1.0/27 is "
     f"too small for Azure Firewall {FW}: the minimum size is /26."),
    ("no-firewall-subnet",
     "network firewall ip-config create -g rg -f fw -n cfg --vnet-name other --public-ip-address fwpip", 1,
     f"ERROR: (InvalidResourceReference) Resource {NET}/virtualNetworks/other/subnets/AzureFirewallSubnet referenced "
     f"by resource {FW}/azureFirewallIpConfigurations/cfg was not found."),
    ("public-ip-missing",
     "network firewall ip-config create -g rg -f fw -n cfg --vnet-name hub --public-ip-address nope", 1,
     f"ERROR: (InvalidResourceReference) Resource {NET}/publicIPAddresses/nope referenced by resource "
     f"{FW}/azureFirewallIpConfigurations/cfg was not found."),
    ("firewall-missing",
     "network firewall ip-config create -g rg -f nofw -n cfg --vnet-name hub --public-ip-address fwpip", 3,
     "ERROR: (ResourceNotFound) The Resource 'Microsoft.Network/azureFirewalls/nofw' under resource group 'rg' "
     "was not found."),
    ("new-collection-needs-priority",
     "network firewall network-rule create -g rg -f fw -c c1 -n r --protocols TCP --source-addresses '*' "
     "--destination-addresses '*' --destination-ports 80", 1,
     "ERROR: usage error: --collection-name EXISTING_NAME | --collection-name NEW_NAME --priority INT --action "
     "ACTION"),
    ("priority-out-of-range",
     "network firewall network-rule create -g rg -f fw -c c1 -n r --protocols TCP --source-addresses '*' "
     "--destination-addresses '*' --destination-ports 80 --priority 99 --action Allow", 1,
     f"ERROR: (AzureFirewallRuleCollectionInvalidPriority) Rule collection {FW}/networkRuleCollections/c1 has "
     "invalid priority 99. The priority must be between 100 and 65000."),
    ("bad-app-protocol",
     "network firewall application-rule create -g rg -f fw -c c1 -n r --protocols ftp=21 --source-addresses '*' "
     "--target-fqdns a.com --priority 100 --action Allow", 2,
     "ERROR: usage error: --protocols: 'ftp=21' is not PROTOCOL=PORT with PROTOCOL one of Http, Https, Mssql"),
    ("fqdns-and-tags",
     "network firewall application-rule create -g rg -f fw -c c1 -n r --protocols https --source-addresses '*' "
     "--target-fqdns a.com --fqdn-tags AzureKubernetesService --priority 100 --action Allow", 2,
     "ERROR: usage error: specify either --target-fqdns or --fqdn-tags, not both"),
    ("bad-tier",
     "network firewall create -g rg -n fw2 --tier Gold", 2,
     "ERROR: az network firewall create: 'Gold' is not a valid value for '--tier'. Allowed values: Standard, "
     "Premium, Basic."),
]


@pytest.mark.parametrize(("line", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_firewall_rule(home: Path, line: str, code: int, message: str) -> None:
    setup()
    before = snapshot(home)
    r = az(line)
    assert r.code == code, (r.code, r.err)
    assert r.err.startswith(message), r.err
    assert snapshot(home) == before, "a failed command must leave the workspace unchanged"


def test_second_subnet_reference_refused(home: Path) -> None:
    setup()
    ok("network firewall ip-config create -g rg -f fw -n cfg --vnet-name hub --public-ip-address fwpip")
    before = snapshot(home)
    r = az("network firewall ip-config create -g rg -f fw -n cfg2 --vnet-name hub --public-ip-address pip2")
    assert r.err.startswith(f"ERROR: (AzureFirewallCannotHaveMultipleSubnetReferences) Azure Firewall {FW} cannot "
                            "have more than one subnet reference"), r.err
    assert snapshot(home) == before
    cfg = ok("network firewall ip-config create -g rg -f fw -n cfg2 --public-ip-address pip2")
    assert isinstance(cfg, dict) and "subnet" not in cfg and "privateIPAddress" not in cfg
