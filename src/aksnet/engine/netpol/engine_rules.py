"""The engines' own policies evaluated as the engines do, together with the Kubernetes NetworkPolicies.

Calico (https://docs.tigera.io/calico/latest/reference/resources/tier, .../networkpolicy): the policies that
apply to an endpoint for a direction are grouped in tiers, taken in tier ``order`` (smallest first); inside a
tier, policies in ``order`` (unset: last; ties by name) and each policy's rules in turn. The first matching rule
decides: ``Allow`` and ``Deny`` end the evaluation, ``Pass`` jumps to the next tier that applies, ``Log`` decides
nothing. What a tier leaves undecided gets the tier's default action (``Deny``; the AdminNetworkPolicy and
BaselineAdminNetworkPolicy tiers: ``Pass``). What the last tier passes on reaches the namespace's profile,
which allows it. Kubernetes NetworkPolicies are Calico policies of the ``default`` tier with order 1000 and
``Allow`` rules only. Calico's selectors see the pod's labels plus ``projectcalico.org/namespace``,
``projectcalico.org/orchestrator`` and the namespace's labels as ``pcns.<key>``; namespace selectors see the
namespace's labels plus ``projectcalico.org/name``; ``nets`` match any address (pods and nodes too).

Cilium (https://docs.cilium.io/en/stable/security/policy/language/, .../policy/deny/,
.../policy/intro/): allow rules of CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies and NetworkPolicies
add up; an endpoint is in default-deny for a direction when any policy with rules of that direction (allow or
deny) selects it, unless the policy turns ``enableDefaultDeny`` off; deny rules win over every allow rule.
Endpoint selectors see the pod's labels plus ``io.kubernetes.pod.namespace`` and the namespace's labels as
``io.cilium.k8s.namespace.labels.<key>``; CIDR rules match only addresses outside the cluster; entities:
``all``, ``world`` (outside the cluster), ``cluster`` (pods and nodes), ``host`` (the subject's node),
``remote-node`` (other nodes), ``kube-apiserver`` (the ``default/kubernetes`` endpoints); ``health``, ``init``,
``unmanaged`` and ``ingress`` name endpoints the twin does not have and match nothing.

The traffic between a pod and its own node follows the engine profile, as for NetworkPolicy. Pure: model
objects in, connection sets out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.engine.netpol.conns import ALL, NONE, PROTOCOLS, ConnSet, conns, union_all
from aksnet.engine.netpol.evaluate import RuleRef, port_conns
from aksnet.engine.netpol.peers import Endpoint, ip_in_block
from aksnet.engine.netpol.profiles import EngineProfile
from aksnet.model.engine_policy import DEFAULT_TIER_ORDER, KNP_ORDER, EnginePeer, EnginePolicy, EngineRule
from aksnet.model.k8s import NetworkPolicyPort, Pod
from aksnet.model.twin import ClusterState

_LAST = float("inf")

NsLabels = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class Decision:
    """One engine rule (or NetworkPolicy rule) that decided some of a side's connections."""

    ref: RuleRef  # GlobalNetworkPolicy deny-db ingress rule #0
    action: str  # Allow | Deny | Pass | Log
    conns: ConnSet


def pod_view(pod: Pod, engine: str, ns_labels: NsLabels) -> dict[str, str]:
    """The labels an engine's selectors see on a pod (the module docstring lists them)."""
    ns = ns_labels.get(pod.namespace, {})
    if engine == "cilium":
        return {**pod.labels, "io.kubernetes.pod.namespace": pod.namespace,
                **{f"io.cilium.k8s.namespace.labels.{k}": v for k, v in ns.items()}}
    return {**pod.labels, "projectcalico.org/namespace": pod.namespace, "projectcalico.org/orchestrator": "k8s",
            **{f"pcns.{k}": v for k, v in ns.items()}}


def namespace_view(namespace: str, engine: str, ns_labels: NsLabels) -> dict[str, str]:
    labels = dict(ns_labels.get(namespace, {}))
    if engine == "calico":
        labels["projectcalico.org/name"] = namespace
    return labels


