"""NodePort/LoadBalancer with externalTrafficPolicy Cluster: which address the endpoint's ingress NetworkPolicy
judges, and which one the echo shows, for a local vs a remote endpoint under each policy engine.

kube-proxy (iptables/nftables) DNATs in prerouting and MASQUERADEs in postrouting, so for an endpoint on the
node the packet arrived at, the filter hooks (Calico/NPM chains) see the client's address and the pod then
sees the address MASQUERADE picks on the way out to it — on kubenet the ``cbr0`` bridge's address (the first
address of the node's pod CIDR, 10.244.0.1), as the real kernel showed; a remote endpoint's node sees the
first node's IP. Azure NPM does not enforce such ingress
at all; Cilium (kube-proxy replacement, SNAT mode) delivers to a local endpoint without SNAT.
The cluster: kubenet, nodes 10.100.0.4 and 10.100.1.4 with one web pod each (web-00 on node 0 is the chosen
endpoint), Service ``web`` LoadBalancer 20.1.1.2:80, NodePort 31000; VM ``testvm`` 10.100.200.4.
"""

from __future__ import annotations

import pytest

from aksnet.analyses.trace import trace
from aksnet.engine.addressing import Topology
from aksnet.model import k8s
from tests.dataplane.twins import allow_http_rule, kubenet_twin

VM, NODE0, NODE1, CLIENT = "10.100.200.4", "10.100.0.4", "10.100.1.4", "198.51.100.10"
CBR0_0 = "10.244.0.1"  # kubenet: node 0's bridge, the source MASQUERADE gives a packet leaving towards its pods


def _policies(kind: str) -> tuple[k8s.NetworkPolicy, ...]:
    if kind == "none":
        return ()
    if kind == "deny-all":
        return (k8s.NetworkPolicy("default", "deny-all", k8s.LabelSelector(), ("Ingress",)),)
    # allow only the VM and the internet test client (ipBlock), nothing from the nodes
    peers = (k8s.NetworkPolicyPeer(ip_block=k8s.IPBlock(f"{VM}/32")),
             k8s.NetworkPolicyPeer(ip_block=k8s.IPBlock(f"{CLIENT}/32")))
    return (k8s.NetworkPolicy("default", "clients", k8s.LabelSelector(), ("Ingress",),
                              (k8s.NetworkPolicyRule(peers),)),)


# (source, destination, port): local = the chosen endpoint is on the node the packet arrives at
FLOWS = {
    "vm-nodeport-local": ("vm/testvm", NODE0, 31000),
    "vm-nodeport-remote": ("vm/testvm", NODE1, 31000),
    "internet-lb-local": ("internet", "20.1.1.2", 80),
}

# (engine, policy, flow) → (delivered, client_ip the pod sees) ; None = not delivered
CASES = [
    # Calico: judged with the client's address when local, with the first node's IP when remote
    ("calico", "allow-clients", "vm-nodeport-local", CBR0_0),
    ("calico", "allow-clients", "internet-lb-local", CBR0_0),
    ("calico", "allow-clients", "vm-nodeport-remote", None),
    ("calico", "deny-all", "vm-nodeport-local", None),
    ("calico", "deny-all", "internet-lb-local", None),
    ("calico", "deny-all", "vm-nodeport-remote", None),
    # Azure NPM: ingress via LB/NodePort with ETP Cluster is not enforced at the local endpoint
    ("azure", "deny-all", "vm-nodeport-local", CBR0_0),
    ("azure", "deny-all", "internet-lb-local", CBR0_0),
    ("azure", "deny-all", "vm-nodeport-remote", None),
    ("azure", "allow-clients", "vm-nodeport-remote", None),
    # Cilium (kube-proxy replacement): local endpoint without SNAT, remote endpoint SNATed to the node
    ("cilium", "allow-clients", "vm-nodeport-local", VM),
    ("cilium", "allow-clients", "internet-lb-local", CLIENT),
    ("cilium", "allow-clients", "vm-nodeport-remote", None),
    ("cilium", "deny-all", "vm-nodeport-local", None),
    ("cilium", "none", "vm-nodeport-remote", NODE1),
    # no engine: everything delivered, masquerade as kube-proxy does it
    ("none", "deny-all", "vm-nodeport-local", CBR0_0),
    ("none", "deny-all", "vm-nodeport-remote", NODE1),
    ("calico", "none", "vm-nodeport-remote", NODE1),
]


@pytest.mark.parametrize(("engine", "policy", "flow", "client_ip"), CASES,
                         ids=[f"{e}-{p}-{f}" for e, p, f, _ in CASES])
def test_etp_cluster_policy_sees_the_right_address(engine: str, policy: str, flow: str, client_ip: str | None) -> None:
    twin = kubenet_twin(nodes=2, pods_per_node=1, nsg_rules=(allow_http_rule(),), policies=_policies(policy),
                        policy_engine=engine)
    src, dst, port = FLOWS[flow]
    tr = trace(Topology.build(twin), src, dst, port)
    w = tr.deciding
    assert tr.delivered == (client_ip is not None), [f"{h.component}: {h.decision} {h.rule}" for h in w.hops]
    if client_ip is not None:
        assert w.backend is not None and w.backend.name == "default/web-00"
        assert w.backend.client_ip == client_ip
    if flow.endswith("-local") and engine in ("calico", "azure") and policy != "none":
        # the policy hop comes before kube-proxy's MASQUERADE, and judges the client's address
        comps = [h.component for h in w.hops]
        pol = next(i for i, c in enumerate(comps) if c.startswith("NetworkPolicy ingress"))
        assert all(h.decision != "snat" for h in w.hops[:pol] if h.component.startswith("kube-proxy"))


@pytest.mark.parametrize(("plugin", "client_ip"), [("kubenet", CBR0_0), ("azure", NODE0), ("overlay", NODE0)])
@pytest.mark.parametrize("policy", ["none", "deny-all"])
def test_hairpin_masquerades_to_the_outgoing_interface(plugin: str, client_ip: str, policy: str) -> None:
    """A pod reaching itself through its Service: kube-proxy marks the flow for MASQUERADE, which picks the
    address of the interface towards the pod — kubenet's cbr0, or the node IP where the host-side veth has
    no address of its own (Azure CNI, overlay). The MASQUERADE runs in postrouting, so the pod's ingress
    policy judges the pod itself (always allowed), even under deny-all."""
    twin = kubenet_twin(nodes=1, pods_per_node=1, plugin=plugin, policies=_policies(policy))
    tr = trace(Topology.build(twin), "pod/default/web-00", "10.32.0.50", 80)
    w = tr.deciding
    assert tr.delivered and w.backend is not None and w.backend.name == "default/web-00"
    assert w.backend.client_ip == client_ip
