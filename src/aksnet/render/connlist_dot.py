"""Graphviz dot rendering (netpol-analyzer ``conns_formatter_dot.go``): one ``subgraph cluster_<ns>`` per
namespace with its workloads (blue), addresses outside the cluster (and ``matrix --path``'s internet client,
VMs and load balancer frontends) as red ovals, one edge per connection
labelled with its connections; diff edges coloured by diff type (added green, removed red, changed
magenta), as netpol-analyzer's diff dot output does. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aksnet.render.chunks import CHUNK_CHARS, ConnLines, chunked, line_names, line_texts

if TYPE_CHECKING:
    from aksnet.analyses.diff import DiffResult

# ``ns/name[Kind]``: a workload or pod, drawn inside its namespace; anything else is outside the cluster
_WORKLOAD = re.compile(r"^[^/\[\]]+/[^/\[\]]+\[[A-Za-z]+\]$")
_DIFF_COLORS = {"added": "#008000", "removed": "red2", "changed": "magenta", "unchanged": "grey"}


def _node_lines(names: set[str]) -> list[str]:
    by_ns: dict[str, list[str]] = {}
    others: list[str] = []
    for n in sorted(names):
        if _WORKLOAD.match(n) and not n.endswith("[External]"):
            by_ns.setdefault(n.split("/", 1)[0], []).append(n)
        else:  # outside the cluster: address ranges, and matrix --path's internet client, VMs, LB frontends
            others.append(n)
    out: list[str] = []
    for ns in sorted(by_ns):
        out.append(f"\tsubgraph \"cluster_{ns}\" {{")
        for n in by_ns[ns]:
            label = n.split("/", 1)[1]
            out.append(f"\t\t\"{n}\" [label=\"{label}\" color=\"blue\" fontcolor=\"blue\"]")
        out.append(f"\t\tlabel=\"{ns}\"")
        out.append("\t}")
    for n in others:
        out.append(f"\t\"{n}\" [label=\"{n}\" color=\"red2\" fontcolor=\"red2\"]")
    return out


def render_chunks(result: ConnLines, chunk_chars: int = CHUNK_CHARS) -> Iterator[str]:
    """Two passes over the rows: the peers first (graphviz wants the nodes in their subgraphs), then edges."""
    def lines() -> Iterator[str]:
        yield "digraph {\n"
        for n in _node_lines(line_names(result)):
            yield n + "\n"
        yield from line_texts(result, '\t"{}" -> "', '" [label="', '" color="gold2" fontcolor="darkgreen"]\n')
        yield "}\n"

    return chunked(lines(), chunk_chars)


def render_connlist(result: ConnLines) -> str:
    return "".join(render_chunks(result))


def render_diff(diff: DiffResult) -> str:
    names = {e.src for e in diff.entries} | {e.dst for e in diff.entries}
    lines = ["digraph {", *_node_lines(names)]
    for e in diff.entries:
        label = str(e.ref2) if e.diff_type == "added" else (
            str(e.ref1) if e.diff_type == "removed" else f"{e.ref2} (ref1: {e.ref1})")
        color = _DIFF_COLORS[e.diff_type]
        lines.append(f"\t\"{e.src}\" -> \"{e.dst}\" [label=\"{label}\" color=\"{color}\" fontcolor=\"{color}\"]")
    lines.append("}")
    return "\n".join(lines) + "\n"
