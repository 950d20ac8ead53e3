"""Engine profiles: where the NetworkPolicy enforcers AKS offers differ from the upstream semantics.

One frozen ``EngineProfile`` per ``networkProfile.networkPolicy`` value (``azure`` = Azure Network Policy
Manager, ``calico``, ``cilium`` = Azure CNI powered by Cilium, ``none``) plus ``upstream`` (what the
Kubernetes API documentation and e2e suite expect). Each switch names its source; the table is
reproduced in docs/fidelity.md. This module only describes engines; evaluation is elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.errors import UsageError

ENGINES: tuple[str, ...] = ("upstream", "azure", "calico", "cilium", "none")


@dataclass(frozen=True, slots=True)
class EngineProfile:
    name: str
    title: str
    # False: NetworkPolicy objects are accepted by the API server and stored, but nothing enforces them.
    enforces: bool = True
    # ipBlock matched against pod IPs (upstream e2e "should allow egress access to server in CIDR block").
    ipblock_matches_pods: bool = True
    # ipBlock matched against node IPs (and hostNetwork pods, which use the node IP).
    ipblock_matches_nodes: bool = True
    # endPort honoured; False = only ``port`` is enforced (k8s docs: plugins without endPort support).
    endport_supported: bool = True
    # Egress from a pod to its own node's IP allowed whatever the pod's egress policies say.
    egress_to_local_node_allowed: bool = True
    # Ingress from the pod's own node (kubelet probes, hostNetwork pods) always allowed (API: Ingress doc).
    ingress_from_local_node_allowed: bool = True
    # Ingress arriving through a LoadBalancer/NodePort Service with externalTrafficPolicy=Cluster
    # (SNATed to a node address) is subject to the destination pod's ingress policies.
    lb_ingress_enforced: bool = True
    # Named ports that map to different numbers on different pods are handled per pod.
    named_ports_per_pod: bool = True


PROFILES: dict[str, EngineProfile] = {
    "upstream": EngineProfile(
        name="upstream",
        title="Kubernetes NetworkPolicy (upstream API semantics and e2e expectations)",
    ),
    "azure": EngineProfile(
        # Azure/AKS#2857: "Current NPM version in production does not support EndPort";
        # migrate-from-npm-to-cilium-network-policy.md: NPM matches pod/node IPs with ipBlock, implicitly
        # allows egress to the local node, and does not enforce ingress via LB/NodePort with ETP=Cluster.
        name="azure",
        title="Azure Network Policy Manager (NPM)",
        endport_supported=False,
        lb_ingress_enforced=False,
    ),
    "calico": EngineProfile(
        # Calico applies a workload's egress policy to traffic towards its own host too (Felix
        # DefaultEndpointToHostAction runs after the workload's egress policy); ipBlock applies to any IP.
        name="calico",
        title="Calico",
        egress_to_local_node_allowed=False,
    ),
    "cilium": EngineProfile(
        # migrate-from-npm-to-cilium-network-policy.md: "Cilium doesn't allow egress to Pod or Node IPs using
        # ipBlock" (cilium/cilium#35212), egress to the local node blocked unless CiliumNetworkPolicy
        # toEntities host, endPort from Cilium 1.17, ingress via LB/NodePort enforced, named ports reused with
        # different numbers may misbehave (cilium/cilium#30003).
        name="cilium",
        title="Azure CNI powered by Cilium",
        ipblock_matches_pods=False,
        ipblock_matches_nodes=False,
        egress_to_local_node_allowed=False,
        named_ports_per_pod=False,
    ),
    "none": EngineProfile(
        name="none",
        title="no network policy engine",
        enforces=False,
    ),
}


def get_profile(name: str | None) -> EngineProfile:
    """The profile for an engine name (``None`` and ``""`` mean ``none``: AKS's default networkPolicy)."""
    key = (name or "none").lower()
    if key not in PROFILES:
        raise UsageError(f"error: invalid engine {name!r}: choose one of {', '.join(ENGINES)}")
    return PROFILES[key]
