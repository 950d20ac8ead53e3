"""``aksnet trace`` text output: one block per flow, one line per hop (component, decision, the rule that
decided it, and the packet after any NAT), then the verdict. Pure function of the result.
"""

from __future__ import annotations

from aksnet.analyses.trace import TraceResult
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


def render(result: TraceResult) -> str:
    lines: list[str] = []
    for w in result.walks:
        lines += render_walk(w, result.target.name)
        lines.append("")
    n = len(result.walks)
    ok = sum(1 for w in result.walks if w.delivered)
    if n > 1:
        lines.append(f"{ok}/{n} flows delivered: {result.verdict}")
    else:
        lines.pop()
    return "\n".join(lines)
