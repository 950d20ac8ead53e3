"""The status the ALB Controller writes on Application Gateway for Containers' ``BackendTLSPolicy`` and
``HealthCheckPolicy`` (alb.networking.azure.io/v1): ``Accepted`` True "Valid <kind>" when the target Service and
every Secret the policy names exist, else False naming the missing object. Only while an ALB Controller pod runs. The
False reasons are ours (the controller's are not published). What the policy does to traffic is
``aksnet.engine.gateway.backend_tls`` and ``health``.

Source: learn.microsoft.com/azure/application-gateway/for-containers/how-to-backend-mtls-gateway-api ("Example
output of valid BackendTLSPolicy object creation"). Must not route anything.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import alb
from aksnet.store import Transaction
from aksnet.twin.cloud_provider.alb_managed import condition
from aksnet.twin.kube import alb_bootstrap, schema
from aksnet.twin.kube.apiserver import ApiServer, write_status

Doc = dict[str, Any]
POLICY_KINDS = ("BackendTLSPolicy", "HealthCheckPolicy")


def _problem(api: ApiServer, doc: Doc) -> tuple[str, str]:
    """("", "") when the policy is valid, else (reason, message)."""
    ns = doc["metadata"].get("namespace", "default")
    spec = doc.get("spec") or {}
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
