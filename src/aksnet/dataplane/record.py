"""The data plane's state file: everything ``up`` created, written BEFORE each object is created.

``down`` deletes exactly what is listed here (and nothing else), so an ``up`` killed half-way leaves a
record that still covers every object it may have made. Entries: network namespaces, files and
directories outside the workspace (``/etc/netns/<ns>``), processes (pid file path recorded before the
process starts; pid and kernel start time recorded as soon as they are known), and per-unit digests that
``apply`` uses to reapply only what changed. Writes are atomic (temp file + rename). This module never
touches the kernel.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_VERSION = 1
STATE_NAME = "state.json"


@dataclass
class ProcessRecord:
    role: str  # agent | nginx
    key: str  # the unit it belongs to (e.g. the pod namespace)
    pidfile: str
    argv: list[str]
    pid: int | None = None
    start_time: int | None = None  # field 22 of /proc/<pid>/stat (clock ticks since boot)
    netns: str | None = None  # the namespace it runs in (its identity check when argv is rewritten)

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "key": self.key, "pidfile": self.pidfile, "argv": self.argv,
                "pid": self.pid, "start_time": self.start_time, "netns": self.netns}


@dataclass
class State:
    """The recorded data plane of one workspace. Mutate through the methods: each one saves."""

    path: Path
    tag: str
    netns: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    processes: list[ProcessRecord] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # unit key → digest of what was applied
    meta: dict[str, Any] = field(default_factory=dict)

    # -- persistence ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: Path, tag: str) -> State:
        path = directory / STATE_NAME
        if not path.exists():
            return cls(path, tag)
        doc = json.loads(path.read_text())
        procs = [ProcessRecord(p["role"], p["key"], p["pidfile"], list(p["argv"]), p.get("pid"), p.get("start_time"),
                               p.get("netns"))
                 for p in doc.get("processes", [])]
        return cls(path, str(doc.get("tag", tag)), list(doc.get("netns", [])), list(doc.get("paths", [])), procs,
                   dict(doc.get("units", {})), dict(doc.get("meta", {})))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"version": STATE_VERSION, "tag": self.tag, "netns": self.netns, "paths": self.paths,
               "processes": [p.to_json() for p in self.processes], "units": self.units, "meta": self.meta}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, separators=(",", ":")))
        os.replace(tmp, self.path)

    @property
    def empty(self) -> bool:
        return not (self.netns or self.paths or self.processes or self.units)

    def remove_file(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    # -- intents (call before creating) ---------------------------------------------------------------
    def intend_netns(self, names: list[str]) -> None:
        new = [n for n in names if n not in self.netns]
        if new:
            self.netns.extend(new)
            self.save()

    def intend_path(self, path: str) -> None:
        if path not in self.paths:
            self.paths.append(path)
            self.save()

    def intend_process(self, rec: ProcessRecord) -> None:
        self.processes.append(rec)
        self.save()

    # -- facts (call after creating / deleting) -------------------------------------------------------
    def forget_netns(self, names: list[str]) -> None:
        gone = set(names)
        self.netns = [n for n in self.netns if n not in gone]
        self.save()

    def forget_path(self, path: str) -> None:
        self.paths = [p for p in self.paths if p != path]
        self.save()

    def forget_process(self, rec: ProcessRecord) -> None:
        self.processes = [p for p in self.processes if p is not rec]
        self.save()

    def set_unit(self, key: str, digest: str | None) -> None:
        if digest is None:
            self.units.pop(key, None)
        else:
            self.units[key] = digest
        self.save()
