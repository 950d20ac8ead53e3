"""NetworkPolicy verdict for one flow: does egress at the source and ingress at the destination allow it?

Implements networking.k8s.io/v1 NetworkPolicy semantics
(kubernetes.io/docs/concepts/services-networking/network-policies, sources there) with an engine
profile for the AKS enforcers (learn.microsoft.com/azure/aks/use-network-policies):

* a pod is isolated for a direction iff some policy in its namespace selects it and has that policy type;
  allowed traffic is then the union of the rules of all such policies (no order, no deny);
* a connection needs egress allowed at the source AND ingress allowed at the destination;
* empty ``from``/``to`` = every peer; empty ``ports`` = every port and protocol; a peer with
  ``namespaceSelector`` and ``podSelector`` is their AND, separate peers are OR; ``podSelector`` alone is
  the policy's namespace, ``namespaceSelector: {}`` is every namespace (pods only, not addresses);
* named ports resolve against the *destination* pod's container ports with the rule's protocol;
* ``endPort`` is inclusive (ignored by engines without support); protocol defaults to TCP earlier (io);
* traffic from the pod's own node is always allowed (API Ingress doc); egress to the own node per engine;
* nodes and outside addresses are not policy subjects: their own egress/ingress is not filtered.

This module is per-flow and direct; the all-pairs matrix uses ``classes`` and must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.engine.netpol.conns import ALL, NONE, ConnSet, conns, union_all
from aksnet.engine.netpol.peers import Endpoint, PolicyPeer, cluster_labels, ip_in_block, namespace_labels, resolve
from aksnet.engine.netpol.profiles import EngineProfile, get_profile
from aksnet.model.k8s import IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, Pod
from aksnet.model.twin import ClusterState

INGRESS = "Ingress"
EGRESS = "Egress"


@dataclass(frozen=True, slots=True)
class RuleRef:
    """One rule of one policy: ``production/allow-frontend ingress rule #0``."""

    policy: str
    direction: str  # ingress | egress
    index: int

    def __str__(self) -> str:
        if self.index < 0:  # not a rule: what an engine does with what its policies leave undecided
            return self.policy
        return f"{self.policy} {self.direction} rule #{self.index}"


@dataclass(frozen=True, slots=True)
class DirectionVerdict:
    """The verdict of one side: egress at the source or ingress at the destination.

    ``subject`` is the pod whose policies apply (None when that end is a node or an outside address, which
    NetworkPolicy does not filter). ``selecting`` lists the policies that isolate the subject for this
    direction; ``allowing`` the rules that allow the flow; ``reason`` says it in words."""

    direction: str
    allowed: bool
    subject: str | None
    isolated: bool
    selecting: tuple[str, ...]
    allowing: tuple[RuleRef, ...]
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "allowed": self.allowed,
            "subject": self.subject,
            "isolated": self.isolated,
            "selectingPolicies": list(self.selecting),
            "allowingRules": [str(r) for r in self.allowing],
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class PolicyVerdict:
    """The NetworkPolicy decision for one flow under one engine."""

    engine: str
    enforced: bool
    allowed: bool
    source: str
    destination: str
    port: int
    protocol: str
    egress: DirectionVerdict
    ingress: DirectionVerdict
    notes: tuple[str, ...] = ()

    @property
    def deciding(self) -> str:
        """One line naming what decided the flow (the first denying side, else both allowing sides)."""
        if not self.enforced:
            return self.notes[0] if self.notes else f"engine {self.engine} does not enforce NetworkPolicy"
        if not self.egress.allowed:
            return self.egress.reason
        if not self.ingress.allowed:
            return self.ingress.reason
        return f"{self.egress.reason}; {self.ingress.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "enforced": self.enforced,
            "allowed": self.allowed,
            "source": self.source,
            "destination": self.destination,
            "port": self.port,
            "protocol": self.protocol,
            "egress": self.egress.to_json(),
            "ingress": self.ingress.to_json(),
            "notes": list(self.notes),
        }


# -- building blocks shared with the class-based matrix ----------------------------------------------


