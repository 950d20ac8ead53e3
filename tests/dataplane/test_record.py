"""The ledger: typed records journaled append-only outside the workspace, recorded before each object is made,
surviving a reload, compacted when mostly dead, and judged lost when its workspace is deleted or replaced
(pure, no kernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aksnet.dataplane import cleanup, journal, record
from aksnet.dataplane.record import ProcessRecord, State, TablesRecord, UnitRecord


@pytest.fixture
def run_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "run"
    monkeypatch.setenv("AKSNET_RUN_DIR", str(d))
    return d


def test_ledger_round_trip(tmp_path: Path, run_dir: Path) -> None:
    home = tmp_path / "ws"
    with record.opened(home, "abc123") as st:
        assert st.empty and st.header is not None and st.header.workspace == str(home.resolve())
        st.intend_netns(["aksnet-abc123-azure-vnet", "aksnet-abc123-node-n1"])
        st.intend_netns(["aksnet-abc123-node-n1"])  # idempotent
        st.intend_path("/etc/netns/aksnet-abc123-pod-default.a")
        st.intend_process(ProcessRecord("agent", "agent", str(tmp_path / "agent.pid"), ["python", "-m", "x"]))
        st.units_built([UnitRecord("azure/vnet", "aksnet-abc123-azure-vnet", "d1")])
        st.set_nft([TablesRecord("aksnet-abc123-node-n1", "n1", (("ip", "aksnet-echo"),))])
        st.set_setting("internet_hosts", ["198.51.100.10"])
    again = record.read("abc123")
    assert again.netns == ["aksnet-abc123-azure-vnet", "aksnet-abc123-node-n1"]
    assert again.paths == ["/etc/netns/aksnet-abc123-pod-default.a"]
    assert [p.argv for p in again.processes] == [["python", "-m", "x"]]
    assert again.units == {"azure/vnet": UnitRecord("azure/vnet", "aksnet-abc123-azure-vnet", "d1")}
    nft = again.nft("aksnet-abc123-node-n1")
    assert nft is not None and nft.tables == (("ip", "aksnet-echo"),)
    assert again.setting("internet_hosts") == ["198.51.100.10"]
    with record.opened(home, "abc123") as st:
        st.forget_netns(["aksnet-abc123-node-n1"])
        st.forget_process(st.processes[0])
        st.forget_units(["azure/vnet"])
    third = record.read("abc123")
    assert third.netns == ["aksnet-abc123-azure-vnet"] and not third.processes and not third.units
    assert (run_dir / "abc123").stat().st_mode & 0o777 == 0o700
    assert (run_dir / "abc123" / "journal").stat().st_mode & 0o777 == 0o600


def test_journal_is_append_only_and_compacts(tmp_path: Path, run_dir: Path) -> None:
    """One line per change (no rewrite of the whole record per step: that was quadratic), and a rewrite only
    when dead lines outnumber live ones."""
    with record.opened(tmp_path / "ws", "t1") as st:
        path = run_dir / "t1" / "journal"
        for i in range(200):
            st.intend_netns([f"aksnet-t1-pod-{i}"])
        assert len(path.read_text().splitlines()) == 201
        st.forget_netns([f"aksnet-t1-pod-{i}" for i in range(190)])
        assert len(path.read_text().splitlines()) == 391  # appended: one line per record forgotten
        st.compact()
        assert len(path.read_text().splitlines()) == 11  # header + the 10 live records
    assert record.read("t1").netns == [f"aksnet-t1-pod-{i}" for i in range(190, 200)]


def test_torn_last_line_is_ignored(tmp_path: Path, run_dir: Path) -> None:
    with record.opened(tmp_path / "ws", "t2") as st:
        st.intend_netns(["aksnet-t2-a"])
    with open(run_dir / "t2" / "journal", "a") as fh:
        fh.write('{"op":"put","type":"netns","key":"aksnet-t2-')
    assert record.read("t2").netns == ["aksnet-t2-a"]


@pytest.mark.parametrize("loss,why", [("delete", "deleted"), ("replace", "replaced"), ("keep", None)],
                         ids=["deleted", "replaced", "intact"])
def test_lost_workspace_is_an_orphan(tmp_path: Path, run_dir: Path, loss: str, why: str | None) -> None:
    home = tmp_path / "ws"
    with record.opened(home, "t3") as st:
        st.intend_netns(["aksnet-t3-azure-vnet"])
    if loss != "keep":
        shutil.rmtree(home)
    if loss == "replace":
        home.mkdir()
        journal.workspace_identity(home, create=True)
    found = cleanup.find_orphans()
    assert [(o.tag, o.why, o.namespaces) for o in found] == ([("t3", why, 1)] if why else [])


def test_ledger_directory_must_be_private(tmp_path: Path, run_dir: Path) -> None:
    run_dir.mkdir(mode=0o777)
    run_dir.chmod(0o777)
    with pytest.raises(Exception, match="writable by nobody else"), record.opened(tmp_path / "ws", "t4"):
        pass


def test_state_open_of_nothing_is_empty(run_dir: Path) -> None:
    st = State.open(run_dir / "none", "none")
    assert st.empty and st.header is None
