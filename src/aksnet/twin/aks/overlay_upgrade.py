"""``az aks update --network-plugin-mode overlay``: the one-way IPAM migration of a kubenet or Azure CNI (node
subnet) cluster to Azure CNI Overlay, as the AKS resource provider performs it
[learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane, "Update the IPAM mode to Azure CNI Overlay";
learn.microsoft.com/azure/aks/azure-cni-overlay].

Rules checked before anything changes: the cluster is kubenet (with ``--network-plugin azure``) or Azure CNI
node subnet (with ``--pod-cidr``); no dynamic pod subnet; no network policy engine; the pod CIDR is not in a
reserved range, holds a /24 per node and overlaps neither the service CIDR nor the address space of a node
pool's VNet. What changes: every node pool is re-imaged at once — Azure CNI nodes give back the secondary IP
configurations they held for pods, kubenet nodes lose their routes (and an AKS-made route table is deleted),
every node gets a /24 of the pod CIDR and every pod a new address from it. Node IPs stay. Does not print.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import same_id
from aksnet.rules.aks import RESERVED_RANGES
from aksnet.store import Transaction
from aksnet.twin import network, subnet_ipam
from aksnet.twin.aks import capacity, dual_stack, names, nodes, pools, routes
from aksnet.twin.arm import Doc
from aksnet.twin.kube.objects import open_objects
from aksnet.twin.kube_store import KIND_NODE, KIND_POD
from aksnet.twin.network.subnet import remove_ip_configuration

_TARGET = "networkProfile.networkPluginMode"


def _refuse(message: str, target: str = _TARGET) -> AzureError:
    return AzureError("InvalidParameter", message, target)


def plan_overlay(cluster: Doc, network_plugin: str | None, pod_cidr: str | None,
                 vnet_prefixes: list[str]) -> str | None:
    """The pod CIDR the cluster gets, or None when it already is Azure CNI Overlay with that CIDR (nothing to
    do). Raises the RP's refusal (wording ours where the RP's text is not public: docs/fidelity.md)."""
    np_ = cluster["properties"]["networkProfile"]
    current = pools.cluster_flavour(cluster)
    if current == "overlay":
        if pod_cidr and pod_cidr != np_.get("podCidr"):
            raise _refuse(f"Changing the pod CIDR of an Azure CNI Overlay cluster from {np_.get('podCidr')} to "
                          f"{pod_cidr} is not supported.", "networkProfile.podCidr")
        return None
    if current == "podsubnet":
        raise _refuse("Updating a cluster that uses dynamic pod IP allocation (a pod subnet) to Azure CNI Overlay "
                      "is not supported.")
    if current == "none":
        raise _refuse("A cluster with network plugin none (bring your own CNI) can't be updated to Azure CNI "
                      "Overlay.")
    if current == "kubenet" and (network_plugin or "").lower() != "azure":
        raise _refuse("Network plugin mode overlay requires network plugin azure: update a kubenet cluster with "
                      "--network-plugin azure --network-plugin-mode overlay.", "networkProfile.networkPlugin")
    policy = np_.get("networkPolicy") or "none"
    if policy != "none":
        raise _refuse(f"Network policy {policy} is enabled; uninstall the network policy engine "
                      "(az aks update --network-policy none) before updating to Azure CNI Overlay.",
                      "networkProfile.networkPolicy")
    cidr = pod_cidr or (np_.get("podCidr") if current == "kubenet" else None)
    if not cidr:
        raise AzureError("InvalidParameter", "--pod-cidr is required when updating an Azure CNI cluster to Azure "
                         "CNI Overlay: pods take their IPs from a new overlay space that doesn't overlap the node "
                         "subnet.", "networkProfile.podCidr")
    _check_cidr(cluster, cidr, vnet_prefixes)
    return cidr


def _check_cidr(cluster: Doc, cidr: str, vnet_prefixes: list[str]) -> None:
    np_ = cluster["properties"]["networkProfile"]
    pod = ipaddress.IPv4Network(cidr, strict=False)
    for r in RESERVED_RANGES:
        if pod.overlaps(ipaddress.IPv4Network(r)):
            raise AzureError("PodCidrOverlapsReservedRange",
                             f"The podCidr {cidr} overlaps with the reserved range {r}.", "networkProfile.podCidr")
    for space in (p for p in vnet_prefixes if ":" not in p):  # the IPv4 pod CIDR against the IPv4 space
        if pod.overlaps(ipaddress.IPv4Network(space, strict=False)):
            raise AzureError("NetworkProfileCIDROverlapVNET",
                             f"NetworkProfile CIDR {cidr} overlaps with reserved VNET CIDR {space}",
                             "networkProfile.podCidr")
    for svc in np_.get("serviceCidrs") or [np_.get("serviceCidr")]:
        if svc and ":" not in svc and pod.overlaps(ipaddress.IPv4Network(svc, strict=False)):
            raise AzureError("ServiceCidrOverlapPodCidr",
                             f"The service CIDR {svc} overlaps with the pod CIDR {cidr}.", "networkProfile.podCidr")
    total = sum(int(p.get("maxCount") or p.get("count") or 0) for p in cluster["properties"]["agentPoolProfiles"])
    if pod.prefixlen > 24 or pod.num_addresses < capacity.pod_cidr_required(total):
        raise AzureError("InsufficientPodCidr",
                         f"The pod CIDR {cidr} has no room for a /24 per node ({total} nodes).",
                         "networkProfile.podCidr")


def node_vnet_prefixes(tx: Transaction, cluster: Doc) -> list[str]:
    """The address spaces of the VNets the cluster's node pools are in."""
    out: list[str] = []
    for pool in cluster["properties"]["agentPoolProfiles"]:
        vnet = network.vnet_of_subnet(tx, str(pool["vnetSubnetId"]))
        out += [p for p in vnet["properties"]["addressSpace"]["addressPrefixes"] if p not in out]
    return out


