"""The Istio-based service mesh add-on for AKS: its revisions, namespaces, labels and injected sidecar.

Sources: https://learn.microsoft.com/azure/aks/istio-support-policy (the release calendar: revision names
``asm-1-NN``, their Istio minor and compatible Kubernetes versions), https://learn.microsoft.com/azure/aks/istio-deploy-addon
(``az aks mesh enable [--revision]``, istiod in ``aks-istio-system``, sidecar injection by the namespace label
``istio.io/rev=asm-1-NN``; the add-on does not support ``istio-injection=enabled``),
https://learn.microsoft.com/azure/aks/istio-deploy-ingress (``aks-istio-ingress``), and Istio's injection webhook
selectors (istio/istio ``manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml``, 1.27).
Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass

MODE_ISTIO = "Istio"  # serviceMeshProfile.mode
MODE_DISABLED = "Disabled"
SYSTEM_NAMESPACE = "aks-istio-system"  # istiod-<revision>
INGRESS_NAMESPACE = "aks-istio-ingress"  # aks-istio-ingressgateway-external|internal

REVISION_LABEL = "istio.io/rev"  # on a namespace (or a pod): inject the sidecar of that revision
INJECTION_LABEL = "istio-injection"  # open-source Istio's default-revision label: not honoured by the add-on
INJECT_OPT_OUT = "sidecar.istio.io/inject"  # "false" on a pod: no sidecar
PROXY_CONTAINER = "istio-proxy"
PROXY_INIT_CONTAINER = "istio-init"
TLS_MODE_LABEL = "security.istio.io/tlsMode"
STATUS_ANNOTATION = "sidecar.istio.io/status"


@dataclass(frozen=True, slots=True)
class Revision:
    """One add-on revision of the support policy's release calendar."""

    name: str  # asm-1-NN
    istio: str  # the Istio patch release its images carry
    kubernetes: tuple[str, ...]  # compatible AKS minor versions


# The GA revisions the support policy lists as not yet at end of life when this table was written (the
# calendar of learn.microsoft.com/azure/aks/istio-support-policy; docs/fidelity.md "Service mesh add-on").
REVISIONS: tuple[Revision, ...] = (
    Revision("asm-1-26", "1.26.3", ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34")),
    Revision("asm-1-27", "1.27.1", ("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35")),
    Revision("asm-1-28", "1.28.0", ("1.30", "1.31", "1.32", "1.33", "1.34", "1.35")),
)
BY_NAME: dict[str, Revision] = {r.name: r for r in REVISIONS}
# Without --revision the resource provider installs its default revision (a choice: docs/fidelity.md).
DEFAULT_REVISION = "asm-1-27"


def istiod_name(revision: str) -> str:
    """The control plane's Deployment and Service in ``aks-istio-system`` (istio-deploy-addon: ``istiod-asm-1-NN``)."""
    return f"istiod-{revision}"


def upgrades(revision: str) -> list[str]:
    """Revisions a mesh at ``revision`` may be upgraded to: later revisions of the table, at most two minors
    ahead (https://learn.microsoft.com/azure/aks/istio-upgrade, "Minor revision upgrade")."""
    names = [r.name for r in REVISIONS]
    i = names.index(revision)
    return names[i + 1:i + 3]


# -- Istio's configuration API (the add-on installs its CRDs with istiod) ------------------------------------
@dataclass(frozen=True, slots=True)
class CrdFact:
    """One Istio CRD as ``manifests/charts/base/files/crd-all.gen.yaml`` (1.27) defines it: versions (the
    storage version first), short names and printer columns (name, type, jsonPath)."""

    group: str
    kind: str
    plural: str
    versions: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    columns: tuple[tuple[str, str, str], ...] = ()


SECURITY_GROUP = "security.istio.io"
NETWORKING_GROUP = "networking.istio.io"
_AGE = ("Age", "date", ".metadata.creationTimestamp")
CRDS: tuple[CrdFact, ...] = (
    CrdFact(SECURITY_GROUP, "AuthorizationPolicy", "authorizationpolicies", ("v1beta1", "v1"), ("ap",),
            (("Action", "string", ".spec.action"), _AGE)),
    CrdFact(SECURITY_GROUP, "PeerAuthentication", "peerauthentications", ("v1beta1", "v1"), ("pa",),
            (("Mode", "string", ".spec.mtls.mode"), _AGE)),
    CrdFact(SECURITY_GROUP, "RequestAuthentication", "requestauthentications", ("v1beta1", "v1"), ("ra",)),
    CrdFact(NETWORKING_GROUP, "VirtualService", "virtualservices", ("v1alpha3", "v1beta1", "v1"), ("vs",),
            (("Gateways", "string", ".spec.gateways"), ("Hosts", "string", ".spec.hosts"), _AGE)),
    CrdFact(NETWORKING_GROUP, "DestinationRule", "destinationrules", ("v1alpha3", "v1beta1", "v1"), ("dr",),
            (("Host", "string", ".spec.host"), _AGE)),
    CrdFact(NETWORKING_GROUP, "Gateway", "gateways", ("v1alpha3", "v1beta1", "v1"), ("gw",)),
    CrdFact(NETWORKING_GROUP, "ServiceEntry", "serviceentries", ("v1alpha3", "v1beta1", "v1"), ("se",),
            (("Hosts", "string", ".spec.hosts"), ("Location", "string", ".spec.location"),
             ("Resolution", "string", ".spec.resolution"), _AGE)),
    CrdFact(NETWORKING_GROUP, "Sidecar", "sidecars", ("v1alpha3", "v1beta1", "v1")),
)

# meshConfig.rootNamespace of the add-on: policies there without a selector apply mesh-wide
# (https://istio.io/latest/docs/reference/config/security/peer_authentication/; the add-on's istiod runs in
# aks-istio-system, https://learn.microsoft.com/azure/aks/istio-meshconfig).
ROOT_NAMESPACE = SYSTEM_NAMESPACE
TRUST_DOMAIN = "cluster.local"  # spiffe://<trust domain>/ns/<namespace>/sa/<service account>
# What Envoy's RBAC filter answers a denied HTTP request
# (https://istio.io/latest/docs/tasks/security/authorization/authz-http/).
RBAC_DENIED_STATUS = 403
RBAC_DENIED_BODY = "RBAC: access denied"


def principal(namespace: str, service_account: str) -> str:
    """The workload's identity as AuthorizationPolicy's ``principals`` name it (without ``spiffe://``)."""
    return f"{TRUST_DOMAIN}/ns/{namespace}/sa/{service_account}"
