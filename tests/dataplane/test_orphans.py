"""A workspace deleted or replaced while its data plane is up: the ledger outside the workspace still lists
everything; ``status``, ``up``, ``verify`` and ``down`` report the orphan, refuse to build on it or to
verify against it, and ``down --orphans`` removes exactly what the ledger records — the host is then as it
was before ``up`` (namespaces, links, addresses, routes, nft tables, processes)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from aksnet.dataplane import names, proc, record
from tests.conftest import run_cli
from tests.dataplane.realnet import host_snapshot, our_etc, our_netns, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, (args, r.out, r.err)
    return r.out


def _cluster() -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--network-plugin", "kubenet", "--node-count", "1",
        "--generate-ssh-keys")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    _ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A ledger directory of this test's own, so ``down --orphans`` never sees another run's ledgers."""
    d = tmp_path / "run"
    monkeypatch.setenv("AKSNET_RUN_DIR", str(d))
    yield d
    run_cli("down", "--orphans")


@pytest.mark.parametrize("loss", ["deleted", "replaced"])
def test_lost_workspace_is_reported_refused_and_cleaned(home: Path, run_dir: Path, loss: str) -> None:
    tag = names.workspace_tag(home)
    before = host_snapshot()
    _cluster()
    _ok("up")
    recorded = record.read(tag)
    pids = [(p.pid, p.start_time) for p in recorded.processes]
    assert pids and our_netns(tag) and sorted(recorded.netns) == our_netns(tag)
    assert not str(run_dir).startswith(str(home))  # the ledger lives outside the workspace

    shutil.rmtree(home)
    if loss == "replaced":
        _cluster()  # a new workspace at the same path: same tag, another identity

    st = json.loads(_ok("status", "-o", "json"))
    assert [(o["why"], o["tag"], o["namespaces"]) for o in st["orphans"]] == [(loss, tag, len(our_netns(tag)))]
    assert st["units"] == [] and st["processes"] == []
    status_text = run_cli("status")
    assert f"data plane of a {loss} workspace" in status_text.err and "aksnet down --orphans" in status_text.err
    if loss == "replaced":
        for verb in ("up", "verify", "down"):
            r = run_cli(verb)
            assert r.code == 1 and "not this workspace's" in r.err and "down --orphans" in r.err, (verb, r.err)
    assert our_netns(tag), "nothing may be removed before down --orphans"

    out = _ok("down", "--orphans")
    assert f"removed the data plane of {loss} workspace {home.resolve()}" in out
    assert our_netns(tag) == [] and our_etc(tag) == []
    assert all(proc.start_time(pid) != st_time for pid, st_time in pids if pid is not None)
    assert not (run_dir / tag).exists()
    assert host_snapshot() == before
    assert json.loads(_ok("status", "-o", "json"))["orphans"] == []
    if loss == "replaced":  # the new workspace builds and verifies its own data plane now
        _ok("up")
        assert " 0 disagree" in _ok("verify")
        _ok("down")
        assert our_netns(tag) == []


def test_orphans_leave_live_workspaces_alone(tmp_path: Path, run_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``down --orphans`` with one live and one lost workspace: only the lost one's objects go."""
    live, lost = tmp_path / "live", tmp_path / "lost"
    for h in (live, lost):
        monkeypatch.setenv("AKSNET_HOME", str(h))
        _cluster()
        _ok("up")
    shutil.rmtree(lost)
    monkeypatch.setenv("AKSNET_HOME", str(live))
    live_ns = our_netns(names.workspace_tag(live))
    seen = run_cli("verify")  # the live workspace verifies its own data plane and reports the lost one
    assert seen.code == 0 and f"deleted workspace ({lost.resolve()})" in seen.err, seen.err
    assert "1 lost workspaces" in _ok("down", "--orphans")
    assert our_netns(names.workspace_tag(lost)) == [] and our_netns(names.workspace_tag(live)) == live_ns
    assert " 0 disagree" in _ok("verify")
    _ok("down")
    assert our_netns(names.workspace_tag(live)) == []
