"""``az aks scale`` and ``az aks nodepool scale``: change a pool's node count, with the RP's capacity rules
(count range, maxPods × count ≥ 30, kubenet's 400 nodes, pod CIDR and subnet ``InsufficientSubnetSize``,
``SubnetIsFull`` at allocation) [learn.microsoft.com/azure/aks/concepts-network-ip-address-planning].
"""

from __future__ import annotations

from aksnet.errors import AzCliError, AzureError
from aksnet.model.ids import id_key, same_id, same_name
from aksnet.store import Transaction
from aksnet.twin.aks import capacity, context, pools, validation_rp
from aksnet.twin.aks.create import finish
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
from aksnet.twin.arm import Doc, etag


def find_pool(cluster: Doc, pool_name: str | None) -> dict[str, object]:
    profiles = cluster["properties"]["agentPoolProfiles"]
    if pool_name is None:
        if len(profiles) > 1:
            raise AzCliError("RequiredArgumentMissingError",
                             "There are more than one node pool in the cluster. Please specify nodepool name or use "
                             "az aks nodepool command to scale node pool")
        return dict(profiles[0])
    for p in profiles:
        if same_name(str(p["name"]), pool_name):
            return dict(p)
    raise AzCliError("InvalidArgumentValueError", f"The nodepool \"{pool_name}\" was not found.")


def capacity_count(pool: dict[str, object]) -> int:
    """Nodes a pool pre-allocates for: max(count, maxCount) — the autoscaler's max-count counts."""
    return max(int(str(pool.get("count") or 0)), int(str(pool.get("maxCount") or 0)))


def check_capacity(tx: Transaction, cluster: Doc, pool: dict[str, object], new_count: int) -> None:
    """The RP's checks before changing ``pool`` to ``new_count`` nodes."""
    fl = pools.cluster_flavour(cluster)
    validation_rp.check_count(new_count, str(pool.get("mode", "System")))
    validation_rp.check_max_pods(int(str(pool["maxPods"])), new_count)
    others = sum(capacity_count(p) for p in cluster["properties"]["agentPoolProfiles"] if p["name"] != pool["name"])
    new_capacity = max(new_count, int(str(pool.get("maxCount") or 0)))
    validation_rp.check_cluster_size(fl, others + new_capacity)
    validation_rp.check_pod_cidr_capacity(cluster["properties"]["networkProfile"].get("podCidr")
                                          if fl in ("kubenet", "overlay") else None, others + new_capacity)
    if new_count > int(str(pool.get("count", 0))):
        subnet = id_key(str(pool["vnetSubnetId"]))
        same = [p for p in cluster["properties"]["agentPoolProfiles"]
                if p["name"] != pool["name"] and id_key(str(p["vnetSubnetId"])) == subnet]
        other = sum(capacity.node_subnet_required(fl if not p.get("podSubnetId") else "podsubnet", capacity_count(p),
                                                  int(p["maxPods"])) for p in same)
        vctx = context.subnet_context(tx, str(pool["vnetSubnetId"]))
        pool_fl = "podsubnet" if pool.get("podSubnetId") else fl
        validation_rp.check_node_subnet_capacity(pool_fl, new_capacity, int(str(pool["maxPods"])), vctx, other)
        if pool.get("podSubnetId"):
            pctx = context.subnet_context(tx, str(pool["podSubnetId"]), "podSubnetID")
            others = sum(int(p["count"]) for p in cluster["properties"]["agentPoolProfiles"]
                         if p["name"] != pool["name"] and same_id(p.get("podSubnetId"), str(pool["podSubnetId"])))
            validation_rp.check_pod_subnet(pctx, vctx, new_count, others)


def set_pool_count(tx: Transaction, cluster: Doc, pool_name: str, new_count: int) -> Doc:
    """Scale the pool to ``new_count`` (validated), update the cluster document, reconcile."""
    profiles = cluster["properties"]["agentPoolProfiles"]
    index = next(i for i, p in enumerate(profiles) if p["name"] == pool_name)
    pool = profiles[index]
    check_capacity(tx, cluster, pool, new_count)
    current = int(pool["count"])
    if new_count > current:
        pools.grow_pool(tx, cluster, pool, new_count - current)
    elif new_count < current:
        pools.shrink_pool(tx, cluster, pool, current - new_count)
    pool["count"] = new_count
    cluster["etag"] = etag(tx)
    tx.put(KIND_MANAGED_CLUSTER, cluster["id"], cluster)
    finish(tx, cluster["id"])
    return cluster


def scale_cluster(tx: Transaction, resource_group: str, name: str, node_count: int,
                  nodepool_name: str | None = None) -> Doc:
    """``az aks scale -g RG -n NAME --node-count N [--nodepool-name P]``."""
    cluster = context.get_cluster(tx, resource_group, name)
    pool = find_pool(cluster, nodepool_name)
    if pool.get("enableAutoScaling"):
        raise AzCliError("ValidationError", "Cannot scale cluster autoscaler enabled node pool.")
    if node_count < 0:
        raise AzureError("InvalidParameter", f"agentPoolProfile.count was {node_count}.", "agentPoolProfile.count")
    return set_pool_count(tx, cluster, str(pool["name"]), node_count)
