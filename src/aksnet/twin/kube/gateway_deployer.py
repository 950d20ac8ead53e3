"""Istio's automated deployment of Gateway API Gateways: for every Gateway whose GatewayClass names Istio's
controller, a Deployment and a LoadBalancer Service ``<gateway>-<class>`` in the Gateway's namespace (pods
labelled ``gateway.networking.k8s.io/gateway-name: <gateway>``; Service ports ``status-port`` 15021 and one per
distinct listener port, each named after its listener, targeting the same port on the proxy). Objects it made
for a Gateway that is gone, or no longer of an Istio class, are deleted; a changed listener set updates the
ports. Runs before the workload controllers (they make the pods), so cloud-provider-azure gives the Service its
frontend in the same reconcile.

Source: https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment and
https://learn.microsoft.com/azure/aks/istio-gateway-api (the add-on deploys Gateways of class ``istio``). Decides
no routing (``aksnet.engine.gateway`` does); must not touch objects it did not make.
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.rules import gateway_api
from aksnet.store import Transaction
from aksnet.twin.kube import schema
from aksnet.twin.kube.apiserver import ApiServer
from aksnet.twin.kube.workloads import owner_ref

Doc = dict[str, Any]
GATEWAY_KIND = f"k8s:{gateway_api.GROUP}/Gateway"
CLASS_KIND = f"k8s:{gateway_api.GROUP}/GatewayClass"
MANAGED_KEY, MANAGED_VALUE = gateway_api.ISTIO_MANAGED_LABEL


def deployed_name(gateway_name: str, class_name: str) -> str:
    """``<gateway>-<class>``: the name of the Deployment and Service Istio makes for a Gateway."""
    return f"{gateway_name}-{class_name}"


def _ports(gw: Doc) -> list[tuple[str, int, str]]:
    """(name, port, appProtocol) per distinct listener port, after the status port."""
    out = [("status-port", gateway_api.ISTIO_STATUS_PORT, "tcp")]
    seen = {gateway_api.ISTIO_STATUS_PORT}
    for i, lst in enumerate((gw.get("spec") or {}).get("listeners") or []):
        port = lst.get("port") if isinstance(lst, dict) else None
        if not isinstance(port, int) or port in seen:
            continue
        seen.add(port)
        protocol = str(lst.get("protocol") or "").lower()
        out.append((str(lst.get("name") or f"{protocol}-{i}"), port, protocol))
    return out


def render(gw: Doc, class_name: str) -> list[Doc]:
    """The Service and Deployment of one Gateway (owned by it)."""
    meta = gw["metadata"]
    name, ns = deployed_name(meta["name"], class_name), meta.get("namespace", "default")
    selector = {gateway_api.GATEWAY_NAME_LABEL: meta["name"]}
    labels = {**selector, MANAGED_KEY: MANAGED_VALUE}
    owner = [owner_ref(gw)]
    ports = _ports(gw)
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": name, "namespace": ns, "labels": dict(labels), "ownerReferences": owner},
         "spec": {"type": "LoadBalancer", "selector": selector,
                  "ports": [{"name": n, "port": p, "protocol": "TCP", "targetPort": p, "appProtocol": a}
                            for n, p, a in ports]}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": name, "namespace": ns, "labels": dict(labels), "ownerReferences": owner},
         "spec": {"replicas": 1, "selector": {"matchLabels": selector},
                  "template": {"metadata": {"labels": {**labels, "sidecar.istio.io/inject": "false"}},
                               "spec": {"containers": [{
                                   "name": "istio-proxy", "image": "auto",
                                   "ports": [{"containerPort": p, "name": n[:15], "protocol": "TCP"}
                                             for n, p, _ in ports]}]}}}},
    ]


def _desired(api: ApiServer) -> dict[tuple[str, str, str], Doc]:
    istio_classes = {c["metadata"]["name"] for c in api.objs.docs(CLASS_KIND)
                     if (c.get("spec") or {}).get("controllerName") == gateway_api.ISTIO_CONTROLLER}
    out: dict[tuple[str, str, str], Doc] = {}
    for gw in api.objs.docs(GATEWAY_KIND):
        cls = (gw.get("spec") or {}).get("gatewayClassName")
        if cls in istio_classes and not gw["metadata"].get("deletionTimestamp"):
            for doc in render(gw, str(cls)):
                out[(doc["kind"], doc["metadata"]["namespace"], doc["metadata"]["name"])] = doc
    return out


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Make, update or delete the Deployments and Services of Istio-class Gateways."""
    api = ApiServer(tx, cluster_id)
    desired = _desired(api)
    for kind in ("Service", "Deployment"):
        rt = schema.BY_KIND[kind]
        for doc in list(api.objs.docs(rt.store_kind)):
            meta = doc["metadata"]
            key = (kind, meta.get("namespace", ""), meta["name"])
            if (meta.get("labels") or {}).get(MANAGED_KEY) == MANAGED_VALUE and key not in desired:
                api.delete(rt, key[1], key[2])
    for (kind, ns, name), doc in desired.items():
        rt = schema.BY_KIND[kind]
        live = api.find(rt, ns, name)
        if live is None:
            if api.namespace_exists(ns):
                api.create(doc)
        elif (live["metadata"].get("labels") or {}).get(MANAGED_KEY) == MANAGED_VALUE:
            _update_ports(api, live, doc)


def _update_ports(api: ApiServer, live: Doc, want: Doc) -> None:
    """Carry a changed listener set into the live object's ports (a Service keeps the nodePorts it has)."""
    new = copy.deepcopy(live)
    if want["kind"] == "Service":
        old = {p.get("port"): p.get("nodePort") for p in live["spec"].get("ports") or []}
        new["spec"]["ports"] = [{**p, "nodePort": old[p["port"]]} if old.get(p["port"]) else dict(p)
                                for p in want["spec"]["ports"]]
        if [(p["name"], p["port"]) for p in new["spec"]["ports"]] == [(p.get("name"), p.get("port"))
                                                                        for p in live["spec"].get("ports") or []]:
            return
    else:
        wanted = want["spec"]["template"]["spec"]["containers"][0]["ports"]
        containers = new["spec"]["template"]["spec"]["containers"]
        if not containers or containers[0].get("ports") == wanted:
            return
        containers[0]["ports"] = wanted
    api.replace(new)
