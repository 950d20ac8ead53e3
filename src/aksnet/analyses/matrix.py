"""``aksnet matrix``: who can open connections to whom, at workload or pod level.

Follows netpol-analyzer's connlist conventions (np-guard/netpol-analyzer pkg/netpol/connlist@e54a334): peers
``ns/name[Kind]`` (Kind = the top owner, ``Pod`` if none), addresses outside the cluster as the disjoint IPv4
ranges induced by all ipBlocks (``a.b.c.d-e.f.g.h[External]``), self-pairs and address→address pairs omitted,
pairs without connections omitted, lines sorted by source then destination. By default connections towards a
pod are limited to the container ports its pods declare (pods that declare none keep every allowed port);
``all_ports`` gives the full allowed ranges, as netpol-analyzer prints them.

The connections are produced lazily, source by source, already in output order (:meth:`MatrixStream.line_blocks`):
memory grows with the number of classes and workloads, never with the number of output lines. ``--namespace``
and ``--focus`` are applied before the class matrix is built (only the rows and columns of the kept classes
are expanded). Non-policy hops (NSGs, routes, load balancers) and non-policy peers plug in through
``extra_peers`` (extra sources: internet hosts, VMs), ``path`` (a ``PathFilter`` receives each pair and the
policy-allowed ConnSet and returns what the whole path allows) and ``extra_targets`` (LB frontends);
``aksnet.analyses.matrix_path.walk_path_plugin`` builds all three from the path engine. Pure: model in,
MatrixResult / MatrixStream out.
"""

from __future__ import annotations

import contextlib
import gc
import ipaddress
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aksnet.analyses.answer import Answer
from aksnet.analyses.matrix_text import BLOCK, Quote, Quoted, Reach, TextPlan, as_is, line_blocks
from aksnet.engine.netpol.classes import ClassMatrix, PeerClass, connectivity
from aksnet.engine.netpol.conns import ALL, NONE, ConnSet, conns, union_all
from aksnet.errors import UsageError
from aksnet.model.k8s import Pod
from aksnet.model.twin import ClusterState

if TYPE_CHECKING:
    from aksnet.analyses.matrix_mesh import MeshFilter


@dataclass(frozen=True, slots=True)
class MatrixPeer:
    """A row/column of the matrix: ``kind`` is workload | pod | external | extra."""

    name: str
    kind: str
    namespace: str | None = None
    workload: str | None = None  # "ns/name" of the top owner


# One line of the connectivity list: (source, destination, connections). A plain tuple, because the
# matrix creates up to millions of them.
Connection = tuple[MatrixPeer, MatrixPeer, ConnSet]
Line = tuple[str, str, str]


def connection_json(c: Connection) -> dict[str, str]:
    """netpol-analyzer's JSON object for one connection."""
    return {"src": c[0].name, "dst": c[1].name, "conn": str(c[2])}


# (source, destination, policy-allowed connections) → connections the whole path allows
PathFilter = Callable[[MatrixPeer, MatrixPeer, ConnSet], ConnSet]


# (one source peer the filters keep) → its connections towards targets that are not policy peers (LB frontends)
ExtraTargets = Callable[[MatrixPeer], list[Connection]]


@dataclass(frozen=True, slots=True)
class ExtraPeer:
    """A non-cluster endpoint a path engine contributes (an internet host, a VM, an LB frontend)."""

    name: str
    ip: str


@dataclass(slots=True)
class MatrixResult:
    engine: str
    enforced: bool
    connections: list[Connection]
    warnings: list[str] = field(default_factory=list)
    peers: list[MatrixPeer] = field(default_factory=list)
    # Rows that are not NetworkPolicy connections: (source, destination, text), e.g. ``matrix --path``'s
    # ``internet => ns/app[Deployment] : via ingress nginx https://host/path (TCP 443)``.
    routes: list[Line] = field(default_factory=list)

    def lines(self) -> list[Line]:
        """Every row as (source, destination, connection text), sorted by source then destination."""
        return [ln for block in self.line_blocks() for ln in block]

    def line_blocks(self) -> Iterator[list[Line]]:
        rows = (self.connections[i:i + BLOCK] for i in range(0, len(self.connections), BLOCK))
        return line_blocks(rows, self.routes)

    def to_json(self) -> list[dict[str, str]]:
        return [{"src": s, "dst": d, "conn": c} for s, d, c in self.lines()]

    def answer(self) -> Answer:
        """One row per (source, destination) with the connections allowed."""
        return Answer("matrix", ("Source", "Destination", "Connections"), ("Source", "Destination"),
                      tuple(self.lines()), tuple(self.warnings))


