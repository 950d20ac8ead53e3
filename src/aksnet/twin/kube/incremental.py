"""The controllers' incremental passes: after a command that changed a few objects of a cluster the controllers
had converged on, each controller looks only at what the change can reach, as an informer wakes a controller for
the objects it watches (https://kubernetes.io/docs/concepts/architecture/controller/).

On a converged cluster a full pass writes nothing for an object whose inputs did not change, so the incremental
pass makes exactly the full pass's writes, in the same order (the same names, IPs, resourceVersions and events):
- workloads: the changed Deployments and their ReplicaSets; pods of removed nodes (PodGC) and their owners; every
  DaemonSet when nodes changed;
- scheduler and pod IPAM: every pod through the pod index (``aksnet.twin.kube.pod_index``), documents only of the
  pods they bind or start (pending and unstarted pods are retried, as every full pass does);
- workload status: the owners of changed pods and the changed workloads;
- EndpointSlices and Endpoints: the namespaces of changed pods and Services;
- the rest run as usual, except controllers that would find nothing to do (no Gateway, no Ingress, no running
  ALB Controller).
:func:`eligible` says which changes these passes handle (anything else gets a full pass); tests compare both.
Must not run when the controllers had not converged on the workspace the command started from.
"""

from __future__ import annotations

from typing import Any

from aksnet.store import Transaction
from aksnet.store.workspace import EVERY_KIND
from aksnet.twin.kube import (
    apiserver,
    disruption,
    endpoints,
    naming,
    pod_ipam,
    scheduler,
    schema,
    status,
    workloads,
)
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.pod_index import (
    ALB_POD,
    CPU,
    CTRL_UID,
    FLAGS,
    HOST,
    IP,
    MEM,
    NODE,
    OWNERS,
    PHASE,
    PORTS,
    Entry,
    LazyPodsByOwner,
    PodIndex,
    active,
    current,
    owner_key,
    pod_entry,
)
from aksnet.twin.kube_store import (
    KIND_DAEMONSET,
    KIND_DEPLOYMENT,
    KIND_ENDPOINTS,
    KIND_EVENT,
    KIND_JOB,
    KIND_LEASE,
    KIND_NODE,
    KIND_POD,
    KIND_REPLICASET,
    KIND_SERVICE,
    KIND_STATEFULSET,
)

Doc = dict[str, Any]
KIND_SLICE = endpoints.RT_SLICE.store_kind
KIND_NETWORKPOLICY = "k8s:networking.k8s.io/NetworkPolicy"
KIND_INGRESS = "k8s:networking.k8s.io/Ingress"
# Kubernetes kinds whose changes the incremental passes follow: created or updated (a deletion cascades to owned
# objects: a full pass), or any change.
_PUT_KINDS = frozenset({KIND_DEPLOYMENT, KIND_REPLICASET, KIND_STATEFULSET, KIND_DAEMONSET, KIND_JOB, KIND_SERVICE})
_ANY_KINDS = frozenset({KIND_NODE, KIND_LEASE, KIND_EVENT, KIND_NETWORKPOLICY})
_OWNER_KINDS = {"ReplicaSet": KIND_REPLICASET, "StatefulSet": KIND_STATEFULSET, "DaemonSet": KIND_DAEMONSET,
                "Job": KIND_JOB}


def eligible(tx: Transaction, objs: ClusterObjects) -> bool:
    """Whether this command's changes so far are ones the incremental passes follow: Azure resources, Nodes,
    created or updated workloads (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs) and Services, Events,
    Leases and NetworkPolicies of this cluster."""
    if EVERY_KIND in tx.written_kinds:
        return False
    ops: dict[str, set[str]] = {}
    for (kind, scope), keys in tx.written_keys.items():
        if scope == objs.scope:
            for key_ops in keys.values():
                ops.setdefault(kind, set()).update(key_ops)
    for kind, op in objs.pending_ops():
        ops.setdefault(kind, set()).add(op)
    for kind, seen in ops.items():
        if not kind.startswith("k8s:") or kind in _ANY_KINDS:
            continue
        if kind not in _PUT_KINDS or "delete" in seen:
            return False
    return True


