"""Agent pool virtual machine scale sets: the VMSS ``aks-<pool>-<8 digits>-vmss``, its instances
``aks-<pool>-<8 digits>-vmss00000N`` and their NICs (learn.microsoft.com/azure/aks/faq;
learn.microsoft.com/azure/aks/concepts-network-legacy-cni).

Each instance has one NIC in the pool's node subnet: ``ipconfig1`` is the node IP; with Azure CNI (node subnet)
``ipconfig2…ipconfig<maxPods+1>`` are the addresses reserved up front for the node's pods; a dual-stack cluster's
NICs also have ``ipconfigv6``, the node's IPv6 address from the subnet's IPv6 prefix. Addresses come from
:mod:`aksnet.twin.subnet_ipam` in one bulk allocation, and documents are written in bulk, so a 1,000-node pool
is one read and one write of the subnet's allocation table. The NIC documents have the shape the network RP
(:mod:`aksnet.twin.network.nic`) gives NICs. This module does not create Node objects or routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.io.arm_ids import parse_resource_id, resource_id
from aksnet.model.ids import id_key, same_id, same_name
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.aks import dual_stack, names
from aksnet.twin.arm import Doc, deterministic_uuid, etag
from aksnet.twin.network import KIND_NIC, KIND_VNET
from aksnet.twin.network.nic import mac_address

TYPE_VMSS = "Microsoft.Compute/virtualMachineScaleSets"
TYPE_VMSS_VM = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines"
TYPE_NIC = "Microsoft.Network/networkInterfaces"
IPCONFIG_V6 = "ipconfigv6"  # a dual-stack node NIC's IPv6 configuration


@dataclass(frozen=True, slots=True)
class PoolPlacement:
    """Where a pool's instances go."""

    cluster_id: str
    node_resource_group: str
    location: str
    digits: str
    pool: str
    vm_size: str
    subnet_id: str
    subnet_prefix: str
    secondary_ips: int  # maxPods for Azure CNI node subnet, else 0
    nsg_id: str | None  # the agent pool NSG on the NIC (BYO subnet) or None (NSG on the managed subnet)
    backend_pool_ids: tuple[str, ...] = ()
    subnet_prefix_v6: str | None = None  # dual-stack: the subnet's IPv6 prefix (each NIC gets ipconfigv6)
    backend_pool_ids_v6: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Instance:
    index: int
    name: str
    id: str  # VMSS instance resource ID
    nic_id: str
    ip: str
    secondary: tuple[str, ...]
    ip_v6: str | None = None  # dual-stack: the NIC's IPv6 address (ipconfigv6)


def vmss_id(node_rg: str, pool: str, digits: str) -> str:
    return resource_id(node_rg, "Microsoft.Compute", "virtualMachineScaleSets", names.vmss_name(pool, digits))


def instance_id(node_rg: str, pool: str, digits: str, index: int) -> str:
    return f"{vmss_id(node_rg, pool, digits)}/virtualMachines/{index}"


def nic_id_of(node_rg: str, pool: str, digits: str, index: int) -> str:
    return f"{instance_id(node_rg, pool, digits, index)}/networkInterfaces/{names.vmss_name(pool, digits)}"


