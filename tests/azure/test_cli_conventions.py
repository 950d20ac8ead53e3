"""az conventions on every command: ``-h``, ``-o json|jsonc|table|tsv|yaml|none``, ``--query``."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.azure.helpers import az, base, ok, snapshot
from tests.conftest import run_cli

COMMANDS = [
    "group create", "group show", "group list", "group delete", "group exists",
    "network vnet create", "network vnet show", "network vnet list", "network vnet update", "network vnet delete",
    "network vnet subnet create", "network vnet subnet show", "network vnet subnet list",
    "network vnet subnet update", "network vnet subnet delete",
    "network nsg create", "network nsg show", "network nsg list", "network nsg delete",
    "network nsg rule create", "network nsg rule show", "network nsg rule list", "network nsg rule update",
    "network nsg rule delete",
    "network route-table create", "network route-table show", "network route-table list", "network route-table delete",
    "network route-table route create", "network route-table route show", "network route-table route list",
    "network route-table route delete",
    "network public-ip create", "network public-ip show", "network public-ip list", "network public-ip delete",
    "network nat gateway create", "network nat gateway show", "network nat gateway list",
    "network lb show", "network lb list", "network nic show", "network nic list",
    "vm create", "vm show", "vm list", "vm delete", "vm list-ip-addresses",
    "account show", "account list", "account set",
    "aks create", "aks show", "aks list", "aks update", "aks scale", "aks delete", "aks get-credentials",
    "aks nodepool add", "aks nodepool list", "aks nodepool show", "aks nodepool scale", "aks nodepool delete",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help(home: Path, command: str) -> None:
    r = run_cli("az", *command.split(), "-h")
    assert r.code == 0, r.err
    assert f"az {command}" in r.out


READS = [
    "network vnet show -g rg -n vnet", "network vnet list", "network vnet subnet list -g rg --vnet-name vnet",
    "network nsg show -g rg -n nsg", "network nsg rule list -g rg --nsg-name nsg --include-default",
    "network route-table list -g rg", "network nic list", "vm list-ip-addresses", "vm list", "group list",
]


@pytest.mark.parametrize("output", ["json", "jsonc", "table", "tsv", "yaml", "yamlc", "none"])
def test_output_formats(home: Path, output: str) -> None:
    base()
    ok("vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1")
    for line in READS:
        r = run_cli("az", *shlex.split(line), "-o", output, "--only-show-errors")
        assert r.code == 0 and not r.err, (line, r.err)
        assert (r.out == "") == (output == "none"), line


def test_ids_on_show(home: Path) -> None:
    base()
    vnet_id = ok("network vnet show -g rg -n vnet --query id")
    nsg_id = ok("network nsg show -g rg -n nsg --query id")
    assert ok(f"network vnet show --ids {vnet_id} --query name") == "vnet"
    both = run_cli("az", "network", "nsg", "show", "--ids", str(nsg_id), str(nsg_id), "--query", "[].name")
    assert both.out.split() == ["[", '"nsg",', '"nsg"', "]"]


def test_only_show_errors_silences_warnings(home: Path) -> None:
    """az prints ``WARNING: …`` lines on stderr unless ``--only-show-errors`` is given."""
    base()
    create = "aks create -g rg -n c{} --network-plugin kubenet --node-count 1 --docker-bridge-address 172.17.0.1/16 " \
             "-o none"
    loud = run_cli("az", *create.format(1).split())
    assert loud.code == 0 and "WARNING: " in loud.err
    quiet = run_cli("az", *create.format(2).split(), "--only-show-errors")
    assert quiet.code == 0 and quiet.err == ""


@pytest.mark.parametrize("line", ["group show -n nope", "network vnet show -g rg -n nope",
                                  "network vnet subnet show -g rg --vnet-name vnet -n nope",
                                  "aks show -g rg -n nope", "aks nodepool show -g rg --cluster-name nope -n np"])
def test_show_of_missing_resource_exits_3(home: Path, line: str) -> None:
    base()
    r = run_cli("az", *line.split())
    assert r.code == 3 and r.err.startswith("ERROR: ("), r.err


UPDATES = [
    ("route-table-bgp", ["network route-table update -g rg -n rt --disable-bgp-route-propagation true"],
     "network route-table show -g rg -n rt --query disableBgpRoutePropagation", True),
    ("route-next-hop", ["network route-table route create -g rg --route-table-name rt -n r --address-prefix "
                        "0.0.0.0/0 --next-hop-type VirtualAppliance --next-hop-ip-address 10.0.0.4",
                        "network route-table route update -g rg --route-table-name rt -n r --next-hop-type internet"],
     "network route-table route show -g rg --route-table-name rt -n r --query [nextHopType,nextHopIpAddress]",
     ["Internet", None]),
    ("nat-idle-and-ips", ["network public-ip create -g rg -n ip1",
                          "network nat gateway update -g rg -n ng --idle-timeout 10 --public-ip-addresses ip1"],
     "network nat gateway show -g rg -n ng --query [idleTimeoutInMinutes,length(publicIpAddresses)]", [10, 1]),
    ("subnet-null-detaches", ["network vnet subnet update -g rg --vnet-name vnet -n s1 --nsg nsg --route-table rt "
                              "--nat-gateway ng",
                              "network vnet subnet update -g rg --vnet-name vnet -n s1 --nsg null --route-table null "
                              "--nat-gateway null"],
     "network vnet subnet show -g rg --vnet-name vnet -n s1 --query [networkSecurityGroup,routeTable,natGateway]",
     [None, None, None]),
    ("nic-ip-forwarding", ["vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet "
                           "--subnet s1",
                           "network nic update -g rg -n vm1VMNic --ip-forwarding true --network-security-group null"],
     "network nic show -g rg -n vm1VMNic --query [enableIPForwarding,networkSecurityGroup]", [True, None]),
]


@pytest.mark.parametrize(("steps", "query", "expected"), [u[1:] for u in UPDATES], ids=[u[0] for u in UPDATES])
def test_update_commands(home: Path, steps: list[str], query: str, expected: object) -> None:
    base()
    ok("network nat gateway create -g rg -n ng")
    for step in steps:
        ok(step)
    assert json.loads(run_cli("az", *shlex.split(query)).out) == expected


@pytest.mark.parametrize(("line", "err"), [
    ("network public-ip create -g rg -n ip --version ipv9",
     "ERROR: az network public-ip create: 'ipv9' is not a valid value for '--version'. Allowed values: IPv4, IPv6.\n"),
    ("network nsg rule create -g rg --nsg-name nsg -n r --priority 100 --access Alow",
     "ERROR: az network nsg rule create: 'Alow' is not a valid value for '--access'. Allowed values: Allow, Deny.\n"
     "Did you mean 'Allow' ?\n"),
], ids=["pip-version", "nsg-access-typo"])
def test_enum_errors_in_az_words(home: Path, line: str, err: str) -> None:
    base()
    r = az(line)
    assert (r.code, r.err) == (2, err)


QUERY_HINT = "To learn more about --query, please visit: 'https://learn.microsoft.com/cli/azure/query-azure-cli'\n"


@pytest.mark.parametrize(("line", "code", "err"), [
    ("network vnet list --query length(nonexistent)", 1,
     "ERROR: Invalid jmespath query supplied for `--query`: In function length(), invalid type for value: None, "
     "expected one of: ['string', 'array', 'object'], received: \"null\"\n" + QUERY_HINT),
    ("network vnet show -g rg -n vnet --query nosuch(name)", 1,
     "ERROR: Invalid jmespath query supplied for `--query`: Unknown function: nosuch()\n" + QUERY_HINT),
    ("network vnet show -g rg -n vnet --query abs(name)", 1,
     "ERROR: Invalid jmespath query supplied for `--query`: In function abs(), invalid type for value: vnet, "
     "expected one of: ['number'], received: \"string\"\n" + QUERY_HINT),
    ("network vnet list --query [?name==", 2, "ERROR: argument --query: invalid jmespath_type value: '[?name=='\n"),
    ("network vnet create -g rg -n v2 --query {a:", 2, "ERROR: argument --query: invalid jmespath_type value: '{a:'\n"),
], ids=["length-of-null", "unknown-function", "wrong-type", "syntax-on-list", "syntax-on-create"])
def test_bad_query_in_az_words(home: Path, line: str, code: int, err: str) -> None:
    """azure-cli's handle_exception words a failing query (InvalidArgumentValueError, exit 1); knack's
    jmespath_type refuses one that does not parse (argparse, exit 2). No traceback, nothing changes."""
    base()
    before = snapshot(home)
    r = az(line)
    assert (r.code, r.out, r.err) == (code, "", err)
    assert snapshot(home) == before


# The fields of a recorded GET of a zonal Standard public IP (azure-cli
# src/azure-cli/azure/cli/command_modules/network/tests/latest/recordings/test_natgateway_basic.yaml), as az flattens
# them, plus the resourceGroup az adds.
RECORDED_PIP_FIELDS = {"name", "id", "etag", "location", "zones", "provisioningState", "resourceGuid", "ipAddress",
                       "publicIPAddressVersion", "publicIPAllocationMethod", "idleTimeoutInMinutes", "ipTags",
                       "ddosSettings", "type", "sku", "resourceGroup"}


@pytest.mark.parametrize(("sku", "expected"), [
    ("standard", {"name": "Standard", "tier": "Regional"}),
    ("StandardV2", {"name": "StandardV2", "tier": "Regional"}),
    ("standardv2", {"name": "StandardV2", "tier": "Regional"}),
], ids=["standard", "standardv2", "standardv2-lower"])
def test_public_ip_show_matches_recorded_response(home: Path, sku: str, expected: dict[str, str]) -> None:
    ok("group create -n rg -l eastus2")
    ok(f"network public-ip create -g rg -n pip -l eastus2 --zone 2 --sku {sku}")
    shown = ok("network public-ip show -g rg -n pip")
    assert isinstance(shown, dict)
    assert set(shown) == RECORDED_PIP_FIELDS
    assert (shown["sku"], shown["ddosSettings"], shown["zones"]) == (
        expected, {"protectionMode": "VirtualNetworkInherited"}, ["2"])


@pytest.mark.parametrize(("pip_sku", "nat_sku", "code", "err"), [
    ("StandardV2", "StandardV2", 0, ""),
    ("Standard", None, 0, ""),
    ("StandardV2", None, 1, "(NatGatewayPublicIpSkuMismatch)"),
    ("Standard", "StandardV2", 1, "(NatGatewayPublicIpSkuMismatch)"),
    ("Basic", "StandardV2", 1, "(NatGatewayCannotUseBasicPublicIP)"),
    ("Standard", "standard-v2", 2, "'standard-v2' is not a valid value for '--sku'. Allowed values: Standard, "
                                   "StandardV2."),
], ids=["v2-v2", "std-default", "v2-ip-std-gateway", "std-ip-v2-gateway", "basic-ip", "bad-spelling"])
def test_nat_gateway_sku_takes_its_own_public_ips(home: Path, pip_sku: str, nat_sku: str | None, code: int,
                                                  err: str) -> None:
    ok("group create -n rg -l eastus")
    ok(f"network public-ip create -g rg -n pip --sku {pip_sku}")
    before = snapshot(home)
    r = az("network nat gateway create -g rg -n ng --public-ip-addresses pip"
           + (f" --sku {nat_sku}" if nat_sku else ""))
    assert r.code == code and err in r.err
    if code:
        assert snapshot(home) == before
