"""cloud-provider-azure's service controller loop for one cluster: ``reconcile(tx, cluster_id)``.

Runs after the endpoints controller (``aksnet.twin.controller_manager``). From the cluster's Services of type
LoadBalancer (oldest first, without ``spec.loadBalancerClass``) it recomputes what Azure must hold and
makes the node resource group match: frontends, rules and probes on ``kubernetes`` / ``kubernetes-internal``
(the internal LB is created with the first internal Service and deleted with the last), the managed public
IPs, the NSG rules, and ``status.loadBalancer.ingress`` of every Service. A Service whose request cannot be
met keeps an empty status and gets a ``SyncLoadBalancerFailed`` Warning event, as the service controller
reports it; the command itself does not fail. Deterministic and idempotent: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzureError
from aksnet.store import Transaction
from aksnet.twin.cloud_provider import frontends as fe_mod
from aksnet.twin.cloud_provider import lb_rules, private_link, security_rules
from aksnet.twin.cloud_provider.cluster_info import ClusterInfo, cluster_info, node_nics
from aksnet.twin.cloud_provider.config import (
    INTERNAL_LB,
    MAX_LB_SERVICES,
    PUBLIC_LB,
    ConfigError,
    ServiceLB,
    read_service,
)
from aksnet.twin.kube import events
from aksnet.twin.kube.objects import ClusterObjects, open_objects
from aksnet.twin.network.common import KIND_PUBLIC_IP

Doc = dict[str, Any]

KIND_SERVICE = "k8s:core/Service"
COMPONENT = "service-controller"
MSG_TOO_MANY = (f"the cluster already has {MAX_LB_SERVICES} Services of type LoadBalancer, the most aksnet "
                "reconciles per cluster")


def _lb_services(objs: ClusterObjects) -> list[Doc]:
    out = []
    for d in objs.docs(KIND_SERVICE):
        spec = d.get("spec") or {}
        if spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass"):
            out.append(d)
    return out


def _service_cidr(objs: ClusterObjects) -> str:
    profile = (objs.cluster().get("properties") or {}).get("networkProfile") or {}
    return str(profile.get("serviceCidr") or "")


def _frontend_address(tx: Transaction, lb: Doc | None, fe: fe_mod.Frontend) -> str | None:
    if fe.public_ip_id:
        pip = tx.get(KIND_PUBLIC_IP, fe.public_ip_id)
        return str(pip["properties"].get("ipAddress")) if pip and pip["properties"].get("ipAddress") else None
    for f in ((lb or {}).get("properties") or {}).get("frontendIPConfigurations") or []:
        if f.get("name") == fe.name:
            ip = (f.get("properties") or {}).get("privateIPAddress")
            return str(ip) if ip else None
    return None


def _record_failure(objs: ClusterObjects, doc: Doc, message: str) -> None:
    text = f"Error syncing load balancer: failed to ensure load balancer: {message}"
    if any(e.get("message") == text for e in events.for_object(objs, doc)):
        return  # the controller's retries would only raise the count
    events.record(objs, doc, "SyncLoadBalancerFailed", text, "Warning", COMPONENT)


def _write_status(objs: ClusterObjects, doc: Doc, ips: list[str]) -> None:
    """``status.loadBalancer.ingress``: one entry per frontend address, in the Service's ipFamilies order."""
    status = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"} for ip in ips]} if ips else {}}
    if doc.get("status") == status:
        return
    if ips:
        events.record(objs, doc, "EnsuringLoadBalancer", "Ensuring load balancer", "Normal", COMPONENT)
        events.record(objs, doc, "EnsuredLoadBalancer", "Ensured load balancer", "Normal", COMPONENT)
    doc["status"] = status
    meta = doc["metadata"]
    meta["resourceVersion"] = objs.next_resource_version()
    objs.put(KIND_SERVICE, f"{meta.get('namespace') or 'default'}/{meta['name']}", doc)


