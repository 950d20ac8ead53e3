"""A minimal AKS cluster built directly with the network RP functions (independent of `az aks create`):
resource groups, a VNet/subnet in the node resource group with the AKS NSG on it (or a BYO subnet with the
NSG on the node NICs), the cluster document, two VMSS instances with NICs, their Node objects and the
``kubernetes`` load balancer with AKS's outbound rule."""

from __future__ import annotations

from typing import Any

from aksnet.model.account import SUBSCRIPTION_ID as SUB
from aksnet.store import Transaction
from aksnet.twin import resources
from aksnet.twin.kube import objects
from aksnet.twin.kube.services import admit_service
from aksnet.twin.network import load_balancer as lb_mod
from aksnet.twin.network import nic as nic_mod
from aksnet.twin.network import nsg as nsg_mod
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network import vnet as vnet_mod
from aksnet.twin.network.common import KIND_VMSS_VM

RG = "myResourceGroup"
NODE_RG = "MC_myResourceGroup_myAKSCluster_eastus"
CLUSTER_ID = (f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerService/managedClusters/"
              "myAKSCluster")
KIND_CLUSTER = "microsoft.containerservice/managedclusters"


def build_cluster(tx: Transaction, byo: bool = False) -> dict[str, Any]:
    resources.create_group(tx, RG, "eastus")
    resources.create_group(tx, NODE_RG, "eastus")
    nsg = nsg_mod.create_nsg(tx, NODE_RG, "aks-agentpool-12345678-nsg")
    if byo:
        vnet = vnet_mod.create_vnet(tx, RG, "myVnet", ["10.240.0.0/16"], subnet_name="mySubnet",
                                    subnet_prefixes=["10.240.0.0/22"])
        subnet_mod.create_subnet(tx, vnet["id"], "ilbSubnet", ["10.240.8.0/24"])
    else:
        vnet = vnet_mod.create_vnet(tx, NODE_RG, "aks-vnet-12345678", ["10.224.0.0/12"],
                                    subnet_name="aks-subnet", subnet_prefixes=["10.224.0.0/16"])
    subnet_id = vnet["properties"]["subnets"][0]["id"]
    if not byo:
        subnet_mod.associate_subnet(tx, subnet_id, nsg_id=nsg["id"])
    cluster = {
        "id": CLUSTER_ID, "name": "myAKSCluster", "location": "eastus",
        "type": "Microsoft.ContainerService/ManagedClusters",
        "properties": {
            "nodeResourceGroup": NODE_RG,
            "agentPoolProfiles": [{"name": "nodepool1", "count": 2, "vnetSubnetID": subnet_id if byo else None}],
            "networkProfile": {"networkPlugin": "kubenet", "serviceCidr": "10.0.0.0/16", "dnsServiceIp": "10.0.0.10",
                               "podCidr": "10.244.0.0/16", "outboundType": "loadBalancer"},
        },
    }
    tx.put(KIND_CLUSTER, CLUSTER_ID, cluster)
    vmss = (f"/subscriptions/{SUB}/resourceGroups/{NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/"
            "aks-nodepool1-12345678-vmss")
    objs = objects.open_objects(tx, CLUSTER_ID)
    for i in range(2):
        vm_id = f"{vmss}/virtualMachines/{i}"
        nic_id = f"{vm_id}/networkInterfaces/aks-nodepool1-12345678-vmss"
        nic_mod.create_nic(tx, NODE_RG, "aks-nodepool1-12345678-vmss", subnet_id, nic_id=nic_id,
                           nsg_id=nsg["id"] if byo else None)
        tx.put(KIND_VMSS_VM, vm_id, {"id": vm_id, "name": f"aks-nodepool1-12345678-vmss_{i}",
                                      "properties": {"networkProfile": {"networkInterfaces": [{"id": nic_id}]}}})
        name = f"aks-nodepool1-12345678-vmss00000{i}"
        objs.put("k8s:core/Node", name, {"apiVersion": "v1", "kind": "Node",
                                          "metadata": {"name": name, "labels": {}},
                                          "spec": {"providerID": "azure://" + vm_id}})
    out = pip_mod.create_public_ip(tx, NODE_RG, "11111111-2222-3333-4444-555555555555",
                                   tags={"aks-managed-type": "managedOutboundIPs"})
    lb_id = lb_mod.load_balancer_id(NODE_RG, "kubernetes")
    fe = f"{lb_id}/frontendIPConfigurations/11111111-2222-3333-4444-555555555555"
    lb_mod.put_load_balancer(tx, {
        "id": lb_id, "name": "kubernetes", "location": "eastus",
        "properties": {
            "frontendIPConfigurations": [{"name": "11111111-2222-3333-4444-555555555555",
                                          "properties": {"publicIPAddress": {"id": out["id"]}}}],
            "backendAddressPools": [{"name": "kubernetes"}, {"name": "aksOutboundBackendPool"}],
            "outboundRules": [{"name": "aksOutboundRule", "properties": {
                "frontendIPConfigurations": [{"id": fe}], "protocol": "All", "enableTcpReset": True,
                "idleTimeoutInMinutes": 30, "allocatedOutboundPorts": 0,
                "backendAddressPool": {"id": f"{lb_id}/backendAddressPools/aksOutboundBackendPool"}}}],
        }})
    return cluster


def add_service(tx: Transaction, name: str, spec: dict[str, Any], annotations: dict[str, str] | None = None,
                namespace: str = "default", uid: str | None = None) -> dict[str, Any]:
    """Create a Service the way the API server stores it (admission, then the object cache)."""
    objs = objects.open_objects(tx, CLUSTER_ID)
    key = f"{namespace}/{name}"
    old = objs.get("k8s:core/Service", key)
    meta: dict[str, Any] = {"name": name, "namespace": namespace,
                            "uid": uid or (old or {}).get("metadata", {}).get("uid")
                            or f"{abs(hash(name)) % 10**8:08d}-1111-2222-3333-444444444444"}
    if annotations:
        meta["annotations"] = annotations
    doc = admit_service(tx, CLUSTER_ID, {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}, old)
    objs.put("k8s:core/Service", key, doc)
    return doc
