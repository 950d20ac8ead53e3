"""Azure networking platform rules (virtual networks, NSGs, route tables, platform addresses).

Each constant names the documentation page it comes from (learn.microsoft.com). Stdlib only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aksnet.rules import ietf

# The host's virtual IP: source of load balancer health probes (service tag AzureLoadBalancer), Azure DNS
# and the VM agent's heartbeat. https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16
HOST_VIP = "168.63.129.16"
# Instance Metadata Service. https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service
IMDS_IP = "169.254.169.254"
# "Azure platform considerations": traffic to/from these is not subject to NSGs by default.
# https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#azure-platform-considerations
PLATFORM_IPS = (HOST_VIP, IMDS_IP)

# Service tag Internet: "the IP address space that's outside the virtual network and reachable by the public
# internet" (https://learn.microsoft.com/azure/virtual-network/service-tags-overview#available-service-tags).
# Not reachable by the public internet = the IANA blocks that are not globally reachable; the VNet's own
# address space is excluded per VNet by the caller. See docs/fidelity.md ("Service tag Internet").
INTERNET_EXCLUDED = ietf.NOT_GLOBALLY_REACHABLE
_INTERNET_EXCLUDED_NETS = tuple(ipaddress.IPv4Network(p) for p in INTERNET_EXCLUDED)


# IPv6: the global unicast space 2000::/3 is what the public internet reaches (RFC 4291 §2.4, IANA IPv6
# address space); unique local fc00::/7 (the AKS pod and service defaults fd12:3456:789a::/64 …) is not.
IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")


def in_internet_tag(ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
                    virtual_network: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network] = ()) -> bool:
    """Is ``ip`` inside the service tag ``Internet`` for a VNet whose ``VirtualNetwork`` tag is
    ``virtual_network`` (service-tags-overview)?"""
    if isinstance(ip, ipaddress.IPv6Address):
        return ip in IPV6_GLOBAL_UNICAST and not any(n.version == 6 and ip in n for n in virtual_network)
    return not any(ip in n for n in _INTERNET_EXCLUDED_NETS) and not any(
        n.version == 4 and ip in n for n in virtual_network)


# Default system routes with next hop None: these ranges are dropped unless inside the VNet's address space.
# https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#default
SYSTEM_ROUTE_NONE_PREFIXES = (*ietf.RFC1918, ietf.SHARED_ADDRESS_SPACE)

# Azure reserves five addresses in every subnet: network, .1 gateway, .2/.3 Azure DNS, broadcast.
# https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets
SUBNET_RESERVED_ADDRESSES = 5
SUBNET_FIRST_USABLE_OFFSET = 4  # the first address handed out is network + 4


def subnet_usable_count(num_addresses: int) -> int:
    """Addresses a subnet of ``num_addresses`` can hand out: 2^(32-len) - 5 (virtual-networks-faq)."""
    return max(num_addresses - SUBNET_RESERVED_ADDRESSES, 0)


# At most 400 routes per route table.
# https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#networking-limits
MAX_ROUTES_PER_ROUTE_TABLE = 400

# NSG custom rule priorities; lower number first.
# https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules
NSG_MIN_PRIORITY, NSG_MAX_PRIORITY = 100, 4096

# The default security rules of every NSG, as ARM lists them: (name, priority, direction, access, source
# prefix, destination prefix, description); protocol and ports are ``*``.
# https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
DEFAULT_SECURITY_RULES: tuple[tuple[str, int, str, str, str, str, str], ...] = (
    ("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork",
     "Allow inbound traffic from all VMs in VNET"),
    ("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*",
     "Allow inbound traffic from azure load balancer"),
    ("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*", "Deny all inbound traffic"),
    ("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork",
     "Allow outbound traffic from all VMs to all VMs in VNET"),
    ("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet",
     "Allow outbound traffic from all VMs to Internet"),
    ("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*", "Deny all outbound traffic"),
)
