"""Events, as controllers and the scheduler record them (``kubectl describe`` shows them).

An Event is deduplicated like client-go's EventCorrelator does: the same object, reason and message
increments ``count`` and moves ``lastTimestamp`` instead of creating a new Event. Must not decide anything:
callers say what happened.
"""

from __future__ import annotations

from typing import Any

from aksnet.twin.arm import deterministic_uuid
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube_store import KIND_EVENT

Doc = dict[str, Any]


def _prefix(meta: Doc) -> str:
    """The key range of an object's events: they are named ``<object name>.<counter>`` in its namespace."""
    return f"{meta.get('namespace') or 'default'}/{meta.get('name', '')}."


def _index(objs: ClusterObjects, meta: Doc) -> dict[tuple[str, str, str], Doc]:
    """The (uid, reason, message) → Event index of the events about one object, read once per command from
    that object's key range (never every event of the cluster)."""
    per_object: dict[str, dict[tuple[str, str, str], Doc]] = objs.extra.setdefault("events", {})
    prefix = _prefix(meta)
    idx = per_object.get(prefix)
    if idx is None:
        idx = {}
        for ev in objs.with_prefix(KIND_EVENT, prefix):
            io = ev.get("involvedObject") or {}
            idx[(str(io.get("uid", "")), str(ev.get("reason", "")), str(ev.get("message", "")))] = ev
        per_object[prefix] = idx
    return idx


def record(objs: ClusterObjects, involved: Doc, reason: str, message: str, type_: str = "Normal",
           component: str = "", host: str | None = None) -> Doc:
    """Record (or count again) an event about ``involved``."""
    meta = involved["metadata"]
    uid = str(meta.get("uid", ""))
    idx = _index(objs, meta)
    now = objs.timestamp()
    existing = idx.get((uid, reason, message))
    if existing is not None:
        existing["count"] = int(existing.get("count", 1)) + 1
        existing["lastTimestamp"] = now
        existing["metadata"]["resourceVersion"] = objs.next_resource_version()
        objs.touch(KIND_EVENT, f"{existing['metadata']['namespace']}/{existing['metadata']['name']}")
        return existing
    ns = meta.get("namespace") or "default"
    rv = objs.next_resource_version()
    # Kubernetes names events <object>.<hex nanoseconds>; a monotonic counter keeps them in time order
    name = f"{meta['name']}.{int(rv):016x}"
    source: Doc = {"component": component}
    if host:
        source["host"] = host
    ev: Doc = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": ns, "uid": deterministic_uuid("k8s-event", objs.scope, ns, name),
                     "resourceVersion": rv, "creationTimestamp": now},
        "involvedObject": {"apiVersion": involved.get("apiVersion", "v1"), "kind": involved.get("kind", ""),
                           "name": meta["name"], "uid": uid, "resourceVersion": meta.get("resourceVersion", "")},
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": type_,
        "eventTime": None,
        "reportingComponent": component,
        "reportingInstance": host or "",
    }
    if meta.get("namespace"):
        ev["involvedObject"]["namespace"] = meta["namespace"]
    objs.put(KIND_EVENT, f"{ns}/{name}", ev)
    idx[(uid, reason, message)] = ev
    return ev


def for_object(objs: ClusterObjects, involved: Doc) -> list[Doc]:
    """The events about one object, oldest first (``kubectl describe``). Events are named
    ``<object name>.<counter>`` in the object's namespace (``record``), so only that key range is read."""
    meta = involved.get("metadata") or {}
    uid = str(meta.get("uid", ""))
    evs = [e for e in objs.with_prefix(KIND_EVENT, _prefix(meta)) if (e.get("involvedObject") or {}).get("uid") == uid]
    evs.sort(key=lambda e: (e.get("firstTimestamp") or "", e["metadata"].get("resourceVersion", "")))
    return evs