def ensure_vmss(tx: Transaction, p: PoolPlacement, capacity: int) -> Doc:
    """Create or update the scale set document (sku.capacity = instance count)."""
    vid = vmss_id(p.node_resource_group, p.pool, p.digits)
    doc = tx.get(names.KIND_VMSS, vid)
    if doc is None:
        doc = {
            "id": vid, "name": names.vmss_name(p.pool, p.digits), "type": TYPE_VMSS, "location": p.location,
            "tags": {"aks-managed-poolName": p.pool, "aks-managed-orchestrator": "Kubernetes",
                     "aks-managed-createOperationID": deterministic_uuid("op", id_key(vid))},
            "sku": {"name": p.vm_size, "tier": "Standard", "capacity": capacity},
            "properties": {
                "provisioningState": "Succeeded", "orchestrationMode": "Uniform",
                "upgradePolicy": {"mode": "Manual"}, "singlePlacementGroup": False,
                "uniqueId": deterministic_uuid("vmss", id_key(vid)),
                "virtualMachineProfile": {
                    "osProfile": {"computerNamePrefix": names.vmss_name(p.pool, p.digits),
                                  "adminUsername": "azureuser"},
                    "networkProfile": {"networkInterfaceConfigurations": [{
                        "name": names.vmss_name(p.pool, p.digits),
                        "properties": {"primary": True, "enableIPForwarding": True,
                                       "networkSecurityGroup": {"id": p.nsg_id} if p.nsg_id else None,
                                       "ipConfigurations": [{"name": "ipconfig1", "properties": {
                                           "primary": True, "subnet": {"id": p.subnet_id},
                                           "loadBalancerBackendAddressPools": [
                                               {"id": b} for b in p.backend_pool_ids]}}]}}]},
                },
            },
        }
    doc["sku"]["capacity"] = capacity
    doc["etag"] = etag(tx)
    tx.put(names.KIND_VMSS, vid, doc)
    return doc


def _ipconfig(nid: str, name: str, ip: str, subnet_id: str, primary: bool, tag: str,
              pools: tuple[str, ...], version: str = "IPv4") -> Doc:
    props: dict[str, Any] = {"provisioningState": "Succeeded", "privateIPAddress": ip,
                             "privateIPAddressVersion": version, "privateIPAllocationMethod": "Dynamic",
                             "subnet": {"id": subnet_id}, "primary": primary}
    if (primary or version == "IPv6") and pools:
        props["loadBalancerBackendAddressPools"] = [{"id": b} for b in pools]
    return {"id": f"{nid}/ipConfigurations/{name}", "name": name, "type": f"{TYPE_NIC}/ipConfigurations",
            "etag": tag, "properties": props}


def _nic_doc(p: PoolPlacement, nid: str, vm_id: str, ip: str, secondary: list[str], tag: str) -> Doc:
    configs = [_ipconfig(nid, "ipconfig1", ip, p.subnet_id, True, tag, p.backend_pool_ids)]
    configs += [_ipconfig(nid, f"ipconfig{i}", a, p.subnet_id, False, tag, ())
                for i, a in enumerate(secondary, start=2)]
    if p.subnet_prefix_v6:
        configs.append(_ipconfig(nid, IPCONFIG_V6, dual_stack.same_offset(ip, p.subnet_prefix, p.subnet_prefix_v6),
                                 p.subnet_id, False, tag, p.backend_pool_ids_v6, "IPv6"))
    props: dict[str, Any] = {
        "provisioningState": "Succeeded", "resourceGuid": deterministic_uuid("resourceGuid", id_key(nid)),
        "auxiliaryMode": "None", "auxiliarySku": "None", "disableTcpStateTracking": False,
        "dnsSettings": {"appliedDnsServers": [], "dnsServers": []},
        "enableAcceleratedNetworking": False, "enableIPForwarding": True, "hostedWorkloads": [],
        "ipConfigurations": configs, "macAddress": mac_address(nid), "nicType": "Standard", "primary": True,
        "tapConfigurations": [], "virtualMachine": {"id": vm_id}, "vnetEncryptionSupported": False,
    }
    if p.nsg_id:
        props["networkSecurityGroup"] = {"id": p.nsg_id}
    return {"id": nid, "name": names.vmss_name(p.pool, p.digits), "type": TYPE_NIC, "location": p.location,
            "etag": tag, "kind": "Regular", "properties": props}


