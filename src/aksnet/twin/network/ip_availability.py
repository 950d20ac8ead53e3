"""``CheckIPAddressAvailability`` of a virtual network (``az network vnet check-ip-address`` and
``az network vnet list-available-ips``).

An address is available when it lies in one of the VNet's subnets, is not one of the five addresses Azure
reserves in every subnet and is not held through :mod:`aksnet.twin.subnet_ipam`. When it is not available,
ARM lists up to five free addresses of the same subnet after it (REST sample: 10.0.1.4 taken →
10.0.1.5…10.0.1.9). This module reads the allocation table; it must never allocate or release addresses.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.errors import AzureError
from aksnet.rules.azure import SUBNET_FIRST_USABLE_OFFSET
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.network.common import KIND_VNET, TYPE_VNET, get_resource
from aksnet.twin.network.subnet import get_subnet, subnet_ipv4_prefix, subnet_prefixes, vnet_of_subnet

SUGGESTIONS = 5


def _parse(ip: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(ip.strip())
    except ValueError:
        raise AzureError("PrivateIPAddressInvalid", f"Private IP address {ip} is invalid.") from None


def check_ip_address(tx: Transaction, vnet_id: str, ip: str) -> dict[str, Any]:
    """ARM's ``IPAddressAvailabilityResult``: ``{"available": true}`` or ``{"available": false,
    "availableIPAddresses": [...up to 5], "isPlatformReserved": true?}``. An address outside every subnet is
    ``PrivateIPAddressNotInAnySubnet``."""
    vnet = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    addr = _parse(ip)
    for s in vnet["properties"].get("subnets", []):
        for prefix in subnet_prefixes(s):
            net = ipaddress.ip_network(prefix, strict=False)
            if net.version != 4 or addr not in net:
                continue
            taken = subnet_ipam.allocations(tx, str(s["id"]))
            reserved = subnet_ipam.is_reserved(prefix, str(addr))
            if not reserved and str(addr) not in taken:
                return {"available": True}
            free: list[str] = []
            first = max(int(addr) + 1, int(net.network_address) + SUBNET_FIRST_USABLE_OFFSET)
            for i in range(first, int(net.broadcast_address)):
                cand = str(ipaddress.IPv4Address(i))
                if cand not in taken:
                    free.append(cand)
                    if len(free) == SUGGESTIONS:
                        break
            out: dict[str, Any] = {"available": False, "availableIPAddresses": free}
            if reserved:
                out["isPlatformReserved"] = True
            return out
    raise AzureError(
        "PrivateIPAddressNotInAnySubnet",
        f"Private static IP address {addr} does not belong to the range of any subnet in the virtual network "
        f"{vnet['id']}.",
    )


def list_available_ips(tx: Transaction, vnet_id: str) -> list[str]:
    """az's ``list-available-ips``: the availability check of the VNet's first address (the start of its
    first address prefix), i.e. the first free addresses of the subnet that starts there."""
    vnet = get_resource(tx, KIND_VNET, vnet_id, TYPE_VNET)
    prefixes = (vnet["properties"].get("addressSpace") or {}).get("addressPrefixes") or []
    if not prefixes:
        return []
    start = str(prefixes[0]).split("/")[0]
    result = check_ip_address(tx, vnet_id, start)
    return list(result.get("availableIPAddresses", []))


def list_subnet_available_ips(tx: Transaction, subnet_id: str) -> list[str]:
    """az's ``subnet list-available-ips``: the availability check of the subnet's first address."""
    subnet = get_subnet(tx, subnet_id)
    start = subnet_ipv4_prefix(subnet).split("/")[0]
    result = check_ip_address(tx, str(vnet_of_subnet(tx, subnet_id)["id"]), start)
    return list(result.get("availableIPAddresses", []))
