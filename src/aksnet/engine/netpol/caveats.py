"""Engine caveats: where a cluster's policies meet a documented limit or difference of its engine.

The verdicts already follow the profile (e.g. NPM enforces only ``port`` of a range); these messages tell
the user *why* the answer differs from upstream Kubernetes. Sources: learn.microsoft.com/azure/aks/concepts-network
(use-network-policies:
"Scaling beyond 250 nodes and 20,000 pods isn't supported" for NPM, no IPv6),
learn.microsoft.com/azure/aks/use-network-policies
(NPM endPort, Cilium ipBlock vs pod/node IPs, Cilium named ports reused with different numbers). Pure.
"""

from __future__ import annotations

import ipaddress

from aksnet.engine.netpol.peers import ip_in_block
from aksnet.engine.netpol.profiles import EngineProfile
from aksnet.model.twin import ClusterState

NPM_MAX_NODES = 250
NPM_MAX_PODS = 20000


def _is_v6(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).version == 6
    except ValueError:
        return False


def engine_caveats(cluster: ClusterState, profile: EngineProfile) -> list[str]:
    """Warnings for ``cluster`` under ``profile`` (empty when nothing applies)."""
    out: list[str] = []
    if not profile.enforces:
        return out
    pols = cluster.network_policies
    if profile.name == "azure":
        if len(cluster.nodes) > NPM_MAX_NODES or len(cluster.pods) > NPM_MAX_PODS:
            out.append(f"Azure NPM: scaling beyond {NPM_MAX_NODES} nodes and {NPM_MAX_PODS:,} pods isn't supported "
                       f"(cluster has {len(cluster.nodes)} nodes, {len(cluster.pods)} pods)")
        for p in pols:
            for direction, rules in (("ingress", p.ingress), ("egress", p.egress)):
                for i, rule in enumerate(rules):
                    for port in rule.ports:
                        if port.end_port is not None:
                            out.append(f"Azure NPM does not support endPort: {p.key} {direction} rule #{i} "
                                       f"enforces only {port.protocol} {port.port}, not {port.port}-{port.end_port}")
                    for peer in rule.peers:
                        if peer.ip_block is not None and _is_v6(peer.ip_block.cidr):
                            out.append(f"Azure NPM does not support IPv6: ipBlock {peer.ip_block.cidr} in {p.key}")
    if profile.name == "cilium":
        node_ips = [n.internal_ip for n in cluster.nodes if n.internal_ip]
        for p in pols:
            for rule in (*p.ingress, *p.egress):
                for peer in rule.peers:
                    b = peer.ip_block
                    if b is None:
                        continue
                    pods = [q.key for q in cluster.pods if not q.host_network and ip_in_block(q.pod_ip, b)]
                    nodes = [ip for ip in node_ips if ip_in_block(ip, b)]
                    if pods or nodes:
                        what = ", ".join([*pods[:3], *nodes[:3]]) + ("…" if len(pods) > 3 or len(nodes) > 3 else "")
                        out.append(f"Cilium doesn't allow traffic to or from pod or node IPs using ipBlock: "
                                   f"{b.cidr} in {p.key} covers {what} but does not select them")
        numbers: dict[tuple[str, str], set[int]] = {}
        for q in cluster.pods:
            for cp in q.ports:
                if cp.name:
                    numbers.setdefault((cp.name, cp.protocol.upper()), set()).add(cp.container_port)
        used = {(str(port.port), port.protocol.upper()) for p in pols for r in (*p.ingress, *p.egress)
                for port in r.ports if isinstance(port.port, str)}
        for key in sorted(used):
            if len(numbers.get(key, ())) > 1:
                nums = ",".join(map(str, sorted(numbers[key])))
                out.append(f"named port {key[0]} ({key[1]}) maps to different numbers ({nums}) on different pods; "
                           "Cilium may misbehave with such policies (cilium/cilium#30003)")
    return list(dict.fromkeys(out))
