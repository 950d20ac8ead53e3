"""The real data plane: namespaces, nftables and the echo agent, probed with real packets and compared with
trace. Skips (with the reason) only where network namespaces cannot be made. Teardown always runs down."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aksnet.analyses.trace import trace
from aksnet.dataplane import apply, names, probe, record, verify
from aksnet.dataplane.cleanup import down
from aksnet.dataplane.plan import build_plan
from aksnet.engine.addressing import Topology
from aksnet.model import k8s
from tests.dataplane.realnet import built, host_snapshot, our_etc, our_netns, requires_dataplane
from tests.dataplane.test_plan_golden import CASES
from tests.dataplane.twins import kubenet_twin, with_session_affinity

pytestmark = [pytest.mark.dataplane, requires_dataplane]


@pytest.mark.parametrize("case", sorted(CASES), ids=sorted(CASES))
def test_probe_agrees_with_trace_everywhere(case: str, tmp_path: Path) -> None:
    twin = CASES[case]()
    with built(tmp_path, twin) as (tag, _):
        topo = Topology.build(twin)
        rep = verify.run_checks(topo, tag, verify.checks_for(topo, exhaustive=True))
        assert rep.checks > 10
        found = {(d.check.source, d.check.destination, d.check.port) for d in rep.disagreements}
        assert found == set(), verify.report_text(rep)


def test_host_namespace_is_untouched_and_down_removes_everything(tmp_path: Path) -> None:
    before = host_snapshot()
    with built(tmp_path, kubenet_twin()) as (tag, plan):
        assert set(our_netns(tag)) == {u.netns for u in plan.units}
        assert our_etc(tag)  # per-pod resolv.conf directories exist while up
        assert host_snapshot() == before
    assert host_snapshot() == before
    assert our_netns(tag) == [] and our_etc(tag) == []


@pytest.mark.parametrize("route_table,delivered", [(True, True), (False, False)], ids=["udr", "no-route-table"])
def test_kubenet_cross_node_needs_the_route_table(tmp_path: Path, route_table: bool, delivered: bool) -> None:
    twin = kubenet_twin(route_table=route_table)
    with built(tmp_path, twin) as (tag, _):
        topo = Topology.build(twin)
        planned = probe.plan_flows(topo, tag, "pod/web-00", "pod/web-10", 80, "TCP", "default")
        results = probe.send_many(planned.flows)
        assert [r.delivered for r in results] == [delivered]
        if delivered:
            assert "client_ip=10.244.0.10" in results[0].answer and "pod=default/web-10" in results[0].answer


def test_nsg_decides_internet_to_load_balancer(tmp_path: Path) -> None:
    from tests.dataplane.twins import allow_http_rule

    for rules, want in (((), False), ((allow_http_rule(),), True)):
        twin = kubenet_twin(nsg_rules=rules)
        home = tmp_path / str(want)
        with built(home, twin) as (tag, _):
            topo = Topology.build(twin)
            planned = probe.plan_flows(topo, tag, "internet", "20.1.1.2", 80, "TCP", "default")
            assert [r.delivered for r in probe.send_many(planned.flows)] == [want]


def test_up_is_incremental(tmp_path: Path) -> None:
    tag = names.workspace_tag(tmp_path)
    small, bigger = kubenet_twin(pods_per_node=1), kubenet_twin(pods_per_node=2)
    try:
        with record.opened(tmp_path, tag) as st:
            first = apply.apply_plan(tmp_path, build_plan(small, tag), st)
            agent_pid = [p.pid for p in st.processes if p.role == "agent"]
            again = apply.apply_plan(tmp_path, build_plan(small, tag), st)
            grown = apply.apply_plan(tmp_path, build_plan(bigger, tag), st)
            # new pods: the running agent opens their sockets (SIGHUP), no restart of every namespace's
            assert [p.pid for p in st.processes if p.role == "agent"] == agent_pid and grown.agent_restarted
            topo = Topology.build(bigger)
            planned = probe.plan_flows(topo, tag, "pod/web-00", "pod/web-11", 80, "TCP", "default")
            assert [r.delivered for r in probe.send_many(planned.flows)] == [True]
            deny = (k8s.NetworkPolicy("default", "deny-all", k8s.LabelSelector(), ("Ingress",)),)
            policed = apply.apply_plan(tmp_path, build_plan(kubenet_twin(pods_per_node=2, policies=deny), tag), st)
            as_nodeport = apply.apply_plan(tmp_path, build_plan(kubenet_twin(pods_per_node=2, policies=deny,
                                                                             lb=False), tag), st)
        assert len(first.created) == 8 and again.created == [] and again.nft_applied == []
        assert sorted(grown.created) == ["pod/default/web-01", "pod/default/web-11"] and grown.removed == []
        # a new policy, a Service changing type: rulesets reapplied, no namespace rebuilt
        assert policed.created == policed.removed == [] and len(policed.nft_applied) == 2
        assert as_nodeport.created == as_nodeport.removed == [] and as_nodeport.nft_applied
    finally:
        down(tmp_path, tag)
    assert our_netns(tag) == []


_KILL_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.dataplane.twins import kubenet_twin
from aksnet.dataplane import apply, names
from aksnet.dataplane.plan import build_plan
from aksnet.dataplane import record
home = Path({home!r}); tag = names.workspace_tag(home)
plan = build_plan(kubenet_twin(pods_per_node=25, nodes=2), tag)
print("start", flush=True)
with record.opened(home, tag) as state:
    apply.apply_plan(home, plan, state)
"""


