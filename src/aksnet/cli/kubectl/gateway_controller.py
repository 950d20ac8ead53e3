"""The Gateway API controller's status writes after a kubectl command changed a cluster: it decodes the
cluster's Gateway API objects (``aksnet.io.gateway_model``), asks ``aksnet.analyses.gateway_status`` for the
status each handled object gets, and stores it through the status subresource. It lives here, not among the
twin's controllers, because the semantics are the engine's and the twin sits below the engine. Must not decide
anything itself.
"""

from __future__ import annotations

from typing import Any

from aksnet.analyses.gateway_status import running_controllers, statuses
from aksnet.io import gateway_model
from aksnet.rules import alb, gateway_api
from aksnet.twin.kube import gateway_deployer, schema
from aksnet.twin.kube.apiserver import ApiServer, write_status

KINDS = ("GatewayClass", "Gateway", "HTTPRoute", "ReferenceGrant", "GRPCRoute")


def refresh(api: ApiServer) -> None:
    """Write the status of every GatewayClass, Gateway and HTTPRoute a running controller handles."""
    types = {k: api.types.by_store_kind(f"k8s:{gateway_api.GROUP}/{k}") for k in KINDS}
    if not any(types[k] for k in ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute")):
        return
    docs: dict[str, list[dict[str, Any]]] = {k: api.list(rt) if rt else [] for k, rt in types.items()}
    world = gateway_model.world(docs["GatewayClass"], docs["Gateway"], docs["HTTPRoute"], docs["ReferenceGrant"],
                                api.list(schema.BY_KIND["Namespace"]), api.list(schema.BY_KIND["Service"]),
                                api.list(schema.BY_KIND["Secret"]), docs["GRPCRoute"])
    by_key = {(k, d["metadata"].get("namespace", ""), d["metadata"]["name"]): d
              for k in ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute") for d in docs[k]}
    generations = {key: int(d["metadata"].get("generation", 1)) for key, d in by_key.items()}
    previous = {key: d.get("status") or {} for key, d in by_key.items()}
    addresses = published_addresses(api, docs["Gateway"])
    for key, status in statuses(world, running_controllers(), generations, previous, api.objs.timestamp(),
                                addresses).items():
        rt, doc = types[key[0]], by_key.get(key)
        if rt is not None and doc is not None:
            write_status(api.objs, rt, doc, status)


def published_addresses(api: ApiServer, gateways: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each Gateway's address: the load-balancer IPs of an Istio-deployed ``<gateway>-<class>`` Service, or the
    FQDN of the Application Gateway for Containers frontend a Gateway names (alb-id + alb-frontend address)."""
    out: dict[tuple[str, str], tuple[str, ...]] = {}
    rt = schema.BY_KIND["Service"]
    for gw in gateways:
        meta, cls = gw["metadata"], (gw.get("spec") or {}).get("gatewayClassName", "")
        fqdns = _frontend_fqdns(api, gw)
        if fqdns:
            out[(meta.get("namespace", ""), meta["name"])] = fqdns
            continue
        svc = api.find(rt, meta.get("namespace"), gateway_deployer.deployed_name(meta["name"], str(cls)))
        if svc is None or (svc["metadata"].get("labels") or {}).get(gateway_deployer.MANAGED_KEY) is None:
            continue
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ips = tuple(str(i["ip"]) for i in ingress if isinstance(i, dict) and i.get("ip"))
        if ips:
            out[(meta.get("namespace", ""), meta["name"])] = ips
    return out


def _frontend_fqdns(api: ApiServer, gw: dict[str, Any]) -> tuple[str, ...]:
    """The FQDNs of the AGC frontends a Gateway names: bring your own (alb-id + alb-frontend addresses) or
    managed (alb-namespace/alb-name: the frontend the ALB Controller made on that resource's AGC)."""
    ann = gw["metadata"].get("annotations") or {}
    alb_id = ann.get(alb.ANNOTATION_ALB_ID, "")
    names = [a.get("value", "") for a in (gw.get("spec") or {}).get("addresses") or []
             if isinstance(a, dict) and a.get("type") == alb.ADDRESS_TYPE_FRONTEND]
    ns, name = ann.get(alb.ANNOTATION_ALB_NAMESPACE), ann.get(alb.ANNOTATION_ALB_NAME)
    if not alb_id and ns and name:
        managed = alb.managed_traffic_controller(str(ns), str(name))
        alb_id = next((d["id"] for d in api.tx.list(alb.KIND_TRAFFIC_CONTROLLER) if d["name"] == managed), "")
        names = [alb.managed_frontend(gw["metadata"].get("namespace", ""), gw["metadata"]["name"])]
    out = []
    for name in names if alb_id else ():
        doc = api.tx.get(alb.KIND_FRONTEND, f"{alb_id}/frontends/{name}")
        if doc is not None:
            out.append(str(doc["properties"].get("fqdn", "")))
    return tuple(out)
