"""All-pairs NetworkPolicy connectivity through equivalence classes — never pods × pods × policies.

Pods that no policy can tell apart share a class: same namespace (hence namespace labels), same pod labels,
same named container ports, same set of ipBlocks containing their IP (only when the engine matches ipBlocks
against pods). hostNetwork pods are node-address classes, one per node; the own-node rules (a pod's traffic to
and from its own node, allowed by some engines whatever the policies say) are not in the class matrix but
applied per pair by :meth:`ClassMatrix.pod_conn`, so nodes never split pod classes. Addresses outside the
cluster are split into the disjoint IPv4 ranges induced by every ipBlock boundary, as netpol-analyzer does
(np-guard/netpol-analyzer pkg/netpol/connlist@e54a334). Rules are evaluated once per class with indexed
selectors (``selectors``): each direction yields a partition of peer classes into regions with one connection
set each (classes the same rules select share one side; sources with the same sides share one row); the pair result is
egress(src)[dst] ∩ ingress(dst)[src]. The answer equals ``evaluate.pair_conns``
for every pair (tested). Pure: model objects in, ClassMatrix out; output expansion to workloads/pods lives in
analyses.matrix.
"""

from __future__ import annotations

import collections
import ipaddress
import itertools
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aksnet.engine.netpol import class_rows
from aksnet.engine.netpol.caveats import engine_caveats
from aksnet.engine.netpol.class_rows import IngressRows, Row, combine_kept
from aksnet.engine.netpol.conns import ALL, NONE, ConnSet, conns, union_all
from aksnet.engine.netpol.engine_sides import EngineSides
from aksnet.engine.netpol.evaluate import EGRESS, INGRESS, engine_blocks, port_conns
from aksnet.engine.netpol.peers import Endpoint, namespace_labels
from aksnet.engine.netpol.profiles import EngineProfile, get_profile
from aksnet.engine.netpol.selectors import LabelIndex, bits_of, indices_of
from aksnet.model.calico_selector import CalicoSelector
from aksnet.model.k8s import IPBlock, LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, Pod
from aksnet.model.twin import ClusterState

if TYPE_CHECKING:
    from aksnet.model.engine_policy import EnginePolicy

IPV4_END = 1 << 32
NamedPorts = frozenset[tuple[str, str, int]]


def _ip_int(ip: str | None) -> int | None:
    if not ip:
        return None
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    return int(addr) if addr.version == 4 else None


def int_to_ip(value: int) -> str:
    return str(ipaddress.IPv4Address(value))


@dataclass(slots=True)
class PeerClass:
    """One equivalence class. ``kind``: pod | node | external. ``pods`` are the members (pod and node
    classes); ``node`` the node of a node class; ``ip_range`` the inclusive IPv4 interval of an external
    class."""

    index: int
    kind: str
    namespace: str | None = None
    labels: Mapping[str, str] | None = None  # only the label keys some selector tests
    named_ports: NamedPorts = frozenset()
    node: str | None = None
    ip: str | None = None
    pods: list[Pod] = field(default_factory=list)
    ip_range: tuple[int, int] | None = None
    # What the policies see of the members (labels, named ports, ipBlocks): pods of one workload with
    # different keys are treated differently by some policy.
    label_key: Hashable = None

    @property
    def range_text(self) -> str:
        assert self.ip_range is not None
        return f"{int_to_ip(self.ip_range[0])}-{int_to_ip(self.ip_range[1])}"

    def endpoint(self) -> Endpoint:
        """A representative endpoint (for explanations and cross-checks)."""
        if self.kind == "external":
            return Endpoint("external", self.ip)
        rep = self.pods[0]
        return Endpoint(self.kind, self.ip, rep, self.node or rep.node_name)


