"""``aksnet explain --exposure -o dot``: what the cluster exposes as a Graphviz graph, sources → frontends →
workloads. A source is the client a walk started from (the internet, a VNet VM); a frontend is a load balancer
frontend or node port (``address:port/protocol``) or an ingress route (its URL, reached through the
controller's frontend); a workload is what the frontend or route reaches. An edge carries the status and the
deciding rule; blocked edges are dashed red. Every name goes through :mod:`aksnet.render.dot_escape`. Pure: a
string out; knows no twin."""

from __future__ import annotations

from aksnet.analyses.exposure import REACHABLE, ExposureReport
from aksnet.render.dot_escape import label_lines, quote


def _edge(a: str, b: str, status: str, rule: str = "") -> str:
    style = "" if status == REACHABLE else ", style=dashed, color=red, fontcolor=red"
    label = label_lines(status, rule) if rule else quote(status)
    return f"  {quote(a)} -> {quote(b)} [label={label}{style}];"


def render(report: ExposureReport) -> str:
    nodes: dict[str, str] = {}  # node id → its declaration (first wins; order of appearance)
    edges: list[str] = []

    def node(ident: str, shape: str, *label: str) -> str:
        nodes.setdefault(ident, f"  {quote(ident)} [shape={shape}, label={label_lines(*label)}];")
        return ident

    for fe in report.frontends:
        src = node(f"source {fe.client}", "ellipse", fe.client)
        front = node(f"frontend {fe.scope} {fe.address}:{fe.port}/{fe.protocol}", "box",
                     f"{fe.address}:{fe.port}/{fe.protocol}", f"{fe.kind} {fe.via}", fe.service)
        edges.append(_edge(src, front, fe.status, fe.rule))
        for w in fe.workloads:
            edges.append(_edge(front, node(f"workload {w}", "component", w), fe.status))
    for ing in report.ingresses:
        src = node(f"source {ing.client}", "ellipse", ing.client)
        route = node(f"route {ing.url} {ing.ingress}", "box", ing.url, f"ingress {ing.ingress}",
                     f"controller {ing.controller}")
        edges.append(_edge(src, route, ing.status, ing.rule))
        for b in ing.backends:
            edges.append(_edge(route, node(f"workload {b.workload}", "component", b.workload), b.status, b.rule))
    return "\n".join(["digraph exposure {", "  rankdir=LR;", "  node [fontname=Helvetica];",
                      "  edge [fontname=Helvetica, fontsize=10];", *nodes.values(), *dict.fromkeys(edges), "}"]) + "\n"
