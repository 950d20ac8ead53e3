"""``kubectl taint``: kubectl's parsing and messages, and what the taints do (TaintToleration for new pods,
NoExecute eviction of pods that do not tolerate it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.kube.helpers import kubectl, pods, setup_cluster

N0 = "aks-nodepool1-12345678-vmss000000"
N1 = "aks-nodepool1-12345678-vmss000001"


@pytest.fixture
def cluster(home: Path) -> str:
    return setup_cluster(nodes=2)


def _taints(node: str) -> list[dict[str, str]]:
    out = kubectl("get", "node", node, "-o", "jsonpath={.spec.taints}").out
    return json.loads(out) if out else []


@pytest.mark.parametrize(("args", "err"), [
    (["bad:Foo"], "error: invalid taint effect: Foo, unsupported taint effect\n"),
    (["a=b=c:NoSchedule"], "error: invalid taint spec: a=b=c:NoSchedule\n"),
    (["a=b"], "error: invalid taint spec: a=b, name part must consist of"),
    (["a=-b:NoSchedule"], "error: invalid taint spec: a=-b:NoSchedule, a valid label must be an empty string"),
    (["a=1:NoSchedule", "a=2:NoSchedule"], "error: duplicated taints with the same key and effect: {a 2 NoSchedule"),
    (["nope-"], 'error: taint "nope" not found\n'),
    (["a=1:NoSchedule", "other"], "error: all resources must be specified before taint changes: other\n"),
])
def test_bad_specs_change_nothing(cluster: str, args: list[str], err: str) -> None:
    r = kubectl("taint", "nodes", N0, *args)
    assert r.code == 1 and r.err.startswith(err)
    assert _taints(N0) == []


def test_taint_overwrite_untaint(cluster: str) -> None:
    assert kubectl("taint", "nodes", N0, "sku=gpu:NoSchedule").out == f"node/{N0} tainted\n"
    r = kubectl("taint", "nodes", N0, "sku=cpu:NoSchedule")
    assert r.code == 1 and r.err == (f"error: node {N0} already has sku taint(s) with same effect(s) and "
                                     "--overwrite is false\n")
    assert kubectl("taint", "nodes", N0, "sku=cpu:NoSchedule", "--overwrite").out == f"node/{N0} modified\n"
    assert _taints(N0) == [{"effect": "NoSchedule", "key": "sku", "value": "cpu"}]
    assert kubectl("taint", "node", N0, "sku-").out == f"node/{N0} untainted\n"
    assert _taints(N0) == []
    assert kubectl("taint", "pods", "x", "a=b:NoSchedule").err == (
        "error: invalid resource type pods, only node types are supported\n")


def test_no_schedule_keeps_new_pods_off(cluster: str) -> None:
    kubectl("taint", "nodes", N0, "sku=gpu:NoSchedule")
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4").code == 0
    assert {p["spec"]["nodeName"] for p in pods(cluster) if p["metadata"]["name"].startswith("web-")} == {N1}


def test_no_execute_evicts_and_controllers_replace(cluster: str) -> None:
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4").code == 0
    assert {p["spec"]["nodeName"] for p in pods(cluster)} == {N0, N1}
    assert kubectl("taint", "nodes", N0, "drain=now:NoExecute").out == f"node/{N0} tainted\n"
    web = [p for p in pods(cluster) if p["metadata"]["name"].startswith("web-")]
    assert len(web) == 4 and {p["spec"]["nodeName"] for p in web} == {N1}
    # DaemonSet pods of kube-system tolerate every taint and stay
    assert any(p["spec"].get("nodeName") == N0 for p in pods(cluster, "kube-system"))
    assert "timeAdded" in _taints(N0)[0]