def selects(pol: EnginePolicy, pod: Pod, direction: str, ns_labels: NsLabels) -> bool:
    """The policy applies to ``pod`` for ``direction`` (hostNetwork pods are the node's, never selected)."""
    if direction not in pol.types or pod.host_network:
        return False
    if pol.namespace is not None and pod.namespace != pol.namespace:
        return False
    if pol.namespace_selector is not None and \
            not pol.namespace_selector.matches(namespace_view(pod.namespace, pol.engine, ns_labels)):
        return False
    return pol.selector.matches(pod_view(pod, pol.engine, ns_labels))


def _apiserver_ips(cluster: ClusterState) -> frozenset[str]:
    ips = {e.ip for s in cluster.endpoint_slices if s.namespace == "default" and s.service_name == "kubernetes"
           for e in s.endpoints}
    if cluster.cluster is not None and cluster.cluster.api_server_public_ip:
        ips.add(cluster.cluster.api_server_public_ip)
    return frozenset(ips)


def _entity(name: str, subject: Endpoint, ep: Endpoint, cluster: ClusterState) -> bool:
    if name == "all":
        return True
    if name in ("world", "world-ipv4"):
        return ep.kind == "external"
    if name == "cluster":
        return ep.kind in ("pod", "node")
    if name == "host":
        return ep.kind == "node" and ep.node == subject.node
    if name == "remote-node":
        return ep.kind == "node" and ep.node != subject.node
    if name == "kube-apiserver":
        return ep.ip in _apiserver_ips(cluster)
    return False  # health, init, unmanaged, ingress: endpoints the twin does not have


def peer_matches(peer: EnginePeer, engine: str, subject: Endpoint, ep: Endpoint, cluster: ClusterState,
                 ns_labels: NsLabels) -> bool:
    """Every criterion of ``peer`` holds for ``ep`` (see :class:`aksnet.model.engine_policy.EnginePeer`)."""
    if peer.entities and not any(_entity(e, subject, ep, cluster) for e in peer.entities):
        return False
    if peer.nets:
        if ep.kind != "external" and not peer.nets_match_pods:
            return False
        if not any(ip_in_block(ep.ip, b) for b in peer.nets):
            return False
    if peer.selector is None and peer.namespace is None and peer.namespace_selector is None:
        return True
    if ep.kind != "pod" or ep.pod is None:
        return False
    pod = ep.pod
    if peer.namespace is not None and pod.namespace != peer.namespace:
        return False
    if peer.namespace_selector is not None and \
            not peer.namespace_selector.matches(namespace_view(pod.namespace, engine, ns_labels)):
        return False
    return peer.selector is None or peer.selector.matches(pod_view(pod, engine, ns_labels))


def _ports(ports: tuple[NetworkPolicyPort, ...], dst: Pod | None, profile: EngineProfile) -> ConnSet:
    return union_all(port_conns(p, dst, profile) for p in ports)


def rule_conns(rule: EngineRule, dst: Pod | None, profile: EngineProfile) -> ConnSet:
    """The connections a rule covers towards ``dst`` (None: not a pod): its ports (named ones resolved against
    the destination pod), else every port of its protocols; less its ``not_ports``."""
    if rule.ports:
        c = _ports(rule.ports, dst, profile)
    else:
        c = union_all(conns(p) for p in (rule.protocols or PROTOCOLS) if p in PROTOCOLS)
    if rule.not_ports:
        c = c - _ports(rule.not_ports, dst, profile)
    return c


def _rule_applies(rule: EngineRule, pol: EnginePolicy, subject: Endpoint, peer: Endpoint, cluster: ClusterState,
                  ns_labels: NsLabels) -> bool:
    if rule.subject is not None and not peer_matches(rule.subject, pol.engine, subject, subject, cluster, ns_labels):
        return False
    if rule.peers and not any(peer_matches(p, pol.engine, subject, peer, cluster, ns_labels) for p in rule.peers):
        return False
    return not any(peer_matches(p, pol.engine, subject, peer, cluster, ns_labels) for p in rule.not_peers)


