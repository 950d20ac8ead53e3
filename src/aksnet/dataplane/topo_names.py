"""Where each emulated thing lives: namespace names and link names for nodes, pods, VMs, internet hosts,
API servers and private endpoints, plus the fixed addresses of the emulated fabric. Pure.
"""

from __future__ import annotations

import ipaddress

from aksnet.dataplane import names
from aksnet.model import azure
from aksnet.model.ids import id_key

# Transfer network between the VNet fabric and the internet router (link-local: never a customer range;
# 169.254.0.0/16 is reserved for every AKS range, learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
VNET_INET_VNET_IP = "169.254.255.1"
VNET_INET_INET_IP = "169.254.255.2"
INET_HOST_GW = "169.254.254.1"  # the internet router's address towards every internet host
POD_GW = "169.254.1.1"  # Azure CNI transparent mode: pods route via 169.254.1.1 answered by the host
ECHO_PORT = 65531  # the echo agent's real port; every other port is redirected to it in its namespace

FABRIC_TABLE = 200
LOCAL_TABLE = 199  # the fabric's own packets (ICMP errors, rejects)
SUBNET_TABLE_BASE = 1000
BACKEND_TABLE_BASE = 2000
BACKEND_MARK_BASE = 0x100
VNET_FABRIC_BASE = 100000  # one fabric table per VNet (its hosts and its peerings'), above any backend table
MEMBER_MARK_MASK = 0xFFFF  # ct mark bits of a load balancer member
VNET_MARK_MASK = 0xFF0000  # ct mark bits of the VNet a connection entered the fabric from


def vnet_mark(index: int) -> int:
    """The mark of the ``index``-th VNet of the fabric (sorted by ID)."""
    return (index + 1) << 16


def vnet_ns(tag: str) -> str:
    return names.netns_name(tag, "azure", "vnet")


def internet_ns(tag: str) -> str:
    return names.netns_name(tag, "azure", "internet")


def node_ns(tag: str, node: str) -> str:
    return names.netns_name(tag, "node", node)


def pod_ns(tag: str, namespace: str, pod: str) -> str:
    return names.netns_name(tag, "pod", f"{namespace}.{pod}")


def vm_ns(tag: str, vm_name: str, vm_id: str) -> str:
    return names.netns_name(tag, "vm", f"{vm_name}-{names.short_hash(id_key(vm_id), 4)}")


def inet_host_ns(tag: str, ip: str) -> str:
    return names.netns_name(tag, "inet", ip)


def apiserver_ns(tag: str, cluster_id: str) -> str:
    return names.netns_name(tag, "apiserver", names.short_hash(id_key(cluster_id), 8))


def pe_ns(tag: str, pe_id: str, pe_name: str) -> str:
    return names.netns_name(tag, "pe", f"{pe_name}-{names.short_hash(id_key(pe_id), 4)}")



def firewall_ns(tag: str, fw_id: str, fw_name: str) -> str:
    return names.netns_name(tag, "fw", f"{fw_name}-{names.short_hash(id_key(fw_id), 4)}")


def agc_ns(tag: str, tc_id: str, tc_name: str) -> str:
    """An Application Gateway for Containers' proxies (one namespace per traffic controller)."""
    return names.netns_name(tag, "agc", f"{tc_name}-{names.short_hash(id_key(tc_id), 4)}")


def subnet_gateway(subnet: azure.Subnet) -> tuple[str, int]:
    """A subnet's gateway address (its first address, .1, as Azure's) and prefix length."""
    net = ipaddress.IPv4Network(subnet.address_prefixes[0], strict=False)
    return str(net.network_address + 1), net.prefixlen
