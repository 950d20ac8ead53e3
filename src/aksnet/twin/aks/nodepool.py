"""``az aks nodepool add/list/show/scale/delete``: agent pools of an existing cluster, each its own VMSS, with
the same capacity rules as create and scale [learn.microsoft.com/azure/aks/concepts-network-ip-address-planning;
learn.microsoft.com/azure/aks/quotas-skus-regions].
"""

from __future__ import annotations

import re
from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin.aks import context, pools, validation_cli, validation_rp
from aksnet.twin.aks.create import finish, pool_profile
from aksnet.twin.aks.defaults import DEFAULT_MAX_SURGE, DEFAULT_NODE_COUNT, DEFAULT_VM_SIZE, default_max_pods
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
from aksnet.twin.aks.resolve import check_pod_ip_allocation_mode
from aksnet.twin.aks.scale import check_capacity, set_pool_count
from aksnet.twin.arm import Doc, etag

MAX_AGENT_POOLS = 100


def _rp_name_rule(name: str) -> None:
    """RP: lowercase letters and digits, starting with a letter, 1–12 characters."""
    if not re.match(r"^[a-z][a-z0-9]{0,11}$", name):
        raise AzureError("InvalidParameter",
                         "The value of parameter agentPoolProfile.name is invalid. Error details: The name must begin "
                         "with a lowercase letter, contain only lowercase letters and numbers and be between 1 and "
                         f"12 characters in length. Please see https://aka.ms/aks-naming-rules for more details. "
                         f"Name: {name}", "agentPoolProfile.name")


def pool_view(cluster: Doc, pool: dict[str, Any]) -> dict[str, Any]:
    """``az aks nodepool show`` output: the pool profile with its ARM identity."""
    out = dict(pool)
    out["id"] = f"{cluster['id']}/agentPools/{pool['name']}"
    out["type"] = "Microsoft.ContainerService/managedClusters/agentPools"
    parsed = context.resource_group_of(cluster["id"])
    out["resourceGroup"] = parsed
    return out


def list_pools(tx: Transaction, resource_group: str, cluster_name: str) -> list[dict[str, Any]]:
    cluster = context.get_cluster(tx, resource_group, cluster_name)
    return [pool_view(cluster, p) for p in cluster["properties"]["agentPoolProfiles"]]


def show_pool(tx: Transaction, resource_group: str, cluster_name: str, name: str) -> dict[str, Any]:
    cluster = context.get_cluster(tx, resource_group, cluster_name)
    for p in cluster["properties"]["agentPoolProfiles"]:
        if p["name"] == name:
            return pool_view(cluster, p)
    raise AzureError("NotFound", f"Agent Pool '{name}' not found in cluster '{cluster_name}'.")


