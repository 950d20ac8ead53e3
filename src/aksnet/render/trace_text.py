"""``aksnet trace`` text output: one block per flow, one line per hop (component, decision, the rule that
decided it, and the packet after any NAT), then the verdict. Pure function of the result.
"""

from __future__ import annotations

from aksnet.analyses.trace import HttpOutcome, TraceResult
from aksnet.engine.flow import Walk

_MAX_WIDTH = 56


def render_walk(w: Walk, target_name: str) -> list[str]:
    dst = f"{w.dst_ip}:{w.dst_port}" if w.dst_ip else f"{target_name}:{w.dst_port}"
    lines = [f"trace {w.source.name} ({w.source.ip or 'no IP'}) → {target_name} ({dst}/{w.protocol})"]
    last_pkt = None
    width = min(_MAX_WIDTH, max((len(h.component) for h in w.hops), default=0))
    for i, h in enumerate(w.hops, 1):
        line = f"  {i:>2}. {h.component.ljust(width)}  {h.decision.upper():<8} {h.rule}"
        if h.packet is not None and h.decision in ("dnat", "snat") and h.packet != last_pkt:
            line += f"  [{h.packet}]"
        if h.packet is not None:
            last_pkt = h.packet
        lines.append(line)
    verdict = w.verdict.upper()
    lines.append(f"  => {verdict}: {w.reason}")
    if w.backend is not None:
        lines.append(f"     backend {w.backend.kind} {w.backend.name} {w.backend.ip}:{w.backend.port} sees client "
                     f"{w.backend.client_ip}; return traffic is allowed (stateful)")
    return lines


def render_http(h: HttpOutcome) -> list[str]:
    """A URL trace's answer: the status line, nginx's own headers, what the echo backend saw, warnings."""
    lines: list[str] = []
    if h.status is not None:
        lines.append(f"     {h.status_line}")
        shown = ("Location", "Strict-Transport-Security")
        lines += [f"     {k}: {v}" for k, v in h.response_headers if k in shown]
    if h.answered_by in ("backend", "azure-firewall"):
        lines += [f"     | {line}" for line in h.body.splitlines()]
    lines += [f"     note: {n}" for n in h.notes]
    return lines


def render(result: TraceResult) -> str:
    lines: list[str] = []
    for i, w in enumerate(result.walks):
        lines += render_walk(w, result.target.name)
        if i < len(result.http):
            lines += render_http(result.http[i])
        lines.append("")
    n = len(result.walks)
    ok = sum(1 for w in result.walks if w.delivered)
    if n > 1:
        lines.append(f"{ok}/{n} flows delivered: {result.verdict}")
    else:
        lines.pop()
    return "\n".join(lines)
