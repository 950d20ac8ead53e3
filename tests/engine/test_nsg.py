"""evaluate_nsg: priorities, first match, 5-tuple, service tags, default rules, subnet/NIC order."""

from __future__ import annotations

import pytest

from aksnet.engine.nsg import TagContext, evaluate_nsg, evaluate_path
from aksnet.model.azure import NetworkSecurityGroup, SecurityRule

TAGS = TagContext.of(["10.0.0.0/16", "10.244.1.0/24"])  # VNet space + one kubenet UDR prefix


def _nsg(*rules: SecurityRule, name: str = "nsg") -> NetworkSecurityGroup:
    return NetworkSecurityGroup(id=f"/x/{name}", name=name, resource_group="rg", rules=rules)


def R(name: str, prio: int, access: str, direction: str = "Inbound", proto: str = "*", src: str = "*",
      dst: str = "*", ports: str = "*") -> SecurityRule:
    return SecurityRule(name, prio, direction, access, proto, (src,), ("*",), (dst,), (ports,))


CASES = [
    # (id, rules, direction, src, dst, port, proto, allowed, deciding rule)
    ("default-vnet-in", (), "Inbound", "10.0.1.4", "10.0.2.5", 80, "TCP", True, "AllowVnetInBound"),
    ("default-internet-in-denied", (), "Inbound", "203.0.113.7", "10.0.2.5", 80, "TCP", False, "DenyAllInBound"),
    ("azure-lb-probe", (), "Inbound", "168.63.129.16", "10.0.2.5", 80, "TCP", True, None),
    ("udr-prefix-is-virtualnetwork", (), "Inbound", "10.244.1.7", "10.0.2.5", 80, "TCP", True, "AllowVnetInBound"),
    ("outside-prefix-not-vnet", (), "Inbound", "10.99.0.1", "10.0.2.5", 80, "TCP", False, "DenyAllInBound"),
    ("internet-out", (), "Outbound", "10.0.2.5", "93.184.216.34", 443, "TCP", True, "AllowInternetOutBound"),
    ("private-outside-vnet-out-denied", (), "Outbound", "10.0.2.5", "172.16.0.1", 443, "TCP", False,
     "DenyAllOutBound"),
    ("lower-priority-number-wins", (R("deny", 100, "Deny", ports="80"), R("allow", 200, "Allow", ports="80")),
     "Inbound", "203.0.113.7", "10.0.2.5", 80, "TCP", False, "deny"),
    ("allow-internet-tag", (R("allow-http", 100, "Allow", proto="Tcp", src="Internet", ports="80"),),
     "Inbound", "203.0.113.7", "10.0.2.5", 80, "TCP", True, "allow-http"),
    ("protocol-mismatch-falls-through", (R("allow-udp", 100, "Allow", proto="Udp", ports="80"),),
     "Inbound", "203.0.113.7", "10.0.2.5", 80, "TCP", False, "DenyAllInBound"),
    ("port-range", (R("range", 100, "Allow", ports="8000-8080"),), "Inbound", "203.0.113.7", "10.0.2.5", 8080,
     "TCP", True, "range"),
    ("port-outside-range", (R("range", 100, "Allow", ports="8000-8080"),), "Inbound", "203.0.113.7", "10.0.2.5",
     8081, "TCP", False, "DenyAllInBound"),
    ("cidr-source", (R("office", 100, "Allow", src="203.0.113.0/24"),), "Inbound", "203.0.113.7", "10.0.2.5",
     22, "TCP", True, "office"),
    ("sctp-only-matches-any", (R("tcp", 100, "Allow", proto="Tcp"),), "Inbound", "203.0.113.7", "10.0.2.5", 80,
     "SCTP", False, "DenyAllInBound"),
    ("deny-overrides-default-vnet", (R("deny-vnet", 4000, "Deny", src="VirtualNetwork"),), "Inbound", "10.0.1.4",
     "10.0.2.5", 80, "TCP", False, "deny-vnet"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_evaluate_nsg(case: tuple) -> None:  # type: ignore[type-arg]
    _, rules, direction, src, dst, port, proto, allowed, rule = case
    d = evaluate_nsg(_nsg(*rules), direction, src, 49152, dst, port, proto, TAGS)
    assert d.allowed is allowed
    assert (d.rule.name if d.rule else None) == rule


def test_no_nsg_allows() -> None:
    assert evaluate_nsg(None, "Inbound", "1.2.3.4", 1, "10.0.0.4", 80, "TCP", TAGS).allowed


@pytest.mark.parametrize(("direction", "order"), [("Inbound", ["subnet", "nic"]), ("Outbound", ["nic", "subnet"])],
                         ids=["inbound-subnet-first", "outbound-nic-first"])
def test_subnet_and_nic_order(direction: str, order: list[str]) -> None:
    sub = _nsg(R("a", 100, "Allow", direction=direction), name="sub")
    nic = _nsg(R("b", 100, "Allow", direction=direction), name="nic")
    res = evaluate_path(direction, sub, nic, "10.0.1.4", 1, "10.0.2.5", 80, "TCP", TAGS)
    assert [lvl for lvl, _ in res] == order


def test_first_deny_stops_the_path() -> None:
    sub = _nsg(R("deny", 100, "Deny"), name="sub")
    nic = _nsg(R("allow", 100, "Allow"), name="nic")
    res = evaluate_path("Inbound", sub, nic, "10.0.1.4", 1, "10.0.2.5", 80, "TCP", TAGS)
    assert [(lvl, d.allowed) for lvl, d in res] == [("subnet", False)]
