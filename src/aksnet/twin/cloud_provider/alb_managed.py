"""The ALB Controller's managed deployments: an ``ApplicationLoadBalancer`` (alb.networking.azure.io/v1) makes an
Application Gateway for Containers in the cluster's node resource group, associated with every subnet of
``spec.associations``; a Gateway of class ``azure-alb-external`` annotated ``alb.networking.azure.io/alb-namespace``
and ``alb-name`` gets a frontend on it. The resource's status then carries ``Accepted`` and ``Deployment``
(``alb-id=…``) conditions; a subnet AGC cannot use (not delegated, smaller than a /24) makes
``Accepted`` False with Azure's error.
Deleting the resource deletes what it made. Only while an ALB Controller pod runs.

It sits beside cloud-provider-azure because, like it, it turns Kubernetes objects into Azure resources (it uses
both the network resource provider and the API server). Source: learn.microsoft.com/azure/application-gateway/for-
containers/quickstart-create-application-gateway-for-containers-managed-by-alb-controller; the how-to guides'
"ALB managed deployment" tabs. Must not route anything.
"""

from __future__ import annotations

import re
from typing import Any

from aksnet.errors import AzureError
from aksnet.rules import alb, gateway_api
from aksnet.store import Transaction
from aksnet.twin.kube import alb_bootstrap
from aksnet.twin.kube.apiserver import ApiServer, write_status
from aksnet.twin.network import alb as albnet

Doc = dict[str, Any]
MANAGED = re.compile(r"alb-[0-9a-f]{8}")
ALB_KIND = f"k8s:{alb.API_GROUP}/ApplicationLoadBalancer"
GATEWAY_KIND = f"k8s:{gateway_api.GROUP}/Gateway"


def condition(kind: str, ok: bool, reason: str, message: str, generation: int, now: str, old: Any) -> Doc:
    before = next((c for c in old or [] if isinstance(c, dict) and c.get("type") == kind), None)
    status = "True" if ok else "False"
    since = before["lastTransitionTime"] if before and before.get("status") == status else now
    return {"lastTransitionTime": since, "message": message, "observedGeneration": generation, "reason": reason,
            "status": status, "type": kind}


def _deploy(tx: Transaction, node_rg: str, location: str, doc: Doc) -> tuple[str, str]:
    """Make the traffic controller and its associations; (alb-id, "") or ("", Azure's error)."""
    meta = doc["metadata"]
    name = alb.managed_traffic_controller(meta.get("namespace", ""), meta["name"])
    try:
        tc = albnet.create_traffic_controller(tx, node_rg, name, location)
        for i, subnet in enumerate((doc.get("spec") or {}).get("associations") or []):
            albnet.create_association(tx, tc["id"], alb.managed_name("as", tc["id"], str(i)), str(subnet))
    except AzureError as exc:
        return "", f"({exc.code}) {exc.message}"
    return str(tc["id"]), ""


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Make what every ApplicationLoadBalancer and the Gateways naming one need; write the resources' status."""
    api = ApiServer(tx, cluster_id)
    rt = api.types.by_store_kind(ALB_KIND)
    if rt is None or not alb_bootstrap.controller_running(api):
        return
    cluster = api.objs.cluster()
    node_rg, location = cluster["properties"]["nodeResourceGroup"], str(cluster.get("location") or "")
    wanted: set[str] = set()
    for doc in api.objs.docs(ALB_KIND):
        alb_id, error = _deploy(tx, node_rg, location, doc)
        wanted.add(alb.managed_traffic_controller(doc["metadata"].get("namespace", ""), doc["metadata"]["name"]))
        gen, now = int(doc["metadata"].get("generation", 1)), api.objs.timestamp()
        old = (doc.get("status") or {}).get("conditions")
        conds = [condition("Accepted", not error, "Accepted" if not error else "InvalidConfiguration",
                            error or "Valid Application Gateway for Containers resource", gen, now, old)]
        if alb_id:
            conds.append(condition("Deployment", True, "Ready", f"alb-id={alb_id}", gen, now, old))
        write_status(api.objs, rt, doc, {"conditions": conds})
    _frontends(tx, api, node_rg)
    for tc in albnet.list_traffic_controllers(tx, node_rg):
        if MANAGED.fullmatch(tc["name"]) and tc["name"] not in wanted:
            albnet.delete_traffic_controller(tx, tc["id"])


def _frontends(tx: Transaction, api: ApiServer, node_rg: str) -> None:
    for gw in api.objs.docs(GATEWAY_KIND):
        ann = gw["metadata"].get("annotations") or {}
        ns, name = ann.get(alb.ANNOTATION_ALB_NAMESPACE), ann.get(alb.ANNOTATION_ALB_NAME)
        if not (ns and name) or (gw.get("spec") or {}).get("gatewayClassName") != alb.GATEWAY_CLASS:
            continue
        tc_id = albnet.traffic_controller_id(node_rg, alb.managed_traffic_controller(ns, name))
        if tx.get(alb.KIND_TRAFFIC_CONTROLLER, tc_id) is not None:
            meta = gw["metadata"]
            albnet.create_frontend(tx, tc_id, alb.managed_frontend(meta.get("namespace", ""), meta["name"]))