def test_down_after_up_killed_half_way(tmp_path: Path) -> None:
    tag = names.workspace_tag(tmp_path)
    root = str(Path(__file__).resolve().parents[2])
    before = host_snapshot()
    p = subprocess.Popen([sys.executable, "-c", _KILL_SCRIPT.format(root=root, home=str(tmp_path))],
                         stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": root + "/src"})
    try:
        assert p.stdout is not None and p.stdout.readline().strip() == "start"
        deadline = time.monotonic() + 20
        while len(our_netns(tag)) < 12 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
        assert our_netns(tag), "up was killed before it created anything"
    finally:
        down(tmp_path, tag)
    assert our_netns(tag) == [] and our_etc(tag) == []
    assert host_snapshot() == before


@pytest.mark.parametrize("affinity", [True, False])
def test_session_affinity_client_ip(tmp_path: Path, affinity: bool) -> None:
    """kube-proxy's ``affinity-…`` sets: with random balancing, a client keeps its endpoint under
    ``sessionAffinity: ClientIP`` (and spreads over the endpoints without it); with the deterministic balancing
    verify uses, every client lands on the endpoint the twin picks for it."""
    base = kubenet_twin(nodes=2, pods_per_node=2)
    twin = with_session_affinity(base) if affinity else base
    topo = Topology.build(twin)
    clients = [f"pod/default/web-{i}{j}" for i in range(2) for j in range(2)]
    with built(tmp_path / "random", twin, balance="random") as (tag, _):
        for src in clients:
            flows = probe.plan_flows(topo, tag, src, "10.32.0.50", 80, "TCP", "default").flows * 12
            answered = {next(x for x in r.answer if x.startswith("pod=")) for r in probe.send_many(flows, workers=1)}
            assert (len(answered) == 1) == affinity, (src, answered)
    with built(tmp_path / "first", twin) as (tag, _):
        for src in clients:
            want = trace(topo, src, "10.32.0.50", 80).deciding.backend
            assert want is not None
            (r,) = probe.send_many(probe.plan_flows(topo, tag, src, "10.32.0.50", 80, "TCP", "default").flows)
            assert f"pod={want.name}" in r.answer, (src, want.name, r.answer)
