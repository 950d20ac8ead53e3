"""ARM JSON of Azure Firewalls (``Microsoft.Network/azureFirewalls``) → :class:`aksnet.model.firewall.AzureFirewall`.

Reads the document az prints (IP configurations, classic NAT/network/application rule collections,
``additionalProperties``); decides nothing (evaluation is ``aksnet.engine.firewall``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model import firewall as fw
from aksnet.model.ids import IdKey, id_key
from aksnet.rules.azure_firewall import DEFAULT_SKU_NAME, DEFAULT_SKU_TIER, DEFAULT_THREAT_INTEL_MODE

KIND_FIREWALL = "microsoft.network/azurefirewalls"
KIND_POLICY = "microsoft.network/firewallpolicies"
KIND_POLICY_GROUP = "microsoft.network/firewallpolicies/rulecollectiongroups"
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
    protocols = r.get("protocols") if r.get("protocols") is not None else r.get("ipProtocols")
    return fw.NetworkRule(str(r.get("name", "")), _strs(protocols), _strs(r.get("sourceAddresses")),
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

    protocols = r.get("protocols") if r.get("protocols") is not None else r.get("ipProtocols")
    return fw.NatRule(str(r.get("name", "")), _strs(protocols), _strs(r.get("sourceAddresses")),
                      _strs(r.get("destinationAddresses")), _strs(r.get("destinationPorts")),
                      opt("translatedAddress"), opt("translatedPort"), opt("translatedFqdn"))


@dataclass(frozen=True, slots=True)
class PolicyRules:
    """The rule collections a Firewall Policy (with its parent's) gives a firewall, and its settings."""

    name: str
    network: tuple[fw.NetworkRuleCollection, ...]
    application: tuple[fw.ApplicationRuleCollection, ...]
    nat: tuple[fw.NatRuleCollection, ...]
    threat_intel_mode: str
    dns_proxy: bool


def policy_rules(policy_id: str, policies: Mapping[IdKey, Mapping[str, Any]],
                 groups: Sequence[Mapping[str, Any]]) -> PolicyRules | None:
    """The collections of policy ``policy_id`` (``policies``: ``id_key`` of an ID → document; ``groups``: every rule
    collection group document): the parent policy's groups come first, then each policy's by group priority
    [https://learn.microsoft.com/azure/firewall/rule-processing]; a filter collection's network rules go to the
    network collections and its application rules to the application ones."""
    doc = policies.get(id_key(policy_id))
    if doc is None:
        return None
    chain = [(1, doc)]
    parent = (_props(doc).get("basePolicy") or {}).get("id")
    if parent and id_key(str(parent)) in policies:
        chain.insert(0, (0, policies[id_key(str(parent))]))
    network: list[fw.NetworkRuleCollection] = []
    application: list[fw.ApplicationRuleCollection] = []
    nat: list[fw.NatRuleCollection] = []
    for level, pdoc in chain:
        prefix = id_key(str(pdoc.get("id", ""))) + "/rulecollectiongroups/"
        for g in groups:
            if not id_key(str(g.get("id", ""))).startswith(prefix):
                continue
            order = (level, int(_props(g).get("priority", 0)))
            gname = str(g.get("name", ""))
            for c in _props(g).get("ruleCollections") or ():
                name, priority, action = str(c.get("name", "")), int(c.get("priority", 0)), _action(c)
                rules = [r for r in c.get("rules") or () if isinstance(r, Mapping)]
                if c.get("ruleCollectionType") == "FirewallPolicyNatRuleCollection":
                    nat.append(fw.NatRuleCollection(name, priority, action, tuple(_nat_rule(r) for r in rules),
                                                    gname, order))
                    continue
                net = tuple(_network_rule(r) for r in rules if r.get("ruleType") == "NetworkRule")
                app = tuple(_application_rule(r) for r in rules if r.get("ruleType") == "ApplicationRule")
                if net or not app:
                    network.append(fw.NetworkRuleCollection(name, priority, action, net, gname, order))
                if app:
                    application.append(fw.ApplicationRuleCollection(name, priority, action, app, gname, order))
    p = _props(doc)
    return PolicyRules(str(doc.get("name", "")), tuple(network), tuple(application), tuple(nat),
                       str(p.get("threatIntelMode") or DEFAULT_THREAT_INTEL_MODE),
                       bool((p.get("dnsSettings") or {}).get("enableProxy")))


def azure_firewall(doc: Mapping[str, Any], public_addresses: Mapping[IdKey, str],
                   policies: Mapping[IdKey, Mapping[str, Any]] | None = None,
                   groups: Sequence[Mapping[str, Any]] = ()) -> fw.AzureFirewall:
    """One firewall; ``public_addresses``: ``id_key`` of a public IP resource ID → its address; ``policies`` and
    ``groups``: the Firewall Policy documents its ``firewallPolicy`` may name (then its rules, threat
    intelligence mode and DNS proxy come from the policy)."""
    p = _props(doc)
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
    policy_ref = (p.get("firewallPolicy") or {}).get("id")
    rules = policy_rules(str(policy_ref), policies or {}, groups) if policy_ref else None
    classic = _classic(doc, public_addresses, tuple(configs), ranges, parsed.resource_group if parsed else "")
    if rules is None:
        return classic
    return replace(classic, network_rule_collections=rules.network, application_rule_collections=rules.application,
                   nat_rule_collections=rules.nat, threat_intel_mode=rules.threat_intel_mode,
                   dns_proxy=rules.dns_proxy, policy=rules.name)


def _classic(doc: Mapping[str, Any], public_addresses: Mapping[IdKey, str],
             configs: tuple[fw.FirewallIpConfiguration, ...], ranges: tuple[str, ...],
             resource_group: str) -> fw.AzureFirewall:
    p = _props(doc)
    sku = p.get("sku") or {}
    extra = p.get("additionalProperties") or {}
    return fw.AzureFirewall(
        id=str(doc.get("id", "")), name=str(doc.get("name", "")),
        resource_group=resource_group, location=str(doc.get("location", "")),
        sku_name=str(sku.get("name", DEFAULT_SKU_NAME)), sku_tier=str(sku.get("tier", DEFAULT_SKU_TIER)),
        threat_intel_mode=str(p.get("threatIntelMode") or DEFAULT_THREAT_INTEL_MODE),
        dns_proxy=str(extra.get(_DNS_PROXY, "")).lower() == "true",
        ip_configurations=configs,
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
