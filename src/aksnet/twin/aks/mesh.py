"""The Istio-based service mesh add-on on a managed cluster: ``serviceMeshProfile`` and what AKS installs.

``enable`` sets ``serviceMeshProfile`` (``mode: Istio``, ``istio.revisions: [asm-1-NN]``) and installs the
revision's control plane: Istio's CRDs (``aksnet.io.istio_crds``; ``disable`` leaves them, as AKS does), namespace
``aks-istio-system`` with the ``istiod-asm-1-NN`` Deployment and Service
(https://learn.microsoft.com/azure/aks/istio-deploy-addon, "Verify successful installation"); from then on pods
of namespaces labelled ``istio.io/rev=asm-1-NN`` are injected (:mod:`aksnet.twin.kube.sidecar_injector`).
``disable`` sets ``mode: Disabled`` and removes the namespace (already injected pods keep their sidecar until
they are re-created, as on AKS). The revision list, names and images are :mod:`aksnet.rules.istio`.
Ingress gateways are :mod:`.mesh_gateway`; canary upgrades :mod:`.mesh_upgrade`. Nothing here prints.
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.io import istio_crds
from aksnet.rules import istio
from aksnet.rules.kubernetes import CLUSTER_DOMAIN
from aksnet.store import Transaction
from aksnet.twin.arm import etag
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.kube import objects
from aksnet.twin.kube.apiserver import ApiServer
from aksnet.twin.kube.schema import BY_KIND

Doc = dict[str, Any]
KIND_CLUSTER = "microsoft.containerservice/managedclusters"
NOT_ENABLED = ("Istio has not been enabled for this cluster, please refer to https://aka.ms/asm-aks-addon-docs "
               "for more details on enabling Azure Service Mesh.")


def profile(cluster: Doc) -> Doc | None:
    """The cluster's ``serviceMeshProfile`` (None when the mesh was never configured)."""
    p: Doc | None = (cluster.get("properties") or {}).get("serviceMeshProfile")
    return p


def enabled_revisions(cluster: Doc) -> list[str]:
    """The installed revisions (empty unless ``mode`` is ``Istio``)."""
    p = profile(cluster) or {}
    if p.get("mode") != istio.MODE_ISTIO:
        return []
    return [str(r) for r in ((p.get("istio") or {}).get("revisions") or [])]


def check_revision(revision: str) -> str:
    """A revision the resource provider installs (https://learn.microsoft.com/azure/aks/istio-support-policy)."""
    if revision not in istio.BY_NAME:
        raise AzureError("InvalidParameter",
                         f"The value of parameter serviceMeshProfile.istio.revisions is invalid: revision "
                         f"{revision!r} is not supported. Supported revisions: "
                         f"{', '.join(r.name for r in istio.REVISIONS)} (az aks mesh get-revisions).",
                         "serviceMeshProfile.istio.revisions")
    return revision


def render(revision: str) -> list[Doc]:
    """The objects of one revision's control plane in ``aks-istio-system``."""
    name = istio.istiod_name(revision)
    labels = {"app": "istiod", istio.REVISION_LABEL: revision, "istio.io/owned-by": "AKS",
              "kubernetes.azure.com/managedby": "aks"}
    selector = {"app": "istiod", istio.REVISION_LABEL: revision}
    meta = {"namespace": istio.SYSTEM_NAMESPACE, "labels": dict(labels)}
    version = istio.BY_NAME[revision].istio
    ports = [(15010, "grpc-xds", 15010), (15012, "https-dns", 15012), (443, "https-webhook", 15017),
             (15014, "http-monitoring", 15014)]
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": istio.SYSTEM_NAMESPACE, "labels": {"kubernetes.azure.com/managedby": "aks"}}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": f"istiod-{revision}", **meta}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, **meta},
         "spec": {"type": "ClusterIP", "selector": selector,
                  "ports": [{"name": n, "port": p, "protocol": "TCP", "targetPort": t} for p, n, t in ports]}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, **meta},
         "spec": {"replicas": 2, "selector": {"matchLabels": selector},
                  "template": {"metadata": {"labels": {**labels, "sidecar.istio.io/inject": "false"}},
                               "spec": {"serviceAccountName": f"istiod-{revision}", "containers": [{
                                   "name": "discovery", "image": f"mcr.microsoft.com/oss/istio/pilot:{version}",
                                   "args": ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info",
                                            "--domain", CLUSTER_DOMAIN, "--keepaliveMaxServerConnectionAge", "30m"],
                                   "env": [{"name": "REVISION", "value": revision}],
                                   "ports": [{"containerPort": p, "name": n, "protocol": "TCP"} for p, n in (
                                       (8080, "http-debug"), (15010, "grpc-xds"), (15012, "tls-xds"),
                                       (15017, "https-webhooks"), (15014, "http-monitoring"))],
                                   "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080},
                                                      "initialDelaySeconds": 1, "periodSeconds": 3,
                                                      "timeoutSeconds": 5},
                                   "resources": {"requests": {"cpu": "500m", "memory": "2Gi"}}}]}}}},
    ]


