"""Virtual machines (``Microsoft.Compute/virtualMachines``), networking only, as ``az vm create`` builds them.

az's defaults [azure-cli vm ``_validators.py`` / ``_template_builder.py``]: with no ``--vnet-name``/``--subnet``
an existing VNet of the group in the VM's location is reused (its first subnet that is not GatewaySubnet),
else a new VNet ``<vm>VNET`` 10.0.0.0/16 with subnet ``<vm>Subnet`` 10.0.0.0/24 is created; an NSG ``<vm>NSG``
with rule ``default-allow-ssh`` (TCP 22, priority 1000; ``rdp`` 3389 on Windows) on the NIC; a Standard
static public IP ``<vm>PublicIP``; a NIC ``<vm>VMNic`` whose IP configuration is ``ipconfig<vm>``.
No disks, no boot: the VM document exists so that its NIC's address can be traced. ``~/.ssh`` is never read
or written: ``--generate-ssh-keys`` yields a deterministic emulated key.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import id_key, same_name
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, deterministic_uuid, get_group
from aksnet.twin.network import nic as nic_mod
from aksnet.twin.network import nsg as nsg_mod
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network import vnet as vnet_mod
from aksnet.twin.network.common import (
    KIND_NIC,
    KIND_NSG,
    KIND_PUBLIC_IP,
    KIND_VM,
    KIND_VNET,
    TYPE_VM,
    get_resource,
    resolve_location,
)

DEFAULT_SIZE = "Standard_D2s_v5"  # az ≥ 2.7x (Azure/azure-cli#33323, 2026-05); was Standard_DS1_v2
DEFAULT_ADMIN = "azureuser"
DEFAULT_VNET_PREFIX = "10.0.0.0/16"
DEFAULT_SUBNET_PREFIX = "10.0.0.0/24"

# az's image aliases (az vm image list --query "[].urnAlias"), publisher:offer:sku:version.
IMAGE_ALIASES: dict[str, str] = {
    "CentOS85Gen2": "OpenLogic:CentOS:8_5-gen2:latest",
    "Debian11": "Debian:debian-11:11-backports-gen2:latest",
    "Debian12": "Debian:debian-12:12-gen2:latest",
    "FlatcarLinuxFreeGen2": "kinvolk:flatcar-container-linux-free:stable-gen2:latest",
    "OpenSuseLeap154Gen2": "SUSE:openSUSE-leap-15-4:gen2:latest",
    "RHELRaw8LVMGen2": "RedHat:RHEL:8-lvm-gen2:latest",
    "SuseSles15SP5": "SUSE:sles-15-sp5:gen2:latest",
    "Ubuntu2204": "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest",
    "Ubuntu2404": "Canonical:ubuntu-24_04-lts:server:latest",
    "Win2022Datacenter": "MicrosoftWindowsServer:WindowsServer:2022-datacenter-g2:latest",
    "Win2022AzureEditionCore": "MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition-core:latest",
    "Win2019Datacenter": "MicrosoftWindowsServer:WindowsServer:2019-Datacenter:latest",
    "Win2016Datacenter": "MicrosoftWindowsServer:WindowsServer:2016-Datacenter:latest",
}

_DISALLOWED_ADMINS = frozenset((
    "administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a",
    "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server",
    "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5",
))
_SSH_KEY = re.compile(r"^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$")


def vm_id(resource_group: str, name: str) -> str:
    from aksnet.io.arm_ids import resource_id

    return resource_id(resource_group, "Microsoft.Compute", "virtualMachines", name)


def get_vm(tx: Transaction, vm_id: str) -> Doc:
    return get_resource(tx, KIND_VM, vm_id, TYPE_VM)


def list_vms(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_VM)
    get_group(tx, resource_group)
    return tx.list(KIND_VM, "", vm_id(resource_group, ""))


def resolve_image(image: str) -> dict[str, str]:
    """An alias or a URN → ``imageReference``; az's error for anything else."""
    urn = IMAGE_ALIASES.get(image) or next((v for k, v in IMAGE_ALIASES.items() if k.lower() == image.lower()), None)
    if urn is None and image.count(":") == 3:
        urn = image
    if urn is None:
        raise AzCliError(
            "InvalidArgumentValueError",
            f'Invalid image "{image}". Use a valid image URN, custom image name, custom image id, VHD blob URI, or '
            f"pick an image from {sorted(IMAGE_ALIASES)}.\nSee vm create -h for more information on specifying an "
            "image.",
        )
    publisher, offer, sku, version = urn.split(":")
    return {"publisher": publisher, "offer": offer, "sku": sku, "version": version}


def is_windows(image_ref: dict[str, str]) -> bool:
    return "windows" in image_ref["publisher"].lower() or "windows" in image_ref["offer"].lower()


