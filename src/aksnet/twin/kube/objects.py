"""An in-memory cache of one cluster's Kubernetes documents for the duration of one command.

The API server and the controllers read and write through :class:`ClusterObjects`; each kind is loaded
from the workspace once, on first use, and changed documents are written back once, by :meth:`flush`.
This is what keeps ``kubectl apply`` of thousands of objects linear: nothing re-reads the workspace per
object. The cache belongs to one transaction; :func:`flush` writes it back and forgets it, so code that
writes the workspace directly (other resource providers) is seen by the next :func:`open_objects`.
Contract: code that reads or writes Kubernetes documents during a reconcile uses :func:`open_objects`
(never ``tx`` directly); ``reconcile_cluster`` flushes once at its end.

Must not know any Kubernetes rule beyond where documents live (``aksnet.twin.kube_store``).
"""

from __future__ import annotations

import bisect
import gc
import json
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import clock
from aksnet.twin.kube_store import cluster_scope

Doc = dict[str, Any]

KIND_CLUSTER = "microsoft.containerservice/managedclusters"
_RV_META = "k8s-resource-version:"
_NAMES_META = "k8s-generated-names:"


class ClusterObjects:
    """The documents of one cluster (scope), loaded lazily per kind, written back on :meth:`flush`."""

    def __init__(self, tx: Transaction, cluster_id: str) -> None:
        self.tx = tx
        self.cluster_id = cluster_id
        self.scope = cluster_scope(cluster_id)
        self._kinds: dict[str, dict[str, Doc]] = {}
        # documents read by key before their kind was loaded (a single-object get reads one row, not the kind)
        self._single: dict[tuple[str, str], Doc | None] = {}
        self._single_keys: dict[str, list[str]] = {}  # per kind, the keys in _single, sorted (prefix ranges)
        self._dirty: dict[tuple[str, str], None] = {}
        self._deleted: dict[tuple[str, str], None] = {}
        # the order in which keys were first put in this command (since their last delete), and the stored keys
        # deleted and put again: a kind's table lists new and re-created documents last, in this order
        self._put_order: dict[tuple[str, str], int] = {}
        self._recreated: set[tuple[str, str]] = set()
        self._rv: int | None = None
        self._generated: dict[str, int] | None = None
        self._generated_dirty = False
        self._cluster: Doc | None = None
        self.extra: dict[str, Any] = {}  # per-command scratch space of controllers (e.g. node indexes)
        self._now: str | None = None

    # -- reading ---------------------------------------------------------------------------------
    def _kind(self, kind: str) -> dict[str, Doc]:
        table = self._kinds.get(kind)
        if table is None:
            table = dict(self.tx.items(kind, self.scope))
            for (k, key), doc in self._single.items():
                if k != kind:
                    continue
                if doc is None:
                    table.pop(key, None)  # deleted by key in this command
                else:
                    table[key] = doc  # keep the object a caller may have changed (and touched)
            self._kinds[kind] = table
        return table

    def docs(self, kind: str) -> list[Doc]:
        """Every document of ``kind``, oldest first."""
        return list(self._kind(kind).values())

    def items(self, kind: str) -> list[tuple[str, Doc]]:
        return list(self._kind(kind).items())

    def get(self, kind: str, key: str) -> Doc | None:
        """One document by key: from the loaded kind, else one row of the workspace (remembered)."""
        k = key.lower()
        table = self._kinds.get(kind)
        if table is not None:
            return table.get(k)
        if (kind, k) not in self._single:
            self._remember(kind, k, self.tx.get(kind, k, self.scope))
        return self._single[(kind, k)]

    def _remember(self, kind: str, key: str, doc: Doc | None) -> None:
        if (kind, key) not in self._single:
            bisect.insort(self._single_keys.setdefault(kind, []), key)
        self._single[(kind, key)] = doc

    def with_prefix(self, kind: str, prefix: str) -> list[Doc]:
        """The documents of ``kind`` whose key starts with ``prefix``, oldest first, without loading the kind
        (an index range of the workspace) unless it is loaded already."""
        p = prefix.lower()
        table = self._kinds.get(kind)
        if table is not None:
            return [d for k, d in table.items() if k.startswith(p)]
        found = dict(self.tx.items(kind, self.scope, p))
        keys = self._single_keys.get(kind, [])
        i = bisect.bisect_left(keys, p)
        while i < len(keys) and keys[i].startswith(p):
            key = keys[i]
            i += 1
            doc = self._single[(kind, key)]
            if doc is None:
                found.pop(key, None)
            else:
                found[key] = doc
        return list(found.values())

    def changed_keys(self, kind: str) -> set[str]:
        """The keys of ``kind`` this command has written or deleted so far (in the workspace or only here)."""
        out = set((self.tx.written_keys.get((kind, self.scope)) or {}).keys())
        out.update(k for kd, k in self._dirty if kd == kind)
        out.update(k for kd, k in self._deleted if kd == kind)
        return out

    def recreated(self, kind: str, key: str) -> bool:
        """Whether a stored document was deleted and put again in this command (its table entry moved last)."""
        return (kind, key) in self._recreated

    def in_table_order(self, kind: str, keys: set[str]) -> list[str]:
        """``keys`` in the order :meth:`docs` lists documents once the kind is loaded: stored ones by creation,
        then new and re-created ones in the order they were put (keys of no document come last)."""
        table = self._kinds.get(kind)
        if table is not None:
            return [k for k in table if k in keys]
        seqs = self.tx.seqs(kind, sorted(keys), self.scope)
        last = len(self._put_order)

        def rank(k: str) -> tuple[int, int]:
            if k in seqs and (kind, k) not in self._recreated:
                return (0, seqs[k])
            return (1, self._put_order.get((kind, k), last))
        return sorted(keys, key=lambda k: (rank(k), k))

    def count(self, kind: str) -> int:
        return len(self._kind(kind))

    def cluster(self) -> Doc:
        """The managed cluster's ARM document (``{}`` when the cluster is not in the workspace)."""
        if self._cluster is None:
            self._cluster = self.tx.get(KIND_CLUSTER, self.cluster_id) or {}
        return self._cluster

    # -- writing ---------------------------------------------------------------------------------
    def put(self, kind: str, key: str, doc: Doc) -> None:
        k = key.lower()
        table = self._kinds.get(kind)
        if table is None:
            self._remember(kind, k, doc)  # a write by key does not load the kind
        else:
            table[k] = doc
        self._dirty[(kind, k)] = None
        if self._deleted.pop((kind, k), "absent") is None:
            self._recreated.add((kind, k))
        self._put_order.setdefault((kind, k), len(self._put_order))

    def touch(self, kind: str, key: str) -> None:
        """Mark a document changed in place (the caller mutated what :meth:`get` returned)."""
        self._dirty[(kind, key.lower())] = None

    def delete(self, kind: str, key: str) -> bool:
        k = key.lower()
        table = self._kinds.get(kind)
        if table is None:
            if self.get(kind, k) is None:
                return False
            self._remember(kind, k, None)
        elif k not in table:
            return False
        else:
            del table[k]
        self._dirty.pop((kind, k), None)
        self._deleted[(kind, k)] = None
        self._put_order.pop((kind, k), None)
        return True

    def timestamp(self) -> str:
        """The command's time (one instant per command), as metav1.Time text."""
        if self._now is None:
            self._now = clock.timestamp()
        return self._now

    def next_resource_version(self) -> str:
        """The cluster's next resourceVersion (one counter per cluster, like an etcd revision)."""
        if self._rv is None:
            self._rv = int(self.tx.meta_get(_RV_META + self.scope, "0") or "0")
        self._rv += 1
        return str(self._rv)

    def generated_count(self, seed: str) -> int:
        """How many names a controller has generated from ``seed`` in this cluster (so that a pod that
        replaces a deleted one gets a new name, as generateName's random suffix would give it)."""
        if self._generated is None:
            raw = self.tx.meta_get(_NAMES_META + self.scope, "{}") or "{}"
            try:
                loaded = json.loads(raw)
            except json.JSONDecodeError:
                loaded = {}
            self._generated = {str(k): int(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        return self._generated.get(seed, 0)

    def set_generated_count(self, seed: str, count: int) -> None:
        self.generated_count(seed)
        assert self._generated is not None
        self._generated[seed] = count
        self._generated_dirty = True

    def forget_generated(self, prefix: str) -> None:
        """Drop the counters of an owner that is gone (seeds start with its uid)."""
        self.generated_count("")
        assert self._generated is not None
        gone = [k for k in self._generated if k.startswith(prefix)]
        for k in gone:
            del self._generated[k]
        if gone:
            self._generated_dirty = True

    def flush(self) -> None:
        """Write changed and deleted documents back to the transaction (creation order is kept)."""
        tx = self.tx
        for kind, key in self._deleted:
            tx.delete(kind, key, self.scope)
        rows = []
        for kind, key in self._dirty:
            table = self._kinds.get(kind)
            doc = table.get(key) if table is not None else self._single.get((kind, key))
            if doc is not None:
                rows.append((kind, key, doc))
        tx.put_bulk(rows, self.scope)
        self._dirty.clear()
        self._deleted.clear()
        if self._rv is not None and tx.writable:
            tx.meta_set(_RV_META + self.scope, str(self._rv))
        if self._generated is not None and self._generated_dirty and tx.writable:
            tx.meta_set(_NAMES_META + self.scope, json.dumps(self._generated, sort_keys=True, separators=(",", ":")))
            self._generated_dirty = False

    @property
    def dirty(self) -> bool:
        return bool(self._dirty or self._deleted)

    def pending_ops(self) -> set[tuple[str, str]]:
        """(kind, "put" or "delete") of the changes not written back yet."""
        return {(kind, "put") for kind, _ in self._dirty} | {(kind, "delete") for kind, _ in self._deleted}

    def pending_kinds(self) -> set[str]:
        """The kinds of the changed and deleted documents not written back yet."""
        return {kind for kind, _ in self._dirty} | {kind for kind, _ in self._deleted}


_OPEN: weakref.WeakKeyDictionary[Transaction, dict[str, ClusterObjects]] = weakref.WeakKeyDictionary()


def open_objects(tx: Transaction, cluster_id: str) -> ClusterObjects:
    """The transaction's cache of ``cluster_id`` (created on first use)."""
    per_tx = _OPEN.setdefault(tx, {})
    scope = cluster_scope(cluster_id)
    objs = per_tx.get(scope)
    if objs is None:
        objs = ClusterObjects(tx, cluster_id)
        per_tx[scope] = objs
    return objs


def flush(tx: Transaction, cluster_id: str) -> None:
    """Write the cluster's cache back and forget it."""
    per_tx = _OPEN.get(tx)
    if not per_tx:
        return
    objs = per_tx.pop(cluster_scope(cluster_id), None)
    if objs is not None:
        objs.flush()


def changed_kinds(tx: Transaction, cluster_id: str) -> set[str]:
    """The kinds this command has changed so far: written to the workspace, or pending in the cluster's cache."""
    per_tx = _OPEN.get(tx)
    objs = per_tx.get(cluster_scope(cluster_id)) if per_tx else None
    return tx.written_kinds | (objs.pending_kinds() if objs is not None else set())


def flush_dirty(tx: Transaction, cluster_id: str) -> None:
    """Write pending changes but keep the cache (before calling code that reads the workspace directly)."""
    per_tx = _OPEN.get(tx)
    objs = per_tx.get(cluster_scope(cluster_id)) if per_tx else None
    if objs is not None and objs.dirty:
        objs.flush()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while controllers build and write documents. Documents are
    trees of dicts and lists without reference cycles (reference counting frees them), but creating tens of
    thousands of them (a 1,000-node cluster's system pods and events) makes the collector walk the whole
    heap again and again: ~30 % of an ``az aks create --node-count 1000``. Re-enabled afterwards, even on
    an error, and only if it was on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
