"""``aksnet matrix``: who can open connections to whom, at workload or pod level.

Follows netpol-analyzer's connlist conventions (np-guard/netpol-analyzer pkg/netpol/connlist@e54a334): peers
``ns/name[Kind]`` (Kind = the
top owner, ``Pod`` if none), addresses outside the cluster as the disjoint IPv4 ranges induced by all
ipBlocks (``a.b.c.d-e.f.g.h[External]``), self-pairs and address→address pairs omitted, pairs without
connections omitted, lines sorted by source then destination. By default connections towards a pod are
limited to the container ports its pods declare (pods that declare none keep every allowed port);
``all_ports`` gives the full allowed ranges, as netpol-analyzer prints them.

Non-policy hops (NSGs, routes, load balancers) and non-policy peers plug in through ``extra_peers`` (extra
sources: internet hosts, VNet VMs), ``path`` (a ``PathFilter`` receives each pair and the policy-allowed
ConnSet and returns what the whole path allows) and ``extra_targets`` (LB frontends). ``walk_path_plugin``
builds all three from the path engine (``aksnet.engine.walk``). Pure: model in, MatrixResult out.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from aksnet.engine.netpol.classes import ClassMatrix, PeerClass, connectivity
from aksnet.engine.netpol.conns import ALL, NONE, ConnSet, conns, union_all
from aksnet.errors import UsageError
from aksnet.model.ids import id_key
from aksnet.model.k8s import Pod
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT as INTERNET_PEER_IP


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


def connection_json(c: Connection) -> dict[str, str]:
    """netpol-analyzer's JSON object for one connection."""
    return {"src": c[0].name, "dst": c[1].name, "conn": str(c[2])}


# (source, destination, policy-allowed connections) → connections the whole path allows
PathFilter = Callable[[MatrixPeer, MatrixPeer, ConnSet], ConnSet]


# (the source peers the filters keep) → connections towards targets that are not policy peers (LB frontends)
ExtraTargets = Callable[[Sequence[MatrixPeer]], list[Connection]]


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
    routes: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[tuple[str, str, str]]:
        """Every row as (source, destination, connection text), sorted by source then destination."""
        text = {c: str(c) for c in {c for _, _, c in self.connections}}
        rows = [(s.name, d.name, text[c]) for s, d, c in self.connections]
        if self.routes:
            rows = sorted(rows + self.routes, key=lambda r: (r[0], r[1]))
        return rows

    def to_json(self) -> list[dict[str, str]]:
        if self.routes:
            return [{"src": s, "dst": d, "conn": c} for s, d, c in self.lines()]
        return [connection_json(c) for c in self.connections]


def workload_key(pod: Pod) -> tuple[str, str, str]:
    """(namespace, Kind, name) of the pod's top owner; the pod itself when it has none."""
    if pod.owner_kind and pod.owner_name:
        return (pod.namespace, pod.owner_kind, pod.owner_name)
    return (pod.namespace, "Pod", pod.name)


def declared_conns(pods: Sequence[Pod]) -> ConnSet:
    """The container ports the pods declare (ALL when none declares any)."""
    c = union_all(conns(cp.protocol, cp.container_port) for p in pods for cp in p.ports)
    return ALL if c.is_empty else c


@dataclass(slots=True)
class _Group:
    peer: MatrixPeer
    classes: list[int]
    pods: list[Pod]
    declared: ConnSet = ALL


def _groups(cm: ClassMatrix, by_pod: bool) -> list[_Group]:
    groups: dict[tuple[str, ...], _Group] = {}
    for cls in cm.classes:
        for p in cls.pods:
            wk = workload_key(p)
            key: tuple[str, ...] = (p.namespace, p.name) if by_pod else wk
            g = groups.get(key)
            if g is None:
                name = f"{p.namespace}/{p.name}[Pod]" if by_pod else f"{wk[0]}/{wk[2]}[{wk[1]}]"
                g = _Group(MatrixPeer(name, "pod" if by_pod else "workload", p.namespace, f"{wk[0]}/{wk[2]}"), [], [])
                groups[key] = g
            if cls.index not in g.classes:
                g.classes.append(cls.index)
            g.pods.append(p)
    out = list(groups.values())
    for g in out:
        g.declared = declared_conns(g.pods)
    for cls in cm.classes:
        if cls.kind == "external":
            out.append(_Group(MatrixPeer(f"{cls.range_text}[External]", "external"), [cls.index], []))
    return out


def _external_class(cm: ClassMatrix, ip: str) -> PeerClass | None:
    import ipaddress

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


