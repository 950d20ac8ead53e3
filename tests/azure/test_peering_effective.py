"""Tables for VNet peering states and errors, effective routes/security rules and IP availability."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.analyses import effective
from aksnet.model import azure
from tests.azure.helpers import az, ok, snapshot

VNETS = [
    "group create -n rg -l eastus",
    "network vnet create -g rg -n a --address-prefixes 10.0.0.0/16 --subnet-name s --subnet-prefixes 10.0.0.0/24",
    "network vnet create -g rg -n b --address-prefixes 10.1.0.0/16",
    "network vnet create -g rg -n c --address-prefixes 10.0.200.0/24",
]


def setup() -> None:
    for line in VNETS:
        ok(line)


def state(vnet: str, name: str) -> object:
    return ok(f"network vnet peering show -g rg --vnet-name {vnet} -n {name} --query peeringState")


@pytest.mark.parametrize("steps, expected", [
    (["a p1 b"], {("a", "p1"): "Initiated"}),
    (["a p1 b", "b p2 a"], {("a", "p1"): "Connected", ("b", "p2"): "Connected"}),
    (["a p1 b", "b p2 a", "-a p1"], {("b", "p2"): "Disconnected"}),
    (["a p1 b", "b p2 a", "-a p1", "-b p2", "b p2 a"], {("b", "p2"): "Initiated"}),
    (["a p1 b", "b p2 a", "!b"], {("a", "p1"): "Disconnected"}),
    (["a p1 b", "b p2 a", "-a p1", "~b p2"], {("b", "p2"): "Initiated"}),
    (["a p1 b", "b p2 a", "-a p1", "~b p2", "a p1 b"], {("a", "p1"): "Connected", ("b", "p2"): "Connected"}),
], ids=["one-side", "both-sides", "delete-one-side", "recreate-after-both-deleted", "remote-vnet-deleted",
        "update-reinitiates-disconnected", "reconnect-after-update"])
def test_peering_states(home: Path, steps: list[str], expected: dict[tuple[str, str], str]) -> None:
    setup()
    for step in steps:
        if step.startswith("-"):
            vnet, name = step[1:].split()
            ok(f"network vnet peering delete -g rg --vnet-name {vnet} -n {name}")
        elif step.startswith("~"):
            vnet, name = step[1:].split()
            ok(f"network vnet peering update -g rg --vnet-name {vnet} -n {name}")
        elif step.startswith("!"):
            ok(f"network vnet delete -g rg -n {step[1:]}")
        else:
            vnet, name, remote = step.split()
            ok(f"network vnet peering create -g rg --vnet-name {vnet} -n {name} --remote-vnet {remote}")
    for (vnet, name), want in expected.items():
        assert state(vnet, name) == want


@pytest.mark.parametrize("line, code", [
    ("network vnet peering create -g rg --vnet-name a -n x --remote-vnet c", "VnetAddressSpacesOverlap"),
    ("network vnet peering create -g rg --vnet-name a -n x --remote-vnet a", "VnetAddressSpacesOverlap"),
    ("network vnet peering create -g rg --vnet-name a -n x --remote-vnet nope", "InvalidResourceReference"),
    ("network vnet peering create -g rg --vnet-name nope -n x --remote-vnet b", "ResourceNotFound"),
    ("network vnet peering create -g rg --vnet-name a -n bad! --remote-vnet b", "InvalidResourceName"),
    ("network vnet peering create -g rg --vnet-name a -n x --remote-vnet b --use-remote-gateways",
     "RemoteVnetHasNoGateways"),
    ("network vnet peering show -g rg --vnet-name a -n missing", "NotFound"),
], ids=["overlap", "self", "remote-missing", "vnet-missing", "bad-name", "no-gateways", "show-missing"])
def test_peering_errors_change_nothing(home: Path, line: str, code: str) -> None:
    setup()
    before = snapshot(home)
    r = az(line)
    not_found = code in ("ResourceNotFound", "NotFound")
    assert r.code == (3 if not_found else 1) and f"({code})" in r.err  # az: every 404 exits 3
    assert snapshot(home) == before


def test_bad_flag_value_is_usage_error(home: Path) -> None:
    setup()
    r = az("network vnet peering create -g rg --vnet-name a -n x --remote-vnet b --allow-vnet-access maybe")
    assert r.code == 2 and "invalid value 'maybe'" in r.err


def test_group_delete_disconnects_peers_elsewhere(home: Path) -> None:
    setup()
    ok("group create -n other -l eastus")
    ok("network vnet create -g other -n d --address-prefixes 10.5.0.0/16")
    ok("network vnet peering create -g rg --vnet-name a -n to-d --remote-vnet "
       "/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/other/providers/Microsoft.Network/"
       "virtualNetworks/d")
    ok("group delete -n other --yes")
    assert state("a", "to-d") == "Disconnected"


# -- effective routes / rules on the model ---------------------------------------------------------------
NIC_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/n"
SUBNET_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a/subnets/s"


def twin_with(peering_state: str, attached: bool = True) -> effective.Twin:
    vnet = azure.VirtualNetwork(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a", "a", "rg", "eastus",
        ("10.0.0.0/16",), (azure.Subnet(SUBNET_ID, "s", "a", ("10.0.0.0/24",)),),
        (azure.VnetPeering("p", "/x/b", ("10.1.0.0/16",), state=peering_state),))
    nic = azure.NetworkInterface(NIC_ID, "n", "rg", (azure.NicIPConfiguration("ipconfig1", "10.0.0.4", SUBNET_ID),),
                                 owner_id="/vm" if attached else None)
    return effective.Twin(vnets=(vnet,), nics=(nic,))


@pytest.mark.parametrize("peering_state, has_peering_route", [
    ("Connected", True), ("Initiated", False), ("Disconnected", False),
], ids=["connected", "initiated", "disconnected"])
def test_only_connected_peerings_program_routes(peering_state: str, has_peering_route: bool) -> None:
    rows = effective.effective_route_table(twin_with(peering_state), NIC_ID)["value"]
    assert any(r["nextHopType"] == "VNetPeering" for r in rows) is has_peering_route


def test_unattached_nic_has_no_effective_routes() -> None:
    with pytest.raises(effective.AzureError, match="not attached"):
        effective.effective_route_table(twin_with("Connected", attached=False), NIC_ID)


TAGS = {"VirtualNetwork": ["10.0.0.0/16", "168.63.129.16/32"], "AzureLoadBalancer": ["168.63.129.16/32"],
        "Internet": ["1.0.0.0/8"]}


@pytest.mark.parametrize("rule, field, value", [
    (azure.SecurityRule("r", 100, "Inbound", "Allow"), "sourcePortRange", "0-65535"),
    (azure.SecurityRule("r", 100, "Inbound", "Allow"), "protocol", "All"),
    (azure.SecurityRule("r", 100, "Inbound", "Allow", destination_ports=("22",)), "destinationPortRange", "22-22"),
    (azure.SecurityRule("r", 100, "Inbound", "Allow", source_prefixes=("1.2.3.4",)), "sourceAddressPrefix",
     "1.2.3.4/32"),
    (azure.SecurityRule("r", 100, "Inbound", "Allow", source_prefixes=("VirtualNetwork",)),
     "expandedSourceAddressPrefix", ["10.0.0.0/16", "168.63.129.16/32"]),
    (azure.SecurityRule("r", 100, "Inbound", "Allow", destination_ports=("80", "443")), "destinationPortRanges",
     ["80-80", "443-443"]),
    (azure.SecurityRule("AllowVnetInBound", 65000, "Inbound", "Allow", is_default=True), "name",
     "defaultSecurityRules/AllowVnetInBound"),
], ids=["any-port", "any-protocol", "one-port", "one-ip", "vnet-tag", "two-ports", "default-rule"])
def test_effective_rule_normalisation(rule: azure.SecurityRule, field: str, value: object) -> None:
    assert effective.effective_rule(rule, TAGS)[field] == value


@pytest.mark.parametrize("ip, available", [
    ("10.0.0.4", True), ("10.0.0.3", False), ("10.0.0.255", False), ("10.0.0.5", True),
], ids=["first-usable", "azure-dns-reserved", "broadcast", "free"])
def test_check_ip_address(home: Path, ip: str, available: bool) -> None:
    setup()
    got = ok(f"network vnet check-ip-address -g rg -n a --ip-address {ip}")
    assert isinstance(got, dict) and got["available"] is available


@pytest.mark.parametrize("allow, in_tag", [(True, True), (False, False)], ids=["access-allowed", "access-disabled"])
def test_vnet_access_flag_controls_virtual_network_tag(allow: bool, in_tag: bool) -> None:
    """allowVirtualNetworkAccess=false: the peered space leaves the VirtualNetwork tag (routes stay)."""
    base = twin_with("Connected")
    vnet = base.vnets[0]
    peering = azure.VnetPeering("p", "/x/b", ("10.1.0.0/16",), allow_virtual_network_access=allow)
    twin = effective.Twin(vnets=(effective.replace(vnet, peerings=(peering,)),), nics=base.nics)
    ctx = effective._Context(twin, NIC_ID)
    assert ("10.1.0.0/16" in effective.tag_map(ctx)["VirtualNetwork"]) is in_tag
    rows = effective.effective_route_table(twin, NIC_ID)["value"]
    assert any(r["nextHopType"] == "VNetPeering" for r in rows)


def test_update_vnet_space_marks_peers_out_of_sync(home: Path) -> None:
    setup()
    ok("network vnet peering create -g rg --vnet-name a -n ab --remote-vnet b")
    ok("network vnet peering create -g rg --vnet-name b -n ba --remote-vnet a")
    ok("network vnet update -g rg -n b --address-prefixes 10.1.0.0/16 10.3.0.0/16")
    got = ok("network vnet peering show -g rg --vnet-name a -n ab")
    assert isinstance(got, dict)
    assert got["peeringSyncLevel"] == "LocalNotInSync"
    assert got["remoteAddressSpace"]["addressPrefixes"] == ["10.1.0.0/16"]
    assert ok("network vnet peering show -g rg --vnet-name b -n ba --query peeringSyncLevel") == "RemoteNotInSync"
    ok("network vnet peering sync -g rg --vnet-name a -n ab")
    assert ok("network vnet peering show -g rg --vnet-name b -n ba --query peeringSyncLevel") == "FullyInSync"
