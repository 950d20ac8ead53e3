"""``aksnet trace -o json``: the trace result as JSON (pure function of the result).

Top level: ``verdict``, ``reason``, ``source`` and ``destination`` (``ip``, ``port``, ``kind``, ``name``,
``protocol``), ``hops`` (of the deciding flow: the first not delivered, else the first), ``backend`` (who
answered and the client address it saw) and ``flows`` (every source × destination walk, same shape).
``ip`` is null for a pod without an address (Pending) and for a DNS name that did not resolve.
"""

from __future__ import annotations

import json
from typing import Any

from aksnet.analyses.trace import TraceResult
from aksnet.engine.flow import EPHEMERAL_PORT, Hop, Walk


def _hop(h: Hop) -> dict[str, Any]:
    out: dict[str, Any] = {"component": h.component, "decision": h.decision, "rule": h.rule}
    if h.packet is not None:
        p = h.packet
        out["packet"] = {"src": p.src_ip, "srcPort": p.src_port, "dst": p.dst_ip, "dstPort": p.dst_port,
                         "protocol": p.protocol}
    return out


def _source(w: Walk) -> dict[str, Any]:
    s = w.source
    out: dict[str, Any] = {"ip": s.ip or None, "port": EPHEMERAL_PORT, "kind": s.kind, "name": s.name}
    if s.pod is not None:
        out["namespace"] = s.pod.namespace
    if s.node is not None:
        out["node"] = s.node.name
    return out


def flow_json(w: Walk, result: TraceResult) -> dict[str, Any]:
    dest: dict[str, Any] = {"ip": w.dst_ip or None, "port": w.dst_port, "protocol": w.protocol,
                            "kind": result.target.kind, "name": result.target.name}
    if w.destination is not None and w.dst_ip:
        dest["owner"] = {"kind": w.destination.kind, "name": w.destination.name}
    out: dict[str, Any] = {"verdict": w.verdict, "reason": w.reason, "source": _source(w), "destination": dest,
                           "hops": [_hop(h) for h in w.hops]}
    if w.backend is not None:
        b = w.backend
        out["backend"] = {"kind": b.kind, "name": b.name, "ip": b.ip, "port": b.port, "clientIp": b.client_ip}
    http = _http(result, w)
    if http is not None:
        out["http"] = http
    return out


def _http(result: TraceResult, w: Walk) -> dict[str, Any] | None:
    """A URL trace's answer for walk ``w``: status, response headers, the echo body, notes."""
    for walk, h in zip(result.walks, result.http, strict=False):
        if walk is w:
            return {"status": h.status, "answeredBy": h.answered_by or None,
                    "headers": {k: v for k, v in h.response_headers}, "body": h.body, "notes": list(h.notes)}
    return None


def render(result: TraceResult) -> str:
    main = flow_json(result.deciding, result)
    doc: dict[str, Any] = {"verdict": result.verdict, "delivered": result.delivered, **{
        k: v for k, v in main.items() if k != "verdict"}}
    doc["stateful"] = "return traffic of an allowed flow is allowed (NSGs, kube-proxy conntrack, policies)"
    doc["flows"] = [flow_json(w, result) for w in result.walks]
    return json.dumps(doc, indent=2, ensure_ascii=False)