def workload_key(pod: Pod) -> tuple[str, str, str]:
    """(namespace, Kind, name) of the pod's top owner; the pod itself when it has none."""
    if pod.owner_kind and pod.owner_name:
        return (pod.namespace, pod.owner_kind, pod.owner_name)
    return (pod.namespace, "Pod", pod.name)


def declared_conns(pods: Sequence[Pod]) -> ConnSet:
    """The container ports the pods declare (ALL when none declares any)."""
    c = union_all(conns(cp.protocol, cp.container_port) for p in pods for cp in p.ports)
    return ALL if c.is_empty else c


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building up to millions of acyclic tuples: its generational
    scans would otherwise cost more than the matrix itself (measured 3x). The previous state is restored."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# -- groups: the rows and columns of the output ---------------------------------------------------------

@dataclass(slots=True)
class _Group:
    peer: MatrixPeer
    classes: list[int]
    pods: list[Pod]
    declared: ConnSet = ALL
    node: str | None = None  # the one node every member runs on (own-node rules), else None
    single: int = -1  # the one class of the group, else -1
    is_pod: bool = False  # a workload or a pod (a destination of every source), not an address or extra peer


def _groups(cm: ClassMatrix, by_pod: bool, all_ports: bool) -> list[_Group]:
    groups: dict[tuple[str, ...], _Group] = {}
    for cls in cm.classes:
        for p in cls.pods:
            wk = workload_key(p)
            key: tuple[str, ...] = (p.namespace, p.name) if by_pod else wk
            g = groups.get(key)
            if g is None:
                name = f"{p.namespace}/{p.name}[Pod]" if by_pod else f"{wk[0]}/{wk[2]}[{wk[1]}]"
                g = _Group(MatrixPeer(name, "pod" if by_pod else "workload", p.namespace, f"{wk[0]}/{wk[2]}"), [], [],
                           is_pod=True)
                groups[key] = g
            if cls.index not in g.classes:
                g.classes.append(cls.index)
            g.pods.append(p)
    out = list(groups.values())
    for g in out:
        if not all_ports:  # with all_ports no connection is capped to the declared ports
            g.declared = declared_conns(g.pods)
        nodes = {p.node_name for p in g.pods}
        g.node = nodes.pop() if len(nodes) == 1 else None
    for cls in cm.classes:
        if cls.kind == "external":
            out.append(_Group(MatrixPeer(f"{cls.range_text}[External]", "external"), [cls.index], []))
    return out


def _external_class(cm: ClassMatrix, ip: str) -> PeerClass | None:
    try:
        value = int(ipaddress.IPv4Address(ip))
    except ValueError:
        return None
    for cls in cm.classes:
        if cls.kind == "external" and cls.ip_range and cls.ip_range[0] <= value <= cls.ip_range[1]:
            return cls
    return None


def _matches_focus(peer: MatrixPeer, focus: str) -> bool:
    if peer.kind == "external":
        return False
    base = peer.name.rsplit("[", 1)[0]
    name = base.partition("/")[2]
    wl_name = (peer.workload or "").partition("/")[2]
    return focus in (base, name, wl_name, peer.workload)


def _pod_kept(p: Pod, by_pod: bool, namespace: str | None, focus: str | None) -> bool:
    """Whether the row/column of ``p``'s group survives ``--namespace``/``--focus`` (as ``_matches_focus``)."""
    if namespace is not None and p.namespace != namespace:
        return False
    if focus is None:
        return True
    wk = workload_key(p)
    names = {f"{wk[0]}/{wk[2]}", wk[2]}
    if by_pod:
        names |= {f"{p.namespace}/{p.name}", p.name}
    return focus in names


