"""The ALB Controller chart (``helm install alb-controller oci://mcr.microsoft.com/application-lb/charts/alb-controller
--version V --set albController.namespace=… --set albController.podIdentity.clientID=…``): the controller's
namespace (``azure-alb-system`` unless ``albController.namespace``), its ServiceAccount ``alb-controller-sa`` (the
subject the quickstart federates the managed identity with) and the ``alb-controller`` Deployment (2 replicas,
``app: alb-controller``); its ``crds/`` folder brings the ``alb.networking.azure.io/v1`` CRDs and the Gateway API's
standard ones when missing (helm installs CRDs once and never deletes them). The GatewayClass and IngressClass
``azure-alb-external`` are made by the running controller (``aksnet.twin.kube.alb_bootstrap``), not the chart.

Source: learn.microsoft.com/azure/application-gateway/for-containers/quickstart-deploy-application-gateway-for-
containers-alb-controller-helm (namespaces, service account, pods), api-specification-kubernetes (the CRD kinds).
Objects go through the API server.
"""

from __future__ import annotations

from typing import Any

from aksnet.io import alb_crds, gateway_api_bundle
from aksnet.rules import alb

Values = dict[str, Any]
Doc = dict[str, Any]

NAME = alb.CHART_NAME
REPO_URL = alb.CHART_OCI
VERSIONS: dict[str, str] = dict(alb.CHART_VERSIONS)
LATEST = alb.CHART_LATEST
DESCRIPTION = "Application Gateway for Containers ALB Controller"
HOME = "https://learn.microsoft.com/azure/application-gateway/for-containers/"
DEFAULTS: Values = {"albController": {"namespace": alb.CONTROLLER_NAMESPACE, "replicaCount": 2,
                                      "podIdentity": {"clientID": ""}}}
ALB_KINDS = alb_crds.ALB_KINDS


def crds(version: str) -> list[Doc]:
    """The chart's ``crds/`` folder: the Gateway API's standard CRDs, then ALB's."""
    return [*gateway_api_bundle.standard_install(), *alb_crds.alb_crds()]


def render(release: str, namespace: str, version: str, values: Values) -> list[Doc]:
    ctrl = values["albController"]
    ns = str(ctrl.get("namespace") or alb.CONTROLLER_NAMESPACE)
    labels = {"app": "alb-controller", "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/name": NAME,
              "app.kubernetes.io/version": VERSIONS[version]}
    sa_meta = {"name": alb.CONTROLLER_SERVICE_ACCOUNT, "namespace": ns, "labels": dict(labels)}
    client_id = str((ctrl.get("podIdentity") or {}).get("clientID") or "")
    if client_id:
        sa_meta["annotations"] = {"azure.workload.identity/client-id": client_id}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": dict(labels)}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": sa_meta},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "alb-controller", "namespace": ns, "labels": dict(labels)},
         "spec": {"replicas": int(ctrl.get("replicaCount") or 2),
                  "selector": {"matchLabels": {"app": "alb-controller"}},
                  "template": {"metadata": {"labels": {"app": "alb-controller",
                                                       "azure.workload.identity/use": "true"}},
                               "spec": {"serviceAccountName": alb.CONTROLLER_SERVICE_ACCOUNT,
                                        "containers": [{"name": "alb-controller",
                                                        "image": "mcr.microsoft.com/application-lb/images/"
                                                                 f"alb-controller:{VERSIONS[version]}",
                                                        "args": [f"--controller-namespace={ns}"]}]}}}},
    ]


def hook_objects(release: str, namespace: str, version: str, values: Values) -> list[Doc]:
    return []


def notes(release: str, namespace: str, values: Values) -> str:
    ns = values["albController"].get("namespace") or alb.CONTROLLER_NAMESPACE
    return (f"Congratulations on installing the ALB Controller! The controller runs in namespace {ns}; "
            f"GatewayClass and IngressClass {alb.GATEWAY_CLASS} are ready once its pods are.")
