"""The disruption controller: each PodDisruptionBudget's status (``kubectl get pdb`` ALLOWED DISRUPTIONS).

Rules of kube-controller-manager's ``pkg/controller/disruption/disruption.go`` (``getExpectedPodCount``,
``getExpectedScale``, ``countHealthyPods``, ``updatePdbStatus``, ``failSafe``) and
``pkg/apis/policy/helper`` (``UpdateDisruptionAllowedCondition``), https://kubernetes.io/docs/tasks/run-application/
configure-pdb/#think-about-how-your-application-reacts-to-disruptions:

- the pods are those of the PDB's namespace its selector matches (an empty selector matches all of them, a
  missing one none);
- ``maxUnavailable`` (int or percent of the expected scale, a percent rounded up): expectedPods = the sum of the
  scales of the pods' controllers (a Deployment's, a bare ReplicaSet's or a StatefulSet's ``spec.replicas``),
  desiredHealthy = expectedPods − maxUnavailable (at least 0);
- ``minAvailable`` int: desiredHealthy = minAvailable, expectedPods = the number of matching pods;
  ``minAvailable`` percent: of the expected scale, rounded up;
- currentHealthy = matching pods that are Ready and not being deleted; disruptionsAllowed = currentHealthy −
  desiredHealthy, 0 when negative or when expectedPods is 0;
- a pod whose controller has no scale (a DaemonSet's, a Job's) fails the sync when the expected scale is
  needed: disruptionsAllowed 0 and condition DisruptionAllowed False, reason SyncFailed, ``found no controllers
  for pod "<name>"``; pods without a controller are left out of the expected scale.

Runs after workload status (it reads readiness); must not change anything but PodDisruptionBudget status.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.status import pod_ready
from aksnet.twin.kube.validation_common import selector_matches

Doc = dict[str, Any]

CONDITION = "DisruptionAllowed"


class SyncFailed(Exception):
    """The controller could not compute the expected scale (its message is the condition's)."""


def scaled(value: Any, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)."""
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


def _controller_ref(doc: Doc) -> Doc | None:
    return next((r for r in doc["metadata"].get("ownerReferences") or [] if r.get("controller")), None)


def _scale_of(objs: ClusterObjects, ref: Doc, ns: str) -> tuple[str, int] | None:
    """The finders: (controller uid, scale) for a ReplicaSet's Deployment, a bare ReplicaSet or a StatefulSet."""
    kind = ref.get("kind")
    if kind not in ("ReplicaSet", "StatefulSet"):
        return None
    owner = objs.get(schema.BY_KIND[kind].store_kind, f"{ns}/{ref.get('name')}")
    if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
        return None
    if kind == "ReplicaSet":
        parent = _controller_ref(owner)
        if parent is not None and parent.get("kind") == "Deployment":
            dep = objs.get(schema.BY_KIND["Deployment"].store_kind, f"{ns}/{parent.get('name')}")
            if dep is not None and dep["metadata"].get("uid") == parent.get("uid"):
                return str(parent["uid"]), int((dep.get("spec") or {}).get("replicas", 1))
    return str(ref["uid"]), int((owner.get("spec") or {}).get("replicas", 1))


def expected_scale(objs: ClusterObjects, ns: str, pods: list[Doc]) -> int:
    """getExpectedScale: the sum of the scales of the pods' controllers, each counted once."""
    scales: dict[str, int] = {}
    for pod in pods:
        ref = _controller_ref(pod)
        if ref is None or ref.get("uid") in scales:
            continue
        found = _scale_of(objs, ref, ns)
        if found is None:
            raise SyncFailed(f'found no controllers for pod "{pod["metadata"]["name"]}"')
        scales[found[0]] = found[1]
    return sum(scales.values())


def expected_and_desired(objs: ClusterObjects, pdb: Doc, pods: list[Doc]) -> tuple[int, int]:
    """getExpectedPodCount: (expectedPods, desiredHealthy)."""
    spec, ns = pdb.get("spec") or {}, pdb["metadata"]["namespace"]
    if spec.get("maxUnavailable") is not None:
        expected = expected_scale(objs, ns, pods)
        return expected, max(0, expected - scaled(spec["maxUnavailable"], expected))
    min_available = spec.get("minAvailable")
    if isinstance(min_available, str):
        expected = expected_scale(objs, ns, pods)
        return expected, scaled(min_available, expected)
    if min_available is not None:
        return len(pods), int(min_available)
    return 0, 0


def _condition(old: Doc, status: str, reason: str, message: str, generation: int, now: str) -> Doc:
    prev = next((c for c in old.get("conditions") or [] if c.get("type") == CONDITION), None)
    since = prev.get("lastTransitionTime", now) if prev and prev.get("status") == status else now
    return {"lastTransitionTime": since, "message": message, "observedGeneration": generation, "reason": reason,
            "status": status, "type": CONDITION}


def pdb_status(objs: ClusterObjects, pdb: Doc, pods: list[Doc], now: str) -> Doc:
    """The status the disruption controller writes for ``pdb`` given the pods its selector matches."""
    old = pdb.get("status") or {}
    generation = int(pdb["metadata"].get("generation", 1))
    try:
        expected, desired = expected_and_desired(objs, pdb, pods)
    except SyncFailed as exc:  # failSafe: only disruptionsAllowed and the condition change
        st = {**old, "disruptionsAllowed": 0}
        for k in ("currentHealthy", "desiredHealthy", "expectedPods"):
            st.setdefault(k, 0)
        st["conditions"] = [_condition(old, "False", "SyncFailed", str(exc), int(old.get("observedGeneration", 0)),
                                       now)]
        return st
    healthy = sum(1 for p in pods if pod_ready(p) and not p["metadata"].get("deletionTimestamp"))
    allowed = healthy - desired
    if expected <= 0 or allowed <= 0:
        allowed = 0
    cond = _condition(old, "True", "SufficientPods", "", generation, now) if allowed > 0 else \
        _condition(old, "False", "InsufficientPods", "", generation, now)
    return {"conditions": [cond], "currentHealthy": healthy, "desiredHealthy": desired,
            "disruptionsAllowed": allowed, "expectedPods": expected, "observedGeneration": generation}


def matching_pods(objs: ClusterObjects, pdb: Doc, pods: list[Doc] | None = None) -> list[Doc]:
    """The pods of the budget's namespace its selector matches (from ``pods``, else every pod)."""
    selector = (pdb.get("spec") or {}).get("selector")
    if selector is None:
        return []
    ns = pdb["metadata"]["namespace"]
    return [p for p in (objs.docs(schema.BY_KIND["Pod"].store_kind) if pods is None else pods)
            if p["metadata"].get("namespace") == ns and selector_matches(selector, p["metadata"].get("labels") or {})]


def reconcile(tx: Transaction, cluster_id: str) -> None:
    update(objects.open_objects(tx, cluster_id))


def update(objs: ClusterObjects, namespaces: set[str] | None = None,
           pods_of: Callable[[str], list[Doc]] | None = None) -> None:
    """Every budget's status, or only those of ``namespaces`` with their pods from ``pods_of(namespace)``."""
    rt = schema.BY_KIND["PodDisruptionBudget"]
    now = objs.timestamp()
    for pdb in objs.docs(rt.store_kind):
        ns = pdb["metadata"]["namespace"]
        if namespaces is not None and ns not in namespaces:
            continue
        pods = matching_pods(objs, pdb, pods_of(ns) if pods_of is not None else None)
        apiserver.write_status(objs, rt, pdb, pdb_status(objs, pdb, pods, now))


# -- the eviction subresource -------------------------------------------------------------------------------------
TOO_MANY_REQUESTS = "Cannot evict pod as it would violate the pod's disruption budget."
MULTIPLE_BUDGETS = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."


def eviction_refusal(objs: ClusterObjects, pod: Doc, charged: dict[str, int]) -> tuple[int, str] | None:
    """POST pods/eviction (kubernetes ``pkg/registry/core/pod/storage/eviction.go``): None when the pod may be
    evicted (its budget is charged one disruption in ``charged``, by PDB uid, until the controller recomputes the
    status), else (HTTP status, message): 429 while the budget allows no disruption (or its status lags its
    generation), 500 when several budgets select the pod. A pod that is not Ready may go while the budget is met
    (unhealthyPodEvictionPolicy IfHealthyBudget, the default)."""
    rt = schema.BY_KIND["PodDisruptionBudget"]
    ns, labels = pod["metadata"].get("namespace"), pod["metadata"].get("labels") or {}
    budgets = [b for b in objs.docs(rt.store_kind) if b["metadata"].get("namespace") == ns
               and (b.get("spec") or {}).get("selector") is not None
               and selector_matches((b.get("spec") or {})["selector"], labels)]
    if not budgets:
        return None
    if len(budgets) > 1:
        return 500, MULTIPLE_BUDGETS
    pdb = budgets[0]
    st = pdb.get("status") or {}
    current, desired = int(st.get("currentHealthy", 0)), int(st.get("desiredHealthy", 0))
    if not pod_ready(pod) and current >= desired > 0:
        return None
    if int(st.get("observedGeneration", 0)) < int(pdb["metadata"].get("generation", 1)):
        return 429, TOO_MANY_REQUESTS
    uid = str(pdb["metadata"].get("uid", ""))
    allowed = int(st.get("disruptionsAllowed", 0)) - charged.get(uid, 0)
    if allowed <= 0:
        return 429, TOO_MANY_REQUESTS
    charged[uid] = charged.get(uid, 0) + 1
    return None