@dataclass(slots=True)
class ClassMatrix:
    """The result: classes and, per source class, the ConnSet towards every destination class (what the
    policies allow, before the own-node rules: see :meth:`pod_conn`)."""

    profile: EngineProfile
    classes: list[PeerClass]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)

    def conn(self, src: int, dst: int) -> ConnSet:
        return self.rows[src][dst]

    def own_node_all(self, src: int, dst: int) -> bool:
        """Whether a member of ``src`` and one of ``dst`` on the same node may open every connection whatever
        the policies say: a pod towards its own node's host-network endpoints (the engine's egress rule),
        or a host-network endpoint towards a pod on its node (the engine's ingress rule)."""
        s, d = self.classes[src].kind, self.classes[dst].kind
        return ((s == "pod" and d == "node" and self.profile.egress_to_local_node_allowed) or
                (s == "node" and d == "pod" and self.profile.ingress_from_local_node_allowed))

    def pod_conn(self, src: int, src_node: str | None, dst: int, dst_node: str | None) -> ConnSet:
        """What a member of class ``src`` on ``src_node`` may open towards a member of ``dst`` on
        ``dst_node``: the class answer, or everything under the own-node rules (:meth:`own_node_all`)."""
        if src_node is not None and src_node == dst_node and self.own_node_all(src, dst):
            return ALL
        return self.rows[src][dst]


def _block_ranges(block: IPBlock) -> list[tuple[int, int]] | None:
    """cidr minus excepts as inclusive integer ranges; None for IPv6 or malformed blocks."""
    try:
        net = ipaddress.ip_network(block.cidr, strict=False)
    except ValueError:
        return None
    if net.version != 4:
        return None
    out = [(int(net.network_address), int(net.broadcast_address))]
    for ex in block.except_:
        try:
            e = ipaddress.ip_network(ex, strict=False)
        except ValueError:
            continue
        if e.version != 4:
            continue
        lo, hi = int(e.network_address), int(e.broadcast_address)
        nxt: list[tuple[int, int]] = []
        for a, b in out:
            if hi < a or lo > b:
                nxt.append((a, b))
                continue
            if a < lo:
                nxt.append((a, lo - 1))
            if hi < b:
                nxt.append((hi + 1, b))
        out = nxt
    return out


def _in_ranges(value: int | None, ranges: list[tuple[int, int]]) -> bool:
    return value is not None and any(a <= value <= b for a, b in ranges)


def _named_conns(port: NetworkPolicyPort, named: NamedPorts) -> ConnSet:
    """A named ``ports`` entry resolved against a class's named container ports (same protocol)."""
    proto = port.protocol.upper()
    return union_all(conns(proto, num) for name, p, num in named if name == port.port and p == proto)


def _refine(regions: list[tuple[int, ConnSet]], bits: int, c: ConnSet) -> list[tuple[int, ConnSet]]:
    """Add ``c`` to every class in ``bits``, keeping the partition into regions of equal ConnSets."""
    out: list[tuple[int, ConnSet]] = []
    for rb, rc in regions:
        inter = rb & bits
        if not inter:
            out.append((rb, rc))
            continue
        rest = rb & ~bits
        out.append((inter, rc | c))
        if rest:
            out.append((rest, rc))
    return out


def _engine_pols(cluster: ClusterState, profile: EngineProfile) -> list[EnginePolicy]:
    return [p for p in cluster.engine_policies if p.engine == profile.name]


def _selector_keys(sel: LabelSelector | CalicoSelector) -> set[str]:
    if isinstance(sel, CalicoSelector):
        return set(sel.keys)
    return set(sel.match_labels) | {r.key for r in sel.match_expressions}


