"""From ``az aks create`` flags to a resolved :class:`~aksnet.twin.aks.spec.ClusterSpec`: az's client-side
checks in az's order, then the defaults per plugin (learn.microsoft.com/cli/azure/aks#az-aks-create;
learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges; learn.microsoft.com/azure/aks/private-clusters;
learn.microsoft.com/azure/aks/load-balancer-standard; learn.microsoft.com/azure/aks/quotas-skus-regions).
Pure: no workspace access (the default plugin setting is passed in).
"""

from __future__ import annotations

from aksnet.errors import AzCliError, AzureError
from aksnet.twin.aks import dual_stack
from aksnet.twin.aks import validation_cli as cli
from aksnet.twin.aks.defaults import (
    DEFAULT_DNS_SERVICE_IP,
    DEFAULT_MAX_SURGE,
    DEFAULT_NODE_COUNT,
    DEFAULT_NODEPOOL_NAME,
    DEFAULT_POD_CIDR,
    DEFAULT_SERVICE_CIDR,
    MANAGED_OUTBOUND_IP_COUNT,
    default_max_pods,
    default_network_plugin,
    flavour,
)
from aksnet.twin.aks.spec import ClusterRequest, ClusterSpec


def _plugin_and_mode(req: ClusterRequest, plugin: str | None, mode: str | None, policy: str | None,
                     default_plugin_setting: str | None) -> tuple[str, str | None]:
    """The network plugin and mode after az's plugin rules (managed_cluster_decorator ``_get_network_plugin``):
    pod/service CIDR, DNS service IP or a policy need an explicit plugin (RequiredArgumentMissingError); only
    a bare create gets AKS's default; a pod CIDR needs overlay or kubenet; a pod subnet needs azure; overlay
    needs azure and no pod subnet (the RP's InvalidNetworkPluginMode)."""
    if plugin is None and (policy is not None or req.pod_cidr or req.service_cidr or req.dns_service_ip):
        raise AzCliError("RequiredArgumentMissingError", cli.MSG_POLICY_NEEDS_PLUGIN)
    if plugin is None:
        plugin, default_mode = default_network_plugin(default_plugin_setting)
        mode = mode or default_mode
    if req.pod_cidr and plugin == "azure" and mode != "overlay":
        raise AzCliError("InvalidArgumentValueError", cli.MSG_POD_CIDR_NEEDS_OVERLAY)
    if req.pod_subnet_id and plugin != "azure":
        raise AzCliError("InvalidArgumentValueError", cli.MSG_POD_SUBNET_NEEDS_AZURE)
    if mode == "overlay" and plugin != "azure":
        raise AzureError("InvalidNetworkPluginMode",
                         f"Network plugin mode overlay requires network plugin azure, got {plugin}.",
                         "networkProfile.networkPluginMode")
    if mode == "overlay" and req.pod_subnet_id:
        raise AzureError("InvalidNetworkPluginMode",
                         "Network plugin mode overlay can't be used with a pod subnet (podSubnetID).",
                         "networkProfile.networkPluginMode")
    return plugin, mode


def check_pod_ip_allocation_mode(mode: str | None, pod_subnet_id: str | None) -> str | None:
    """``--pod-ip-allocation-mode``: az's enum; StaticBlock (and DynamicIndividual) only with a pod subnet
    [learn.microsoft.com/azure/aks/configure-azure-cni-static-block-allocation, prerequisites]."""
    value = cli.validate_enum(mode, cli.POD_IP_ALLOCATION_MODES, "--pod-ip-allocation-mode")
    if value is not None and not pod_subnet_id:
        raise AzureError("InvalidParameter", cli.MSG_STATIC_BLOCK_NEEDS_POD_SUBNET if value == "StaticBlock" else
                         f"Pod IP allocation mode {value} requires a pod subnet (--pod-subnet-id).",
                         "agentPoolProfile.podIPAllocationMode")
    return value