def validate_admin_username(username: str) -> str:
    """az's client-side rule for ``--admin-username``."""
    if not re.fullmatch(r"[$]?[a-zA-Z_][a-zA-Z0-9_\-]*[$]?", username or "") or any(c.isupper() for c in username):
        raise AzCliError(
            "InvalidArgumentValueError",
            'admin user name cannot contain upper case character A-Z, special characters \\/"[]:|<>+=;,?*@#()! '
            "or start with $ or -",
        )
    if username.lower() in _DISALLOWED_ADMINS:
        raise AzCliError(
            "InvalidArgumentValueError",
            f"This user name '{username}' meets the general requirements, but is specifically disallowed for this "
            "image. Please try a different value.",
        )
    return username


def generated_ssh_public_key(comment: str = "generated-by-aksnet") -> str:
    """The emulated ``--generate-ssh-keys`` key: an ssh-ed25519 public key derived from a fixed seed (the same
    in every workspace, as az reuses ``~/.ssh/id_rsa.pub``), never written to disk."""
    seed = hashlib.sha256(b"aksnet emulated ssh key").digest()
    blob = b"".join(len(p).to_bytes(4, "big") + p for p in (b"ssh-ed25519", seed))
    return f"ssh-ed25519 {base64.b64encode(blob).decode()} {comment}"


def ssh_public_keys(values: Sequence[str], generate: bool) -> list[str]:
    """Literal keys are kept; key *files* are not read (aksnet never reads ``~/.ssh``) and stand for the
    emulated key. Without keys: ``--generate-ssh-keys`` or az's error."""
    keys: list[str] = []
    for v in values:
        v = v.strip()
        if _SSH_KEY.match(v):
            keys.append(v)
        elif v:
            keys.append(generated_ssh_public_key())
    if not keys:
        if not generate:
            raise AzCliError(
                "ValidationError",
                "An RSA key file or key value must be supplied to SSH Key Value. You can use --generate-ssh-keys to "
                "let CLI generate one for you",
            )
        keys.append(generated_ssh_public_key())
    return keys


def _pick_subnet(tx: Transaction, resource_group: str, name: str, location: str, vnet_name: str | None,
                 subnet: str | None, vnet_prefix: str, subnet_prefix: str) -> str:
    """az's VNet/subnet resolution; returns the subnet ID (creating the VNet/subnet when az would)."""
    if vnet_name and "/" in vnet_name:
        raise AzCliError("ArgumentUsageError", "incorrect usage: --subnet ID | --subnet NAME --vnet-name NAME")
    if not vnet_name and not subnet:
        for v in vnet_mod.list_vnets(tx, resource_group):
            if v["location"] != location:
                continue
            s = next((s for s in v["properties"].get("subnets", []) if not same_name(s["name"], "GatewaySubnet")), None)
            if s is not None:
                return str(s["id"])
    if subnet:
        is_id = parse_resource_id(subnet) is not None
        if is_id == bool(vnet_name):
            raise AzCliError("ArgumentUsageError", "incorrect usage: --subnet ID | --subnet NAME --vnet-name NAME")
        sid = subnet if is_id else subnet_mod.subnet_id(resource_group, str(vnet_name), subnet)
        try:
            return str(subnet_mod.get_subnet(tx, sid)["id"])
        except AzureError:
            if is_id:
                raise AzCliError("ValidationError", f"Subnet '{subnet}' does not exist.") from None
    vname = vnet_name or f"{name}VNET"
    sname = subnet or f"{name}Subnet"
    vid = vnet_mod.vnet_id(resource_group, vname)
    if tx.get(KIND_VNET, vid) is None:
        vnet_mod.create_vnet(tx, resource_group, vname, [vnet_prefix], location=location)
    return str(subnet_mod.create_subnet(tx, vid, sname, [subnet_prefix])["id"])


