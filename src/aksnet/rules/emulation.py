"""Conventions of the emulation itself (not platform rules) that more than one module must agree on.
Stdlib only."""

from __future__ import annotations

# The internet client of trace, curl, matrix, exposure and the data plane when none is named: an address of
# the documentation range TEST-NET-2 (https://www.rfc-editor.org/rfc/rfc5737), so it never belongs to anyone.
DEFAULT_INTERNET_CLIENT = "198.51.100.10"
# ... and its IPv6 twin for flows to IPv6 destinations: the IPv6 documentation prefix 2001:db8::/32
# (https://www.rfc-editor.org/rfc/rfc3849).
DEFAULT_INTERNET_CLIENT_V6 = "2001:db8:100::10"

# The public address that stands for internet endpoints outside the workspace (mcr.microsoft.com for the node
# bootstrap check): TEST-NET-3 (https://www.rfc-editor.org/rfc/rfc5737); every public address takes the same
# routes (0.0.0.0/0), so the verdict does not depend on which one.
INTERNET_ENDPOINT_STANDIN = "203.0.113.80"

# The clients the emulation sends from (AKS nodes and pods, Ubuntu VMs) are Linux: a connection's source port is
# picked from net.ipv4.ip_local_port_range, 32768–60999 by default.
# https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html (ip_local_port_range)
LINUX_EPHEMERAL_PORTS = (32768, 60999)

# Internet hosts the emulation knows by name: the AKS egress endpoints Microsoft lists
# (https://learn.microsoft.com/azure/aks/outbound-rules-control-egress) and RFC 2606's example names, each standing
# in at its own TEST-NET-3 address (https://www.rfc-editor.org/rfc/rfc5737) so that traces tell them apart. Other
# public names stay NXDOMAIN.
NAMED_INTERNET_HOSTS = {
    "example.com": "203.0.113.10",
    "www.example.com": "203.0.113.11",
    "mcr.microsoft.com": "203.0.113.20",
    "eastus.data.mcr.microsoft.com": "203.0.113.21",
    "mcr-0001.mcr-msedge.net": "203.0.113.22",
    "management.azure.com": "203.0.113.23",
    "login.microsoftonline.com": "203.0.113.24",
    "packages.microsoft.com": "203.0.113.25",
    "acs-mirror.azureedge.net": "203.0.113.26",
    "packages.aks.azure.com": "203.0.113.27",
    "ghcr.io": "203.0.113.30",
    "pkg-containers.githubusercontent.com": "203.0.113.31",
    "docker.io": "203.0.113.32",
    "registry-1.docker.io": "203.0.113.33",
    "production.cloudflare.docker.com": "203.0.113.34",
    "ntp.ubuntu.com": "203.0.113.40",
}