def _vm_doc(p: PoolPlacement, index: int, vm_id: str, nid: str, tag: str) -> Doc:
    name = names.instance_name(p.pool, p.digits, index)
    return {
        "id": vm_id, "name": f"{names.vmss_name(p.pool, p.digits)}_{index}", "type": TYPE_VMSS_VM,
        "location": p.location, "instanceId": str(index), "etag": tag,
        "sku": {"name": p.vm_size, "tier": "Standard"},
        "properties": {
            "provisioningState": "Succeeded", "latestModelApplied": True,
            "vmId": deterministic_uuid("vmId", id_key(vm_id)),
            "hardwareProfile": {"vmSize": p.vm_size},
            "osProfile": {"computerName": name, "adminUsername": "azureuser"},
            "networkProfile": {"networkInterfaces": [{"id": nid, "properties": {"primary": True}}]},
        },
    }


def _add_subnet_refs(tx: Transaction, subnet_id: str, ids: list[str]) -> None:
    """ARM's back-references ``subnet.ipConfigurations`` in bulk (one VNet read and write)."""
    if not ids:
        return
    vnet_id = subnet_id.rsplit("/subnets/", 1)[0]
    vnet = tx.get(KIND_VNET, vnet_id)
    if vnet is None:
        return
    for s in vnet["properties"].get("subnets", []):
        if same_id(s["id"], subnet_id):
            items = s["properties"].setdefault("ipConfigurations", [])
            seen = {id_key(str(i.get("id", ""))) for i in items}
            items.extend({"id": i} for i in ids if id_key(i) not in seen)
            tx.put(KIND_VNET, vnet["id"], vnet)
            return


def create_instances(tx: Transaction, p: PoolPlacement, indexes: list[int]) -> list[Instance]:
    """Create VMSS instances ``indexes`` with their NICs (bulk allocation, bulk writes)."""
    vm_ids = [instance_id(p.node_resource_group, p.pool, p.digits, i) for i in indexes]
    nic_ids = [f"{v}/networkInterfaces/{names.vmss_name(p.pool, p.digits)}" for v in vm_ids]
    requests: list[tuple[str, int]] = []
    for nid in nic_ids:
        requests.append((f"{nid}/ipConfigurations/ipconfig1", 1))
        if p.secondary_ips:
            requests.append((nid, p.secondary_ips))
    got = subnet_ipam.allocate_many(tx, p.subnet_id, p.subnet_prefix, requests)
    out: list[Instance] = []
    nic_items: list[tuple[str, Doc]] = []
    vm_items: list[tuple[str, Doc]] = []
    refs: list[str] = []
    step = 2 if p.secondary_ips else 1
    for k, (index, vm_id, nid) in enumerate(zip(indexes, vm_ids, nic_ids)):
        ip = got[k * step][0]
        secondary = got[k * step + 1] if p.secondary_ips else []
        tag = etag(tx)
        nic = _nic_doc(p, nid, vm_id, ip, secondary, tag)
        nic_items.append((nid, nic))
        vm_items.append((vm_id, _vm_doc(p, index, vm_id, nid, tag)))
        refs += [c["id"] for c in nic["properties"]["ipConfigurations"]]
        ip_v6 = dual_stack.same_offset(ip, p.subnet_prefix, p.subnet_prefix_v6) if p.subnet_prefix_v6 else None
        out.append(Instance(index, names.instance_name(p.pool, p.digits, index), vm_id, nid, ip, tuple(secondary),
                            ip_v6))
    tx.put_many(KIND_NIC, nic_items)
    tx.put_many(names.KIND_VMSS_VM, vm_items)
    _add_subnet_refs(tx, p.subnet_id, refs)
    if p.nsg_id:
        _add_nsg_refs(tx, p.nsg_id, nic_ids)
    return out


def _add_nsg_refs(tx: Transaction, nsg_id: str, nic_ids: list[str]) -> None:
    nsg = tx.get("microsoft.network/networksecuritygroups", nsg_id)
    if nsg is None:
        return
    items = nsg["properties"].setdefault("networkInterfaces", [])
    seen = {id_key(str(i.get("id", ""))) for i in items}
    items.extend({"id": i} for i in nic_ids if id_key(i) not in seen)
    tx.put("microsoft.network/networksecuritygroups", nsg["id"], nsg)