def _ordered_docs(objs: ClusterObjects, kind: str, keys: set[str]) -> list[Doc]:
    return [d for k in objs.in_table_order(kind, keys) if (d := objs.get(kind, k)) is not None]


def _prefixed(objs: ClusterObjects, kind: str, prefixes: list[str]) -> list[Doc]:
    """The documents of ``kind`` under any of ``prefixes`` (e.g. namespaces), in table order."""
    found: dict[str, Doc] = {}
    for p in prefixes:
        for d in objs.with_prefix(kind, p):
            found[_key(d)] = d
    return [found[k] for k in objs.in_table_order(kind, set(found))]


def _key(doc: Doc) -> str:
    meta = doc["metadata"]
    return f"{meta['namespace']}/{meta['name']}".lower() if meta.get("namespace") else str(meta["name"]).lower()


def _owned(objs: ClusterObjects, owner: Doc, kind: str, controller_only: bool) -> list[Doc]:
    """The objects of ``kind`` an owner's controllers name ``<owner>-…`` (a Deployment's ReplicaSets) whose
    controller (or any owner, unless ``controller_only``) is the owner, in table order."""
    meta = owner["metadata"]
    uid = meta["uid"]
    out = []
    for d in _prefixed(objs, kind, [f"{meta['namespace']}/{meta['name']}-"]):
        refs = d["metadata"].get("ownerReferences") or []
        if (workloads.controller_uid(d) == uid) if controller_only else any(r.get("uid") == uid for r in refs):
            out.append(d)
    return out


def _deployment_alive(objs: ClusterObjects, rs: Doc) -> bool:
    """Whether the ReplicaSet's controller is a Deployment that exists (the full pass compares uids)."""
    ref: Doc = next((r for r in rs["metadata"].get("ownerReferences") or [] if r.get("controller")), {})
    if ref.get("kind") != "Deployment":
        return False
    dep = objs.get(KIND_DEPLOYMENT, f"{rs['metadata']['namespace']}/{ref.get('name', '')}")
    return dep is not None and dep["metadata"].get("uid") == ref.get("uid")


def reconcile_workloads(objs: ClusterObjects, base: PodIndex) -> None:
    """``workloads.reconcile`` for what changed (see the module docstring)."""
    objs.extra["pods_by_owner"] = LazyPodsByOwner(objs, base.by_owner())
    nodes = objs.docs(KIND_NODE)
    affected: dict[str, set[str]] = {kind: set() for kind in _OWNER_KINDS.values()}
    nodes_changed = bool(objs.changed_keys(KIND_NODE))
    if nodes_changed:  # PodGC
        names = {n["metadata"]["name"] for n in nodes}
        for key, e in current(objs, base).items():
            if e[NODE] and e[NODE] not in names and (pod := objs.get(KIND_POD, key)) is not None:
                workloads.delete_pod(objs, pod)
                owner = owner_key(key, e)
                if owner is not None and owner[0] in _OWNER_KINDS:
                    affected[_OWNER_KINDS[owner[0]]].add(owner[1])
    for dep in _ordered_docs(objs, KIND_DEPLOYMENT, objs.changed_keys(KIND_DEPLOYMENT)):
        rss = _owned(objs, dep, KIND_REPLICASET, controller_only=True)
        workloads.reconcile_deployment(objs, dep, rss, {dep["metadata"]["uid"]: list(rss)} if rss else {})
    gone: list[str] = []
    for rs in _ordered_docs(objs, KIND_REPLICASET, affected[KIND_REPLICASET] | objs.changed_keys(KIND_REPLICASET)):
        if workloads.controller_uid(rs) is not None and not _deployment_alive(objs, rs):
            objs.delete(KIND_REPLICASET, _key(rs))
            gone.append(rs["metadata"]["uid"])
            continue
        workloads.reconcile_replicaset(objs, rs)
    for sts in _ordered_docs(objs, KIND_STATEFULSET, affected[KIND_STATEFULSET] | objs.changed_keys(KIND_STATEFULSET)):
        workloads.reconcile_statefulset(objs, sts)
    if affected[KIND_DAEMONSET] or objs.changed_keys(KIND_DAEMONSET):
        for ds in objs.docs(KIND_DAEMONSET):
            workloads.reconcile_daemonset(objs, ds, nodes)
    elif nodes_changed:
        changed_nodes = objs.changed_keys(KIND_NODE)
        for ds in objs.docs(KIND_DAEMONSET):
            _daemonset_on_nodes(objs, ds, nodes, changed_nodes, base)
    for job in _ordered_docs(objs, KIND_JOB, affected[KIND_JOB] | objs.changed_keys(KIND_JOB)):
        if "batch.kubernetes.io/controller-uid" not in ((job["spec"].get("selector") or {}).get("matchLabels") or {}) \
                and not job["spec"].get("manualSelector"):
            workloads.prepare_job(job)
            apiserver.write_object(objs, schema.BY_KIND["Job"], job)
        workloads.reconcile_job(objs, job)
    idx = workloads.pods_by_owner(objs)
    for uid in gone:  # the garbage collector: pods of a ReplicaSet whose Deployment is gone
        for pod in list(idx.get(uid, [])):
            workloads.delete_pod(objs, pod)


