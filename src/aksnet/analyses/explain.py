"""``aksnet explain POD|WORKLOAD``: which policies select it and what each rule lets in or out.

For the target's pods: per direction, whether it is isolated (k8s docs "The two sorts of pod isolation"),
the selecting policies, and each rule in words (peers, ports with named ports resolved on the pod) with
the workloads it currently matches; then the connectivity list restricted to the target. Text and JSON
are two projections of one ``Explanation``. Pure.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from aksnet.analyses.answer import Answer
from aksnet.analyses.explain_mesh import mesh_rows
from aksnet.analyses.matrix import MatrixResult, compute_matrix, connection_json, workload_key
from aksnet.engine.netpol.evaluate import EGRESS, INGRESS, PolicyVerdict, policy_verdict, rule_peers_match, selects
from aksnet.engine.netpol.peers import Endpoint, PolicyPeer, namespace_labels
from aksnet.engine.netpol.profiles import get_profile
from aksnet.errors import UsageError
from aksnet.model.k8s import LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule, Pod
from aksnet.model.twin import ClusterState


def selector_text(sel: LabelSelector) -> str:
    """kubectl's selector notation: ``app=web,tier in (a,b),!legacy``; ``{}`` for the empty selector."""
    parts = [f"{k}={v}" for k, v in sorted(sel.match_labels.items())]
    for r in sel.match_expressions:
        if r.operator == "In":
            parts.append(f"{r.key} in ({','.join(r.values)})")
        elif r.operator == "NotIn":
            parts.append(f"{r.key} notin ({','.join(r.values)})")
        elif r.operator == "Exists":
            parts.append(r.key)
        else:
            parts.append(f"!{r.key}")
    return ",".join(parts) if parts else "{}"


def peer_text(peer: NetworkPolicyPeer, policy_ns: str) -> str:
    if peer.ip_block is not None:
        ex = f" except {', '.join(peer.ip_block.except_)}" if peer.ip_block.except_ else ""
        return f"addresses in {peer.ip_block.cidr}{ex}"
    pods = "every pod" if peer.pod_selector is None or peer.pod_selector.is_empty else \
        f"pods matching {selector_text(peer.pod_selector)}"
    if peer.namespace_selector is None:
        return f"{pods} in namespace {policy_ns}"
    if peer.namespace_selector.is_empty:
        return f"{pods} in every namespace"
    return f"{pods} in namespaces matching {selector_text(peer.namespace_selector)}"


def port_text(port: NetworkPolicyPort, pod: Pod | None) -> str:
    if port.port is None:
        return f"{port.protocol} any port"
    if isinstance(port.port, int):
        return f"{port.protocol} {port.port}" + (f"-{port.end_port}" if port.end_port else "")
    nums = sorted({cp.container_port for cp in (pod.ports if pod else ())
                   if cp.name == port.port and cp.protocol.upper() == port.protocol.upper()})
    where = f" (= {','.join(map(str, nums))} on this pod)" if nums else " (no such port on this pod)"
    return f"{port.protocol} named port {port.port}" + (where if pod is not None else "")


@dataclass(slots=True)
class RuleExplanation:
    index: int
    peers: list[str]
    ports: list[str]
    matches: list[str]
    action: str | None = None  # an engine's own rule: Allow, Deny, Pass or Log (None: a NetworkPolicy rule)

    @property
    def text(self) -> str:
        frm = " or ".join(self.peers) if self.peers else "anywhere (every pod and every address)"
        ports = ", ".join(self.ports) if self.ports else "all ports and protocols"
        return f"{ports} with {frm}"


@dataclass(slots=True)
class PolicyExplanation:
    name: str
    pod_selector: str
    rules: list[RuleExplanation]


@dataclass(slots=True)
class DirectionExplanation:
    direction: str
    isolated: bool
    policies: list[PolicyExplanation] = field(default_factory=list)


