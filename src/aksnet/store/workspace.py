"""The workspace store: documents in SQLite, one transaction per command.

Every Azure resource is kept as the ARM JSON document ``az … show`` prints (key: its lower-cased resource
ID, kind: its lower-cased resource type); every Kubernetes object as the JSON the API server returns (kind
``k8s:<group>/<Kind>``, scope: the lower-cased cluster resource ID, key ``<namespace>/<name>`` or ``<name>``).
Child resources (subnets, security rules, routes) live inside their parent's document, as in ARM.

A command runs in exactly one :class:`Transaction` (``BEGIN IMMEDIATE``: writers are serialised, so two
processes never lose an update); any exception rolls everything back, so a failed command leaves the
workspace exactly as it was. This module must not know any Azure or Kubernetes rule.
"""

from __future__ import annotations

import builtins
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from aksnet.errors import WorkspaceError
from aksnet.model.ids import id_key
from aksnet.store.private import FILE_MODE, create_private_file, make_private_dir

SCHEMA_VERSION = "1"
DB_NAME = "workspace.db"
GENERATION_KEY = "generation"
EVERY_KIND = "*"  # in Transaction.written_kinds: a whole scope or the workspace was cleared
# Meta entries whose value is a generation of this workspace (what a cache or a controller last saw), or was
# derived from this workspace at one generation: meaningless in any other workspace, so never exported.
GENERATION_MARK_PREFIX = "generation-mark:"
WORKSPACE_ID_KEY = "workspace-id"
# Metadata the store owns (never exported, imported or cleared by a command)
STORE_META = ("schema", GENERATION_KEY, WORKSPACE_ID_KEY)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind  TEXT NOT NULL,
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    body  TEXT NOT NULL,
    PRIMARY KEY (kind, scope, key)
);
CREATE INDEX IF NOT EXISTS objects_by_scope ON objects (scope, kind, seq);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

Doc = dict[str, Any]
Docs = list[Doc]
Items = list[tuple[str, Doc]]
Strs = list[str]


def default_home() -> Path:
    """``$AKSNET_HOME`` when set, else ``./.aksnet``."""
    env = os.environ.get("AKSNET_HOME")
    return Path(env) if env else Path.cwd() / ".aksnet"


def _make_private_db(db: Path) -> None:
    """The database holds TLS private keys and kubeconfigs: create it 0600 before SQLite opens it (SQLite
    gives its ``-wal`` and ``-shm`` files the database file's mode), and tighten a workspace made by an older
    aksnet with a wider mode."""
    if create_private_file(db):
        return
    for suffix in ("", "-wal", "-shm"):
        f = db.with_name(db.name + suffix)
        try:
            st = f.stat()
        except FileNotFoundError:
            continue
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(f, FILE_MODE)


