"""``az aks create``: the AKS resource provider's PUT of a new managed cluster.

Order, as the RP does it: validate (az's checks, then the RP's), create the node resource group, the managed
VNet (when no subnet is given), the agent pool NSG, the kubenet route table, the outbound path (load balancer
+ managed public IPs, NAT gateway, or nothing), the private endpoint of a private cluster, the first pool's
VMSS instances and NICs; then the nodes register (Node objects), kubenet routes are written and the
controller manager reconciles the cluster (system pods, services). Returns the cluster document and warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.model.account import TENANT_ID
from aksnet.model.ids import id_key
from aksnet.store import Transaction
from aksnet.twin.aks import context, dual_stack, infrastructure, names, pools, validation_cli, validation_rp
from aksnet.twin.aks.defaults import (
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_PLUGIN_SETTING,
    DEFAULT_VM_SIZE,
    OUTBOUND_RULE_IDLE_TIMEOUT,
)
from aksnet.twin.aks.resolve import resolve_spec
from aksnet.twin.aks.spec import ClusterRequest, ClusterSpec, VnetContext
from aksnet.twin.arm import Doc, deterministic_uuid, etag, get_group
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.kube import objects
from aksnet.twin.resources import normalize_location

KUBERNETES_VERSIONS = ("1.29.9", "1.29.10", "1.30.5", "1.30.6", "1.31.1", "1.31.2")


@dataclass(frozen=True, slots=True)
class CreateResult:
    cluster: Doc
    warnings: tuple[str, ...]


def _check_name(name: str) -> None:
    """Managed cluster names: 1–63 characters, alphanumerics, underscores and hyphens, starting and ending with
    an alphanumeric [AKS naming rules]."""
    import re

    if not re.match(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$", name):
        raise AzureError("InvalidParameter",
                         f"The value of parameter name is invalid: '{name}'. The name can contain only letters, "
                         "numbers, underscores and hyphens. The name must start and end with letter or number, and "
                         "be 1 to 63 characters long.", "name")


def _check_version(version: str) -> str:
    if version not in KUBERNETES_VERSIONS:
        raise AzureError("K8sVersionNotSupported",
                         f"Version {version} is not supported in this region. Please use [az aks get-versions] "
                         "command to get the supported version list in this region. For more information, please "
                         "check https://aka.ms/supported-version-list", "kubernetesVersion")
    return version


def _vnet_for(tx: Transaction, req: ClusterRequest, spec: ClusterSpec, node_rg: str, digits: str) -> VnetContext:
    if not req.vnet_subnet_id:
        return context.managed_context(node_rg, digits)
    vctx = context.subnet_context(tx, req.vnet_subnet_id)
    if spec.flavour == "kubenet":
        for other in context.clusters_using_subnet(tx, vctx.subnet_id):
            if other["properties"]["networkProfile"].get("networkPlugin") == "kubenet":
                raise AzureError(
                    "SubnetAlreadyUsedByKubenetCluster",
                    f"Subnet {vctx.subnet_id} is already used by kubenet cluster {other['id']}; only one kubenet "
                    "cluster can use a subnet.", "agentPoolProfile.vnetSubnetID")
    return vctx


def _check_dual_stack_subnet(tx: Transaction, subnet_id: str) -> None:
    """A dual-stack cluster on a user's subnet needs a dual-stack subnet: nodes take an IPv4 and an IPv6 address
    from it (learn.microsoft.com/azure/aks/configure-kubenet-dual-stack; code and wording ours)."""
    from aksnet.twin import network

    sub = network.get_subnet(tx, subnet_id)
    if dual_stack.ipv6_prefix(network.subnet_prefixes(sub)) is None:
        raise AzureError("InvalidParameter", f"Subnet {sub['name']} has no IPv6 address prefix; a dual-stack "
                                             "cluster needs a dual-stack subnet (IPv4 and IPv6 prefixes).",
                         "agentPoolProfile.vnetSubnetID")


def create_cluster(tx: Transaction, req: ClusterRequest) -> CreateResult:
    """Validate and build a managed cluster (see the module docstring)."""
    get_group(tx, req.resource_group)
    seed_warnings: list[str] = []
    local, warning = context.seed_subnet_id(tx, req.vnet_subnet_id)
    if warning:
        req = replace(req, vnet_subnet_id=local)
        seed_warnings.append(warning)
    local, warning = context.seed_subnet_id(tx, req.pod_subnet_id)
    if warning:
        req = replace(req, pod_subnet_id=local)
        seed_warnings.append(warning)
    cid = names.cluster_id(req.resource_group, req.name)
    if tx.get(names.KIND_MANAGED_CLUSTER, cid) is not None:
        raise AzCliError(
            "ClientRequestError",
            f"The cluster '{req.name}' under resource group '{req.resource_group}' already exists. Please use "
            "command 'az aks update' to update the existing cluster, or select a different cluster name to "
            "create a new cluster.")
    spec = resolve_spec(req, tx.meta_get(DEFAULT_PLUGIN_SETTING))
    _check_name(req.name)
    version = _check_version(req.kubernetes_version or DEFAULT_KUBERNETES_VERSION)
    location = normalize_location(req.location or str(get_group(tx, req.resource_group)["location"]))
    node_rg = names.node_resource_group(req.resource_group, req.name, location)
    digits = names.cluster_digits(req.resource_group, req.name)
    vctx = _vnet_for(tx, req, spec, node_rg, digits)
    warnings = validation_rp.validate_spec(spec, vctx)
    pod_vctx = None
    if req.pod_subnet_id:
        pod_vctx = context.subnet_context(tx, req.pod_subnet_id, "podSubnetID")
        validation_rp.check_pod_subnet(pod_vctx, vctx, spec.capacity_nodes)
    infrastructure.check_egress_target(tx, spec.outbound_type, vctx.subnet_id, spec.outbound_ip_ids)

    infrastructure.ensure_node_group(tx, node_rg, location, cid)
    managed_subnet = None
    if vctx.managed:
        managed_subnet = infrastructure.create_managed_network(tx, node_rg, digits, location,
                                                               dual=len(spec.ip_families) > 1)
    elif len(spec.ip_families) > 1:
        _check_dual_stack_subnet(tx, vctx.subnet_id)
    infrastructure.create_agentpool_nsg(tx, node_rg, digits, location, managed_subnet)
    if spec.flavour == "kubenet":
        infrastructure.ensure_kubenet_route_table(tx, node_rg, digits, location, vctx.subnet_id)
    lb_profile, nat_profile = _outbound(tx, req, spec, node_rg, location, vctx)
    dns_prefix = req.dns_name_prefix or names.default_dns_prefix(req.resource_group, req.name)
    doc = _cluster_doc(req, spec, cid, location, node_rg, version, dns_prefix, vctx, lb_profile, nat_profile)
    doc["identity"] = _identity(tx, req, cid)
    doc["etag"] = etag(tx)
    if spec.private:
        doc["properties"]["privateFqdn"] = names.private_fqdn(dns_prefix, req.resource_group, req.name, location)
    tx.put(names.KIND_MANAGED_CLUSTER, cid, doc)
    pools.grow_pool(tx, doc, doc["properties"]["agentPoolProfiles"][0], spec.node_count)
    if spec.private:
        infrastructure.create_private_endpoint(
            tx, node_rg=node_rg, location=location, cluster_id=cid, subnet_id=vctx.subnet_id, vnet_id=vctx.vnet_id,
            private_fqdn=doc["properties"]["privateFqdn"], zone_setting=spec.private_dns_zone or "system")
    finish(tx, cid)
    return CreateResult(tx.get(names.KIND_MANAGED_CLUSTER, cid) or doc,
                        tuple(seed_warnings) + tuple(spec.warnings) + tuple(warnings))


def finish(tx: Transaction, cluster_id: str) -> None:
    """Write the nodes, then let the controller manager reconcile the cluster (system pods, services …)."""
    objects.flush(tx, cluster_id)
    reconcile_cluster(tx, cluster_id)
    objects.flush(tx, cluster_id)


def _outbound(tx: Transaction, req: ClusterRequest, spec: ClusterSpec, node_rg: str, location: str,
              vctx: VnetContext) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Build the cluster's egress (learn.microsoft.com/azure/aks/egress-outboundtype) and return
    (loadBalancerProfile, natGatewayProfile)."""
    if spec.outbound_type == "loadBalancer":
        sku = "Basic" if spec.load_balancer_sku == "basic" else "Standard"
        if spec.outbound_ip_ids:
            ids = list(spec.outbound_ip_ids)
        else:
            ids = infrastructure.create_managed_outbound_ips(
                tx, node_rg, location, req.resource_group, req.name, spec.managed_outbound_ip_count,
                "aks-slb-managed-outbound-ip", sku)
        v6 = len(spec.ip_families) > 1 and sku == "Standard" and not spec.outbound_ip_ids
        if v6:  # "Outbound rules for both IPv4 and IPv6 traffic" (configure-kubenet-dual-stack): one IPv6 IP
            ids += infrastructure.create_managed_outbound_ips(
                tx, node_rg, location, req.resource_group, req.name, 1, "aks-slb-managed-outbound-ip", sku,
                version="IPv6")
        infrastructure.create_load_balancer(
            tx, node_rg, location, ids, sku, outbound_ports=spec.lb_outbound_ports or 0,
            idle_timeout=spec.lb_idle_timeout or OUTBOUND_RULE_IDLE_TIMEOUT)
        if sku == "Basic":
            return None, None  # loadBalancerProfile exists for the Standard SKU only
        profile = load_balancer_profile(spec.managed_outbound_ip_count, list(spec.outbound_ip_ids), ids,
                                        1 if v6 else None)
        profile["allocatedOutboundPorts"] = spec.lb_outbound_ports
        profile["idleTimeoutInMinutes"] = spec.lb_idle_timeout
        return profile, None
    if spec.outbound_type == "managedNATGateway":
        ids = infrastructure.create_managed_outbound_ips(
            tx, node_rg, location, req.resource_group, req.name, spec.nat_gateway_ip_count,
            "aks-nat-gateway-managed-outbound-ip")
        infrastructure.create_nat_gateway(tx, node_rg, location, ids, vctx.subnet_id, spec.nat_idle_timeout or 4)
        return None, {"effectiveOutboundIPs": [{"id": i, "resourceGroup": node_rg} for i in ids],
                      "idleTimeoutInMinutes": spec.nat_idle_timeout or 4,
                      "managedOutboundIpProfile": {"count": spec.nat_gateway_ip_count}}
    return None, None