def _daemonset_on_nodes(objs: ClusterObjects, ds: Doc, nodes: list[Doc], changed: set[str], base: PodIndex) -> None:
    """``workloads.reconcile_daemonset`` for the nodes that changed, none of the DaemonSet's pods having changed:
    on the other nodes a converged DaemonSet has its one pod, or none where it is not eligible. Its pods pinned to
    the changed nodes are bound to them or pending."""
    uid = ds["metadata"]["uid"]
    by_node: dict[str, Doc] = {}
    for key, e in base.entries.items():
        if e[CTRL_UID] == uid and (e[NODE] in changed or not e[NODE]):
            pod = _pod(objs, key)
            target = workloads.pinned_node(pod)
            if target in changed:
                by_node[str(target)] = pod
    pod_spec = (ds["spec"].get("template") or {}).get("spec") or {}
    rev = naming.compute_hash(workloads.template_for_hash(ds["spec"].get("template") or {}))
    names = {n["metadata"]["name"] for n in nodes}
    for node in nodes:
        nname = node["metadata"]["name"]
        if nname not in changed:
            continue
        eligible = workloads.node_is_eligible(node, pod_spec)
        if eligible and nname not in by_node:
            workloads.create_daemon_pod(objs, ds, nname, rev)
        elif not eligible and nname in by_node:
            workloads.delete_pod(objs, by_node.pop(nname))
    for nname, pod in by_node.items():
        if nname not in names:
            workloads.delete_pod(objs, pod)
            workloads.emit(objs, ds, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                           "daemonset-controller")


def schedule(objs: ClusterObjects, base: PodIndex) -> None:
    """``scheduler.schedule_all`` with the bound pods counted from the index."""
    nodes, states, by_name = scheduler.node_states(objs)
    pending: list[Doc] = []
    now = objs.timestamp()
    for key, e in current(objs, base).items():
        if e[NODE]:
            st = by_name.get(e[NODE]) if active(e) else None
            if st is None:
                continue
            if not e[IP] and st.pods >= st.max_pods:
                scheduler.reject_out_of_pods(objs, _pod(objs, key), st, now)
                continue
            st.add_counts(e[CPU], e[MEM], e[OWNERS], e[PORTS])
        elif active(e):
            pending.append(_pod(objs, key))
    scheduler.bind_pending(objs, nodes, states, by_name, pending)


def _pod(objs: ClusterObjects, key: str) -> Doc:
    doc = objs.get(KIND_POD, key)
    assert doc is not None, key
    return doc


