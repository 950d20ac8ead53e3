"""``aksnet trace -o svg``'s graph as Graphviz DOT: per flow, the source, one node per hop (component, decision,
the rule by name) and the verdict, chained in order; denied hops red, NAT hops marked. Names come from
manifests and go through :func:`aksnet.render.dot_escape.quote`. Pure: runs no Graphviz, never prints.
"""

from __future__ import annotations

from aksnet.analyses.trace import TraceResult
from aksnet.render.dot_escape import label_lines, quote

_COLORS = {"deny": "#c00000", "drop": "#c00000", "dnat": "#7030a0", "snat": "#7030a0"}


def render(result: TraceResult) -> str:
    """One DOT digraph; every node's DOT name is its readable text (the SVG ``<title>``), every edge labelled."""
    lines = ["digraph trace {", "\trankdir=TB", '\tnode [fontname="Helvetica" fontsize=10 shape=box]',
             '\tedge [fontname="Helvetica" fontsize=9]']
    for i, w in enumerate(result.walks, 1):
        src = f"flow {i} source {w.source.name} ({w.source.ip or 'no IP'})"
        lines.append(f"\t{quote(src)} [label={label_lines(w.source.name, w.source.ip or 'no IP')} shape=ellipse]")
        prev = src
        for n, h in enumerate(w.hops, 1):
            name = f"flow {i} hop {n} {h.component} {h.decision.upper()} {h.rule}"
            color = _COLORS.get(h.decision.lower(), "#2f5597")
            extra = (str(h.packet),) if h.packet is not None and h.decision in ("dnat", "snat") else ()
            label = label_lines(f"{n}. {h.component}", h.decision.upper(), h.rule, *extra)
            lines.append(f"\t{quote(name)} [label={label} color={quote(color)}]")
            lines.append(f"\t{quote(prev)} -> {quote(name)} [label={quote(f'hop {n}')}]")
            prev = name
        end = f"flow {i} {w.verdict.upper()}: {w.reason}"
        color = "#375623" if w.delivered else "#c00000"
        lines.append(f"\t{quote(end)} [label={label_lines(w.verdict.upper(), w.reason)} shape=doubleoctagon "
                     f"color={quote(color)}]")
        lines.append(f"\t{quote(prev)} -> {quote(end)} [label={quote('verdict')}]")
    lines.append("}")
    return "\n".join(lines) + "\n"
