"""Growing and shrinking an agent pool: VMSS instances and NICs, pod-subnet batches, Node objects, kubenet
routes and load balancer backend membership, for one pool of a stored managed cluster document.

Shared by create, scale and ``nodepool add/scale/delete``. Capacity rules are checked by the callers
(:mod:`.validation_rp`) before anything is written; this module only builds.
"""

from __future__ import annotations

from typing import Any

from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import same_name
from aksnet.store import Transaction
from aksnet.twin import network, subnet_ipam
from aksnet.twin.aks import dual_stack, infrastructure, names, nodes, routes, vmss
from aksnet.twin.aks.defaults import POD_SUBNET_BATCH, flavour
from aksnet.twin.arm import Doc

Pool = dict[str, Any]
STATIC_BLOCK = "StaticBlock"  # agentPoolProfile.podIpAllocationMode: the node holds /28 blocks, never grows


def cluster_flavour(cluster: Doc) -> str:
    np_ = cluster["properties"]["networkProfile"]
    pools = cluster["properties"]["agentPoolProfiles"]
    pod_subnet = next((p.get("podSubnetId") for p in pools if p.get("podSubnetId")), None)
    return flavour(np_["networkPlugin"], np_.get("networkPluginMode"), pod_subnet)


def digits_of(cluster: Doc) -> str:
    parsed = parse_resource_id(cluster["id"])
    assert parsed is not None
    return names.cluster_digits(parsed.resource_group, parsed.name)


def lb_id_of(cluster: Doc) -> str | None:
    """The ``kubernetes`` LB that AKS made at create time (outbound type loadBalancer only)."""
    if cluster["properties"]["networkProfile"].get("outboundType") != "loadBalancer":
        return None
    return network.load_balancer_id(cluster["properties"]["nodeResourceGroup"], infrastructure.LB_NAME)


def nic_nsg(tx: Transaction, cluster: Doc, subnet_id: str) -> str | None:
    """BYO subnet: the agent pool NSG goes on the node NICs; managed subnet: it is on the subnet."""
    node_rg = cluster["properties"]["nodeResourceGroup"]
    parsed = parse_resource_id(subnet_id)
    if parsed is not None and same_name(parsed.resource_group, node_rg):
        return None
    return network.nsg_id(node_rg, names.nsg_name(digits_of(cluster)))


def kubenet_route_table(tx: Transaction, cluster: Doc) -> str | None:
    if cluster_flavour(cluster) != "kubenet":
        return None
    first = cluster["properties"]["agentPoolProfiles"][0]
    rt = infrastructure.subnet_route_table(tx, first["vnetSubnetId"])
    return str(rt["id"]) if rt else None


def placement(tx: Transaction, cluster: Doc, pool: Pool) -> vmss.PoolPlacement:
    subnet_id = pool["vnetSubnetId"]
    sub = network.get_subnet(tx, subnet_id)
    fl = cluster_flavour(cluster)
    lb = lb_id_of(cluster)
    v6 = dual_stack.ipv6_prefix(network.subnet_prefixes(sub)) if dual_stack.is_dual_stack(cluster) else None
    return vmss.PoolPlacement(
        subnet_prefix_v6=v6,
        backend_pool_ids_v6=(f"{lb}/backendAddressPools/{infrastructure.LB_NAME}-IPv6",) if lb and v6 else (),
        cluster_id=cluster["id"], node_resource_group=cluster["properties"]["nodeResourceGroup"],
        location=cluster["location"], digits=digits_of(cluster), pool=pool["name"], vm_size=pool["vmSize"],
        subnet_id=sub["id"], subnet_prefix=network.subnet_ipv4_prefix(sub),
        secondary_ips=int(pool["maxPods"]) if fl == "azure" else 0,
        nsg_id=nic_nsg(tx, cluster, sub["id"]),
        backend_pool_ids=infrastructure.backend_pool_ids(lb) if lb else (),
    )


def pool_instances(tx: Transaction, cluster: Doc, pool_name: str) -> list[Doc]:
    return vmss.list_instances(tx, cluster["properties"]["nodeResourceGroup"], pool_name, digits_of(cluster))


