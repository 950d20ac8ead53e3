"""Controllers run only when a command changed something they read: a write of a kind no controller watches,
on a workspace the controllers had converged on, runs none of them (fully or incrementally) and leaves what a
full run would leave."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aksnet.cli.common import command_transaction
from aksnet.store import Transaction
from aksnet.twin import controller_manager
from aksnet.twin.controller_manager import UNWATCHED_KINDS, reconcile_cluster
from aksnet.twin.kube import objects
from aksnet.twin.kube_store import cluster_scope
from tests.kube.helpers import kubectl, setup_cluster
from tests.kube.test_incremental_equivalence import SERVICES, deployment_yaml

APP = deployment_yaml(replicas=2) + "---\n" + SERVICES + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {a: b}
"""


def _policy(name: str) -> str:
    return (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: default}}\n"
            "spec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n")


@pytest.fixture
def runs(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A cluster with a workload, Services and a policy; yields the list of controller runs (one entry per
    controller called), counted from here on."""
    setup_cluster()
    assert kubectl("apply", "-f", "-", stdin=APP + "---\n" + _policy("first")).code == 0
    calls: list[str] = []

    def counted(fn: Callable[[Transaction, str], None]) -> Callable[[Transaction, str], None]:
        @functools.wraps(fn)  # the incremental passes find a controller's own pass through __wrapped__
        def run(tx: Transaction, cid: str) -> None:
            calls.append(fn.__module__)
            fn(tx, cid)
        return run

    monkeypatch.setattr(controller_manager, "CONTROLLERS", tuple(counted(f) for f in controller_manager.CONTROLLERS))
    real_incremental = controller_manager._reconcile_incremental

    def incremental(tx: Transaction, cid: str, *rest: Any) -> None:
        calls.append("incremental")  # the controllers' incremental passes (tests/kube/test_incremental_equivalence.py)
        real_incremental(tx, cid, *rest)
    monkeypatch.setattr(controller_manager, "_reconcile_incremental", incremental)
    yield calls


def _state(home: Path) -> list[tuple[str, str, str, Any]]:
    """Every document, timestamps left out (each command has its own time)."""
    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.endswith(("Timestamp", "Time"))}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    with command_transaction(write=False) as tx:
        return [(k, s, key, strip(doc)) for k, s, key, doc in tx.dump()]


STEPS: list[tuple[str, list[tuple[str, ...]], bool]] = [
    ("apply-one-policy", [("apply", "-f", "-", _policy("second"))], False),
    ("delete-a-policy", [("delete", "networkpolicy", "first")], False),
    ("apply-unchanged-policy", [("apply", "-f", "-", _policy("first"))], False),
    ("scale-a-deployment", [("scale", "deployment", "web", "--replicas=3")], True),
    ("apply-a-configmap", [("create", "configmap", "other", "--from-literal=x=y")], True),
    ("label-a-pod-then-a-policy", [("label", "deployment", "web", "tier=a"), ("apply", "-f", "-", _policy("p"))],
     True),
]


@pytest.mark.parametrize(("steps", "controllers_run"), [(s[1], s[2]) for s in STEPS], ids=[s[0] for s in STEPS])
def test_controllers_run_only_when_what_they_read_changed(runs: list[str], home: Path,
                                                          steps: list[tuple[str, ...]], controllers_run: bool) -> None:
    for step in steps:
        stdin = step[-1] if step[0] == "apply" else None
        args = step[:-1] if stdin is not None else step
        r = kubectl(*args, stdin=stdin)
        assert r.code == 0, r.err
    last = runs[-len(controller_manager.CONTROLLERS):] if runs else []
    assert bool(last) == controllers_run
    # whatever was skipped, a full run now changes nothing: the workspace is what the controllers make of it
    before = _state(home)
    with command_transaction() as tx:
        cid = tx.list(objects.KIND_CLUSTER)[0]["id"]
        for reconcile in controller_manager.CONTROLLERS:
            reconcile(tx, cid)
        objects.flush(tx, cid)
    assert _state(home) == before


def test_a_change_by_another_command_runs_the_controllers(runs: list[str], home: Path) -> None:
    """An az command that changed the workspace without running the controllers: the next kubectl write runs
    them, whatever it wrote (they had not converged on this workspace)."""
    with command_transaction() as tx:
        tx.meta_set("some-setting", "x")  # any committed change moves the workspace's generation
    assert kubectl("apply", "-f", "-", stdin=_policy("second")).code == 0
    assert runs


def test_no_controller_reads_an_unwatched_kind(runs: list[str], home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: set[str] = set()
    for name in ("get", "items", "exists"):
        real = getattr(Transaction, name)

        def spy(self: Transaction, kind: str, *a: Any, _real: Any = real, **k: Any) -> Any:
            read.add(kind)
            return _real(self, kind, *a, **k)
        monkeypatch.setattr(Transaction, name, spy)
    with command_transaction() as tx:
        cid = tx.list(objects.KIND_CLUSTER)[0]["id"]
        tx.put("k8s:core/ConfigMap", "default/touched", {"data": {}}, cluster_scope(cid))  # a watched kind: full run
        reconcile_cluster(tx, cid)
    assert runs, "the controllers ran"
    assert read, "reads were recorded"
    assert not (read & UNWATCHED_KINDS), sorted(read & UNWATCHED_KINDS)
