"""Who is at each end of a flow, as NetworkPolicy sees it: a pod, a node (host network) or an outside IP.

Rules (Kubernetes NetworkPolicy docs, "NetworkPolicy and hostNetwork pods"): policies select only
pod-network pods; a hostNetwork pod is treated as traffic of its node's IP (the most common
implementation choice). An address string is resolved to the pod-network pod that owns it, else to the
node that owns it, else it is an address outside the cluster. Every namespace carries the immutable
``kubernetes.io/metadata.name`` label (docs: "Targeting a Namespace by its name"), injected here when a
document lacks it. Pure functions of a ClusterState; nothing here evaluates policies.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union, cast

from aksnet.errors import UsageError
from aksnet.model.k8s import IPBlock, Pod
from aksnet.model.twin import ClusterState

NAME_LABEL = "kubernetes.io/metadata.name"

# A flow end: a Pod object or an IP address string.
PolicyPeer = Union[Pod, str]  # noqa: UP007 - used at runtime in isinstance-free unions


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A resolved flow end. ``kind`` is ``pod`` (pod network), ``node`` (a node or hostNetwork pod) or
    ``external`` (any address that is neither)."""

    kind: str
    ip: str | None
    pod: Pod | None = None
    node: str | None = None  # the node the pod runs on, or the node itself

    @property
    def label(self) -> str:
        if self.pod is not None:
            return f"pod {self.pod.key}" + (" (hostNetwork)" if self.kind == "node" else "")
        if self.kind == "node":
            return f"node {self.node} ({self.ip})"
        return f"address {self.ip}"


def namespace_labels(cluster: ClusterState) -> dict[str, Mapping[str, str]]:
    """Namespace name → labels, with ``kubernetes.io/metadata.name`` always present; namespaces that
    pods or policies use but that have no Namespace object get just that label."""
    out: dict[str, Mapping[str, str]] = {}
    for ns in cluster.namespaces:
        labels = dict(ns.labels)
        labels[NAME_LABEL] = ns.name
        out[ns.name] = labels
    for name in {p.namespace for p in cluster.pods} | {p.namespace for p in cluster.network_policies}:
        if name not in out:
            out[name] = {NAME_LABEL: name}
    return out


def node_ips(cluster: ClusterState) -> dict[str, str]:
    """Node IP → node name (every InternalIP: a dual-stack node has an IPv4 and an IPv6 one)."""
    return {ip: n.name for n in cluster.nodes for ip in (n.internal_ips or (n.internal_ip,)) if ip}


_INDEX: list[tuple[ClusterState, dict[str, Any]]] = []


def _memo(cluster: ClusterState) -> dict[str, Any]:
    """The indexes already built for ``cluster`` (the last cluster asked about: repeated verdicts over one
    snapshot, a trace or a verify run, do not rebuild them; each is built only when first needed)."""
    if not _INDEX or _INDEX[0][0] is not cluster:
        _INDEX[:] = [(cluster, {})]
    return _INDEX[0][1]


def _pod_ips(cluster: ClusterState) -> dict[str, Pod]:
    memo = _memo(cluster)
    if "pods" not in memo:
        memo["pods"] = {ip: p for p in cluster.pods
                        if p.pod_ip and not p.host_network and p.phase not in ("Succeeded", "Failed")
                        for ip in p.pod_ips or (p.pod_ip,)}  # a dual-stack pod is the peer at either address
    return cast(dict[str, Pod], memo["pods"])


def cluster_labels(cluster: ClusterState) -> dict[str, Mapping[str, str]]:
    """:func:`namespace_labels` of ``cluster``, built once per cluster."""
    memo = _memo(cluster)
    if "labels" not in memo:
        memo["labels"] = namespace_labels(cluster)
    return cast(dict[str, Mapping[str, str]], memo["labels"])


def cluster_index(cluster: ClusterState) -> tuple[dict[str, Pod], dict[str, str], dict[str, Mapping[str, str]]]:
    """(pod IP → pod, node IP → node name, namespace → labels) for ``cluster``, each built once per cluster."""
    memo = _memo(cluster)
    if "nodes" not in memo:
        memo["nodes"] = node_ips(cluster)
    return _pod_ips(cluster), cast(dict[str, str], memo["nodes"]), cluster_labels(cluster)


def resolve(cluster: ClusterState, peer: PolicyPeer) -> Endpoint:
    """A Pod or an IP string → Endpoint (see the module docstring for the rules)."""
    if isinstance(peer, Pod):
        if peer.host_network:
            ip = peer.host_ip or next((n.internal_ip for n in cluster.nodes if n.name == peer.node_name), None)
            return Endpoint("node", ip, peer, peer.node_name)
        return Endpoint("pod", peer.pod_ip, peer, peer.node_name)
    try:
        addr = ipaddress.ip_address(peer)
    except ValueError:
        raise UsageError(f"error: {peer!r} is neither a pod nor an IP address") from None
    text = str(addr)
    pods, nodes, _ = cluster_index(cluster)
    p = pods.get(text)
    if p is not None:
        return Endpoint("pod", text, p, p.node_name)
    name = nodes.get(text)
    if name is not None:
        return Endpoint("node", text, None, name)
    return Endpoint("external", text)


def ip_in_block(ip: str | None, block: IPBlock) -> bool:
    """ipBlock semantics: inside ``cidr`` and outside every ``except`` (k8s networking/v1 IPBlock)."""
    if ip is None:
        return False
    try:
        addr = ipaddress.ip_address(ip)
        net = ipaddress.ip_network(block.cidr, strict=False)
    except ValueError:
        return False
    if addr.version != net.version or addr not in net:
        return False
    for ex in block.except_:
        try:
            if addr in ipaddress.ip_network(ex, strict=False):
                return False
        except (ValueError, TypeError):
            continue
    return True