class Transaction:
    """Reads and writes of one command. Obtain it from :meth:`Workspace.transaction`."""

    def __init__(self, conn: sqlite3.Connection, writable: bool, cache_dir: Path | None = None) -> None:
        self._conn = conn
        self.writable = writable
        self.changed = False
        # the kinds of the documents this transaction wrote or deleted (``EVERY_KIND`` after a scope or the
        # whole workspace was cleared): what later work in the same command may depend on
        self.written_kinds: set[str] = set()
        # per (kind, scope), the keys this transaction wrote ("put") or deleted ("delete"), with every
        # operation seen: what an incremental consumer (the controller manager) must look at again
        self.written_keys: dict[tuple[str, str], dict[str, set[str]]] = {}
        # where caches derived from this workspace may be kept (its directory); None for one in memory
        self.cache_dir = cache_dir

    # -- documents -------------------------------------------------------------------------------
    def get(self, kind: str, key: str, scope: str = "") -> Doc | None:
        row = self._conn.execute(
            "SELECT body FROM objects WHERE kind=? AND scope=? AND key=?", (kind, scope, id_key(key))
        ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def exists(self, kind: str, key: str, scope: str = "") -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM objects WHERE kind=? AND scope=? AND key=?", (kind, scope, id_key(key))
        ).fetchone()
        return row is not None

    def list(self, kind: str, scope: str | None = "", key_prefix: str = "") -> Docs:
        """Documents of ``kind`` in creation order; ``scope=None`` means every scope."""
        return [doc for _, doc in self.items(kind, scope, key_prefix)]

    def items(self, kind: str, scope: str | None = "", key_prefix: str = "") -> Items:
        sql = "SELECT key, body FROM objects WHERE kind=?"
        args: builtins.list[Any] = [kind]
        if scope is not None:
            sql += " AND scope=?"
            args.append(scope)
        if key_prefix:
            sql += " AND key >= ? AND key < ?"
            p = id_key(key_prefix)
            args += [p, p + "\uffff"]
        sql += " ORDER BY seq"
        return [(k, dict(json.loads(b))) for k, b in self._conn.execute(sql, args)]

    def kinds(self, scope: str) -> Strs:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT kind FROM objects WHERE scope=?", (scope,))]

    def put(self, kind: str, key: str, doc: Doc, scope: str = "") -> None:
        """Create or replace; a replaced document keeps its creation sequence number."""
        self._require_writable()
        body = json.dumps(doc, separators=(",", ":"), sort_keys=False)
        k = id_key(key)
        cur = self._conn.execute(
            "UPDATE objects SET body=? WHERE kind=? AND scope=? AND key=?", (body, kind, scope, k)
        )
        if cur.rowcount == 0:
            self._conn.execute(
                "INSERT INTO objects (kind, scope, key, seq, body) VALUES (?, ?, ?, ?, ?)",
                (kind, scope, k, self.next_seq(), body),
            )
        self.changed = True
        self.written_kinds.add(kind)
        self._note(kind, scope, k, "put")

    def _note(self, kind: str, scope: str, key: str, op: str) -> None:
        self.written_keys.setdefault((kind, scope), {}).setdefault(key, set()).add(op)

    def put_many(self, kind: str, items: Items, scope: str = "") -> None:
        for key, doc in items:
            self.put(kind, key, doc, scope)

    def put_bulk(self, rows: builtins.list[tuple[str, str, Doc]], scope: str = "") -> None:
        """Create or replace many ``(kind, key, doc)`` of one scope in one statement (same semantics as
        :meth:`put`: a replaced document keeps its creation sequence number; new ones are numbered in list
        order)."""
        if not rows:
            return
        self._require_writable()
        start = int(self.meta_get("seq", "0") or "0")
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (str(start + len(rows)),),
        )
        self._conn.executemany(
            "INSERT INTO objects (kind, scope, key, seq, body) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(kind, scope, key) DO UPDATE SET body=excluded.body",
            ((kind, scope, id_key(key), start + i + 1, json.dumps(doc, separators=(",", ":")))
             for i, (kind, key, doc) in enumerate(rows)),
        )
        self.changed = True
        self.written_kinds.update(kind for kind, _, _ in rows)
        for kind, key, _ in rows:
            self._note(kind, scope, id_key(key), "put")

    def delete(self, kind: str, key: str, scope: str = "") -> bool:
        self._require_writable()
        cur = self._conn.execute(
            "DELETE FROM objects WHERE kind=? AND scope=? AND key=?", (kind, scope, id_key(key))
        )
        self.changed = self.changed or cur.rowcount > 0
        if cur.rowcount:
            self.written_kinds.add(kind)
            self._note(kind, scope, id_key(key), "delete")
        return cur.rowcount > 0

    def delete_scope(self, scope: str) -> int:
        """Remove every document of a scope (e.g. all Kubernetes objects of a deleted cluster)."""
        self._require_writable()
        cur = self._conn.execute("DELETE FROM objects WHERE scope=?", (scope,))
        self.changed = self.changed or cur.rowcount > 0
        if cur.rowcount:
            self.written_kinds.add(EVERY_KIND)
        return cur.rowcount

    def creation_seq(self, kind: str, key: str, scope: str = "") -> int | None:
        row = self._conn.execute(
            "SELECT seq FROM objects WHERE kind=? AND scope=? AND key=?", (kind, scope, id_key(key))
        ).fetchone()
        return None if row is None else int(row[0])

    def seqs(self, kind: str, keys: builtins.list[str], scope: str = "") -> dict[str, int]:
        """The creation sequence numbers of those of ``keys`` that exist (key → seq)."""
        out: dict[str, int] = {}
        for i in range(0, len(keys), 500):
            chunk = [id_key(k) for k in keys[i:i + 500]]
            sql = f"SELECT key, seq FROM objects WHERE kind=? AND scope=? AND key IN ({','.join('?' * len(chunk))})"
            out.update((str(k), int(s)) for k, s in self._conn.execute(sql, [kind, scope, *chunk]))
        return out

    def keys(self, kind: str, scope: str = "") -> Strs:
        """The keys of ``kind`` in creation order (no document is decoded)."""
        return [str(r[0]) for r in self._conn.execute(
            "SELECT key FROM objects WHERE kind=? AND scope=? ORDER BY seq", (kind, scope))]

    def dump(self) -> builtins.list[tuple[str, str, str, Doc]]:
        """Every document of every scope as (kind, scope, key, doc), in creation order (export)."""
        rows = self._conn.execute("SELECT kind, scope, key, body FROM objects ORDER BY seq")
        return [(k, sc, key, dict(json.loads(b))) for k, sc, key, b in rows]

    def clear(self) -> None:
        """Remove every document and every metadata entry but the schema version (import --force)."""
        self._require_writable()
        self._conn.execute("DELETE FROM objects")
        self._conn.execute(f"DELETE FROM meta WHERE key NOT IN ({','.join('?' * len(STORE_META))})", STORE_META)
        self.changed = True
        self.written_kinds.add(EVERY_KIND)

    # -- metadata and counters -------------------------------------------------------------------
    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def meta_get_bytes(self, key: str) -> bytes | None:
        """A binary metadata entry (:meth:`meta_set` with bytes), or None."""
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def meta_set(self, key: str, value: str | bytes) -> None:
        self._require_writable()
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )
        self.changed = True

    def meta_items(self) -> dict[str, str]:
        """All text metadata entries (export; binary ones are caches)."""
        return {str(k): str(v) for k, v in self._conn.execute("SELECT key, value FROM meta ORDER BY key")
                if not isinstance(v, bytes)}

    def meta_delete(self, key: str) -> None:
        self._require_writable()
        cur = self._conn.execute("DELETE FROM meta WHERE key=?", (key,))
        self.changed = self.changed or cur.rowcount > 0

    def generation(self) -> str:
        """This workspace's identity and how many committed commands have changed it: equal generations
        mean equal contents (caches of decoded documents are keyed by it)."""
        return f"{self.meta_get(WORKSPACE_ID_KEY, '')}:{self.meta_get(GENERATION_KEY, '0')}"

    def generation_count(self) -> int:
        """How many committed commands have changed this workspace (the count in :meth:`generation`; one more
        once this transaction commits, if it changed something)."""
        return int(self.meta_get(GENERATION_KEY, "0") or "0")

    def next_seq(self) -> int:
        """A workspace-wide, strictly increasing counter (creation order, resourceVersion, …)."""
        cur = self.meta_get("seq", "0")
        value = int(cur or "0") + 1
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES ('seq', ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (str(value),),
        )
        return value

    def _require_writable(self) -> None:
        if not self.writable:
            raise WorkspaceError("internal error: write in a read-only transaction")