def _identity(tx: Transaction, req: ClusterRequest, cid: str) -> dict[str, Any]:
    """The cluster identity: system-assigned, or with ``--assign-identity`` the user-assigned identity (which
    must exist), shown with its client and principal IDs (learn.microsoft.com/azure/aks/use-managed-identity)."""
    if not req.assign_identity:
        return {"principalId": deterministic_uuid("principal", id_key(cid)), "tenantId": TENANT_ID,
                "type": "SystemAssigned", "userAssignedIdentities": None}
    from aksnet.twin import identity

    doc = identity.get_identity(tx, req.assign_identity)
    props = doc["properties"]
    return {"principalId": None, "tenantId": TENANT_ID, "type": "UserAssigned",
            "userAssignedIdentities": {doc["id"]: {"clientId": props["clientId"],
                                                   "principalId": props["principalId"]}}}


def load_balancer_profile(managed_count: int, outbound_ip_ids: list[str], effective: list[str],
                          count_ipv6: int | None = None) -> dict[str, Any]:
    from aksnet.io.arm_ids import parse_resource_id

    def rg(i: str) -> str:
        p = parse_resource_id(i)
        return p.resource_group if p else ""

    return {
        "allocatedOutboundPorts": None,
        "backendPoolType": "nodeIPConfiguration",
        "effectiveOutboundIPs": [{"id": i, "resourceGroup": rg(i)} for i in effective],
        "enableMultipleStandardLoadBalancers": None,
        "idleTimeoutInMinutes": None,
        "managedOutboundIPs": None if outbound_ip_ids else {"count": managed_count, "countIpv6": count_ipv6},
        "outboundIPs": {"publicIPs": [{"id": i, "resourceGroup": rg(i)} for i in outbound_ip_ids]}
        if outbound_ip_ids else None,
        "outboundIpPrefixes": None,
    }


