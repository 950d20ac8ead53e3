"""The workspace store: transactions roll back, readers see committed state, writers never lose updates."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from aksnet.store import Workspace


def test_failed_transaction_changes_nothing(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path)
    with ws.transaction() as tx:
        tx.put("k", "a", {"v": 1})
    with pytest.raises(RuntimeError), ws.transaction() as tx:
        tx.put("k", "a", {"v": 2})
        tx.put("k", "b", {"v": 3})
        raise RuntimeError("boom")
    with ws.transaction(write=False) as tx:
        assert tx.get("k", "a") == {"v": 1}
        assert tx.get("k", "b") is None


def test_keys_are_case_insensitive_and_creation_order_is_kept(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path)
    with ws.transaction() as tx:
        tx.put("k", "/B", {"n": "b"})
        tx.put("k", "/a", {"n": "a"})
        tx.put("k", "/b", {"n": "b2"})  # replace keeps the original position
        assert [d["n"] for d in tx.list("k")] == ["b2", "a"]
        assert tx.get("k", "/b") == {"n": "b2"}


def test_missing_workspace_opens_empty_without_writing(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "none", create=False)
    with ws.transaction(write=False) as tx:
        assert tx.list("k") == []
    assert not (tmp_path / "none").exists()


def _bump(home: str, n: int) -> None:
    ws = Workspace.open(Path(home))
    for _ in range(n):
        with ws.transaction() as tx:
            doc = tx.get("counter", "c") or {"n": 0}
            doc["n"] += 1
            tx.put("counter", "c", doc)


def test_two_processes_never_lose_an_update(tmp_path: Path) -> None:
    Workspace.open(tmp_path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_bump, args=(str(tmp_path), 50)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    ws = Workspace.open(tmp_path)
    with ws.transaction(write=False) as tx:
        assert tx.get("counter", "c") == {"n": 100}
