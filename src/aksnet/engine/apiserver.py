"""Who may reach a cluster's API server (learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges;
learn.microsoft.com/azure/aks/private-clusters).

Public endpoint: open to every address unless ``authorizedIpRanges`` is set; then only those ranges plus the
cluster's own outbound public IPs (AKS adds them automatically, api-server-authorized-ip-ranges.md);
``0.0.0.0/32`` alone means "only the outbound IPs". Private endpoint: reachable from anything that can route to
its address in the VNet (peered VNets included); authorized ranges do not apply to it. Only TCP 443 is served.
This module must not resolve names or route packets.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.model import azure

API_PORT = 443


@dataclass(frozen=True, slots=True)
class ApiDecision:
    allowed: bool
    rule: str


def check_public(cluster: azure.ManagedCluster, client_ip: str, port: int, protocol: str,
                 outbound_ips: Sequence[str]) -> ApiDecision:
    """Public API endpoint access control."""
    name = cluster.fqdn or cluster.name
    if protocol.upper() != "TCP" or port != API_PORT:
        return ApiDecision(False, f"{name} listens on TCP/443 only (dropped)")
    if cluster.enable_private_cluster:
        return ApiDecision(False, f"{cluster.name} is a private cluster: the API server has no public endpoint")
    ranges = [r for r in cluster.authorized_ip_ranges if r]
    if not ranges:
        return ApiDecision(True, "apiServerAccessProfile: no authorized IP ranges (open to all)")
    if client_ip in outbound_ips:
        return ApiDecision(True, f"authorized: {client_ip} is the cluster's own outbound IP (added by AKS)")
    addr = ipaddress.IPv4Address(client_ip)
    for r in ranges:
        if r == "0.0.0.0/32":
            continue
        try:
            if addr in ipaddress.IPv4Network(r, strict=False):
                return ApiDecision(True, f"authorizedIpRanges {r} contains {client_ip}")
        except ValueError:
            continue
    return ApiDecision(False, f"authorizedIpRanges {','.join(ranges)} do not contain {client_ip} (dropped)")


def check_private(cluster: azure.ManagedCluster | None, endpoint: azure.PrivateEndpoint, port: int,
                  protocol: str) -> ApiDecision:
    """Private endpoint access: anything routed to it in the VNet reaches the API server on 443."""
    who = cluster.name if cluster else endpoint.target_id or endpoint.name
    if protocol.upper() != "TCP" or port != API_PORT:
        return ApiDecision(False, f"private endpoint {endpoint.name} forwards TCP/443 only (dropped)")
    return ApiDecision(True, f"private endpoint {endpoint.name} → API server of {who}")
