"""``az aks update``: API server authorized IP ranges, the managed outbound IP count of the load balancer,
and the network policy where AKS allows changing it [reference aks.md §1.3, §1.7, §1.9].
"""

from __future__ import annotations

from aksnet.errors import AzCliError, AzureError
from aksnet.store import Transaction
from aksnet.twin import network
from aksnet.twin.aks import context, infrastructure, validation_cli, validation_rp
from aksnet.twin.aks.create import finish, load_balancer_profile
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
from aksnet.twin.arm import Doc, etag

MSG_NOTHING = ('Please specify "--enable-cluster-autoscaler" or "--disable-cluster-autoscaler" or '
               '"--update-cluster-autoscaler" or "--cluster-autoscaler-profile" or "--load-balancer-managed-outbound-'
               'ip-count" or "--load-balancer-outbound-ips" or "--api-server-authorized-ip-ranges" or '
               '"--network-policy" or "--tags"')


def update_cluster(tx: Transaction, resource_group: str, name: str, *, api_server_authorized_ip_ranges: str | None =
                   None, load_balancer_managed_outbound_ip_count: int | None = None, network_policy: str | None = None,
                   tags: dict[str, str] | None = None) -> Doc:
    ranges = validation_cli.validate_ip_ranges(api_server_authorized_ip_ranges)
    validation_cli.validate_managed_ip_count(load_balancer_managed_outbound_ip_count)
    policy = validation_cli.validate_network_policy(network_policy)
    if ranges is None and load_balancer_managed_outbound_ip_count is None and policy is None and tags is None:
        raise AzCliError("RequiredArgumentMissingError", MSG_NOTHING)
    cluster = context.get_cluster(tx, resource_group, name)
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
    if load_balancer_managed_outbound_ip_count is not None:
        _set_outbound_count(tx, cluster, load_balancer_managed_outbound_ip_count)
    if policy is not None:
        _set_policy(cluster, policy)
    if tags is not None:
        cluster["tags"] = tags or None
    cluster["etag"] = etag(tx)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    finish(tx, cluster["id"])
    return cluster


def _set_outbound_count(tx: Transaction, cluster: Doc, count: int) -> None:
    np_ = cluster["properties"]["networkProfile"]
    if np_.get("outboundType") != "loadBalancer":
        raise AzCliError("InvalidArgumentValueError",
                         f"{np_.get('outboundType')} type doesn't support customizing the standard load balancer ips")
    node_rg = cluster["properties"]["nodeResourceGroup"]
    rg = context.resource_group_of(cluster["id"])
    old = [e["id"] for e in (np_.get("loadBalancerProfile") or {}).get("effectiveOutboundIPs") or []]
    ids = infrastructure.create_managed_outbound_ips(tx, node_rg, cluster["location"], rg, cluster["name"], count,
                                                     "aks-slb-managed-outbound-ip")
    lb_id = network.load_balancer_id(node_rg, infrastructure.LB_NAME)
    infrastructure.set_outbound_ips(tx, lb_id, ids)
    keep = {i.lower() for i in ids}
    for pid in old:
        if pid.lower() not in keep and context.resource_group_of(pid).lower() == node_rg.lower():
            network.delete_public_ip(tx, pid)
    np_["loadBalancerProfile"] = load_balancer_profile(count, [], ids)


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
                        node_count=1, max_pods=30, nodepool_name="x", max_surge="1", managed_outbound_ip_count=1)
    validation_rp.check_network_policy(probe)
    np_["networkPolicy"] = policy