def selects(policy: NetworkPolicy, pod: Pod, direction: str) -> bool:
    """The policy isolates ``pod`` for ``direction``: same namespace, podSelector matches, type listed.
    hostNetwork pods are never selected (treated as node traffic)."""
    return (
        direction in policy.policy_types
        and policy.namespace == pod.namespace
        and not pod.host_network
        and policy.pod_selector.matches(pod.labels)
    )


def peer_matches(
    peer: NetworkPolicyPeer, policy_ns: str, ep: Endpoint, ns_labels: dict[str, Any], profile: EngineProfile
) -> bool:
    """NetworkPolicyPeer semantics for one endpoint
    (kubernetes.io/docs/concepts/services-networking/network-policies)."""
    if peer.ip_block is not None:
        if ep.kind == "pod" and not profile.ipblock_matches_pods:
            return False
        if ep.kind == "node" and not profile.ipblock_matches_nodes:
            return False
        return ip_in_block(ep.ip, peer.ip_block)
    if ep.kind != "pod" or ep.pod is None:
        return False  # selectors select pods only, never addresses or host-network endpoints
    pod = ep.pod
    if peer.namespace_selector is None:
        if pod.namespace != policy_ns:
            return False
    elif not peer.namespace_selector.matches(ns_labels.get(pod.namespace, {})):
        return False
    return peer.pod_selector is None or peer.pod_selector.matches(pod.labels)


def rule_peers_match(
    rule: NetworkPolicyRule, policy_ns: str, ep: Endpoint, ns_labels: dict[str, Any], profile: EngineProfile
) -> bool:
    """Empty ``from``/``to`` matches every peer; otherwise any one peer (OR)."""
    if not rule.peers:
        return True
    return any(peer_matches(p, policy_ns, ep, ns_labels, profile) for p in rule.peers)


def port_conns(port: NetworkPolicyPort, dst: Pod | None, profile: EngineProfile) -> ConnSet:
    """The connections one ``ports`` entry allows towards ``dst`` (None: not a pod-network pod).

    Numeric port with optional inclusive endPort; a named port resolves against the destination pod's
    container ports of the same protocol (netpol-analyzer #405) and never matches a non-pod."""
    proto = port.protocol.upper()
    if proto not in ("TCP", "UDP", "SCTP"):
        return NONE
    if port.port is None:
        return conns(proto)
    if isinstance(port.port, int):
        end = port.end_port if (port.end_port is not None and profile.endport_supported) else port.port
        return conns(proto, port.port, max(end, port.port))
    if dst is None:
        return NONE
    out = NONE
    for cp in dst.ports:
        if cp.name == port.port and cp.protocol.upper() == proto:
            out = out | conns(proto, cp.container_port)
    return out


def rule_conns(rule: NetworkPolicyRule, dst: Pod | None, profile: EngineProfile) -> ConnSet:
    """Empty ``ports`` = all; else the union of its entries."""
    if not rule.ports:
        return ALL
    return union_all(port_conns(p, dst, profile) for p in rule.ports)


def _dst_pod(ep: Endpoint) -> Pod | None:
    return ep.pod if ep.kind == "pod" else None


@dataclass(frozen=True, slots=True)
class SideConns:
    """All connections one side allows towards/from a given peer, with the rules behind them."""

    isolated: bool
    allowed: ConnSet
    selecting: tuple[str, ...]
    rules: tuple[tuple[RuleRef, ConnSet], ...]
    local_node: bool = False
    # the engine's own rules that deny some connections
    denied: tuple[tuple[RuleRef, ConnSet], ...] = ()


def ingress_side(cluster: ClusterState, dst: Endpoint, src: Endpoint, profile: EngineProfile,
                 ns_labels: dict[str, Any] | None = None) -> SideConns:
    """What the destination's ingress policies allow from ``src`` (a non-pod destination: everything), the
    engine's own policies included (:mod:`aksnet.engine.netpol.engine_rules`)."""
    return _side(cluster, INGRESS, dst, src, profile, ns_labels)


