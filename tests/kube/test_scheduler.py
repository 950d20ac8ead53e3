"""The scheduler: spread over nodes, maxPods (system pods count), Pending with kubectl's event text,
nodeSelector and taints."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from aksnet.twin.kube.scheduler import failure_message
from tests.kube.helpers import kubectl, pods, setup_cluster


@pytest.mark.parametrize(("total", "reasons", "want"), [
    pytest.param(2, {"Too many pods": 2}, "0/2 nodes are available: 2 Too many pods. preemption: 0/2 nodes are "
                 "available: 2 No preemption victims found for incoming pod.", id="too-many"),
    pytest.param(3, {"node(s) didn't match Pod's node affinity/selector": 1, "Too many pods": 2},
                 "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Too many pods. "
                 "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption "
                 "victims found for incoming pod.", id="sorted-reasons"),
    pytest.param(0, {}, "no nodes available to schedule pods", id="no-nodes"),
])
def test_failure_message(total: int, reasons: dict[str, int], want: str) -> None:
    assert failure_message(total, reasons) == want


def test_spread_across_nodes(home: Path) -> None:
    cid = setup_cluster(nodes=3)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=6")
    per_node = Counter(p["spec"]["nodeName"] for p in pods(cid))
    assert sorted(per_node.values()) == [2, 2, 2]


def test_max_pods_counts_system_pods_and_pending_event(home: Path) -> None:
    cid = setup_cluster(plugin="azure", nodes=2, max_pods=10)
    system = [p for p in pods(cid, "kube-system")]
    assert len(system) == 17  # 7 Deployment pods + 5 DaemonSets x 2 nodes
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=5")
    web = pods(cid)
    running = [p for p in web if p["spec"].get("nodeName")]
    pending = [p for p in web if not p["spec"].get("nodeName")]
    assert len(running) == 3 and len(pending) == 2
    out = kubectl("describe", "pod", pending[0]["metadata"]["name"]).out
    assert "Warning  FailedScheduling" in out
    assert "0/2 nodes are available: 2 Too many pods." in out
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}").out == "3"
    st = kubectl("get", "pods", "--field-selector=status.phase=Pending", "-o", "name").out.split()
    assert len(st) == 2


def test_node_selector_and_taints(home: Path, tmp_path: Path) -> None:
    cid = setup_cluster(nodes=2, taints=[{"key": "sku", "value": "gpu", "effect": "NoSchedule"}])
    f = tmp_path / "p.yaml"
    f.write_text("""apiVersion: v1
kind: Pod
metadata: {name: plain}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tolerant}
spec:
  tolerations: [{key: sku, operator: Equal, value: gpu, effect: NoSchedule}]
  nodeSelector: {kubernetes.io/hostname: aks-nodepool1-12345678-vmss000001}
  containers: [{name: c, image: nginx}]
""")
    assert kubectl("apply", "-f", str(f)).code == 0
    by = {p["metadata"]["name"]: p for p in pods(cid)}
    assert "nodeName" not in by["plain"]["spec"]
    msg = by["plain"]["status"]["conditions"][0]["message"]
    assert msg.startswith("0/2 nodes are available: 2 node(s) had untolerated taint {sku: gpu}.")
    assert by["tolerant"]["spec"]["nodeName"] == "aks-nodepool1-12345678-vmss000001"
    # DaemonSets tolerate everything (AKS's system DaemonSets), so they still run on tainted nodes
    assert len([p for p in pods(cid, "kube-system") if p["metadata"]["name"].startswith("kube-proxy-")]) == 2


def test_pods_of_removed_nodes_are_replaced(home: Path) -> None:
    from aksnet.cli.common import command_transaction
    from aksnet.twin.controller_manager import reconcile_cluster
    from aksnet.twin.kube_store import cluster_scope

    cid = setup_cluster(nodes=2)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4")
    with command_transaction() as tx:
        tx.delete("k8s:core/Node", "aks-nodepool1-12345678-vmss000001", cluster_scope(cid))
        reconcile_cluster(tx, cid)
    web = pods(cid)
    assert len(web) == 4 and {p["spec"]["nodeName"] for p in web} == {"aks-nodepool1-12345678-vmss000000"}


def test_cordon_drain_uncordon(home: Path) -> None:
    cid = setup_cluster(nodes=2)
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=4")
    node = "aks-nodepool1-12345678-vmss000000"
    assert kubectl("cordon", node).out == f"node/{node} cordoned\n"
    assert "SchedulingDisabled" in kubectl("get", "node", node).out
    r = kubectl("drain", node)
    assert r.code == 1 and "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in r.err
    r = kubectl("drain", node, "--ignore-daemonsets")
    assert r.code == 0 and r.out.endswith(f"node/{node} drained\n") and "evicting pod default/web-" in r.out
    assert {p["spec"]["nodeName"] for p in pods(cid)} == {"aks-nodepool1-12345678-vmss000001"}
    assert len(pods(cid)) == 4
    assert kubectl("uncordon", node).out == f"node/{node} uncordoned\n"
    assert kubectl("wait", "--for=condition=available", "deployment/web").out == \
        "deployment.apps/web condition met\n"
    r = kubectl("wait", "--for=jsonpath={.status.readyReplicas}=5", "deployment/web")
    assert r.code == 1 and "timed out waiting for the condition on deployments/web" in r.err


def test_node_name_on_full_node_is_rejected_by_kubelet(home: Path, tmp_path: Path) -> None:
    cid = setup_cluster(plugin="azure", nodes=1, max_pods=10)  # 7 + 5 system pods > 10: node already full
    f = tmp_path / "p.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: pinned}\nspec:\n  nodeName: "
                 "aks-nodepool1-12345678-vmss000000\n  containers: [{name: c, image: nginx}]\n")
    kubectl("apply", "-f", str(f))
    pod = next(p for p in pods(cid) if p["metadata"]["name"] == "pinned")
    assert pod["status"]["phase"] == "Failed" and pod["status"]["reason"] == "OutOfpods"
    assert "OutOfpods" in kubectl("get", "pod", "pinned").out


def test_insufficient_cpu(home: Path, tmp_path: Path) -> None:
    from aksnet.cli.common import command_transaction
    from aksnet.twin.kube_store import cluster_scope

    cid = setup_cluster(nodes=2)
    with command_transaction() as tx:
        for n in tx.list("k8s:core/Node", cluster_scope(cid)):
            n["status"]["allocatable"].update({"cpu": "1900m", "memory": "5Gi"})
            tx.put("k8s:core/Node", n["metadata"]["name"], n, cluster_scope(cid))
    f = tmp_path / "p.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: hungry}\nspec:\n  containers:\n"
                 "  - {name: c, image: nginx, resources: {requests: {cpu: '2'}}}\n")
    kubectl("apply", "-f", str(f))
    out = kubectl("describe", "pod", "hungry").out
    assert "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption " \
           "victims found for incoming pod." in out
