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

# A node pool's upgrade surge when none is set: 10% of the pool, rounded up.
# https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling ("Customize node surge upgrade")
DEFAULT_MAX_SURGE = "10%"

# Kubenet writes one UDR per node into a route table that holds at most 400 routes.
# https://learn.microsoft.com/azure/aks/configure-kubenet
KUBENET_MAX_NODES = azure.MAX_ROUTES_PER_ROUTE_TABLE
MAX_NODES_PER_POOL = 1000
MAX_NODES_PER_CLUSTER = 5000

# Ranges AKS reserves: pod, service and cluster-VNet ranges must not overlap them.
# https://learn.microsoft.com/azure/aks/concepts-network-cni-overview,
# https://learn.microsoft.com/azure/aks/configure-kubenet
RESERVED_RANGES = (ietf.LINK_LOCAL, "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")

# The application routing add-on's IngressClass and controller.
# https://learn.microsoft.com/azure/aks/app-routing
APP_ROUTING_CLASS = "webapprouting.kubernetes.azure.com"
APP_ROUTING_CONTROLLER = "webapprouting.kubernetes.azure.com/nginx"

# cloud-provider-azure: a LoadBalancer Service with this annotation "true" gets an internal load balancer.
# https://learn.microsoft.com/azure/aks/internal-lb
LB_INTERNAL_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-internal"

# Node bootstrap: the vmssCSE extension checks outbound TCP 443 to mcr.microsoft.com and fails with exit status
# 50 (OutboundConnFailVMExtensionError) when it cannot connect.
# https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/outboundconnfailvmextensionerror
CSE_OUTBOUND_CHECK_HOST = "mcr.microsoft.com"
CSE_OUTBOUND_CHECK_PORT = 443
CSE_OUTBOUND_EXIT_STATUS = 50
# Then it checks TCP 443 to the API server and fails with exit status 51 (VMExtensionError_K8SAPIServerConnFail).
# https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/vmextensionerror-k8sapiserverconnfail
CSE_API_SERVER_EXIT_STATUS = 51
