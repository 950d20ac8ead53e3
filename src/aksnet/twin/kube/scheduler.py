"""The default scheduler: binds pending pods to nodes.

Filters, in kube-scheduler's plugin order, the first failing one naming the node's reason:
NodeUnschedulable (``node(s) were unschedulable``), TaintToleration (``node(s) had untolerated taint
{key: value}``), NodeAffinity (nodeSelector and required node affinity: ``node(s) didn't match Pod's node
affinity/selector``), NodePorts (``node(s) didn't have free ports for the requested pod ports``) and
NodeResourcesFit (``Too many pods``: every pod on the node counts against ``maxPods``, system and hostNetwork
pods included; ``Insufficient cpu``/``Insufficient memory``: container requests against the node's
allocatable). Scoring is simplified and deterministic: fewest pods of the same owner
(SelectorSpread), then fewest pods (LeastAllocated), then node name. A pod that fits nowhere stays Pending
with the FailedScheduling event and condition kubectl shows (``0/2 nodes are available: 2 Too many pods.
preemption: …``). Must not assign addresses (pod_ipam does).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable
from typing import Any

from aksnet.rules.kubernetes import KUBELET_DEFAULT_MAX_PODS as DEFAULT_MAX_PODS
from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, events, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.quantity import parse_quantity, pod_resources

Doc = dict[str, Any]
RT_POD = schema.BY_KIND["Pod"]

R_UNSCHEDULABLE = "node(s) were unschedulable"
R_SELECTOR = "node(s) didn't match Pod's node affinity/selector"
R_PORTS = "node(s) didn't have free ports for the requested pod ports"
R_TOO_MANY = "Too many pods"
R_CPU = "Insufficient cpu"
R_MEMORY = "Insufficient memory"
P_NO_VICTIMS = "No preemption victims found for incoming pod"
P_NOT_HELPFUL = "Preemption is not helpful for scheduling"


def node_max_pods(node: Doc) -> int:
    """The kubelet's ``--max-pods``, published as ``status.allocatable.pods`` (AKS sets it from maxPods)."""
    st = node.get("status") or {}
    for key in ("allocatable", "capacity"):
        v = (st.get(key) or {}).get("pods")
        if v is not None:
            try:
                return int(v)
            except (TypeError, ValueError):
                continue
    return DEFAULT_MAX_PODS


def node_ready(node: Doc) -> bool:
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return bool(c.get("status") == "True")
    return True


def tolerates(tol: Doc, taint: Doc) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if tol.get("effect") and tol.get("effect") != taint.get("effect"):
        return False
    if tol.get("key") and tol.get("key") != taint.get("key"):
        return False
    if not tol.get("key") and tol.get("operator") != "Exists":
        return False
    if tol.get("operator", "Equal") == "Exists":
        return True
    return str(tol.get("value", "")) == str(taint.get("value", ""))


def untolerated_taint(node: Doc, pod_spec: Doc, extra: Iterable[Doc] = ()) -> Doc | None:
    """The first NoSchedule/NoExecute taint of the node that the pod does not tolerate."""
    tols = list(pod_spec.get("tolerations") or []) + list(extra)
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(t, taint) for t in tols):
            return dict(taint)
    return None


def _match_expr(req: Doc, value: str | None, present: bool) -> bool:
    op, values = req.get("operator"), [str(v) for v in req.get("values") or []]
    if op == "In":
        return present and value in values
    if op == "NotIn":
        return not present or value not in values
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and values:
        try:
            return int(value or "") > int(values[0]) if op == "Gt" else int(value or "") < int(values[0])
        except ValueError:
            return False
    return False


def fits_selector(node: Doc, pod_spec: Doc) -> bool:
    """nodeSelector and requiredDuringScheduling node affinity (matchExpressions and matchFields)."""
    labels = node["metadata"].get("labels") or {}
    for k, v in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    req = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = req.get("nodeSelectorTerms") or []
    if not terms:
        return True
    fields = {"metadata.name": node["metadata"]["name"]}
    for term in terms:
        ok = all(_match_expr(e, labels.get(e.get("key")), e.get("key") in labels)
                 for e in term.get("matchExpressions") or [])
        ok = ok and all(_match_expr(f, fields.get(f.get("key")), f.get("key") in fields)
                        for f in term.get("matchFields") or [])
        if ok and (term.get("matchExpressions") or term.get("matchFields")):
            return True
    return False


