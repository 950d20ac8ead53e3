"""Deterministic names AKS gives the resources it builds (learn.microsoft.com/azure/aks/faq;
learn.microsoft.com/azure/aks/private-clusters; observed conventions).

AKS derives the 8 digits in ``aks-agentpool-<8 digits>-nsg`` and ``aks-<pool>-<8 digits>-vmss`` and the hash in
the API server FQDN from the cluster's identity; here they are stable hashes of the subscription, resource
group and cluster name, so the same names come back every time. This module must not touch the workspace.
"""

from __future__ import annotations

import hashlib

from aksnet.io.arm_ids import resource_id
from aksnet.model.account import SUBSCRIPTION_ID

CONTAINER_SERVICE = "Microsoft.ContainerService"
TYPE_MANAGED_CLUSTER = "Microsoft.ContainerService/managedClusters"
KIND_MANAGED_CLUSTER = TYPE_MANAGED_CLUSTER.lower()
KIND_VMSS = "microsoft.compute/virtualmachinescalesets"
KIND_VMSS_VM = "microsoft.compute/virtualmachinescalesets/virtualmachines"
KIND_PRIVATE_ENDPOINT = "microsoft.network/privateendpoints"
KIND_PRIVATE_DNS_ZONE = "microsoft.network/privatednszones"
KIND_PRIVATE_DNS_A = "microsoft.network/privatednszones/a"
KIND_PRIVATE_DNS_LINK = "microsoft.network/privatednszones/virtualnetworklinks"

_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(p.lower() for p in parts).encode()).digest()


def cluster_id(resource_group: str, name: str) -> str:
    return resource_id(resource_group, CONTAINER_SERVICE, "managedClusters", name)


def node_resource_group(resource_group: str, name: str, location: str) -> str:
    """``MC_<resourcegroupname>_<clustername>_<location>`` [AKS faq.yml]."""
    return f"MC_{resource_group}_{name}_{location}"


def cluster_digits(resource_group: str, name: str) -> str:
    """The 8 digits of ``aks-agentpool-<8 digits>-nsg`` (observed convention; a stable hash here)."""
    return f"{int.from_bytes(_digest(SUBSCRIPTION_ID, resource_group, name, 'digits')[:8], 'big') % 10**8:08d}"


def fqdn_hash(resource_group: str, name: str) -> str:
    """The 8 hex characters in ``<dnsprefix>-<8 hex>.hcp.<location>.azmk8s.io``."""
    return _digest(SUBSCRIPTION_ID, resource_group, name, "fqdn").hex()[:8]


def default_dns_prefix(resource_group: str, name: str) -> str:
    """az's default ``--dns-name-prefix``: ``<name[:10]>-<rg[:16]>-<sub[:6]>`` with non-alphanumerics as
    dashes, starting with a letter (azure-cli ``_get_default_dns_prefix``)."""
    import re

    name_part = re.sub(r"[^A-Za-z0-9-]", "", name)[:10]
    if not name_part or not name_part[0].isalpha():
        name_part = ("a" + name_part)[:10]
    rg_part = re.sub(r"[^A-Za-z0-9-]", "", resource_group)[:16]
    return f"{name_part}-{rg_part}-{SUBSCRIPTION_ID[:6]}"


def public_fqdn(dns_prefix: str, resource_group: str, name: str, location: str) -> str:
    return f"{dns_prefix}-{fqdn_hash(resource_group, name)}.hcp.{location}.azmk8s.io"


def private_fqdn(dns_prefix: str, resource_group: str, name: str, location: str) -> str:
    """``<dnsprefix>-<hash>.<guid>.privatelink.<location>.azmk8s.io`` (system private DNS zone)."""
    return f"{dns_prefix}-{fqdn_hash(resource_group, name)}.{private_zone_guid(resource_group, name)}" \
        f".privatelink.{location}.azmk8s.io"


def private_zone_guid(resource_group: str, name: str) -> str:
    """The GUID label of the system private DNS zone ``<guid>.privatelink.<location>.azmk8s.io``."""
    h = _digest(SUBSCRIPTION_ID, resource_group, name, "privatezone").hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def outbound_ip_name(resource_group: str, name: str, index: int | str, generation: int = 0) -> str:
    """The GUID name of a managed outbound public IP in the node resource group. ``generation`` > 0 names the
    IPs of a later outbound configuration (``az aks update --outbound-type``): AKS creates new IPs then."""
    parts = [SUBSCRIPTION_ID, resource_group, name, "outbound-ip", str(index)] + ([f"g{generation}"] if generation
                                                                                  else [])
    h = _digest(*parts).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def nsg_name(digits: str) -> str:
    return f"aks-agentpool-{digits}-nsg"


def route_table_name(digits: str) -> str:
    return f"aks-agentpool-{digits}-routetable"


def managed_vnet_name(digits: str) -> str:
    return f"aks-vnet-{digits}"


def vmss_name(pool: str, digits: str) -> str:
    return f"aks-{pool}-{digits}-vmss"


def base36(n: int, width: int = 6) -> str:
    """VMSS computer-name suffix: instance 10 is ``00000a``, 36 is ``000010``."""
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = _BASE36[r] + out
    return out.rjust(width, "0")


def instance_name(pool: str, digits: str, index: int) -> str:
    """``aks-<pool>-<8 digits>-vmss00000N``: the node name and VMSS computer name."""
    return f"{vmss_name(pool, digits)}{base36(index)}"
