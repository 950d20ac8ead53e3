"""Read-only ``az network private-endpoint list|show``, ``az network private-dns zone list|show``,
``az network private-dns record-set a list|show`` and ``az network private-dns link vnet list|show``: what an
AKS private cluster creates, printed as az prints it (``properties`` flattened, ``resourceGroup`` added)."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view, ids_of, one_or_many, require
from aksnet.cli.common import command_transaction
from aksnet.twin.network import private

_MOD = "aksnet.cli.az.cmd_network_private#{}"


def pe_show(resource_group_name: str | None = None, name: str | None = None, ids: list[str] | None = None) -> Any:
    """Get the details of a private endpoint."""
    require(ids, resource_group_name=resource_group_name, name=name)
    with command_transaction(write=False) as tx:
        targets = ids_of(ids) if ids else [private.private_endpoint_id(str(resource_group_name), str(name))]
        return one_or_many([az_view(private.get_private_endpoint(tx, t)) for t in targets], ids)


def pe_list(resource_group_name: str | None = None) -> Any:
    """List private endpoints."""
    with command_transaction(write=False) as tx:
        return az_view(private.list_private_endpoints(tx, resource_group_name))


def zone_show(resource_group_name: str, name: str) -> Any:
    """Get a Private DNS zone."""
    with command_transaction(write=False) as tx:
        return az_view(private.get_private_dns_zone(tx, private.private_dns_zone_id(resource_group_name, name)))


def zone_list(resource_group_name: str | None = None) -> Any:
    """List Private DNS zones."""
    with command_transaction(write=False) as tx:
        return az_view(private.list_private_dns_zones(tx, resource_group_name))


def a_show(resource_group_name: str, zone_name: str, name: str) -> Any:
    """Get the details of an A record set."""
    with command_transaction(write=False) as tx:
        zid = private.private_dns_zone_id(resource_group_name, zone_name)
        return az_view(private.get_a_record_set(tx, zid, name))


def a_list(resource_group_name: str, zone_name: str) -> Any:
    """List all A record sets in a zone."""
    with command_transaction(write=False) as tx:
        return az_view(private.list_a_record_sets(tx, private.private_dns_zone_id(resource_group_name, zone_name)))


def link_show(resource_group_name: str, zone_name: str, name: str) -> Any:
    """Get a virtual network link to the specified Private DNS zone."""
    with command_transaction(write=False) as tx:
        zid = private.private_dns_zone_id(resource_group_name, zone_name)
        return az_view(private.get_vnet_link(tx, zid, name))


def zone_create(resource_group_name: str, name: str, tags: list[str] | None = None) -> Any:
    """Create a Private DNS zone."""
    with command_transaction() as tx:
        return az_view(private.create_private_dns_zone(tx, resource_group_name, name))


def link_create(resource_group_name: str, zone_name: str, name: str, virtual_network: str,
                registration_enabled: str = "false") -> Any:
    """Link a virtual network to a Private DNS zone (its VMs and pods then resolve the zone's names)."""
    from aksnet.cli.az.cmd_network_common import parse_flag, resolve_id
    from aksnet.twin import network

    enabled = bool(parse_flag(registration_enabled, "--registration-enabled"))
    with command_transaction() as tx:
        vnet_id = resolve_id(virtual_network, resource_group_name, network.vnet_id)
        zid = private.private_dns_zone_id(resource_group_name, zone_name)
        return az_view(private.create_vnet_link(tx, zid, name, vnet_id, enabled))


def link_list(resource_group_name: str, zone_name: str) -> Any:
    """List the virtual network links to the specified Private DNS zone."""
    with command_transaction(write=False) as tx:
        return az_view(private.list_vnet_links(tx, private.private_dns_zone_id(resource_group_name, zone_name)))


def _zone_table(result: Any) -> Any:
    """az's ``transform_privatedns_zone_table_output``."""
    rows = result if isinstance(result, list) else [result]
    return [{"ZoneName": r["name"], "ResourceGroup": r.get("resourceGroup"),
             "RecordSets": r.get("numberOfRecordSets"),
             "VirtualNetworkLinks": r.get("numberOfVirtualNetworkLinks"),
             "VirtualNetworkLinksWithRegistration": r.get("numberOfVirtualNetworkLinksWithRegistration")}
            for r in rows]


def _record_table(result: Any) -> Any:
    """az's ``transform_privatedns_record_set_table_output`` for A record sets."""
    rows = result if isinstance(result, list) else [result]
    return [{"Name": r["name"], "ResourceGroup": r.get("resourceGroup"), "Ttl": r.get("ttl"),
             "Type": str(r.get("type", "")).rsplit("/", 1)[-1], "AutoRegistered": r.get("isAutoRegistered"),
             "Metadata": " "} for r in rows]


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network private-endpoint", _MOD) as g:
        g.command("show", "pe_show")
        g.command("list", "pe_list")
    with CommandGroup(loader, "network private-dns zone", _MOD) as g:
        g.command("create", "zone_create", table_transformer=_zone_table)
        g.command("show", "zone_show", table_transformer=_zone_table)
        g.command("list", "zone_list", table_transformer=_zone_table)
    with CommandGroup(loader, "network private-dns record-set a", _MOD) as g:
        g.command("show", "a_show", table_transformer=_record_table)
        g.command("list", "a_list", table_transformer=_record_table)
    with CommandGroup(loader, "network private-dns link vnet", _MOD) as g:
        g.command("create", "link_create")
        g.command("show", "link_show")
        g.command("list", "link_list")


def load_arguments(loader: Any, command: str) -> None:
    for scope in ("network private-endpoint", "network private-dns"):
        with ArgumentsContext(loader, scope) as c:
            c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
            c.argument("ids", options_list=["--ids"], nargs="+", help="One or more resource IDs (space-delimited).")
    with ArgumentsContext(loader, "network private-endpoint") as c:
        c.argument("name", options_list=["--name", "-n"], help="Name of the private endpoint.")
    with ArgumentsContext(loader, "network private-dns zone") as c:
        c.argument("name", options_list=["--name", "-n"], help="The name of the Private DNS zone.")
    for scope, what in (("network private-dns record-set a", "the record set, relative to the zone"),
                        ("network private-dns link vnet", "the virtual network link")):
        with ArgumentsContext(loader, scope) as c:
            c.argument("zone_name", options_list=["--zone-name", "-z"], help="The name of the Private DNS zone.")
            c.argument("name", options_list=["--name", "-n"], help=f"The name of {what}.")
    with ArgumentsContext(loader, "network private-dns zone") as c:
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
    with ArgumentsContext(loader, "network private-dns link vnet") as c:
        c.argument("virtual_network", options_list=["--virtual-network", "-v"],
                   help="Name or ID of the virtual network.")
        c.argument("registration_enabled", options_list=["--registration-enabled", "-e"],
                   help="Auto-register the VNet's virtual machines (true/false).")
