"""``down``: remove exactly what the state file lists — processes (by recorded pid, after checking it is
still the same process), network namespaces (their veths, bridges, routes and nft tables go with them),
``/etc/netns/<ns>`` directories — then the state file. Works after an ``up`` killed half-way, since every
object was recorded before it was created. No pattern matching, no pattern kills.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from aksnet.dataplane import apply, netlink, proc
from aksnet.dataplane.record import State


@dataclass
class DownReport:
    processes: int = 0
    namespaces: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    seconds: float = 0.0


def down(home: Path, tag: str) -> DownReport:
    t0 = time.monotonic()
    rep = DownReport()
    d = apply.dataplane_dir(home)
    if not d.exists():
        return rep
    with apply.locked(home):
        state = State.load(d, tag)
        for p in list(state.processes):
            proc.stop(state, p)
            rep.processes += 1
        for ns in list(reversed(state.netns)):
            netlink.remove_netns(ns)
            state.forget_netns([ns])
            rep.namespaces.append(ns)
        for path in list(state.paths):
            apply.remove_recorded_path(state, path)
            rep.paths.append(path)
        state.remove_file()
        nginx_dir = d / "nginx"
        if nginx_dir.is_dir():
            shutil.rmtree(nginx_dir)
        for name in ("agent.json", "agent.ready", "agent.log", "agent.pid"):
            with contextlib.suppress(FileNotFoundError):
                (d / name).unlink()
    rep.seconds = time.monotonic() - t0
    return rep