def add_pool(tx: Transaction, resource_group: str, cluster_name: str, name: str, *, node_count: int | None = None,
             max_pods: int | None = None, vnet_subnet_id: str | None = None, pod_subnet_id: str | None = None,
             mode: str = "User", vm_size: str | None = None, max_surge: str | None = None,
             enable_cluster_autoscaler: bool = False, min_count: int | None = None,
             max_count: int | None = None, node_labels: dict[str, str] | None = None,
             node_taints: str | None = None, pod_ip_allocation_mode: str | None = None,
             zones: list[str] | None = None) -> dict[str, Any]:
    """``az aks nodepool add``."""
    taints = validation_cli.validate_node_taints(node_taints)
    cluster = context.get_cluster(tx, resource_group, cluster_name)
    validation_cli.validate_nodepool_name(name)
    validation_cli.validate_subnet_id(vnet_subnet_id, "--vnet-subnet-id")
    validation_cli.validate_subnet_id(pod_subnet_id, "--pod-subnet-id")
    surge = validation_cli.validate_max_surge(max_surge) or DEFAULT_MAX_SURGE
    profiles = cluster["properties"]["agentPoolProfiles"]
    if any(p["name"] == name for p in profiles):
        raise AzCliError("ClientRequestError",
                         f"Node pool {name} already exists, please try a different name, use 'aks nodepool list' to "
                         "get current list of node pool")
    _rp_name_rule(name)
    if len(profiles) >= MAX_AGENT_POOLS:
        raise AzureError("InvalidParameter", f"A cluster can have at most {MAX_AGENT_POOLS} agent pools.",
                         "agentPoolProfiles")
    mode_v = validation_cli.validate_enum(mode, ("System", "User"), "--mode") or "User"
    fl = pools.cluster_flavour(cluster)
    np_ = cluster["properties"]["networkProfile"]
    if pod_subnet_id and np_["networkPlugin"] != "azure":
        raise AzCliError("InvalidArgumentValueError", validation_cli.MSG_POD_SUBNET_NEEDS_AZURE)
    if fl == "podsubnet" and not pod_subnet_id:
        pod_subnet_id = next((p.get("podSubnetId") for p in profiles if p.get("podSubnetId")), None)
    pool_flavour = "podsubnet" if pod_subnet_id else fl
    alloc_mode = check_pod_ip_allocation_mode(pod_ip_allocation_mode, pod_subnet_id)
    subnet = vnet_subnet_id or profiles[0]["vnetSubnetId"]
    if fl == "kubenet" and not same_id(subnet, str(profiles[0]["vnetSubnetId"])):
        first_vnet = id_key(str(profiles[0]["vnetSubnetId"])).rsplit("/subnets/", 1)[0]
        if id_key(subnet).rsplit("/subnets/", 1)[0] != first_vnet:
            raise AzureError("InvalidParameter",
                             "All agent pools of a kubenet cluster must use subnets of the same virtual network.",
                             "agentPoolProfile.vnetSubnetID")
    count = DEFAULT_NODE_COUNT if node_count is None else node_count
    validation_cli.validate_autoscaler(enable_cluster_autoscaler, count, min_count, max_count)
    if not enable_cluster_autoscaler:
        min_count = max_count = None
    pods = max_pods if max_pods is not None else default_max_pods(pool_flavour)
    version = cluster["properties"]["kubernetesVersion"]
    pool = pool_profile(name, 0, pods, vm_size or DEFAULT_VM_SIZE, subnet, pod_subnet_id, version, mode_v, surge,
                        min_count, max_count, node_labels, taints, pod_ip_allocation_mode=alloc_mode,
                        zones=validation_rp.validate_zones(zones, cluster["location"], name))
    context.subnet_context(tx, subnet)
    check_capacity(tx, cluster, pool, count)
    profiles.append(pool)
    cluster["etag"] = etag(tx)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    set_pool_count(tx, cluster, name, count)
    return show_pool(tx, resource_group, cluster_name, name)


def scale_pool(tx: Transaction, resource_group: str, cluster_name: str, name: str, node_count: int) -> dict[str, Any]:
    cluster = context.get_cluster(tx, resource_group, cluster_name)
    if show_pool(tx, resource_group, cluster_name, name).get("enableAutoScaling"):
        raise AzCliError("ValidationError", "Cannot scale cluster autoscaler enabled node pool.")
    set_pool_count(tx, cluster, name, node_count)
    return show_pool(tx, resource_group, cluster_name, name)


def delete_pool(tx: Transaction, resource_group: str, cluster_name: str, name: str) -> None:
    """``az aks nodepool delete``: the last system pool can't go (``MustDefineAtLeastOneSystemPool``)."""
    cluster = context.get_cluster(tx, resource_group, cluster_name)
    show_pool(tx, resource_group, cluster_name, name)
    profiles = cluster["properties"]["agentPoolProfiles"]
    pool = next(p for p in profiles if p["name"] == name)
    if pool.get("mode") == "System" and sum(1 for p in profiles if p.get("mode") == "System") == 1:
        raise AzureError("MustDefineAtLeastOneSystemPool", "Must define at least one system pool.")
    pools.delete_pool(tx, cluster, pool)
    cluster["properties"]["agentPoolProfiles"] = [p for p in profiles if p["name"] != name]
    cluster["etag"] = etag(tx)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    finish(tx, cluster["id"])
