"""The matrix at scale: output streamed in bounded chunks (complete past every chunk boundary, each write
bounded, a failed write is exit 1), connections produced lazily, and the own-node rules applied per pair
(nodes are separate rows, never a key of every pod class)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from aksnet.analyses.matrix import MatrixPeer, compute_matrix, stream_matrix
from aksnet.cli.matrix import write_chunks
from aksnet.engine.netpol.conns import ConnSet
from aksnet.errors import AksnetError
from aksnet.model.k8s import (
    ContainerPort,
    LabelSelector,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    NetworkPolicyRule,
    Node,
    Pod,
)
from aksnet.model.twin import ClusterState
from aksnet.render import connlist_csv, connlist_dot, connlist_json, connlist_md, connlist_txt

WORKLOADS, REPLICAS = 120, 3  # 120 × 119 workload pairs, 360 pods


def _cluster() -> ClusterState:
    pods = tuple(Pod("default", f"w{j}-{r}", {"app": f"w{j}"}, node_name=f"n{(j + r) % 4}",
                     pod_ip=f"10.1.{j}.{r + 1}", ports=(ContainerPort(8080),), owner_kind="Deployment",
                     owner_name=f"w{j}") for j in range(WORKLOADS) for r in range(REPLICAS))
    return ClusterState(None, (Namespace("default", {}),), tuple(Node(f"n{i}", f"10.240.0.{i + 4}")
                                                                 for i in range(4)), pods)


class _Sink(io.StringIO):
    """Records the size of every write; optionally fails at the N-th."""

    def __init__(self, fail_at: int = 0, error: int = 28) -> None:
        super().__init__()
        self.sizes: list[int] = []
        self.fail_at = fail_at
        self.error = error

    def write(self, s: str) -> int:
        if self.fail_at and len(self.sizes) + 1 == self.fail_at:
            raise OSError(self.error, "No space left on device")
        self.sizes.append(len(s))
        return super().write(s)


RENDERERS = [("txt", connlist_txt, 0), ("csv", connlist_csv, 1), ("md", connlist_md, 2),
             ("json", connlist_json, None), ("dot", connlist_dot, None)]


@pytest.mark.parametrize(("fmt", "module", "header_lines"), RENDERERS, ids=[r[0] for r in RENDERERS])
def test_streamed_output_is_complete_past_every_chunk_boundary(fmt: str, module: Any, header_lines: int | None
                                                               ) -> None:
    chunk = 4096  # stands in for the kernel's per-write() limit: the matrix spans hundreds of chunks
    stream = stream_matrix(_cluster(), "calico")
    sink = _Sink()
    write_chunks(module.render_chunks(stream, chunk), sink)
    out = sink.getvalue()
    pairs = WORKLOADS * (WORKLOADS - 1) + 2 * WORKLOADS  # and to and from the one address range outside
    assert len(sink.sizes) > 100
    assert all(size < chunk + 512 for size in sink.sizes)  # a chunk ends at the first row past the limit
    assert out.endswith("\n")
    assert out == module.render_connlist(compute_matrix(_cluster(), "calico"))  # the same text as all at once
    if fmt == "json":
        assert len(json.loads(out)) == pairs
    elif fmt == "dot":
        assert sum(1 for line in out.splitlines() if " -> " in line) == pairs
    else:
        assert header_lines is not None
        rows = out.splitlines()[header_lines:]
        assert len(rows) == pairs
        assert len(set(rows)) == pairs  # no row written twice across a boundary


def test_a_failed_write_is_an_error_not_a_truncated_success() -> None:
    stream = stream_matrix(_cluster(), "calico")
    with pytest.raises(AksnetError, match="writing the output failed: No space left on device"):
        write_chunks(connlist_txt.render_chunks(stream, 4096), _Sink(fail_at=3))


def test_cli_exits_1_when_stdout_is_full(tmp_path: Path) -> None:
    docs = [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "default"},
             "spec": {"containers": [{"name": "c"}]}, "status": {"podIP": f"10.0.0.{i + 1}", "phase": "Running"}}
            for i in range(40)]
    (tmp_path / "pods.yaml").write_text(yaml.safe_dump_all(docs))
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "aksnet", "matrix", "--from-dir", str(tmp_path)], stdout=full,
                           stderr=subprocess.PIPE, text=True, check=False)
    assert r.returncode == 1
    assert "error: writing the output failed: No space left on device" in r.stderr


def test_connections_are_produced_lazily() -> None:
    calls: list[str] = []

    def path(src: MatrixPeer, dst: MatrixPeer, allowed: ConnSet) -> ConnSet:
        calls.append(src.name)
        return allowed

    stream = stream_matrix(_cluster(), "calico", path=path)
    it = stream.connections()
    first = [next(it) for _ in range(5)]
    assert {c[0].name for c in first} == {"0.0.0.0-255.255.255.255[External]"}
    assert set(calls) == {"0.0.0.0-255.255.255.255[External]"}  # one source row computed, not the matrix
    assert len(calls) == WORKLOADS


# -- own-node rules: a host-network workload and pods, on one node or on several ---------------------------

def _own_node_cluster(pod_nodes: tuple[str, ...], host_nodes: tuple[str, ...]) -> ClusterState:
    pods = [Pod("default", f"web-{i}", {"app": "web"}, node_name=n, pod_ip=f"10.1.0.{i + 1}",
                owner_kind="Deployment", owner_name="web") for i, n in enumerate(pod_nodes)]
    pods += [Pod("kube-system", f"agent-{i}", {"app": "agent"}, node_name=n, host_network=True,
                 host_ip=f"10.240.0.{int(n[1:]) + 4}", pod_ip=f"10.240.0.{int(n[1:]) + 4}", owner_kind="DaemonSet",
                 owner_name="agent") for i, n in enumerate(host_nodes)]
    deny_all = NetworkPolicy("default", "deny", LabelSelector({}), ("Ingress", "Egress"))
    nodes = tuple(Node(f"n{i}", f"10.240.0.{i + 4}") for i in range(3))
    return ClusterState(None, (Namespace("default", {}), Namespace("kube-system", {})), nodes, tuple(pods),
                        network_policies=(deny_all,))


OWN_NODE = [
    # (pod nodes, host-network nodes, engine, web → agent, agent → web)
    ("same-node-upstream", ("n0", "n0"), ("n0",), "upstream", "All Connections", "All Connections"),
    ("same-node-calico", ("n0",), ("n0",), "calico", None, "All Connections"),
    ("two-nodes-upstream", ("n0", "n1"), ("n0", "n1"), "upstream", None, None),
    ("other-node-upstream", ("n1",), ("n0",), "upstream", None, None),
]


@pytest.mark.parametrize(("pod_nodes", "host_nodes", "engine", "out", "back"), [r[1:] for r in OWN_NODE],
                         ids=[r[0] for r in OWN_NODE])
def test_own_node_rules_apply_to_the_pairs_on_one_node(pod_nodes: tuple[str, ...], host_nodes: tuple[str, ...],
                                                       engine: str, out: str | None, back: str | None) -> None:
    r = compute_matrix(_own_node_cluster(pod_nodes, host_nodes), engine, all_ports=True)
    got = {(s.name, d.name): str(c) for s, d, c in r.connections}
    assert got.get(("default/web[Deployment]", "kube-system/agent[DaemonSet]")) == out
    assert got.get(("kube-system/agent[DaemonSet]", "default/web[Deployment]")) == back


# -- shared sides and rows: the memo's bound changes what is shared, never an answer -------------------------

def _policy_cluster() -> ClusterState:
    """Workloads in two tiers; policies that select the same classes share egress rows and ingress columns."""
    pods = tuple(Pod("default", f"w{j}-0", {"app": f"w{j}", "tier": f"t{j % 2}"}, node_name="n0",
                     pod_ip=f"10.1.{j}.1", ports=(ContainerPort(8080, name="http"),), owner_kind="Deployment",
                     owner_name=f"w{j}") for j in range(24))
    rule = NetworkPolicyRule((NetworkPolicyPeer(LabelSelector({"tier": "t0"})),),
                             (NetworkPolicyPort("TCP", "http"), NetworkPolicyPort("UDP", 53)))
    pols = tuple(NetworkPolicy("default", f"p{j}", LabelSelector({"app": f"w{j}"}), ("Ingress", "Egress"),
                               ingress=(rule,) if j % 3 else (), egress=(rule,) if j % 4 else ())
                 for j in range(0, 24, 2))
    return ClusterState(None, (Namespace("default", {}),), (Node("n0", "10.240.0.4"),), pods, network_policies=pols)


@pytest.mark.parametrize("cells", [1, 40, 1 << 24], ids=["forget-always", "forget-often", "default"])
def test_memo_bound_keeps_the_answers(monkeypatch: pytest.MonkeyPatch, cells: int) -> None:
    from aksnet.engine.netpol import class_rows, classes

    want = [[str(c) for c in row] for row in classes.connectivity(_policy_cluster(), "calico").rows]
    monkeypatch.setattr(class_rows, "MEMO_CELLS", cells)
    got = [[str(c) for c in row] for row in classes.connectivity(_policy_cluster(), "calico").rows]
    assert got == want
    assert any(c != "All Connections" for row in got for c in row)  # the policies do isolate


# -- the peers -o dot declares: read per distinct row, a peer reached only by itself is not one ---------------

def _self_only(*apps: str, selector_key: str = "app") -> ClusterState:
    """Workloads a, b, c (tier t for a and b); each of ``apps`` talks only to the pods its selector picks."""
    pods = tuple(Pod("default", f"{w}-0", {"app": w, "tier": "t" if w in "ab" else "u"}, node_name="n0",
                     pod_ip=f"10.1.0.{i + 1}", owner_kind="Deployment", owner_name=w) for i, w in enumerate("abc"))
    pols = []
    for w in apps:
        sel = LabelSelector({selector_key: w if selector_key == "app" else "t"})
        rule = NetworkPolicyRule((NetworkPolicyPeer(sel),))
        pols.append(NetworkPolicy("default", f"only-{w}", LabelSelector({"app": w}), ("Ingress", "Egress"),
                                  ingress=(rule,), egress=(rule,)))
    return ClusterState(None, (Namespace("default", {}),), (Node("n0", "10.240.0.4"),), pods,
                        network_policies=tuple(pols))


SELF_ONLY = [
    # (id, cluster, peers absent from every line)
    ("a-reaches-only-itself", _self_only("a"), {"default/a[Deployment]"}),
    ("a-and-b-each-only-itself", _self_only("a", "b"), {"default/a[Deployment]", "default/b[Deployment]"}),
    ("a-and-b-reach-each-other", _self_only("a", "b", selector_key="tier"), set()),
    ("no-policy", _self_only(), set()),
]


@pytest.mark.parametrize(("cluster", "absent"), [r[1:] for r in SELF_ONLY], ids=[r[0] for r in SELF_ONLY])
def test_dot_declares_the_peers_on_some_line(cluster: ClusterState, absent: set[str]) -> None:
    lines = compute_matrix(cluster, "upstream", all_ports=True).lines()
    names = {n for s, d, _ in lines for n in (s, d)}
    assert not names & absent
    assert stream_matrix(cluster, "upstream", all_ports=True).line_names() == names
    assert connlist_dot.render_connlist(stream_matrix(cluster, "upstream", all_ports=True)) == \
        connlist_dot.render_connlist(compute_matrix(cluster, "upstream", all_ports=True))
