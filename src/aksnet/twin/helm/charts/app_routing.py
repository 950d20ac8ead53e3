"""The application routing add-on's managed NGINX (``az aks approuting enable``): the objects the
aks-app-routing-operator creates for its default NginxIngressController, and turning the add-on on and off.

Source: Azure/aks-app-routing-operator ``pkg/manifests/nginx.go`` (``NginxIngressControllerResources``: resource
name ``nginx`` in namespace ``app-routing-system``, IngressClass ``webapprouting.kubernetes.azure.com`` with
controller ``webapprouting.kubernetes.azure.com/nginx`` (see :data:`CONTROLLER`), pod selector ``app: nginx``, labels
``app.kubernetes.io/managed-by: aks-app-routing-operator`` and ``app.kubernetes.io/component:
ingress-controller``, Service type LoadBalancer with externalTrafficPolicy Local, ports http 80 / https 443,
HPA minimum 2 replicas, ConfigMap data); MicrosoftDocs ``app-routing.md`` (``--nginx`` External, Internal,
AnnotationControlled, None). RBAC, PDB and HPA objects are not rendered (kinds the emulated API server does
not serve); the HPA's minimum is written as the Deployment's replicas. Objects go through the API server.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules.aks import APP_ROUTING_CLASS as INGRESS_CLASS
from aksnet.rules.aks import APP_ROUTING_CONTROLLER as CONTROLLER
from aksnet.rules.aks import LB_INTERNAL_ANNOTATION
from aksnet.store import Transaction
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.kube import objects
from aksnet.twin.kube.apiserver import ApiServer
from aksnet.twin.kube.schema import BY_KIND

Doc = dict[str, Any]

NAMESPACE = "app-routing-system"
RESOURCE = "nginx"
# The operator's default NginxIngressController uses "webapprouting.kubernetes.azure.com/nginx"; the team
# contract (and aksnet.engine.ingress.model.APPROUTING_CONTROLLER) uses the value below. Change both together
# (docs/fidelity.md).
IMAGE = "mcr.microsoft.com/oss/kubernetes/ingress/nginx-ingress-controller:v1.11.5"
NGINX_MODES = ("AnnotationControlled", "External", "Internal", "None")
MIN_REPLICAS = 2

TOP_LABELS = {"app.kubernetes.io/managed-by": "aks-app-routing-operator", "app.kubernetes.io/name": "nginx",
              "kubernetes.azure.com/managedby": "aks"}
COMPONENT_LABELS = {**TOP_LABELS, "app.kubernetes.io/component": "ingress-controller"}
POD_SELECTOR = {"app": RESOURCE}


def render(nginx_mode: str = "External") -> list[Doc]:
    """The default controller's objects for ``--nginx`` mode (None: only the namespace and class)."""
    ns: Doc = {"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": NAMESPACE, "labels": dict(TOP_LABELS)}}
    ic: Doc = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
               "metadata": {"name": INGRESS_CLASS, "labels": dict(TOP_LABELS)}, "spec": {"controller": CONTROLLER}}
    if nginx_mode == "None":
        return [ns]
    meta = {"namespace": NAMESPACE, "labels": dict(COMPONENT_LABELS)}
    svc_ann = {LB_INTERNAL_ANNOTATION: "true"} if nginx_mode == "Internal" else {}
    service: Doc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": RESOURCE, **meta},
                    "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "selector": dict(POD_SELECTOR),
                             "ports": [{"name": "http", "port": 80, "targetPort": "http"},
                                       {"name": "https", "port": 443, "targetPort": "https"}]}}
    if svc_ann:
        service["metadata"]["annotations"] = svc_ann
    args = ["/nginx-ingress-controller", f"--ingress-class={INGRESS_CLASS}", f"--controller-class={CONTROLLER}",
            f"--election-id={RESOURCE}", f"--publish-service=$(POD_NAMESPACE)/{RESOURCE}",
            f"--configmap=$(POD_NAMESPACE)/{RESOURCE}", "--enable-annotation-validation=true",
            "--shutdown-grace-period=15"]
    probe = {"failureThreshold": 6, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
             "initialDelaySeconds": 10, "periodSeconds": 5, "successThreshold": 1, "timeoutSeconds": 1}
    deployment: Doc = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": RESOURCE, **meta},
        "spec": {
            "replicas": MIN_REPLICAS, "revisionHistoryLimit": 2, "selector": {"matchLabels": dict(POD_SELECTOR)},
            "template": {
                "metadata": {"labels": {**COMPONENT_LABELS, **POD_SELECTOR},
                             "annotations": {"kubernetes.azure.com/set-kube-service-host-fqdn": "true",
                                             "prometheus.io/port": "10254", "prometheus.io/scrape": "true"}},
                "spec": {
                    "serviceAccountName": RESOURCE,
                    "containers": [{
                        "name": "controller", "image": IMAGE, "args": args,
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                {"name": "POD_NAMESPACE",
                                 "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                        "ports": [{"name": "http", "containerPort": 80}, {"name": "https", "containerPort": 443},
                                  {"name": "prometheus", "containerPort": 10254}],
                        "readinessProbe": probe, "livenessProbe": probe,
                        "resources": {"requests": {"cpu": "500m", "memory": "127Mi"}},
                        "securityContext": {"allowPrivilegeEscalation": False,
                                            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                                            "runAsNonRoot": True, "runAsUser": 101,
                                            "seccompProfile": {"type": "RuntimeDefault"}},
                    }],
                },
            },
        },
    }
    return [
        ns,
        ic,
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": RESOURCE, **meta}},
        service,
        deployment,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": RESOURCE, **meta},
         "data": {"allow-snippet-annotations": "true",
                  "annotation-value-word-blocklist":
                      "load_module,lua_package,_by_lua,location,root,proxy_pass,serviceaccount,{,},'"}},
    ]


def _key(doc: Doc) -> tuple[str, str | None, str]:
    rt = BY_KIND[doc["kind"]]
    return doc["kind"], doc["metadata"].get("namespace") if rt.namespaced else None, doc["metadata"]["name"]


def apply(tx: Transaction, cluster_id: str, nginx_mode: str = "External") -> None:
    """Create or update the add-on's objects (objects of a previous mode that are not wanted go)."""
    api = ApiServer(tx, cluster_id)
    wanted = render(nginx_mode)
    keep = {_key(d) for d in wanted}
    for d in render("External"):
        kind, ns, name = _key(d)
        if (kind, ns, name) not in keep and kind != "Namespace" and api.find(BY_KIND[kind], ns, name) is not None:
            api.delete(BY_KIND[kind], ns, name)
    for d in wanted:
        kind, ns, name = _key(d)
        live = api.find(BY_KIND[kind], ns, name)
        if live is None:
            api.create(d, default_namespace=NAMESPACE)
        else:
            api.replace({**d, "metadata": {**live["metadata"], **d["metadata"]}})
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)


def remove(tx: Transaction, cluster_id: str) -> None:
    """``approuting disable``: the namespace (and with it the controller) and the IngressClass go."""
    api = ApiServer(tx, cluster_id)
    for kind, ns, name in (("IngressClass", None, INGRESS_CLASS), ("Namespace", None, NAMESPACE)):
        if api.find(BY_KIND[kind], ns, name) is not None:
            api.delete(BY_KIND[kind], ns, name)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)
