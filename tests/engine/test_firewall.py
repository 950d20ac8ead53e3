"""Azure Firewall rule processing (aksnet.engine.firewall): network before application rules, collection
priority, first match, default deny, FQDN tags, DNAT and SNAT — one row per rule of
https://learn.microsoft.com/azure/firewall/rule-processing and .../snat-private-range."""

from __future__ import annotations

from dataclasses import replace

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


# Firewall Policy: DNAT → network → application whatever the group priorities; parent policy first, then groups by
# priority, then collections by priority; service tags and network-rule FQDNs (DNS proxy only).
def _group(name: str, order: tuple[int, int], *colls: fw.NetworkRuleCollection) -> tuple[fw.NetworkRuleCollection, ...]:
    return tuple(fw.NetworkRuleCollection(c.name, c.priority, c.action, c.rules, name, order) for c in colls)


POLICY = fw.AzureFirewall(
    id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/pfw", name="pfw",
    resource_group="rg", dns_proxy=True, policy="pol",
    network_rule_collections=(
        *_group("late", (1, 300), fw.NetworkRuleCollection("allow-all-udp", 100, "Allow", (
            fw.NetworkRule("udp", ("UDP",), ("*",), ("*",), ("*",)),))),
        *_group("early", (1, 200), fw.NetworkRuleCollection("deny-ntp", 500, "Deny", (
            fw.NetworkRule("ntp", ("UDP",), ("*",), ("*",), ("123",)),))),
        *_group("parent", (0, 65000), fw.NetworkRuleCollection("parent-dns", 65000, "Allow", (
            fw.NetworkRule("dns", ("UDP",), ("*",), ("*",), ("53",)),))),
        *_group("tags", (1, 400), fw.NetworkRuleCollection("aks", 100, "Allow", (
            fw.NetworkRule("apitcp", ("TCP",), ("*",), ("AzureCloud.eastus",), ("9000",)),
            fw.NetworkRule("docker", ("TCP",), ("*",), (), ("443",), ("registry-1.docker.io",)),))),
    ),
    application_rule_collections=(
        fw.ApplicationRuleCollection("deny-mcr", 100, "Deny", (
            fw.ApplicationRule("mcr", (("Https", 443),), ("*",), ("mcr.microsoft.com",)),), "first", (1, 100)),
    ),
)
CTX = engine.Context({"azurecloud.eastus": ("20.62.0.9",), "azurecloud": ("20.62.0.9", "40.1.0.1")},
                     {"registry-1.docker.io": "203.0.113.33"}.get)

POLICY_CASES = [
    ("parent-policy-first", "10.0.0.4", "8.8.8.8", 53, "UDP", None, True, "parent-dns"),
    ("group-priority-before-collection-priority", "10.0.0.4", "8.8.8.8", 123, "UDP", None, False, "deny-ntp"),
    ("later-group-matches", "10.0.0.4", "8.8.8.8", 1194, "UDP", None, True, "allow-all-udp"),
    ("service-tag-region", "10.0.0.4", "20.62.0.9", 9000, "TCP", None, True, "aks"),
    ("service-tag-other-region", "10.0.0.4", "40.1.0.1", 9000, "TCP", None, False, None),
    ("network-fqdn-dns-proxy", "10.0.0.4", "203.0.113.33", 443, "TCP", None, True, "aks"),
    ("network-fqdn-other-address", "10.0.0.4", "203.0.113.34", 443, "TCP", None, False, None),
    ("network-before-application-across-groups", "10.0.0.4", "203.0.113.33", 443, "TCP", "mcr.microsoft.com", True,
     "aks"),
    ("application-group-deny", "10.0.0.4", "203.0.113.20", 443, "TCP", "mcr.microsoft.com", False, "deny-mcr"),
]


@pytest.mark.parametrize(("src", "dst", "port", "proto", "host", "allowed", "collection"),
                         [c[1:] for c in POLICY_CASES], ids=[c[0] for c in POLICY_CASES])
def test_policy_processing(src: str, dst: str, port: int, proto: str, host: str | None, allowed: bool,
                           collection: str | None) -> None:
    v = engine.evaluate(POLICY, src, dst, port, proto, host, CTX)
    assert (v.allowed, v.collection) == (allowed, collection), v.text


def test_network_fqdn_needs_dns_proxy() -> None:
    without = replace(POLICY, dns_proxy=False)
    assert engine.evaluate(POLICY, "10.0.0.4", "203.0.113.33", 443, "TCP", None, CTX).allowed
    v = engine.evaluate(without, "10.0.0.4", "203.0.113.33", 443, "TCP", None, CTX)
    assert not v.allowed
    assert "network rule aks/docker names registry-1.docker.io, but FQDNs in network rules match reliably only with " \
           "the firewall's DNS proxy" in v.text, v.text


@pytest.mark.parametrize(("mode", "text"), [("Off", "threat intelligence Off"),
                                            ("Alert", "threat intelligence Alert: no threat-feed match to alert on"),
                                            ("Deny", "threat intelligence Deny: no threat-feed match to deny")],
                         ids=["off", "alert", "deny"])
def test_threat_intel_reported(mode: str, text: str) -> None:
    assert engine.threat_intel(replace(POLICY, threat_intel_mode=mode)) == text
