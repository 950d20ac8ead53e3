"""Azure Firewall rule processing (aksnet.engine.firewall): network before application rules, collection
priority, first match, default deny, FQDN tags, DNAT and SNAT — one row per rule of
https://learn.microsoft.com/azure/firewall/rule-processing and .../snat-private-range."""

from __future__ import annotations

import pytest

from aksnet.engine import firewall as engine
from aksnet.model import firewall as fw

FIREWALL = fw.AzureFirewall(
    id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/fw", name="fw",
    resource_group="rg",
    ip_configurations=(fw.FirewallIpConfiguration("cfg", "10.0.1.4", "subnet", "20.1.2.3", "pip"),),
    network_rule_collections=(
        fw.NetworkRuleCollection("deny-dns", 300, "Deny", (
            fw.NetworkRule("dns", ("UDP",), ("*",), ("*",), ("53",)),)),
        fw.NetworkRuleCollection("allow-ntp", 200, "Allow", (
            fw.NetworkRule("ntp", ("UDP",), ("10.240.0.0/16",), ("*",), ("123",)),
            fw.NetworkRule("dns-vnet", ("UDP", "TCP"), ("*",), ("10.0.0.0/8",), ("53",)),)),
        fw.NetworkRuleCollection("ranges", 400, "Allow", (
            fw.NetworkRule("high", ("Any",), ("*",), ("203.0.113.0/24",), ("9000-9100",)),)),
    ),
    application_rule_collections=(
        fw.ApplicationRuleCollection("deny-bad", 100, "Deny", (
            fw.ApplicationRule("bad", (("Https", 443),), ("*",), ("bad.mcr.microsoft.com",)),)),
        fw.ApplicationRuleCollection("aks", 200, "Allow", (
            fw.ApplicationRule("fqdn", (("Http", 80), ("Https", 443)), ("*",), fqdn_tags=("AzureKubernetesService",)),
            fw.ApplicationRule("ghcr", (("Https", 443),), ("10.240.0.0/16",), ("ghcr.io", "*.github.com")),)),
    ),
    nat_rule_collections=(
        fw.NatRuleCollection("inbound", 100, "Dnat", (
            fw.NatRule("web", ("TCP",), ("*",), ("20.1.2.3",), ("80",), "10.2.0.10", "8080"),)),
    ),
)

CASES = [
    # (id, src, dst, port, proto, host, allowed, kind, collection, rule)
    ("network-rule-priority-first", "10.240.0.4", "10.1.0.5", 53, "UDP", None, True, "network", "allow-ntp",
     "dns-vnet"),
    ("network-lower-priority-deny", "10.240.0.4", "8.8.8.8", 53, "UDP", None, False, "network", "deny-dns", "dns"),
    ("network-source-mismatch", "10.99.0.4", "1.1.1.1", 123, "UDP", None, False, "default", None, None),
    ("network-port-range", "10.240.0.4", "203.0.113.9", 9050, "TCP", None, True, "network", "ranges", "high"),
    ("network-port-out-of-range", "10.240.0.4", "203.0.113.9", 9200, "TCP", None, False, "default", None, None),
    ("fqdn-tag-mcr", "10.240.0.4", "1.2.3.4", 443, "TCP", "mcr.microsoft.com", True, "application", "aks", "fqdn"),
    ("fqdn-tag-api-server", "10.240.0.4", "1.2.3.4", 443, "TCP", "myaks-abc.hcp.eastus.azmk8s.io", True,
     "application", "aks", "fqdn"),
    ("fqdn-tag-wildcard-data", "10.240.0.4", "1.2.3.4", 443, "TCP", "eastus.data.mcr.microsoft.com", True,
     "application", "aks", "fqdn"),
    ("deny-collection-first", "10.240.0.4", "1.2.3.4", 443, "TCP", "bad.mcr.microsoft.com", False, "application",
     "deny-bad", "bad"),
    ("app-target-fqdn-wildcard", "10.240.0.4", "1.2.3.4", 443, "TCP", "api.github.com", True, "application", "aks",
     "ghcr"),
    ("app-wildcard-not-apex", "10.240.0.4", "1.2.3.4", 443, "TCP", "github.com", False, "default", None, None),
    ("app-port-mismatch", "10.240.0.4", "1.2.3.4", 80, "TCP", "ghcr.io", False, "default", None, None),
    ("app-no-host", "10.240.0.4", "1.2.3.4", 443, "TCP", None, False, "default", None, None),
    ("app-unlisted-host", "10.240.0.4", "1.2.3.4", 443, "TCP", "example.com", False, "default", None, None),
    ("app-rules-ignore-udp", "10.240.0.4", "1.2.3.4", 443, "UDP", "mcr.microsoft.com", False, "default", None, None),
]


@pytest.mark.parametrize(("src", "dst", "port", "proto", "host", "allowed", "kind", "collection", "rule"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_evaluate(src: str, dst: str, port: int, proto: str, host: str | None, allowed: bool, kind: str,
                  collection: str | None, rule: str | None) -> None:
    v = engine.evaluate(FIREWALL, src, dst, port, proto, host)
    assert (v.allowed, v.kind, v.collection, v.rule) == (allowed, kind, collection, rule), v.text


@pytest.mark.parametrize(("dst", "port", "expected"), [
    ("20.1.2.3", 80, ("web", "10.2.0.10", 8080)),
    ("20.1.2.3", 443, None),
    ("20.9.9.9", 80, None),
], ids=["dnat-match", "dnat-port-mismatch", "dnat-other-ip"])
def test_dnat(dst: str, port: int, expected: tuple[str, str, int] | None) -> None:
    d = engine.dnat(FIREWALL, "198.51.100.7", dst, port, "TCP")
    assert (None if d is None else (d.rule, d.address, d.port)) == expected


@pytest.mark.parametrize(("dst", "host", "expected"), [
    ("8.8.8.8", None, "20.1.2.3"),
    ("10.1.0.5", None, None),
    ("100.64.0.9", None, None),
    ("1.2.3.4", "mcr.microsoft.com", "20.1.2.3"),
    ("10.1.0.5", "mcr.microsoft.com", "10.0.1.4"),
], ids=["network-public-snat", "network-rfc1918-no-snat", "network-rfc6598-no-snat", "application-public",
        "application-private-snat-to-firewall"])
def test_snat(dst: str, host: str | None, expected: str | None) -> None:
    kind = engine.APPLICATION if host else engine.NETWORK
    verdict = engine.Verdict(True, kind, "c", "r", "")
    assert engine.snat_source(FIREWALL, verdict, dst) == expected


def test_private_ranges_override() -> None:
    custom = fw.AzureFirewall(FIREWALL.id, "fw", "rg", ip_configurations=FIREWALL.ip_configurations,
                              private_ranges=("IANAPrivateRanges", "203.0.113.0/24"))
    verdict = engine.Verdict(True, engine.NETWORK, "c", "r", "")
    assert engine.snat_source(custom, verdict, "203.0.113.5") is None
    assert engine.snat_source(custom, verdict, "8.8.8.8") == "20.1.2.3"