def pool_profile(name: str, count: int, max_pods: int, vm_size: str, subnet_id: str, pod_subnet_id: str | None,
                 version: str, mode: str, max_surge: str, min_count: int | None = None,
                 max_count: int | None = None, node_labels: dict[str, str] | None = None,
                 node_taints: list[str] | None = None,
                 pod_ip_allocation_mode: str | None = None, zones: list[str] | None = None,
                 vm_set_type: str = "VirtualMachineScaleSets") -> dict[str, Any]:
    """One entry of ``agentPoolProfiles`` as az shows it."""
    return {
        "availabilityZones": zones or None, "count": count, "currentOrchestratorVersion": version,
        "enableAutoScaling": max_count is not None, "enableEncryptionAtHost": False, "enableFips": False,
        "enableNodePublicIp": False, "enableUltraSsd": False, "kubeletDiskType": "OS", "maxCount": max_count,
        "maxPods": max_pods, "minCount": min_count, "mode": mode, "name": name,
        "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202411.12.0", "nodeLabels": node_labels or None,
        "nodeTaints": node_taints or None,
        "orchestratorVersion": version, "osDiskSizeGb": 128, "osDiskType": "Managed", "osSku": "Ubuntu",
        "osType": "Linux", "podIpAllocationMode": pod_ip_allocation_mode, "podSubnetId": pod_subnet_id,
        "powerState": {"code": "Running"},
        "provisioningState": "Succeeded", "scaleSetPriority": None, "type": vm_set_type,
        "upgradeSettings": {"maxSurge": max_surge}, "vmSize": vm_size, "vnetSubnetId": subnet_id,
    }


