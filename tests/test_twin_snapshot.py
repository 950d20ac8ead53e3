"""Reads that scale with the question: the workspace's write generation, the decoded-twin snapshot keyed by it,
and ClusterObjects' reads and writes by key (which must agree with the kind loaded whole)."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from aksnet.io import twin_snapshot as snapshot
from aksnet.io.twin_loader import load_twin
from aksnet.io.twin_snapshot import SNAPSHOT_NAME, load_twin_cached
from aksnet.model import k8s
from aksnet.model.twin import ClusterState, Twin
from aksnet.store import Transaction, Workspace
from aksnet.twin.kube.objects import ClusterObjects
from tests.conftest import run_cli

NSG = "microsoft.network/networksecuritygroups"


def _gen(ws: Workspace) -> str:
    with ws.transaction(write=False) as tx:
        return tx.generation()


GENERATION_ROWS: list[tuple[str, Callable[[Transaction], None], bool]] = [
    ("put", lambda tx: tx.put("k", "b", {"v": 2}), True),
    ("replace", lambda tx: tx.put("k", "a", {"v": 9}), True),
    ("delete", lambda tx: tx.delete("k", "a"), True),
    ("delete-missing", lambda tx: tx.delete("k", "zzz"), False),
    ("meta-set", lambda tx: tx.meta_set("x", "1"), True),
    ("meta-delete", lambda tx: tx.meta_delete("m"), True),
    ("clear", lambda tx: tx.clear(), True),
    ("read-only", lambda tx: tx.get("k", "a") and None, False),
]


@pytest.mark.parametrize(("change", "expect_new"), [(r[1], r[2]) for r in GENERATION_ROWS],
                         ids=[r[0] for r in GENERATION_ROWS])
def test_generation_moves_exactly_when_a_command_changed_something(
        tmp_path: Path, change: Callable[[Transaction], None], expect_new: bool) -> None:
    ws = Workspace.open(tmp_path)
    with ws.transaction() as tx:
        tx.put("k", "a", {"v": 1})
        tx.meta_set("m", "1")
    before = _gen(ws)
    with ws.transaction() as tx:
        change(tx)
    assert (_gen(ws) != before) is expect_new
    with pytest.raises(RuntimeError), ws.transaction() as tx:
        tx.put("k", "c", {"v": 3})
        raise RuntimeError("rolled back")
    assert (_gen(ws) != before) is expect_new  # a failed command moves nothing


def test_generation_names_the_workspace(tmp_path: Path) -> None:
    a, b = Workspace.open(tmp_path / "a"), Workspace.open(tmp_path / "b")
    for ws in (a, b):
        with ws.transaction() as tx:
            tx.put("k", "a", {"v": 1})
    assert _gen(a).split(":")[1] == _gen(b).split(":")[1]
    assert _gen(a) != _gen(b)


def _twin(home: Path, cached: bool) -> object:
    ws = Workspace.open(home)
    try:
        with ws.transaction(write=False) as tx:
            return load_twin_cached(tx) if cached else load_twin(tx)
    finally:
        ws.close()


def _vnet(name: str) -> None:
    r = run_cli("az", "network", "vnet", "create", "-g", "rg", "-n", name, "--address-prefixes", "10.0.0.0/16")
    assert r.code == 0, r.err


def test_snapshot_answers_as_the_decoder_and_follows_every_write(home: Path) -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
    _vnet("one")
    assert _twin(home, True) == _twin(home, False)
    snap = home / SNAPSHOT_NAME
    first = snap.read_bytes()
    assert _twin(home, True) == _twin(home, False)
    assert snap.read_bytes() == first  # read from, not rewritten
    assert oct(snap.stat().st_mode & 0o777) == "0o600"
    _vnet("two")
    twin = _twin(home, True)
    assert twin == _twin(home, False)
    assert sorted(v.name for v in twin.vnets) == ["one", "two"]  # type: ignore[attr-defined]
    assert snap.read_bytes() != first


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


def test_snapshot_never_runs_what_the_file_names(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
    _vnet("one")
    _twin(home, True)
    snap = home / SNAPSHOT_NAME
    header = snap.read_bytes().split(b"\n", 2)
    monkeypatch.chdir(tmp_path)
    snap.write_bytes(b"\n".join(header[:2]) + b"\n" + pickle.dumps(_Boom()))
    assert _twin(home, True) == _twin(home, False)
    assert not (tmp_path / "pwned").exists()
    assert snap.read_bytes().split(b"\n", 2)[:2] == header[:2]  # rewritten with the twin


def test_snapshot_of_another_workspace_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    homes = [tmp_path / "a", tmp_path / "b"]
    for i, h in enumerate(homes):
        monkeypatch.setenv("AKSNET_HOME", str(h))
        assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
        _vnet(f"vnet{i}")
        _twin(h, True)
    (homes[1] / SNAPSHOT_NAME).write_bytes((homes[0] / SNAPSHOT_NAME).read_bytes())
    assert [v.name for v in _twin(homes[1], True).vnets] == ["vnet1"]  # type: ignore[attr-defined]


# -- ClusterObjects: by key before the kind is loaded, then the kind loaded whole -----------------------

KIND = "k8s:core/Pod"
ObjOp = Callable[[ClusterObjects], None]


def _mutate_a(o: ClusterObjects) -> None:
    doc = o.get(KIND, "ns/a")
    assert doc is not None
    doc["v"] = 10
    o.touch(KIND, "ns/a")


def _delete_then_put(o: ClusterObjects) -> None:
    assert o.delete(KIND, "ns/a")
    o.put(KIND, "ns/a", {"v": 5})


OBJECT_ROWS: list[tuple[str, ObjOp, dict[str, int]]] = [
    ("get-only", lambda o: o.get(KIND, "ns/a") and None, {"ns/a": 1, "ns/b": 2}),
    ("get-missing", lambda o: o.get(KIND, "ns/zz") and None, {"ns/a": 1, "ns/b": 2}),
    ("mutate-touch", _mutate_a, {"ns/a": 10, "ns/b": 2}),
    ("put-new", lambda o: o.put(KIND, "ns/c", {"v": 3}), {"ns/a": 1, "ns/b": 2, "ns/c": 3}),
    ("put-replace", lambda o: o.put(KIND, "NS/B", {"v": 20}), {"ns/a": 1, "ns/b": 20}),
    ("delete", lambda o: o.delete(KIND, "ns/a") and None, {"ns/b": 2}),
    ("delete-then-put", lambda o: _delete_then_put(o), {"ns/a": 5, "ns/b": 2}),
]


def _seeded(path: Path, scope_id: str) -> Workspace:
    ws = Workspace.open(path)
    with ws.transaction() as tx:
        seed = ClusterObjects(tx, scope_id)
        seed.put(KIND, "ns/a", {"v": 1})
        seed.put(KIND, "ns/b", {"v": 2})
        seed.flush()
    return ws


def _stored(ws: Workspace, scope_id: str, expect: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    with ws.transaction(write=False) as tx:
        by_key = {k: (ClusterObjects(tx, scope_id).get(KIND, k) or {}).get("v", -1) for k in expect}
        whole = {k: d["v"] for k, d in ClusterObjects(tx, scope_id).items(KIND)}
    return by_key, whole


@pytest.mark.parametrize("load_kind_first", [False, True], ids=["flush-by-key", "kind-loaded-after"])
@pytest.mark.parametrize(("op", "expect"), [(r[1], r[2]) for r in OBJECT_ROWS], ids=[r[0] for r in OBJECT_ROWS])
def test_objects_by_key_agree_with_the_kind_loaded(tmp_path: Path, op: ObjOp, expect: dict[str, int],
                                                   load_kind_first: bool) -> None:
    scope_id = "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/managedclusters/c"
    ws = _seeded(tmp_path, scope_id)
    with ws.transaction() as tx:
        objs = ClusterObjects(tx, scope_id)
        op(objs)
        if load_kind_first:
            assert {k: d["v"] for k, d in objs.items(KIND)} == expect
        objs.flush()
    assert _stored(ws, scope_id, expect) == (expect, expect)


# -- sharing equal values in the snapshot ------------------------------------------------------------------

def _pod(name: str, port: int | bool, labels: dict[str, str]) -> k8s.Pod:
    return k8s.Pod("ns", name, labels, ports=(k8s.ContainerPort(port, name="http"),))


def _policy(ns: str) -> k8s.NetworkPolicy:
    rule = k8s.NetworkPolicyRule((k8s.NetworkPolicyPeer(k8s.LabelSelector({"app": "a"})),),
                                 (k8s.NetworkPolicyPort("TCP", 80),))
    return k8s.NetworkPolicy(ns, "p", ingress=(rule,))


def _round_trip(state: ClusterState) -> ClusterState:
    twin = snapshot.loads(snapshot.dumps(Twin(clusters=(state,))))
    assert twin == Twin(clusters=(state,))
    return twin.clusters[0]


SHARE_ROWS: list[tuple[str, ClusterState, Callable[[ClusterState], bool]]] = [
    ("equal-container-ports-one-object",
     ClusterState(None, pods=(_pod("a", 1, {"app": "x"}), _pod("b", 1, {"app": "x"}))),
     lambda s: s.pods[0].ports[0] is s.pods[1].ports[0] and s.pods[0].labels is s.pods[1].labels),
    ("pods-never-merged",
     ClusterState(None, pods=(_pod("a", 1, {"app": "x"}), _pod("a", 1, {"app": "x"}))),
     lambda s: s.pods[0] is not s.pods[1]),
    ("true-and-1-stay-apart",
     ClusterState(None, pods=(_pod("a", True, {"k": "1"}), _pod("b", 1, {"k": "1"}))),
     lambda s: type(s.pods[0].ports[0].container_port) is bool and type(s.pods[1].ports[0].container_port) is int),
    ("rules-of-two-namespaces-stay-apart",  # engine.netpol.classes caches a rule's bits by id(rule)
     ClusterState(None, network_policies=(_policy("a"), _policy("b"))),
     lambda s: s.network_policies[0].ingress[0] is not s.network_policies[1].ingress[0]
     and s.network_policies[0].ingress[0].peers[0] is s.network_policies[1].ingress[0].peers[0]),
]


@pytest.mark.parametrize(("state", "check"), [(r[1], r[2]) for r in SHARE_ROWS], ids=[r[0] for r in SHARE_ROWS])
def test_snapshot_shares_equal_values_only(state: ClusterState, check: Callable[[ClusterState], bool]) -> None:
    assert check(_round_trip(state))
