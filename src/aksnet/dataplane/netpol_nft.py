"""NetworkPolicy compiled to nftables for one node (table ``inet aksnet-netpol``).

Semantics come from ``aksnet.engine.netpol`` (``ingress_side``/``egress_side`` with the
cluster's engine profile), so the kernel and the twin share one interpretation of selectors, named ports,
ipBlocks and engine quirks; this module only turns the per-pod allowed (peer, connections) sets into nft.
Shape (cloudnativelabs/kube-router docs/design/npc-design.md,
kube-router style): base chains in ``forward`` (pod↔pod, routed or bridged thanks to
br_netfilter), ``input`` (a pod's egress to its own node) and ``output`` (the node's traffic to its pods),
each accepting established flows, then ``ip daddr vmap`` → ``pod-in-…`` for ingress-isolated local pods
and ``ip saddr vmap`` → ``pod-out-…`` for egress-isolated ones. A pod chain ``return``s when a rule allows
and rejects otherwise, so a same-node flow is checked by both the source's and the destination's chains.
Peers: every pod-network pod and node of the cluster by exact IP, then the address ranges induced by all
ipBlocks (each range evaluated as one outside address). Pure: builds JSON only.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from aksnet.dataplane import names
from aksnet.dataplane import nft as n
from aksnet.engine.addressing import Topology
from aksnet.engine.netpol import evaluate
from aksnet.engine.netpol.conns import ALL, PROTOCOLS, ConnSet
from aksnet.engine.netpol.peers import Endpoint, namespace_labels
from aksnet.engine.netpol.profiles import EngineProfile, get_profile
from aksnet.model import k8s

SideFn = Callable[..., evaluate.SideConns]


def conn_matches(c: ConnSet) -> list[list[dict[str, Any]]]:
    """One expression list per protocol of ``c`` (``[[]]`` for every connection)."""
    if c.is_all:
        return [[]]
    out = []
    for proto in PROTOCOLS:
        rs = c.protocol_ranges(proto)
        if not rs:
            continue
        m = [n.match(n.meta("l4proto"), proto.lower())]
        if rs != ((1, 65535),):
            m.append(n.match(n.payload("th", "dport"), n.anon_set([n.port_value(lo, hi) for lo, hi in rs])))
        out.append(m)
    return out


def external_atoms(policies: tuple[k8s.NetworkPolicy, ...], extra: list[k8s.IPBlock] | None = None
                   ) -> list[tuple[int, int]]:
    """The disjoint address ranges induced by every ipBlock cidr and except, and by ``extra`` blocks (the engine's
    own policies' nets), plus the whole space."""
    points = {0, 2**32}
    blocks = [peer.ip_block for p in policies for rule in (*p.ingress, *p.egress) for peer in rule.peers
              if peer.ip_block is not None] + list(extra or ())
    for block in blocks:
        for c in (block.cidr, *block.except_):
            try:
                net = ipaddress.ip_network(c, strict=False)
            except ValueError:
                continue
            if isinstance(net, ipaddress.IPv4Network):
                points |= {int(net.network_address), int(net.broadcast_address) + 1}
    pts = sorted(points)
    return [(pts[i], pts[i + 1] - 1) for i in range(len(pts) - 1)]


def _ip(i: int) -> str:
    return str(ipaddress.IPv4Address(i))


def _ip_key(ip: str) -> tuple[int, ...]:
    """Sort key of a dotted IPv4 address (numeric order, without building an IPv4Address per element)."""
    return tuple(int(x) for x in ip.split("."))


class SideMemo:
    """``side(cluster, subject, peer, …).allowed`` per (subject class, peer class): endpoints alike for every
    selector and port rule get the same answer (their addresses count only when some policy has an ipBlock),
    so a node's chains cost classes², not pods²."""

    def __init__(self, policies: tuple[k8s.NetworkPolicy, ...], by_ip: bool = False) -> None:
        self.by_ip = by_ip or any(peer.ip_block is not None for p in policies for r in (*p.ingress, *p.egress)
                                  for peer in r.peers)
        self.cache: dict[tuple[Any, ...], ConnSet] = {}
        self.keys: dict[int, tuple[Endpoint, tuple[Any, ...]]] = {}
        self.rank: dict[str, tuple[int, ...]] = {}

    def sorted_ips(self, ips: list[str]) -> list[str]:
        rank = self.rank
        for ip in ips:
            if ip not in rank:
                rank[ip] = _ip_key(ip)
        return sorted(set(ips), key=rank.__getitem__)

    def key(self, e: Endpoint) -> tuple[Any, ...]:
        got = self.keys.get(id(e))
        if got is not None and got[0] is e:
            return got[1]
        k = self._key(e)
        self.keys[id(e)] = (e, k)
        return k

    def _key(self, e: Endpoint) -> tuple[Any, ...]:
        pod = e.pod
        pod_key = None if pod is None else (pod.namespace, tuple(sorted(pod.labels.items())),
                                           tuple(sorted((c.container_port, c.protocol, c.name or "")
                                                        for c in pod.ports)))
        return (e.kind, e.node, pod_key, e.ip if self.by_ip or pod is None else None)

    def classes(self, peers: list[Endpoint]) -> list[tuple[Endpoint, list[str]]]:
        """Peers with an address grouped by class: (a representative, every address of the class)."""
        out: dict[tuple[Any, ...], tuple[Endpoint, list[str]]] = {}
        for e in peers:
            if e.ip is not None:
                out.setdefault(self.key(e), (e, []))[1].append(e.ip)
        return list(out.values())

    def allowed(self, side: SideFn, cluster: Any, subject: Endpoint, peer: Endpoint, profile: EngineProfile,
                labels: dict[str, Any]) -> ConnSet:
        k = (side, self.key(subject), self.key(peer))
        got = self.cache.get(k)
        if got is None:
            got = self.cache[k] = side(cluster, subject, peer, profile, labels).allowed
        return got


def _chain_rules(t: n.Table, chain: str, field: str, subject: Endpoint, peers: list[tuple[Endpoint, list[str]]],
                 atoms: list[tuple[int, int]], side: SideFn, cluster: Any, profile: EngineProfile,
                 labels: dict[str, Any], bypass: list[dict[str, Any]], memo: SideMemo) -> None:
    t.chain(chain)
    for b in bypass:
        t.rule(chain, *b["exprs"], n.RETURN, comment=b["comment"])
    groups: dict[ConnSet, list[str]] = {}
    for rep, ips in peers:
        allowed = memo.allowed(side, cluster, subject, rep, profile, labels)
        if subject.ip in ips:
            groups.setdefault(ALL, []).append(subject.ip)  # a pod cannot block access to itself
            ips = [ip for ip in ips if ip != subject.ip]
        if ips:  # a class of the subject alone leaves nothing: nft refuses an empty anonymous set
            groups.setdefault(allowed, []).extend(ips)
    addr = n.payload("ip", field)
    known: list[str] = []
    for conns, ips in sorted(groups.items(), key=lambda kv: str(kv[0])):
        known += ips
        if conns.is_empty:
            continue
        for m in conn_matches(conns):
            t.rule(chain, n.match(addr, n.anon_set(memo.sorted_ips(ips))), *m, n.RETURN)
    if known:
        t.rule(chain, n.match(addr, n.anon_set(memo.sorted_ips(known))), n.reject_fast("inet"))
    agroups: dict[ConnSet, list[tuple[int, int]]] = {}
    for lo, hi in atoms:
        ext = Endpoint("external", _ip(lo))
        agroups.setdefault(memo.allowed(side, cluster, subject, ext, profile, labels), []).append((lo, hi))
    for conns, ranges in sorted(agroups.items(), key=lambda kv: str(kv[0])):
        if conns.is_empty:
            continue
        vals = [_ip(lo) if lo == hi else {"range": [_ip(lo), _ip(hi)]} for lo, hi in ranges]
        for m in conn_matches(conns):
            if ranges == [(0, 2**32 - 1)]:
                t.rule(chain, *m, n.RETURN)
            else:
                t.rule(chain, n.match(addr, n.anon_set(vals)), *m, n.RETURN)
    t.rule(chain, n.reject_fast("inet"), comment="NetworkPolicy: not allowed")


def _bypass(topo: Topology, profile: EngineProfile) -> list[dict[str, Any]]:
    """Azure NPM does not enforce ingress that arrives through an LB/NodePort with ETP Cluster: the flow's
    original destination is an LB IP and port, or a node IP and nodePort, of a Service with
    externalTrafficPolicy Cluster (a Local Service's NodePort on the same node IP stays enforced)."""
    if profile.lb_ingress_enforced:
        return []
    node_ips = sorted({nd.internal_ip for nd in topo.nodes.values() if nd.internal_ip}, key=ipaddress.IPv4Address)
    elems: set[tuple[str, str, int]] = set()
    for s in topo.services.values():
        if (s.external_traffic_policy or "Cluster") != "Cluster" or s.type not in ("NodePort", "LoadBalancer"):
            continue
        for sp in s.ports:
            proto = sp.protocol.lower()
            if proto not in ("tcp", "udp", "sctp"):
                continue
            elems |= {(ip, proto, sp.port) for ip in s.load_balancer_ingress}
            if sp.node_port:
                elems |= {(ip, proto, sp.node_port) for ip in node_ips}
    by_port: dict[tuple[str, int], list[str]] = {}
    for ip, proto, port in elems:
        by_port.setdefault((proto, port), []).append(ip)
    comment = f"{profile.name}: ingress via load balancer/NodePort (externalTrafficPolicy Cluster) not enforced"
    return [{"exprs": [n.match(n.meta("l4proto"), proto),
                       n.match({"ct": {"key": "proto-dst", "dir": "original"}}, port),
                       n.match(n.ct("daddr", "original"), n.anon_set(sorted(ips, key=ipaddress.IPv4Address)))],
             "comment": comment} for (proto, port), ips in sorted(by_port.items())]


def build(topo: Topology, node: k8s.Node) -> n.Table:
    t = n.Table("inet", "aksnet-netpol")
    cluster = topo.state
    profile = get_profile(cluster.policy_engine)
    for name, hook in (("forward", "forward"), ("input", "input"), ("output", "output")):
        t.chain(name, hook=hook, ctype="filter", prio=0)
        t.rule(name, n.match(n.ct("state"), n.anon_set(["established", "related"]), "in"), n.ACCEPT)
    own = [p for p in cluster.engine_policies if p.engine == profile.name]
    if not profile.enforces or not (cluster.network_policies or own):
        return t
    labels = namespace_labels(cluster)
    pods = [p for p in cluster.pods if p.pod_ip and not p.host_network and p.phase not in ("Succeeded", "Failed")]
    peers = [Endpoint("pod", p.pod_ip, p, p.node_name) for p in pods]
    peers += [Endpoint("node", nd.internal_ip, None, nd.name) for nd in cluster.nodes if nd.internal_ip]
    blocks = evaluate.engine_blocks(cluster, profile)
    atoms = external_atoms(cluster.network_policies, blocks)
    in_map: list[list[Any]] = []
    out_map: list[list[Any]] = []
    bypass = _bypass(topo, profile)
    memo = SideMemo(cluster.network_policies, by_ip=bool(blocks))
    peer_classes = memo.classes(peers)
    for p in sorted(pods, key=lambda x: x.key):
        if p.node_name != node.name or not p.pod_ip:
            continue
        me = Endpoint("pod", p.pod_ip, p, p.node_name)
        h = names.short_hash(p.key, 10)
        if evaluate.policed(cluster, p, evaluate.INGRESS, profile, labels):
            chain = f"pod-in-{h}"
            _chain_rules(t, chain, "saddr", me, peer_classes, atoms, evaluate.ingress_side, cluster, profile, labels,
                         bypass, memo)
            in_map.append([p.pod_ip, n.jump(chain)])
        if evaluate.policed(cluster, p, evaluate.EGRESS, profile, labels):
            chain = f"pod-out-{h}"
            _chain_rules(t, chain, "daddr", me, peer_classes, atoms, evaluate.egress_side, cluster, profile, labels,
                         [], memo)
            out_map.append([p.pod_ip, n.jump(chain)])
    ingress = {"vmap": {"key": n.payload("ip", "daddr"), "data": {"set": in_map}}}
    egress = {"vmap": {"key": n.payload("ip", "saddr"), "data": {"set": out_map}}}
    if in_map:
        t.rule("forward", ingress)
        t.rule("output", ingress)
    if out_map:
        t.rule("forward", egress)
        t.rule("input", egress)  # a pod's packets to its own node (Azure DNS on 168.63.129.16, kubelet) too
        t.rule("input", egress)
    return t
