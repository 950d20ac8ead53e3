"""``aksnet explain``'s words for the engines' own policies (Calico's tiers and AdminNetworkPolicies, Cilium's
policies): which of them apply to a pod for a direction, each rule with its action, peers and ports, and the
workloads a rule matches now. Evaluation itself is :mod:`aksnet.engine.netpol.engine_rules`; this module only
describes. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aksnet.engine.netpol import engine_rules
from aksnet.engine.netpol.peers import Endpoint
from aksnet.model.calico_selector import CalicoSelector
from aksnet.model.engine_policy import EnginePeer, EnginePolicy
from aksnet.model.k8s import LabelSelector, Pod
from aksnet.model.twin import ClusterState

if TYPE_CHECKING:
    from aksnet.analyses.explain import PolicyExplanation

# How each engine combines its policies (said once per direction in the explanation).
COMBINE = {"calico": "Calico's order: tiers, then policies by order, the first matching rule decides (Allow, "
                     "Deny, Pass to the next tier); what a tier leaves undecided is denied (or passed on)",
           "cilium": "Cilium's rules: allow rules add up, any deny rule wins"}


def selector_words(sel: LabelSelector | CalicoSelector) -> str:
    from aksnet.analyses.explain import selector_text

    return sel.text if isinstance(sel, CalicoSelector) else selector_text(sel)


def peer_words(peer: EnginePeer) -> str:
    parts = []
    if peer.entities:
        parts.append("entity " + " or ".join(peer.entities))
    if peer.nets:
        parts.append("addresses in " + ", ".join(b.cidr + (f" except {', '.join(b.except_)}" if b.except_ else "")
                                                 for b in peer.nets)
                     + ("" if peer.nets_match_pods else " (outside the cluster)"))
    if peer.selector is not None or peer.namespace is not None or peer.namespace_selector is not None:
        pods = "every pod" if peer.selector is None else f"pods matching {selector_words(peer.selector)}"
        if peer.namespace is not None:
            pods += f" in namespace {peer.namespace}"
        if peer.namespace_selector is not None:
            pods += f" in namespaces matching {selector_words(peer.namespace_selector)}"
        parts.append(pods)
    return " and ".join(parts) or "anywhere"


def policies(cluster: ClusterState, pod: Pod, direction: str, engine: str, peers: list[tuple[str, Endpoint]],
             ns_labels: Any) -> list[PolicyExplanation]:
    """The engine's own policies that apply to ``pod`` for ``direction``, in the words of :mod:`explain`."""
    from aksnet.analyses.explain import PolicyExplanation, RuleExplanation, port_text

    subject = Endpoint("pod", pod.pod_ip, pod, pod.node_name)
    out = []
    pols: list[EnginePolicy] = [p for p in cluster.engine_policies
                                if p.engine == engine and engine_rules.selects(p, pod, direction, ns_labels)]
    for pol in sorted(pols, key=lambda p: (p.tier_order if p.tier_order is not None else float("inf"),
                                           p.order if p.order is not None else float("inf"), p.key)):
        rules = []
        for i, rule in enumerate(pol.ingress if direction == "Ingress" else pol.egress):
            matches = [name for name, ep in peers
                       if (not rule.peers or any(engine_rules.peer_matches(p, pol.engine, subject, ep, cluster,
                                                                           ns_labels) for p in rule.peers))
                       and not any(engine_rules.peer_matches(p, pol.engine, subject, ep, cluster, ns_labels)
                                   for p in rule.not_peers)]
            ports = [port_text(p, pod if direction == "Ingress" else None) for p in rule.ports]
            if not ports and rule.protocols:
                ports = [f"{p} any port" for p in rule.protocols]
            ports += [f"not {port_text(p, None)}" for p in rule.not_ports]
            texts = [peer_words(p) for p in rule.peers] + [f"not {peer_words(p)}" for p in rule.not_peers]
            rules.append(RuleExplanation(i, texts, ports, matches, rule.action))
        where = f"tier {pol.tier}, order {pol.order:g}; " if pol.engine == "calico" and pol.order is not None else \
            (f"tier {pol.tier}; " if pol.engine == "calico" else "")
        scope = f" in namespaces matching {selector_words(pol.namespace_selector)}" if pol.namespace_selector else ""
        out.append(PolicyExplanation(pol.key, where + selector_words(pol.selector) + scope, rules))
    return out
