"""Label and field selectors as ``kubectl -l`` and ``--field-selector`` take them.

Grammar of ``k8s.io/apimachinery/pkg/labels.Parse``: comma-separated requirements ``k=v``, ``k==v``,
``k!=v``, ``k in (a,b)``, ``k notin (a,b)``, ``k`` (exists), ``!k`` (does not exist). Field selectors
(``fields.ParseSelector``): ``path=v``, ``path==v``, ``path!=v`` over the fields each resource supports.
Must not read the workspace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aksnet.errors import KubeError

Matcher = Callable[[dict[str, str]], bool]

_REQ = re.compile(
    r"\s*(?:(?P<not>!)\s*(?P<nkey>[^\s,=!()]+)"
    r"|(?P<key>[^\s,=!()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<val>[^\s,=!()]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<vals>[^)]*)\))?)\s*(?:,|$)"
)


def parse_label_selector(text: str) -> Matcher:
    """A predicate over label maps for a kubectl label selector string (raises KubeError when malformed)."""
    reqs: list[Matcher] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _REQ.match(text, pos)
        if m is None or m.end() == pos:
            raise KubeError(f'error: unable to parse requirement: found \'{text[pos:pos + 1]}\', expected: '
                            f"identifier, '!', 'in', 'notin', '=', '==', '!=' in \"{text}\"")
        pos = m.end()
        reqs.append(_requirement(m))
    return lambda labels: all(r(labels) for r in reqs)


def _requirement(m: re.Match[str]) -> Matcher:
    if m.group("not"):
        k = m.group("nkey")
        return lambda labels: k not in labels
    key = m.group("key")
    op = m.group("op")
    if op in ("=", "=="):
        v = m.group("val")
        return lambda labels: labels.get(key) == v
    if op == "!=":
        v = m.group("val")
        return lambda labels: labels.get(key) != v
    setop = m.group("setop")
    if setop:
        values = {x.strip() for x in m.group("vals").split(",") if x.strip()}
        if setop == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: key not in labels or labels[key] not in values
    return lambda labels: key in labels


# Field selectors each resource supports (besides metadata.name and metadata.namespace).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"),
    "Node": ("spec.unschedulable",),
    "Secret": ("type",),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type"),
    "Namespace": ("status.phase",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
}


def _field(doc: dict[str, Any], path: str) -> str:
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if isinstance(cur, dict) and path == "source":
        return str(cur.get("component", ""))
    return str(cur)


def parse_field_selector(text: str, kind: str, plural: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate over documents for ``--field-selector`` (kubectl's errors for unsupported fields)."""
    reqs: list[tuple[str, bool, str]] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        m = re.match(r"^([^=!]+?)\s*(==|=|!=)\s*(.*)$", part)
        if m is None:
            raise KubeError(f'error: invalid selector: \'{text}\'; can\'t understand \'{part}\'')
        path, op, value = m.group(1), m.group(2), m.group(3)
        if path not in ("metadata.name", "metadata.namespace") and path not in FIELD_LABELS.get(kind, ()):
            raise KubeError(
                f'Error from server (BadRequest): Unable to find {{"" "v1" "{plural}"}} that match label selector '
                f'"", field selector "{text}": field label not supported: {path}'
            )
        reqs.append((path, op != "!=", value))
    return lambda doc: all((_field(doc, p) == v) == eq for p, eq, v in reqs)
