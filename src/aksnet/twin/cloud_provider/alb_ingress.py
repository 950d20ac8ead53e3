"""The ALB Controller's Ingress API side: an Ingress of class ``azure-alb-external`` is served by the Application
Gateway for Containers frontend its annotations name — bring your own (``alb.networking.azure.io/alb-id`` and
``alb-frontend``) or managed (``alb-namespace``/``alb-name`` of an ``ApplicationLoadBalancer``: the controller
makes a frontend for the Ingress on that AGC) — and its ``status.loadBalancer.ingress`` gets the frontend's FQDN as
``hostname`` with the ports it listens on (80, and 443 when the Ingress has ``tls``). Only while an ALB Controller
pod runs; an Ingress whose frontend does not exist keeps an empty ``loadBalancer``.

Source: learn.microsoft.com/azure/application-gateway/for-containers/how-to-multiple-site-hosting-ingress-api
(both tabs; the status with ``hostname: <…>.fzyy.alb.azure.com`` and ``ports: [{port: 80, protocol: TCP}]``),
how-to-ssl-offloading-ingress-api (port 443). Must not route anything (the data path is
``aksnet.engine.gateway.agc_ingress``).
"""

from __future__ import annotations

from typing import Any

from aksnet.model.ids import same_id
from aksnet.rules import alb
from aksnet.store import Transaction
from aksnet.twin.kube import alb_bootstrap, schema
from aksnet.twin.kube.apiserver import ApiServer, write_status
from aksnet.twin.network import alb as albnet

Doc = dict[str, Any]


def _frontend(tx: Transaction, node_rg: str, ing: Doc) -> Doc | None:
    meta = ing["metadata"]
    ann = meta.get("annotations") or {}
    alb_id, fe = str(ann.get(alb.ANNOTATION_ALB_ID, "")), str(ann.get(alb.ANNOTATION_FRONTEND, ""))
    ns, name = ann.get(alb.ANNOTATION_ALB_NAMESPACE), ann.get(alb.ANNOTATION_ALB_NAME)
    if not alb_id and ns and name:
        alb_id = albnet.traffic_controller_id(node_rg, alb.managed_traffic_controller(str(ns), str(name)))
        if tx.get(alb.KIND_TRAFFIC_CONTROLLER, alb_id) is None:
            return None
        fe = alb.managed_ingress_frontend(meta.get("namespace", ""), meta["name"])
        albnet.create_frontend(tx, alb_id, fe)
    if not alb_id or not fe:
        return None
    doc = tx.get(alb.KIND_FRONTEND, f"{alb_id}/frontends/{fe}")
    if doc is None:  # the ID's letter case as the user wrote it
        want = f"{alb_id}/frontends/{fe}"
        doc = next((d for d in tx.list(alb.KIND_FRONTEND) if same_id(str(d["id"]), want)), None)
    return doc


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Write the status of every Ingress the running ALB Controller serves (see the module docstring)."""
    api = ApiServer(tx, cluster_id)
    if not alb_bootstrap.controller_running(api):
        return
    node_rg = api.objs.cluster()["properties"]["nodeResourceGroup"]
    classes = {c["metadata"]["name"]: (c.get("spec") or {}).get("controller", "")
               for c in api.objs.docs(schema.BY_KIND["IngressClass"].store_kind)}
    rt = schema.BY_KIND["Ingress"]
    for ing in api.objs.docs(rt.store_kind):
        if not alb_bootstrap.serves_ingress(ing, classes):
            continue
        fe = _frontend(tx, node_rg, ing)
        ports = [{"port": 80, "protocol": "TCP"}] + ([{"port": 443, "protocol": "TCP"}]
                                                     if (ing.get("spec") or {}).get("tls") else [])
        fqdn = str((fe or {}).get("properties", {}).get("fqdn", ""))
        lb: Doc = {"ingress": [{"hostname": fqdn, "ports": ports}]} if fqdn else {}
        if ((ing.get("status") or {}).get("loadBalancer") or {}) != lb:
            write_status(api.objs, rt, ing, {**(ing.get("status") or {}), "loadBalancer": lb})
