"""The data plane's legacy record: ``<workspace>/dataplane/state.json``, what ``up`` wrote before the append-only
ledger (:mod:`journal`). ``down`` reads it and removes what it lists, then deletes it, so a data plane brought up
before the ledger existed is not left running.

Safety, since the file is older than every other check: a namespace (and its ``/etc/netns`` directory) is
removed only when its name is this workspace's (``aksnet-<tag>-…``); a process only when the recorded pid (or the
pid in its recorded pid file) still runs the recorded command line (``/proc/PID/cmdline``), and the recorded start
time when there is one. Anything else is reported as skipped, never matched by pattern. This module reads the
legacy file and calls the kernel only through :mod:`netlink` and :mod:`proc`.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnet.dataplane import names, netlink, proc

LEGACY_NAME = "state.json"


@dataclass
class LegacyReport:
    """What the legacy record listed and what ``down`` did with it."""

    processes: int = 0  # stopped
    namespaces: list[str] = field(default_factory=list)  # removed
    paths: list[str] = field(default_factory=list)  # removed
    skipped: list[str] = field(default_factory=list)  # listed but not ours, or no longer the recorded process


def _doc(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: nothing is removed on its word, the file still goes
    return doc if isinstance(doc, dict) else {}


def _strings(doc: dict[str, Any], key: str) -> list[str]:
    v = doc.get(key)
    return [x for x in v if isinstance(x, str)] if isinstance(v, list) else []


def _pid(p: dict[str, Any]) -> int | None:
    """The recorded process' live pid when it still runs the recorded command line (and start time)."""
    argv = p.get("argv")
    if not isinstance(argv, list) or not argv:
        return None
    candidates = [p["pid"]] if isinstance(p.get("pid"), int) else []
    if isinstance(p.get("pidfile"), str):
        with contextlib.suppress(OSError, ValueError, IndexError):
            candidates.append(int(Path(p["pidfile"]).read_text().split()[0]))
    for pid in candidates:
        started = proc.start_time(pid)
        if started is None or proc.cmdline(pid) != [str(a) for a in argv]:
            continue
        if pid == p.get("pid") and isinstance(p.get("start_time"), int) and started != p["start_time"]:
            continue
        return int(pid)
    return None


def remove(directory: Path, tag: str) -> LegacyReport:
    """Remove what ``directory/state.json`` lists (processes, this workspace's namespaces and their
    ``/etc/netns`` directories), then the file; a report of what was removed and what was left alone."""
    rep = LegacyReport()
    path = directory / LEGACY_NAME
    doc = _doc(path)
    if doc is None:
        return rep
    for p in doc.get("processes", []) if isinstance(doc.get("processes"), list) else []:
        pid = _pid(p) if isinstance(p, dict) else None
        if pid is None:
            rep.skipped.append(f"process {p.get('pid') if isinstance(p, dict) else p}")
            continue
        proc.terminate(pid)
        rep.processes += 1
    for ns in reversed(_strings(doc, "netns")):
        if names.is_ours(ns, tag):
            netlink.remove_netns(ns)
            rep.namespaces.append(ns)
        else:
            rep.skipped.append(f"namespace {ns}")
    for text in _strings(doc, "paths"):
        d = Path(text)
        if names.is_our_netns_dir(d, tag):
            if d.is_dir() and not d.is_symlink():
                shutil.rmtree(d)
            rep.paths.append(text)
        else:
            rep.skipped.append(f"path {text}")
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return rep