def migrate(tx: Transaction, cluster: Doc, pod_cidr: str) -> None:
    """Re-image every pool onto Azure CNI Overlay (see the module docstring); ``cluster`` is updated in place and
    must be stored by the caller."""
    before = pools.cluster_flavour(cluster)
    node_rg = cluster["properties"]["nodeResourceGroup"]
    instances = [d for p in cluster["properties"]["agentPoolProfiles"] for d in pools.pool_instances(tx, cluster,
                                                                                                   p["name"])]
    if before == "kubenet":
        _drop_kubenet_routes(tx, cluster, node_rg, [d["properties"]["osProfile"]["computerName"] for d in instances])
    if before == "azure":
        for vm in instances:
            _drop_secondary_ips(tx, vm)
    np_ = cluster["properties"]["networkProfile"]
    v6 = list(np_.get("podCidrs") or [])[1:] if dual_stack.is_dual_stack(cluster) else []  # kept as it was
    np_.update(networkPlugin="azure", networkPluginMode="overlay", podCidr=pod_cidr, podCidrs=[pod_cidr, *v6])
    _renumber(tx, cluster["id"], pod_cidr, v6[0] if v6 else None)


def _drop_kubenet_routes(tx: Transaction, cluster: Doc, node_rg: str, node_names: list[str]) -> None:
    """The node routes go; a route table AKS made (in the node resource group) is removed from the subnet and
    deleted, a route table the user brought stays with its other routes."""
    rt_id = pools.kubenet_route_table(tx, cluster)
    if rt_id is None:
        return
    routes.remove_routes(tx, rt_id, node_names)
    managed = network.route_table_id(node_rg, names.route_table_name(pools.digits_of(cluster)))
    if not same_id(rt_id, managed):
        return
    for pool in cluster["properties"]["agentPoolProfiles"]:
        network.associate_subnet(tx, str(pool["vnetSubnetId"]), route_table_id=None)
    network.delete_route_table(tx, rt_id)


def _drop_secondary_ips(tx: Transaction, vm: Doc) -> None:
    """An Azure CNI node's NIC keeps its primary IP configuration; the ones it held for pods are released."""
    for ref in vm["properties"]["networkProfile"]["networkInterfaces"]:
        nic = tx.get(network.KIND_NIC, ref["id"])
        if nic is None:
            continue
        configs: list[dict[str, Any]] = nic["properties"]["ipConfigurations"]
        dropped = [c for c in configs if not c["properties"].get("primary")]
        if not dropped:
            continue
        nic["properties"]["ipConfigurations"] = [c for c in configs if c["properties"].get("primary")]
        tx.put(network.KIND_NIC, nic["id"], nic)
        for sid in {c["properties"]["subnet"]["id"] for c in dropped}:
            subnet_ipam.release_owners(tx, sid, {str(nic["id"])})
            for c in dropped:
                remove_ip_configuration(tx, sid, str(c["id"]), prefix=False)


def _renumber(tx: Transaction, cluster_id: str, pod_cidr: str, pod_cidr_v6: str | None = None) -> None:
    """Every node gets the next /24 of the pod CIDR (node order; a dual-stack cluster's nodes also the /80 of
    its IPv6 pod CIDR at the same index); every pod that is not on the host network loses its addresses, and
    pod IPAM gives it new ones from its node's ranges when the controllers run."""
    objs = open_objects(tx, cluster_id)
    items = sorted(objs.items(KIND_NODE), key=lambda kv: kv[0])
    cidrs = nodes.node_pod_cidrs(pod_cidr, [], len(items))
    for (key, node), cidr in zip(items, cidrs):
        node["spec"]["podCIDR"] = cidr
        node["spec"]["podCIDRs"] = [cidr] + ([dual_stack.node_pod_cidr_v6(pod_cidr, cidr, pod_cidr_v6)]
                                             if pod_cidr_v6 else [])
        node["metadata"]["resourceVersion"] = objs.next_resource_version()
        objs.put(KIND_NODE, key, node)
    for key, pod in objs.items(KIND_POD):
        status = pod.get("status") or {}
        if pod["spec"].get("hostNetwork") or not status.get("podIP"):
            continue
        pod["status"] = {k: v for k, v in status.items() if k not in ("podIP", "podIPs")}
        pod["metadata"]["resourceVersion"] = objs.next_resource_version()
        objs.put(KIND_POD, key, pod)
