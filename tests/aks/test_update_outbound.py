"""``az aks update`` outbound settings: every rule with az's or the RP's exact message (a refused update changes
nothing), and what each migration builds and removes, down to the egress IP that trace and plan report."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.twin.aks import validation_cli as cli
from aksnet.twin.aks.update import MSG_NOTHING
from tests.conftest import az_error_head, run_cli

RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/aks-rg"
SUBNET = f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks-subnet"
RT = f"{RG}/providers/Microsoft.Network/routeTables/rt"
MYIP = f"{RG}/providers/Microsoft.Network/publicIPAddresses/myip"
NODE_RG = "MC_aks-rg_c_eastus"


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def _az(line: str) -> str:
    return _ok("az", *line.split())


def _cluster(byo: bool) -> None:
    """A cluster with outbound type loadBalancer: Azure CNI on a BYO subnet with a route table, or kubenet on the
    managed VNet."""
    _az("group create -n aks-rg -l eastus")
    _az("network vnet create -g aks-rg -n vnet --address-prefix 10.0.0.0/8 --subnet-name aks-subnet "
        "--subnet-prefix 10.100.0.0/16")
    _az("network route-table create -g aks-rg -n rt")
    _az("network public-ip create -g aks-rg -n myip --sku Standard")
    if byo:
        _az("network vnet subnet update -g aks-rg --vnet-name vnet -n aks-subnet --route-table rt")
        _az(f"aks create -g aks-rg -n c --vnet-subnet-id {SUBNET} --network-plugin azure --service-cidr "
            "10.32.0.0/16 --dns-service-ip 10.32.0.10 --node-count 2 -o none")
    else:
        _az("aks create -g aks-rg -n c --network-plugin kubenet --node-count 2 -o none")


def _dump(home: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(str(home / "workspace.db"))
    try:
        return conn.execute("SELECT kind, scope, key, body FROM objects ORDER BY kind, scope, key").fetchall()
    finally:
        conn.close()


# (id, BYO subnet?, preparation, update flags, exact stderr)
RULES = [
    ("nothing-to-update", True, [], "", f"ERROR: {MSG_NOTHING}"),
    ("outbound-type-enum", True, [], "--outbound-type nat", f"ERROR: {cli.MSG_INVALID_OUTBOUND}"),
    ("managed-count-range", True, [], "--load-balancer-managed-outbound-ip-count 101",
     f"ERROR: {cli.MSG_MANAGED_IP_COUNT}"),
    ("nat-count-range", False, [], "--outbound-type managedNATGateway --nat-gateway-managed-outbound-ip-count 17",
     f"ERROR: {cli.MSG_NAT_IP_COUNT}"),
    ("outbound-ips-not-ids", True, [], "--load-balancer-outbound-ips myip",
     "ERROR: myip is not a valid Azure resource ID."),
    ("lb-count-and-ips", True, [], f"--load-balancer-managed-outbound-ip-count 2 --load-balancer-outbound-ips {MYIP}",
     "ERROR: Please specify only one of --load-balancer-managed-outbound-ip-count, --load-balancer-outbound-ips "
     "and --load-balancer-outbound-ip-prefixes."),
    ("outbound-ip-missing", True, [], f"--load-balancer-outbound-ips {MYIP}x",
     f"ERROR: (InvalidLoadBalancerProfile) Public IP {MYIP}x of loadBalancerProfile.outboundIPs was not found."),
    ("nat-count-on-lb", True, [], "--nat-gateway-managed-outbound-ip-count 2",
     "ERROR: loadBalancer type doesn't support customizing the standard nat gateway ips"),
    ("managed-nat-on-byo", True, [], "--outbound-type managedNATGateway",
     "ERROR: --vnet-subnet-id cannot be specified for managedNATGateway"),
    ("udr-on-managed-vnet", False, [], "--outbound-type userDefinedRouting", f"ERROR: {cli.MSG_UDR_NEEDS_SUBNET}"),
    ("user-nat-on-managed-vnet", False, [], "--outbound-type userAssignedNATGateway",
     f"ERROR: {cli.MSG_USER_NAT_NEEDS_SUBNET}"),
    ("lb-ips-with-nat-target", False, [],
     "--outbound-type managedNATGateway --load-balancer-managed-outbound-ip-count 2",
     "ERROR: managedNATGateway type doesn't support customizing the standard load balancer ips"),
    ("user-nat-needs-nat-on-subnet", True, [], "--outbound-type userAssignedNATGateway",
     f"ERROR: (NatGatewayNotAssociatedWithSubnet) outboundType userAssignedNATGateway requires a NAT gateway "
     f"associated with subnet {SUBNET}."),
    ("udr-missing-default-route", True, [], "--outbound-type userDefinedRouting",
     f"ERROR: (RouteTableMissingDefaultRouteError) Default route 0.0.0.0/0 missing from route table {RT}"),
    ("udr-default-route-to-internet", True,
     ["network route-table route create -g aks-rg --route-table-name rt -n default --address-prefix 0.0.0.0/0 "
      "--next-hop-type Internet"],
     "--outbound-type userDefinedRouting",
     "ERROR: (RouteTableInvalidNextHop) Default route 0.0.0.0/0 has a next hop of Internet but only next hops of "
     "VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more "
     "details"),
    ("udr-with-lb-ips", True,
     ["network route-table route create -g aks-rg --route-table-name rt -n default --address-prefix 0.0.0.0/0 "
      "--next-hop-type VirtualAppliance --next-hop-ip-address 10.1.0.4"],
     "--outbound-type userDefinedRouting --load-balancer-managed-outbound-ip-count 2",
     "ERROR: userDefinedRouting type doesn't support customizing the standard load balancer ips"),
    ("lb-count-on-nat-cluster", False, ["aks update -g aks-rg -n c --outbound-type managedNATGateway -o none"],
     "--load-balancer-managed-outbound-ip-count 2",
     "ERROR: managedNATGateway type doesn't support customizing the standard load balancer ips"),
    ("byo-ip-in-use", True,
     ["network nat gateway create -g aks-rg -n other --public-ip-addresses myip"],
     f"--load-balancer-outbound-ips {MYIP}",
     f"ERROR: (PublicIPAddressInUse) Resource {MYIP} is referenced by "
     f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{NODE_RG}/providers/Microsoft.Network/loadBalancers/"
     f"kubernetes/frontendIPConfigurations/myip but is already in use by "
     f"{RG}/providers/Microsoft.Network/natGateways/other."),
]


@pytest.mark.parametrize(("byo", "prep", "flags", "message"), [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_update_rule(home: Path, byo: bool, prep: list[str], flags: str, message: str) -> None:
    _cluster(byo)
    for line in prep:
        _az(line)
    before = _dump(home)
    r = run_cli("az", "aks", "update", "-g", "aks-rg", "-n", "c", *flags.split())
    assert (r.code, az_error_head(r.err)) == (1, message + "\n")
    assert _dump(home) == before


def _profile() -> dict[str, object]:
    out = _ok("az", "aks", "show", "-g", "aks-rg", "-n", "c", "--query",
              "networkProfile.{type:outboundType, lb:loadBalancerProfile.effectiveOutboundIPs[].id, "
              "managed:loadBalancerProfile.managedOutboundIPs.count, "
              "own:loadBalancerProfile.outboundIPs.publicIPs[].id, nat:natGatewayProfile.effectiveOutboundIPs[].id, "
              "natCount:natGatewayProfile.managedOutboundIpProfile.count}")
    return dict(json.loads(out))


def _node_rg_ips() -> dict[str, str]:
    out = _ok("az", "network", "public-ip", "list", "-g", NODE_RG, "--query", "[].[id, ipAddress]")
    return {i: a for i, a in json.loads(out)}


def _workload() -> None:
    _ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "c")
    _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=1")


def _egress_ip() -> str:
    return _last_snat(json.loads(_ok("trace", "deploy/default/web", "internet/93.184.216.34", "--port", "443", "-o",
                                     "json")))


def _last_snat(result: dict[str, object]) -> str:
    """The address the internet sees: the translated source of the last SNAT hop."""
    hops = result["hops"]
    assert isinstance(hops, list)
    text = [json.dumps(h) for h in hops if "SNAT" in json.dumps(h)][-1]
    return re.findall(r"SNAT to (?:outbound IP \S+ )?(\d+\.\d+\.\d+\.\d+)", text)[-1]


def test_managed_vnet_load_balancer_to_nat_gateway_and_back(home: Path) -> None:
    _cluster(byo=False)
    _workload()
    first = _profile()
    assert first["type"] == "loadBalancer" and first["managed"] == 1
    lb_ip = _node_rg_ips()[first["lb"][0]]  # type: ignore[index]
    assert _egress_ip() == lb_ip

    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--outbound-type", "managedNATGateway",
        "--nat-gateway-managed-outbound-ip-count", "2", "-o", "none")
    p = _profile()
    assert p["type"] == "managedNATGateway" and p["lb"] is None and p["natCount"] == 2
    ips = _node_rg_ips()
    assert sorted(ips) == sorted(p["nat"])  # type: ignore[arg-type]  # the LB's managed IP is gone
    assert lb_ip not in ips.values()
    assert run_cli("az", "network", "lb", "show", "-g", NODE_RG, "-n", "kubernetes").code == 3  # no Service: no LB
    nat = json.loads(_ok("az", "network", "nat", "gateway", "show", "-g", NODE_RG, "-n", "aks-natgateway"))
    assert [s["id"].rsplit("/", 1)[-1] for s in nat["subnets"]] == ["aks-subnet"]
    nat_egress = _egress_ip()
    assert nat_egress == ips[p["nat"][0]]  # type: ignore[index]

    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--nat-gateway-managed-outbound-ip-count", "1", "-o", "none")
    assert len(_node_rg_ips()) == 1 and _profile()["natCount"] == 1

    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--outbound-type", "loadBalancer",
        "--load-balancer-managed-outbound-ip-count", "2", "-o", "none")
    p = _profile()
    assert p["type"] == "loadBalancer" and p["nat"] is None and p["managed"] == 2 and len(p["lb"]) == 2  # type: ignore[arg-type]
    assert sorted(_node_rg_ips()) == sorted(p["lb"])  # type: ignore[arg-type]  # NAT gateway IPs deleted
    assert run_cli("az", "network", "nat", "gateway", "show", "-g", NODE_RG, "-n", "aks-natgateway").code != 0
    lb = json.loads(_ok("az", "network", "lb", "show", "-g", NODE_RG, "-n", "kubernetes"))
    assert [r["name"] for r in lb["outboundRules"]] == ["aksOutboundRule"]
    assert {b["name"]: len(b["backendIPConfigurations"]) for b in lb["backendAddressPools"]} == \
        {"kubernetes": 2, "aksOutboundBackendPool": 2}
    plan = _ok("plan", "-g", "aks-rg", "-n", "c", "-o", "json")
    assert json.loads(plan)["outbound_ips"] == 2


def test_byo_subnet_user_nat_udr_and_own_ips(home: Path) -> None:
    _cluster(byo=True)
    _workload()
    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--load-balancer-outbound-ips", MYIP, "-o", "none")
    p = _profile()
    assert p["own"] == [MYIP] and p["lb"] == [MYIP] and p["managed"] is None
    assert _node_rg_ips() == {}  # the managed outbound IP was deleted
    myip = json.loads(_ok("az", "network", "public-ip", "show", "--ids", MYIP))
    assert _egress_ip() == myip["ipAddress"]

    _az("network public-ip create -g aks-rg -n natip --sku Standard")
    _az("network nat gateway create -g aks-rg -n mynat --public-ip-addresses natip")
    _az("network vnet subnet update -g aks-rg --vnet-name vnet -n aks-subnet --nat-gateway mynat")
    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--outbound-type", "userAssignedNATGateway", "-o", "none")
    p = _profile()
    assert p == {"type": "userAssignedNATGateway", "lb": None, "managed": None, "own": None, "nat": None,
                 "natCount": None}
    myip = json.loads(_ok("az", "network", "public-ip", "show", "--ids", MYIP))
    assert "ipConfiguration" not in myip  # the user's IP is detached, not deleted
    natip = json.loads(_ok("az", "network", "public-ip", "show", "-g", "aks-rg", "-n", "natip"))
    assert _egress_ip() == natip["ipAddress"]

    _az("network route-table route create -g aks-rg --route-table-name rt -n default --address-prefix 0.0.0.0/0 "
        "--next-hop-type VirtualAppliance --next-hop-ip-address 10.1.0.4")
    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--outbound-type", "userDefinedRouting", "-o", "none")
    assert _profile()["type"] == "userDefinedRouting"
    r = run_cli("trace", "deploy/default/web", "internet/93.184.216.34", "--port", "443", "-o", "json")
    assert "VirtualAppliance 10.1.0.4" in r.out

    _ok("az", "aks", "update", "-g", "aks-rg", "-n", "c", "--outbound-type", "loadBalancer", "-o", "none")
    p = _profile()
    assert p["type"] == "loadBalancer" and p["managed"] == 1 and len(_node_rg_ips()) == 1
    nics = json.loads(_ok("az", "network", "nic", "list", "-g", NODE_RG, "--query",
                          "[].length(ipConfigurations[0].loadBalancerBackendAddressPools)"))
    assert nics == [2, 2]