@dataclass(slots=True)
class Explanation:
    target: str
    pods: list[str]
    engine: str
    engine_title: str
    enforced: bool
    ingress: DirectionExplanation
    egress: DirectionExplanation
    connectivity: MatrixResult
    notes: list[str] = field(default_factory=list)
    host_network: bool = False
    mesh: list[tuple[str, str]] = field(default_factory=list)  # Istio: (subject, detail), ``explain_mesh``

    def to_json(self) -> dict[str, Any]:
        def d(x: DirectionExplanation) -> dict[str, Any]:
            return {"isolated": x.isolated, "policies": [
                {"name": p.name, "podSelector": p.pod_selector,
                 "rules": [{"index": r.index, **({"action": r.action} if r.action else {}), "peers": r.peers,
                            "ports": r.ports, "description": r.text, "matches": r.matches} for r in p.rules]}
                for p in x.policies]}

        return {"target": self.target, "pods": self.pods, "engine": self.engine, "enforced": self.enforced,
                "ingress": d(self.ingress), "egress": d(self.egress),
                "reachableFrom": [connection_json(c) for c in self.connectivity.connections
                                  if c[1].name == self.target],
                "canReach": [connection_json(c) for c in self.connectivity.connections if c[0].name == self.target],
                "notes": self.notes,
                **({"mesh": [{"subject": s, "detail": d} for s, d in self.mesh]} if self.mesh else {})}

    def answer(self) -> Answer:
        """Per direction whether it is isolated and what each policy rule allows (section Ingress/Egress, keyed
        by policy and rule), then who reaches the target and whom it reaches (keyed by peer)."""
        rows: list[tuple[str, str, str]] = []
        for d in (self.ingress, self.egress):
            rows.append((d.direction, "isolated", f"by {len(d.policies)} policy(ies)" if d.isolated else "no"))
            for p in d.policies:
                if not p.rules:
                    rows.append((d.direction, p.name, f"no {d.direction.lower()} rules (podSelector "
                                                      f"{p.pod_selector})"))
                rows += [(d.direction, f"{p.name} rule #{r.index}",
                          ("" if r.action in (None, "Allow") else f"{r.action}: ") + r.text +
                          (f"; matches now: {', '.join(r.matches)}" if r.matches else ""))
                         for r in p.rules]
        rows += [("mesh", subject, detail) for subject, detail in self.mesh]
        rows += [("reachable from", s.name, str(c)) for s, d, c in self.connectivity.connections
                 if d.name == self.target]
        rows += [("can reach", d.name, str(c)) for s, d, c in self.connectivity.connections if s.name == self.target]
        notes = (f"{self.target}: {len(self.pods)} pod(s); engine {self.engine} ({self.engine_title})", *self.notes)
        return Answer("explain", ("Section", "Subject", "Detail"), ("Section", "Subject"), tuple(rows), notes)


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """``aksnet explain A --to B``: the NetworkPolicy verdict for one flow, with the names the user gave."""

    source: str
    destination: str
    verdict: PolicyVerdict

    def answer(self) -> Answer:
        """One row: the flow, its decision and each direction's reason."""
        v = self.verdict
        sides = [("allowed" if s.allowed else "denied") + f" — {s.reason}" if v.enforced else "not enforced"
                 for s in (v.egress, v.ingress)]
        row = (self.source, self.destination, v.protocol, str(v.port), "allowed" if v.allowed else "denied", *sides)
        return Answer("explain", ("Source", "Destination", "Protocol", "Port", "Verdict", "Egress", "Ingress"),
                      ("Source", "Destination", "Protocol", "Port"), (row,), (f"engine {v.engine}", *v.notes))


# kubernetes.io/docs/concepts/services-networking/network-policies: outside what a static analysis can know,
# so said once wherever a policy isolates a pod
TIMING_CAVEAT = ("this is the steady state: whether a policy change affects connections already established, and "
                 "how soon a new pod is isolated, is up to the engine (Kubernetes docs: NetworkPolicy's impact on "
                 "existing connections; Pod lifecycle)")


def find_target(cluster: ClusterState, ref: str, namespace: str | None) -> tuple[str, list[Pod]]:
    """``[pod/|deploy/|KIND/][NS/]NAME``: the pods of a workload or one pod; (display name, pods)."""
    kind = None
    text = ref
    if "/" in text:
        head, rest = text.split("/", 1)
        if head.lower() in ("pod", "pods", "po", "deploy", "deployment", "sts", "statefulset", "ds", "daemonset",
                            "rs", "replicaset", "job", "cronjob"):
            kind, text = head.lower(), rest
    ns = namespace
    if "/" in text:
        ns, text = text.split("/", 1)
    ns = ns or "default"
    pods = [p for p in cluster.pods if p.namespace == ns]
    if kind in ("pod", "pods", "po"):
        hit = [p for p in pods if p.name == text]
        if hit:
            return f"{ns}/{text}[Pod]", hit
    else:
        wl = [p for p in pods if workload_key(p)[2] == text]
        if wl:
            k = workload_key(wl[0])
            return f"{k[0]}/{k[2]}[{k[1]}]", wl
        hit = [p for p in pods if p.name == text]
        if hit:
            k = workload_key(hit[0])
            return f"{k[0]}/{k[2]}[{k[1]}]", [p for p in pods if workload_key(p) == k]
    raise UsageError(f'error: no pod or workload "{text}" in namespace "{ns}"')


