"""Workload status, written after scheduling and pod IPAM (what ``kubectl get deploy`` READY shows).

Rules: ReplicaSet/Deployment/StatefulSet/DaemonSet/Job status fields of kube-controller-manager, with Go's
``omitempty`` (zero counts left out, e.g. no ``readyReplicas`` while nothing is ready). A Deployment is
Available when available replicas ≥ replicas − maxUnavailable (25% rounded down by default). Must not create
or delete objects.
"""

from __future__ import annotations

from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.workloads import pods_by_owner

Doc = dict[str, Any]


def pod_ready(pod: Doc) -> bool:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return bool(c.get("status") == "True")
    return False


def _counts(pods: list[Doc]) -> tuple[int, int]:
    ready = sum(1 for p in pods if pod_ready(p))
    return len(pods), ready


def _nonzero(**fields: int) -> Doc:
    return {k: v for k, v in fields.items() if v}


def _cond(old: Doc | None, type_: str, status: str, reason: str, message: str, now: str) -> Doc:
    same = old is not None and old.get("status") == status
    keep = old is not None and same and old.get("reason") == reason and old.get("message") == message
    return {"type": type_, "status": status,
            "lastUpdateTime": (old or {}).get("lastUpdateTime", now) if keep else now,
            "lastTransitionTime": (old or {}).get("lastTransitionTime", now) if same else now,
            "reason": reason, "message": message}


def _max_unavailable(spec: Doc, replicas: int) -> int:
    ru = ((spec.get("strategy") or {}).get("rollingUpdate") or {})
    v = ru.get("maxUnavailable", "25%")
    if isinstance(v, str) and v.endswith("%"):
        return replicas * int(v[:-1] or 0) // 100
    return int(v or 0)


def replicaset_status(rs: Doc, pods: list[Doc]) -> Doc:
    total, ready = _counts(pods)
    st: Doc = {"replicas": total}
    st.update(_nonzero(fullyLabeledReplicas=total, readyReplicas=ready, availableReplicas=ready))
    st["observedGeneration"] = rs["metadata"].get("generation", 1)
    return st


def deployment_status(dep: Doc, rss: list[Doc], idx: dict[str, list[Doc]], now: str) -> Doc:
    spec = dep["spec"]
    replicas = int(spec.get("replicas", 1))
    all_pods = [p for rs in rss for p in idx.get(rs["metadata"]["uid"], [])]
    total, ready = _counts(all_pods)
    current = max(rss, key=lambda r: int((r["metadata"].get("annotations") or {}).get(
        "deployment.kubernetes.io/revision", "0")), default=None)
    updated = len(idx.get(current["metadata"]["uid"], [])) if current else 0
    old_conds = {c["type"]: c for c in (dep.get("status") or {}).get("conditions") or []}
    available_ok = ready >= replicas - _max_unavailable(spec, replicas)
    conds = [_cond(old_conds.get("Available"), "Available", "True" if available_ok else "False",
                   "MinimumReplicasAvailable" if available_ok else "MinimumReplicasUnavailable",
                   "Deployment has minimum availability." if available_ok
                   else "Deployment does not have minimum availability.", now)]
    rs_name = current["metadata"]["name"] if current else dep["metadata"]["name"]
    done = updated == replicas and ready >= replicas and total == replicas
    conds.append(_cond(old_conds.get("Progressing"), "Progressing", "True",
                       "NewReplicaSetAvailable" if done else "ReplicaSetUpdated",
                       f'ReplicaSet "{rs_name}" has successfully progressed.' if done
                       else f'ReplicaSet "{rs_name}" is progressing.', now))
    st: Doc = {"observedGeneration": dep["metadata"].get("generation", 1)}
    st.update(_nonzero(replicas=total, updatedReplicas=updated, readyReplicas=ready, availableReplicas=ready,
                       unavailableReplicas=max(replicas - ready, 0)))
    st["conditions"] = conds
    return st


def statefulset_status(sts: Doc, pods: list[Doc]) -> Doc:
    total, ready = _counts(pods)
    rev = next((p["metadata"]["labels"].get("controller-revision-hash") for p in pods), None)
    st: Doc = {"observedGeneration": sts["metadata"].get("generation", 1), "replicas": total}
    st.update(_nonzero(readyReplicas=ready, currentReplicas=total, updatedReplicas=total, availableReplicas=ready))
    if rev:
        st["currentRevision"] = rev
        st["updateRevision"] = rev
    st["collisionCount"] = 0
    return st


def daemonset_status(ds: Doc, pods: list[Doc]) -> Doc:
    total, ready = _counts(pods)
    scheduled = sum(1 for p in pods if p["spec"].get("nodeName"))
    st: Doc = {"currentNumberScheduled": scheduled, "desiredNumberScheduled": total, "numberMisscheduled": 0,
               "numberReady": ready, "observedGeneration": ds["metadata"].get("generation", 1)}
    st.update(_nonzero(numberAvailable=ready, updatedNumberScheduled=scheduled, numberUnavailable=total - ready))
    return st


def job_status(job: Doc, pods: list[Doc], now: str) -> Doc:
    total, ready = _counts(pods)
    old = job.get("status") or {}
    st: Doc = _nonzero(active=total)
    st["ready"] = ready
    st["startTime"] = old.get("startTime", now)
    st["terminating"] = 0
    st["uncountedTerminatedPods"] = {}
    return st


def update_all(objs: ClusterObjects) -> None:
    idx = pods_by_owner(objs)
    now = objs.timestamp()
    rt_rs = schema.BY_KIND["ReplicaSet"]
    rss_by_owner: dict[str, list[Doc]] = {}
    for rs in objs.docs(rt_rs.store_kind):
        apiserver.write_status(objs, rt_rs, rs, replicaset_status(rs, idx.get(rs["metadata"]["uid"], [])))
        for ref in rs["metadata"].get("ownerReferences") or []:
            rss_by_owner.setdefault(ref.get("uid", ""), []).append(rs)
    rt = schema.BY_KIND["Deployment"]
    for dep in objs.docs(rt.store_kind):
        rss = rss_by_owner.get(dep["metadata"]["uid"], [])
        apiserver.write_status(objs, rt, dep, deployment_status(dep, rss, idx, now))
    for kind, fn in (("StatefulSet", statefulset_status), ("DaemonSet", daemonset_status)):
        rt = schema.BY_KIND[kind]
        for doc in objs.docs(rt.store_kind):
            apiserver.write_status(objs, rt, doc, fn(doc, idx.get(doc["metadata"]["uid"], [])))
    rt = schema.BY_KIND["Job"]
    for job in objs.docs(rt.store_kind):
        apiserver.write_status(objs, rt, job, job_status(job, idx.get(job["metadata"]["uid"], []), now))


def reconcile(tx: Transaction, cluster_id: str) -> None:
    objs = objects.open_objects(tx, cluster_id)
    update_all(objs)
