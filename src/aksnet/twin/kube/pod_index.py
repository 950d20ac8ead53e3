"""The pod index the controllers keep between commands: one compact entry per pod with what the cluster-wide
controllers read of every pod (node, phase, IP, host network, resource requests, host ports, owners, readiness),
stored in the workspace beside the generation it describes.

It is the twin's equivalent of kube-scheduler's and the controllers' informer caches
(https://kubernetes.io/docs/concepts/architecture/controller/): a command that changes a few objects of a large
cluster reads this index instead of decoding every pod, and loads the full documents only of the pods the
controllers act on. An index is trusted only when it was written at the generation the workspace is at and the
controllers had converged there (:mod:`aksnet.twin.controller_manager` checks both); otherwise the controllers
run over every document and write a new one. Must not decide anything: it records and answers.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aksnet.store import GENERATION_MARK_PREFIX, Transaction
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.quantity import pod_resources
from aksnet.twin.kube_store import KIND_POD

Doc = dict[str, Any]
# An entry: [nodeName, phase, podIP, hostNetwork, cpu request, memory request, host ports [[protocol, port]],
# owner uids (every ownerReference), controller uid, controller kind, controller name, ready, flags]
Entry = list[Any]
NODE, PHASE, IP, HOST, CPU, MEM, PORTS, OWNERS, CTRL_UID, CTRL_KIND, CTRL_NAME, READY, FLAGS = range(13)
# flags: bit 1 an ALB Controller pod (label app=alb-controller), bit 2 an ingress controller publishing a Service
ALB_POD, PUBLISHER = 1, 2
ALB_LABEL = ("app", "alb-controller")

_INDEX_META = GENERATION_MARK_PREFIX + "pod-index:"
# marshal format 2 writes values only (later formats share repeated objects by reference, so equal indexes
# built in different orders would differ byte for byte)
_MARSHAL_VERSION = 2
_STAMP_META = GENERATION_MARK_PREFIX + "pod-index-at:"


def pod_entry(pod: Doc) -> Entry:
    """The index entry of one pod document."""
    meta, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    refs = meta.get("ownerReferences") or []
    ctrl = next((r for r in refs if r.get("controller")), None) or {}
    containers = spec.get("containers") or []
    req = pod_resources(pod) if any(c.get("resources") for c in containers) else (0.0, 0.0, 0.0)
    ports = sorted({(str(p.get("protocol", "TCP")), int(p["hostPort"]))
                    for c in containers for p in c.get("ports") or [] if p.get("hostPort")})
    cond = next((c for c in st.get("conditions") or [] if c.get("type") == "Ready"), None)
    ready = cond is not None and cond.get("status") == "True"
    flags = ALB_POD if (meta.get("labels") or {}).get(ALB_LABEL[0]) == ALB_LABEL[1] else 0
    if any(isinstance(a, str) and a.startswith("--publish-service")
           for c in containers for a in list(c.get("args") or []) + list(c.get("command") or [])):
        flags |= PUBLISHER
    return [spec.get("nodeName") or "", st.get("phase") or "", st.get("podIP") or "",
            1 if spec.get("hostNetwork") else 0, req[0], req[2], [list(p) for p in ports],
            [str(r.get("uid", "")) for r in refs], str(ctrl.get("uid") or ""), str(ctrl.get("kind") or ""),
            str(ctrl.get("name") or ""), 1 if ready else 0, flags]


def active(e: Entry) -> bool:
    """Not terminal (phase neither Succeeded nor Failed)."""
    return e[PHASE] not in ("Succeeded", "Failed")


def owner_key(key: str, e: Entry) -> tuple[str, str] | None:
    """(controller kind, ``namespace/name``) of the pod's controller, or None."""
    if not e[CTRL_KIND]:
        return None
    return e[CTRL_KIND], f"{key.split('/', 1)[0]}/{e[CTRL_NAME]}"  # object names are DNS-1123: lower case


