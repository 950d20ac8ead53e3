"""Workload controllers: Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet, Job (CronJob keeps no
schedule here: no time passes in the twin, so it creates no Jobs).

Rules (kube-controller-manager): a Deployment owns one ReplicaSet per pod template, named
``<deployment>-<pod-template-hash>``; a rollout completes at once (the new ReplicaSet gets every replica,
older ones are scaled to 0 and kept up to ``revisionHistoryLimit``). ReplicaSet pods are
``<rs>-<5 chars>``, StatefulSet pods ``<sts>-<ordinal>``, DaemonSet pods ``<ds>-<5 chars>`` pinned to their
node with node affinity, Job pods ``<job>-<5 chars>``. Scale-down removes pending pods first, then the
newest. A ReplicaSet or Job creates or deletes at most :data:`BURST_REPLICAS` pods per sync.
Status is written by :mod:`aksnet.twin.kube.status` after scheduling. Must not pick nodes or IPs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, events, naming, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.validation import selector_matches

Doc = dict[str, Any]

# Pods a ReplicaSet (or Job) controller creates or deletes in one sync: kube-controller-manager's
# ``BurstReplicas`` (pkg/controller/replicaset/replica_set.go) and the Job controller's
# ``MaxPodCreateDeletePerSync`` are both 500. One aksnet command is one sync, so scaling to 100,000 replicas
# costs 500 pods per command (the rest follow in later syncs, as they do on a real cluster over minutes).
BURST_REPLICAS = 500

RT_POD = schema.BY_KIND["Pod"]
RT_RS = schema.BY_KIND["ReplicaSet"]
RT_DEPLOY = schema.BY_KIND["Deployment"]

DAEMONSET_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)


def owner_ref(owner: Doc) -> Doc:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def controller_uid(doc: Doc) -> str | None:
    for ref in doc["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return str(ref.get("uid"))
    return None


def pods_by_owner(objs: ClusterObjects) -> dict[str, list[Doc]]:
    """Pods grouped by their controller's uid (built once per command, kept up to date here)."""
    idx: dict[str, list[Doc]] | None = objs.extra.get("pods_by_owner")
    if idx is None:
        idx = {}
        for pod in objs.docs(RT_POD.store_kind):
            uid = controller_uid(pod)
            if uid:
                idx.setdefault(uid, []).append(pod)
        objs.extra["pods_by_owner"] = idx
    return idx


def _new_pod(objs: ClusterObjects, owner: Doc, name: str, extra_labels: dict[str, str],
             node_affinity: str | None = None, hostname: str | None = None) -> Doc:
    # one serialisation per owner and command, then a cheap copy per pod
    cache: dict[str, str] = objs.extra.setdefault("template_json", {})
    key = f"{owner['metadata']['uid']}:{owner['metadata'].get('resourceVersion')}"
    raw = cache.get(key)
    if raw is None:
        raw = cache[key] = json.dumps(owner["spec"].get("template") or {})
    tmpl = json.loads(raw)
    tmeta = tmpl.get("metadata") or {}
    labels = dict(tmeta.get("labels") or {})
    labels.update(extra_labels)
    meta: Doc = {"name": name, "namespace": owner["metadata"]["namespace"], "labels": labels,
                 "ownerReferences": [owner_ref(owner)]}
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if owner["kind"] in ("ReplicaSet", "DaemonSet", "Job"):
        meta["generateName"] = name[:-5]
    spec = tmpl.get("spec") or {}
    if hostname:
        spec.setdefault("hostname", hostname)
        if owner["spec"].get("serviceName"):
            spec.setdefault("subdomain", owner["spec"]["serviceName"])
    if node_affinity:
        spec["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": [node_affinity]}]}]}}}
        tols = spec.setdefault("tolerations", [])
        have = {(t.get("key"), t.get("effect")) for t in tols}
        tols.extend(dict(t) for t in DAEMONSET_TOLERATIONS if (t["key"], t["effect"]) not in have)
    pod: Doc = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
                "status": {"phase": "Pending", "qosClass": "BestEffort"}}
    pod = apiserver.create_owned(objs, RT_POD, pod)
    pods_by_owner(objs).setdefault(owner["metadata"]["uid"], []).append(pod)
    return pod


