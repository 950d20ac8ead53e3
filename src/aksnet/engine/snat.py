"""Source NAT: what source address a pod's packet carries when it leaves its node, and which public address
the internet sees (learn.microsoft.com/azure/aks/concepts-network-cni-overview and
learn.microsoft.com/azure/aks/egress-outboundtype).

Per plugin, for a pod's packet leaving the node: kubenet NATs to the node IP for any destination outside the
pod CIDR (pod → pod keeps the pod IP, routed by UDRs); Azure CNI (node subnet) keeps the pod IP inside the
VNet (ip-masq-agent non-masquerade CIDRs: the VNet ranges) and masquerades to the node IP outside it;
pod subnet (dynamic IP) never SNATs; overlay SNATs to the node for anything outside the pod CIDR.
Internet egress then leaves via, in Azure's order of precedence: a UDR default route to an appliance, a NAT
gateway on the subnet, an instance-level public IP, the load balancer's outbound rule (outbound type
loadBalancer), else none (outbound type none/block, or default outbound access for plain VMs).
This module must not evaluate NSGs or routes; the walk passes the route it selected.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aksnet.engine.addressing import Topology
from aksnet.model import azure, k8s
from aksnet.model.addr import bridge_address
from aksnet.model.ids import id_key


@dataclass(frozen=True, slots=True)
class SnatDecision:
    source_ip: str
    rule: str
    translated: bool


def _in_any(ip: str, cidrs: Sequence[str]) -> bool:
    """``ip`` lies in one of ``cidrs`` of its own family (IPv4 or IPv6); malformed entries match nothing."""
    a = ipaddress.ip_address(ip)
    for c in cidrs:
        try:
            net = ipaddress.ip_network(c, strict=False)
        except ValueError:
            continue
        if net.version == a.version and a in net:
            return True
    return False


def _family_ok(pip_address: str | None, private_ip: str) -> bool:
    """An outbound public IP serves flows of its own IP family (IPv6 egress needs an IPv6 public IP)."""
    return bool(pip_address) and (":" in str(pip_address)) == (":" in private_ip)


def pod_source(flavour: str, pod_ip: str, node_ip: str, dst_ip: str, pod_cidrs: Sequence[str],
               vnet_prefixes: Sequence[str], non_masquerade: Sequence[str] = ()) -> SnatDecision:
    """The source address of a pod's packet as it leaves the node
    (learn.microsoft.com/azure/aks/concepts-network-cni-overview table)."""
    if _in_any(dst_ip, non_masquerade):
        return SnatDecision(pod_ip, f"ip-masq-agent: {dst_ip} in a nonMasqueradeCIDR (no SNAT)", False)
    if flavour == "kubenet":
        if _in_any(dst_ip, pod_cidrs):
            return SnatDecision(pod_ip, "kubenet: destination inside the pod CIDR (no SNAT)", False)
        return SnatDecision(node_ip, f"kubenet: MASQUERADE to node IP {node_ip} (destination outside the pod CIDR)",
                            True)
    if flavour == "overlay":
        if _in_any(dst_ip, pod_cidrs):
            return SnatDecision(pod_ip, "overlay: destination inside the pod CIDR (no SNAT)", False)
        return SnatDecision(node_ip, f"overlay: SNAT to node IP {node_ip} (destination outside the pod CIDR)", True)
    if flavour == "podsubnet":
        return SnatDecision(pod_ip, "Azure CNI pod subnet: the pod IP is always the source (no SNAT)", False)
    if flavour == "azure":
        if _in_any(dst_ip, vnet_prefixes):
            return SnatDecision(pod_ip, "Azure CNI: destination inside the VNet (ip-masq-agent: no SNAT)", False)
        return SnatDecision(node_ip, f"Azure CNI: ip-masq-agent MASQUERADE to node IP {node_ip} "
                                     "(destination outside the VNet)", True)
    return SnatDecision(pod_ip, f"{flavour}: no SNAT", False)


_CIDR = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})\b")
IP_MASQ_CONFIG_MAPS = ("azure-ip-masq-agent-config", "azure-ip-masq-agent-config-reconciled", "ip-masq-agent")


def non_masquerade_cidrs(config_maps: Iterable[k8s.ConfigMap]) -> tuple[str, ...]:
    """``nonMasqueradeCIDRs`` of the ip-masq-agent ConfigMaps in kube-system (AKS: azure-ip-masq-agent-config
    and its ``-reconciled`` twin, update-azure-cni.md); every CIDR listed under that key in any data value."""
    out: list[str] = []
    for cm in config_maps:
        if cm.namespace != "kube-system" or cm.name not in IP_MASQ_CONFIG_MAPS:
            continue
        for text in cm.data.values():
            if "nonMasqueradeCIDRs" not in text:
                continue
            section = text.split("nonMasqueradeCIDRs", 1)[1]
            section = re.split(r"\n\S", section, maxsplit=1)[0] if "\n" in section else section
            out += _CIDR.findall(section)
    return tuple(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class EgressDecision:
    """How a packet from ``ip`` reaches the internet: ``public_ip`` None means it cannot."""

    public_ip: str | None
    rule: str


def default_outbound_ip(private_ip: str) -> str:
    """Azure's default outbound access address for a VM without explicit egress: emulated, stable."""
    h = hashlib.sha256(private_ip.encode()).digest()
    return f"52.{160 + h[0] % 64}.{h[1]}.{1 + h[2] % 254}"