def resolve_spec(req: ClusterRequest, default_plugin_setting: str | None = None) -> ClusterSpec:
    """Apply az's client-side rules and AKS's defaults; raise AzCliError/AzureError on the first violation."""
    plugin = cli.validate_enum(req.network_plugin, cli.NETWORK_PLUGINS, "--network-plugin")
    mode = cli.validate_enum(req.network_plugin_mode, cli.NETWORK_PLUGIN_MODES, "--network-plugin-mode")
    policy = cli.validate_network_policy(req.network_policy)
    dataplane = cli.validate_enum(req.network_dataplane, cli.NETWORK_DATAPLANES, "--network-dataplane")
    sku = cli.validate_load_balancer_sku(req.load_balancer_sku) or "standard"
    outbound = cli.validate_outbound_type(req.outbound_type) or "loadBalancer"
    cli.validate_subnet_id(req.vnet_subnet_id, "--vnet-subnet-id")
    cli.validate_subnet_id(req.pod_subnet_id, "--pod-subnet-id")
    check_pod_ip_allocation_mode(req.pod_ip_allocation_mode, req.pod_subnet_id)
    cli.validate_cidr_format(req.pod_cidr, "pod_cidr")
    cli.validate_cidr_format(req.service_cidr, "service_cidr")
    cli.validate_dns_ip_format(req.dns_service_ip)
    cli.validate_dns_prefix(req.dns_name_prefix)
    plugin, mode = _plugin_and_mode(req, plugin, mode, policy, default_plugin_setting)
    ranges = cli.validate_ip_ranges(req.api_server_authorized_ip_ranges)
    cli.validate_private_cluster(req.enable_private_cluster, sku, req.disable_public_fqdn, req.private_dns_zone,
                                 ranges)
    outbound_ips = cli.validate_outbound_ips(req.load_balancer_outbound_ips)
    cli.validate_managed_ip_count(req.load_balancer_managed_outbound_ip_count)
    cli.validate_nat_ip_count(req.nat_gateway_managed_outbound_ip_count)
    cli.validate_outbound_tuning(req.load_balancer_outbound_ports, req.load_balancer_idle_timeout,
                                 req.nat_gateway_idle_timeout)
    cli.validate_outbound_combination(
        outbound, sku, req.vnet_subnet_id,
        lb_ip_flags=req.load_balancer_managed_outbound_ip_count is not None or bool(outbound_ips)
        or req.load_balancer_outbound_ports is not None or req.load_balancer_idle_timeout is not None,
        nat_flags=req.nat_gateway_managed_outbound_ip_count is not None or req.nat_gateway_idle_timeout is not None)
    if req.load_balancer_managed_outbound_ip_count is not None and outbound_ips:
        raise AzCliError("MutuallyExclusiveArgumentError",
                         "Please specify only one of --load-balancer-managed-outbound-ip-count, "
                         "--load-balancer-outbound-ips and --load-balancer-outbound-ip-prefixes.")
    pool_name = cli.validate_nodepool_name(req.nodepool_name or DEFAULT_NODEPOOL_NAME)
    surge = cli.validate_max_surge(req.max_surge) or DEFAULT_MAX_SURGE
    count = DEFAULT_NODE_COUNT if req.node_count is None else req.node_count
    cli.validate_autoscaler(req.enable_cluster_autoscaler, count, req.min_count, req.max_count)
    if dataplane == "cilium" and policy is None:
        policy = "cilium"  # az sets networkPolicy cilium with the Cilium dataplane (managed_cluster_decorator)
    fl = flavour(plugin, mode, req.pod_subnet_id)
    pod_cidr = req.pod_cidr or (DEFAULT_POD_CIDR if fl in ("kubenet", "overlay") else None)
    if fl in ("azure", "podsubnet"):
        pod_cidr = None
    families, pod_cidrs, service_cidrs = dual_stack.resolve_families(
        req.ip_families, req.pod_cidrs, req.service_cidrs, pod_cidr, req.service_cidr, fl, policy, outbound)
    if pod_cidrs and fl in ("kubenet", "overlay"):
        pod_cidr = pod_cidrs[0]
    service_cidr = service_cidrs[0] if service_cidrs else req.service_cidr or DEFAULT_SERVICE_CIDR
    return ClusterSpec(
        ip_families=families, pod_cidrs=pod_cidrs if len(families) > 1 else (),
        service_cidrs=service_cidrs if len(families) > 1 else (),
        network_plugin=plugin, network_plugin_mode=mode, flavour=fl, network_policy=policy,
        network_dataplane=dataplane or ("azure" if plugin == "azure" else None),
        pod_cidr=pod_cidr, service_cidr=service_cidr,
        dns_service_ip=req.dns_service_ip or DEFAULT_DNS_SERVICE_IP, outbound_type=outbound,
        load_balancer_sku=sku,
        node_count=count,
        max_pods=req.max_pods if req.max_pods is not None else default_max_pods(fl),
        nodepool_name=pool_name, max_surge=surge,
        managed_outbound_ip_count=(0 if outbound_ips else
                                   req.load_balancer_managed_outbound_ip_count or MANAGED_OUTBOUND_IP_COUNT),
        outbound_ip_ids=outbound_ips,
        nat_gateway_ip_count=req.nat_gateway_managed_outbound_ip_count or 1,
        authorized_ip_ranges=ranges or (), private=req.enable_private_cluster,
        private_dns_zone=(req.private_dns_zone or "system") if req.enable_private_cluster else None,
        disable_public_fqdn=req.disable_public_fqdn,
        min_count=req.min_count if req.enable_cluster_autoscaler else None,
        max_count=req.max_count if req.enable_cluster_autoscaler else None,
        lb_outbound_ports=req.load_balancer_outbound_ports, lb_idle_timeout=req.load_balancer_idle_timeout,
        nat_idle_timeout=req.nat_gateway_idle_timeout,
    )
