"""What the Kubernetes controllers need to know about the Azure side of a cluster: its network plugin
and mode, node pools (maxPods, pod subnet), node IPs, node NICs and subnet prefixes.

Reads ARM documents as the resource providers store them (``properties`` nested as in ARM, or flattened as
``az … show`` prints; both are accepted). Must not write anything.
"""

from __future__ import annotations

from typing import Any

from aksnet.io.arm_model import emulated_api_server_ip
from aksnet.model.ids import same_name
from aksnet.store import Transaction
from aksnet.twin.kube.objects import ClusterObjects

Doc = dict[str, Any]

KIND_VNET = "microsoft.network/virtualnetworks"
KIND_NIC = "microsoft.network/networkinterfaces"
KIND_VMSS_VM = "microsoft.compute/virtualmachinescalesets/virtualmachines"
KIND_PRIVATE_ENDPOINT = "microsoft.network/privateendpoints"
POD_SUBNET_ANNOTATION = "aksnet.io/pod-subnet-ips"  # the first batch, written by the AKS RP at registration


def props(doc: Doc | None) -> Doc:
    if not doc:
        return {}
    p = doc.get("properties")
    return p if isinstance(p, dict) else doc


def network_profile(cluster: Doc) -> Doc:
    np = props(cluster).get("networkProfile")
    return np if isinstance(np, dict) else {}


def plugin_mode(cluster: Doc) -> str:
    """kubenet | overlay | podsubnet | nodesubnet | none (the pod IPAM in use; podsubnet is per pool)."""
    np = network_profile(cluster)
    plugin = str(np.get("networkPlugin") or "").lower()
    if plugin == "kubenet":
        return "kubenet"
    if plugin == "azure":
        if str(np.get("networkPluginMode") or "").lower() == "overlay":
            return "overlay"
        return "nodesubnet"
    if plugin == "none":
        return "none"
    return plugin or "kubenet"


def pools(cluster: Doc) -> list[Doc]:
    return [p for p in props(cluster).get("agentPoolProfiles") or [] if isinstance(p, dict)]


def node_pool_name(node: Doc) -> str:
    labels = node["metadata"].get("labels") or {}
    return str(labels.get("kubernetes.azure.com/agentpool") or labels.get("agentpool") or "")


def pool_of(cluster: Doc, node: Doc) -> Doc:
    name = node_pool_name(node)
    for p in pools(cluster):
        if p.get("name") == name:
            return p
    return {}


def node_ip(node: Doc) -> str | None:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return str(a.get("address"))
    return None


def node_nic(tx: Transaction, node: Doc) -> Doc | None:
    """The node's NIC document: Node spec.providerID → VMSS instance → its first network interface."""
    provider = str((node.get("spec") or {}).get("providerID") or "")
    if not provider.startswith("azure://"):
        return None
    vm_id = provider[len("azure://"):]
    vm = tx.get(KIND_VMSS_VM, vm_id)
    nic_id = None
    if vm is not None:
        nics = (props(vm).get("networkProfile") or {}).get("networkInterfaces") or []
        if nics:
            nic_id = nics[0].get("id")
            inline = nics[0]
            if isinstance(inline.get("properties"), dict) and inline["properties"].get("ipConfigurations"):
                return dict(inline)
    if nic_id is None:
        return None
    for kind in (KIND_NIC, KIND_VMSS_VM + "/networkinterfaces"):
        nic = tx.get(kind, str(nic_id))
        if nic is not None:
            return nic
    return None


def node_nic_once(objs: ClusterObjects, node: Doc) -> Doc | None:
    """:func:`node_nic`, read once per command and cluster: pod IPAM and the cloud provider's reconciler both
    need every node's NIC (a 1,000-node Azure CNI cluster's NICs hold 31,000 IP configurations). The document
    is shared: callers must not change it (write a NIC through ``tx`` after reading it there)."""
    cache: dict[str, Doc | None] = objs.extra.setdefault("node_nics", {})
    name = str(node["metadata"]["name"])
    if name not in cache:
        cache[name] = node_nic(objs.tx, node)
    return cache[name]


def nic_secondary_ips(nic: Doc) -> list[str]:
    """Azure CNI (node subnet): ipConfigurations[1..] are the addresses reserved for the node's pods."""
    out = []
    for cfg in (props(nic).get("ipConfigurations") or [])[1:]:
        ip = props(cfg).get("privateIPAddress") or props(cfg).get("privateIpAddress")
        if ip:
            out.append(str(ip))
    return out


def subnet_prefix(tx: Transaction, subnet_id: str) -> str | None:
    """The address prefix of a subnet, read from its VNet document."""
    vnet_id, _, name = subnet_id.rpartition("/subnets/")
    vnet = tx.get(KIND_VNET, vnet_id)
    if vnet is None:
        return None
    for sn in props(vnet).get("subnets") or []:
        if same_name(str(sn.get("name", "")), name):
            p = props(sn)
            prefix = p.get("addressPrefix") or (p.get("addressPrefixes") or [None])[0]
            return str(prefix) if prefix else None
    return None


def api_server_address(tx: Transaction, cluster: Doc) -> str:
    """The address behind the ``kubernetes`` Service's endpoint: for a private cluster the private endpoint
    ``kube-apiserver`` in the node resource group (its ``customDnsConfigs`` address, as the resource provider
    wrote it); otherwise an emulated control-plane address derived from the cluster FQDN (on AKS this is a
    Microsoft-owned public IP of the hosted control plane; recorded in docs/fidelity.md)."""
    p = props(cluster)
    if (p.get("apiServerAccessProfile") or {}).get("enablePrivateCluster"):
        node_rg = str(p.get("nodeResourceGroup") or "")
        sub = str(cluster.get("id", "")).split("/")[2] if str(cluster.get("id", "")).count("/") > 2 else ""
        pe_id = (f"/subscriptions/{sub}/resourceGroups/{node_rg}/providers/Microsoft.Network/privateEndpoints/"
                 "kube-apiserver")
        pe = tx.get(KIND_PRIVATE_ENDPOINT, pe_id)
        for cfg in props(pe).get("customDnsConfigs") or []:
            for ip in cfg.get("ipAddresses") or []:
                return str(ip)
        for ref in props(pe).get("networkInterfaces") or []:
            nic = tx.get(KIND_NIC, str(ref.get("id", "")))
            cfgs = props(nic).get("ipConfigurations") or []
            if cfgs and props(cfgs[0]).get("privateIPAddress"):
                return str(props(cfgs[0])["privateIPAddress"])
    return emulated_api_server_ip(cluster)