def _side(cluster: ClusterState, direction: str, subject: Endpoint, peer: Endpoint, profile: EngineProfile,
          ns_labels: dict[str, Any] | None) -> SideConns:
    if subject.kind != "pod" or subject.pod is None:
        return SideConns(False, ALL, (), ())
    labels = ns_labels if ns_labels is not None else namespace_labels(cluster)
    side = (_ingress_k8s if direction == INGRESS else _egress_k8s)(cluster, subject, peer, profile, labels)
    if cluster.engine_policies and not side.local_node:
        return _with_engine(cluster, direction, subject, peer, profile, labels, side)
    return side


def _ingress_k8s(cluster: ClusterState, dst: Endpoint, src: Endpoint, profile: EngineProfile,
                 labels: dict[str, Any]) -> SideConns:
    assert dst.pod is not None
    pod = dst.pod
    pols = [p for p in cluster.network_policies if selects(p, pod, INGRESS)]
    local = src.kind == "node" and src.node is not None and src.node == pod.node_name and \
        profile.ingress_from_local_node_allowed
    if not pols and not (local and _engine_selects(cluster, pod, INGRESS, profile, labels)):
        return SideConns(False, ALL, (), ())
    if local:
        return SideConns(True, ALL, tuple(p.key for p in pols), (), local_node=True)
    rules: list[tuple[RuleRef, ConnSet]] = []
    for p in pols:
        for i, rule in enumerate(p.ingress):
            if rule_peers_match(rule, p.namespace, src, labels, profile):
                c = rule_conns(rule, pod, profile)
                if not c.is_empty:
                    rules.append((RuleRef(p.key, "ingress", i), c))
    return SideConns(True, union_all(c for _, c in rules), tuple(p.key for p in pols), tuple(rules))


def egress_side(cluster: ClusterState, src: Endpoint, dst: Endpoint, profile: EngineProfile,
                ns_labels: dict[str, Any] | None = None) -> SideConns:
    """What the source's egress policies allow towards ``dst`` (a non-pod source: everything), the engine's own
    policies included (:mod:`aksnet.engine.netpol.engine_rules`)."""
    return _side(cluster, EGRESS, src, dst, profile, ns_labels)


def _egress_k8s(cluster: ClusterState, src: Endpoint, dst: Endpoint, profile: EngineProfile,
                labels: dict[str, Any]) -> SideConns:
    assert src.pod is not None
    pod = src.pod
    pols = [p for p in cluster.network_policies if selects(p, pod, EGRESS)]
    local = dst.kind == "node" and dst.node is not None and dst.node == pod.node_name and \
        profile.egress_to_local_node_allowed
    if not pols and not (local and _engine_selects(cluster, pod, EGRESS, profile, labels)):
        return SideConns(False, ALL, (), ())
    if local:
        return SideConns(True, ALL, tuple(p.key for p in pols), (), local_node=True)
    target = _dst_pod(dst)
    rules: list[tuple[RuleRef, ConnSet]] = []
    for p in pols:
        for i, rule in enumerate(p.egress):
            if rule_peers_match(rule, p.namespace, dst, labels, profile):
                c = rule_conns(rule, target, profile)
                if not c.is_empty:
                    rules.append((RuleRef(p.key, "egress", i), c))
    return SideConns(True, union_all(c for _, c in rules), tuple(p.key for p in pols), tuple(rules))


def _engine_pols(cluster: ClusterState, pod: Pod, direction: str, profile: EngineProfile,
                 labels: dict[str, Any]) -> list[Any]:
    from aksnet.engine.netpol import engine_rules

    return [p for p in cluster.engine_policies
            if p.engine == profile.name and engine_rules.selects(p, pod, direction, labels)]


def _engine_selects(cluster: ClusterState, pod: Pod, direction: str, profile: EngineProfile,
                    labels: dict[str, Any]) -> bool:
    return bool(cluster.engine_policies) and bool(_engine_pols(cluster, pod, direction, profile, labels))


