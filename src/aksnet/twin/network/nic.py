"""Network interfaces (``Microsoft.Network/networkInterfaces``): the VNet addresses of VMs and AKS nodes.

Every address comes from :mod:`aksnet.twin.subnet_ipam` (first usable ``.4``, dynamic = lowest free, or
static). For Azure CNI node-subnet mode, ``secondary_ip_count`` extra IP configurations are allocated up front,
as Azure does for a node's pods [learn.microsoft.com/azure/aks/concepts-network-legacy-cni]. ARM's back-references
are kept on the other side:
``subnet.ipConfigurations``, ``nsg.networkInterfaces``, ``publicIP.ipConfiguration``. VMSS instance NICs
take an explicit ``nic_id`` (``…/virtualMachineScaleSets/<vmss>/virtualMachines/<i>/networkInterfaces/<nic>``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from aksnet.errors import AzureError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import id_key
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import (
    KIND_NIC,
    KIND_NSG,
    KIND_PUBLIC_IP,
    KIND_VM,
    KIND_VMSS_VM,
    TYPE_NIC,
    TYPE_NIC_IPCONFIG,
    add_ref,
    base_doc,
    child_doc,
    get_resource,
    network_id,
    new_guid,
    ref,
    referenced_not_found,
    remove_ref,
    touch,
    validate_name,
)


def nic_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "networkInterfaces", name)


def get_nic(tx: Transaction, nic_id: str) -> Doc:
    return get_resource(tx, KIND_NIC, nic_id, TYPE_NIC)


def list_nics(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    """NICs of a resource group (including VMSS instance NICs, whose IDs live below the scale set)."""
    if resource_group is None:
        return tx.list(KIND_NIC)
    get_group(tx, resource_group)
    prefix = nic_id(resource_group, "").split("/providers/")[0] + "/providers/"
    return tx.list(KIND_NIC, "", prefix)


def mac_address(resource_id: str) -> str:
    """A stable MAC in Azure's OUI 00-0D-3A, derived from the NIC ID."""
    h = hashlib.sha256(id_key(resource_id).encode()).hexdigest()
    return "00-0D-3A-" + "-".join(h[i:i + 2].upper() for i in (0, 2, 4))


def private_ips(doc: Doc) -> list[str]:
    """Private addresses of a NIC document, primary first."""
    return [str(c["properties"]["privateIPAddress"]) for c in doc["properties"].get("ipConfigurations", [])]


def _ipconfig(tx: Transaction, nid: str, name: str, ip: str, method: str, subnet_id: str, primary: bool,
              public_ip_id: str | None = None) -> Doc:
    props: dict[str, object] = {
        "privateIPAddress": ip,
        "privateIPAddressVersion": "IPv4",
        "privateIPAllocationMethod": method,
        "subnet": ref(subnet_id),
        "primary": primary,
    }
    if public_ip_id:
        props["publicIPAddress"] = ref(public_ip_id)
    return child_doc(tx, f"{nid}/ipConfigurations/{name}", TYPE_NIC_IPCONFIG, props)


def create_nic(tx: Transaction, resource_group: str, name: str, subnet_id: str, *, location: str | None = None,
               private_ip: str | None = None, secondary_ip_count: int = 0, nsg_id: str | None = None,
               public_ip_id: str | None = None, nic_id: str | None = None, ip_config_name: str = "ipconfig1",
               enable_ip_forwarding: bool = False, enable_accelerated_networking: bool = False,
               tags: dict[str, str] | None = None, virtual_machine_id: str | None = None) -> Doc:
    """Create a NIC in ``subnet_id``: primary address static (``private_ip``) or dynamic (lowest free), then
    ``secondary_ip_count`` dynamic secondary IP configurations ``ipconfig2…``; optional NSG and public IP on
    the primary configuration. ``nic_id`` overrides the ID (VMSS instance NICs). Creating an existing NIC
    returns it unchanged. Errors: ``SubnetIsFull``, ``PrivateIPAddressInUse``/…NotInSubnet/…InReservedRange,
    ``InvalidResourceReference`` (missing subnet/NSG/public IP), ``PublicIPAddressInUse``."""
    get_group(tx, resource_group)
    rid = nic_id or network_id(resource_group, "networkInterfaces", name)
    validate_name(rid.rsplit("/", 1)[-1])
    existing = tx.get(KIND_NIC, rid)
    if existing is not None:
        return existing
    try:
        subnet, vnet = subnet_mod.subnet_and_vnet(tx, subnet_id)
    except AzureError:
        raise referenced_not_found(subnet_id, rid) from None
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    sid = subnet["id"]
    doc = base_doc(tx, rid, TYPE_NIC, location or vnet["location"], tags)
    primary_cfg_id = f"{rid}/ipConfigurations/{ip_config_name}"
    if private_ip:
        ip = subnet_ipam.allocate_static(tx, sid, prefix, primary_cfg_id, private_ip)
        method = "Static"
    else:
        ip = subnet_ipam.allocate(tx, sid, prefix, primary_cfg_id)[0]
        method = "Dynamic"
    if public_ip_id:
        pip = pip_mod.get_public_ip(tx, public_ip_id) if tx.get(KIND_PUBLIC_IP, public_ip_id) else None
        if pip is None:
            raise referenced_not_found(public_ip_id, rid)
        public_ip_id = pip["id"]
        pip_mod.attach_public_ip(tx, public_ip_id, "ipConfiguration", primary_cfg_id)
    configs = [_ipconfig(tx, rid, ip_config_name, ip, method, sid, True, public_ip_id)]
    if secondary_ip_count > 0:
        extra = subnet_ipam.allocate(tx, sid, prefix, rid, secondary_ip_count)
        for i, addr in enumerate(extra, start=2):
            configs.append(_ipconfig(tx, rid, f"ipconfig{i}", addr, "Dynamic", sid, False))
    subnet_mod.add_ip_configuration(tx, sid, [c["id"] for c in configs])
    props = doc["properties"]
    dns_suffix = f"{new_guid('dns', id_key(vnet['id']))[:24]}.bx.internal.cloudapp.net"
    props.update({
        "auxiliaryMode": "None",
        "auxiliarySku": "None",
        "disableTcpStateTracking": False,
        "dnsSettings": {"appliedDnsServers": [], "dnsServers": [], "internalDomainNameSuffix": dns_suffix},
        "enableAcceleratedNetworking": bool(enable_accelerated_networking),
        "enableIPForwarding": bool(enable_ip_forwarding),
        "hostedWorkloads": [],
        "ipConfigurations": configs,
        "macAddress": mac_address(rid),
        "nicType": "Standard",
        "tapConfigurations": [],
        "vnetEncryptionSupported": False,
    })
    doc["kind"] = "Regular"
    touch(tx, doc)
    tx.put(KIND_NIC, rid, doc)
    if nsg_id:
        set_nic_nsg(tx, rid, nsg_id)
    if virtual_machine_id:
        attach_nic_to_vm(tx, rid, virtual_machine_id)
    return get_nic(tx, rid)


