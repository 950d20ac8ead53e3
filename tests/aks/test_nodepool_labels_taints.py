"""``az aks nodepool add --labels/--node-taints``: the pool profile shows them, the pool's Nodes carry them,
the scheduler keeps pods without a toleration off tainted nodes, and a malformed taint is refused as az's
validate_nodepool_taints refuses it (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _ok(*args: str, stdin: str | None = None) -> str:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, r.err
    return r.out


def _cluster() -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    _ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--generate-ssh-keys", "-o", "none")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")


def test_labels_and_taints_reach_nodes_and_scheduler(home: Path) -> None:
    _cluster()
    pool = json.loads(_ok("az", "aks", "nodepool", "add", "-g", "rg", "--cluster-name", "c", "-n", "gpu",
                          "--node-count", "2", "--labels", "sku=gpu", "team=ml", "--node-taints",
                          "sku=gpu:NoSchedule,dedicated=ml:NoExecute", "-o", "json"))
    assert pool["nodeLabels"] == {"sku": "gpu", "team": "ml"}
    assert pool["nodeTaints"] == ["sku=gpu:NoSchedule", "dedicated=ml:NoExecute"]
    nodes = json.loads(_ok("kubectl", "get", "nodes", "-l", "sku=gpu", "-o", "json"))["items"]
    assert len(nodes) == 2
    assert all(n["metadata"]["labels"]["team"] == "ml" for n in nodes)
    assert nodes[0]["spec"]["taints"] == [{"effect": "NoSchedule", "key": "sku", "value": "gpu"},
                                          {"effect": "NoExecute", "key": "dedicated", "value": "ml"}]
    _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=3")
    placed = _ok("kubectl", "get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.nodeName}").split()
    assert placed and not any("gpu" in n for n in placed)
    tolerating = """apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  nodeSelector: {sku: gpu}
  tolerations:
  - {key: sku, operator: Equal, value: gpu, effect: NoSchedule}
  - {key: dedicated, operator: Exists}
  containers: [{name: t, image: busybox}]
"""
    _ok("kubectl", "apply", "-f", "-", stdin=tolerating)
    assert "gpu" in _ok("kubectl", "get", "pod", "trainer", "-o", "jsonpath={.spec.nodeName}")


@pytest.mark.parametrize("taint", ["sku=gpu:Nope", "sku:NoSchedule", "=gpu:NoSchedule", "sku=gpu"])
def test_malformed_taint_is_refused_and_changes_nothing(home: Path, taint: str) -> None:
    _cluster()
    before = _ok("az", "aks", "show", "-g", "rg", "-n", "c", "-o", "json")
    r = run_cli("az", "aks", "nodepool", "add", "-g", "rg", "--cluster-name", "c", "-n", "bad", "--node-taints",
                taint)
    assert r.code == 2 and r.err.strip() == f"ERROR: Invalid node taint: {taint}"
    assert _ok("az", "aks", "show", "-g", "rg", "-n", "c", "-o", "json") == before