def policed(cluster: ClusterState, pod: Pod, direction: str, profile: EngineProfile, labels: dict[str, Any]) -> bool:
    """Some policy (a NetworkPolicy or one of the engine's own) applies to ``pod`` for ``direction``: only then
    can its side deny anything (the data plane builds a chain for it)."""
    return any(selects(p, pod, direction) for p in cluster.network_policies) or \
        _engine_selects(cluster, pod, direction, profile, labels)


def engine_blocks(cluster: ClusterState, profile: EngineProfile) -> list[IPBlock]:
    """The address blocks the engine's own policies test (they split the outside addresses into ranges)."""
    return [b for pol in cluster.engine_policies if pol.engine == profile.name for r in (*pol.ingress, *pol.egress)
            for peer in (*r.peers, *r.not_peers, *((r.subject,) if r.subject else ())) for b in peer.nets]


def _with_engine(cluster: ClusterState, direction: str, subject: Endpoint, peer: Endpoint, profile: EngineProfile,
                 labels: dict[str, Any], side: SideConns) -> SideConns:
    """The NetworkPolicy side combined with the engine's own policies that select the subject."""
    from aksnet.engine.netpol import engine_rules

    assert subject.pod is not None
    pols = _engine_pols(cluster, subject.pod, direction, profile, labels)
    if not pols:
        return side
    if profile.name == "calico":
        by_policy: dict[str, list[engine_rules.Decision]] = {k: [] for k in side.selecting}
        for ref, c in side.rules:
            by_policy.setdefault(ref.policy, []).append(engine_rules.Decision(ref, "Allow", c))
        res = engine_rules.calico_side(pols, list(by_policy.items()), direction, subject, peer, cluster, labels,
                                       profile)
    else:
        res = engine_rules.cilium_side(pols, side.isolated, side.allowed,
                                       [engine_rules.Decision(r, "Allow", c) for r, c in side.rules],
                                       direction, subject, peer, cluster, labels, profile)
    allow = tuple((d.ref, d.conns & res.allowed) for d in res.decisions
                  if d.action == "Allow" and not (d.conns & res.allowed).is_empty)
    deny = tuple((d.ref, d.conns) for d in res.decisions if d.action == "Deny")
    return SideConns(res.isolated, res.allowed, tuple(dict.fromkeys((*side.selecting, *res.applied))), allow,
                     denied=deny)


# -- the public verdict -----------------------------------------------------------------------------


def _side_verdict(direction: str, subject: Endpoint, other: Endpoint, side: SideConns, protocol: str,
                  port: int) -> DirectionVerdict:
    word = "ingress" if direction == INGRESS else "egress"
    subj = subject.pod.key if subject.kind == "pod" and subject.pod is not None else None
    if subj is None:
        what = "the source" if direction == EGRESS else "the destination"
        return DirectionVerdict(word, True, None, False, (), (),
                                f"{what} ({subject.label}) is not a pod-network pod: NetworkPolicy does not "
                                f"filter its {word}")
    if not side.isolated:
        return DirectionVerdict(word, True, subj, False, (), (),
                                f"no NetworkPolicy with policyTypes {direction} selects pod {subj}: "
                                f"{word} allowed (not isolated)")
    if side.local_node:
        why = ("traffic from the pod's own node is always allowed" if direction == INGRESS
               else "egress to the pod's own node is implicitly allowed by this engine")
        return DirectionVerdict(word, True, subj, True, side.selecting, (), why)
    hits = tuple(ref for ref, c in side.rules if c.allows(protocol, port))
    sel = ", ".join(side.selecting)
    if hits:
        return DirectionVerdict(word, True, subj, True, side.selecting, hits,
                                "allowed by " + ", ".join(str(h) for h in hits))
    peer = other.label
    if side.allowed.allows(protocol, port):  # the engine's policies apply but leave the default (allow) alone
        return DirectionVerdict(word, True, subj, True, side.selecting, (),
                                f"selected by {sel}; no rule denies {protocol} {port} and none puts {word} in "
                                "default-deny")
    deniers = [ref for ref, c in side.denied if c.allows(protocol, port)]
    if deniers:
        return DirectionVerdict(word, False, subj, True, side.selecting, (),
                                f"selected by {sel}; denied by {', '.join(map(str, deniers))}")
    if side.rules:
        why = (f"selected by {sel}; {word} rules match {peer} but allow only {side.allowed}, "
               f"not {protocol} {port}")
    else:
        prep = "from" if direction == INGRESS else "to"
        why = f"selected by {sel}; no {word} rule allows {protocol} {port} {prep} {peer}"
    return DirectionVerdict(word, False, subj, True, side.selecting, (), why)