def policy_decisions(pol: EnginePolicy, direction: str, subject: Endpoint, peer: Endpoint, cluster: ClusterState,
                     ns_labels: NsLabels, profile: EngineProfile) -> list[Decision]:
    """The rules of ``pol`` for ``direction`` that match ``peer``, in order, with the connections each covers."""
    rules = pol.ingress if direction == "Ingress" else pol.egress
    dst = (subject.pod if direction == "Ingress" else (peer.pod if peer.kind == "pod" else None))
    word = direction.lower()
    out = []
    for i, rule in enumerate(rules):
        if not _rule_applies(rule, pol, subject, peer, cluster, ns_labels):
            continue
        c = rule_conns(rule, dst, profile)
        if not c.is_empty:
            out.append(Decision(RuleRef(pol.key, word, i), rule.action, c))
    return out


@dataclass(frozen=True, slots=True)
class EngineSide:
    """What one side allows once the engine's own policies are applied: the connections, the policies that
    apply, whether they isolate the subject, and the rules behind the verdict (allowing and denying ones)."""

    allowed: ConnSet
    applied: tuple[str, ...]
    isolated: bool
    decisions: tuple[Decision, ...]


def calico_side(pols: list[EnginePolicy], k8s: list[tuple[str, list[Decision]]], direction: str,
                subject: Endpoint, peer: Endpoint, cluster: ClusterState, ns_labels: NsLabels,
                profile: EngineProfile) -> EngineSide:
    """Calico's tiers over the engine's policies and the NetworkPolicies (``k8s``: (key, their matching allow
    rules) per selecting NetworkPolicy)."""
    tiers: dict[tuple[float, str], tuple[str, list[tuple[float, str, str, list[Decision]]]]] = {}
    for pol in pols:
        order = pol.tier_order if pol.tier_order is not None else _LAST
        tiers.setdefault((order, pol.tier), (pol.tier_default, []))[1].append(
            (pol.order if pol.order is not None else _LAST, pol.key, pol.key,
             policy_decisions(pol, direction, subject, peer, cluster, ns_labels, profile)))
    for key, decisions in k8s:
        tiers.setdefault((DEFAULT_TIER_ORDER, "default"), ("Deny", []))[1].append(
            (KNP_ORDER, f"knp.default.{key}", key, decisions))
    undecided, allowed = ALL, NONE
    out: list[Decision] = []
    applied: list[str] = []
    for _, (default_action, members) in sorted(tiers.items()):
        pending, passed = undecided, NONE
        for _, _, key, decisions in sorted(members, key=lambda m: (m[0], m[1])):
            applied.append(key)
            for d in decisions:
                rc = d.conns & pending
                if rc.is_empty or d.action == "Log":
                    continue
                if d.action == "Allow":
                    allowed = allowed | rc
                elif d.action == "Pass":
                    passed = passed | rc
                pending = pending - rc
                out.append(Decision(d.ref, d.action, rc))
        if default_action == "Pass":
            passed = passed | pending
        undecided = passed
    if not undecided.is_empty:
        allowed = allowed | undecided
        out.append(Decision(RuleRef("the namespace's profile (what the tiers pass on)", direction.lower(), -1),
                            "Allow", undecided))
    return EngineSide(allowed, tuple(applied), bool(applied), tuple(out))


def cilium_side(pols: list[EnginePolicy], k8s_isolated: bool, k8s_allowed: ConnSet, k8s: list[Decision],
                direction: str, subject: Endpoint, peer: Endpoint, cluster: ClusterState, ns_labels: NsLabels,
                profile: EngineProfile) -> EngineSide:
    """Cilium: allow rules add up (with the NetworkPolicies'), deny rules win, default-deny per direction."""
    decisions = [d for pol in pols for d in policy_decisions(pol, direction, subject, peer, cluster, ns_labels,
                                                             profile)]
    default_deny = k8s_isolated or any(direction in pol.default_deny for pol in pols)
    allow = union_all(d.conns for d in decisions if d.action == "Allow")
    if k8s_isolated:
        allow = allow | k8s_allowed
    if not default_deny:
        allow = ALL
    deny = union_all(d.conns for d in decisions if d.action == "Deny")
    shown = [d for d in (*k8s, *decisions) if d.action != "Allow" or not (d.conns - deny).is_empty]
    return EngineSide(allow - deny, tuple(p.key for p in pols), default_deny or not deny.is_empty, tuple(shown))
