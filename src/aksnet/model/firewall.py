"""Azure Firewall (``Microsoft.Network/azureFirewalls``) as the engines see it: IP configurations and the
rule collections (NAT, network, application) — classic ones or those of its Firewall Policy's rule collection
groups — parsed from ARM JSON in ``aksnet.io.arm_firewall``.

Plain frozen data: no evaluation here (that is ``aksnet.engine.firewall``).
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.rules.azure_firewall import DEFAULT_SKU_NAME, DEFAULT_SKU_TIER, DEFAULT_THREAT_INTEL_MODE


@dataclass(frozen=True, slots=True)
class FirewallIpConfiguration:
    name: str
    private_ip: str | None = None  # set on the configuration that holds the AzureFirewallSubnet
    subnet_id: str | None = None
    public_ip: str | None = None  # the public IP resource's address
    public_ip_id: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkRule:
    name: str
    protocols: tuple[str, ...]  # TCP, UDP, ICMP, Any
    source_addresses: tuple[str, ...] = ()
    destination_addresses: tuple[str, ...] = ()  # CIDRs, IPs, * or service tags
    destination_ports: tuple[str, ...] = ()  # "443", "1000-2000", "*"
    destination_fqdns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApplicationRule:
    name: str
    protocols: tuple[tuple[str, int], ...]  # (Http|Https|Mssql, port)
    source_addresses: tuple[str, ...] = ()
    target_fqdns: tuple[str, ...] = ()
    fqdn_tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NatRule:
    name: str
    protocols: tuple[str, ...]
    source_addresses: tuple[str, ...] = ()
    destination_addresses: tuple[str, ...] = ()  # the firewall's public IP address(es)
    destination_ports: tuple[str, ...] = ()
    translated_address: str | None = None
    translated_port: str | None = None
    translated_fqdn: str | None = None


@dataclass(frozen=True, slots=True)
class NetworkRuleCollection:
    name: str
    priority: int
    action: str  # Allow | Deny
    rules: tuple[NetworkRule, ...] = ()
    group: str | None = None  # the Firewall Policy rule collection group holding it (None: a classic collection)
    group_order: tuple[int, int] = (0, 0)  # (0 parent policy | 1 own policy, the group's priority)


@dataclass(frozen=True, slots=True)
class ApplicationRuleCollection:
    name: str
    priority: int
    action: str  # Allow | Deny
    rules: tuple[ApplicationRule, ...] = ()
    group: str | None = None
    group_order: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class NatRuleCollection:
    name: str
    priority: int
    action: str  # Dnat | Snat
    rules: tuple[NatRule, ...] = ()
    group: str | None = None
    group_order: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class AzureFirewall:
    id: str
    name: str
    resource_group: str
    sku_name: str = DEFAULT_SKU_NAME
    sku_tier: str = DEFAULT_SKU_TIER
    threat_intel_mode: str = DEFAULT_THREAT_INTEL_MODE
    dns_proxy: bool = False
    ip_configurations: tuple[FirewallIpConfiguration, ...] = ()
    network_rule_collections: tuple[NetworkRuleCollection, ...] = ()
    application_rule_collections: tuple[ApplicationRuleCollection, ...] = ()
    nat_rule_collections: tuple[NatRuleCollection, ...] = ()
    private_ranges: tuple[str, ...] = ()  # SNAT exemption ("IANAPrivateRanges" expands to the defaults)
    policy: str | None = None  # the Firewall Policy's name when the rules come from one
    location: str = ""

    @property
    def private_ip(self) -> str | None:
        return next((c.private_ip for c in self.ip_configurations if c.private_ip), None)

    @property
    def public_ips(self) -> tuple[str, ...]:
        return tuple(c.public_ip for c in self.ip_configurations if c.public_ip)
