"""Every Azure network rule the twin enforces, with its exact code and message (one row each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.azure.helpers import az, base, ok, snapshot
from tests.conftest import az_error_head

SUB = "/subscriptions/00000000-0000-4000-8000-00000000a5e7"
RG = f"{SUB}/resourceGroups/rg/providers/Microsoft.Network"

CASES = [
    ("subnet-outside-vnet",
     "network vnet subnet create -g rg --vnet-name vnet -n s2 --address-prefixes 10.1.0.0/24",
     "ERROR: (NetcfgSubnetRangeOutsideVnet) Subnet 's2' is not valid because its IP address range is outside the "
     "IP address range of virtual network 'vnet'."),
    ("subnet-overlap",
     "network vnet subnet create -g rg --vnet-name vnet -n s2 --address-prefixes 10.0.0.128/25",
     "ERROR: (NetcfgSubnetRangesOverlap) Subnet 's2' is not valid because its IP address range overlaps with that "
     "of an existing subnet in virtual network 'vnet'."),
    ("subnet-smaller-than-29",
     "network vnet subnet create -g rg --vnet-name vnet -n s2 --address-prefixes 10.0.1.0/30",
     "ERROR: (NetcfgInvalidSubnet) Subnet 's2' is not valid in virtual network 'vnet'."),
    ("subnet-malformed-cidr",
     "network vnet subnet create -g rg --vnet-name vnet -n s2 --address-prefixes 10.0.1.0/33",
     f"ERROR: (InvalidAddressPrefixFormat) Address prefix 10.0.1.0/33 of resource {RG}/virtualNetworks/vnet/subnets/"
     "s2 is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24."),
    ("subnet-host-bits",
     "network vnet subnet create -g rg --vnet-name vnet -n s2 --address-prefixes 10.0.1.7/24",
     f"ERROR: (InvalidCIDRNotation) The address prefix 10.0.1.7/24 in resource {RG}/virtualNetworks/vnet/subnets/s2 "
     "has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.0.1.0/24."),
    ("vnet-malformed-cidr",
     "network vnet create -g rg -n v2 --address-prefixes 10.0.0/16",
     f"ERROR: (InvalidAddressPrefixFormat) Address prefix 10.0.0/16 of resource {RG}/virtualNetworks/v2 is not "
     "formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24."),
    ("vnet-address-spaces-overlap",
     "network vnet create -g rg -n v2 --address-prefixes 10.5.0.0/16 10.5.128.0/17",
     "ERROR: (VnetAddressSpacesOverlap) Cannot create or update virtual network v2 because the address spaces "
     "10.5.0.0/16 and 10.5.128.0/17 overlap."),
    ("vnet-shrink-outside-subnet",
     "network vnet update -g rg -n vnet --address-prefixes 10.1.0.0/16",
     "ERROR: (NetcfgSubnetRangeOutsideVnet) Subnet 's1' is not valid because its IP address range is outside the "
     "IP address range of virtual network 'vnet'."),
    ("vnet-bad-name",
     "network vnet create -g rg -n bad!",
     "ERROR: (InvalidResourceName) Resource name bad! is invalid. The name can be up to 80 characters long. It must "
     "begin with a word character, and it must end with a word character or with '_'. The name may contain word "
     "characters or '.', '-', '_'."),
    ("group-not-found",
     "network vnet create -g nope -n v2",
     "ERROR: (ResourceGroupNotFound) Resource group 'nope' could not be found."),
    ("vnet-not-found",
     "network vnet show -g rg -n nope",
     "ERROR: (ResourceNotFound) The Resource 'Microsoft.Network/virtualNetworks/nope' under resource group 'rg' was "
     "not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"),
    ("subnet-not-found",
     "network vnet subnet show -g rg --vnet-name vnet -n nope",
     f"ERROR: (NotFound) Resource {RG}/virtualNetworks/vnet/subnets/nope not found."),
    ("nsg-priority-low",
     "network nsg rule create -g rg --nsg-name nsg -n r --priority 99",
     "ERROR: (SecurityRuleInvalidPriority) Security rule has invalid Priority. Value provided: 99 Allowed range "
     "100-4096."),
    ("nsg-priority-high",
     "network nsg rule create -g rg --nsg-name nsg -n r --priority 4097",
     "ERROR: (SecurityRuleInvalidPriority) Security rule has invalid Priority. Value provided: 4097 Allowed range "
     "100-4096."),
    ("nsg-rule-name-81",
     "network nsg rule create -g rg --nsg-name nsg -n " + "a" * 81 + " --priority 100",
     "ERROR: (InvalidResourceName) Resource name " + "a" * 81 + " is invalid."),
    ("nsg-port-range",
     "network nsg rule create -g rg --nsg-name nsg -n r --priority 100 --destination-port-ranges 70000",
     "ERROR: (SecurityRuleInvalidPortRange) Security rule has invalid Port range. Value provided: 70000. Value "
     "should be an integer OR integer range with '-' delimiter. Valid range 0-65535."),
    ("route-appliance-needs-ip",
     "network route-table route create -g rg --route-table-name rt -n r --address-prefix 10.2.0.0/16 "
     "--next-hop-type VirtualAppliance",
     f"ERROR: (InvalidRouteNextHopIpAddress) NextHopIpAddress cannot be Null or Empty in route {RG}/routeTables/rt/"
     "routes/r when NextHopType is VirtualAppliance."),
    ("route-ip-only-for-appliance",
     "network route-table route create -g rg --route-table-name rt -n r --address-prefix 10.2.0.0/16 "
     "--next-hop-type Internet --next-hop-ip-address 10.0.0.4",
     f"ERROR: (InvalidRouteNextHopIpAddress) NextHopIpAddress is only allowed in route {RG}/routeTables/rt/routes/r "
     "when NextHopType is VirtualAppliance."),
    ("nic-static-reserved",
     "vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1 "
     "--private-ip-address 10.0.0.3",
     "ERROR: (PrivateIPAddressInReservedRange) Private static IP address 10.0.0.3 falls within reserved IP range of "
     "subnet prefix 10.0.0.0/24."),
    ("nic-static-outside",
     "vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1 "
     "--private-ip-address 10.0.1.9",
     "ERROR: (PrivateIPAddressNotInSubnet) Private static IP address 10.0.1.9 does not belong to the range of subnet "
     "prefix 10.0.0.0/24."),
    ("vm-no-key",
     "vm create -g rg -n vm1 --image Ubuntu2204",
     "ERROR: An RSA key file or key value must be supplied to SSH Key Value. You can use --generate-ssh-keys to let "
     "CLI generate one for you"),
    ("vm-bad-image",
     "vm create -g rg -n vm1 --image Plan9 --generate-ssh-keys",
     'ERROR: Invalid image "Plan9". Use a valid image URN'),
    ("vm-admin-root",
     "vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --admin-username root",
     "ERROR: This user name 'root' meets the general requirements, but is specifically disallowed for this image. "
     "Please try a different value."),
    ("public-ip-bad-dns-label",
     "network public-ip create -g rg -n pip --dns-name 9lives",
     "ERROR: (InvalidDomainNameLabel) The domain name label 9lives is invalid. It must conform to the following "
     "regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$."),
    ("group-delete-needs-yes",
     "group delete -n rg",
     "ERROR: Unable to prompt for confirmation as no tty available. Use --yes."),
]


@pytest.mark.parametrize(("line", "message"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_rule(home: Path, line: str, message: str) -> None:
    base()
    before = snapshot(home)
    r = az(line)
    not_found = any(f"({c})" in message for c in ("ResourceNotFound", "ResourceGroupNotFound", "NotFound"))
    assert r.code == (3 if not_found else 1), (r.code, r.err)  # az: every 404 exits 3
    assert r.err.startswith(message), r.err
    assert snapshot(home) == before, "a failed command must leave the workspace unchanged"


def test_security_rule_conflict(home: Path) -> None:
    base()
    ok("network nsg rule create -g rg --nsg-name nsg -n allow-http --priority 100 --protocol Tcp "
       "--destination-port-ranges 80")
    r = az("network nsg rule create -g rg --nsg-name nsg -n allow-ssh --priority 100 --destination-port-ranges 22")
    assert az_error_head(r.err).strip() == (
        "ERROR: (SecurityRuleConflict) Security rule allow-ssh conflicts with rule allow-http. Rules cannot have the "
        "same Priority and Direction. To learn more, see aka.ms/nsgrules.")
    # the same priority in the other direction is fine
    ok("network nsg rule create -g rg --nsg-name nsg -n out --priority 100 --direction Outbound")


def test_in_use_errors(home: Path) -> None:
    base()
    ok("network vnet subnet update -g rg --vnet-name vnet -n s1 --network-security-group nsg --route-table rt")
    r = az("network nsg delete -g rg -n nsg")
    assert az_error_head(r.err).strip() == (
        f"ERROR: (InUseNetworkSecurityGroupCannotBeDeleted) Network security group {RG}/networkSecurityGroups/nsg "
        f"cannot be deleted because it is in use by the following resources: {RG}/virtualNetworks/vnet/subnets/s1. "
        "In order to delete the Network security group, remove the association with the resource(s). To learn more, "
        "see aka.ms/deletensg.")
    r = az("network route-table delete -g rg -n rt")
    assert r.err.startswith(f"ERROR: (InUseRouteTableCannotBeDeleted) Route table {RG}/routeTables/rt cannot be "
                            "deleted because it is in use by the following resources:")
    ok("vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1")
    r = az("network vnet subnet delete -g rg --vnet-name vnet -n s1")
    assert az_error_head(r.err).strip() == (
        f"ERROR: (InUseSubnetCannotBeDeleted) Subnet s1 is in use by {RG}/networkInterfaces/vm1VMNic/ipConfigurations/"
        "ipconfigvm1 and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. "
        "See aka.ms/deletesubnet.")
    # detaching with "" makes the NSG and route table deletable
    ok('network vnet subnet update -g rg --vnet-name vnet -n s1 --network-security-group "" --route-table ""')
    assert az("network route-table delete -g rg -n rt").code == 0
    assert az("network nsg delete -g rg -n nsg").code == 0


def test_route_table_400_routes(home: Path) -> None:
    from aksnet.store import Workspace
    from aksnet.twin import network as net

    base()
    ws = Workspace.open(home)
    with ws.transaction() as tx:
        rt = net.route_table_id("rg", "rt")
        for i in range(400):
            net.upsert_route(tx, rt, f"r{i}", f"10.{100 + i // 256}.{i % 256}.0/24", "VnetLocal")
    ws.close()
    r = az("network route-table route create -g rg --route-table-name rt -n r400 --address-prefix 10.200.0.0/24 "
           "--next-hop-type VnetLocal")
    assert r.err.startswith(f"ERROR: (RouteTableRoutesLimitReached) Route table {RG}/routeTables/rt has reached the "
                            "maximum of 400 routes.")


@pytest.mark.parametrize(("flags", "want"), [
    ("", ["10.0.0.4", "10.0.0.5", "10.0.0.6"]),
    ("--private-ip-address 10.0.0.200", ["10.0.0.4", "10.0.0.200", "10.0.0.5"]),
], ids=["dynamic-first-free", "static"])
def test_nic_addresses(home: Path, flags: str, want: list[str]) -> None:
    base()
    got = []
    for i, extra in enumerate(["", flags, ""]):
        out = ok(f"vm create -g rg -n vm{i} --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1 "
                 f"{extra}")
        assert isinstance(out, dict)
        got.append(out["privateIpAddress"])
    assert got == want


def test_static_address_in_use(home: Path) -> None:
    base()
    ok("vm create -g rg -n vm0 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1")
    r = az("vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1 "
           "--private-ip-address 10.0.0.4")
    assert r.err.startswith(f"ERROR: (PrivateIPAddressInUse) IP configuration {RG}/networkInterfaces/vm1VMNic/"
                            "ipConfigurations/ipconfigvm1 is using the private IP address 10.0.0.4 which is already "
                            f"allocated to resource {RG}/networkInterfaces/vm0VMNic/ipConfigurations/ipconfigvm0.")


def test_usage_errors_exit_2(home: Path) -> None:
    base()
    assert az("network vnet create -g rg -n v --bogus").code == 2
    assert az("network vnet show").code == 2
    assert az("network nsg rule create -g rg --nsg-name nsg -n r --priority high").code == 2
    assert az("network vnet show --ids not-an-id").code == 2


def test_group_delete_blocked_by_outside_nic(home: Path) -> None:
    """A VNet's group cannot go while a NIC of another group holds an address in one of its subnets."""
    base()
    ok("group create -n app -l eastus")
    ok(f"vm create -g app -n vm1 --image Ubuntu2204 --generate-ssh-keys --subnet {RG}/virtualNetworks/vnet/subnets/s1")
    before = snapshot(home)
    r = az("group delete -n rg --yes")
    assert r.err.startswith("ERROR: (ResourceGroupDeletionBlocked) Deletion of resource group 'rg' failed as "
                            f"resources with identifiers '{RG}/virtualNetworks/vnet/subnets/s1' could not be deleted.")
    assert snapshot(home) == before
    ok("group delete -n app --yes")
    ok("group delete -n rg --yes")
    assert ok("group list") == []