@dataclass
class PodIndex:
    """Every pod of a cluster in creation order (key → entry), and whether a workload controller left work for
    a later sync (a burst limit was reached)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    unsettled: bool = False

    @classmethod
    def of_docs(cls, items: Iterator[tuple[str, Doc]] | list[tuple[str, Doc]], unsettled: bool) -> PodIndex:
        return cls({k: pod_entry(d) for k, d in items}, unsettled)

    def by_owner(self) -> dict[str, list[str]]:
        """Pod keys per controller uid, in creation order."""
        out: dict[str, list[str]] = {}
        for k, e in self.entries.items():
            if e[CTRL_UID]:
                out.setdefault(e[CTRL_UID], []).append(k)
        return out


def load(tx: Transaction, scope: str, generation: str) -> PodIndex | None:
    """The stored index, if it describes the workspace at ``generation`` (and this Python can read it)."""
    if tx.meta_get(_STAMP_META + scope) != generation:
        return None
    raw = tx.meta_get_bytes(_INDEX_META + scope)
    if raw is None:
        return None
    try:
        data = marshal.loads(raw)
        return PodIndex(dict(zip(data[1], data[2], strict=True)), bool(data[0]))
    except (ValueError, EOFError, TypeError, IndexError):
        return None  # written by another Python: the controllers run in full and write it anew


def save(tx: Transaction, scope: str, index: PodIndex | None, generation: str) -> None:
    """Store ``index`` (None: only move its stamp, the entries being unchanged) as describing ``generation``.
    The entries are plain lists of strings and numbers, stored with ``marshal`` (several times faster than
    JSON both ways; a cache, so its format may follow the Python version)."""
    if index is not None:
        tx.meta_set(_INDEX_META + scope, marshal.dumps((index.unsettled, list(index.entries),
                                                         list(index.entries.values())), _MARSHAL_VERSION))
    tx.meta_set(_STAMP_META + scope, generation)


def restamp(tx: Transaction, scope: str, old: str, new: str) -> None:
    """Carry a valid index (stamped ``old``) over to generation ``new`` (nothing it records changed)."""
    if tx.meta_get(_STAMP_META + scope) == old:
        tx.meta_set(_STAMP_META + scope, new)


def current(objs: ClusterObjects, base: PodIndex) -> dict[str, Entry]:
    """``base`` (the pods when the command started) with this command's changes so far, in the order the pods'
    table lists them: changed pods in place, deleted ones gone, new and re-created ones last in creation order."""
    changed = objs.changed_keys(KIND_POD)
    if not changed:
        return base.entries
    view: dict[str, Entry] = {}
    for k, e in base.entries.items():
        if k not in changed:
            view[k] = e
            continue
        doc = objs.get(KIND_POD, k)
        if doc is not None and not objs.recreated(KIND_POD, k):
            view[k] = pod_entry(doc)
    fresh = {k for k in changed if k not in base.entries or objs.recreated(KIND_POD, k)}
    for k in objs.in_table_order(KIND_POD, fresh):
        doc = objs.get(KIND_POD, k)
        if doc is not None:
            view[k] = pod_entry(doc)
    return view


class LazyPodsByOwner(dict[str, list[Doc]]):
    """``workloads.pods_by_owner`` for an incremental pass: an owner's pods are read (by key, from the index's
    list) the first time the owner is asked for; later changes go through the workload controllers as usual."""

    def __init__(self, objs: ClusterObjects, keys_by_owner: dict[str, list[str]]) -> None:
        super().__init__()
        self._objs = objs
        self._keys = keys_by_owner

    def _load(self, uid: str) -> None:
        if not dict.__contains__(self, uid):
            docs = [d for k in self._keys.get(uid, ()) if (d := self._objs.get(KIND_POD, k)) is not None]
            if docs:
                dict.__setitem__(self, uid, docs)

    def get(self, uid: str, default: Any = None) -> Any:  # type: ignore[override]
        self._load(uid)
        return dict.get(self, uid, default)

    def setdefault(self, uid: str, default: Any = None) -> Any:  # type: ignore[override]
        self._load(uid)
        return dict.setdefault(self, uid, default)
