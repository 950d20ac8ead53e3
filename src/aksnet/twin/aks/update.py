"""``az aks update``: API server authorized IP ranges, outbound settings (the load balancer's managed or own
outbound IPs, the managed NAT gateway's IP count, outbound type migration: :mod:`aksnet.twin.aks.outbound`), and
the network policy where AKS allows changing it [learn.microsoft.com/azure/aks/use-network-policies;
learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges; learn.microsoft.com/azure/aks/load-balancer-standard;
learn.microsoft.com/azure/aks/egress-outboundtype].
"""

from __future__ import annotations

from aksnet.errors import AzCliError, AzureError
from aksnet.rules import gateway_api as gateway_api_rules
from aksnet.rules.aks import DEFAULT_MAX_PODS
from aksnet.store import Transaction
from aksnet.twin.aks import alb_addon, context, outbound, overlay_upgrade, validation_cli, validation_rp
from aksnet.twin.aks.create import finish
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
from aksnet.twin.arm import Doc, etag

# az lists every option of ``az aks update`` it was given none of (``check_raw_parameters``); these are the
# options aksnet's ``az aks update`` takes, in az's order.
UPDATE_OPTIONS = ("--load-balancer-managed-outbound-ip-count", "--load-balancer-outbound-ips",
                  "--nat-gateway-managed-outbound-ip-count", "--api-server-authorized-ip-ranges", "--tags",
                  "--outbound-type", "--network-policy", "--disable-public-fqdn", "--enable-public-fqdn",
                  "--enable-gateway-api", "--disable-gateway-api", "--enable-application-load-balancer",
                  "--disable-application-load-balancer", "--network-plugin", "--network-plugin-mode",
                  "--pod-cidr")
MSG_NOTHING = "Please specify one or more of {}.".format(" or ".join(f'"{o}"' for o in UPDATE_OPTIONS))


def update_cluster(tx: Transaction, resource_group: str, name: str, *, api_server_authorized_ip_ranges: str | None =
                   None, load_balancer_managed_outbound_ip_count: int | None = None,
                   load_balancer_outbound_ips: str | None = None, nat_gateway_managed_outbound_ip_count: int | None =
                   None, outbound_type: str | None = None, network_policy: str | None = None,
                   tags: dict[str, str] | None = None, public_fqdn: bool | None = None,
                   gateway_api: bool | None = None, network_plugin: str | None = None,
                   network_plugin_mode: str | None = None, pod_cidr: str | None = None,
                   application_load_balancer: bool | None = None) -> Doc:
    """Validate every flag (az's checks, then the RP's against the stored cluster), then apply them all."""
    ranges = validation_cli.validate_ip_ranges(api_server_authorized_ip_ranges)
    egress = outbound.parse_update(outbound_type, load_balancer_managed_outbound_ip_count,
                                   load_balancer_outbound_ips, nat_gateway_managed_outbound_ip_count)
    policy = validation_cli.validate_network_policy(network_policy)
    if (ranges is None and not egress.given and policy is None and tags is None and public_fqdn is None
            and gateway_api is None and network_plugin is None and network_plugin_mode is None and pod_cidr is None
            and application_load_balancer is None):
        raise AzCliError("RequiredArgumentMissingError", MSG_NOTHING)
    cluster = context.get_cluster(tx, resource_group, name)
    overlay_cidr = _overlay_plan(tx, cluster, network_plugin, network_plugin_mode, pod_cidr)
    props = cluster["properties"]
    np_ = props["networkProfile"]
    api = props.get("apiServerAccessProfile") or {}
    if ranges is not None:
        if api.get("enablePrivateCluster"):
            raise AzCliError("MutuallyExclusiveArgumentError", validation_cli.MSG_RANGES_PRIVATE)
        if np_.get("loadBalancerSku") == "basic":
            raise AzCliError("InvalidArgumentValueError", validation_cli.MSG_RANGES_BASIC)
        if len(ranges) > 200:
            raise AzureError("InvalidParameter", "Up to 200 authorized IP ranges are allowed.",
                             "apiServerAccessProfile.authorizedIpRanges")
        api = dict(api) or {"disableRunCommand": None, "enablePrivateCluster": None,
                            "enablePrivateClusterPublicFqdn": None, "privateDnsZone": None}
        api["authorizedIpRanges"] = list(ranges) or None
        props["apiServerAccessProfile"] = api
    if public_fqdn is not None:
        _set_public_fqdn(cluster, public_fqdn)
    if egress.given:
        outbound.apply(tx, cluster, egress)
    if policy is not None:
        _set_policy(cluster, policy)
    if tags is not None:
        cluster["tags"] = tags or None
    if overlay_cidr is not None:
        overlay_upgrade.migrate(tx, cluster, overlay_cidr)
    if gateway_api is not None:
        set_gateway_api(cluster, gateway_api)
    if application_load_balancer is not None:
        alb_addon.set_enabled(tx, cluster, application_load_balancer)
    cluster["etag"] = etag(tx)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    finish(tx, cluster["id"])
    return cluster


