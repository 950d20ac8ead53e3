"""``az vm create|show|list|delete|list-ip-addresses`` (networking only; see :mod:`aksnet.twin.compute`)."""

from __future__ import annotations

import sys
from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, require
from aksnet.cli.az.params import enum_arg, parse_tags
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.twin import compute

_MOD = "aksnet.cli.az.cmd_vm#{}"


def vm_create(resource_group_name: str, name: str, image: str | None = None, location: str | None = None,
              size: str = compute.DEFAULT_SIZE, admin_username: str = compute.DEFAULT_ADMIN,
              admin_password: str | None = None, authentication_type: str | None = None,
              generate_ssh_keys: bool = False, ssh_key_values: list[str] | None = None,
              vnet_name: str | None = None, subnet: str | None = None,
              vnet_address_prefix: str = compute.DEFAULT_VNET_PREFIX,
              subnet_address_prefix: str = compute.DEFAULT_SUBNET_PREFIX, private_ip_address: str | None = None,
              public_ip_address: str | None = None, public_ip_sku: str = "Standard",
              public_ip_address_dns_name: str | None = None, nsg: str | None = None, nsg_rule: str | None = None,
              nics: list[str] | None = None, tags: list[str] | None = None, zone: str | None = None,
              no_wait: bool = False) -> Any:
    """Create an Azure Virtual Machine (networking only)."""
    if not image:
        raise AzCliError("RequiredArgumentMissingError", "the following arguments are required: --image", 2)
    with command_transaction() as tx:
        vm = compute.create_vm(
            tx, resource_group_name, name, location=location, image=image, size=size,
            admin_username=admin_username, admin_password=admin_password, ssh_key_values=ssh_key_values or [],
            generate_ssh_keys=generate_ssh_keys, vnet_name=vnet_name, subnet=subnet,
            vnet_address_prefix=vnet_address_prefix, subnet_address_prefix=subnet_address_prefix,
            private_ip_address=private_ip_address, public_ip_address=public_ip_address,
            public_ip_sku=public_ip_sku, public_ip_address_dns_name=public_ip_address_dns_name, nsg=nsg,
            nsg_rule=nsg_rule, nics=nics or [], tags=parse_tags(tags), zone=zone)
        return None if no_wait else compute.vm_create_result(tx, vm)


def _details(tx: Any, vm: dict[str, Any], show_details: bool) -> dict[str, Any]:
    """az's ``--show-details``: the instance view's addresses and power state added to the VM."""
    out: dict[str, Any] = az_view(vm)
    if show_details:
        summary = compute.vm_create_result(tx, vm)
        out.update({"fqdns": summary["fqdns"], "macAddresses": summary["macAddress"], "powerState": "VM running",
                    "privateIps": summary["privateIpAddress"], "publicIps": summary["publicIpAddress"]})
    return out


def vm_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None,
            show_details: bool = False) -> Any:
    """Get the details of a VM."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [compute.vm_id(str(resource_group_name), str(name))]
        return one_or_many([_details(tx, compute.get_vm(tx, t), show_details) for t in targets], ids)


def vm_list(resource_group_name: str | None = None, show_details: bool = False) -> Any:
    """List details of Virtual Machines."""
    with command_transaction(write=False) as tx:
        return [_details(tx, vm, show_details) for vm in compute.list_vms(tx, resource_group_name)]


def vm_delete(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None,
              yes: bool = False) -> None:
    """Delete a VM (its NIC, public IP and NSG stay, as with az's default delete options)."""
    require(ids, resource_group_name=resource_group_name, name=name)
    if not yes:
        _confirm()
    with command_transaction() as tx:
        for t in ids_of(ids) if ids else [compute.vm_id(str(resource_group_name), str(name))]:
            compute.delete_vm(tx, t)


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise AzCliError("NoTTYError", "Unable to prompt for confirmation as no tty available. Use --yes.")
    answer = input("Are you sure you want to perform this operation? (y/n): ")
    if answer.strip().lower() not in ("y", "yes"):
        raise AzCliError("ManualInterrupt", "Operation cancelled.")


def vm_list_ip_addresses(resource_group_name: str | None = None, name: str | None = None,
                         ids: list[str] | None = None) -> Any:
    """List IP addresses associated with a VM."""
    with command_transaction(write=False) as tx:
        if ids:
            out = []
            for t in ids_of(ids):
                vm = compute.get_vm(tx, t)
                out += compute.list_ip_addresses(tx, vm["id"].split("/")[4], vm["name"])
            return out
        return compute.list_ip_addresses(tx, resource_group_name, name)


def _vm_table(result: Any) -> Any:
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "ResourceGroup": r.get("resourceGroup"), "Location": r.get("location"),
             "Zones": ",".join(r.get("zones") or [])} for r in rows]


