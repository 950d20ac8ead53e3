"""AKS limits and defaults that several parts of aksnet check or assume.

Sources: https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning (maxPods),
https://learn.microsoft.com/azure/aks/quotas-skus-regions (node limits). Stdlib only.
"""

from __future__ import annotations

from aksnet.rules import azure, ietf

# Default maxPods per plugin flavour (kubenet, Azure CNI node subnet, overlay, pod subnet, BYO CNI).
# https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning#maximum-pods-per-node
# The pod-subnet default is 250 (https://learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation)
# rather than 110: see docs/fidelity.md.
DEFAULT_MAX_PODS: dict[str, int] = {"azure": 30, "kubenet": 110, "overlay": 250, "podsubnet": 250, "none": 250}
MIN_MAX_PODS = 10
MAX_MAX_PODS = 250
MIN_PODS_PER_POOL = 30  # maxPods 10 only when the pool has room for 30 pods (ip-address-planning)

# Kubenet writes one UDR per node into a route table that holds at most 400 routes.
# https://learn.microsoft.com/azure/aks/configure-kubenet#limitations--considerations-for-kubenet
KUBENET_MAX_NODES = azure.MAX_ROUTES_PER_ROUTE_TABLE
MAX_NODES_PER_POOL = 1000
MAX_NODES_PER_CLUSTER = 5000

# Ranges AKS reserves: pod, service and cluster-VNet ranges must not overlap them.
# https://learn.microsoft.com/azure/aks/concepts-network-cni-overview,
# https://learn.microsoft.com/azure/aks/configure-kubenet
RESERVED_RANGES = (ietf.LINK_LOCAL, "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")
