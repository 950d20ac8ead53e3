"""Where a cluster's load balancer objects go: the node resource group, the cluster subnet, the AKS-managed
NSG, and the node NIC IP configurations that make up the backend pool ``kubernetes``.

Rules (learn.microsoft.com/azure/aks/faq;
learn.microsoft.com/azure/aks/load-balancer-standard): everything lives in the node resource group
``MC_<rg>_<cluster>_<location>``
(or ``properties.nodeResourceGroup``); internal frontends take addresses from the first node pool's subnet;
the AKS NSG sits on the managed subnet, or on the node NICs for a BYO subnet (AKS never edits a user NSG on
the subnet). Nodes with ``node.kubernetes.io/exclude-from-external-load-balancers`` stay out of the pool.
Read-only: must not change any document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import same_id, same_name
from aksnet.store import Transaction
from aksnet.twin.kube.netinfo import node_nic_once
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.network.common import KIND_NSG, KIND_VNET

Doc = dict[str, Any]

KIND_CLUSTER = "microsoft.containerservice/managedclusters"
KIND_NODE = "k8s:core/Node"
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    cluster_id: str
    name: str
    location: str
    node_resource_group: str
    subnet_id: str | None  # the first node pool's subnet (internal frontends' default)
    nsg_id: str | None  # the AKS-managed NSG the provider writes rules into
    node_ipconfig_ids: tuple[str, ...]  # primary IP configurations of the node NICs (backend pool members)
    node_ipconfig_ids_v6: tuple[str, ...] = ()  # dual-stack: the NICs' IPv6 configurations (pool kubernetes-IPv6)


def node_resource_group(cluster: Doc) -> str:
    props = cluster.get("properties") or {}
    if props.get("nodeResourceGroup"):
        return str(props["nodeResourceGroup"])
    parsed = parse_resource_id(str(cluster.get("id", "")))
    rg = parsed.resource_group if parsed else ""
    return f"MC_{rg}_{cluster.get('name', '')}_{cluster.get('location', '')}"


def _pool_subnet(cluster: Doc) -> str | None:
    for pool in (cluster.get("properties") or {}).get("agentPoolProfiles") or []:
        sid = pool.get("vnetSubnetID") or pool.get("vnetSubnetId")
        if sid:
            return str(sid)
    return None


def _managed_subnet(tx: Transaction, node_rg: str) -> str | None:
    """A cluster without BYO subnet uses the VNet AKS made in the node resource group."""
    for vnet in tx.list(KIND_VNET):
        parsed = parse_resource_id(str(vnet.get("id", "")))
        if parsed and same_name(parsed.resource_group, node_rg):
            subnets = (vnet.get("properties") or {}).get("subnets") or []
            if subnets:
                return str(subnets[0]["id"])
    return None


def node_nics(tx: Transaction, objs: ClusterObjects) -> list[tuple[Doc, Doc]]:
    """(Node document, NIC document) for every node whose VMSS instance and NIC exist, in node order (each NIC
    read once per command, shared with pod IPAM: ``aksnet.twin.kube.netinfo.node_nic_once``; read-only)."""
    out = []
    for node in objs.docs(KIND_NODE):
        nic = node_nic_once(objs, node)
        if nic is not None:
            out.append((node, nic))
    return out


def _find_nsg(tx: Transaction, nics: list[tuple[Doc, Doc]], subnet_id: str | None, node_rg: str) -> str | None:
    for _, nic in nics:
        nsg = (nic.get("properties") or {}).get("networkSecurityGroup")
        if nsg and nsg.get("id"):
            return str(nsg["id"])
    if subnet_id:
        parsed = parse_resource_id(subnet_id)
        if parsed and same_name(parsed.resource_group, node_rg):
            vnet = tx.get(KIND_VNET, subnet_id.split("/subnets/")[0])
            for sub in (vnet or {}).get("properties", {}).get("subnets", []):
                if same_id(sub["id"], subnet_id):
                    nsg = (sub.get("properties") or {}).get("networkSecurityGroup")
                    if nsg and nsg.get("id"):
                        return str(nsg["id"])
    for nsg_doc in tx.list(KIND_NSG):
        parsed = parse_resource_id(str(nsg_doc.get("id", "")))
        if (parsed and same_name(parsed.resource_group, node_rg)
                and str(nsg_doc.get("name", "")).startswith("aks-agentpool-")):
            return str(nsg_doc["id"])
    return None


def cluster_info(tx: Transaction, objs: ClusterObjects) -> ClusterInfo | None:
    """The cluster's placement, or None when the cluster document is not in the workspace."""
    cluster = tx.get(KIND_CLUSTER, objs.cluster_id)
    if cluster is None:
        return None
    node_rg = node_resource_group(cluster)
    subnet_id = _pool_subnet(cluster) or _managed_subnet(tx, node_rg)
    nics = node_nics(tx, objs)
    ipconfigs = []
    ipconfigs_v6 = []
    for node, nic in nics:
        labels = (node.get("metadata") or {}).get("labels") or {}
        if EXCLUDE_LABEL in labels:
            continue
        cfgs = (nic.get("properties") or {}).get("ipConfigurations") or []
        if cfgs:
            ipconfigs.append(str(cfgs[0]["id"]))
        ipconfigs_v6 += [str(c["id"]) for c in cfgs
                         if (c.get("properties") or {}).get("privateIPAddressVersion") == "IPv6"]
    return ClusterInfo(
        cluster_id=str(cluster["id"]),
        name=str(cluster.get("name", "")),
        location=str(cluster.get("location", "")),
        node_resource_group=node_rg,
        subnet_id=subnet_id,
        nsg_id=_find_nsg(tx, nics, subnet_id, node_rg),
        node_ipconfig_ids=tuple(ipconfigs),
        node_ipconfig_ids_v6=tuple(ipconfigs_v6),
    )