def _overlay_plan(tx: Transaction, cluster: Doc, network_plugin: str | None, network_plugin_mode: str | None,
                  pod_cidr: str | None) -> str | None:
    """The pod CIDR of an IPAM migration to Azure CNI Overlay, or None. Without ``--network-plugin-mode overlay``
    the plugin and pod CIDR of an existing cluster can't change (az passes them on; the RP refuses)."""
    np_ = cluster["properties"]["networkProfile"]
    validation_cli.validate_cidr_format(pod_cidr, "pod_cidr")
    if network_plugin_mode is None and (np_.get("networkPluginMode") or "") != "overlay":
        if network_plugin is not None and network_plugin.lower() != np_["networkPlugin"]:
            raise AzureError("InvalidParameter", f"Changing the network plugin from {np_['networkPlugin']} to "
                             f"{network_plugin} is only supported to Azure CNI Overlay (add --network-plugin-mode "
                             "overlay).", "networkProfile.networkPlugin")
        if pod_cidr is not None and pod_cidr != np_.get("podCidr"):
            raise AzureError("InvalidParameter", "The pod CIDR of a cluster can only be set when updating it to "
                             "Azure CNI Overlay (--network-plugin-mode overlay).", "networkProfile.podCidr")
        return None
    if network_plugin is not None and network_plugin.lower() != "azure":
        raise AzureError("InvalidParameter", f"Network plugin mode overlay requires network plugin azure, not "
                         f"{network_plugin}.", "networkProfile.networkPlugin")
    return overlay_upgrade.plan_overlay(cluster, network_plugin, pod_cidr,
                                        overlay_upgrade.node_vnet_prefixes(tx, cluster))


def _set_public_fqdn(cluster: Doc, enable: bool) -> None:
    """``--disable-public-fqdn``/``--enable-public-fqdn`` of a private cluster: the public FQDN (a CNAME to the
    private one) goes or comes back; az refuses both on a public cluster and the disable on a cluster whose
    private DNS zone is ``none`` (azure-cli acs managed_cluster_decorator; learn.microsoft.com/azure/aks/
    private-clusters, "Disable a public FQDN on an existing cluster")."""
    from aksnet.twin.aks import names

    props = cluster["properties"]
    api = props.get("apiServerAccessProfile") or {}
    flag = "--enable-public-fqdn" if enable else "--disable-public-fqdn"
    if not api.get("enablePrivateCluster"):
        raise AzCliError("InvalidArgumentValueError", f"{flag} can only be used for private cluster")
    if not enable and str(api.get("privateDnsZone") or "").lower() == "none":
        raise AzCliError("InvalidArgumentValueError",
                         "--disable-public-fqdn cannot be applied for none mode private dns zone cluster")
    api["enablePrivateClusterPublicFqdn"] = enable
    if enable:
        location = cluster["location"]
        rg, name = cluster["id"].split("/")[4], cluster["name"]
        props["fqdn"] = names.public_fqdn(props["dnsPrefix"], rg, name, location)
        props["azurePortalFqdn"] = props["fqdn"].replace(".hcp.", ".portal.hcp.")
    else:
        props["fqdn"] = None
        props["azurePortalFqdn"] = None


def _set_policy(cluster: Doc, policy: str) -> None:
    """Network policy changes AKS supports: uninstall (→ none), none → azure/calico/cilium on a matching plugin;
    switching between engines is refused."""
    np_ = cluster["properties"]["networkProfile"]
    current = np_.get("networkPolicy") or "none"
    if policy == current:
        return
    if current != "none" and policy != "none":
        raise AzureError("InvalidNetworkPolicyUpdate",
                         f"Updating network policy from {current} to {policy} is not supported. Uninstall the "
                         "current network policy engine first (--network-policy none).", "networkProfile.networkPolicy")
    from aksnet.twin.aks.spec import ClusterSpec

    probe = ClusterSpec(network_plugin=np_["networkPlugin"], network_plugin_mode=np_.get("networkPluginMode"),
                        flavour="", network_policy=None if policy == "none" else policy,
                        network_dataplane=np_.get("networkDataplane"), pod_cidr=None, service_cidr="10.0.0.0/16",
                        dns_service_ip="10.0.0.10", outbound_type="loadBalancer", load_balancer_sku="standard",
                        node_count=1, max_pods=DEFAULT_MAX_PODS["azure"], nodepool_name="x", max_surge="1",
                        managed_outbound_ip_count=1)
    validation_rp.check_network_policy(probe)
    np_["networkPolicy"] = policy


def set_gateway_api(cluster: Doc, enabled: bool) -> None:
    """``--enable-gateway-api`` / ``--disable-gateway-api`` (aks create and update):
    ``properties.ingressProfile.gatewayAPI.installation`` Standard or Disabled; the bootstrap controller then
    installs the standard channel's CRDs (https://learn.microsoft.com/azure/aks/managed-gateway-api)."""
    props = cluster.setdefault("properties", {})
    ingress = props.get("ingressProfile") or {}
    ingress["gatewayAPI"] = {"installation": gateway_api_rules.MANAGED_INSTALLATION_STANDARD if enabled
                             else gateway_api_rules.MANAGED_INSTALLATION_DISABLED}
    props["ingressProfile"] = ingress


def enable_gateway_api_on_create(tx: Transaction, cluster: Doc, gateway_api: bool = True,
                                 application_load_balancer: bool = False) -> Doc:
    """``az aks create --enable-gateway-api [--enable-application-load-balancer]``: the new cluster with the
    managed Gateway API installation (its CRDs installed by the controllers) and the AGC add-on."""
    if gateway_api:
        set_gateway_api(cluster, True)
    if application_load_balancer:
        alb_addon.set_enabled(tx, cluster, True)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    finish(tx, cluster["id"])
    return cluster