def compute_matrix(cluster: ClusterState, engine: str | None = None, *, pods: bool = False,
                   all_ports: bool = False, namespace: str | None = None, focus: str | None = None,
                   extra_peers: Sequence[ExtraPeer] = (), path: PathFilter | None = None,
                   extra_targets: ExtraTargets | None = None) -> MatrixResult:
    """The connectivity list of ``cluster`` (see the module docstring for the conventions)."""
    with paused_gc():
        return _compute_matrix(cluster, engine, pods, all_ports, namespace, focus, extra_peers, path,
                               extra_targets)


def _compute_matrix(cluster: ClusterState, engine: str | None, pods: bool, all_ports: bool,
                    namespace: str | None, focus: str | None, extra_peers: Sequence[ExtraPeer],
                    path: PathFilter | None, extra_targets: ExtraTargets | None) -> MatrixResult:
    cm = connectivity(cluster, engine)
    groups = _groups(cm, pods)
    for ep in extra_peers:
        cls = _external_class(cm, ep.ip)
        if cls is not None:
            groups.append(_Group(MatrixPeer(ep.name, "extra"), [cls.index], [], declared=ALL))
    warnings = list(cm.warnings)
    for g in groups:
        if g.peer.kind == "workload" and len({cm.classes[i].label_key for i in g.classes}) > 1:
            warnings.append(f"pods of {g.peer.name} differ in what policies see (labels, named ports or IPs); "
                            "showing what all of them allow — use --pods for each pod")
    if focus is not None and not any(_matches_focus(g.peer, focus) for g in groups):
        raise UsageError(f"error: workload {focus!r} not found")
    if namespace is not None and not any(g.peer.namespace == namespace for g in groups):
        warnings.append(f"no pods in namespace {namespace!r}")
    groups.sort(key=lambda g: g.peer.name)  # iterate in output order: no sort of the (large) result
    rows = cm.rows
    out: list[Connection] = []
    is_pod = [g.peer.kind in ("workload", "pod") for g in groups]
    keep = [True] * len(groups)
    if namespace is not None or focus is not None:
        keep = [(namespace is None or g.peer.namespace == namespace) and
                (focus is None or _matches_focus(g.peer, focus)) for g in groups]
    pod_targets = [(i, g) for i, g in enumerate(groups) if is_pod[i]]
    all_targets = list(enumerate(groups))
    single_pod = [(g.classes[0], g.peer) for i, g in pod_targets if len(g.classes) == 1]
    single_all = [(g.classes[0], g.peer) for i, g in all_targets if len(g.classes) == 1]
    has_multi = any(len(g.classes) > 1 for g in groups)
    declared_memo: dict[tuple[ConnSet, ConnSet], ConnSet] = {}
    for si, s in enumerate(groups):
        targets = all_targets if is_pod[si] else pod_targets
        if not keep[si]:
            targets = [(i, g) for i, g in targets if keep[i]]
        if len(s.classes) == 1 and path is None:
            row = rows[s.classes[0]]
            speer = s.peer
            if all_ports:
                if keep[si]:
                    single = single_all if is_pod[si] else single_pod
                else:
                    single = [(g.classes[0], g.peer) for _, g in targets if len(g.classes) == 1]
                out.extend([(speer, dp, c) for dc, dp in single
                            if (c := row[dc]) is not NONE and dp is not speer])
            else:
                for di, d in targets:
                    if di == si or len(d.classes) != 1:
                        continue
                    c = row[d.classes[0]]
                    if c is not NONE and is_pod[di]:
                        key = (c, d.declared)
                        hit = declared_memo.get(key)
                        if hit is None:
                            hit = declared_memo[key] = c & d.declared
                        c = hit
                    if c is not NONE:
                        out.append((speer, d.peer, c))
            multi = [(di, d) for di, d in targets if di != si and len(d.classes) > 1] if has_multi else []
        else:
            multi = [(di, d) for di, d in targets if di != si]
        for di, d in multi:
            c = ALL
            for sc in s.classes:
                for dc in d.classes:
                    c = c & rows[sc][dc]
            if c is NONE:
                continue
            if not all_ports and is_pod[di]:
                key = (c, d.declared)
                hit = declared_memo.get(key)
                if hit is None:
                    hit = declared_memo[key] = c & d.declared
                c = hit
            if path is not None:
                c = path(s.peer, d.peer, c)
            if c is not NONE:
                out.append((s.peer, d.peer, c))
    if extra_targets is not None:
        out.extend(extra_targets([g.peer for i, g in enumerate(groups) if keep[i] and g.peer.kind != "external"]))
    if len(out) > 1 and (extra_targets is not None or any(len(g.classes) > 1 for g in groups)):
        out.sort(key=lambda x: (x[0].name, x[1].name))
    return MatrixResult(cm.profile.name, cm.profile.enforces, out, warnings, [g.peer for g in groups])