def set_nic_nsg(tx: Transaction, nic_id: str, nsg_id: str | None) -> Doc:
    """Attach (ID) or detach (``None``) the NIC's NSG, keeping ``nsg.networkInterfaces`` in step."""
    doc = get_nic(tx, nic_id)
    props = doc["properties"]
    current = props.get("networkSecurityGroup", {}).get("id")
    if current:
        old = tx.get(KIND_NSG, current)
        if old is not None:
            remove_ref(old["properties"], "networkInterfaces", doc["id"])
            tx.put(KIND_NSG, current, old)
        del props["networkSecurityGroup"]
    if nsg_id:
        nsg = tx.get(KIND_NSG, nsg_id)
        if nsg is None or nsg.get("location") != doc.get("location"):
            raise referenced_not_found(nsg_id, doc["id"])
        add_ref(nsg["properties"], "networkInterfaces", doc["id"])
        touch(tx, nsg)
        tx.put(KIND_NSG, nsg["id"], nsg)
        props["networkSecurityGroup"] = ref(nsg["id"])
    touch(tx, doc)
    tx.put(KIND_NIC, doc["id"], doc)
    return doc


def set_nic_ip_forwarding(tx: Transaction, nic_id: str, enabled: bool) -> Doc:
    """``enableIPForwarding``: whether Azure hands the NIC packets addressed to other IPs (a virtual appliance
    needs it to forward; learn.microsoft.com/azure/virtual-network/virtual-network-network-interface)."""
    doc = get_nic(tx, nic_id)
    doc["properties"]["enableIPForwarding"] = bool(enabled)
    touch(tx, doc)
    tx.put(KIND_NIC, doc["id"], doc)
    return doc


def attach_nic_to_vm(tx: Transaction, nic_id: str, vm_id: str | None, primary: bool = True) -> Doc:
    """Set (or clear) ``properties.virtualMachine`` of the NIC, as ARM shows it once a VM uses it."""
    doc = get_nic(tx, nic_id)
    props = doc["properties"]
    if vm_id:
        props["virtualMachine"] = ref(vm_id)
        props["primary"] = primary
    else:
        props.pop("virtualMachine", None)
        props.pop("primary", None)
    touch(tx, doc)
    tx.put(KIND_NIC, doc["id"], doc)
    return doc


def _owner_exists(tx: Transaction, owner_id: str) -> bool:
    parsed = parse_resource_id(owner_id)
    if parsed is None:
        return False
    kind = KIND_VMSS_VM if len(parsed.types) == 2 else KIND_VM
    return tx.exists(kind, owner_id)


def delete_nic(tx: Transaction, nic_id: str) -> bool:
    """Delete a NIC: refused while its VM exists (``NicInUse``); frees its addresses and back-references.
    A missing NIC is not an error (ARM 204)."""
    doc = tx.get(KIND_NIC, nic_id)
    if doc is None:
        return False
    props = doc["properties"]
    vm = props.get("virtualMachine", {}).get("id")
    if vm and _owner_exists(tx, vm):
        raise AzureError(
            "NicInUse",
            f"Network Interface {doc['id']} is used by existing resource {vm}. In order to delete the network "
            "interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.",
        )
    if props.get("networkSecurityGroup"):
        set_nic_nsg(tx, doc["id"], None)
    subnets: list[str] = []
    for cfg in props.get("ipConfigurations", []):
        cp = cfg["properties"]
        sid = cp["subnet"]["id"]
        if id_key(sid) not in [id_key(s) for s in subnets]:
            subnets.append(sid)
        subnet_ipam.release(tx, sid, cfg["id"])
        if cp.get("publicIPAddress") and tx.get(KIND_PUBLIC_IP, cp["publicIPAddress"]["id"]) is not None:
            pip_mod.attach_public_ip(tx, cp["publicIPAddress"]["id"], "ipConfiguration", None)
    for sid in subnets:
        subnet_ipam.release(tx, sid, doc["id"])
        subnet_mod.remove_ip_configuration(tx, sid, doc["id"])
    tx.delete(KIND_NIC, doc["id"])
    return True


def secondary_count(doc: Doc) -> int:
    return max(len(doc["properties"].get("ipConfigurations", [])) - 1, 0)


def ip_configuration_ids(doc: Doc) -> Sequence[str]:
    return [c["id"] for c in doc["properties"].get("ipConfigurations", [])]
