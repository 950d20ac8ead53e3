"""``az aks approuting enable|disable|update``: the application routing add-on (managed NGINX).

``enable`` sets ``ingressProfile.webAppRouting.enabled`` on the managed cluster and has the add-on's operator
create its default NGINX controller (``aksnet.twin.helm.charts.app_routing``); ``disable`` removes both;
``update --nginx External|Internal|AnnotationControlled|None`` changes the default controller. Messages follow
azure-cli's ``acs`` module (``aks_approuting_*`` in custom.py). The cluster document is updated here directly
(``aksnet.twin.aks.update`` has no ingress-profile setter).
"""

from __future__ import annotations

from typing import Any

from knack.arguments import ArgumentsContext
from knack.commands import CommandGroup

from aksnet.cli.az.cmd_network_common import az_view
from aksnet.cli.common import command_transaction
from aksnet.errors import AzCliError
from aksnet.store import Transaction
from aksnet.twin.aks.validation_cli import validate_enum
from aksnet.twin.arm import etag
from aksnet.twin.helm.charts import app_routing

_MOD = "aksnet.cli.az.cmd_aks_approuting#{}"
KIND_CLUSTER = "microsoft.containerservice/managedclusters"


def _cluster(tx: Transaction, resource_group: str, name: str) -> dict[str, Any]:
    from aksnet.twin.aks.context import get_cluster

    doc: dict[str, Any] = get_cluster(tx, resource_group, name)
    return doc


def _profile(doc: dict[str, Any]) -> dict[str, Any]:
    props = doc.setdefault("properties", {})
    ingress = props.get("ingressProfile") or {}
    props["ingressProfile"] = ingress
    wa: dict[str, Any] = ingress.setdefault("webAppRouting", {"enabled": False})
    return wa


def _set(tx: Transaction, doc: dict[str, Any], enabled: bool, nginx: str | None) -> dict[str, Any]:
    wa = _profile(doc)
    wa["enabled"] = enabled
    if enabled:
        wa.setdefault("dnsZoneResourceIds", None)
        wa["nginx"] = {"defaultIngressControllerType": nginx or (wa.get("nginx") or {}).get(
            "defaultIngressControllerType", "AnnotationControlled")}
        wa["identity"] = {
            "clientId": "00000000-0000-0000-0000-00000000a9a1", "objectId": "00000000-0000-0000-0000-00000000a9a2",
            "resourceId": f"/subscriptions/{doc['id'].split('/')[2]}/resourcegroups/"
                          f"{doc['properties'].get('nodeResourceGroup', '')}/providers/Microsoft.ManagedIdentity/"
                          f"userAssignedIdentities/webapprouting-{doc['name']}"}
    else:
        wa.pop("identity", None)
        wa.pop("nginx", None)
    doc["etag"] = etag(tx)
    tx.put(KIND_CLUSTER, doc["id"], doc)
    return doc


def _mode(nginx: str | None) -> str | None:
    if nginx is None:
        return None
    return validate_enum(nginx, app_routing.NGINX_MODES, "--nginx")


def approuting_enable(resource_group_name: str, name: str, enable_kv: bool = False,
                      keyvault_id: str | None = None, nginx: str | None = None) -> Any:
    """Enable the app routing add-on."""
    mode = _mode(nginx)
    with command_transaction() as tx:
        doc = enable_app_routing(tx, _cluster(tx, resource_group_name, name), mode)
    return az_view(doc)


def enable_app_routing(tx: Transaction, doc: dict[str, Any], mode: str | None = None) -> dict[str, Any]:
    """The add-on on a cluster document (``az aks approuting enable`` and ``az aks create --enable-app-routing``):
    the ingress profile, then the controller in ``app-routing-system``."""
    if _profile(doc).get("enabled"):
        raise AzCliError("CLIError", "App Routing is already enabled.")
    doc = _set(tx, doc, True, mode)
    app_routing.apply(tx, doc["id"], "External" if mode in (None, "AnnotationControlled") else mode)
    return doc


def approuting_disable(resource_group_name: str, name: str, yes: bool = False) -> Any:
    """Disable the app routing add-on."""
    with command_transaction() as tx:
        doc = _cluster(tx, resource_group_name, name)
        if not _profile(doc).get("enabled"):
            raise AzCliError("CLIError", "App Routing is already disabled.")
        doc = _set(tx, doc, False, None)
        app_routing.remove(tx, doc["id"])
    return az_view(doc)


def approuting_update(resource_group_name: str, name: str, enable_kv: bool = False,
                      keyvault_id: str | None = None, nginx: str | None = None) -> Any:
    """Update the app routing add-on."""
    mode = _mode(nginx)
    with command_transaction() as tx:
        doc = _cluster(tx, resource_group_name, name)
        if not _profile(doc).get("enabled"):
            raise AzCliError("CLIError", "App Routing must be enabled to modify it. Please use `az aks approuting "
                                         "enable` to enable it first.")
        doc = _set(tx, doc, True, mode)
        if mode is not None:
            app_routing.apply(tx, doc["id"], "External" if mode == "AnnotationControlled" else mode)
    return az_view(doc)


def load_command_table(loader: Any) -> None:
    with CommandGroup(loader, "aks approuting", _MOD) as g:
        g.command("enable", "approuting_enable")
        g.command("disable", "approuting_disable")
        g.command("update", "approuting_update")


def load_arguments(loader: Any, command: str) -> None:
    with ArgumentsContext(loader, "aks approuting") as c:
        c.argument("resource_group_name", options_list=["--resource-group", "-g"], help="Name of resource group.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the managed cluster.")
        c.argument("enable_kv", options_list=["--enable-kv"], action="store_true",
                   help="Enable the Key Vault secrets provider (accepted; no Key Vault is emulated).")
        c.argument("keyvault_id", options_list=["--attach-kv"], help="Key Vault resource ID (accepted, not used).")
        c.argument("nginx", options_list=["--nginx"],
                   help="Default NGINX ingress controller: AnnotationControlled, External, Internal or None.")
        c.argument("yes", options_list=["--yes", "-y"], action="store_true", help="Do not prompt for confirmation.")