def test_subnet_create_on_existing_subnet_sets_delegations(home: Path) -> None:
    """``subnet create`` of an existing name is ARM's PUT: the delegations given replace the old ones."""
    base()
    ok("network vnet subnet create -g rg --vnet-name vnet -n d --address-prefixes 10.0.9.0/24")
    got = ok("network vnet subnet create -g rg --vnet-name vnet -n d --address-prefixes 10.0.9.0/24 "
             "--delegations Microsoft.Sql/managedInstances --query delegations[].serviceName")
    assert got == ["Microsoft.Sql/managedInstances"]


@pytest.mark.parametrize(("version", "prefix"), [("IPv4", "20.81.0."), ("IPv6", "2603:1030:8:5::")],
                         ids=["ipv4", "ipv6"])
def test_public_ip_version(home: Path, version: str, prefix: str) -> None:
    """``--version IPv6`` gives an IPv6 public address (the emulated pool 2603:1030:8:5::/64, docs/fidelity.md
    "Dual-stack"), shown as publicIPAddressVersion."""
    ok("group create -n rg -l eastus")
    out = ok(f"network public-ip create -g rg -n p --sku Standard --version {version}")
    assert isinstance(out, dict)
    pip = out["publicIp"]
    assert pip["publicIPAddressVersion"] == version and pip["ipAddress"].startswith(prefix)