def _read(docs: list[Doc]) -> tuple[list[ServiceLB], dict[str, str]]:
    services: list[ServiceLB] = []
    errors: dict[str, str] = {}
    for i, doc in enumerate(docs):
        meta = doc.get("metadata") or {}
        key = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
        if i >= MAX_LB_SERVICES:
            errors[key] = MSG_TOO_MANY
            continue
        try:
            services.append(read_service(doc))
        except ConfigError as exc:
            errors[key] = str(exc)
    return services, errors


def _apply_nsg(tx: Transaction, info: ClusterInfo, objs: ClusterObjects, services: list[ServiceLB],
               addresses: dict[str, list[str]]) -> dict[str, str]:
    if info.nsg_id is None:
        return {}
    node_ips: dict[bool, list[str]] = {False: [], True: []}  # by "is IPv6"
    for _, nic in node_nics(tx, objs):
        cfgs = (nic.get("properties") or {}).get("ipConfigurations") or []
        if cfgs and cfgs[0]["properties"].get("privateIPAddress"):
            node_ips[False].append(str(cfgs[0]["properties"]["privateIPAddress"]))
        node_ips[True] += [str(c["properties"]["privateIPAddress"]) for c in cfgs[1:]
                           if c["properties"].get("privateIPAddressVersion") == "IPv6"]
    inputs = [(s, ip, node_ips[":" in ip]) for s in services for ip in addresses.get(s.key, ())]
    try:
        security_rules.apply_security_rules(tx, info.nsg_id, security_rules.wanted_rules(inputs))
    except security_rules.PriorityExhausted as exc:
        return {s.key: str(exc) for s, _, _ in inputs}
    return {}


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Bring the cluster's Azure load balancer objects and Service statuses in line with its Services."""
    objs = open_objects(tx, cluster_id)
    info = cluster_info(tx, objs)
    if info is None:
        return
    docs = _lb_services(objs)
    services, errors = _read(docs)
    plan = fe_mod.plan_frontends(tx, info, services, _service_cidr(objs))
    errors.update(plan.errors)
    fe_mod.ensure_public_ips(tx, info, plan)
    errors.update(plan.errors)
    by_key = {s.key: s for s in services}
    lbs: dict[str, Doc | None] = {}
    for lb_name in (PUBLIC_LB, INTERNAL_LB):
        fes = [f for f in plan.frontends.values() if f.lb == lb_name]
        try:
            lbs[lb_name] = lb_rules.apply_load_balancer(tx, info, lb_name, fes, by_key)
        except AzureError as exc:  # the Services on this LB fail; the command that triggered us does not
            for fe in fes:
                for owner in fe.owners:
                    errors[owner] = exc.render()
            lbs[lb_name] = None
    fe_mod.delete_orphan_public_ips(tx, info, plan)
    private_link.reconcile(tx, info, docs, plan, errors)
    addresses: dict[str, list[str]] = {}
    for key, fe in plan.by_service.items():
        if key in errors:
            continue
        ips = [_frontend_address(tx, lbs.get(f.lb), f) for f in (fe, plan.secondary.get(key)) if f is not None]
        addresses[key] = [ip for ip in ips if ip]
    errors.update(_apply_nsg(tx, info, objs, [s for s in services if s.key not in errors], addresses))
    for doc in objs.docs(KIND_SERVICE):  # a Service that stopped being a LoadBalancer loses its address
        spec = doc.get("spec") or {}
        if spec.get("type") != "LoadBalancer" and ((doc.get("status") or {}).get("loadBalancer") or {}).get("ingress"):
            _write_status(objs, doc, [])
    for doc in docs:
        meta = doc.get("metadata") or {}
        key = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
        if key in errors:
            _record_failure(objs, doc, errors[key])
            _write_status(objs, doc, [])
        else:
            _write_status(objs, doc, addresses.get(key, []))
