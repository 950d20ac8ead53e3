"""Conventions of the emulation itself (not platform rules) that more than one module must agree on.
Stdlib only."""

from __future__ import annotations

# The internet client of trace, curl, matrix, exposure and the data plane when none is named: an address of
# the documentation range TEST-NET-2 (https://www.rfc-editor.org/rfc/rfc5737), so it never belongs to anyone.
DEFAULT_INTERNET_CLIENT = "198.51.100.10"

# The public address that stands for internet endpoints outside the workspace (mcr.microsoft.com for the node
# bootstrap check): TEST-NET-3 (https://www.rfc-editor.org/rfc/rfc5737); every public address takes the same
# routes (0.0.0.0/0), so the verdict does not depend on which one.
INTERNET_ENDPOINT_STANDIN = "203.0.113.80"

# The clients the emulation sends from (AKS nodes and pods, Ubuntu VMs) are Linux: a connection's source port is
# picked from net.ipv4.ip_local_port_range, 32768–60999 by default.
# https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html (ip_local_port_range)
LINUX_EPHEMERAL_PORTS = (32768, 60999)
