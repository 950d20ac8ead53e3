"""Application Gateway for Containers (AGC, ``Microsoft.ServiceNetworking/trafficControllers``) facts: resource
types, the subnet delegation and size its associations need, the frontends' FQDN shape, and the ALB
Controller's names (chart, namespace, GatewayClass, annotations). Stdlib only; no semantics.

Sources: https://learn.microsoft.com/azure/application-gateway/for-containers/application-gateway-for-containers-components
(frontends: an Azure-managed FQDN each, public only; associations: a 1:1 link to a delegated subnet),
quickstart-create-application-gateway-for-containers-byo-deployment (``az network alb create``, ``frontend create``,
``association create --subnet``; the subnet delegated to ``Microsoft.ServiceNetworking/trafficControllers``, a /24
or larger), quickstart-deploy-application-gateway-for-containers-alb-controller-helm (the chart, namespaces and
GatewayClass), api-specification-kubernetes (``alb.networking.azure.io/v1``).
"""

from __future__ import annotations

import hashlib
import ipaddress

PROVIDER = "Microsoft.ServiceNetworking"
TYPE_TRAFFIC_CONTROLLER = f"{PROVIDER}/trafficControllers"
TYPE_FRONTEND = f"{TYPE_TRAFFIC_CONTROLLER}/frontends"
TYPE_ASSOCIATION = f"{TYPE_TRAFFIC_CONTROLLER}/associations"
KIND_TRAFFIC_CONTROLLER = TYPE_TRAFFIC_CONTROLLER.lower()
KIND_FRONTEND = TYPE_FRONTEND.lower()
KIND_ASSOCIATION = TYPE_ASSOCIATION.lower()
DELEGATION_SERVICE = TYPE_TRAFFIC_CONTROLLER
ASSOCIATION_TYPE = "subnets"
# "Ensure the subnet for an Application Gateway for Containers association is at least a class C or larger
# (/24 or smaller CIDR prefix)" (BYO quickstart); 250 addresses available.
ASSOCIATION_MAX_PREFIX = 24
# Frontend FQDNs look like ``<16 characters>.fz<NN>.alb.azure.com``; configuration endpoints like
# ``<32 hex>.trafficcontroller.azure.com`` (azure-cli-extensions src/alb test recordings).
FRONTEND_DNS_SUFFIX = "alb.azure.com"
CONFIGURATION_DNS_SUFFIX = "trafficcontroller.azure.com"

# The ALB Controller (Helm chart ``oci://mcr.microsoft.com/application-lb/charts/alb-controller``)
CHART_OCI = "oci://mcr.microsoft.com/application-lb/charts"
CHART_NAME = "alb-controller"
# chart version → controller version; 1.10.37 is the last release on Gateway API v1.2.1, the bundle AKS's managed
# installation carries (alb-controller-release-notes.md)
CHART_VERSIONS = {"1.7.9": "1.7.9", "1.8.12": "1.8.12", "1.9.13": "1.9.13", "1.10.37": "1.10.37"}
CHART_LATEST = "1.10.37"
CONTROLLER_NAMESPACE = "azure-alb-system"
CONTROLLER_SERVICE_ACCOUNT = "alb-controller-sa"
GATEWAY_CLASS = "azure-alb-external"
INGRESS_CLASS = "azure-alb-external"
INGRESS_CONTROLLER = "alb.networking.azure.io/ingress-controller"
API_GROUP = "alb.networking.azure.io"
ANNOTATION_ALB_ID = f"{API_GROUP}/alb-id"
ANNOTATION_ALB_NAME = f"{API_GROUP}/alb-name"
ANNOTATION_ALB_NAMESPACE = f"{API_GROUP}/alb-namespace"
ANNOTATION_FRONTEND = f"{API_GROUP}/alb-frontend"
ADDRESS_TYPE_FRONTEND = f"{API_GROUP}/alb-frontend"
# AGC's proxies forward with these headers (how-to guides' echo outputs): the client address in X-Forwarded-For,
# the scheme in X-Forwarded-Proto
SERVER_HEADER = "Microsoft-Azure-Application-LB/AGC"


