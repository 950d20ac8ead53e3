"""``down`` with a legacy ``state.json`` (the record from before the ledger): what it lists is removed only when
it is this workspace's (namespaces and ``/etc/netns`` directories named ``aksnet-<tag>-``) or still the recorded
process (``/proc/PID/cmdline`` and start time), then the file goes. Pure: the kernel calls are fakes and the
names and pids listed exist nowhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksnet.dataplane import cleanup, legacy, names

TAG = "t1"
NS = f"{names.ns_prefix(TAG)}node-a"
ARGV = ["/usr/bin/python3", "-m", "aksnet.dataplane.echo_agent", "--config", "agent.json"]


def _proc(pid: int | None, argv: list[str] = ARGV, start: int | None = 7, pidfile: str = "/nonexistent/agent.pid",
          ) -> dict[str, Any]:
    return {"role": "agent", "key": "k", "pidfile": pidfile, "argv": argv, "pid": pid, "start_time": start,
            "netns": None}


# running: the fake /proc (pid → (cmdline, start time))
@pytest.mark.parametrize(("doc", "running", "terminated", "removed_ns", "paths", "skipped"), [
    pytest.param({"netns": [NS]}, {}, [], [NS], [], [], id="own-namespace"),
    pytest.param({"netns": ["other-ns", "aksnet-zz9999-node-a", "Aksnet-t1-x"]}, {}, [], [], [],
                 ["namespace Aksnet-t1-x", "namespace aksnet-zz9999-node-a", "namespace other-ns"],
                 id="foreign-namespaces-left"),
    pytest.param({"processes": [_proc(4242)]}, {4242: (ARGV, 7)}, [4242], [], [], [], id="same-process"),
    pytest.param({"processes": [_proc(4242)]}, {4242: (["/usr/sbin/sshd"], 7)}, [], [], [], ["process 4242"],
                 id="pid-reused-other-cmdline"),
    pytest.param({"processes": [_proc(4242)]}, {4242: (ARGV, 8)}, [], [], [], ["process 4242"],
                 id="pid-reused-other-start"),
    pytest.param({"processes": [_proc(4242)]}, {}, [], [], [], ["process 4242"], id="process-gone"),
    pytest.param({"processes": [_proc(4242, argv=[])]}, {4242: ([], 7)}, [], [], [], ["process 4242"],
                 id="no-recorded-argv"),
    pytest.param({"paths": [f"/etc/netns/{NS}", "/etc/passwd", "/etc/netns/other"]}, {}, [], [], [f"/etc/netns/{NS}"],
                 ["path /etc/netns/other", "path /etc/passwd"], id="paths-only-our-etc-netns"),
    pytest.param("{not json", {}, [], [], [], [], id="unreadable-file-removes-nothing"),
])
def test_legacy_state_removed_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, doc: object,
                                     running: dict[int, tuple[list[str], int]], terminated: list[int],
                                     removed_ns: list[str], paths: list[str], skipped: list[str]) -> None:
    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(legacy.proc, "cmdline", lambda pid: running[pid][0] if pid in running else [])
    monkeypatch.setattr(legacy.proc, "start_time", lambda pid: running[pid][1] if pid in running else None)
    monkeypatch.setattr(legacy.proc, "terminate", lambda pid, timeout=2.0: calls.append(("kill", pid)))
    monkeypatch.setattr(legacy.netlink, "remove_netns", lambda ns: calls.append(("netns", ns)))
    d = tmp_path / "dataplane"
    d.mkdir()
    (d / legacy.LEGACY_NAME).write_text(doc if isinstance(doc, str) else json.dumps({"version": 1, "tag": TAG, **doc}))
    rep = legacy.remove(d, TAG)
    assert calls == [*(("kill", p) for p in terminated), *(("netns", n) for n in removed_ns)]
    assert (rep.processes, rep.namespaces, rep.paths, sorted(rep.skipped)) == (len(terminated), removed_ns, paths,
                                                                                skipped)
    assert not (d / legacy.LEGACY_NAME).exists()


def test_pid_from_the_recorded_pidfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process recorded before its pid was known: the pid in its pid file, if it runs the recorded argv."""
    killed: list[int] = []
    monkeypatch.setattr(legacy.proc, "cmdline", lambda pid: ARGV if pid == 5151 else [])
    monkeypatch.setattr(legacy.proc, "start_time", lambda pid: 9 if pid == 5151 else None)
    monkeypatch.setattr(legacy.proc, "terminate", lambda pid, timeout=2.0: killed.append(pid))
    (tmp_path / "agent.pid").write_text("5151\n")
    (tmp_path / legacy.LEGACY_NAME).write_text(json.dumps(
        {"processes": [_proc(None, start=None, pidfile=str(tmp_path / "agent.pid"))]}))
    assert legacy.remove(tmp_path, TAG).processes == 1 and killed == [5151]


def test_down_reads_the_legacy_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``down`` of a workspace without a ledger but with a legacy state.json removes what it lists."""
    monkeypatch.setenv("AKSNET_RUN_DIR", str(tmp_path / "run"))
    removed: list[str] = []
    monkeypatch.setattr(legacy.netlink, "remove_netns", removed.append)
    home = tmp_path / "ws"
    d = cleanup.dataplane_dir(home)
    d.mkdir(parents=True)
    (d / legacy.LEGACY_NAME).write_text(json.dumps({"version": 1, "tag": TAG, "netns": [NS, "host-ns"]}))
    rep = cleanup.down(home, TAG)
    assert removed == [NS] and rep.legacy.namespaces == [NS] and rep.legacy.skipped == ["namespace host-ns"]
    assert not (d / legacy.LEGACY_NAME).exists()