def create_vm(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
              image: str = "Ubuntu2204", size: str = DEFAULT_SIZE, admin_username: str = DEFAULT_ADMIN,
              admin_password: str | None = None, ssh_key_values: Sequence[str] = (), generate_ssh_keys: bool = False,
              vnet_name: str | None = None, subnet: str | None = None, vnet_address_prefix: str = DEFAULT_VNET_PREFIX,
              subnet_address_prefix: str = DEFAULT_SUBNET_PREFIX, private_ip_address: str | None = None,
              public_ip_address: str | None = None, public_ip_sku: str = "Standard",
              public_ip_address_dns_name: str | None = None, nsg: str | None = None, nsg_rule: str | None = None,
              nics: Sequence[str] = (), tags: dict[str, str] | None = None, zone: str | None = None) -> Doc:
    """``az vm create`` (networking only). ``public_ip_address``/``nsg``: ``None`` = az's default name,
    ``""`` = none. Returns the VM document; an existing VM is returned unchanged."""
    location = resolve_location(tx, resource_group, location)
    rid = vm_id(resource_group, name)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9_]?", name) or len(name) > 64:
        raise AzureError("InvalidParameter", f"Virtual machine name '{name}' is invalid. It can have at most 64 "
                         "characters: letters, digits, '.', '-' and '_', not starting or ending with '.' or '-'.")
    existing = tx.get(KIND_VM, rid)
    if existing is not None:
        return existing
    image_ref = resolve_image(image)
    windows = is_windows(image_ref)
    validate_admin_username(admin_username)
    if windows and not admin_password:
        raise AzCliError("RequiredArgumentMissingError", "Please specify password in non-interactive mode.")
    keys = [] if windows or (admin_password and not ssh_key_values and not generate_ssh_keys) else \
        ssh_public_keys(ssh_key_values, generate_ssh_keys)
    nic_ids = [n if parse_resource_id(n) else nic_mod.nic_id(resource_group, n) for n in nics]
    if nic_ids:
        for n in nic_ids:
            nic_mod.get_nic(tx, n)
    else:
        nic_ids = [_build_network(tx, resource_group, name, location, windows, vnet_name, subnet,
                                  vnet_address_prefix, subnet_address_prefix, private_ip_address, public_ip_address,
                                  public_ip_sku, public_ip_address_dns_name, nsg, nsg_rule, zone)]
    doc = _vm_doc(rid, name, location, size, image_ref, windows, admin_username, keys, nic_ids, tags, zone)
    tx.put(KIND_VM, rid, doc)
    for i, n in enumerate(nic_ids):
        nic_mod.attach_nic_to_vm(tx, n, rid, primary=i == 0)
    return doc


def _build_network(tx: Transaction, resource_group: str, name: str, location: str, windows: bool,
                   vnet_name: str | None, subnet: str | None, vnet_prefix: str, subnet_prefix: str,
                   private_ip: str | None, public_ip: str | None, public_ip_sku: str, dns_name: str | None,
                   nsg: str | None, nsg_rule: str | None, zone: str | None) -> str:
    sid = _pick_subnet(tx, resource_group, name, location, vnet_name, subnet, vnet_prefix, subnet_prefix)
    nsg_id = None
    if nsg != "":
        if nsg and parse_resource_id(nsg):
            nsg_id = str(nsg_mod.get_nsg(tx, nsg)["id"])
        elif nsg and tx.get(KIND_NSG, nsg_mod.nsg_id(resource_group, nsg)) is not None:
            nsg_id = nsg_mod.nsg_id(resource_group, nsg)
        else:
            doc = nsg_mod.create_nsg(tx, resource_group, nsg or f"{name}NSG", location=location)
            nsg_id = str(doc["id"])
            rule = (nsg_rule or ("RDP" if windows else "SSH")).upper()
            if rule != "NONE":
                port, rname = ("3389", "rdp") if rule == "RDP" else ("22", "default-allow-ssh")
                nsg_mod.upsert_security_rule(tx, nsg_id, rname, priority=1000, protocol="Tcp",
                                             destination_port_ranges=[port])
    pip_id = None
    if public_ip != "":
        if public_ip and parse_resource_id(public_ip):
            pip_id = str(pip_mod.get_public_ip(tx, public_ip)["id"])
        else:
            pname = public_ip or f"{name}PublicIP"
            existing = tx.get(KIND_PUBLIC_IP, pip_mod.public_ip_id(resource_group, pname))
            if existing is not None:
                pip_id = str(existing["id"])
            else:
                pip_id = str(pip_mod.create_public_ip(tx, resource_group, pname, location=location, sku=public_ip_sku,
                                                      dns_label=dns_name, zones=[zone] if zone else None)["id"])
    nic = nic_mod.create_nic(tx, resource_group, f"{name}VMNic", sid, location=location, private_ip=private_ip,
                             nsg_id=nsg_id, public_ip_id=pip_id, ip_config_name=f"ipconfig{name}")
    return str(nic["id"])