def proxy_address(prefix: str) -> str:
    """The address AGC's proxies use in an association subnet (the source address backends see): its first
    usable one, Azure reserving the first four (ours: AGC takes several addresses there, undocumented which)."""
    return str(ipaddress.ip_network(prefix, strict=False).network_address + 4)


def frontend_address(frontend_fqdn: str) -> str:
    """The public address a frontend's FQDN resolves to: Azure-owned and outside every emulated pool (ours:
    stable per FQDN, in 4.150.0.0/16)."""
    h = hashlib.sha256(frontend_fqdn.encode()).digest()
    return f"4.150.{h[0]}.{h[1] % 253 + 1}"


def managed_name(prefix: str, *parts: str) -> str:
    """The name the ALB Controller gives a resource it manages: ``<prefix>-<8 hex>`` of the Kubernetes object(s)
    behind it (ours: the controller's naming is not documented beyond being generated)."""
    return f"{prefix}-{hashlib.sha256('/'.join(parts).encode()).hexdigest()[:8]}"


def managed_traffic_controller(namespace: str, name: str) -> str:
    """The traffic controller an ``ApplicationLoadBalancer`` NS/NAME gets."""
    return managed_name("alb", namespace, name)


def managed_frontend(gateway_namespace: str, gateway_name: str) -> str:
    """The frontend the controller makes for a Gateway that names an ``ApplicationLoadBalancer``."""
    return managed_name("fe", gateway_namespace, gateway_name)


def managed_ingress_frontend(ingress_namespace: str, ingress_name: str) -> str:
    """The frontend the controller makes for an Ingress that names an ``ApplicationLoadBalancer`` (ours: distinct
    from a Gateway of the same namespace/name)."""
    return managed_name("fe", "ingress", ingress_namespace, ingress_name)

# Session affinity (RoutePolicy ``sessionAffinity``): ``application-cookie`` needs ``cookieName`` and
# ``cookieDuration``; ``managed-cookie`` uses AGC's own cookie, ``AGCAffinity`` for one day, and discards both
# (learn.microsoft.com/azure/application-gateway/for-containers/session-affinity).
AFFINITY_APPLICATION_COOKIE = "application-cookie"
AFFINITY_MANAGED_COOKIE = "managed-cookie"
AFFINITY_TYPES = (AFFINITY_APPLICATION_COOKIE, AFFINITY_MANAGED_COOKIE)
MANAGED_COOKIE_NAME = "AGCAffinity"
MANAGED_COOKIE_DURATION = 86400
# Frontend TLS policies (FrontendTLSPolicy ``policyType``): type ``predefined`` with one of the names; 2023-06
# applies when none is set (learn.microsoft.com/azure/application-gateway/for-containers/tls-policy).
TLS_POLICY_TYPE_PREDEFINED = "predefined"
TLS_POLICY_NAMES = ("2023-06", "2023-06-S")
TLS_POLICY_DEFAULT = "2023-06"

# The AKS add-on (``az aks create|update --enable-application-load-balancer``): properties.ingressProfile.
# applicationLoadBalancer.enabled; the controller runs in kube-system with ServiceAccount alb-controller-sa, federated
# with the identity ``applicationloadbalancer-<cluster>`` in the node resource group, which gets these roles on
# that group; the add-on needs Azure CNI (or overlay), workload identity and the managed Gateway API installation
# (learn.microsoft.com/azure/application-gateway/for-containers/quickstart-deploy-application-gateway-for-containers-
# alb-controller-addon).
ADDON_NAMESPACE = "kube-system"
ADDON_IDENTITY_PREFIX = "applicationloadbalancer-"
ADDON_ROLES = ("Network Contributor", "AppGw for Containers Configuration Manager", "Reader")
ADDON_FEDERATED_CREDENTIAL = "aksfic"
# With an AKS-managed VNet the add-on makes subnet ``aks-appgateway`` delegated to traffic controllers (the article);
# its range is not documented: 10.238.0.0/24 of the managed 10.224.0.0/12, as clusters' exported templates show.
ADDON_SUBNET_NAME = "aks-appgateway"
ADDON_SUBNET_PREFIX = "10.238.0.0/24"
