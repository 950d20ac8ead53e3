"""The firewall namespace's rendered rules (no root needed): NGINX's application-rule maps keep the rules' order
and escape every name, a name NGINX could misread is left out and said; the nft table decides network rules
before the proxy and denies by default."""

from __future__ import annotations

import json

import pytest

from aksnet.dataplane import firewall_nft, firewall_proxy
from aksnet.engine import firewall as engine
from aksnet.model import firewall as fw

FW = fw.AzureFirewall(
    id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/fw", name="fw",
    resource_group="rg", dns_proxy=True,
    ip_configurations=(fw.FirewallIpConfiguration("cfg", "10.0.1.4", "subnet", "20.1.2.3", "pip"),),
    network_rule_collections=(fw.NetworkRuleCollection("aksfwnr", 100, "Allow", (
        fw.NetworkRule("apitcp", ("TCP",), ("*",), ("AzureCloud.eastus",), ("9000",)),
        fw.NetworkRule("ghcr", ("TCP",), ("*",), (), ("443",), ("ghcr.io",)))),),
    application_rule_collections=(
        fw.ApplicationRuleCollection("deny", 100, "Deny", (
            fw.ApplicationRule("bad", (("Https", 443),), ("10.42.0.0/16",), ("bad.example.com",)),)),
        fw.ApplicationRuleCollection("aksfwar", 200, "Allow", (
            fw.ApplicationRule("fqdn", (("Http", 80), ("Https", 443)), ("*",), fqdn_tags=("AzureKubernetesService",)),
            fw.ApplicationRule("hostile", (("Http", 80),), ("*",), ('x.com"; } server { listen 1',)))),
    ),
    nat_rule_collections=(fw.NatRuleCollection("inbound", 100, "Dnat", (
        fw.NatRule("web", ("Any",), ("*",), ("20.1.2.3",), ("80",), "10.0.0.10", "80"),)),),
)
CTX = engine.Context({"azurecloud.eastus": ("20.62.0.9",)}, {"ghcr.io": "203.0.113.30"}.get)


def test_proxy_rules_in_order_and_escaped() -> None:
    proxy = firewall_proxy.render(FW, {"mcr.microsoft.com": "203.0.113.20", 'evil"name': "1.2.3.4"}, "/p/nginx.pid",
                                  "/p", "nobody nogroup")
    conf = proxy.conf
    assert proxy.ports == ((80, 15000), (443, 15001))
    deny = conf.index('"~*^1..:(bad\\.example\\.com)$" deny;')
    allow = conf.index('"~*^.1.:(.*\\.hcp\\..*\\.azmk8s\\.io|mcr\\.microsoft\\.com')
    assert deny < allow, conf
    assert "geo $fw_s0 { default 0; 10.42.0.0/16 1; }" in conf
    assert "server { listen 1" not in conf and "evil" not in conf
    assert any("hostile" in n and "not a valid FQDN" in n for n in proxy.notes), proxy.notes
    assert 'return 470 "Action: Deny. Reason: No rule matched. Proceeding with default action.\\n";' in conf
    assert conf.startswith(f"load_module {firewall_proxy.STREAM_MODULE};\nuser nobody nogroup;")


@pytest.mark.parametrize(("chain", "needle"), [
    ("prerouting", '"dnat": {"addr": "10.0.0.10", "port": 80}'),
    ("prerouting", '"redirect": {"port": 15001}'),
    ("forward", '"right": "20.62.0.9"'),
    ("forward", '"right": "203.0.113.30"'),
    ("forward", '"comment": "no rule matched: Azure Firewall denies by default"'),
    ("postrouting", '"masquerade": null'),
], ids=["dnat", "proxy-redirect", "service-tag", "network-fqdn-dns-proxy", "default-deny", "snat"])
def test_nft_table(chain: str, needle: str) -> None:
    doc = firewall_nft.build(FW, CTX, ((80, 15000), (443, 15001))).document()
    rules = [json.dumps(c["add"]["rule"]) for c in doc["nftables"]
             if "rule" in c.get("add", {}) and c["add"]["rule"]["chain"] == chain]
    assert any(needle in r for r in rules), rules


def test_network_rules_before_proxy() -> None:
    doc = firewall_nft.build(FW, CTX, ((443, 15001),)).document()
    pre = [json.dumps(c["add"]["rule"]) for c in doc["nftables"]
           if "rule" in c.get("add", {}) and c["add"]["rule"]["chain"] == "prerouting"]
    ghcr = next(i for i, r in enumerate(pre) if "ghcr" in r)
    redirect = next(i for i, r in enumerate(pre) if "redirect" in r)
    assert ghcr < redirect
