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
