"""ARM JSON of Azure Firewalls (``Microsoft.Network/azureFirewalls``) → :class:`aksnet.model.firewall.AzureFirewall`.

Reads the document az prints (IP configurations, classic NAT/network/application rule collections,
``additionalProperties``); decides nothing (evaluation is ``aksnet.engine.firewall``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model import firewall as fw
from aksnet.model.ids import IdKey, id_key
from aksnet.rules.azure_firewall import DEFAULT_SKU_NAME, DEFAULT_SKU_TIER, DEFAULT_THREAT_INTEL_MODE

KIND_FIREWALL = "microsoft.network/azurefirewalls"
_DNS_PROXY = "Network.DNS.EnableProxy"
_PRIVATE_RANGES = "Network.SNAT.PrivateRanges"


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or () if v is not None)


def _props(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    p = doc.get("properties")
    return p if isinstance(p, Mapping) else doc


def _action(coll: Mapping[str, Any]) -> str:
    a = _props(coll).get("action") or {}
    return str(a.get("type", "")) if isinstance(a, Mapping) else str(a)


def _network_rule(r: Mapping[str, Any]) -> fw.NetworkRule:
    return fw.NetworkRule(str(r.get("name", "")), _strs(r.get("protocols")), _strs(r.get("sourceAddresses")),
                          _strs(r.get("destinationAddresses")), _strs(r.get("destinationPorts")),
                          _strs(r.get("destinationFqdns")))


def _application_rule(r: Mapping[str, Any]) -> fw.ApplicationRule:
    protocols = tuple((str(p.get("protocolType", "")), int(p.get("port") or 0)) for p in r.get("protocols") or ()
                      if isinstance(p, Mapping))
    return fw.ApplicationRule(str(r.get("name", "")), protocols, _strs(r.get("sourceAddresses")),
                              _strs(r.get("targetFqdns")), _strs(r.get("fqdnTags")))


def _nat_rule(r: Mapping[str, Any]) -> fw.NatRule:
    def opt(key: str) -> str | None:
        return str(r[key]) if r.get(key) not in (None, "") else None

    return fw.NatRule(str(r.get("name", "")), _strs(r.get("protocols")), _strs(r.get("sourceAddresses")),
                      _strs(r.get("destinationAddresses")), _strs(r.get("destinationPorts")),
                      opt("translatedAddress"), opt("translatedPort"), opt("translatedFqdn"))


def azure_firewall(doc: Mapping[str, Any], public_addresses: Mapping[IdKey, str]) -> fw.AzureFirewall:
    """One firewall; ``public_addresses``: ``id_key`` of a public IP resource ID → its address."""
    p = _props(doc)
    sku = p.get("sku") or {}
    extra = p.get("additionalProperties") or {}
    configs = []
    for c in p.get("ipConfigurations") or ():
        cp = _props(c)
        pip_id = str((cp.get("publicIPAddress") or {}).get("id", "")) or None
        configs.append(fw.FirewallIpConfiguration(
            str(c.get("name", "")), str(cp["privateIPAddress"]) if cp.get("privateIPAddress") else None,
            str((cp.get("subnet") or {}).get("id", "")) or None,
            public_addresses.get(id_key(pip_id)) if pip_id else None, pip_id))
    parsed = parse_resource_id(str(doc.get("id", "")))
    ranges = tuple(r.strip() for r in str(extra.get(_PRIVATE_RANGES, "")).split(",") if r.strip())
    return fw.AzureFirewall(
        id=str(doc.get("id", "")), name=str(doc.get("name", "")),
        resource_group=parsed.resource_group if parsed else "",
        sku_name=str(sku.get("name", DEFAULT_SKU_NAME)), sku_tier=str(sku.get("tier", DEFAULT_SKU_TIER)),
        threat_intel_mode=str(p.get("threatIntelMode") or DEFAULT_THREAT_INTEL_MODE),
        dns_proxy=str(extra.get(_DNS_PROXY, "")).lower() == "true",
        ip_configurations=tuple(configs),
        network_rule_collections=tuple(
            fw.NetworkRuleCollection(str(c.get("name", "")), int(_props(c).get("priority", 0)), _action(c),
                                     tuple(_network_rule(r) for r in _props(c).get("rules") or ()))
            for c in p.get("networkRuleCollections") or ()),
        application_rule_collections=tuple(
            fw.ApplicationRuleCollection(str(c.get("name", "")), int(_props(c).get("priority", 0)), _action(c),
                                         tuple(_application_rule(r) for r in _props(c).get("rules") or ()))
            for c in p.get("applicationRuleCollections") or ()),
        nat_rule_collections=tuple(
            fw.NatRuleCollection(str(c.get("name", "")), int(_props(c).get("priority", 0)), _action(c),
                                 tuple(_nat_rule(r) for r in _props(c).get("rules") or ()))
            for c in p.get("natRuleCollections") or ()),
        private_ranges=ranges,
    )
