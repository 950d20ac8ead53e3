"""SNAT per network plugin × destination (learn.microsoft.com/azure/aks/concepts-network-cni-overview table)."""

from __future__ import annotations

import pytest

from aksnet.engine.snat import pod_source

POD, NODE = "POD", "NODE"
VNET = ("10.100.0.0/16",)
CASES = [
    # plugin, destination, who the destination sees
    ("kubenet", "10.244.1.5", POD),        # pod → pod (other node, via UDR)
    ("kubenet", "10.100.0.9", NODE),       # pod → VM in the VNet
    ("kubenet", "192.168.5.5", NODE),      # pod → peered VNet / on-prem
    ("kubenet", "93.184.216.34", NODE),    # pod → internet (then the outbound IP)
    ("azure", "10.100.0.37", POD),         # pod → pod
    ("azure", "10.100.0.9", POD),          # pod → VM in the VNet
    ("azure", "192.168.5.5", NODE),        # pod → peered VNet / on-prem
    ("azure", "93.184.216.34", NODE),
    ("podsubnet", "10.100.0.9", POD),
    ("podsubnet", "192.168.5.5", POD),
    ("overlay", "172.17.1.5", POD),
    ("overlay", "10.100.0.9", NODE),
    ("overlay", "192.168.5.5", NODE),
]


@pytest.mark.parametrize(("plugin", "dst", "seen"), CASES, ids=[f"{p}-{d}" for p, d, _ in CASES])
def test_pod_source(plugin: str, dst: str, seen: str) -> None:
    pod_ip = {"kubenet": "10.244.0.5", "overlay": "172.17.0.5"}.get(plugin, "10.100.0.36")
    cidrs = {"kubenet": ["10.244.0.0/16"], "overlay": ["172.17.0.0/16"]}.get(plugin, [])
    d = pod_source(plugin, pod_ip, "10.100.0.4", dst, cidrs, VNET)
    assert d.source_ip == (pod_ip if seen == POD else "10.100.0.4")


def test_ip_masq_agent_non_masquerade_cidr() -> None:
    d = pod_source("azure", "10.100.0.36", "10.100.0.4", "192.168.5.5", [], VNET, ["192.168.0.0/16"])
    assert d.source_ip == "10.100.0.36" and "nonMasquerade" in d.rule


@pytest.mark.parametrize(("text", "want"), [
    ("nonMasqueradeCIDRs:\n  - 10.0.0.0/8\n  - 192.168.0.0/16\nmasqLinkLocal: true\n",
     ("10.0.0.0/8", "192.168.0.0/16")),
    ("masqLinkLocal: true\nnonMasqueradeCIDRs: [172.16.0.0/12]\n", ("172.16.0.0/12",)),
    ("masqLinkLocal: false\n", ()),
], ids=["block-list", "flow-list", "none"])
def test_non_masquerade_cidrs(text: str, want: tuple[str, ...]) -> None:
    from aksnet.engine.snat import non_masquerade_cidrs
    from aksnet.model.k8s import ConfigMap

    cms = [ConfigMap("kube-system", "azure-ip-masq-agent-config", {"ip-masq-agent": text}),
           ConfigMap("default", "azure-ip-masq-agent-config", {"ip-masq-agent": "nonMasqueradeCIDRs: [1.0.0.0/8]"})]
    assert non_masquerade_cidrs(cms) == want