class _Builder:
    def __init__(self, cluster: ClusterState, profile: EngineProfile) -> None:
        self.cluster = cluster
        self.profile = profile
        self.warnings: list[str] = []
        self.ns_labels = namespace_labels(cluster)
        # Cilium's host/remote-node entities tell a pod's own node from the others: classes are per node then
        self.by_node = any(e in ("host", "remote-node") for pol in _engine_pols(cluster, profile)
                           for r in (*pol.ingress, *pol.egress) for peer in r.peers for e in peer.entities)
        self.blocks: list[IPBlock] = []
        self.block_ranges: list[list[tuple[int, int]]] = []
        self._collect_blocks()
        self.classes: list[PeerClass] = []
        self._build_classes()
        n = len(self.classes)
        self.n = n
        self.all_bits = (1 << n) - 1
        self.index = LabelIndex([c.namespace if c.kind == "pod" else None for c in self.classes],
                                [c.labels if c.kind == "pod" else None for c in self.classes], self.ns_labels)
        self.portmap_groups: dict[NamedPorts, int] = {}
        for c in self.classes:
            if c.kind == "pod":
                self.portmap_groups[c.named_ports] = self.portmap_groups.get(c.named_ports, 0) | (1 << c.index)
        self._block_bits: dict[int, int] = {}
        self._rule_bits: dict[int, int] = {}
        # (direction, the rules' identities, what resolves named ports, mask) → the side: classes selected by
        # the same policies share one egress row or ingress column (one object: rows are built once per pair)
        self._sides: dict[Hashable, list[ConnSet]] = {}
        self._side_cells = 0

    # -- classes --------------------------------------------------------------------------------------
    def _collect_blocks(self) -> None:
        seen: dict[Hashable, int] = {}
        for pol in self.cluster.network_policies:
            for rule in (*pol.ingress, *pol.egress):
                for peer in rule.peers:
                    b = peer.ip_block
                    if b is None:
                        continue
                    key = (b.cidr, b.except_)
                    if key in seen:
                        continue
                    ranges = _block_ranges(b)
                    if ranges is None:
                        self.warnings.append(f"ipBlock {b.cidr} in {pol.key} is not IPv4: ignored for addresses")
                        ranges = []
                    seen[key] = len(self.blocks)
                    self.blocks.append(b)
                    self.block_ranges.append(ranges)
        for b in engine_blocks(self.cluster, self.profile):
            key = (b.cidr, b.except_)
            if key not in seen:
                seen[key] = len(self.blocks)
                self.blocks.append(b)
                self.block_ranges.append(_block_ranges(b) or [])

    def _block_sig(self, ip: str | None, allowed: bool) -> tuple[int, ...]:
        if not allowed:
            return ()
        value = _ip_int(ip)
        return tuple(i for i, r in enumerate(self.block_ranges) if _in_ranges(value, r))

    def _referenced(self) -> tuple[set[str], set[str]]:
        """Pod label keys any selector tests, and container port names any rule uses: only these can tell
        pods apart, so labels like ``statefulset.kubernetes.io/pod-name`` do not split classes."""
        keys: set[str] = set()
        names: set[str] = set()

        def add(sel: LabelSelector | None) -> None:
            if sel is not None:
                keys.update(sel.match_labels)
                keys.update(r.key for r in sel.match_expressions)

        for pol in self.cluster.network_policies:
            add(pol.pod_selector)
            for rule in (*pol.ingress, *pol.egress):
                for peer in rule.peers:
                    add(peer.pod_selector)
                names.update(p.port for p in rule.ports if isinstance(p.port, str))
        for epol in _engine_pols(self.cluster, self.profile):
            keys.update(_selector_keys(epol.selector))
            for erule in (*epol.ingress, *epol.egress):
                for epeer in (*erule.peers, *erule.not_peers, *((erule.subject,) if erule.subject else ())):
                    if epeer.selector is not None:
                        keys.update(_selector_keys(epeer.selector))
                names.update(p.port for p in (*erule.ports, *erule.not_ports) if isinstance(p.port, str))
        return keys, names

    def _build_classes(self) -> None:
        pods = [p for p in self.cluster.pods if p.phase not in ("Succeeded", "Failed")]
        ref_keys, ref_names = self._referenced()
        node_ip = {n.name: n.internal_ip for n in self.cluster.nodes}
        keyed: dict[Hashable, PeerClass] = {}
        self.sigs: list[tuple[int, ...]] = []
        for p in sorted(pods, key=lambda q: (q.namespace, q.name)):
            if p.host_network:
                ip = p.host_ip or node_ip.get(p.node_name or "")
                sig = self._block_sig(ip, self.profile.ipblock_matches_nodes)
                key: tuple[Hashable, ...] = ("node", p.node_name, ip, sig)
                label_key: Hashable = ("node", sig)
                labels: dict[str, str] = {}
                kind = "node"
                named: NamedPorts = frozenset()
            else:
                ip = p.pod_ip
                sig = self._block_sig(ip, self.profile.ipblock_matches_pods)
                named = frozenset((cp.name, cp.protocol.upper(), cp.container_port) for cp in p.ports
                                  if cp.name in ref_names)
                labels = {k: v for k, v in p.labels.items() if k in ref_keys}
                key = label_key = ("pod", p.namespace, frozenset(labels.items()), named, sig,
                                   p.node_name if self.by_node else None)
                kind = "pod"
            cls = keyed.get(key)
            if cls is None:
                cls = PeerClass(len(self.classes), kind, p.namespace if kind == "pod" else None,
                                labels if kind == "pod" else None, named, p.node_name if kind == "node" else None, ip,
                                label_key=label_key)
                keyed[key] = cls
                self.classes.append(cls)
                self.sigs.append(sig)
            cls.pods.append(p)
        bounds = {0, IPV4_END}
        for ranges in self.block_ranges:
            for a, b in ranges:
                bounds.update((a, b + 1))
        edges = sorted(bounds)
        for lo, nxt in itertools.pairwise(edges):
            cls = PeerClass(len(self.classes), "external", ip=int_to_ip(lo), ip_range=(lo, nxt - 1))
            self.classes.append(cls)
            self.sigs.append(tuple(i for i, r in enumerate(self.block_ranges) if _in_ranges(lo, r)))

    # -- peers ----------------------------------------------------------------------------------------
    def block_bits(self, block: IPBlock) -> int:
        i = next(k for k, b in enumerate(self.blocks) if b.cidr == block.cidr and b.except_ == block.except_)
        hit = self._block_bits.get(i)
        if hit is None:
            hit = 0
            for c, sig in zip(self.classes, self.sigs):
                if i in sig:
                    hit |= 1 << c.index
            self._block_bits[i] = hit
        return hit

    def peer_bits(self, peer: NetworkPolicyPeer, policy_ns: str) -> int:
        if peer.ip_block is not None:
            return self.block_bits(peer.ip_block)
        if peer.namespace_selector is None:
            scope = self.index.in_namespace(policy_ns)
        else:
            scope = self.index.namespaces(peer.namespace_selector)
        if peer.pod_selector is None:
            return scope
        return self.index.pods(peer.pod_selector, scope)

    def rule_bits(self, rule: NetworkPolicyRule, policy_ns: str) -> int:
        key = id(rule)
        hit = self._rule_bits.get(key)
        if hit is None:
            if not rule.peers:
                hit = self.all_bits
            else:
                hit = 0
                for peer in rule.peers:
                    hit |= self.peer_bits(peer, policy_ns)
            self._rule_bits[key] = hit
        return hit

    # -- directions ------------------------------------------------------------------------------------
    def targets(self) -> tuple[list[list[tuple[str, int, NetworkPolicyRule]]], list[list[tuple[str, int,
                                                                                           NetworkPolicyRule]]]]:
        """Per class: the (policy namespace, rule index, rule) of the ingress and egress policies selecting it;
        plus which classes are isolated per direction (a selecting policy without rules still isolates)."""
        ing: list[list[tuple[str, int, NetworkPolicyRule]]] = [[] for _ in self.classes]
        eg: list[list[tuple[str, int, NetworkPolicyRule]]] = [[] for _ in self.classes]
        self.iso_in = 0
        self.iso_eg = 0
        for pol in self.cluster.network_policies:
            sel = self.index.pods(pol.pod_selector, self.index.in_namespace(pol.namespace))
            if not sel:
                continue
            has_in, has_eg = INGRESS in pol.policy_types, EGRESS in pol.policy_types
            if has_in:
                self.iso_in |= sel
            if has_eg:
                self.iso_eg |= sel
            for i in indices_of(sel):
                if has_in:
                    ing[i].extend((pol.namespace, k, r) for k, r in enumerate(pol.ingress))
                if has_eg:
                    eg[i].extend((pol.namespace, k, r) for k, r in enumerate(pol.egress))
        return ing, eg

    def expand(self, regions: list[tuple[int, ConnSet]], mask: int) -> list[ConnSet]:
        """The regions as one ConnSet per class; only the classes in ``mask`` are filled in."""
        arr = [NONE] * self.n
        for bits, c in regions:
            if c is NONE:
                continue
            collections.deque(map(arr.__setitem__, indices_of(bits & mask), itertools.repeat(c)), maxlen=0)
        return arr

    def egress_row(self, cls: PeerClass, rules: list[tuple[str, int, NetworkPolicyRule]], mask: int) -> list[ConnSet]:
        key = (EGRESS, tuple(id(rule) for _, _, rule in rules), mask)
        hit = self._sides.get(key)
        if hit is None:
            hit = self._remember(key, self._egress_row(rules, mask))
        return hit

    def _remember(self, key: Hashable, side: list[ConnSet]) -> list[ConnSet]:
        if self._side_cells + len(side) > class_rows.MEMO_CELLS:
            self._sides.clear()
            self._side_cells = 0
        self._sides[key] = side
        self._side_cells += len(side)
        return side

    def _egress_row(self, rules: list[tuple[str, int, NetworkPolicyRule]], mask: int) -> list[ConnSet]:
        regions: list[tuple[int, ConnSet]] = [(self.all_bits, NONE)]
        for ns, _, rule in rules:
            bits = self.rule_bits(rule, ns)
            if not bits:
                continue
            if not rule.ports:
                regions = _refine(regions, bits, ALL)
                continue
            numeric = union_all(port_conns(p, None, self.profile) for p in rule.ports if not isinstance(p.port, str))
            if not numeric.is_empty:
                regions = _refine(regions, bits, numeric)
            named = [p for p in rule.ports if isinstance(p.port, str)]
            if named:
                for portmap, gbits in self.portmap_groups.items():
                    sub = bits & gbits
                    if sub:
                        c = union_all(_named_conns(p, portmap) for p in named)
                        if not c.is_empty:
                            regions = _refine(regions, sub, c)
        return self.expand(regions, mask)

    def ingress_col(self, cls: PeerClass, rules: list[tuple[str, int, NetworkPolicyRule]], mask: int) -> list[ConnSet]:
        # a named port resolves against the class's named ports: the ones any rule names (_referenced)
        key = (INGRESS, tuple(id(rule) for _, _, rule in rules), cls.named_ports, mask)
        hit = self._sides.get(key)
        if hit is None:
            hit = self._remember(key, self._ingress_col(cls, rules, mask))
        return hit

    def _ingress_col(self, cls: PeerClass, rules: list[tuple[str, int, NetworkPolicyRule]], mask: int) -> list[ConnSet]:
        regions: list[tuple[int, ConnSet]] = [(self.all_bits, NONE)]
        rep = cls.pods[0]
        for ns, _, rule in rules:
            bits = self.rule_bits(rule, ns)
            if not bits:
                continue
            c = ALL if not rule.ports else union_all(port_conns(p, rep, self.profile) for p in rule.ports)
            if not c.is_empty:
                regions = _refine(regions, bits, c)
        return self.expand(regions, mask)


