"""A trace's path on the topology: which of :mod:`aksnet.render.topology_dot`'s nodes one walk passes, in order,
and that topology's DOT with those nodes emphasised and the path drawn over it as numbered red edges.

The walk's source (internet, pod, node, VM), each hop's component (the engine's vocabulary: ``load balancer
LB``, ``NSG inbound (subnet NSG)``, ``kube-proxy (NODE)``, ``SNAT (NODE)``, ``node NODE``, ``route (SUBNET)``,
``pod NS/NAME``, ``vm NAME``, ``appliance NIC``), the Service of a kube-proxy rule (``KUBE-SVC NS/NAME:PORT``)
and the backend become topology node names; a hop with no drawn resource (NetworkPolicy, DNS, outbound SNAT)
stays in the hop table only. Pure: names in, DOT text out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from aksnet.engine.flow import Hop, Walk, is_reply
from aksnet.model.ids import id_key
from aksnet.model.twin import Twin
from aksnet.render import topology_dot
from aksnet.render.dot_escape import quote

_KUBE_SVC = re.compile(r"KUBE-SVC ([^/\s]+/[^:\s]+):")


def _subnet_node(twin: Twin, name: str) -> str | None:
    for v in twin.vnets:
        for s in v.subnets:
            if s.name == name:
                return topology_dot.subnet_name(v.name, s)
    return None


def _appliance_vm(twin: Twin, nic_name: str) -> str | None:
    nic_ids = {id_key(n.id) for n in twin.nics if n.name == nic_name}
    return next((f"VM {vm.name}" for vm in twin.vms if nic_ids & {id_key(i) for i in vm.nic_ids}), None)


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[Twin, str], str | None]], ...] = (
    (re.compile(r"load balancer (.+)"), lambda _t, m: f"load balancer {m}"),
    (re.compile(r"NSG (?:inbound|outbound) \((?:subnet|nic) (.+)\)"), lambda _t, m: f"NSG {m}"),
    (re.compile(r"(?:kube-proxy|SNAT) \((.+)\)"), lambda _t, m: f"node {m}"),
    (re.compile(r"node (.+)"), lambda _t, m: f"node {m}"),
    (re.compile(r"route \((.+)\)"), _subnet_node),
    (re.compile(r"pod (.+)"), lambda _t, m: f"pod {m}"),
    (re.compile(r"vm (.+)"), lambda _t, m: f"VM {m}"),
    (re.compile(r"appliance (.+)"), _appliance_vm),
    (re.compile(r"internet.*"), lambda _t, _m: topology_dot.INTERNET),
)


def _hop_nodes(twin: Twin, hop: Hop) -> list[str]:
    out: list[str] = []
    for pattern, to_node in _PATTERNS:
        m = pattern.fullmatch(hop.component)
        if m is not None:
            node = to_node(twin, m.group(1) if m.groups() else "")
            if node is not None:
                out.append(node)
            break
    svc = _KUBE_SVC.search(hop.rule) if hop.component.startswith("kube-proxy") else None
    if svc is not None:
        out.insert(0, f"Service {svc.group(1)}")
    return out


def _source_node(w: Walk) -> str:
    s = w.source
    if s.kind == "pod" and s.pod is not None:
        return f"pod {s.pod.key}"
    if s.kind == "node" and s.node is not None:
        return f"node {s.node.name}"
    if s.kind == "vm" and s.vm is not None:
        return f"VM {s.vm.name}"
    return topology_dot.INTERNET


def path_nodes(twin: Twin, w: Walk) -> list[tuple[str, str]]:
    """(topology node name, what the path does there) along the walk's request, repeats collapsed."""
    steps: list[tuple[str, str]] = [(_source_node(w), "source")]
    for n, hop in enumerate(w.hops, 1):
        if is_reply(hop):
            continue
        for node in _hop_nodes(twin, hop):
            steps.append((node, f"hop {n} {hop.decision.upper()}"))
    if w.backend is not None and w.backend.pod is not None:
        steps.append((f"pod {w.backend.pod.key}", "backend"))
    out: list[tuple[str, str]] = []
    for node, what in steps:
        if out and out[-1][0] == node:
            continue
        out.append((node, what))
    return out


def render(twin: Twin, w: Walk) -> str:
    """The topology's DOT with the walk's nodes emphasised (bold, filled) and the path as edges ``step N``."""
    base = topology_dot.render(twin)
    path = [(n, what) for n, what in path_nodes(twin, w) if f"{quote(n)} [label=" in base]
    extra = []
    for n in dict.fromkeys(n for n, _ in path):
        extra.append(f'\t{quote(n)} [penwidth=3 style="bold,filled" fillcolor="#fff2cc" color="#c00000"]')
    for i, ((a, _), (b, what)) in enumerate(itertools.pairwise(path), 1):
        label = f"step {i}: {what}"
        extra.append(f'\t{quote(a)} -> {quote(b)} [label={quote(label)} color="#c00000" fontcolor="#c00000" '
                     "penwidth=2.5 constraint=false]")
    head, _, _ = base.rstrip().rpartition("}")
    return head + "\n".join(extra) + "\n}\n"
