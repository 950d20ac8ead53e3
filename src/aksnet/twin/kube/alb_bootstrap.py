"""What a running ALB Controller sets up in its cluster: the GatewayClass ``azure-alb-external`` (controllerName
``alb.networking.azure.io/alb-controller``; only when the Gateway API's CRDs are installed) and the IngressClass
``azure-alb-external`` (controller ``alb.networking.azure.io/ingress-controller``), once an ``alb-controller`` pod
runs; objects a user made with those names are left as they are.

Source: learn.microsoft.com/azure/application-gateway/for-containers/quickstart-deploy-application-gateway-for-
containers-alb-controller-helm ("Verify GatewayClass azure-alb-external is installed on your cluster"),
how-to-ssl-offloading-ingress-api (``ingressClassName: azure-alb-external``). Must not route anything.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import alb, gateway_api
from aksnet.store import Transaction
from aksnet.twin.kube import schema
from aksnet.twin.kube.apiserver import ApiServer


def controller_running(api: ApiServer) -> bool:
    """Whether a pod of the ALB Controller (label ``app: alb-controller``) is running."""
    return any((p["metadata"].get("labels") or {}).get("app") == "alb-controller"
               and (p.get("status") or {}).get("phase") == "Running"
               for p in api.objs.docs(schema.BY_KIND["Pod"].store_kind))


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Create the classes the running ALB Controller owns when they are missing."""
    api = ApiServer(tx, cluster_id)
    if not controller_running(api):
        return
    classes = api.types.by_store_kind(f"k8s:{gateway_api.GROUP}/GatewayClass")
    if classes is not None and api.find(classes, None, alb.GATEWAY_CLASS) is None:
        api.create({"apiVersion": f"{gateway_api.GROUP}/v1", "kind": "GatewayClass",
                    "metadata": {"name": alb.GATEWAY_CLASS},
                    "spec": {"controllerName": gateway_api.ALB_CONTROLLER}})
    ic = schema.BY_KIND["IngressClass"]
    if api.find(ic, None, alb.INGRESS_CLASS) is None:
        api.create({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                    "metadata": {"name": alb.INGRESS_CLASS}, "spec": {"controller": alb.INGRESS_CONTROLLER}})


def serves_ingress(ing: dict[str, Any], class_controllers: dict[str, str]) -> bool:
    """Whether the ALB Controller serves this Ingress: its ``ingressClassName`` names an IngressClass of
    ``alb.networking.azure.io/ingress-controller`` (or ``azure-alb-external`` before that class exists)."""
    name = str((ing.get("spec") or {}).get("ingressClassName") or "")
    return bool(name) and class_controllers.get(name, alb.INGRESS_CONTROLLER if name == alb.INGRESS_CLASS
                                                else "") == alb.INGRESS_CONTROLLER