def _cluster_doc(req: ClusterRequest, spec: ClusterSpec, cid: str, location: str, node_rg: str, version: str,
                 dns_prefix: str, vctx: VnetContext, lb_profile: dict[str, Any] | None,
                 nat_profile: dict[str, Any] | None) -> Doc:
    fqdn = None if spec.private and spec.disable_public_fqdn else \
        names.public_fqdn(dns_prefix, req.resource_group, req.name, location)
    api_profile = None
    if spec.private or spec.authorized_ip_ranges:
        api_profile = {"authorizedIpRanges": list(spec.authorized_ip_ranges) or None,
                       "disableRunCommand": None, "enablePrivateCluster": spec.private or None,
                       "enablePrivateClusterPublicFqdn": (not spec.disable_public_fqdn) if spec.private else None,
                       "privateDnsZone": spec.private_dns_zone}
    network_profile = {
        "dnsServiceIp": spec.dns_service_ip, "ipFamilies": list(spec.ip_families),
        "loadBalancerProfile": lb_profile, "loadBalancerSku": spec.load_balancer_sku,
        "natGatewayProfile": nat_profile, "networkDataplane": spec.network_dataplane, "networkMode": None,
        "networkPlugin": spec.network_plugin, "networkPluginMode": spec.network_plugin_mode,
        "networkPolicy": spec.network_policy or "none", "outboundType": spec.outbound_type,
        "podCidr": spec.pod_cidr,
        "podCidrs": list(spec.pod_cidrs) or ([spec.pod_cidr] if spec.pod_cidr else None),
        "serviceCidr": spec.service_cidr, "serviceCidrs": list(spec.service_cidrs) or [spec.service_cidr],
    }
    pool = pool_profile(spec.nodepool_name, spec.node_count, spec.max_pods, req.vm_size or DEFAULT_VM_SIZE,
                        vctx.subnet_id, req.pod_subnet_id, version, "System", spec.max_surge, spec.min_count,
                        spec.max_count, node_labels=req.nodepool_labels,
                        node_taints=validation_cli.validate_node_taints(req.nodepool_taints),
                        pod_ip_allocation_mode=req.pod_ip_allocation_mode,
                        zones=validation_rp.validate_zones(req.zones, location, spec.nodepool_name),
                        vm_set_type=validation_cli.validate_vm_set_type(req.vm_set_type))
    ssh = req.ssh_public_key
    return {
        "id": cid, "location": location, "name": req.name, "type": names.TYPE_MANAGED_CLUSTER,
        "tags": req.tags or None,
        "identity": None,  # filled by create_cluster (a user-assigned identity is looked up)
        "sku": {"name": "Base", "tier": "Free"},
        "properties": {
            "provisioningState": "Succeeded", "powerState": {"code": "Running"},
            "kubernetesVersion": version, "currentKubernetesVersion": version, "dnsPrefix": dns_prefix,
            "fqdn": fqdn, "azurePortalFqdn": fqdn.replace(".hcp.", ".portal.hcp.") if fqdn else None,
            "privateFqdn": None, "agentPoolProfiles": [pool],
            "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": ssh}]}} if ssh
            else None,
            "servicePrincipalProfile": {"clientId": "msi"}, "nodeResourceGroup": node_rg, "enableRbac": True,
            "supportPlan": "KubernetesOfficial", "maxAgentPools": 100, "networkProfile": network_profile,
            "apiServerAccessProfile": api_profile, "addonProfiles": None,
            "oidcIssuerProfile": {"enabled": False, "issuerUrl": None},
        },
    }
