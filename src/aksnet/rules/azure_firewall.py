"""Azure Firewall platform rules: the subnet it needs, its SKUs, rule protocols, processing order, the
``AzureKubernetesService`` FQDN tag, the default-deny answer and the SNAT exemption.

Each constant names its learn.microsoft.com source. Stdlib only; evaluation lives in ``aksnet.engine.firewall``.
"""

from __future__ import annotations

from aksnet.rules import aks_egress, ietf

# "The subnet must be named AzureFirewallSubnet", size /26 (the firewall needs more addresses as it scales).
# https://learn.microsoft.com/azure/firewall/firewall-faq#why-does-azure-firewall-need-a--26-subnet-size
FIREWALL_SUBNET_NAME = "AzureFirewallSubnet"
FIREWALL_SUBNET_MIN_PREFIX = 26

# SKU name and tier of a firewall deployed in a virtual network (AZFW_Hub is the Virtual WAN hub form).
# https://learn.microsoft.com/rest/api/firewall/azure-firewalls/create-or-update#azurefirewallskuname
SKU_NAMES = ("AZFW_VNet", "AZFW_Hub")
SKU_TIERS = ("Standard", "Premium", "Basic")
DEFAULT_SKU_NAME = "AZFW_VNet"
DEFAULT_SKU_TIER = "Standard"
# threatIntelMode: Alert is the default. https://learn.microsoft.com/azure/firewall/threat-intel
THREAT_INTEL_MODES = ("Alert", "Deny", "Off")
DEFAULT_THREAT_INTEL_MODE = "Alert"

# Application rule protocols and their default ports ("protocol:port"; Http 80, Https 443, Mssql 1433).
# https://learn.microsoft.com/cli/azure/network/firewall/application-rule#az-network-firewall-application-rule-create
APPLICATION_PROTOCOL_PORTS = {"Http": 80, "Https": 443, "Mssql": 1433}
# Network rule protocols. https://learn.microsoft.com/cli/azure/network/firewall/network-rule
NETWORK_RULE_PROTOCOLS = ("Any", "ICMP", "TCP", "UDP")
# NAT rules take the same protocol enum as network rules (azure-cli-extensions src/azure-firewall/azext_firewall/
# _params.py: AzureFirewallNetworkRuleProtocol for network-rule and nat-rule); the AKS article uses ``Any``.
NAT_RULE_PROTOCOLS = NETWORK_RULE_PROTOCOLS
RULE_ACTIONS = ("Allow", "Deny")
NAT_ACTIONS = ("Dnat", "Snat")
# Firewall Policy: its SKU tier (default Standard), the rule types of a filter collection and the actions of
# filter and NAT collections. https://learn.microsoft.com/azure/firewall/policy-rule-sets;
# azure-cli-extensions src/azure-firewall/azext_firewall/_params.py (--rule-type, --action, --ip-protocols)
POLICY_SKU_TIERS = ("Basic", "Standard", "Premium")
DEFAULT_POLICY_TIER = "Standard"
POLICY_RULE_TYPES = ("ApplicationRule", "NetworkRule", "NatRule")
POLICY_FILTER_ACTIONS = ("Allow", "Deny")
POLICY_NAT_ACTIONS = ("DNAT", "SNAT")
POLICY_IP_PROTOCOLS = ("TCP", "UDP", "Any", "ICMP")
POLICY_APPLICATION_PROTOCOLS = ("Http", "Https")
# Collection priority: 100 (highest) … 65000. https://learn.microsoft.com/azure/firewall/rule-processing
COLLECTION_PRIORITY_RANGE = (100, 65000)

# "Rules are processed by rule type: DNAT, then network, then application rules … collections in priority
# order; once a rule matches, processing stops (first match)"; no rule matched → default deny.
# https://learn.microsoft.com/azure/firewall/rule-processing
PROCESSING_ORDER = ("DNAT", "Network", "Application")

# What an HTTP client gets when an application rule denies it (status 470 and this body).
# https://learn.microsoft.com/azure/firewall/firewall-faq (denied HTTP requests) and
# https://learn.microsoft.com/azure/firewall/firewall-known-issues
DENY_STATUS = 470
DENY_REASON = "status code 470"  # the status line's reason phrase: "HTTP/1.1 470 status code 470"
DENY_BODY = "Action: Deny. Reason: No rule matched. Proceeding with default action."

# "Azure Firewall doesn't SNAT with network rules when the destination IP address is in a private IP address
# range per IANA RFC 1918 or shared address space per IANA RFC 6598"; application rules always SNAT.
# https://learn.microsoft.com/azure/firewall/snat-private-range
DEFAULT_PRIVATE_RANGES = (*ietf.RFC1918, ietf.SHARED_ADDRESS_SPACE)

# FQDN tag AzureKubernetesService: "allows outbound access to AKS" — the required FQDNs of
# https://learn.microsoft.com/azure/aks/outbound-rules-control-egress#azure-global-required-fqdn--application-rules
# (https://learn.microsoft.com/azure/firewall/fqdn-tags). ``*.hcp.<location>.azmk8s.io`` stands for every
# region's API server FQDN, so the tag matches ``*.azmk8s.io`` below ``hcp``.
AKS_FQDN_TAG = "AzureKubernetesService"
AKS_REQUIRED_FQDNS = tuple(e.destination.replace(aks_egress.REGION, "*") for e in aks_egress.ENDPOINTS
                           if e.need == aks_egress.REQUIRED and not e.network)
FQDN_TAGS = {AKS_FQDN_TAG: AKS_REQUIRED_FQDNS}


def fqdn_tag(name: str) -> tuple[str, ...] | None:
    """The FQDN patterns of tag ``name`` (tag names compare case-insensitively), or None when unknown."""
    for tag, fqdns in FQDN_TAGS.items():
        if tag.lower() == name.lower():
            return fqdns
    return None