def connectivity(cluster: ClusterState, engine: str | None = None,
                 keep: Callable[[PeerClass], bool] | None = None) -> ClassMatrix:
    """Every class pair's allowed connections under ``engine`` (default: the cluster's engine).

    With an engine that does not enforce (``none``) every pair gets All Connections. With ``keep``, only the
    pairs with a kept class on at least one side are computed (``matrix --namespace/--focus``): the rows of
    the other classes hold only their kept columns (a dict by class index instead of a list)."""
    profile = get_profile(engine if engine is not None else cluster.policy_engine)
    b = _Builder(cluster, profile)
    b.warnings.extend(engine_caveats(cluster, profile))
    n = b.n
    if not profile.enforces:
        row = [ALL] * n
        return ClassMatrix(profile, b.classes, [row for _ in range(n)], b.warnings)
    kept = b.all_bits if keep is None else bits_of(c.index for c in b.classes if keep(c))
    kept_idx = indices_of(kept)
    ing_rules, eg_rules = b.targets()
    own = EngineSides(b, _engine_pols(cluster, profile))
    cols: list[list[ConnSet] | None] = [None] * n
    for cls in b.classes:
        mask = b.all_bits if kept >> cls.index & 1 else kept
        if cls.index in own.ingress:
            cols[cls.index] = own.side(cls, mask, INGRESS)
        elif b.iso_in >> cls.index & 1:
            cols[cls.index] = b.ingress_col(cls, ing_rules[cls.index], mask)
    rows: list[Row] = []
    ingress = IngressRows(cols, n)
    for cls in b.classes:
        s = cls.index
        full = kept >> s & 1
        if s in own.egress:
            eg: list[ConnSet] | None = own.side(cls, b.all_bits if full else kept, EGRESS)
        else:
            eg = b.egress_row(cls, eg_rules[s], b.all_bits if full else kept) if b.iso_eg >> s & 1 else None
        rows.append(combine_kept(s, eg, cols, kept_idx) if not full else ingress.combine(s, eg))
    return ClassMatrix(profile, b.classes, rows, b.warnings)