def _vm_doc(rid: str, name: str, location: str, size: str, image_ref: dict[str, str], windows: bool,
            admin_username: str, keys: list[str], nic_ids: list[str], tags: dict[str, str] | None,
            zone: str | None) -> Doc:
    rg = rid.split("/")[4]
    disk = f"{name}_OsDisk_1_{deterministic_uuid('osdisk', id_key(rid)).replace('-', '')}"
    os_profile: dict[str, Any] = {"adminUsername": admin_username, "allowExtensionOperations": True,
                                  "computerName": name, "requireGuestProvisionSignal": True, "secrets": []}
    if windows:
        os_profile["windowsConfiguration"] = {"enableAutomaticUpdates": True, "provisionVMAgent": True}
    else:
        os_profile["linuxConfiguration"] = {
            "disablePasswordAuthentication": bool(keys),
            "provisionVMAgent": True,
            "ssh": {"publicKeys": [{"keyData": k, "path": f"/home/{admin_username}/.ssh/authorized_keys"}
                                   for k in keys]},
        }
    doc: Doc = {
        "id": rid, "name": name, "type": TYPE_VM, "location": location,
        "properties": {
            "hardwareProfile": {"vmSize": size},
            "networkProfile": {"networkInterfaces": [
                {"id": n, "properties": {"primary": i == 0}} for i, n in enumerate(nic_ids)]},
            "osProfile": os_profile,
            "provisioningState": "Succeeded",
            "storageProfile": {
                "dataDisks": [],
                "imageReference": dict(image_ref),
                "osDisk": {
                    "caching": "ReadWrite", "createOption": "FromImage", "deleteOption": "Detach", "diskSizeGB": 30,
                    "managedDisk": {"id": f"/subscriptions/{rid.split('/')[2]}/resourceGroups/{rg.upper()}/providers/"
                                          f"Microsoft.Compute/disks/{disk}", "storageAccountType": "Premium_LRS"},
                    "name": disk, "osType": "Windows" if windows else "Linux"},
            },
            "vmId": deterministic_uuid("vmId", id_key(rid)),
        },
    }
    if tags:
        doc["tags"] = dict(tags)
    if zone:
        doc["zones"] = [zone]
    return doc


def vm_addresses(tx: Transaction, vm: Doc) -> tuple[list[str], list[Doc]]:
    """(private addresses, public IP documents) of a VM's NICs, primary NIC first."""
    privates: list[str] = []
    publics: list[Doc] = []
    for ref in vm["properties"]["networkProfile"]["networkInterfaces"]:
        nic = tx.get(KIND_NIC, ref["id"])
        if nic is None:
            continue
        for cfg in nic["properties"].get("ipConfigurations", []):
            privates.append(cfg["properties"]["privateIPAddress"])
            pref = cfg["properties"].get("publicIPAddress")
            if pref:
                pip = tx.get(KIND_PUBLIC_IP, pref["id"])
                if pip is not None:
                    publics.append(pip)
    return privates, publics


def vm_create_result(tx: Transaction, vm: Doc) -> dict[str, Any]:
    """The object ``az vm create`` prints."""
    privates, publics = vm_addresses(tx, vm)
    nic = tx.get(KIND_NIC, vm["properties"]["networkProfile"]["networkInterfaces"][0]["id"])
    fqdns = [p["properties"]["dnsSettings"]["fqdn"] for p in publics if p["properties"].get("dnsSettings")]
    return {
        "fqdns": ",".join(fqdns),
        "id": vm["id"],
        "location": vm["location"],
        "macAddress": nic["properties"]["macAddress"] if nic else "",
        "powerState": "VM running",
        "privateIpAddress": ",".join(privates[:1]),
        "publicIpAddress": ",".join(p["properties"].get("ipAddress", "") for p in publics),
        "resourceGroup": vm["id"].split("/")[4],
        "zones": ",".join(vm.get("zones", [])),
    }


def list_ip_addresses(tx: Transaction, resource_group: str | None = None, name: str | None = None) -> list[Doc]:
    """``az vm list-ip-addresses``: ``[{"virtualMachine": {"name", "resourceGroup", "network":
    {"privateIpAddresses": [...], "publicIpAddresses": [...]}}}]``."""
    out = []
    for vm in list_vms(tx, resource_group):
        if name and not same_name(vm["name"], name):
            continue
        privates, publics = vm_addresses(tx, vm)
        out.append({"virtualMachine": {
            "name": vm["name"],
            "network": {
                "privateIpAddresses": privates,
                "publicIpAddresses": [{
                    "id": p["id"], "ipAddress": p["properties"].get("ipAddress"),
                    "ipAllocationMethod": p["properties"].get("publicIPAllocationMethod"), "name": p["name"],
                    "resourceGroup": p["id"].split("/")[4], "zone": ",".join(p.get("zones", [])) or None,
                } for p in publics],
            },
            "resourceGroup": vm["id"].split("/")[4],
        }})
    return out


def delete_vm(tx: Transaction, vm_id: str) -> bool:
    """``az vm delete``: the VM only; its NIC, public IP and NSG stay (az's default delete options), detached."""
    vm = tx.get(KIND_VM, vm_id)
    if vm is None:
        return False
    tx.delete(KIND_VM, vm_id)
    for ref in vm["properties"]["networkProfile"]["networkInterfaces"]:
        if tx.get(KIND_NIC, ref["id"]) is not None:
            nic_mod.attach_nic_to_vm(tx, ref["id"], None)
    return True
