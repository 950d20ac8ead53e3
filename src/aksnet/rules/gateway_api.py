"""Gateway API facts (gateway.networking.k8s.io): the API group, the release bundle AKS installs and the names,
scopes, versions and printer columns of its standard-channel CustomResourceDefinitions. Stdlib only; no
semantics (those live in ``aksnet.engine.gateway``).

Source: kubernetes-sigs/gateway-api at tag v1.2.1, ``config/crd/standard/*.yaml`` (the files the release's
``standard-install.yaml`` concatenates); how AKS installs them:
https://learn.microsoft.com/azure/aks/managed-gateway-api (standard channel only).
"""

from __future__ import annotations

from dataclasses import dataclass

GROUP = "gateway.networking.k8s.io"
# The bundle version the emulated installation carries (annotation gateway.networking.k8s.io/bundle-version).
BUNDLE_VERSION = "v1.2.1"
CHANNEL = "standard"
BUNDLE_VERSION_ANNOTATION = f"{GROUP}/bundle-version"
CHANNEL_ANNOTATION = f"{GROUP}/channel"
# Every Gateway API CRD carries this approval annotation (the group ends in .k8s.io); the PR of v1.2.1.
API_APPROVED = ("api-approved.kubernetes.io", "https://github.com/kubernetes-sigs/gateway-api/pull/3328")
# The release asset users apply: https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api
RELEASE_URL_PREFIX = "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
STANDARD_INSTALL = "standard-install.yaml"
CATEGORY = "gateway-api"
# The managed installation: ``az aks create|update --enable-gateway-api`` sets
# properties.ingressProfile.gatewayAPI.installation to Standard (Disabled by default), and AKS then installs
# and manages the standard-channel CRDs: https://learn.microsoft.com/azure/aks/managed-gateway-api
MANAGED_INSTALLATION_STANDARD = "Standard"
MANAGED_INSTALLATION_DISABLED = "Disabled"


@dataclass(frozen=True)
class Column:
    """One additionalPrinterColumn: header, JSON type, JSONPath, priority (1: only with ``-o wide``)."""

    name: str
    type: str
    json_path: str
    priority: int = 0


@dataclass(frozen=True)
class CrdFacts:
    """One CRD of the standard channel: names, scope, served versions (the first one is the storage version)."""

    kind: str
    plural: str
    short_names: tuple[str, ...]
    namespaced: bool
    versions: tuple[str, ...]
    columns: tuple[Column, ...]
    status: bool = True

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{GROUP}"


_AGE = Column("Age", "date", ".metadata.creationTimestamp")
_HOSTNAMES = Column("Hostnames", "string", ".spec.hostnames")

STANDARD_CRDS: tuple[CrdFacts, ...] = (
    CrdFacts("GatewayClass", "gatewayclasses", ("gc",), False, ("v1", "v1beta1"), (
        Column("Controller", "string", ".spec.controllerName"),
        Column("Accepted", "string", '.status.conditions[?(@.type=="Accepted")].status'),
        _AGE,
        Column("Description", "string", ".spec.description", 1),
    )),
    CrdFacts("Gateway", "gateways", ("gtw",), True, ("v1", "v1beta1"), (
        Column("Class", "string", ".spec.gatewayClassName"),
        Column("Address", "string", ".status.addresses[*].value"),
        Column("Programmed", "string", '.status.conditions[?(@.type=="Programmed")].status'),
        _AGE,
    )),
    CrdFacts("GRPCRoute", "grpcroutes", (), True, ("v1",), (_HOSTNAMES, _AGE)),
    CrdFacts("HTTPRoute", "httproutes", (), True, ("v1", "v1beta1"), (_HOSTNAMES, _AGE)),
    CrdFacts("ReferenceGrant", "referencegrants", ("refgrant",), True, ("v1beta1",), (_AGE,), status=False),
)


# Gateway API v1.4.0 moved BackendTLSPolicy to the standard channel (v1; v1alpha3 was experimental since v1.1):
# https://kubernetes.io/blog/2025/11/06/gateway-api-v1-4, gateway-api v1.4.0 ``config/crd/standard``. AKS's
# managed installation and the ALB Controller 1.10 stay on v1.2.1; applying the v1.4.0 release adds it.
BACKEND_TLS_POLICY_CRD = CrdFacts("BackendTLSPolicy", "backendtlspolicies", ("btlspolicy",), True, ("v1",), (_AGE,))
V1_4 = "v1.4.0"
RELEASES: dict[str, tuple[CrdFacts, ...]] = {BUNDLE_VERSION: STANDARD_CRDS,
                                             V1_4: (BACKEND_TLS_POLICY_CRD, *STANDARD_CRDS)}


def release_url(version: str = BUNDLE_VERSION) -> str:
    """The URL of a release's standard-channel install manifest."""
    return f"{RELEASE_URL_PREFIX}{version}/{STANDARD_INSTALL}"

# Gateway API implementations AKS offers, by the controllerName their GatewayClass carries:
# the Istio add-on's (class "istio"): https://learn.microsoft.com/azure/aks/istio-gateway-api
# Application Gateway for Containers' ALB controller (class "azure-alb-external"):
# https://learn.microsoft.com/azure/application-gateway/for-containers/quickstart-deploy-application-gateway-for-containers-alb-controller
ISTIO_CONTROLLER = "istio.io/gateway-controller"
ALB_CONTROLLER = "alb.networking.azure.io/alb-controller"
AKS_CONTROLLERS = (ISTIO_CONTROLLER, ALB_CONTROLLER)
# Listener protocols whose default route kind is HTTPRoute (Listener.AllowedRoutes.Kinds defaults).
HTTP_PROTOCOLS = ("HTTP", "HTTPS")
TLS_SECRET_TYPE = "kubernetes.io/tls"
# The status defaults of the GatewayClass and Gateway CRDs: conditions Unknown until a controller writes them.
PENDING_CONDITION = {"lastTransitionTime": "1970-01-01T00:00:00Z", "message": "Waiting for controller",
                     "reason": "Pending", "status": "Unknown"}
PENDING_CONDITION_TYPES = {"GatewayClass": ("Accepted",), "Gateway": ("Accepted", "Programmed")}

# Istio's automated deployment of a Gateway of class ``istio``: a Deployment and a LoadBalancer Service named
# ``<gateway>-<class>`` in the Gateway's namespace, pods labelled with the Gateway's name, a ``status-port`` 15021
# and one Service port per distinct listener port (the proxy listens on the listener port itself), the Service's
# address copied into the Gateway's ``status.addresses``:
# https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment
ISTIO_CLASS = "istio"
GATEWAY_NAME_LABEL = f"{GROUP}/gateway-name"
ISTIO_STATUS_PORT = 15021
ISTIO_MANAGED_LABEL = ("gateway.istio.io/managed", "istio.io-gateway-controller")
# Envoy's own answers (the proxy Istio deploys): no route → 404 with an empty body; a rule whose backends all
# failed to resolve or weigh 0 → 500; every upstream connect attempt failed → 503 with Envoy's body; Istio's
# default retry policy retries connect failures twice (3 attempts):
# https://istio.io/latest/docs/concepts/traffic-management/#retries
ENVOY_NO_HEALTHY_UPSTREAM = "no healthy upstream"
ENVOY_CONNECT_FAILURE = ("upstream connect error or disconnect/reset before headers. reset reason: remote connection "
                         "failure, transport failure reason: delayed connect error: 111")
ENVOY_CONNECT_TIMEOUT = "upstream connect error or disconnect/reset before headers. reset reason: connection timeout"
ISTIO_ATTEMPTS = 3