def host_ports(pod: Doc) -> set[tuple[str, int]]:
    out = set()
    for c in pod["spec"].get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                out.add((str(p.get("protocol", "TCP")), int(p["hostPort"])))
    return out


class NodeState:
    """What the scheduler tracks per node during one pass."""

    def __init__(self, node: Doc, index: int) -> None:
        self.node = node
        self.name = str(node["metadata"]["name"])
        self.index = index
        self.max_pods = node_max_pods(node)
        self.pods = 0
        self.by_owner: dict[str, int] = {}
        self.ports: set[tuple[str, int]] = set()
        alloc = (node.get("status") or {}).get("allocatable") or {}
        self.cpu_cap = parse_quantity(alloc["cpu"]) if "cpu" in alloc else None
        self.mem_cap = parse_quantity(alloc["memory"]) if "memory" in alloc else None
        self.cpu = 0.0
        self.mem = 0.0

    def add(self, pod: Doc) -> None:
        self.pods += 1
        req = pod_resources(pod)
        self.cpu += req[0]
        self.mem += req[2]
        for ref in pod["metadata"].get("ownerReferences") or []:
            self.by_owner[ref.get("uid", "")] = self.by_owner.get(ref.get("uid", ""), 0) + 1
        self.ports |= host_ports(pod)

    def add_counts(self, cpu: float, mem: float, owners: list[str], ports: list[list[Any]]) -> None:
        """:meth:`add` from a pod's index entry (``aksnet.twin.kube.pod_index``) instead of its document."""
        self.pods += 1
        self.cpu += cpu
        self.mem += mem
        for uid in owners:
            self.by_owner[uid] = self.by_owner.get(uid, 0) + 1
        for proto, port in ports:
            self.ports.add((proto, port))

    def filter(self, pod: Doc) -> str | None:
        """The reason this node cannot take the pod, or None."""
        why = self.static_filter(pod)
        if why is not None:
            return why
        if host_ports(pod) & self.ports:
            return R_PORTS
        return self.fit(pod)

    def fit(self, pod: Doc) -> str | None:
        """NodeResourcesFit: pod count, then CPU and memory requests against allocatable."""
        if self.pods >= self.max_pods:
            return R_TOO_MANY
        req = pod_resources(pod)
        if req[0] and self.cpu_cap is not None and self.cpu + req[0] > self.cpu_cap + 1e-9:
            return R_CPU
        if req[2] and self.mem_cap is not None and self.mem + req[2] > self.mem_cap:
            return R_MEMORY
        return None

    def static_filter(self, pod: Doc) -> str | None:
        """The filters that depend only on the pod spec and the node (not on what else runs there)."""
        spec = pod["spec"]
        if (self.node.get("spec") or {}).get("unschedulable") and not any(
                tolerates(t, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})
                for t in spec.get("tolerations") or []):
            return R_UNSCHEDULABLE
        taint = untolerated_taint(self.node, spec)
        if taint is not None:
            return f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value', '')}}}"
        if not fits_selector(self.node, spec):
            return R_SELECTOR
        return None


def is_active(pod: Doc) -> bool:
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def failure_message(total: int, reasons: dict[str, int]) -> str:
    """framework.FitError.Error(): counts per reason, sorted, then the preemption summary."""
    if total == 0:
        return "no nodes available to schedule pods"
    parts = sorted(f"{n} {r}" for r, n in reasons.items())
    msg = f"0/{total} nodes are available: {', '.join(parts)}."
    pre: dict[str, int] = {}
    for r, n in reasons.items():
        key = P_NO_VICTIMS if r in (R_TOO_MANY, R_CPU, R_MEMORY) else P_NOT_HELPFUL
        pre[key] = pre.get(key, 0) + n
    msg += f" preemption: 0/{total} nodes are available: " + ", ".join(
        sorted(f"{n} {r}" for r, n in pre.items())) + "."
    return msg


