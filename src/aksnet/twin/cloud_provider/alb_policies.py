"""The status the ALB Controller writes on Application Gateway for Containers' policies (alb.networking.azure.io/v1):
``Accepted`` True "Valid <kind>" when the policy is valid, else False with the reason the API specification lists
for the kind and a message naming the problem: for ``BackendTLSPolicy`` and ``HealthCheckPolicy`` the target
Service and every Secret named must exist; for ``RoutePolicy`` the target HTTPRoute (InvalidTargetReference) and a
usable session affinity (InvalidRoutePolicy: an unknown ``affinityType``, an ``application-cookie`` without
``cookieName`` or ``cookieDuration``); for ``FrontendTLSPolicy`` the target Gateway and its named listeners
(InvalidGateway), the CA Secret (InvalidCertificateRef) and a predefined TLS policy name (InvalidPolicyName). Only
while an ALB Controller pod runs. The messages are ours. What the policies do to traffic is
``aksnet.engine.gateway.backend_tls``, ``health`` and ``agc_policies``.

Source: learn.microsoft.com/azure/application-gateway/for-containers/how-to-backend-mtls-gateway-api,
how-to-frontend-mtls-gateway-api ("Example output of valid … object creation"), session-affinity, tls-policy,
api-specification-kubernetes (the condition reasons). Must not route anything.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import alb, gateway_api
from aksnet.store import Transaction
from aksnet.twin.cloud_provider.alb_managed import condition
from aksnet.twin.kube import alb_bootstrap, schema
from aksnet.twin.kube.apiserver import ApiServer, write_status

Doc = dict[str, Any]
POLICY_KINDS = ("BackendTLSPolicy", "HealthCheckPolicy", "RoutePolicy", "FrontendTLSPolicy")


def _route_policy_problem(api: ApiServer, ns: str, spec: Doc) -> tuple[str, str]:
    target = spec.get("targetRef") or {}
    kind, name, where = str(target.get("kind", "")), str(target.get("name", "")), target.get("namespace") or ns
    rt = api.types.by_store_kind(f"k8s:{gateway_api.GROUP}/{kind}") if kind in ("HTTPRoute", "GRPCRoute") else None
    if rt is None or api.find(rt, where, name) is None:
        return "InvalidTargetReference", f"{kind or 'target'} {where}/{name} not found"
    conf = spec.get("override") or spec.get("default") or {}
    affinity = conf.get("sessionAffinity") or {}
    if affinity:
        kind = str(affinity.get("affinityType") or "")
        if kind not in alb.AFFINITY_TYPES:
            return "InvalidRoutePolicy", (f"sessionAffinity.affinityType {kind!r} is not one of "
                                          f"{', '.join(alb.AFFINITY_TYPES)}")
        if kind == alb.AFFINITY_APPLICATION_COOKIE and not (affinity.get("cookieName")
                                                              and affinity.get("cookieDuration")):
            return "InvalidRoutePolicy", "sessionAffinity of type application-cookie requires cookieName and " \
                                         "cookieDuration"
    return "", ""


def _frontend_tls_problem(api: ApiServer, ns: str, spec: Doc) -> tuple[str, str]:
    target = spec.get("targetRef") or {}
    name, where = str(target.get("gateway") or target.get("name", "")), target.get("namespace") or ns
    rt = api.types.by_store_kind(f"k8s:{gateway_api.GROUP}/Gateway")
    gw = api.find(rt, where, name) if rt is not None and target.get("kind", "Gateway") == "Gateway" else None
    if gw is None:
        return "InvalidGateway", f"Gateway {where}/{name} not found"
    listeners = {str(lst.get("name", "")) for lst in (gw.get("spec") or {}).get("listeners") or ()}
    for section in (target.get("sectionNames") or target.get("listeners") or ()):
        if str(section) not in listeners:
            return "InvalidGateway", f"Gateway {where}/{name} has no listener {section}"
    conf = spec.get("override") or spec.get("default") or {}
    ref = (conf.get("verify") or {}).get("caCertificateRef")
    if isinstance(ref, dict) and ref.get("name") and api.find(schema.BY_KIND["Secret"], ref.get("namespace") or ns,
                                                              str(ref["name"])) is None:
        return "InvalidCertificateRef", f"Secret {ref.get('namespace') or ns}/{ref['name']} not found"
    policy = conf.get("policyType") or {}
    if policy and (policy.get("type") != alb.TLS_POLICY_TYPE_PREDEFINED
                   or str(policy.get("name", "")) not in alb.TLS_POLICY_NAMES):
        return "InvalidPolicyName", (f"policyType {policy.get('type')}/{policy.get('name')} is not a predefined "
                                     f"TLS policy ({', '.join(alb.TLS_POLICY_NAMES)})")
    return "", ""


def _problem(api: ApiServer, doc: Doc) -> tuple[str, str]:
    """("", "") when the policy is valid, else (reason, message)."""
    ns = doc["metadata"].get("namespace", "default")
    spec = doc.get("spec") or {}
    if doc.get("kind") == "RoutePolicy":
        return _route_policy_problem(api, ns, spec)
    if doc.get("kind") == "FrontendTLSPolicy":
        return _frontend_tls_problem(api, ns, spec)
    target = spec.get("targetRef") or {}
    if target.get("kind", "Service") != "Service" or api.find(schema.BY_KIND["Service"], target.get("namespace") or ns,
                                                              str(target.get("name", ""))) is None:
        return "InvalidServiceRef", f"Service {target.get('namespace') or ns}/{target.get('name', '')} not found"
    conf = spec.get("override") or spec.get("default") or {}
    refs = [conf.get("clientCertificateRef"), (conf.get("verify") or {}).get("caCertificateRef")]
    for ref in (r for r in refs if isinstance(r, dict) and r.get("name")):
        if api.find(schema.BY_KIND["Secret"], ref.get("namespace") or ns, str(ref["name"])) is None:
            return "InvalidCertificateRef", f"Secret {ref.get('namespace') or ns}/{ref['name']} not found"
    return "", ""


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Write every policy's ``Accepted`` condition (see the module docstring)."""
    api = ApiServer(tx, cluster_id)
    if not alb_bootstrap.controller_running(api):
        return
    for kind in POLICY_KINDS:
        rt = api.types.by_store_kind(f"k8s:{alb.API_GROUP}/{kind}")
        for doc in api.list(rt) if rt is not None else ():
            reason, message = _problem(api, doc)
            gen, old = int(doc["metadata"].get("generation", 1)), (doc.get("status") or {}).get("conditions")
            conds = [condition("Accepted", not reason, reason or "Accepted", message or f"Valid {kind}", gen,
                               api.objs.timestamp(), old)]
            if rt is not None and (doc.get("status") or {}).get("conditions") != conds:
                write_status(api.objs, rt, doc, {"conditions": conds})
