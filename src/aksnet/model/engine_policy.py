"""Policies of the network policy engines themselves (Calico's NetworkPolicy/GlobalNetworkPolicy and the
Kubernetes AdminNetworkPolicy/BaselineAdminNetworkPolicy that Calico enforces as tiers; Cilium's
CiliumNetworkPolicy/CiliumClusterwideNetworkPolicy), as immutable data the engine evaluates.

One shape for both engines: a policy selects subject pods and holds ordered rules per direction; a rule has an
action (``Allow``, ``Deny``, ``Pass``, ``Log``), peers (any one matches; none = every peer), optionally peers that
must not match, and ports. What each engine does with them (Calico: tiers in order, first matching rule wins;
Cilium: deny rules beat allow rules) is :mod:`aksnet.engine.netpol.engine_rules`. Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.model.calico_selector import CalicoSelector
from aksnet.model.k8s import IPBlock, LabelSelector, NetworkPolicyPort

Selector = LabelSelector | CalicoSelector

# Calico's tier orders (projectcalico/api: DefaultTierOrder, AdminNetworkPolicyTierOrder,
# BaselineAdminNetworkPolicyTierOrder; https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy)
# and the order of a Kubernetes NetworkPolicy in the default tier.
DEFAULT_TIER_ORDER = 1_000_000.0
ANP_TIER_ORDER = 1_000.0
BANP_TIER_ORDER = 10_000_000.0
KNP_ORDER = 1000.0


@dataclass(frozen=True, slots=True)
class EnginePeer:
    """One peer criterion; every field given must match (AND).

    ``selector``: pod labels (Cilium: with its ``io.kubernetes.pod.namespace``/``io.cilium.k8s.namespace.labels.*``
    labels; Calico: with ``projectcalico.org/namespace``); a selector matches pod-network pods only.
    ``namespace``: the pod's namespace must be this one (a namespaced policy's own); ``namespace_selector``: the
    pod's namespace labels must match. ``nets``: the address is in one of these blocks; ``nets_match_pods``: the
    blocks also match pod and node addresses (Calico), else only addresses outside the cluster (Cilium's CIDR
    rules). ``entities``: Cilium's entities (``all``, ``world``, ``cluster``, ``host``, ``remote-node``, …)."""

    selector: Selector | None = None
    namespace: str | None = None
    namespace_selector: Selector | None = None
    nets: tuple[IPBlock, ...] = ()
    nets_match_pods: bool = True
    entities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EngineRule:
    """An ordered rule. ``peers`` empty = every peer; ``not_peers``: the peer must match none of them (Calico's
    ``notSelector``/``notNets``); ``ports`` empty = every port of ``protocols`` (None = every protocol);
    ``not_ports`` are taken out; ``subject`` restricts the subject end (Calico's destination selector/nets on
    ingress, source on egress)."""

    action: str
    peers: tuple[EnginePeer, ...] = ()
    not_peers: tuple[EnginePeer, ...] = ()
    protocols: tuple[str, ...] | None = None
    ports: tuple[NetworkPolicyPort, ...] = ()
    not_ports: tuple[NetworkPolicyPort, ...] = ()
    subject: EnginePeer | None = None


@dataclass(frozen=True, slots=True)
class EnginePolicy:
    """A policy of ``engine`` (``calico`` or ``cilium``). ``key`` names it in verdicts (``GlobalNetworkPolicy
    deny-db``). Subjects: pods matching ``selector`` in ``namespace`` (None: every namespace, filtered by
    ``namespace_selector``). ``types``: the directions it applies to. Calico: ``tier``, ``tier_order`` (None =
    last), ``tier_default`` (the action for what the tier's policies leave undecided: ``Deny`` or ``Pass``),
    ``order`` (None = last). Cilium: ``default_deny`` lists the directions whose default-deny it enables."""

    engine: str
    key: str
    selector: Selector
    namespace: str | None = None
    namespace_selector: Selector | None = None
    types: tuple[str, ...] = ("Ingress",)
    ingress: tuple[EngineRule, ...] = ()
    egress: tuple[EngineRule, ...] = ()
    tier: str = "default"
    tier_order: float | None = None
    tier_default: str = "Deny"
    order: float | None = None
    default_deny: tuple[str, ...] = ()
