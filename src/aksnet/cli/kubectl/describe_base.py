"""The text layout of ``kubectl describe`` (``k8s.io/kubectl/pkg/describe``): aligned ``Label:  value``
blocks, multi-line label lists, timestamps, and the Events table. Must not read the workspace except the
events of the described object."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.session import Session
from aksnet.cli.kubectl.tables import NONE
from aksnet.twin.kube import clock, events

Doc = dict[str, Any]


class Out:
    """A describe writer: ``field(label, value)`` aligns values at a column per indentation block."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str, str | None]] = []

    def field(self, label: str, value: Any, indent: int = 0) -> None:
        self.lines.append((indent, label + ":", "" if value is None else str(value)))

    def text(self, line: str, indent: int = 0) -> None:
        self.lines.append((indent, line, None))

    def multi(self, label: str, items: list[str], indent: int = 0) -> None:
        if not items:
            self.field(label, NONE, indent)
            return
        self.field(label, items[0], indent)
        for it in items[1:]:
            self.lines.append((indent, "", it))

    def render(self) -> str:
        out: list[str] = []
        block: list[tuple[int, str, str | None]] = []

        def flush() -> None:
            if not block:
                return
            width = max(len(lbl) for _, lbl, _ in block)
            ind = block[0][0]
            for _, lbl, val in block:
                out.append(" " * ind + lbl.ljust(width + 2) + (val or ""))
            block.clear()

        for ind, lbl, val in self.lines:
            if val is None:
                flush()
                out.append(" " * ind + lbl)
                continue
            if block and block[0][0] != ind:
                flush()
            block.append((ind, lbl, val))
        flush()
        return "\n".join(out) + "\n"


def fmt_time(ts: str | None) -> str:
    if not ts:
        return NONE
    return clock.parse(ts).strftime("%a, %d %b %Y %H:%M:%S +0000")


def kv_list(m: dict[str, str] | None, sep: str = "=") -> list[str]:
    return [f"{k}{sep}{v}" for k, v in sorted((m or {}).items())]


def annotation_list(meta: Doc) -> list[str]:
    anns = {k: v for k, v in (meta.get("annotations") or {}).items()
            if k != "kubectl.kubernetes.io/last-applied-configuration"}
    return kv_list(anns, ": ")


def meta_fields(o: Out, doc: Doc, ns: bool = True) -> None:
    meta = doc["metadata"]
    o.field("Name", meta["name"])
    if ns and meta.get("namespace"):
        o.field("Namespace", meta["namespace"])


def events_section(o: Out, s: Session, doc: Doc) -> None:
    evs = events.for_object(s.api.objs, doc)
    if not evs:
        o.field("Events", NONE)
        return
    o.text("Events:")
    rows = [["Type", "Reason", "Age", "From", "Message"], ["----", "------", "----", "----", "-------"]]
    for e in evs:
        last = clock.age(e.get("lastTimestamp"))
        count = int(e.get("count", 1))
        age = last if count <= 1 else f"{last} (x{count} over {clock.age(e.get('firstTimestamp'))})"
        rows.append([str(e.get("type", "")), str(e.get("reason", "")), age,
                     str((e.get("source") or {}).get("component", "")), str(e.get("message", ""))])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        o.text("  " + "".join(c.ljust(widths[i] + 2) for i, c in enumerate(r[:4])) + r[4])