def pinned_nodes(pod_spec: Doc) -> frozenset[str] | None:
    """NodeAffinity's PreFilter: the node names a pod's required node affinity allows when every term carries
    ``matchFields`` ``metadata.name In [...]`` (what the DaemonSet controller writes since Kubernetes 1.12,
    ScheduleDaemonSetPods; kube-scheduler then evaluates only those nodes: ``PreFilterResult.NodeNames``).
    None when the pod may land on any node."""
    req = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
           .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    terms = req.get("nodeSelectorTerms") or []
    if not terms:
        return None
    names: set[str] = set()
    for term in terms:
        fields = [f for f in term.get("matchFields") or []
                  if f.get("key") == "metadata.name" and f.get("operator") == "In"]
        if not fields:
            return None
        allowed = set.intersection(*(set(str(v) for v in f.get("values") or []) for f in fields))
        names |= allowed
    return frozenset(names)


class _Group:
    """The nodes that pass the spec-only filters for the pods of one owner and template (kube-scheduler
    re-evaluates every node per pod; the result is the same because those filters do not depend on the other
    pods), with a lazy min-heap of the score key so choosing a node does not scan every node."""

    def __init__(self, owner: str, eligible: list[NodeState], fixed: dict[str, int]) -> None:
        self.owner = owner
        self.eligible = eligible
        self.fixed = fixed
        self.heap: list[tuple[int, int, int, NodeState]] = [
            (st.by_owner.get(owner, 0), st.pods, st.index, st) for st in eligible]
        heapq.heapify(self.heap)

    def best(self, pod: Doc, ports: set[tuple[str, int]]) -> NodeState | None:
        """The lowest-scored node that fits ``pod``. Keys only grow during a pass (pods are only added), so a
        stale entry is re-pushed with its current key; a node with ``Too many pods`` stays full for the pass
        and leaves the heap."""
        heap, owner = self.heap, self.owner
        aside: list[tuple[int, int, int, NodeState]] = []
        chosen: NodeState | None = None
        while heap:
            k0, k1, idx, st = heap[0]
            cur = (st.by_owner.get(owner, 0), st.pods)
            if cur != (k0, k1):
                heapq.heapreplace(heap, (cur[0], cur[1], idx, st))
                continue
            if st.pods >= st.max_pods:
                heapq.heappop(heap)
                continue
            if (ports and ports & st.ports) or st.fit(pod) is not None:
                aside.append(heapq.heappop(heap))
                continue
            chosen = st
            break
        for entry in aside:
            heapq.heappush(heap, entry)
        return chosen


def _best_scan(pod: Doc, owner: str, eligible: Iterable[NodeState], ports: set[tuple[str, int]]) -> NodeState | None:
    best: NodeState | None = None
    best_key: tuple[int, int, int] | None = None
    for st in eligible:
        if (ports and ports & st.ports) or st.fit(pod) is not None:
            continue
        key = (st.by_owner.get(owner, 0), st.pods, st.index)
        if best_key is None or key < best_key:
            best, best_key = st, key
    return best


def schedule_pod(pod: Doc, states: list[NodeState],
                 static: dict[str, _Group] | None = None,
                 by_name: dict[str, NodeState] | None = None,
                 ) -> tuple[NodeState | None, dict[str, int]]:
    """The node for ``pod`` (or None) and, when none fits, the reason count per filter. ``static`` caches,
    per owner, the nodes that pass the spec-only filters (pods of one owner share their template);
    ``by_name`` lets a pod pinned to named nodes (DaemonSet pods) be checked against those nodes only."""
    owner = next((r.get("uid", "") for r in pod["metadata"].get("ownerReferences") or []), "")
    spec = pod["spec"]
    ports = host_ports(pod)
    pinned = pinned_nodes(spec) if by_name is not None else None
    if pinned is not None and by_name is not None:
        fast = _best_scan(pod, owner, (st for n in pinned if (st := by_name.get(n)) is not None
                                       and st.static_filter(pod) is None), ports)
        if fast is not None:
            return fast, {}
        # no pinned node fits: evaluate every node for FailedScheduling's per-reason counts (below)
    # pods of one owner share their template, except what a DaemonSet pins per node (affinity)
    cacheable = static is not None and bool(owner) and pinned is None
    sig = owner + json.dumps([spec.get("nodeSelector"), spec.get("affinity"), spec.get("tolerations")],
                             sort_keys=True) if cacheable else ""
    group = static.get(sig) if static is not None and cacheable else None
    if group is None:
        eligible: list[NodeState] = []
        fixed: dict[str, int] = {}
        for st in states:
            why = st.static_filter(pod)
            if why is None:
                eligible.append(st)
            else:
                fixed[why] = fixed.get(why, 0) + 1
        group = _Group(owner, eligible, fixed)
        if static is not None and cacheable:
            static[sig] = group
        best = _best_scan(pod, owner, eligible, ports)
    else:
        best = group.best(pod, ports)
    if best is not None:
        return best, {}
    reasons = dict(group.fixed)
    for st in group.eligible:
        why = R_PORTS if ports and ports & st.ports else (st.fit(pod) or R_TOO_MANY)
        reasons[why] = reasons.get(why, 0) + 1
    return None, reasons