def _direction(cluster: ClusterState, pod: Pod, direction: str, peers: list[tuple[str, Endpoint]],
               engine: str) -> DirectionExplanation:
    profile = get_profile(engine)
    labels = namespace_labels(cluster)
    pols = [p for p in cluster.network_policies if selects(p, pod, direction)]
    from aksnet.analyses import explain_engine

    own = explain_engine.policies(cluster, pod, direction, profile.name, peers, labels)
    out = DirectionExplanation(direction, bool(pols) or bool(own), own)
    for pol in pols:
        rules_in: tuple[NetworkPolicyRule, ...] = pol.ingress if direction == INGRESS else pol.egress
        rules = []
        for i, rule in enumerate(rules_in):
            port_pod = pod if direction == INGRESS else None
            matches = [name for name, ep in peers if rule_peers_match(rule, pol.namespace, ep, labels, profile)]
            rules.append(RuleExplanation(i, [peer_text(p, pol.namespace) for p in rule.peers],
                                         [port_text(p, port_pod) for p in rule.ports], matches))
        out.policies.append(PolicyExplanation(pol.key, selector_text(pol.pod_selector), rules))
    return out


def explain(cluster: ClusterState, ref: str, namespace: str | None = None, engine: str | None = None) -> Explanation:
    """Explain the pod or workload ``ref`` (see ``find_target``) under ``engine``."""
    eng = engine if engine is not None else cluster.policy_engine
    profile = get_profile(eng)
    target, pods = find_target(cluster, ref, namespace)
    rep = pods[0]
    peers: list[tuple[str, Endpoint]] = []
    seen: set[tuple[str, str, str]] = set()
    for p in cluster.pods:
        k = workload_key(p)
        if k in seen or p.phase in ("Succeeded", "Failed"):
            continue
        seen.add(k)
        peers.append((f"{k[0]}/{k[2]}[{k[1]}]", Endpoint("node" if p.host_network else "pod", p.pod_ip, p,
                                                          p.node_name)))
    result = compute_matrix(cluster, eng, pods=target.endswith("[Pod]") and rep.owner_kind is not None,
                            focus=target.rsplit("[", 1)[0])
    notes = []
    if not profile.enforces:
        notes.append(f"engine '{profile.name}': NetworkPolicy objects are stored but not enforced")
    if rep.host_network:
        notes.append("hostNetwork pod: policies do not select it; its traffic is node traffic")
    ingress = _direction(cluster, rep, INGRESS, peers, eng)
    egress = _direction(cluster, rep, EGRESS, peers, eng)
    if profile.enforces and (ingress.isolated or egress.isolated):
        notes.append(TIMING_CAVEAT)
    return Explanation(target, [p.key for p in pods], profile.name, profile.title, profile.enforces,
                       ingress, egress, result, notes, rep.host_network, mesh_rows(cluster, rep))


def _peer(cluster: ClusterState, ref: str, namespace: str | None) -> tuple[str, PolicyPeer]:
    """An IP address as itself; otherwise the first pod of the workload or pod ``ref``."""
    try:
        return ref, str(ipaddress.ip_address(ref))
    except ValueError:
        name, pods = find_target(cluster, ref, namespace)
        return name, pods[0]


def explain_pair(cluster: ClusterState, source: str, destination: str, port: int, protocol: str = "TCP",
                 namespace: str | None = None, engine: str | None = None) -> PairExplanation:
    """The NetworkPolicy verdict for ``source`` → ``destination`` (workloads, pods or IP addresses) on
    ``protocol``/``port`` (kubernetes.io/docs/concepts/services-networking/network-policies: a connection is
    allowed when the source's egress and the destination's ingress both allow it)."""
    src_name, src = _peer(cluster, source, namespace)
    dst_name, dst = _peer(cluster, destination, namespace)
    return PairExplanation(src_name, dst_name, policy_verdict(cluster, src, dst, port, protocol, engine))
