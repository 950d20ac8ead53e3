"""Client-side apply bookkeeping: the last-applied-configuration annotation, the three-way merge of
``kubectl apply``, and the comparison that decides ``configured`` versus ``unchanged``.

Source: kubectl's client-side apply (``k8s.io/kubectl/pkg/cmd/apply``). Pure functions of documents; must not
read the workspace.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Doc = dict[str, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def set_last_applied(body: Doc, manifest: Doc) -> None:
    original = copy.deepcopy(manifest)
    meta = original.setdefault("metadata", {})
    if isinstance(meta, dict) and body["metadata"].get("namespace"):
        meta["namespace"] = body["metadata"]["namespace"]
    anns = body["metadata"].setdefault("annotations", {})
    if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict):
        meta["annotations"].pop(LAST_APPLIED, None)
        if not meta["annotations"]:
            del meta["annotations"]
    anns[LAST_APPLIED] = json.dumps(original, sort_keys=True, separators=(",", ":")) + "\n"


def three_way_merge(live: Doc, new: Doc, last: Doc) -> Doc:
    """Client-side apply: fields in ``new`` win (maps merged, lists replaced); fields the last applied
    configuration had and ``new`` dropped are removed; everything else of the live object stays."""
    out = dict(live)
    for k, v in new.items():
        lv = out.get(k)
        if isinstance(v, dict) and isinstance(lv, dict):
            lk = last.get(k)
            out[k] = three_way_merge(lv, v, lk if isinstance(lk, dict) else {})
        else:
            out[k] = copy.deepcopy(v)
    for k in last:
        if k not in new:
            out.pop(k, None)
    return out


def strip_server(doc: Doc) -> Doc:
    out = copy.deepcopy(doc)
    out.pop("status", None)
    meta = out.get("metadata") or {}
    for k in ("resourceVersion", "managedFields", "selfLink"):
        meta.pop(k, None)
    return out


def _comparable(doc: Doc) -> Doc:
    out = dict(doc)
    meta = dict(out.get("metadata") or {})
    for k in ("resourceVersion", "generation", "managedFields"):
        meta.pop(k, None)
    out["metadata"] = meta
    out.pop("status", None)
    return out


def same_object(a: Doc, b: Doc) -> bool:
    return _comparable(a) == _comparable(b)


_TOP_ORDER = ("apiVersion", "kind", "metadata")


def ordered(doc: Doc) -> Doc:
    out = {k: doc[k] for k in _TOP_ORDER if k in doc}
    out.update((k, v) for k, v in doc.items() if k not in out)
    return out