def set_profile(tx: Transaction, cluster: Doc, mesh: Doc) -> Doc:
    cluster.setdefault("properties", {})["serviceMeshProfile"] = mesh
    cluster["etag"] = etag(tx)
    tx.put(KIND_CLUSTER, cluster["id"], cluster)
    return cluster


def enable(tx: Transaction, cluster: Doc, revision: str | None) -> Doc:
    """``az aks mesh enable`` / ``az aks create --enable-azure-service-mesh``: idempotent for the installed
    revision; another revision on an enabled mesh is an upgrade (``az aks mesh upgrade``), refused here."""
    installed = enabled_revisions(cluster)
    wanted = check_revision(revision) if revision else (installed[0] if installed else istio.DEFAULT_REVISION)
    if installed and wanted not in installed:
        raise AzureError("BadRequest", f"Istio is already enabled with revision {', '.join(installed)}: changing "
                                       f"the revision to {wanted} is an upgrade (az aks mesh upgrade start).")
    old_istio = (profile(cluster) or {}).get("istio") or {}
    components = old_istio.get("components") or {"ingressGateways": None, "egressGateways": None}
    mesh = {"mode": istio.MODE_ISTIO, "istio": {"certificateAuthority": old_istio.get("certificateAuthority"),
                                                "components": components, "revisions": installed or [wanted]}}
    cluster = set_profile(tx, cluster, mesh)
    install(tx, cluster["id"], [*istio_crds.crd_documents(), *render(wanted)])
    return cluster


def install(tx: Transaction, cluster_id: str, docs: list[Doc]) -> None:
    """Create the add-on's objects that do not exist yet (through the API server), then run the controllers."""
    api = ApiServer(tx, cluster_id)
    for d in docs:
        rt = BY_KIND[d["kind"]]
        if api.find(rt, d["metadata"].get("namespace") if rt.namespaced else None, d["metadata"]["name"]) is None:
            api.create(d)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)


def uninstall(tx: Transaction, cluster_id: str, keys: list[tuple[str, str | None, str]]) -> None:
    """Delete the add-on's objects (kind, namespace, name) that exist, then run the controllers."""
    api = ApiServer(tx, cluster_id)
    for kind, ns, name in keys:
        if api.find(BY_KIND[kind], ns, name) is not None:
            api.delete(BY_KIND[kind], ns, name)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)


def disable(tx: Transaction, cluster: Doc) -> Doc:
    """``az aks mesh disable``: ``mode: Disabled``; the control plane's namespace goes."""
    if not enabled_revisions(cluster):
        raise AzCliError("ArgumentUsageError", NOT_ENABLED)
    cluster = set_profile(tx, cluster, {"mode": istio.MODE_DISABLED, "istio": None})
    uninstall(tx, cluster["id"], [("Namespace", None, istio.INGRESS_NAMESPACE),
                                  ("Namespace", None, istio.SYSTEM_NAMESPACE)])
    return cluster


def revisions_profile(subscription: str, location: str) -> Doc:
    """``az aks mesh get-revisions -l LOCATION``: the location's ``meshRevisionProfiles/istio``
    (``Microsoft.ContainerService/locations/meshRevisionProfiles``, ARM API ``listMeshRevisionProfiles``)."""
    return {
        "id": f"/subscriptions/{subscription}/providers/Microsoft.ContainerService/locations/{location}/"
              "meshRevisionProfiles/istio",
        "name": "istio",
        "properties": {"meshRevisions": [
            {"compatibleWith": [{"name": "kubernetes", "versions": list(r.kubernetes)}], "revision": r.name,
             "upgrades": istio.upgrades(r.name)} for r in istio.REVISIONS]},
        "systemData": None,
        "type": "Microsoft.ContainerService/locations/meshRevisionProfiles",
    }


def upgrade_profile(cluster: Doc) -> Doc:
    """``az aks mesh get-upgrades``: the cluster's ``meshUpgradeProfiles/istio`` (the installed revision, the
    revisions it may be upgraded to and their compatible Kubernetes versions; ARM API
    ``ManagedClusters_GetMeshUpgradeProfile``)."""
    revisions = enabled_revisions(cluster)
    if not revisions:
        raise AzCliError("ArgumentUsageError", NOT_ENABLED)
    current = revisions[0]  # during a canary upgrade: the stable revision (docs/fidelity.md "Istio")
    ups = istio.upgrades(current)
    return {
        "id": f"{cluster['id']}/meshUpgradeProfiles/istio",
        "name": "istio",
        "properties": {
            "compatibleWith": [{"name": "kubernetes", "versions": list(istio.BY_NAME[current].kubernetes)}],
            "revision": current, "upgrades": ups},
        "systemData": None,
        "type": "Microsoft.ContainerService/managedClusters/meshUpgradeProfiles",
    }
