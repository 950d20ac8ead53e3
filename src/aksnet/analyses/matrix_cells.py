"""The matrix as a workload × workload grid whose cells lead to a trace: ``aksnet matrix -o html`` and the matrix
view of ``aksnet ui``.

Each cell holds what ``aksnet matrix`` computes for the pair (the NetworkPolicy connections, netpol-analyzer's
text) and the ``aksnet trace`` that explains it: FROM and TO as trace endpoints (``deploy/NS/NAME``,
``sts/…``, ``ds/…``, ``pod/…``), one probe port and protocol, and, when asked for, the trace itself. The probe
is the first port the connection allows among the destination's declared container ports (TCP before UDP
before SCTP), else its first declared port (the trace then shows the rule that denies it), else TCP 80.
Self-pairs are not cells (netpol-analyzer omits them). Pure: model and topology in, :class:`MatrixGrid` out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aksnet.analyses.matrix import MatrixPeer, compute_matrix, declared_conns, workload_key
from aksnet.analyses.trace import TraceResult, trace
from aksnet.engine.addressing import Topology
from aksnet.engine.netpol.conns import NONE, ConnSet
from aksnet.engine.walk import Walker
from aksnet.model.k8s import Pod

# Top-owner kinds that ``aksnet trace`` names directly; other owners (Job, CronJob …) are traced by one pod.
_TRACE_KINDS = {"Deployment": "deploy", "StatefulSet": "sts", "DaemonSet": "ds", "Pod": "pod"}
DEFAULT_PROBE = ("TCP", 80)
MAX_TRACED = 40  # workloads; above, the cells link to the trace view instead of carrying their trace


@dataclass(frozen=True, slots=True)
class Cell:
    """One (source, destination) pair: ``conns`` is netpol-analyzer's text, ``level`` all | some | none."""

    src: int
    dst: int
    conns: str
    level: str
    trace_from: str
    trace_to: str
    protocol: str
    port: int
    trace: TraceResult | None = None


@dataclass(frozen=True, slots=True)
class MatrixGrid:
    engine: str
    enforced: bool
    peers: tuple[MatrixPeer, ...]
    cells: tuple[Cell, ...]
    warnings: tuple[str, ...]

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(sorted({p.namespace or "" for p in self.peers}))


def _endpoint(peer: MatrixPeer, pods: list[Pod]) -> str:
    ns, kind, name = workload_key(pods[0])
    short = _TRACE_KINDS.get(kind)
    if short is not None:
        return f"{short}/{ns}/{name}"
    return f"pod/{ns}/{sorted(p.name for p in pods)[0]}"


def probe(allowed: ConnSet, declared: ConnSet) -> tuple[str, int]:
    """The (protocol, port) a cell's trace uses (see the module docstring)."""
    for candidates in (allowed & declared, declared):
        if candidates.is_empty or candidates.is_all:
            continue
        for proto in ("TCP", "UDP", "SCTP"):
            ranges = candidates.protocol_ranges(proto)
            if ranges:
                return proto, ranges[0][0]
    return DEFAULT_PROBE


def _level(c: ConnSet) -> str:
    return "none" if c.is_empty else "all" if c.is_all else "some"


def matrix_grid(topo: Topology, namespace: str | None = None, with_traces: bool | None = None,
                progress: Callable[[int, int], None] | None = None) -> MatrixGrid:
    """The workload grid of ``topo``'s cluster; ``with_traces`` (default: up to :data:`MAX_TRACED` workloads)
    walks each cell's trace, reporting ``progress(done, total)`` after each."""
    result = compute_matrix(topo.state, namespace=namespace)
    by_workload: dict[str, list[Pod]] = {}
    for p in topo.state.pods:
        ns, kind, name = workload_key(p)
        by_workload.setdefault(f"{ns}/{name}[{kind}]", []).append(p)
    peers = tuple(p for p in result.peers if p.kind == "workload" and p.name in by_workload
                  and (namespace is None or p.namespace == namespace))
    index = {p.name: i for i, p in enumerate(peers)}
    allowed = {(index[s.name], index[d.name]): c for s, d, c in result.connections
               if s.name in index and d.name in index}
    ends = [_endpoint(p, by_workload[p.name]) for p in peers]
    declared = [declared_conns(by_workload[p.name]) for p in peers]
    if with_traces is None:
        with_traces = len(peers) <= MAX_TRACED
    total = len(peers) * (len(peers) - 1)
    walker = Walker(topo) if with_traces else None
    cells: list[Cell] = []
    for i in range(len(peers)):
        for j in range(len(peers)):
            if i == j:
                continue
            conns = allowed.get((i, j), NONE)
            proto, port = probe(conns, declared[j])
            result_trace = None
            if walker is not None:
                result_trace = trace(topo, ends[i], ends[j], port, proto, walker=walker)
            cells.append(Cell(i, j, "" if conns.is_empty else str(conns), _level(conns), ends[i], ends[j], proto,
                              port, result_trace))
            if progress is not None:
                progress(len(cells), total)
    return MatrixGrid(result.engine, result.enforced, peers, tuple(cells), tuple(result.warnings))
