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