# -- the expansion: class matrix → one row of connections per source group -------------------------------

class _Expansion:
    """The class matrix expanded to groups, one source at a time, in output order."""

    def __init__(self, cm: ClassMatrix, groups: list[_Group], keep: list[bool], all_ports: bool,
                 path: PathFilter | None, extra_targets: ExtraTargets | None,
                 mesh: MeshFilter | None = None) -> None:
        self.cm = cm
        self.groups = groups
        self.keep = keep
        self.all_ports = all_ports
        self.path = path
        self.extra_targets = extra_targets
        self.mesh = mesh
        self.pod_targets = [g for g in groups if g.is_pod]
        self.kept_all = [g for g, k in zip(groups, keep) if k]
        self.kept_pods = [g for g in self.kept_all if g.is_pod]
        self.declared_memo: dict[tuple[ConnSet, ConnSet], ConnSet] = {}
        self.declared_pairs = _Caps()

    def targets(self, si: int) -> list[_Group]:
        s = self.groups[si]
        if self.keep[si]:
            return self.groups if s.is_pod else self.pod_targets
        return self.kept_all if s.is_pod else self.kept_pods

    def declared(self, c: ConnSet, d: _Group) -> ConnSet:
        key = (c, d.declared)
        hit = self.declared_memo.get(key)
        if hit is None:
            hit = self.declared_memo[key] = c & d.declared
        return hit

    def pair(self, s: _Group, d: _Group) -> ConnSet:
        """What every member of ``s`` may open towards every member of ``d`` (policies, own-node rules, declared
        ports, then the path filter)."""
        cm, rows = self.cm, self.cm.rows
        same_node = s.node is not None and s.node == d.node
        c = ALL
        for sc in s.classes:
            row = rows[sc]
            for dc in d.classes:
                if not (same_node and cm.own_node_all(sc, dc)):
                    c = c & row[dc]
        if c is NONE:
            return c
        if not self.all_ports and d.is_pod:
            c = self.declared(c, d)
        if self.path is not None and c is not NONE:
            c = self.path(s.peer, d.peer, c)
        if self.mesh is not None and c is not NONE and d.is_pod:
            c = self.mesh(s.pods, self._address(s), d.pods, c)
        return c

    def _address(self, g: _Group) -> str:
        """The first address of a non-pod peer's range (what the mesh's ipBlocks see)."""
        r = self.cm.classes[g.classes[0]].ip_range if g.classes else None
        return str(ipaddress.IPv4Address(r[0])) if r else ""

    def row(self, si: int) -> list[Connection]:
        """The connections of source ``si``, sorted by destination."""
        s = self.groups[si]
        targets = self.targets(si)
        if s.single >= 0 and self.path is None and self.mesh is None:
            out = self._single_row(s, targets)
        else:
            out = [(s.peer, d.peer, c) for d in targets if d is not s and (c := self.pair(s, d)) is not NONE]
        if self.extra_targets is not None and self.keep[si] and s.peer.kind != "external":
            out.extend(self.extra_targets(s.peer))
            out.sort(key=lambda x: x[1].name)
        return out

    def _single_row(self, s: _Group, targets: list[_Group]) -> list[Connection]:
        """The common case, kept tight: one class for the source, no path filter."""
        cm = self.cm
        row = cm.rows[s.single]
        speer, snode = s.peer, s.node
        out: list[Connection] = []
        append = out.append
        for d in targets:
            if d.single < 0:
                if (c := self.pair(s, d)) is not NONE:
                    append((speer, d.peer, c))
                continue
            c = row[d.single]
            if d is s:
                continue
            if snode is not None and c is not ALL and d.node == snode and cm.own_node_all(s.single, d.single):
                c = ALL
            if c is NONE:
                continue
            if not self.all_ports and d.is_pod:
                c = self.declared(c, d)
                if c is NONE:
                    continue
            append((speer, d.peer, c))
        return out

    def rows(self) -> Iterator[list[Connection]]:
        for si in range(len(self.groups)):
            row = self.row(si)
            if row:
                yield row

    # -- text rows: the common case without a Python step per output line --------------------------------

    def text_rows(self, head: str, mid: str, end: str, quote: Quote | None = None) -> Iterator[str]:
        """Each source's lines as one text, in output order; a line is ``head.format(q(src)) + q(dst) + mid +
        q(conn) + end`` (``q``: ``quote``, e.g. a JSON string, or the text as it is). Exactly the lines of
        :meth:`rows`: a source row of single-class groups without path, mesh or extra targets is gathered,
        filtered and joined by C-level list operations over precomputed destination texts (one Python step per
        source, not per line: 770,000 lines in a tenth of a second); any other row is formatted from
        :meth:`row`."""
        q = quote if quote is not None else as_is
        texts = Quoted(q)
        plans: dict[int, TextPlan] = {}
        simple = self.path is None and self.mesh is None and self.extra_targets is None
        for si, s in enumerate(self.groups):
            prefix = head.format(q(s.peer.name))
            if simple and s.single >= 0:
                targets = self.targets(si)
                plan = plans.get(id(targets))
                if plan is None:
                    plan = plans[id(targets)] = TextPlan(self, targets, mid, end, texts)
                if plan.fast:
                    text = plan.row(self, s, prefix)
                    if text:
                        yield text
                    continue
            row = self.row(si)
            if row:
                yield "".join([f"{prefix}{q(d.name)}{mid}{texts[c]}{end}" for _, d, c in row])

    def line_names(self) -> set[str]:
        """The names on at least one line of :meth:`rows` (a source of one, a destination of one), read per
        distinct class row (:class:`Reach`) wherever :meth:`text_rows` writes from templates."""
        names: set[str] = set()
        reach = Reach(self)
        simple = self.path is None and self.mesh is None and self.extra_targets is None
        for si, s in enumerate(self.groups):
            if simple and s.single >= 0:
                plan = reach.plan(self.targets(si))
                if plan.fast:
                    if reach.add(plan, s):
                        names.add(s.peer.name)
                    continue
            row = self.row(si)
            if row:
                names.add(s.peer.name)
                names.update([d.name for _, d, _ in row])
        return names | reach.destinations()