# -- the path engine plugged in (aksnet matrix --path) ---------------------------------------------------



@dataclass(slots=True)
class PathPlugin:
    """What the path engine adds to a matrix: a filter for every pair, extra source peers (the internet,
    VMs) and extra targets (load balancer frontends, reached on their rules' frontend ports)."""

    filter: PathFilter
    extra_peers: list[ExtraPeer]
    targets: ExtraTargets


def walk_path_plugin(twin: Twin, cluster: ClusterState) -> PathPlugin:
    """Walk pairs through path engine (``aksnet.engine.walk``): routes, NSGs, kube-proxy, SNAT and the
    NetworkPolicy hops, from one representative of the source to one pod of the destination, on every
    destination container port the policies allow (only a declared container port can answer); pairs whose
    destination is not a pod keep the policy answer. Adds the ``internet`` client that ``aksnet trace
    internet`` uses and every VM that is not a node as sources, and every load balancer frontend (on each
    load-balancing rule's frontend port and protocol) as a target."""
    from aksnet.engine.addressing import Topology
    from aksnet.engine.walk import Site, Walker

    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    topo.state = cluster  # walk with the cluster as given (its policy_engine may come from --engine)
    walker = Walker(topo)
    by_name: dict[str, list[Pod]] = {}
    for p in cluster.pods:
        wk = workload_key(p)
        by_name.setdefault(f"{wk[0]}/{wk[2]}[{wk[1]}]", []).append(p)
        by_name.setdefault(f"{p.namespace}/{p.name}[Pod]", []).append(p)
    node_ips = {n.internal_ip for n in topo.nodes.values()}
    vm_sites: dict[str, Site] = {}
    for vm in twin.vms:
        nic = topo.nic_of_vm(vm)
        if nic is not None and nic.primary_ip and nic.primary_ip not in node_ips:
            vm_sites[f"vm/{vm.name}"] = Site("vm", nic.primary_ip, vm.name, vm=vm, nic=nic)

    def rep(name: str) -> Pod | None:
        return next((p for p in by_name.get(name, ()) if p.pod_ip and p.node_name), None)

    def site(peer: MatrixPeer) -> Site | None:
        if peer.kind == "extra":
            if peer.name.startswith("internet/"):
                return Site("internet", INTERNET_PEER_IP, peer.name)
            return vm_sites.get(peer.name)
        pod = rep(peer.name)
        if pod is None or pod.pod_ip is None:
            return None
        node = topo.nodes.get(pod.node_name or "")
        return Site("pod", pod.pod_ip, pod.key, pod=pod, node=node) if node is not None else None

    def path(src: MatrixPeer, dst: MatrixPeer, allowed: ConnSet) -> ConnSet:
        dpod = rep(dst.name) if dst.kind in ("workload", "pod") else None
        s = site(src)
        if dpod is None or dpod.pod_ip is None or s is None:
            return allowed
        out = NONE
        for cp in dpod.ports:
            if allowed.allows(cp.protocol, cp.container_port) and \
                    walker.walk(s, dpod.pod_ip, cp.container_port, cp.protocol).delivered:
                out = out | conns(cp.protocol, cp.container_port)
        return out

    frontends = []
    for ip, (lb, fe) in sorted(topo.frontend_by_ip.items()):
        ports = [(proto, r.frontend_port) for r in lb.rules if id_key(r.frontend_id) == id_key(fe.id)
                 for proto in (("TCP", "UDP") if r.protocol.upper() == "ALL" else (r.protocol.upper(),))]
        if ports:
            frontends.append((MatrixPeer(f"lb/{lb.name}/{fe.name}[{ip}]", "extra"), ip, sorted(set(ports))))

    def targets(sources: Sequence[MatrixPeer]) -> list[Connection]:
        out: list[Connection] = []
        for src in sources:
            s = site(src)
            if s is None:
                continue
            for peer, ip, ports in frontends:
                c = union_all(conns(proto, port) for proto, port in ports
                              if walker.walk(s, ip, port, proto).delivered)
                if c is not NONE:
                    out.append((src, peer, c))
        return out

    extra = [ExtraPeer(f"internet/{INTERNET_PEER_IP}", INTERNET_PEER_IP)]
    extra += [ExtraPeer(name, st.ip) for name, st in sorted(vm_sites.items())]
    return PathPlugin(path, extra, targets)
