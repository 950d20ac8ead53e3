"""The scheduler's indexes give exactly what evaluating every node for every pod gives: DaemonSet pods
(pinned with matchFields metadata.name) are checked against their node only, other pods pick from a lazy
heap of the score key; FailedScheduling still counts every node's first failing filter."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from aksnet.twin.kube import scheduler
from aksnet.twin.kube.scheduler import NodeState, pinned_nodes, schedule_pod

Doc = dict[str, Any]


def _affinity(*terms: list[Doc]) -> Doc:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": t} for t in terms]}}}}


@pytest.mark.parametrize(("spec", "want"), [
    pytest.param({}, None, id="no-affinity"),
    pytest.param(_affinity([{"key": "metadata.name", "operator": "In", "values": ["n1"]}]), {"n1"},
                 id="daemonset-pin"),
    pytest.param(_affinity([{"key": "metadata.name", "operator": "In", "values": ["n1"]}],
                           [{"key": "metadata.name", "operator": "In", "values": ["n2", "n3"]}]), {"n1", "n2", "n3"},
                 id="terms-are-ored"),
    pytest.param(_affinity([{"key": "metadata.name", "operator": "In", "values": ["n1", "n2"]},
                            {"key": "metadata.name", "operator": "In", "values": ["n2"]}]), {"n2"},
                 id="fields-are-anded"),
    pytest.param(_affinity([{"key": "metadata.name", "operator": "In", "values": ["n1"]}],
                           [{"key": "metadata.name", "operator": "NotIn", "values": ["n2"]}]), None,
                 id="a-term-without-in-allows-any-node"),
])
def test_pinned_nodes(spec: Doc, want: set[str] | None) -> None:
    got = pinned_nodes(spec)
    assert (None if got is None else set(got)) == want


def _oracle(pod: Doc, states: list[NodeState]) -> tuple[NodeState | None, dict[str, int]]:
    """Every node, every filter (kube-scheduler without shortcuts), then the lowest score key."""
    owner = next((r.get("uid", "") for r in pod["metadata"].get("ownerReferences") or []), "")
    fits, reasons = [], {}
    for st in states:
        why = st.filter(pod)
        if why is None:
            fits.append(st)
        else:
            reasons[why] = reasons.get(why, 0) + 1
    if fits:
        return min(fits, key=lambda s: (s.by_owner.get(owner, 0), s.pods, s.index)), {}
    return None, reasons


def _cluster(r: random.Random) -> tuple[list[Doc], list[Doc]]:
    nodes = []
    for i in range(r.randint(0, 7)):
        n: Doc = {"metadata": {"name": f"n{i}", "labels": {"pool": r.choice("ab")}}, "spec": {},
                  "status": {"allocatable": {"pods": str(r.randint(1, 6)), "cpu": r.choice(["1", "2"])}}}
        if r.random() < 0.2:
            n["spec"]["unschedulable"] = True
        if r.random() < 0.2:
            n["spec"]["taints"] = [{"key": "k", "value": "v", "effect": "NoSchedule"}]
        nodes.append(n)
    pods = []
    for i in range(r.randint(0, 30)):
        owner = r.choice(["", "rs-a", "rs-b"])
        spec: Doc = {"containers": [{"name": "c", "image": "nginx",
                                     "resources": {"requests": {"cpu": r.choice(["100m", "700m", "0"])}},
                                     "ports": [{"containerPort": 80, "hostPort": 80}] if r.random() < 0.1 else []}]}
        if r.random() < 0.3:
            spec["nodeSelector"] = {"pool": r.choice("ab")}
        if r.random() < 0.3:
            spec["tolerations"] = [{"key": "k", "operator": "Exists"}]
        if r.random() < 0.3:
            population = [n["metadata"]["name"] for n in nodes] + ["gone"]
            names = r.sample(population, r.randint(1, min(2, len(population))))
            spec.update(_affinity([{"key": "metadata.name", "operator": "In", "values": names}]))
        pods.append({"metadata": {"name": f"p{i}", "ownerReferences": [{"uid": owner}] if owner else []},
                     "spec": spec})
    return nodes, pods


@pytest.mark.parametrize("seed", range(0, 400, 40), ids=lambda s: f"seed{s}")
def test_indexes_match_evaluating_every_node(seed: int) -> None:
    for case in range(seed, seed + 40):
        nodes, pods = _cluster(random.Random(case))
        mine = [NodeState(n, i) for i, n in enumerate(copy.deepcopy(nodes))]
        ref = [NodeState(n, i) for i, n in enumerate(copy.deepcopy(nodes))]
        by_name = {s.name: s for s in mine}
        static: dict[str, Any] = {}
        for pod in pods:
            got, why = schedule_pod(pod, mine, static, by_name)
            want, want_why = _oracle(pod, ref)
            assert (got and got.name, why) == (want and want.name, want_why), (case, pod["metadata"]["name"])
            if got is not None and want is not None:
                got.add(pod)
                want.add(pod)


def test_daemonset_pod_checks_only_its_node(monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = [NodeState({"metadata": {"name": f"n{i}"}, "spec": {}, "status": {}}, i) for i in range(50)]
    calls: list[str] = []
    real = NodeState.static_filter

    def counting(self: NodeState, pod: Doc) -> str | None:
        calls.append(self.name)
        return real(self, pod)

    monkeypatch.setattr(scheduler.NodeState, "static_filter", counting)
    pod = {"metadata": {"name": "ds-x", "ownerReferences": [{"uid": "ds"}]},
           "spec": {"containers": [{"name": "c"}],
                    **_affinity([{"key": "metadata.name", "operator": "In", "values": ["n42"]}])}}
    got, _ = schedule_pod(pod, nodes, {}, {s.name: s for s in nodes})
    assert got is not None and got.name == "n42"
    assert calls == ["n42"]


def test_collector_paused_restores_the_collector() -> None:
    import gc

    from aksnet.twin.kube.objects import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a controller failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
