"""Processes the data plane starts (the echo/DNS agent, NGINX): started with argument lists only, recorded
before they start (pid file path) and as soon as their pid is known (pid + kernel start time), and killed
only when the recorded pid still names the same process (same start time, or same argv for a pid that
was only known from its pid file). Never a pattern kill.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

from aksnet.dataplane.record import ProcessRecord, State


def start_time(pid: int) -> int | None:
    """Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rest = text.rsplit(")", 1)[1].split()
    return int(rest[19])


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def spawn(state: State, role: str, key: str, argv: list[str], pidfile: Path, log: Path,
          netns: str | None = None) -> ProcessRecord:
    """Record, then start ``argv`` in its own session (it outlives the CLI); record its pid."""
    rec = ProcessRecord(role, key, str(pidfile), list(argv), netns=netns)
    state.intend_process(rec)
    # posix_spawn in a new session: the process outlives the CLI and nobody holds a Popen for it
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        actions = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0), (os.POSIX_SPAWN_DUP2, fd, 1),
                   (os.POSIX_SPAWN_DUP2, fd, 2)]
        pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=actions, setsid=True)
    finally:
        os.close(fd)
    rec.pid = pid
    rec.start_time = start_time(pid)
    state.process_started(rec)
    return rec


def _identify(rec: ProcessRecord, strict: bool = False) -> int | None:
    """The live pid of a recorded process, or None when it is gone or the pid now names another process.
    ``strict`` (a lost workspace's process): only the recorded pid with the recorded start time counts, never
    the pid file (a replacement workspace at the same path writes its own pid files there)."""
    if rec.pid is not None:
        st = start_time(rec.pid)
        known = st is not None and (rec.start_time is None or st == rec.start_time) and _same(rec, rec.pid)
        if known and (not strict or rec.start_time is not None):
            return rec.pid
    if strict:
        return None
    with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
        pid = int(Path(rec.pidfile).read_text().split()[0])
        if start_time(pid) is not None and _same(rec, pid):
            return pid
    return None


def _same(rec: ProcessRecord, pid: int) -> bool:
    """Same argv, or (for programs that rewrite their title, like nginx) running in the recorded namespace."""
    if cmdline(pid) == rec.argv:
        return True
    if rec.netns:
        try:
            return os.stat(f"/proc/{pid}/ns/net").st_ino == os.stat(f"/var/run/netns/{rec.netns}").st_ino
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            return False
    return False


def live_pid(rec: ProcessRecord) -> int | None:
    return _identify(rec)


def alive(rec: ProcessRecord, strict: bool = False) -> bool:
    return _identify(rec, strict) is not None


def stop(state: State, rec: ProcessRecord, timeout: float = 2.0, strict: bool = False) -> None:
    """Terminate a recorded process (TERM, then KILL) and forget it (``strict``: see ``_identify``)."""
    pid = _identify(rec, strict)
    if pid is not None:
        terminate(pid, timeout)
    if not strict:
        with contextlib.suppress(FileNotFoundError):
            Path(rec.pidfile).unlink()
    state.forget_process(rec)


def terminate(pid: int, timeout: float = 2.0) -> None:
    """TERM, then KILL after ``timeout``; the caller has checked that ``pid`` is the process it recorded."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and start_time(pid) is not None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if exited(pid):
            break
        time.sleep(0.02)
    if start_time(pid) is not None and not exited(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def exited(pid: int) -> bool:
    """True when ``pid`` is gone or a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