class Workspace:
    """One emulated subscription on disk (``$AKSNET_HOME/workspace.db``), or in memory when absent."""

    def __init__(self, home: Path, conn: sqlite3.Connection, on_disk: bool) -> None:
        self.home = home
        self._conn = conn
        self.on_disk = on_disk

    @classmethod
    def open(cls, home: Path | None = None, create: bool = True) -> Workspace:
        """Open the workspace at ``home``. Without ``create`` a missing workspace opens as an empty one in
        memory and nothing is written to disk (read-only commands on a fresh machine)."""
        home = home or default_home()
        db = home / DB_NAME
        if not db.exists() and not create:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            conn.executescript(_SCHEMA)
            return cls(home, conn, on_disk=False)
        try:
            make_private_dir(home)
            _make_private_db(db)
            conn = sqlite3.connect(str(db), isolation_level=None, timeout=60.0)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=60000")
            conn.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise WorkspaceError(f"cannot open the workspace at {home}: {exc}") from exc
        ws = cls(home, conn, on_disk=True)
        ws._check_version()
        return ws

    def _check_version(self) -> None:
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        if self._conn.execute("SELECT 1 FROM meta WHERE key=?", (WORKSPACE_ID_KEY,)).fetchone() is None:
            self._conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                               (WORKSPACE_ID_KEY, uuid.uuid4().hex))
        elif row[0] != SCHEMA_VERSION:
            raise WorkspaceError(
                f"the workspace at {self.home} has schema {row[0]}; this aksnet reads schema {SCHEMA_VERSION}"
            )

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Transaction]:
        """One command's transaction: committed when the block ends, rolled back on any exception."""
        try:
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise WorkspaceError(f"the workspace at {self.home} is busy: {exc}") from exc
        tx = Transaction(self._conn, write, self.home if self.on_disk else None)
        try:
            yield tx
            if tx.changed:
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES (?, '1') "
                    "ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER) + 1", (GENERATION_KEY,))
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")

    def backup_to(self, path: Path) -> None:
        """A consistent copy of the whole database at ``path`` (SQLite's online backup API)."""
        try:
            dst = sqlite3.connect(str(path))
            try:
                self._conn.backup(dst)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise WorkspaceError(f"cannot copy the workspace at {self.home}: {exc}") from exc

    def close(self) -> None:
        self._conn.close()
