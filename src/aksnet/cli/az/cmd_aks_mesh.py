"""``az aks mesh enable|disable|get-revisions|get-upgrades|enable-ingress-gateway|disable-ingress-gateway`` and
``az aks mesh upgrade start|complete|rollback``: the Istio-based service mesh add-on.

Command names, arguments and messages follow azure-cli's ``acs`` module (``aks_mesh_enable``,
``aks_mesh_disable``, ``aks_mesh_get_revisions``, ``aks_mesh_enable_ingress_gateway`` in custom.py; https://learn.microsoft.com/cli/azure/aks/mesh);
the resource provider's side is :mod:`aksnet.twin.aks.mesh`.
"""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_aks import _confirm
from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.twin.aks import mesh, mesh_gateway, mesh_upgrade
from aksnet.twin.aks.context import get_cluster
from aksnet.twin.aks.validation_cli import validate_enum
from aksnet.twin.resources import normalize_location, require_location

_MOD = "aksnet.cli.az.cmd_aks_mesh#{}"
DISABLE_PROMPT = ("Disabling Azure Service Mesh will remove the Istio components and CRDs from the cluster. "
                  "Are you sure you want to proceed?")


def mesh_enable(resource_group_name: str, name: str, revision: str | None = None) -> Any:
    """Enable Azure Service Mesh (the Istio-based add-on)."""
    with command_transaction() as tx:
        doc = mesh.enable(tx, get_cluster(tx, resource_group_name, name), revision)
    return az_view(doc)


def mesh_disable(resource_group_name: str, name: str, yes: bool = False) -> Any:
    """Disable Azure Service Mesh."""
    if not yes:
        _confirm(DISABLE_PROMPT)
    with command_transaction() as tx:
        doc = mesh.disable(tx, get_cluster(tx, resource_group_name, name))
    return az_view(doc)


def _gateway_mode(ingress_gateway_type: str | None) -> str:
    if not ingress_gateway_type:
        raise AzCliError("RequiredArgumentMissingError",
                         "the following arguments are required: --ingress-gateway-type", 2)
    value = validate_enum(ingress_gateway_type, tuple(mesh_gateway.MODES), "--ingress-gateway-type")
    return mesh_gateway.MODES[str(value)]


def mesh_enable_ingress_gateway(resource_group_name: str, name: str, ingress_gateway_type: str | None = None) -> Any:
    """Enable an Azure Service Mesh ingress gateway (external or internal)."""
    mode = _gateway_mode(ingress_gateway_type)
    with command_transaction() as tx:
        doc = mesh_gateway.enable(tx, get_cluster(tx, resource_group_name, name), mode)
    return az_view(doc)


def mesh_disable_ingress_gateway(resource_group_name: str, name: str, ingress_gateway_type: str | None = None,
                                 yes: bool = False) -> Any:
    """Disable an Azure Service Mesh ingress gateway."""
    mode = _gateway_mode(ingress_gateway_type)
    if not yes:
        _confirm()
    with command_transaction() as tx:
        doc = mesh_gateway.disable(tx, get_cluster(tx, resource_group_name, name), mode)
    return az_view(doc)


def mesh_upgrade_start(resource_group_name: str, name: str, revision: str | None = None) -> Any:
    """Initiate Azure Service Mesh upgrade (a canary revision beside the installed one)."""
    if not revision:
        raise AzCliError("RequiredArgumentMissingError", "the following arguments are required: --revision", 2)
    with command_transaction() as tx:
        doc = mesh_upgrade.start(tx, get_cluster(tx, resource_group_name, name), revision)
    return az_view(doc)


def _removal_prompt(gone: str, kept: str) -> str:
    # azure-cli's confirmation before a revision's control plane is removed [wording from memory: docs/fidelity.md]
    return (f"This operation will remove Istio control plane for revision {gone}. Please ensure all data plane "
            f"workloads have been rolled over to revision {kept} so that they are still part of the mesh.\n"
            "Are you sure you want to proceed?")


def _finish_upgrade(resource_group_name: str, name: str, yes: bool, keep_canary: bool) -> Any:
    with command_transaction() as tx:
        cluster = get_cluster(tx, resource_group_name, name)
        stable, canary = mesh_upgrade.in_progress(cluster)
        if not yes:
            _confirm(_removal_prompt(stable, canary) if keep_canary else _removal_prompt(canary, stable))
        doc = (mesh_upgrade.complete if keep_canary else mesh_upgrade.rollback)(tx, cluster)
    return az_view(doc)


def mesh_upgrade_complete(resource_group_name: str, name: str, yes: bool = False) -> Any:
    """Complete Azure Service Mesh upgrade (the stable revision's control plane and gateways go)."""
    return _finish_upgrade(resource_group_name, name, yes, keep_canary=True)


def mesh_upgrade_rollback(resource_group_name: str, name: str, yes: bool = False) -> Any:
    """Rollback Azure Service Mesh upgrade (the canary revision's control plane and gateways go)."""
    return _finish_upgrade(resource_group_name, name, yes, keep_canary=False)


def mesh_get_upgrades(resource_group_name: str, name: str) -> Any:
    """The revisions the cluster's mesh can be upgraded to."""
    with command_transaction(write=False) as tx:
        return mesh.upgrade_profile(get_cluster(tx, resource_group_name, name))


def mesh_get_revisions(location: str | None = None) -> Any:
    """The add-on revisions available in a location, with their upgrades and compatible Kubernetes versions."""
    return mesh.revisions_profile(SUBSCRIPTION_ID, normalize_location(require_location(location)))


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "aks mesh", _MOD) as g:
        g.command("enable", "mesh_enable")
        g.command("disable", "mesh_disable")
        g.command("get-revisions", "mesh_get_revisions")
        g.command("get-upgrades", "mesh_get_upgrades")
        g.command("enable-ingress-gateway", "mesh_enable_ingress_gateway")
        g.command("disable-ingress-gateway", "mesh_disable_ingress_gateway")
    with CommandGroup(loader, "aks mesh upgrade", _MOD) as g:
        g.command("start", "mesh_upgrade_start")
        g.command("complete", "mesh_upgrade_complete")
        g.command("rollback", "mesh_upgrade_rollback")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "aks mesh") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the managed cluster.")
        c.argument("revision", options_list=["--revision"],
                   help="Azure Service Mesh revision to install (asm-1-NN; see az aks mesh get-revisions).")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
        c.argument("location", options_list=["--location", "-l"], help="Location.")
        c.argument("ingress_gateway_type", options_list=["--ingress-gateway-type"],
                   help="Ingress gateway type: external (public load balancer) or internal (internal load balancer).")