def grow_pool(tx: Transaction, cluster: Doc, pool: Pool, add: int) -> None:
    """Add ``add`` instances to the pool (VMSS, NICs, Nodes, routes, LB membership)."""
    if add <= 0:
        return
    p = placement(tx, cluster, pool)
    existing = pool_instances(tx, cluster, pool["name"])
    start = max((int(d["id"].rsplit("/", 1)[-1]) for d in existing), default=-1) + 1
    indexes = list(range(start, start + add))
    vmss.ensure_vmss(tx, p, len(existing) + add)
    created = vmss.create_instances(tx, p, indexes)
    fl = cluster_flavour(cluster)
    np_ = cluster["properties"]["networkProfile"]
    pod_cidrs: list[str | None] = [None] * len(created)
    if fl in ("kubenet", "overlay") and np_.get("podCidr"):
        used = [str(n["spec"].get("podCIDR")) for n in nodes.cluster_nodes(tx, cluster["id"])
                if n.get("spec", {}).get("podCIDR")]
        pod_cidrs = list(nodes.node_pod_cidrs(np_["podCidr"], used, len(created)))
    pod_cidrs_v6: list[str | None] = [None] * len(created)
    if dual_stack.is_dual_stack(cluster) and len(np_.get("podCidrs") or []) > 1:
        pod_cidrs_v6 = [dual_stack.node_pod_cidr_v6(np_["podCidr"], c, np_["podCidrs"][1]) if c else None
                        for c in pod_cidrs]
    batches = None
    if pool.get("podSubnetId"):
        psub = network.get_subnet(tx, pool["podSubnetId"])
        prefix = network.subnet_ipv4_prefix(psub)
        if pool.get("podIpAllocationMode") == STATIC_BLOCK:
            blocks = -(-int(pool["maxPods"]) // POD_SUBNET_BATCH)  # ceil(maxPods / 16) /28 blocks per node
            batches = [subnet_ipam.allocate_blocks(tx, psub["id"], prefix, f"{i.id}/podipbatch", blocks)
                       for i in created]
        else:
            batches = subnet_ipam.allocate_many(tx, psub["id"], prefix,
                                                [(f"{i.id}/podipbatch", POD_SUBNET_BATCH) for i in created])
    nodes.register_nodes(tx, cluster["id"], instances=created, pool=pool["name"], mode=pool.get("mode", "System"),
                         node_rg=p.node_resource_group, location=p.location, vm_size=pool["vmSize"],
                         max_pods=int(pool["maxPods"]), pod_cidrs=pod_cidrs,
                         kubernetes_version=cluster["properties"]["kubernetesVersion"], pod_subnet_ips=batches,
                         node_labels=pool.get("nodeLabels"), node_taints=pool.get("nodeTaints"),
                         zones=pool.get("availabilityZones"), pod_cidrs_v6=pod_cidrs_v6)
    if p.backend_pool_ids:
        lb = lb_id_of(cluster)
        assert lb is not None
        members = [f"{i.nic_id}/ipConfigurations/ipconfig1" for i in created]
        members += [f"{i.nic_id}/ipConfigurations/{vmss.IPCONFIG_V6}" for i in created if i.ip_v6]
        infrastructure.set_backend_members(tx, lb, members, [])
    rt = kubenet_route_table(tx, cluster)
    if rt:
        dual = any(c for c in pod_cidrs_v6)
        wanted = [(routes.route_name(i.name, c, dual), c, i.ip) for i, c in zip(created, pod_cidrs) if c]
        wanted += [(routes.route_name(i.name, c, dual), c, i.ip_v6)
                   for i, c in zip(created, pod_cidrs_v6) if c and i.ip_v6]
        routes.write_routes(tx, rt, wanted)


def shrink_pool(tx: Transaction, cluster: Doc, pool: Pool, remove: int) -> None:
    """Remove the ``remove`` newest instances of the pool (and their Nodes, routes, addresses)."""
    if remove <= 0:
        return
    existing = sorted(pool_instances(tx, cluster, pool["name"]), key=lambda d: int(d["id"].rsplit("/", 1)[-1]))
    doomed = existing[-remove:]
    _remove_instances(tx, cluster, pool, doomed)
    p = placement(tx, cluster, pool)
    vmss.ensure_vmss(tx, p, len(existing) - len(doomed))


def delete_pool(tx: Transaction, cluster: Doc, pool: Pool) -> None:
    _remove_instances(tx, cluster, pool, pool_instances(tx, cluster, pool["name"]))
    vid = vmss.vmss_id(cluster["properties"]["nodeResourceGroup"], pool["name"], digits_of(cluster))
    tx.delete(names.KIND_VMSS, vid)


def _remove_instances(tx: Transaction, cluster: Doc, pool: Pool, doomed: list[Doc]) -> None:
    node_names = [d["properties"]["osProfile"]["computerName"] for d in doomed]
    rt = kubenet_route_table(tx, cluster)
    if rt:
        routes.remove_routes(tx, rt, node_names)
    lb = lb_id_of(cluster)
    if lb:
        infrastructure.set_backend_members(tx, lb, [], [d["id"] + "/" for d in doomed])
    if pool.get("podSubnetId"):
        subnet_ipam.release_owners(tx, pool["podSubnetId"], [f"{d['id']}/podipbatch" for d in doomed])
    vmss.delete_instances(tx, [d["id"] for d in doomed])
    nodes.delete_nodes(tx, cluster["id"], node_names)