def delete_pod(objs: ClusterObjects, pod: Doc) -> None:
    objs.delete(RT_POD.store_kind, f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
    uid = controller_uid(pod)
    if uid:
        lst = pods_by_owner(objs).get(uid, [])
        if pod in lst:
            lst.remove(pod)


def _unique_name(objs: ClusterObjects, base: str, seed: str, ns: str) -> str:
    """``<base>-<5 chars>``: deterministic per (seed, how many names the seed gave before), never a name in
    use, and never one given before (a replacement pod gets a new name, as with generateName)."""
    i = objs.generated_count(seed)
    while True:
        name = f"{base}-{naming.suffix(f'{seed}:{i}')}"
        i += 1
        if objs.get(RT_POD.store_kind, f"{ns}/{name}") is None:
            objs.set_generated_count(seed, i)
            return name


def _scale_down_order(pod: Doc) -> tuple[int, int, str]:
    """controller.ActivePods ordering: unassigned, then pending, then not ready, then newest first."""
    st = pod.get("status") or {}
    assigned = 1 if pod["spec"].get("nodeName") else 0
    running = 1 if st.get("phase") == "Running" else 0
    return (assigned, running, "~" + str(-int(pod["metadata"].get("resourceVersion", "0"))).zfill(20))


def emit(objs: ClusterObjects, owner: Doc, reason: str, message: str, component: str) -> None:
    events.record(objs, owner, reason, message, component=component)


# -- ReplicaSet ---------------------------------------------------------------------------------------
def reconcile_replicaset(objs: ClusterObjects, rs: Doc) -> None:
    """ReplicaSetController.manageReplicas: create or delete pods until there are spec.replicas."""
    uid = rs["metadata"]["uid"]
    pods = pods_by_owner(objs).get(uid, [])
    want = int(rs["spec"].get("replicas", 1))
    have = len(pods)
    name = rs["metadata"]["name"]
    ns = rs["metadata"]["namespace"]
    if abs(want - have) > BURST_REPLICAS:
        objs.extra["unsettled"] = True  # the rest follows in a later sync
    if have < want:
        hash_label = (rs["metadata"].get("labels") or {}).get("pod-template-hash")
        extra = {"pod-template-hash": hash_label} if hash_label else {}
        for _ in range(min(want - have, BURST_REPLICAS)):
            pname = _unique_name(objs, name, uid, ns)
            _new_pod(objs, rs, pname, extra)
            emit(objs, rs, "SuccessfulCreate", f"Created pod: {pname}", "replicaset-controller")
    elif have > want:
        for pod in sorted(pods, key=_scale_down_order)[: min(have - want, BURST_REPLICAS)]:
            delete_pod(objs, pod)
            emit(objs, rs, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}", "replicaset-controller")


# -- Deployment ---------------------------------------------------------------------------------------
def template_for_hash(template: Doc) -> Doc:
    return {"metadata": {k: v for k, v in (template.get("metadata") or {}).items() if k in ("labels", "annotations")},
            "spec": template.get("spec") or {}}


def replicasets_by_owner(replicasets: list[Doc]) -> dict[str, list[Doc]]:
    """ReplicaSets grouped by their controller's uid (one pass, so that each Deployment finds its own in O(1))."""
    out: dict[str, list[Doc]] = {}
    for rs in replicasets:
        owner = controller_uid(rs)
        if owner is not None:
            out.setdefault(owner, []).append(rs)
    return out


def reconcile_deployment(objs: ClusterObjects, dep: Doc, replicasets: list[Doc],
                         by_owner: dict[str, list[Doc]] | None = None) -> None:
    """DeploymentController: the ReplicaSet of the current template takes every replica (the rollout is
    instant in the twin), older ReplicaSets are scaled to 0 and pruned to revisionHistoryLimit. ``by_owner``
    (:func:`replicasets_by_owner` of ``replicasets``) is kept up to date with them."""
    if by_owner is None:
        by_owner = replicasets_by_owner(replicasets)
    uid = dep["metadata"]["uid"]
    ns = dep["metadata"]["namespace"]
    name = dep["metadata"]["name"]
    spec = dep["spec"]
    template = spec.get("template") or {}
    h = naming.compute_hash(template_for_hash(template))
    rs_name = f"{name}-{h}"
    owned = list(by_owner.get(uid, ()))
    current = next((rs for rs in owned if rs["metadata"]["name"] == rs_name), None)
    replicas = 0 if spec.get("paused") and current is None else int(spec.get("replicas", 1))
    revisions = [int((rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0"))
                 for rs in owned]
    if current is None:
        labels = dict((template.get("metadata") or {}).get("labels") or {})
        labels["pod-template-hash"] = h
        selector = copy.deepcopy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})["pod-template-hash"] = h
        tmpl = copy.deepcopy(template)
        tmpl.setdefault("metadata", {})["labels"] = dict(labels)
        rs: Doc = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs_name, "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(dep)],
                         "annotations": {
                             "deployment.kubernetes.io/desired-replicas": str(replicas),
                             "deployment.kubernetes.io/max-replicas": str(replicas + _surge(spec, replicas)),
                             "deployment.kubernetes.io/revision": str(max(revisions, default=0) + 1)}},
            "spec": {"replicas": replicas, "selector": selector, "template": tmpl},
        }
        current = apiserver.create_owned(objs, RT_RS, rs)
        replicasets.append(current)
        by_owner.setdefault(uid, []).append(current)
        emit(objs, dep, "ScalingReplicaSet", f"Scaled up replica set {rs_name} from 0 to {replicas}",
              "deployment-controller")
    elif int(current["spec"].get("replicas", 0)) != replicas:
        old = int(current["spec"].get("replicas", 0))
        current["spec"]["replicas"] = replicas
        anns = current["metadata"].setdefault("annotations", {})
        anns["deployment.kubernetes.io/desired-replicas"] = str(replicas)
        anns["deployment.kubernetes.io/max-replicas"] = str(replicas + _surge(spec, replicas))
        if max(revisions, default=0) > int(anns.get("deployment.kubernetes.io/revision", "0")):
            anns["deployment.kubernetes.io/revision"] = str(max(revisions) + 1)
        apiserver.write_object(objs, RT_RS, current)
        verb = "up" if replicas > old else "down"
        emit(objs, dep, "ScalingReplicaSet", f"Scaled {verb} replica set {rs_name} from {old} to {replicas}",
              "deployment-controller")
    revision = (current["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "1")
    anns = dep["metadata"].setdefault("annotations", {})
    if anns.get("deployment.kubernetes.io/revision") != revision:
        anns["deployment.kubernetes.io/revision"] = revision
        apiserver.write_object(objs, RT_DEPLOY, dep)
    olds = [rs for rs in owned if rs is not current]
    for rs in olds:
        if int(rs["spec"].get("replicas", 0)) != 0:
            old = int(rs["spec"]["replicas"])
            rs["spec"]["replicas"] = 0
            apiserver.write_object(objs, RT_RS, rs)
            emit(objs, dep, "ScalingReplicaSet",
                  f"Scaled down replica set {rs['metadata']['name']} from {old} to 0", "deployment-controller")
    limit = int(spec.get("revisionHistoryLimit", 10))
    olds.sort(key=lambda r: int((r["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision",
                                                                               "0")))
    for rs in olds[: max(len(olds) - limit, 0)]:
        objs.delete(RT_RS.store_kind, f"{ns}/{rs['metadata']['name']}")
        for pod in list(pods_by_owner(objs).get(rs["metadata"]["uid"], [])):
            delete_pod(objs, pod)
        replicasets.remove(rs)
        by_owner[uid].remove(rs)


def _surge(spec: Doc, replicas: int) -> int:
    ru = ((spec.get("strategy") or {}).get("rollingUpdate") or {})
    surge = ru.get("maxSurge", "25%")
    if isinstance(surge, str) and surge.endswith("%"):
        pct = int(surge[:-1] or 0)
        return -(-replicas * pct // 100)
    return int(surge or 0)


# -- StatefulSet ---------------------------------------------------------------------------------------
def reconcile_statefulset(objs: ClusterObjects, sts: Doc) -> None:
    """StatefulSetController: pods ``<name>-0 … <name>-(n-1)``; scale-down removes the highest ordinals."""
    uid = sts["metadata"]["uid"]
    name = sts["metadata"]["name"]
    ns = sts["metadata"]["namespace"]
    want = int(sts["spec"].get("replicas", 1))
    pods = {p["metadata"]["name"]: p for p in pods_by_owner(objs).get(uid, [])}
    rev = f"{name}-{naming.compute_hash(template_for_hash(sts['spec'].get('template') or {}))}"
    for i in range(want):
        pname = f"{name}-{i}"
        if pname not in pods and objs.get(RT_POD.store_kind, f"{ns}/{pname}") is None:
            _new_pod(objs, sts, pname, {"controller-revision-hash": rev, "statefulset.kubernetes.io/pod-name": pname,
                                        "apps.kubernetes.io/pod-index": str(i)}, hostname=pname)
            emit(objs, sts, "SuccessfulCreate", f"create Pod {pname} in StatefulSet {name} successful",
                  "statefulset-controller")
    for pname, pod in pods.items():
        idx = pname.rsplit("-", 1)[-1]
        if not idx.isdigit() or int(idx) >= want:
            delete_pod(objs, pod)
            emit(objs, sts, "SuccessfulDelete", f"delete Pod {pname} in StatefulSet {name} successful",
                  "statefulset-controller")


# -- DaemonSet ------------------------------------------------------------------------------------------
def node_is_eligible(node: Doc, pod_spec: Doc) -> bool:
    """Whether a DaemonSet wants a pod on ``node``: nodeSelector and NoSchedule/NoExecute taints."""
    from aksnet.twin.kube.scheduler import fits_selector, untolerated_taint

    return fits_selector(node, pod_spec) and untolerated_taint(node, pod_spec, DAEMONSET_TOLERATIONS) is None


def reconcile_daemonset(objs: ClusterObjects, ds: Doc, nodes: list[Doc]) -> None:
    """DaemonSetController: one pod per eligible node, pinned with node affinity (matchFields metadata.name)."""
    pod_spec = (ds["spec"].get("template") or {}).get("spec") or {}
    by_node: dict[str, Doc] = {}
    for pod in list(pods_by_owner(objs).get(ds["metadata"]["uid"], [])):
        target = _pinned_node(pod)
        if target in by_node or target is None:
            delete_pod(objs, pod)
        else:
            by_node[target] = pod
    rev = naming.compute_hash(template_for_hash(ds["spec"].get("template") or {}))
    names = {n["metadata"]["name"] for n in nodes}
    for node in nodes:
        nname = node["metadata"]["name"]
        eligible = node_is_eligible(node, pod_spec)
        if eligible and nname not in by_node:
            create_daemon_pod(objs, ds, nname, rev)
        elif not eligible and nname in by_node:
            delete_pod(objs, by_node.pop(nname))
    for nname, pod in by_node.items():
        if nname not in names:
            delete_pod(objs, pod)
            emit(objs, ds, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}", "daemonset-controller")


def create_daemon_pod(objs: ClusterObjects, ds: Doc, node: str, rev: str) -> None:
    """The DaemonSet's pod for ``node``, pinned to it."""
    meta = ds["metadata"]
    pname = _unique_name(objs, meta["name"], f"{meta['uid']}:{node}", meta["namespace"])
    _new_pod(objs, ds, pname, {"controller-revision-hash": rev, "pod-template-generation": "1"}, node_affinity=node)
    emit(objs, ds, "SuccessfulCreate", f"Created pod: {pname}", "daemonset-controller")


def pinned_node(pod: Doc) -> str | None:
    """The node a DaemonSet pod is pinned to (its node affinity's matchFields metadata.name)."""
    return _pinned_node(pod)


def _pinned_node(pod: Doc) -> str | None:
    aff = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or {}
    for term in aff.get("nodeSelectorTerms") or []:
        for f in term.get("matchFields") or []:
            if f.get("key") == "metadata.name" and f.get("values"):
                return str(f["values"][0])
    return None


# -- Job ---------------------------------------------------------------------------------------------------
def reconcile_job(objs: ClusterObjects, job: Doc) -> None:
    """JobController: ``parallelism`` pods (capped by completions); pods never finish in the twin."""
    uid = job["metadata"]["uid"]
    spec = job["spec"]
    if spec.get("suspend"):
        for pod in list(pods_by_owner(objs).get(uid, [])):
            delete_pod(objs, pod)
        return
    want = min(int(spec.get("parallelism", 1)), int(spec.get("completions", 1) or 1))
    pods = pods_by_owner(objs).get(uid, [])
    name = job["metadata"]["name"]
    if want - len(pods) > BURST_REPLICAS:
        objs.extra["unsettled"] = True
    for _ in range(min(want - len(pods), BURST_REPLICAS)):
        pname = _unique_name(objs, name, uid, job["metadata"]["namespace"])
        _new_pod(objs, job, pname, {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                                    "controller-uid": uid, "job-name": name})
        emit(objs, job, "SuccessfulCreate", f"Created pod: {pname}", "job-controller")


def prepare_job(doc: Doc) -> None:
    """The Job API's defaulting of the selector and template labels (batch.kubernetes.io/controller-uid)."""
    uid = doc["metadata"]["uid"]
    name = doc["metadata"]["name"]
    spec = doc["spec"]
    if not spec.get("manualSelector") and not spec.get("selector"):
        spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
        labels = spec["template"].setdefault("metadata", {}).setdefault("labels", {})
        labels.update({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                       "controller-uid": uid, "job-name": name})


# -- the controller ----------------------------------------------------------------------------------------
def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Run the workload controllers over every workload of the cluster."""
    objs = objects.open_objects(tx, cluster_id)
    collect_pods_of_gone_nodes(objs)
    replicasets = objs.docs(RT_RS.store_kind)
    by_owner = replicasets_by_owner(replicasets)
    for dep in objs.docs(RT_DEPLOY.store_kind):
        reconcile_deployment(objs, dep, replicasets, by_owner)
    live_owners = {d["metadata"]["uid"] for d in objs.docs(RT_DEPLOY.store_kind)}
    for rs in list(replicasets):
        owner = controller_uid(rs)
        if owner is not None and owner not in live_owners:
            objs.delete(RT_RS.store_kind, f"{rs['metadata']['namespace']}/{rs['metadata']['name']}")
            continue
        reconcile_replicaset(objs, rs)
    for sts in objs.docs(schema.BY_KIND["StatefulSet"].store_kind):
        reconcile_statefulset(objs, sts)
    nodes = objs.docs("k8s:core/Node")
    for ds in objs.docs(schema.BY_KIND["DaemonSet"].store_kind):
        reconcile_daemonset(objs, ds, nodes)
    for job in objs.docs(schema.BY_KIND["Job"].store_kind):
        if "batch.kubernetes.io/controller-uid" not in ((job["spec"].get("selector") or {}).get("matchLabels") or {}) \
                and not job["spec"].get("manualSelector"):
            prepare_job(job)
            apiserver.write_object(objs, schema.BY_KIND["Job"], job)
        reconcile_job(objs, job)
    _orphans(objs)


def collect_pods_of_gone_nodes(objs: ClusterObjects) -> None:
    """PodGC: pods bound to a node that no longer exists are deleted (their controllers replace them)."""
    nodes = {n["metadata"]["name"] for n in objs.docs("k8s:core/Node")}
    for pod in objs.docs(RT_POD.store_kind):
        node = pod["spec"].get("nodeName")
        if node and node not in nodes:
            delete_pod(objs, pod)


def _orphans(objs: ClusterObjects) -> None:
    """The garbage collector for pods whose controller is gone."""
    live: set[str] = set()
    for kind in ("ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        live.update(d["metadata"]["uid"] for d in objs.docs(schema.BY_KIND[kind].store_kind))
    for uid, pods in list(pods_by_owner(objs).items()):
        if uid not in live:
            for pod in list(pods):
                delete_pod(objs, pod)


def matching_pods(objs: ClusterObjects, namespace: str, selector: Doc) -> list[Doc]:
    """Pods of ``namespace`` a label selector matches (kubectl describe, expose)."""
    return [p for p in objs.docs(RT_POD.store_kind) if p["metadata"].get("namespace") == namespace
            and selector_matches(selector, p["metadata"].get("labels") or {})]