def _set_condition(status: Doc, cond: Doc) -> None:
    conds = [c for c in status.get("conditions") or [] if c.get("type") != cond["type"]]
    conds.append(cond)
    status["conditions"] = conds


def reject_out_of_pods(objs: ClusterObjects, pod: Doc, st: NodeState, now: str) -> None:
    """Kubelet admission for a pod bound with ``spec.nodeName`` to a full node: phase Failed, OutOfpods."""
    msg = (f"Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: {st.pods}, "
           f"capacity: {st.max_pods}")
    apiserver.write_status(objs, RT_POD, pod, {"phase": "Failed", "reason": "OutOfpods", "message": msg,
                                              "startTime": now})
    events.record(objs, pod, "OutOfpods", f"Node didn't have enough resource: pods, requested: 1, used: "
                  f"{st.pods}, capacity: {st.max_pods}", "Warning", "kubelet", host=st.name)


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Bind every pending, unbound pod, oldest first."""
    objs = objects.open_objects(tx, cluster_id)
    schedule_all(objs)


def node_states(objs: ClusterObjects) -> tuple[list[Doc], list[NodeState], dict[str, NodeState]]:
    """The cluster's nodes by name, the ready ones' states (empty) and those by name."""
    nodes = sorted(objs.docs("k8s:core/Node"), key=lambda n: n["metadata"]["name"])
    states = [NodeState(n, i) for i, n in enumerate(nodes) if node_ready(n)]
    return nodes, states, {s.name: s for s in states}


def schedule_all(objs: ClusterObjects) -> None:
    nodes, states, by_name = node_states(objs)
    pending: list[Doc] = []
    now = objs.timestamp()
    for pod in objs.docs(RT_POD.store_kind):
        node = pod["spec"].get("nodeName")
        if node:
            if is_active(pod) and node in by_name:
                st = by_name[node]
                if not (pod.get("status") or {}).get("podIP") and st.pods >= st.max_pods:
                    reject_out_of_pods(objs, pod, st, now)
                    continue
                st.add(pod)
        elif is_active(pod):
            pending.append(pod)
    bind_pending(objs, nodes, states, by_name, pending)


def bind_pending(objs: ClusterObjects, nodes: list[Doc], states: list[NodeState], by_name: dict[str, NodeState],
                 pending: list[Doc]) -> None:
    """Schedule ``pending`` (oldest first) on nodes whose states count every bound pod."""
    now = objs.timestamp()
    static: dict[str, _Group] = {}
    for pod in pending:
        chosen, reasons = schedule_pod(pod, states, static, by_name)
        status = dict(pod.get("status") or {})
        if chosen is None:
            msg = failure_message(len(nodes), reasons)
            status["phase"] = "Pending"
            cond = {"type": "PodScheduled", "status": "False", "lastProbeTime": None, "lastTransitionTime": now,
                    "reason": "Unschedulable", "message": msg}
            old = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
            if old is not None and old.get("message") == msg:
                cond["lastTransitionTime"] = old.get("lastTransitionTime", now)
            _set_condition(status, cond)
            apiserver.write_status(objs, RT_POD, pod, status)
            events.record(objs, pod, "FailedScheduling", msg, "Warning", "default-scheduler")
            continue
        pod["spec"]["nodeName"] = chosen.name
        chosen.add(pod)
        _set_condition(status, {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                                "lastTransitionTime": now})
        pod["status"] = status
        apiserver.write_object(objs, RT_POD, pod)
        events.record(objs, pod, "Scheduled",
                      f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to "
                      f"{chosen.name}", "Normal", "default-scheduler")