def delete_instances(tx: Transaction, vm_ids: list[str]) -> None:
    """Remove instances and their NICs, giving back their addresses and back-references, with one read and write
    of each subnet's allocations, VNet and NSG for the whole batch (a scale-down by 500 nodes of a 1,000-node Azure
    CNI cluster rewrote the 8 MB VNet and allocation documents 1,500 times: 90 s)."""
    owners: dict[str, set[str]] = {}
    nic_refs: dict[str, set[str]] = {}
    nsg_nics: dict[str, set[str]] = {}
    for vm_id in vm_ids:
        vm = tx.get(names.KIND_VMSS_VM, vm_id)
        if vm is None:
            continue
        for ref in vm["properties"]["networkProfile"]["networkInterfaces"]:
            nic = tx.get(KIND_NIC, ref["id"])
            if nic is None:
                continue
            nic_id = str(nic["id"])
            for sid in {c["properties"]["subnet"]["id"] for c in nic["properties"]["ipConfigurations"]}:
                owners.setdefault(sid, set()).update({f"{nic_id}/ipConfigurations/ipconfig1", nic_id})
                nic_refs.setdefault(sid, set()).add(id_key(nic_id))
            nsg_ref = (nic["properties"].get("networkSecurityGroup") or {}).get("id")
            if nsg_ref:
                nsg_nics.setdefault(str(nsg_ref), set()).add(id_key(nic_id))
            tx.delete(KIND_NIC, nic_id)
        tx.delete(names.KIND_VMSS_VM, vm_id)
    for sid, who in owners.items():
        subnet_ipam.release_owners(tx, sid, who)
    for sid, ids in nic_refs.items():
        _remove_subnet_refs(tx, sid, ids)
    for nsg_id, ids in nsg_nics.items():
        nsg = tx.get("microsoft.network/networksecuritygroups", nsg_id)
        if nsg is not None:
            nsg["properties"]["networkInterfaces"] = [
                i for i in nsg["properties"].get("networkInterfaces", []) if id_key(i["id"]) not in ids]
            tx.put("microsoft.network/networksecuritygroups", nsg["id"], nsg)


def _remove_subnet_refs(tx: Transaction, subnet_id: str, nic_ids: set[str]) -> None:
    """subnet.remove_ip_configuration(prefix=True) for many NICs (lower-cased IDs) in one VNet read and write."""
    parsed = parse_resource_id(subnet_id)
    if parsed is None or [t.lower() for t in parsed.types] != ["virtualnetworks", "subnets"]:
        return
    vnet = tx.get(KIND_VNET, str(parsed.parent))
    if vnet is None:
        return
    for s in vnet["properties"].get("subnets", []):
        if not same_name(s["name"], parsed.name):
            continue
        props = s.setdefault("properties", {})
        if "ipConfigurations" in props:
            props["ipConfigurations"] = [i for i in props["ipConfigurations"]
                                         if not _under(id_key(str(i.get("id", ""))), nic_ids)]
            if not props["ipConfigurations"]:
                del props["ipConfigurations"]
        tx.put(KIND_VNET, vnet["id"], vnet)
        return


def _under(ref_id: str, ids: set[str]) -> bool:
    """``ref_id`` is one of ``ids`` or below one of them (``…/ipConfigurations/ipconfig2``)."""
    if ref_id in ids:
        return True
    pos = ref_id.find("/")
    while pos != -1:
        if ref_id[:pos] in ids:
            return True
        pos = ref_id.find("/", pos + 1)
    return False


def list_instances(tx: Transaction, node_rg: str, pool: str, digits: str) -> list[Doc]:
    return tx.list(names.KIND_VMSS_VM, "", vmss_id(node_rg, pool, digits) + "/virtualMachines/")