class _Caps(dict[tuple[ConnSet, ConnSet], ConnSet]):
    """(connections, declared ports) → their intersection, made on first use."""

    def __missing__(self, key: tuple[ConnSet, ConnSet]) -> ConnSet:
        c = self[key] = key[0] & key[1]
        return c


@dataclass(slots=True)
class MatrixStream:
    """A matrix whose connections are produced on demand, in output order (``connections()`` may be iterated
    more than once: each pass recomputes)."""

    engine: str
    enforced: bool
    warnings: list[str]
    peers: list[MatrixPeer]
    expansion: _Expansion
    routes: list[Line] = field(default_factory=list)

    def connections(self) -> Iterator[Connection]:
        for row in self.rows():
            yield from row

    def rows(self) -> Iterator[list[Connection]]:
        """The connections one source at a time, in output order."""
        with paused_gc():
            yield from self.expansion.rows()

    def line_blocks(self) -> Iterator[list[Line]]:
        """The output lines as (source, destination, connection text), one block of lines at a time."""
        return line_blocks(self.rows(), self.routes)

    def text_rows(self, head: str, mid: str, end: str, quote: Quote | None = None) -> Iterator[str]:
        """The output as texts of whole lines (see :meth:`_Expansion.text_rows`), the extra ``routes`` rows
        merged in order."""
        if self.routes:
            q = quote if quote is not None else as_is
            for block in self.line_blocks():
                yield "".join([f"{head.format(q(s))}{q(d)}{mid}{q(c)}{end}" for s, d, c in block])
            return
        with paused_gc():
            yield from self.expansion.text_rows(head, mid, end, quote)

    def line_names(self) -> set[str]:
        """The names on at least one connection line (the extra ``routes`` rows not included)."""
        with paused_gc():
            return self.expansion.line_names()

    def result(self) -> MatrixResult:
        """Everything at once (tests, diff and explain: small matrices)."""
        return MatrixResult(self.engine, self.enforced, list(self.connections()), self.warnings, self.peers,
                            self.routes)


