"""``down`` and ``down --orphans``: remove exactly what a ledger records — processes (by recorded pid, after
checking it is still the same process), network namespaces (their veths, bridges, routes and nft tables go
with them), ``/etc/netns/<ns>`` directories — then the ledger.

``down`` removes the workspace's own data plane (and its files in the workspace). A ledger whose workspace
is lost (its directory deleted, or replaced by a workspace without the identity the ledger names) is an
orphan: every command that looks at the data plane reports it, and only ``down --orphans`` removes it —
then only what that ledger lists, named with that ledger's tag, and its processes only when the recorded pid
still has the recorded start time. A workspace's legacy ``state.json`` (from before the ledger) is read and what
it lists removed under the same rules (:mod:`legacy`). Works after an ``up`` killed half-way, since every object
was recorded before it was made. No pattern matching, no pattern kills.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from aksnet.dataplane import journal, legacy, names, netlink, proc
from aksnet.dataplane.record import State

ETC_NETNS = names.ETC_NETNS


def dataplane_dir(home: Path) -> Path:
    """The workspace's own data plane files (agent configuration, NGINX prefixes, TLS key, identity)."""
    return home / "dataplane"


def remove_recorded_path(state: State, path: str) -> None:
    """Remove a recorded ``/etc/netns/<our ns>`` directory (nothing else is ever removed this way)."""
    p = Path(path)
    if names.is_our_netns_dir(p, state.tag) and p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    state.forget_path(path)


@dataclass(frozen=True)
class Orphan:
    """The data plane of a lost workspace, as its ledger records it."""

    tag: str
    workspace: str
    why: str  # deleted | replaced | unknown (a ledger without a header)
    namespaces: int
    processes: int
    paths: int

    def describe(self) -> str:
        return (f"the data plane of a {self.why} workspace ({self.workspace}) is still up: {self.namespaces} "
                f"namespaces, {self.processes} processes, {self.paths} files")


@dataclass
class DownReport:
    processes: int = 0
    namespaces: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    seconds: float = 0.0
    foreign: Orphan | None = None  # this path's ledger belongs to a lost workspace (left alone)
    orphans: list[Orphan] = field(default_factory=list)  # orphans seen (down) or removed (down --orphans)
    busy: list[str] = field(default_factory=list)  # ledgers another process holds (skipped)
    legacy: legacy.LegacyReport = field(default_factory=legacy.LegacyReport)  # the pre-ledger state.json


def orphan_of(state: State, directory: Path) -> Orphan | None:
    """The ledger as an orphan, or None when its workspace is still there with the same identity."""
    header = state.header
    why = journal.header_is_home(header) if header is not None else "unknown"
    if why is None:
        return None
    return Orphan(directory.name, header.workspace if header else "?", why, len(state.netns), len(state.processes),
                  len(state.paths))


def find_orphans(root: Path | None = None) -> list[Orphan]:
    """Every lost workspace's ledger on this host (read without locks: for reports)."""
    out = []
    for d in journal.ledgers(root):
        o = orphan_of(State.open(d, d.name), d)
        if o is not None:
            out.append(o)
    return out


def _remove_recorded(state: State, rep: DownReport, strict: bool) -> None:
    for p in list(state.processes):
        proc.stop(state, p, strict=strict)
        rep.processes += 1
    gone = []
    for ns in reversed(state.netns):
        if names.is_ours(ns, state.tag):  # a ledger names only its own objects; anything else is left alone
            netlink.remove_netns(ns)
            rep.namespaces.append(ns)
        gone.append(ns)
    state.forget_netns(gone)
    for path in state.paths:
        remove_recorded_path(state, path)
        rep.paths.append(path)


def down(home: Path, tag: str) -> DownReport:
    """Remove this workspace's data plane; a lost workspace's ledger at the same path is only reported."""
    t0 = time.monotonic()
    rep = DownReport()
    d = journal.ledger_dir(tag)
    if (d / journal.JOURNAL_NAME).exists():
        with journal.locked(d):
            state = State.open(d, tag)
            header = state.header
            if header is not None and header.identity != journal.workspace_identity(home, create=False):
                rep.foreign = orphan_of(state, d) or Orphan(tag, header.workspace, "replaced", len(state.netns),
                                                            len(state.processes), len(state.paths))
            else:
                _remove_recorded(state, rep, strict=False)
                state.remove()
    if rep.foreign is None:
        rep.legacy = legacy.remove(dataplane_dir(home), tag)  # the record from before the ledger
        remove_workspace_files(home)
    rep.orphans = [o for o in find_orphans() if o.tag != tag]
    rep.seconds = time.monotonic() - t0
    return rep


def remove_workspace_files(home: Path) -> None:
    """The workspace's own data plane files (agent configuration and logs, NGINX prefixes, TLS key); the
    workspace's identity stays."""
    d = dataplane_dir(home)
    for sub in ("nginx", "tls"):
        if (d / sub).is_dir() and not (d / sub).is_symlink():
            shutil.rmtree(d / sub)
    for name in ("agent.json", "agent.tmp", "agent.ready", "agent.log", "agent.pid", "agent.netns.json",
                 "lock"):
        with contextlib.suppress(FileNotFoundError):
            (d / name).unlink()


def down_orphans(root: Path | None = None) -> DownReport:
    """Remove every lost workspace's data plane, exactly as its ledger records it."""
    t0 = time.monotonic()
    rep = DownReport()
    for d in journal.ledgers(root):
        with journal.locked(d, blocking=False) as got:
            if not got:
                rep.busy.append(d.name)
                continue
            state = State.open(d, d.name)
            o = orphan_of(state, d)
            if o is None:
                state.close()
                continue
            _remove_recorded(state, rep, strict=True)
            state.remove()
            rep.orphans.append(o)
    rep.seconds = time.monotonic() - t0
    return rep
