"""The data plane's ledger as typed records: everything ``up`` made outside the workspace, recorded BEFORE
each object is made.

``down`` removes exactly what is recorded here (and nothing else), so an ``up`` killed half-way, or a
workspace deleted or replaced while its data plane is up, leaves a record that still covers every object it
may have made. Records: network namespaces, paths outside the workspace (``/etc/netns/<ns>``), processes
(pid file path recorded before the process starts; pid and kernel start time as soon as they are known),
units (a namespace and its links, with the digest ``apply`` compares), the routers' routing, nft tables per
namespace, digests of what the agent and NGINX serve, and the run's settings. Persistence is the
append-only :mod:`journal`; this module never touches the kernel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnet.dataplane import journal
from aksnet.dataplane.journal import Header, Journal


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

    @classmethod
    def from_json(cls, v: dict[str, Any]) -> ProcessRecord:
        return cls(v["role"], v["key"], v["pidfile"], list(v["argv"]), v.get("pid"), v.get("start_time"),
                   v.get("netns"))


@dataclass(frozen=True)
class UnitRecord:
    """A unit that was completely built: its namespace, its uplinks (in ``parent``) and its digest."""

    key: str
    netns: str
    digest: str
    parent: str | None = None
    links: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"netns": self.netns, "digest": self.digest, "parent": self.parent, "links": list(self.links)}

    @classmethod
    def from_json(cls, key: str, v: dict[str, Any]) -> UnitRecord:
        return cls(key, v["netns"], v["digest"], v.get("parent"), tuple(v.get("links", ())))


@dataclass(frozen=True)
class TablesRecord:
    """What was applied in one namespace: routing tables (ints) or nft tables ((family, name))."""

    netns: str
    digest: str
    tables: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "tables": [list(t) if isinstance(t, tuple) else t for t in self.tables]}

    @classmethod
    def from_json(cls, netns: str, v: dict[str, Any]) -> TablesRecord:
        return cls(netns, v["digest"], tuple(tuple(t) if isinstance(t, list) else t for t in v.get("tables", ())))


NETNS, PATH, PROCESS, UNIT, ROUTING, NFT, DIGEST, SETTING = (
    "netns", "path", "process", "unit", "routing", "nft", "digest", "setting")


@dataclass
class State:
    """One ledger, read into typed records. Mutate through the methods: each one journals its change."""

    tag: str
    journal: Journal
    processes: list[ProcessRecord] = field(default_factory=list)

    @classmethod
    def open(cls, directory: Path, tag: str) -> State:
        j = Journal.read(directory)
        procs = [ProcessRecord.from_json(v) for v in j.entries.get(PROCESS, {}).values()]
        return cls(tag, j, procs)

    def start(self, header: Header) -> None:
        if self.journal.header is None:
            self.journal.start(header)

    @property
    def header(self) -> Header | None:
        return self.journal.header

    def _keys(self, typ: str) -> list[str]:
        return list(self.journal.entries.get(typ, {}))

    # -- views --------------------------------------------------------------------------------------------
    @property
    def netns(self) -> list[str]:
        return self._keys(NETNS)

    @property
    def paths(self) -> list[str]:
        return self._keys(PATH)

    @property
    def units(self) -> dict[str, UnitRecord]:
        return {k: UnitRecord.from_json(k, v) for k, v in self.journal.entries.get(UNIT, {}).items()}

    def unit(self, key: str) -> UnitRecord | None:
        v = self.journal.entries.get(UNIT, {}).get(key)
        return UnitRecord.from_json(key, v) if v is not None else None

    def routing(self, netns: str) -> TablesRecord | None:
        v = self.journal.entries.get(ROUTING, {}).get(netns)
        return TablesRecord.from_json(netns, v) if v is not None else None

    def nft(self, netns: str) -> TablesRecord | None:
        v = self.journal.entries.get(NFT, {}).get(netns)
        return TablesRecord.from_json(netns, v) if v is not None else None

    def digest(self, key: str) -> str | None:
        v = self.journal.entries.get(DIGEST, {}).get(key)
        return str(v) if v is not None else None

    def setting(self, key: str, default: Any = None) -> Any:
        return self.journal.entries.get(SETTING, {}).get(key, default)

    @property
    def empty(self) -> bool:
        return not any(self.journal.entries.get(t) for t in (NETNS, PATH, PROCESS, UNIT))

    # -- intents (call before creating) -------------------------------------------------------------------
    def intend_netns(self, names: list[str]) -> None:
        known = self.journal.entries.get(NETNS, {})
        self.journal.put([(NETNS, n, None) for n in dict.fromkeys(names) if n not in known])

    def intend_path(self, path: str) -> None:
        if path not in self.journal.entries.get(PATH, {}):
            self.journal.put([(PATH, path, None)])

    def intend_process(self, rec: ProcessRecord) -> None:
        self.processes.append(rec)
        self.journal.put([(PROCESS, rec.pidfile, rec.to_json())])

    def process_started(self, rec: ProcessRecord) -> None:
        """Record a started process's pid and start time."""
        self.journal.put([(PROCESS, rec.pidfile, rec.to_json())])

    # -- facts (call after creating / deleting) -----------------------------------------------------------
    def forget_netns(self, names: list[str]) -> None:
        self.journal.delete([(NETNS, n) for n in names])

    def forget_path(self, path: str) -> None:
        self.journal.delete([(PATH, path)])

    def forget_process(self, rec: ProcessRecord) -> None:
        self.processes = [p for p in self.processes if p is not rec]
        self.journal.delete([(PROCESS, rec.pidfile)])

    def units_built(self, recs: list[UnitRecord]) -> None:
        self.journal.put([(UNIT, r.key, r.to_json()) for r in recs])

    def forget_units(self, keys: list[str]) -> None:
        self.journal.delete([(UNIT, k) for k in keys])

    def set_routing(self, rec: TablesRecord) -> None:
        self.journal.put([(ROUTING, rec.netns, rec.to_json())])

    def set_nft(self, recs: list[TablesRecord]) -> None:
        self.journal.put([(NFT, r.netns, r.to_json()) for r in recs])

    def forget_tables(self, netns: list[str]) -> None:
        self.journal.delete([(NFT, n) for n in netns] + [(ROUTING, n) for n in netns])

    def set_digest(self, key: str, digest: str | None) -> None:
        if digest is None:
            self.journal.delete([(DIGEST, key)])
        else:
            self.journal.put([(DIGEST, key, digest)])

    def set_setting(self, key: str, value: Any) -> None:
        if self.setting(key) != value:
            self.journal.put([(SETTING, key, value)])

    def compact(self) -> None:
        self.journal.compact()

    def close(self) -> None:
        self.journal.close()

    def remove(self) -> None:
        self.journal.remove()


@contextmanager
def opened(home: Path, tag: str, create: bool = True) -> Iterator[State]:
    """The workspace's ledger, locked (started with the workspace's identity when ``create``)."""
    d = journal.ledger_dir(tag)
    with journal.locked(d):
        st = State.open(d, tag)
        if create:
            ident = journal.workspace_identity(home, create=True)
            assert ident is not None
            st.start(Header(tag, str(home.resolve()), ident))
        try:
            yield st
        finally:
            st.close()


def read(tag: str) -> State:
    """The ledger of ``tag`` as it is now (unlocked: for reports)."""
    return State.open(journal.ledger_dir(tag), tag)
