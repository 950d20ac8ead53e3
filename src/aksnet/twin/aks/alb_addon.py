"""The Application Gateway for Containers add-on: ``az aks create|update --enable-application-load-balancer`` and
``--disable-application-load-balancer``. Enabling sets ``properties.ingressProfile.applicationLoadBalancer``
(``enabled`` and the add-on's identity), makes the user-assigned identity ``applicationloadbalancer-<cluster>`` in
the node resource group with Network Contributor, AppGw for Containers Configuration Manager and Reader on that
group; the system bootstrap then runs the ALB Controller in ``kube-system`` (``aksnet.twin.kube.bootstrap``).
Disabling clears the flag; the controller goes, the identity stays (ours: the article does not say).

The add-on needs Azure CNI or Azure CNI Overlay and the managed Gateway API installation (the same command's
``--enable-gateway-api`` or an earlier one); the refusals' texts are ours. Workload identity is required too, but
``--enable-workload-identity`` is accepted without effect here (docs/fidelity.md), so it is not checked. With an
AKS-managed VNet the add-on also makes subnet ``aks-appgateway`` (10.238.0.0/24, ours: the range is not
documented) delegated to ``Microsoft.ServiceNetworking/trafficControllers``, for an ApplicationLoadBalancer to
associate with.

Source: learn.microsoft.com/azure/application-gateway/for-containers/quickstart-deploy-application-gateway-for-
containers-alb-controller-addon. Must not touch Kubernetes objects (the bootstrap does).
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzCliError
from aksnet.rules import alb, gateway_api
from aksnet.store import Transaction
from aksnet.twin import identity, network

Doc = dict[str, Any]
MSG_PLUGIN = ("The Application Gateway for Containers add-on requires Azure CNI or Azure CNI Overlay "
              "(--network-plugin azure); this cluster uses {plugin}.")
MSG_GATEWAY_API = ("The Application Gateway for Containers add-on requires the managed Gateway API installation: "
                   "add --enable-gateway-api.")
MSG_BOTH = ("Cannot specify --enable-application-load-balancer and --disable-application-load-balancer at the same "
            "time.")


def enabled(cluster: Doc) -> bool:
    """Whether the add-on is on (``ingressProfile.applicationLoadBalancer.enabled``)."""
    profile = ((cluster.get("properties") or {}).get("ingressProfile") or {}).get("applicationLoadBalancer") or {}
    return bool(profile.get("enabled"))


def set_enabled(tx: Transaction, cluster: Doc, on: bool) -> None:
    """Apply ``--enable-application-load-balancer`` (True) or ``--disable-…`` (False) to the cluster document
    (after ``--enable-gateway-api`` of the same command)."""
    props = cluster["properties"]
    ingress = props.get("ingressProfile") or {}
    if not on:
        ingress["applicationLoadBalancer"] = {"enabled": False}
        props["ingressProfile"] = ingress
        return
    plugin = str(props["networkProfile"].get("networkPlugin") or "none")
    if plugin != "azure":
        raise AzCliError("InvalidArgumentValueError", MSG_PLUGIN.format(plugin=plugin))
    if (ingress.get("gatewayAPI") or {}).get("installation") != gateway_api.MANAGED_INSTALLATION_STANDARD:
        raise AzCliError("InvalidArgumentValueError", MSG_GATEWAY_API)
    node_rg = props["nodeResourceGroup"]
    ident = identity.create_identity(tx, node_rg, f"{alb.ADDON_IDENTITY_PREFIX}{cluster['name']}",
                                     cluster.get("location"))
    scope = f"/subscriptions/{cluster['id'].split('/')[2]}/resourceGroups/{node_rg}"
    principal = ident["properties"]["principalId"]
    held = {a["properties"]["roleDefinitionId"] for a in identity.list_role_assignments(tx, scope, principal)}
    for role in alb.ADDON_ROLES:
        if identity.role_definition_id(role) not in held:
            identity.create_role_assignment(tx, principal, role, scope)
    _managed_vnet_subnet(tx, cluster)
    ingress["applicationLoadBalancer"] = {"enabled": True, "identity": {
        "clientId": ident["properties"]["clientId"], "objectId": principal, "resourceId": ident["id"]}}
    props["ingressProfile"] = ingress


def _managed_vnet_subnet(tx: Transaction, cluster: Doc) -> None:
    """``aks-appgateway`` in the cluster's AKS-managed VNet (none with a VNet of the user's own)."""
    props = cluster["properties"]
    node_rg = str(props["nodeResourceGroup"]).lower()
    pools: list[Doc] = props.get("agentPoolProfiles") or []
    subnet = str(pools[0].get("vnetSubnetId") or "") if pools else ""
    parts = subnet.split("/")
    if len(parts) < 9 or parts[4].lower() != node_rg or not parts[8].startswith("aks-vnet-"):
        return  # a VNet of the user's own
    vnet = tx.get(network.KIND_VNET, subnet.split("/subnets/")[0])
    if vnet is None or any(s["name"] == alb.ADDON_SUBNET_NAME for s in vnet["properties"].get("subnets") or ()):
        return
    network.create_subnet(tx, vnet["id"], alb.ADDON_SUBNET_NAME, [alb.ADDON_SUBNET_PREFIX],
                          delegations=[alb.DELEGATION_SERVICE])
