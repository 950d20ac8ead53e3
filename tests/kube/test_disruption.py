"""The disruption controller's PodDisruptionBudget status (pkg/controller/disruption): expected pods, desired and
current healthy, allowed disruptions for minAvailable/maxUnavailable as ints and percents (rounded up), and the
fail-safe when a pod's controller has no scale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.kube.helpers import kubectl, setup_cluster

WEB = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: busybox}]}
"""


@pytest.mark.parametrize(("spec", "want"), [
    # (expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, condition reason)
    ({"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}}, (3, 2, 3, 1, "SufficientPods")),
    ({"minAvailable": 3, "selector": {"matchLabels": {"app": "web"}}}, (3, 3, 3, 0, "InsufficientPods")),
    ({"minAvailable": 5, "selector": {"matchLabels": {"app": "web"}}}, (3, 5, 3, 0, "InsufficientPods")),
    ({"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}, (3, 2, 3, 1, "SufficientPods")),
    ({"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}}, (3, 2, 3, 1, "SufficientPods")),
    ({"maxUnavailable": "34%", "selector": {"matchLabels": {"app": "web"}}}, (3, 1, 3, 2, "SufficientPods")),
    ({"maxUnavailable": "0%", "selector": {"matchLabels": {"app": "web"}}}, (3, 3, 3, 0, "InsufficientPods")),
    ({"maxUnavailable": 5, "selector": {"matchLabels": {"app": "web"}}}, (3, 0, 3, 3, "SufficientPods")),
    ({"minAvailable": 1, "selector": {"matchLabels": {"app": "none"}}}, (0, 1, 0, 0, "InsufficientPods")),
    ({"minAvailable": 0, "selector": {"matchLabels": {"app": "none"}}}, (0, 0, 0, 0, "InsufficientPods")),
    ({"minAvailable": 1}, (0, 1, 0, 0, "InsufficientPods")),  # no selector: no pods
    ({"minAvailable": 1, "selector": {"matchLabels": {"app": "agent"}}}, (2, 1, 2, 1, "SufficientPods")),
    # a DaemonSet has no scale: percent and maxUnavailable need it, so the sync fails safe
    ({"maxUnavailable": 1, "selector": {"matchLabels": {"app": "agent"}}}, (0, 0, 0, 0, "SyncFailed")),
], ids=["min-int", "min-all", "min-above-pods", "min-percent-rounds-up", "max-int", "max-percent-rounds-up",
        "max-zero-percent", "max-above-scale", "no-pods", "no-pods-min-zero", "no-selector", "daemonset-min-int",
        "daemonset-max-fails-safe"])
def test_pdb_status(home: Path, tmp_path: Path, spec: dict[str, Any], want: tuple[int, int, int, int, str]) -> None:
    setup_cluster(plugin="azure")
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "b"}, "spec": spec}
    (tmp_path / "w.yaml").write_text(WEB + "---\n" + json.dumps(pdb))
    assert kubectl("apply", "-f", str(tmp_path / "w.yaml")).code == 0
    st = json.loads(kubectl("get", "pdb", "b", "-o", "json").out)["status"]
    got = (st["expectedPods"], st["desiredHealthy"], st["currentHealthy"], st["disruptionsAllowed"],
           st["conditions"][0]["reason"])
    assert got == want
    assert kubectl("get", "pdb", "b").out.splitlines()[1].split()[3] == str(want[3])


def test_pdb_status_follows_scale(home: Path, tmp_path: Path) -> None:
    setup_cluster(plugin="azure")
    (tmp_path / "w.yaml").write_text(WEB + "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n"
                                     "metadata: {name: b}\nspec: {maxUnavailable: 1, selector: {matchLabels: "
                                     "{app: web}}}\n")
    assert kubectl("apply", "-f", str(tmp_path / "w.yaml")).code == 0
    assert kubectl("scale", "deployment", "web", "--replicas=5").code == 0
    st = json.loads(kubectl("get", "pdb", "b", "-o", "json").out)["status"]
    assert (st["expectedPods"], st["disruptionsAllowed"], st["observedGeneration"]) == (5, 1, 1)


N0, N1 = "aks-nodepool1-12345678-vmss000000", "aks-nodepool1-12345678-vmss000001"


def _budget(spec: str) -> str:
    return f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec: {spec}\n"


@pytest.mark.parametrize(("nodes", "budget", "extra", "code", "want"), [
    # the budget allows one eviction at a time: the second is refused, retried once the replacement is ready
    (2, "{minAvailable: 3, selector: {matchLabels: {app: web}}}", [], 0,
     "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."),
    (2, "{maxUnavailable: 0, selector: {matchLabels: {app: web}}}", ["--timeout=90s"], 1,
     "global timeout reached: 1m30s"),
    (2, "{maxUnavailable: 0, selector: {matchLabels: {app: web}}}", [], 1,
     "would retry this eviction forever"),
    # one node: the replacements cannot be scheduled anywhere, so the budget never recovers
    (1, "{minAvailable: 4, selector: {matchLabels: {app: web}}}", ["--timeout=30s"], 1,
     "global timeout reached: 30s"),
    (2, "{maxUnavailable: 4, selector: {matchLabels: {app: web}}}", [], 0, ""),
], ids=["retried-until-replaced", "never-allowed-timeout", "never-allowed-forever", "nowhere-to-go", "no-limit"])
def test_drain_honours_the_budget(home: Path, nodes: int, budget: str, extra: list[str], code: int,
                                  want: str) -> None:
    setup_cluster(nodes=nodes)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4")
    assert kubectl("apply", "-f", "-", stdin=_budget(budget)).code == 0
    r = kubectl("drain", N0, "--ignore-daemonsets", *extra)
    assert r.code == code, (r.out, r.err)
    assert want in (r.err if want else "") and (code == 1 or r.out.endswith(f"node/{N0} drained\n"))
    if code == 0:
        st = json.loads(kubectl("get", "pods", "-l", "app=web", "-o", "json").out)["items"]
        assert len(st) == 4 and {p["spec"]["nodeName"] for p in st} == {N1}


def test_two_budgets_refuse_the_eviction(home: Path) -> None:
    setup_cluster(nodes=2)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2")
    two = _budget("{maxUnavailable: 1, selector: {matchLabels: {app: web}}}")
    two += "---\n" + two.replace("name: web", "name: web2")
    assert kubectl("apply", "-f", "-", stdin=two).code == 0
    r = kubectl("drain", N0, "--ignore-daemonsets", "--timeout=10s")
    assert r.code == 1
    assert "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." in r.err
