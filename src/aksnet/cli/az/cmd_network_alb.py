"""``az network alb create|show|list|delete`` and ``alb frontend|association create|show|list|delete`` (the alb
extension's commands and flags) for Application Gateway for Containers."""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.az.params import parse_tags
from aksnet.cli.common import command_transaction
from aksnet.io.arm_ids import parse_resource_id
from aksnet.twin.network import alb as albnet
from aksnet.twin.network.subnet import subnet_id as build_subnet_id

_MOD = "aksnet.cli.az.cmd_network_alb#{}"


def alb_create(resource_group_name: str, name: str, location: str | None = None,
               tags: list[str] | None = None) -> Any:
    """Create an Application Gateway for Containers resource."""
    with command_transaction() as tx:
        return az_view(albnet.create_traffic_controller(tx, resource_group_name, name, location, parse_tags(tags)))


def alb_show(resource_group_name: str, name: str) -> Any:
    """Get an Application Gateway for Containers resource."""
    with command_transaction(write=False) as tx:
        return az_view(albnet.get_traffic_controller(tx, albnet.traffic_controller_id(resource_group_name, name)))


def alb_list(resource_group_name: str | None = None) -> Any:
    """List Application Gateway for Containers resources."""
    with command_transaction(write=False) as tx:
        return az_view(albnet.list_traffic_controllers(tx, resource_group_name))


def alb_delete(resource_group_name: str, name: str, yes: bool = False) -> None:
    """Delete an Application Gateway for Containers resource (its frontends and associations too)."""
    with command_transaction() as tx:
        albnet.delete_traffic_controller(tx, albnet.traffic_controller_id(resource_group_name, name))


def _parent(resource_group_name: str, alb_name: str) -> str:
    return albnet.traffic_controller_id(resource_group_name, alb_name)


def frontend_create(resource_group_name: str, name: str, alb_name: str, tags: list[str] | None = None) -> Any:
    """Create an Application Gateway for Containers frontend (its FQDN is assigned by Azure)."""
    with command_transaction() as tx:
        return az_view(albnet.create_frontend(tx, _parent(resource_group_name, alb_name), name, parse_tags(tags)))


def association_create(resource_group_name: str, name: str, alb_name: str, subnet: str,
                       vnet_name: str | None = None, tags: list[str] | None = None) -> Any:
    """Create an Application Gateway for Containers association to a delegated subnet (ID, or name with
    --vnet-name)."""
    sid = subnet if parse_resource_id(subnet) is not None or not vnet_name else \
        build_subnet_id(resource_group_name, vnet_name, subnet)
    with command_transaction() as tx:
        return az_view(albnet.create_association(tx, _parent(resource_group_name, alb_name), name, sid,
                                                 parse_tags(tags)))


def child_show(resource_group_name: str, name: str, alb_name: str, field: str) -> Any:
    with command_transaction(write=False) as tx:
        return az_view(albnet.get_child(tx, f"{_parent(resource_group_name, alb_name)}/{field}/{name}"))


def child_list(resource_group_name: str, alb_name: str, field: str) -> Any:
    with command_transaction(write=False) as tx:
        return az_view(albnet.list_children(tx, _parent(resource_group_name, alb_name), field))


def child_delete(resource_group_name: str, name: str, alb_name: str, field: str) -> None:
    with command_transaction() as tx:
        albnet.get_traffic_controller(tx, _parent(resource_group_name, alb_name))
        albnet.delete_child(tx, f"{_parent(resource_group_name, alb_name)}/{field}/{name}")


def frontend_show(resource_group_name: str, name: str, alb_name: str) -> Any:
    """Get an Application Gateway for Containers frontend."""
    return child_show(resource_group_name, name, alb_name, "frontends")


def frontend_list(resource_group_name: str, alb_name: str) -> Any:
    """List the frontends of an Application Gateway for Containers resource."""
    return child_list(resource_group_name, alb_name, "frontends")


def frontend_delete(resource_group_name: str, name: str, alb_name: str, yes: bool = False) -> None:
    """Delete an Application Gateway for Containers frontend."""
    child_delete(resource_group_name, name, alb_name, "frontends")


def association_show(resource_group_name: str, name: str, alb_name: str) -> Any:
    """Get an Application Gateway for Containers association."""
    return child_show(resource_group_name, name, alb_name, "associations")


def association_list(resource_group_name: str, alb_name: str) -> Any:
    """List the associations of an Application Gateway for Containers resource."""
    return child_list(resource_group_name, alb_name, "associations")


def association_delete(resource_group_name: str, name: str, alb_name: str, yes: bool = False) -> None:
    """Delete an Application Gateway for Containers association (the subnet's address is freed)."""
    child_delete(resource_group_name, name, alb_name, "associations")


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "network alb", _MOD) as g:
        for verb in ("create", "show", "list", "delete"):
            g.command(verb, f"alb_{verb}")
    for child in ("frontend", "association"):
        with CommandGroup(loader, f"network alb {child}", _MOD) as g:
            for verb in ("create", "show", "list", "delete"):
                g.command(verb, f"{child}_{verb}")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "network alb") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the Application Gateway for Containers "
                                                                 "resource.")
        c.argument("location", options_list=["--location", "-l"], help="Location. Defaults to the group's.")
        c.argument("tags", options_list=["--tags"], nargs="*", help="Space-separated tags: key[=value].")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
        c.argument("alb_name", options_list=["--alb-name"], help="Name of the Application Gateway for Containers "
                                                                  "resource.")
    with ArgumentsContext(loader, "network alb frontend") as c:
        c.argument("name", options_list=["--name", "-n", "--frontend-name"], help="Name of the frontend.")
    with ArgumentsContext(loader, "network alb association") as c:
        c.argument("name", options_list=["--name", "-n", "--association-name"], help="Name of the association.")
        c.argument("subnet", options_list=["--subnet"],
                   help="Name or ID of the subnet (delegated to Microsoft.ServiceNetworking/trafficControllers).")
        c.argument("vnet_name", options_list=["--vnet-name"], help="Name of the virtual network of --subnet.")
