"""The ledger's file: an append-only journal of typed records, kept outside the workspace.

Where: ``$AKSNET_RUN_DIR/<workspace tag>/`` (default ``/run/aksnet``, mode 0700, root's own; ``/run`` is a
tmpfs, like ``/run/netns`` where the namespaces live, so a reboot clears both together). Deleting or
replacing the workspace leaves the ledger, so the data plane it describes can still be found and removed.

Format: one JSON object per line. The first line is the header (format version, workspace path, the
workspace's identity, tag); every other line puts or deletes one record ``(type, key)``. Appending is one
``write(2)`` of complete lines on an ``O_APPEND`` descriptor, so a process killed at any moment leaves
complete lines (a torn last line, which cannot happen on tmpfs, is ignored on replay). Replay is linear; the
file is compacted (rewritten atomically) when dead lines outnumber live ones, so the cost of a run stays
proportional to what it changes. This module knows nothing of namespaces or processes (``record`` does).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aksnet.errors import DataplaneError

FORMAT_VERSION = 2
DEFAULT_RUN_DIR = "/run/aksnet"
JOURNAL_NAME = "journal"
LOCK_NAME = "lock"
IDENTITY_NAME = "identity"  # in <workspace>/dataplane/: the workspace's side of the identity check

Entries = dict[str, dict[str, Any]]  # type → key → value (insertion order = order of first put)


def run_dir() -> Path:
    """Where ledgers live: ``$AKSNET_RUN_DIR`` or ``/run/aksnet``."""
    return Path(os.environ.get("AKSNET_RUN_DIR") or DEFAULT_RUN_DIR)


def _private_dir(path: Path) -> Path:
    """Create ``path`` 0700, or check that an existing one is a real directory of ours that nobody else can
    write (a planted directory or symlink would let another user steer what root removes)."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700, parents=True)
    st = path.lstat()
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
        raise DataplaneError(f"refusing the ledger directory {path}: it must be a directory owned by uid "
                             f"{os.geteuid()} and writable by nobody else")
    return path


def ledger_dir(tag: str, root: Path | None = None) -> Path:
    return (root or run_dir()) / tag


@dataclass(frozen=True)
class Header:
    tag: str
    workspace: str  # the workspace directory (absolute) whose data plane this is
    identity: str  # the random token in <workspace>/dataplane/identity when the ledger was started

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "tag": self.tag, "workspace": self.workspace, "identity": self.identity}


def workspace_identity(home: Path, create: bool) -> str | None:
    """The workspace's identity token (made on first use when ``create``): a lost workspace (deleted, or a
    new one at the same path) no longer has the token its ledger names."""
    f = home / "dataplane" / IDENTITY_NAME
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        return f.read_text().strip() or None
    if not create:
        return None
    f.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = os.urandom(16).hex()
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(token + "\n")
    return token


def header_is_home(header: Header) -> str | None:
    """None when the header's workspace is still there with the same identity, else why it is lost."""
    ws = Path(header.workspace)
    if not ws.is_dir():
        return "deleted"
    if workspace_identity(ws, create=False) != header.identity:
        return "replaced"
    return None


@contextlib.contextmanager
def locked(directory: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold the ledger's lock (yields False when ``blocking`` is off and another process holds it). The lock
    file may be removed by the holder (``down``): after acquiring, check it is still the one at the path."""
    _private_dir(directory.parent)
    _private_dir(directory)
    while True:
        fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            yield False
            return
        try:
            same = os.fstat(fd).st_ino == os.stat(directory / LOCK_NAME).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            _private_dir(directory)
            continue
        try:
            yield True
        finally:
            os.close(fd)
        return


class Journal:
    """One ledger's journal: replay on open, append on every change."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / JOURNAL_NAME
        self.header: Header | None = None
        self.entries: Entries = {}
        self.lines = 0  # lines in the file (for compaction)
        self._fd: int | None = None

    # -- reading -------------------------------------------------------------------------------------
    @classmethod
    def read(cls, directory: Path) -> Journal:
        j = cls(directory)
        try:
            raw = j.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return j
        except PermissionError:
            raise DataplaneError(f"cannot read the data plane's ledger {j.path}: it is root's (run as root)") from None
        for line in raw.split(b"\n"):
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a torn last line
            j.lines += 1
            j._replay(rec)
        return j

    def _replay(self, rec: dict[str, Any]) -> None:
        op = rec.get("op")
        if op == "header":
            v = rec["value"]
            self.header = Header(str(v["tag"]), str(v["workspace"]), str(v["identity"]))
        elif op == "put":
            self.entries.setdefault(rec["type"], {})[rec["key"]] = rec.get("value")
        elif op == "del":
            self.entries.get(rec["type"], {}).pop(rec["key"], None)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def live(self) -> int:
        return sum(len(v) for v in self.entries.values())

    # -- writing ---------------------------------------------------------------------------------------
    def start(self, header: Header) -> None:
        """Begin a new journal with ``header`` (atomically replaces whatever was there)."""
        self.header = header
        self.entries = {}
        self._rewrite()

    def put(self, items: list[tuple[str, str, Any]]) -> None:
        """Record ``(type, key, value)`` items with one write (call before making the objects)."""
        lines = []
        for typ, key, value in items:
            self.entries.setdefault(typ, {})[key] = value
            lines.append({"op": "put", "type": typ, "key": key, "value": value})
        self._append(lines)

    def delete(self, items: list[tuple[str, str]]) -> None:
        """Forget ``(type, key)`` items with one write (call after removing the objects)."""
        lines = []
        for typ, key in items:
            if self.entries.get(typ, {}).pop(key, _MISSING) is not _MISSING:
                lines.append({"op": "del", "type": typ, "key": key})
        self._append(lines)

    def _append(self, lines: list[dict[str, Any]]) -> None:
        if not lines:
            return
        if self.header is None:
            raise DataplaneError("internal error: a ledger journal written before its header")
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        data = b"".join(json.dumps(x, separators=(",", ":")).encode() + b"\n" for x in lines)
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]
        self.lines += len(lines)

    def compact(self) -> None:
        """Rewrite the journal as its live records when dead lines outnumber them (amortised linear)."""
        if self.header is not None and self.lines > 2 * self.live + 64:
            self._rewrite()

    def _rewrite(self) -> None:
        assert self.header is not None
        self.close()
        out = [{"op": "header", "value": self.header.to_json()}]
        out += [{"op": "put", "type": t, "key": k, "value": v} for t, kv in self.entries.items() for k, v in kv.items()]
        tmp = self.directory / (JOURNAL_NAME + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"".join(json.dumps(x, separators=(",", ":")).encode() + b"\n" for x in out))
        os.replace(tmp, self.path)
        self.lines = len(out)

    def remove(self) -> None:
        """Delete the journal and the ledger directory (the caller holds the lock and removed everything)."""
        self.close()
        for name in (JOURNAL_NAME, JOURNAL_NAME + ".tmp", LOCK_NAME):
            with contextlib.suppress(FileNotFoundError):
                (self.directory / name).unlink()
        with contextlib.suppress(OSError):
            self.directory.rmdir()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


_MISSING = object()


def ledgers(root: Path | None = None) -> list[Path]:
    """Every ledger directory under the run directory (sorted)."""
    base = root or run_dir()
    try:
        found = list(base.iterdir())
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return []
    return sorted(p for p in found if p.is_dir() and not p.is_symlink() and (p / JOURNAL_NAME).exists())
