"""The service mesh add-on's managed ingress gateways (``az aks mesh enable-ingress-gateway|disable-ingress-gateway``).

An enabled gateway is an entry ``{enabled: true, mode: External|Internal}`` of
``serviceMeshProfile.istio.components.ingressGateways`` and, in namespace ``aks-istio-ingress``, the Deployment
``aks-istio-ingressgateway-<mode>-<revision>`` (pods labelled ``app``/``istio: aks-istio-ingressgateway-<mode>``,
which Istio Gateways select) behind the LoadBalancer Service ``aks-istio-ingressgateway-<mode>`` (ports 15021,
80→8080, 443→8443; the internal one on the internal load balancer by
``service.beta.kubernetes.io/azure-load-balancer-internal: "true"``). cloud-provider-azure gives the Service its
frontend IP. Source: https://learn.microsoft.com/azure/aks/istio-deploy-ingress. Nothing here prints.
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzCliError
from aksnet.rules import istio
from aksnet.rules.aks import LB_INTERNAL_ANNOTATION
from aksnet.store import Transaction
from aksnet.twin.aks import mesh

Doc = dict[str, Any]
MODES = {"external": "External", "internal": "Internal"}


def gateway_name(mode: str) -> str:
    """``aks-istio-ingressgateway-external`` / ``-internal`` (the Service, and the pods' ``istio`` label)."""
    return f"aks-istio-ingressgateway-{mode.lower()}"


def render(revision: str, mode: str) -> list[Doc]:
    """The gateway's namespace, Service and Deployment for ``mode`` (External or Internal)."""
    name = gateway_name(mode)
    selector = {"app": name, "istio": name}
    labels = {**selector, istio.REVISION_LABEL: revision, "kubernetes.azure.com/managedby": "aks"}
    service_meta: Doc = {"name": name, "namespace": istio.INGRESS_NAMESPACE, "labels": dict(labels)}
    if mode == "Internal":
        service_meta["annotations"] = {LB_INTERNAL_ANNOTATION: "true"}
    ports = [("status-port", 15021, 15021), ("http2", 80, 8080), ("https", 443, 8443)]
    version = istio.BY_NAME[revision].istio
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": istio.INGRESS_NAMESPACE, "labels": {"kubernetes.azure.com/managedby": "aks"}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": service_meta,
         "spec": {"type": "LoadBalancer", "selector": selector,
                  "ports": [{"name": n, "port": p, "protocol": "TCP", "targetPort": t} for n, p, t in ports]}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": f"{name}-{revision}", "namespace": istio.INGRESS_NAMESPACE, "labels": dict(labels)},
         "spec": {"replicas": 2, "selector": {"matchLabels": selector},
                  "template": {"metadata": {"labels": {**labels, istio.INJECT_OPT_OUT: "false"}},
                               "spec": {"containers": [{
                                   "name": istio.PROXY_CONTAINER,
                                   "image": f"mcr.microsoft.com/oss/istio/proxyv2:{version}-distroless",
                                   "args": ["proxy", "router", "--domain", "$(POD_NAMESPACE).svc",
                                            "--proxyLogLevel=warning"],
                                   "ports": [{"containerPort": 15021, "name": "status-port", "protocol": "TCP"},
                                             {"containerPort": 8080, "name": "http2", "protocol": "TCP"},
                                             {"containerPort": 8443, "name": "https", "protocol": "TCP"},
                                             {"containerPort": 15090, "name": "http-envoy-prom",
                                              "protocol": "TCP"}],
                                   "readinessProbe": {"httpGet": {"path": "/healthz/ready", "port": 15021},
                                                      "periodSeconds": 2, "failureThreshold": 30}}]}}}},
    ]


def _gateways(cluster: Doc) -> list[Doc]:
    components = (mesh.profile(cluster) or {}).get("istio", {}).setdefault("components", {})
    gws: list[Doc] = components.get("ingressGateways") or []
    components["ingressGateways"] = gws
    return gws


def _revisions(cluster: Doc) -> list[str]:
    """The installed revisions (two during a canary upgrade: each has its gateway Deployment)."""
    revisions = mesh.enabled_revisions(cluster)
    if not revisions:
        raise AzCliError("ArgumentUsageError", mesh.NOT_ENABLED)
    return revisions


def enable(tx: Transaction, cluster: Doc, mode: str) -> Doc:
    """``enable-ingress-gateway --ingress-gateway-type external|internal`` (idempotent)."""
    revisions = _revisions(cluster)
    gws = _gateways(cluster)
    entry = next((g for g in gws if g.get("mode") == mode), None)
    if entry is None:
        gws.append({"enabled": True, "mode": mode})
    else:
        entry["enabled"] = True
    cluster = mesh.set_profile(tx, cluster, mesh.profile(cluster) or {})
    mesh.install(tx, cluster["id"], [d for revision in revisions for d in render(revision, mode)])
    return cluster


def disable(tx: Transaction, cluster: Doc, mode: str) -> Doc:
    """``disable-ingress-gateway``: the entry stays with ``enabled: false``; the Deployment and Service go."""
    revisions = _revisions(cluster)
    for g in _gateways(cluster):
        if g.get("mode") == mode:
            g["enabled"] = False
    cluster = mesh.set_profile(tx, cluster, mesh.profile(cluster) or {})
    name = gateway_name(mode)
    mesh.uninstall(tx, cluster["id"], [*(("Deployment", istio.INGRESS_NAMESPACE, f"{name}-{revision}")
                                         for revision in revisions), ("Service", istio.INGRESS_NAMESPACE, name)])
    return cluster
