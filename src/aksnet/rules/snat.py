"""SNAT capacity of Azure's outbound paths: the load balancer's per-instance port allocation (default table and
``allocatedOutboundPorts``) and the NAT gateway's ports per public IP. Numbers with their public sources; no logic
beyond looking them up.

Sources:
- https://learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections ("Default port allocation":
  ports per backend instance by pool size, for one frontend IP; "64,000 SNAT ports per IP")
- https://learn.microsoft.com/azure/aks/configure-load-balancer-standard (AKS sets ``allocatedOutboundPorts`` 0,
  the default table; with explicit ports, outbound IPs × 64,000 must cover max nodes × ports)
- https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource ("64,512 SNAT ports per public IP", ports
  allocated on demand to any VM of the subnet, not pre-allocated per instance)
"""

from __future__ import annotations

LB_OUTBOUND_SOURCE = "https://learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections"
AKS_LB_SOURCE = "https://learn.microsoft.com/azure/aks/configure-load-balancer-standard"
NAT_GATEWAY_SOURCE = "https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource"

# SNAT ports one load balancer frontend IP offers.
LB_SNAT_PORTS_PER_IP = 64000
# SNAT ports one NAT gateway public IP offers (shared on demand by every VM of its subnets).
NAT_GATEWAY_SNAT_PORTS_PER_IP = 64512

# Default port allocation (allocatedOutboundPorts 0): (largest backend pool size, ports per instance).
DEFAULT_PORT_ALLOCATION: tuple[tuple[int, int], ...] = (
    (50, 1024), (100, 512), (200, 256), (400, 128), (800, 64), (1000, 32))
# The largest backend pool the default allocation serves.
DEFAULT_ALLOCATION_MAX_POOL = DEFAULT_PORT_ALLOCATION[-1][0]

# ``--load-balancer-outbound-ports``: a multiple of 8 in [0, 64000] (azure-cli acs ``_validators``
# ``validate_load_balancer_outbound_ports``).
OUTBOUND_PORTS_MULTIPLE = 8
OUTBOUND_PORTS_MAX = 64000


def default_ports_per_instance(pool_size: int) -> int:
    """Ports per backend instance of the default allocation table for a pool of ``pool_size``; 0 past 1,000."""
    for limit, ports in DEFAULT_PORT_ALLOCATION:
        if pool_size <= limit:
            return ports
    return 0