def internet_egress(topo: Topology, private_ip: str, subnet: azure.Subnet | None,
                    nic_config: azure.NicIPConfiguration | None,
                    cluster: azure.ManagedCluster | None) -> EgressDecision:
    """Egress precedence: NAT gateway on the subnet > instance public IP > LB outbound rule > default access."""
    if subnet is not None and subnet.nat_gateway_id:
        ng = topo.nat_gateways.get(id_key(subnet.nat_gateway_id))
        if ng and ng.public_ip_ids:
            pip = topo.public_ips.get(id_key(ng.public_ip_ids[0]))
            if pip and _family_ok(pip.ip_address, private_ip):
                return EgressDecision(pip.ip_address, f"NAT gateway {ng.name}: SNAT to {pip.ip_address}")
    if nic_config is not None and nic_config.public_ip_id:
        pip = topo.public_ips.get(id_key(nic_config.public_ip_id))
        if pip and _family_ok(pip.ip_address, private_ip):
            return EgressDecision(pip.ip_address, f"instance public IP {pip.name}: SNAT to {pip.ip_address}")
    if cluster is not None:
        ot = cluster.network_profile.outbound_type
        if ot == "loadBalancer":
            for pid in cluster.network_profile.effective_outbound_ip_ids:
                pip = topo.public_ips.get(id_key(pid))
                if pip and _family_ok(pip.ip_address, private_ip):
                    return EgressDecision(pip.ip_address, f"load balancer kubernetes/aksOutboundRule: SNAT to "
                                                          f"outbound IP {pip.name} {pip.ip_address}")
            for lb in topo.twin.load_balancers:
                for o in lb.outbound_rules:
                    for fid in o.frontend_ids:
                        f = next((x for x in lb.frontends if id_key(x.id) == id_key(fid)), None)
                        pip = topo.public_ips.get(id_key(f.public_ip_id)) if f else None
                        if pip and _family_ok(pip.ip_address, private_ip):
                            return EgressDecision(pip.ip_address, f"load balancer {lb.name}/{o.name}: SNAT to "
                                                                  f"{pip.ip_address}")
            return EgressDecision(None, "outbound type loadBalancer but no outbound public IP of the flow's IP family "
                                        "is provisioned")
        if ot in ("managedNATGateway", "userAssignedNATGateway"):
            for pid in cluster.network_profile.effective_outbound_ip_ids:
                pip = topo.public_ips.get(id_key(pid))
                if pip and _family_ok(pip.ip_address, private_ip):
                    return EgressDecision(pip.ip_address, f"NAT gateway ({ot}): SNAT to {pip.ip_address}")
            return EgressDecision(None, f"outbound type {ot} but the subnet has no NAT gateway with a public IP")
        return EgressDecision(None, f"outbound type {ot}: no internet egress path")
    if ":" in private_ip:
        return EgressDecision(None, "default outbound access is IPv4 only: IPv6 egress needs an IPv6 public IP, "
                                    "NAT gateway or load balancer outbound rule")
    ip = default_outbound_ip(private_ip)
    return EgressDecision(ip, f"default outbound access: SNAT to {ip} (emulated platform address)")


def masquerade_to_local_pod(flavour: str, node: k8s.Node, family: int = 4) -> tuple[str, str]:
    """The address MASQUERADE picks for a packet leaving towards a pod on ``node`` (kube-proxy's
    KUBE-POSTROUTING), and what it is: the primary address of the outgoing interface. kubenet: the ``cbr0``
    bridge, which holds the first address of the node's pod CIDR (e.g. 10.244.0.1); Azure CNI and overlay: the
    pod's host-side veth has no address of its own, so the kernel falls back to the node IP."""
    cidr = node.pod_cidr if family == 4 else next((c for c in node.pod_cidrs if ":" in c), None)
    if flavour == "kubenet" and cidr:
        return bridge_address(cidr), "the cbr0 bridge address"
    return node.ip_of(family) or node.internal_ip, "node IP"