def _ip_table(result: Any) -> Any:
    out = []
    for r in result:
        vm = r["virtualMachine"]
        out.append({"VirtualMachine": vm["name"],
                    "PublicIPAddresses": ",".join(p["ipAddress"] or "" for p in vm["network"]["publicIpAddresses"]),
                    "PrivateIPAddresses": ",".join(vm["network"]["privateIpAddresses"])})
    return out


def load_command_table(loader: Any) -> None:
    import yaml
    from knack.help_files import helps

    helps.setdefault("vm", yaml.safe_dump({"type": "group", "short-summary": "Manage Linux or Windows virtual "
                                           "machines (networking only)."}))
    with CommandGroup(loader, "vm", _MOD) as g:
        g.command("create", "vm_create")
        g.command("show", "vm_show", table_transformer=_vm_table)
        g.command("list", "vm_list", table_transformer=_vm_table)
        g.command("delete", "vm_delete")
        g.command("list-ip-addresses", "vm_list_ip_addresses", table_transformer=_ip_table)


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "vm") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="The name of the Virtual Machine.")
        c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
        c.argument("show_details", options_list=["--show-details", "-d"], action="store_true",
                   help="Show public IP address, FQDN, and power states.")
    with ArgumentsContext(loader, "vm create") as c:
        c.argument("image", options_list=["--image"], help="The name of the operating system image (alias or URN).")
        c.argument("size", options_list=["--size"], help="The VM size to be created.")
        c.argument("admin_username", options_list=["--admin-username"], help="Username for the VM.")
        c.argument("admin_password", options_list=["--admin-password"], help="Password for the VM.")
        c.argument("authentication_type", options_list=["--authentication-type"],
                   **enum_arg(["all", "password", "ssh"]),
                   help="Type of authentication to use with the VM.")
        c.argument("generate_ssh_keys", options_list=["--generate-ssh-keys"], action="store_true",
                   help="Generate SSH public and private key files if missing (emulated; ~/.ssh is not touched).")
        c.argument("ssh_key_values", options_list=["--ssh-key-values", "--ssh-key-value"], nargs="+",
                   help="Space-separated list of SSH public keys or public key file paths.")
        c.argument("vnet_name", options_list=["--vnet-name"], help="Name of the virtual network.")
        c.argument("subnet", options_list=["--subnet"], help="The name of the subnet, or its resource ID.")
        c.argument("vnet_address_prefix", options_list=["--vnet-address-prefix"],
                   help="The IP address prefix to use when creating a new VNet in CIDR format.")
        c.argument("subnet_address_prefix", options_list=["--subnet-address-prefix"],
                   help="The subnet IP address prefix to use when creating a new VNet in CIDR format.")
        c.argument("private_ip_address", options_list=["--private-ip-address"],
                   help="Static private IP address (e.g. 10.0.0.5).")
        c.argument("public_ip_address", options_list=["--public-ip-address"],
                   help='Name of the public IP address when creating one (default) or referencing an existing one. '
                        'Can also reference an existing public IP by ID or specify "" for None.')
        c.argument("public_ip_sku", options_list=["--public-ip-sku"], **enum_arg(["Basic", "Standard"]),
                   help="Public IP SKU.")
        c.argument("public_ip_address_dns_name", options_list=["--public-ip-address-dns-name"],
                   help="Globally unique DNS name for a newly created public IP.")
        c.argument("nsg", options_list=["--nsg"],
                   help='The name to use when creating a new NSG (default) or referencing an existing one. '
                        'Can also reference an existing NSG by ID or specify "" for none.')
        c.argument("nsg_rule", options_list=["--nsg-rule"], **enum_arg(["NONE", "RDP", "SSH"]),
                   help="NSG rule to create when creating a new NSG.")
        c.argument("nics", options_list=["--nics"], nargs="+", help="Names or IDs of existing NICs to attach.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("zone", options_list=["--zone", "-z"], help="Availability zone into which to provision.")
        c.argument("no_wait", options_list=["--no-wait"], action="store_true",
                   help="Do not wait for the long-running operation to finish.")