def _warnings(cm: ClassMatrix, groups: list[_Group], namespace: str | None) -> list[str]:
    warnings = list(cm.warnings)
    for g in groups:
        if g.peer.kind == "workload" and len({cm.classes[i].label_key for i in g.classes}) > 1:
            warnings.append(f"pods of {g.peer.name} differ in what policies see (labels, named ports or IPs); "
                            "showing what all of them allow — use --pods for each pod")
    if namespace is not None and not any(g.peer.namespace == namespace for g in groups):
        warnings.append(f"no pods in namespace {namespace!r}")
    return warnings


def stream_matrix(cluster: ClusterState, engine: str | None = None, *, pods: bool = False,
                  all_ports: bool = False, namespace: str | None = None, focus: str | None = None,
                  extra_peers: Sequence[ExtraPeer] = (), path: PathFilter | None = None,
                  extra_targets: ExtraTargets | None = None) -> MatrixStream:
    """The connectivity list of ``cluster``, to be consumed lazily (see the module docstring)."""
    filtered = namespace is not None or focus is not None
    with paused_gc():
        keep_class = None
        if filtered:
            def keep_class(cls: PeerClass) -> bool:
                return any(_pod_kept(p, pods, namespace, focus) for p in cls.pods)
        cm = connectivity(cluster, engine, keep=keep_class)
        groups = _groups(cm, pods, all_ports)
    for ep in extra_peers:
        cls = _external_class(cm, ep.ip)
        if cls is not None:
            groups.append(_Group(MatrixPeer(ep.name, "extra"), [cls.index], [], declared=ALL))
    for g in groups:
        g.single = g.classes[0] if len(g.classes) == 1 else -1
    if focus is not None and not any(_matches_focus(g.peer, focus) for g in groups):
        raise UsageError(f"error: workload {focus!r} not found")
    warnings = _warnings(cm, groups, namespace)
    mesh: MeshFilter | None = None
    mesh_warnings: list[tuple[Pod, str]] = []
    if cluster.mesh.sidecars:  # the mesh's layer (and its imports) only for a cluster with sidecars
        from aksnet.analyses.matrix_mesh import mesh_filter

        mesh, mesh_warnings = mesh_filter(cluster)
    for pod, text in mesh_warnings:
        wk = workload_key(pod)
        line = f"mesh: {f'{pod.namespace}/{pod.name}[Pod]' if pods else f'{wk[0]}/{wk[2]}[{wk[1]}]'}: {text}"
        if _pod_kept(pod, pods, namespace, focus) and line not in warnings:
            warnings.append(line)
    groups.sort(key=lambda g: g.peer.name)  # iterate in output order: no sort of the (large) result
    keep = [True] * len(groups)
    if filtered:
        keep = [(namespace is None or g.peer.namespace == namespace) and
                (focus is None or _matches_focus(g.peer, focus)) for g in groups]
    expansion = _Expansion(cm, groups, keep, all_ports, path, extra_targets, mesh)
    return MatrixStream(cm.profile.name, cm.profile.enforces, warnings, [g.peer for g in groups], expansion)


def compute_matrix(cluster: ClusterState, engine: str | None = None, *, pods: bool = False,
                   all_ports: bool = False, namespace: str | None = None, focus: str | None = None,
                   extra_peers: Sequence[ExtraPeer] = (), path: PathFilter | None = None,
                   extra_targets: ExtraTargets | None = None) -> MatrixResult:
    """The connectivity list of ``cluster`` at once (see the module docstring for the conventions)."""
    return stream_matrix(cluster, engine, pods=pods, all_ports=all_ports, namespace=namespace, focus=focus,
                         extra_peers=extra_peers, path=path, extra_targets=extra_targets).result()