def policy_verdict(cluster: ClusterState, src: PolicyPeer, dst: PolicyPeer, port: int, protocol: str = "TCP",
                   engine: str | None = None) -> PolicyVerdict:
    """NetworkPolicy verdict for a new connection ``src`` → ``dst`` on ``protocol``/``port``.

    ``src``/``dst``: a :class:`aksnet.model.k8s.Pod` or an IP string (resolved to the pod or node owning
    it, else an outside address). ``port`` is the port at the destination pod after any Service DNAT.
    ``engine`` defaults to ``cluster.policy_engine`` (from networkProfile.networkPolicy). With engine
    ``none`` policies are stored but not enforced: ``enforced`` is False and the flow is allowed.
    Nodes, hostNetwork pods and outside addresses are not policy subjects (their side always allows);
    pod→own-node egress and own-node→pod ingress follow the engine profile.
    """
    profile = get_profile(engine if engine is not None else cluster.policy_engine)
    proto = protocol.upper()
    s_ep, d_ep = resolve(cluster, src), resolve(cluster, dst)
    notes: list[str] = []
    if not profile.enforces:
        msg = (f"network policy engine '{profile.name}': NetworkPolicy objects are stored by the API server "
               "but not enforced")
        side = DirectionVerdict("egress", True, None, False, (), (), msg)
        return PolicyVerdict(profile.name, False, True, s_ep.label, d_ep.label, port, proto, side,
                             DirectionVerdict("ingress", True, None, False, (), (), msg), (msg,))
    if proto not in ("TCP", "UDP", "SCTP"):
        notes.append(f"NetworkPolicy defines only TCP, UDP and SCTP; {proto} behaviour is engine-specific")
    labels = cluster_labels(cluster)
    if s_ep.kind == "pod" and d_ep.kind == "pod" and s_ep.pod is not None and d_ep.pod is not None \
            and s_ep.pod.key == d_ep.pod.key:
        notes.append("a pod cannot block access to itself (loopback is not subject to NetworkPolicy)")
        ok = DirectionVerdict("egress", True, s_ep.pod.key, False, (), (), notes[-1])
        return PolicyVerdict(profile.name, True, True, s_ep.label, d_ep.label, port, proto, ok,
                             DirectionVerdict("ingress", True, d_ep.pod.key, False, (), (), notes[-1]),
                             tuple(notes))
    eg = _side_verdict(EGRESS, s_ep, d_ep, egress_side(cluster, s_ep, d_ep, profile, labels), proto, port)
    ing = _side_verdict(INGRESS, d_ep, s_ep, ingress_side(cluster, d_ep, s_ep, profile, labels), proto, port)
    return PolicyVerdict(profile.name, True, eg.allowed and ing.allowed, s_ep.label, d_ep.label, port, proto,
                         eg, ing, tuple(notes))


def pair_conns(cluster: ClusterState, src: PolicyPeer, dst: PolicyPeer, engine: str | None = None) -> ConnSet:
    """Every connection the policies allow from ``src`` to ``dst`` (egress ∩ ingress)."""
    profile = get_profile(engine if engine is not None else cluster.policy_engine)
    if not profile.enforces:
        return ALL
    s_ep, d_ep = resolve(cluster, src), resolve(cluster, dst)
    labels = cluster_labels(cluster)
    return egress_side(cluster, s_ep, d_ep, profile, labels).allowed & \
        ingress_side(cluster, d_ep, s_ep, profile, labels).allowed