def assign_ips(objs: ClusterObjects, base: PodIndex) -> None:
    """``pod_ipam.reconcile`` with the addresses in use read from the index."""
    view = current(objs, base)
    todo = [k for k, e in view.items() if e[NODE] and not e[IP] and e[PHASE] not in ("Succeeded", "Failed")]
    if not todo:
        return
    used: dict[str, set[str]] = {}
    for e in view.values():
        if e[NODE] and e[IP] and not e[HOST]:
            used.setdefault(e[NODE], set()).add(e[IP])
    alloc = pod_ipam.Allocator(objs, used)
    now = objs.timestamp()
    for key in todo:
        pod_ipam.start_pod(objs, alloc, _pod(objs, key), now)


def _changed_pod_owners(objs: ClusterObjects, base: PodIndex) -> dict[str, set[str]]:
    """Store kind → keys of the controllers of the pods this command changed (before and after the change)."""
    out: dict[str, set[str]] = {kind: set() for kind in _OWNER_KINDS.values()}
    for key in objs.changed_keys(KIND_POD):
        entries: list[Entry] = []
        if key in base.entries:
            entries.append(base.entries[key])
        doc = objs.get(KIND_POD, key)
        if doc is not None:
            ref = next((r for r in doc["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
            if ref is not None and ref.get("kind") in _OWNER_KINDS:
                out[_OWNER_KINDS[ref["kind"]]].add(f"{key.split('/', 1)[0]}/{ref.get('name', '')}")
        for e in entries:
            owner = owner_key(key, e)
            if owner is not None and owner[0] in _OWNER_KINDS:
                out[_OWNER_KINDS[owner[0]]].add(owner[1])
    return out


def update_status(objs: ClusterObjects, base: PodIndex) -> None:
    """``status.update_all`` for the workloads whose pods or objects changed."""
    idx = workloads.pods_by_owner(objs)
    now = objs.timestamp()
    owners = _changed_pod_owners(objs, base)
    rt_rs = schema.BY_KIND["ReplicaSet"]
    deps = set(objs.changed_keys(KIND_DEPLOYMENT))
    for rs in _ordered_docs(objs, KIND_REPLICASET, owners[KIND_REPLICASET] | objs.changed_keys(KIND_REPLICASET)):
        apiserver.write_status(objs, rt_rs, rs, status.replicaset_status(rs, idx.get(rs["metadata"]["uid"], [])))
        for ref in rs["metadata"].get("ownerReferences") or []:
            if ref.get("kind") == "Deployment":
                deps.add(f"{rs['metadata']['namespace']}/{ref.get('name', '')}")  # names are DNS-1123: lower case
    rt = schema.BY_KIND["Deployment"]
    for dep in _ordered_docs(objs, KIND_DEPLOYMENT, deps):
        rss = _owned(objs, dep, KIND_REPLICASET, controller_only=False)
        apiserver.write_status(objs, rt, dep, status.deployment_status(dep, rss, idx, now))
    for kind, fn in (("StatefulSet", status.statefulset_status), ("DaemonSet", status.daemonset_status)):
        rt = schema.BY_KIND[kind]
        store_kind = _OWNER_KINDS[kind]
        for doc in _ordered_docs(objs, store_kind, owners[store_kind] | objs.changed_keys(store_kind)):
            apiserver.write_status(objs, rt, doc, fn(doc, idx.get(doc["metadata"]["uid"], [])))
    rt = schema.BY_KIND["Job"]
    for job in _ordered_docs(objs, KIND_JOB, owners[KIND_JOB] | objs.changed_keys(KIND_JOB)):
        apiserver.write_status(objs, rt, job, status.job_status(job, idx.get(job["metadata"]["uid"], []), now))


def _namespaces(objs: ClusterObjects, kinds: tuple[str, ...]) -> set[str]:
    return {k.split("/", 1)[0] for kind in kinds for k in objs.changed_keys(kind) if "/" in k}


def update_disruption(objs: ClusterObjects) -> None:
    """``disruption.reconcile`` for the budgets of the namespaces whose pods, budgets or pods' controllers (their
    scale) changed."""
    kind = schema.BY_KIND["PodDisruptionBudget"].store_kind
    if not objs.count(kind):
        return
    namespaces = _namespaces(objs, (KIND_POD, kind, KIND_DEPLOYMENT, KIND_REPLICASET, KIND_STATEFULSET))
    pods: dict[str, list[Doc]] = {}

    def pods_of(ns: str) -> list[Doc]:
        if ns not in pods:
            pods[ns] = _prefixed(objs, KIND_POD, [f"{ns}/"])
        return pods[ns]
    disruption.update(objs, namespaces, pods_of)


def sync_endpoints(objs: ClusterObjects) -> None:
    """``endpoints.sync_all`` over the namespaces whose pods or Services changed (and the ``kubernetes``
    Service, whose endpoint follows the cluster's API server)."""
    namespaces = sorted(_namespaces(objs, (KIND_POD, KIND_SERVICE, KIND_SLICE, KIND_ENDPOINTS)))
    prefixes = [f"{ns}/" for ns in namespaces]
    services = _prefixed(objs, KIND_SERVICE, prefixes)
    if not any(_key(s) == "default/kubernetes" for s in services):
        services = _ordered_docs(objs, KIND_SERVICE, {_key(s) for s in services} | {"default/kubernetes"})
    pods = [p for ns in prefixes for p in objs.with_prefix(KIND_POD, ns)]
    endpoints.sync(objs, pods, services, _prefixed(objs, KIND_SLICE, prefixes),
                   _prefixed(objs, KIND_ENDPOINTS, prefixes))


def gateways_needed(objs: ClusterObjects, gateway_kind: str, managed: tuple[str, str]) -> bool:
    """Whether the Gateway deployer has anything to do: a Gateway exists, or a changed Deployment or Service
    carries its managed label (one it would delete)."""
    if objs.count(gateway_kind):
        return True
    for kind in (KIND_DEPLOYMENT, KIND_SERVICE):
        for key in objs.changed_keys(kind):
            doc = objs.get(kind, key)
            if doc is not None and (doc["metadata"].get("labels") or {}).get(managed[0]) == managed[1]:
                return True
    return False


def ingresses_exist(objs: ClusterObjects) -> bool:
    """The ingress status controller writes Ingresses only."""
    return bool(objs.count(KIND_INGRESS))


def alb_controller_running(objs: ClusterObjects, base: PodIndex) -> bool:
    """``alb_bootstrap.controller_running`` from the index: the ALB controllers do nothing without it. The
    ALB Controller's pods are few: they are listed once, then only this command's changed pods are looked at."""
    alb: list[str] | None = objs.extra.get("alb_pods")
    if alb is None:
        alb = objs.extra["alb_pods"] = [k for k, e in base.entries.items() if e[FLAGS] & ALB_POD]
    changed = objs.changed_keys(KIND_POD)
    entries = (base.entries[k] for k in alb if k not in changed)
    fresh = (pod_entry(d) for k in changed if (d := objs.get(KIND_POD, k)) is not None)
    return any(e[FLAGS] & ALB_POD and e[PHASE] == "Running" for e in (*entries, *fresh))


def next_index(objs: ClusterObjects, base: PodIndex) -> PodIndex | None:
    """The index after this pass in creation order (a re-created pod keeps its place in the workspace), or None
    when no pod changed and the workload controllers left no work."""
    unsettled = bool(objs.extra.get("unsettled"))
    if not objs.changed_keys(KIND_POD) and unsettled == base.unsettled:
        return None
    view = current(objs, base)
    entries = {k: view[k] for k in base.entries if k in view}
    entries.update((k, e) for k, e in view.items() if k not in entries)
    return PodIndex(entries, unsettled)

