"""A managed cluster written straight into a workspace, shaped like the AKS resource provider writes it
(cluster ARM document, VNet, VMSS instances, NICs with secondary IPs for Azure CNI, Node objects), so the
Kubernetes side can be tested on its own."""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.store import Transaction
from aksnet.twin import kubeconfig, subnet_ipam
from aksnet.twin.kube_store import KIND_NODE, cluster_scope

SUB = "00000000-0000-0000-0000-000000000000"
RG = "aks-rg"
CLUSTER = "aks-cluster"
CLUSTER_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/{CLUSTER}"
VNET_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks/vnet"
NODE_RG = f"MC_{RG}_{CLUSTER}_eastus"


def subnet_id(name: str) -> str:
    return f"{VNET_ID}/subnets/{name}"


def make_cluster(tx: Transaction, plugin: str = "kubenet", nodes: int = 2, max_pods: int | None = None,
                 node_prefix: str = "10.224.0.0/16", pod_cidr: str = "10.244.0.0/16",
                 pod_subnet_prefix: str | None = None, policy: str | None = None, mode: str | None = None,
                 taints: list[dict[str, str]] | None = None, private: bool = False,
                 service_cidr: str = "10.0.0.0/16", dns_ip: str = "10.0.0.10") -> str:
    """Write a cluster with ``nodes`` nodes; plugin kubenet | azure (mode overlay) | azure + pod subnet."""
    default_max = {"kubenet": 110, "azure": 30}[plugin]
    if mode == "overlay":
        default_max = 250
    if pod_subnet_prefix:
        default_max = 250
    max_pods = max_pods or default_max
    subnets: list[dict[str, Any]] = [{"name": "nodes", "id": subnet_id("nodes"),
                                      "properties": {"addressPrefix": node_prefix}}]
    if pod_subnet_prefix:
        subnets.append({"name": "pods", "id": subnet_id("pods"), "properties": {"addressPrefix": pod_subnet_prefix}})
    tx.put("microsoft.network/virtualnetworks", VNET_ID, {
        "id": VNET_ID, "name": "vnet", "type": "Microsoft.Network/virtualNetworks",
        "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]}, "subnets": subnets}})
    pool: dict[str, Any] = {"name": "nodepool1", "count": nodes, "maxPods": max_pods, "mode": "System",
                            "vnetSubnetId": subnet_id("nodes")}
    if pod_subnet_prefix:
        pool["podSubnetId"] = subnet_id("pods")
    network: dict[str, Any] = {"networkPlugin": plugin, "serviceCidr": service_cidr, "dnsServiceIp": dns_ip}
    if plugin == "kubenet" or mode == "overlay":
        network["podCidr"] = pod_cidr
    if mode:
        network["networkPluginMode"] = mode
    if policy:
        network["networkPolicy"] = policy
    cluster = {"id": CLUSTER_ID, "name": CLUSTER, "type": "Microsoft.ContainerService/ManagedClusters",
               "location": "eastus",
               "properties": {"fqdn": "aks-cluster-abc.hcp.eastus.azmk8s.io", "nodeResourceGroup": NODE_RG,
                              "agentPoolProfiles": [pool], "networkProfile": network,
                              "apiServerAccessProfile": {"enablePrivateCluster": private}}}
    tx.put("microsoft.containerservice/managedclusters", CLUSTER_ID, cluster)
    for i in range(nodes):
        add_node(tx, i, plugin, max_pods, pod_cidr if plugin == "kubenet" or mode == "overlay" else None, taints)
    config = kubeconfig.load(tx)
    kubeconfig.merge_context(config, CLUSTER,
                             kubeconfig.cluster_entry(CLUSTER, "https://aks-cluster-abc.hcp.eastus.azmk8s.io:443",
                                                      CLUSTER_ID),
                             {"name": f"clusterUser_{RG}_{CLUSTER}", "user": {"token": "x"}}, overwrite=True)
    kubeconfig.save(tx, config)
    return CLUSTER_ID


def add_node(tx: Transaction, i: int, plugin: str, max_pods: int, pod_cidr: str | None,
             taints: list[dict[str, str]] | None = None) -> None:
    name = f"aks-nodepool1-12345678-vmss{i:06d}"
    vmss = (f"/subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/"
            f"aks-nodepool1-12345678-vmss")
    vm_id = f"{vmss}/virtualMachines/{i}"
    nic_id = f"{vm_id}/networkInterfaces/aks-nodepool1-12345678-vmss"
    secondary = max_pods if plugin == "azure" and pod_cidr is None and not _has_pod_subnet(tx) else 0
    ips = subnet_ipam.allocate(tx, subnet_id("nodes"), "10.224.0.0/16", nic_id, 1 + secondary)
    cfgs = [{"name": f"ipconfig{j + 1}", "id": f"{nic_id}/ipConfigurations/ipconfig{j + 1}",
             "properties": {"privateIPAddress": ip, "primary": j == 0}}
            for j, ip in enumerate(ips)]
    tx.put("microsoft.network/networkinterfaces", nic_id, {"id": nic_id, "properties": {"ipConfigurations": cfgs}})
    tx.put("microsoft.compute/virtualmachinescalesets/virtualmachines", vm_id, {
        "id": vm_id, "properties": {"networkProfile": {"networkInterfaces": [{"id": nic_id}]}}})
    spec: dict[str, Any] = {"providerID": "azure://" + vm_id}
    if pod_cidr:
        block = list(ipaddress.ip_network(pod_cidr).subnets(new_prefix=24))[i]
        spec["podCIDR"] = str(block)
        spec["podCIDRs"] = [str(block)]
    if taints:
        spec["taints"] = taints
    node = {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"node-uid-{i}", "resourceVersion": "1",
                         "creationTimestamp": "2026-01-01T00:00:00Z",
                         "labels": {"agentpool": "nodepool1", "kubernetes.azure.com/agentpool": "nodepool1",
                                    "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                    "kubernetes.io/role": "agent", "node-role.kubernetes.io/agent": ""}},
            "spec": spec,
            "status": {"addresses": [{"type": "InternalIP", "address": ips[0]}, {"type": "Hostname", "address": name}],
                       "allocatable": {"pods": str(max_pods)}, "capacity": {"pods": str(max_pods)},
                       "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                       "nodeInfo": {"kubeletVersion": "v1.31.2", "osImage": "Ubuntu 22.04.5 LTS",
                                    "kernelVersion": "5.15.0-1075-azure",
                                    "containerRuntimeVersion": "containerd://1.7.23-1"}}}
    tx.put(KIND_NODE, name, node, cluster_scope(CLUSTER_ID))


def _has_pod_subnet(tx: Transaction) -> bool:
    vnet = tx.get("microsoft.network/virtualnetworks", VNET_ID) or {}
    return any(s["name"] == "pods" for s in vnet.get("properties", {}).get("subnets", []))
