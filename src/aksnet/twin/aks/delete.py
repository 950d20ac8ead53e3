"""``az aks delete``: remove the managed cluster, its node resource group and everything in it (addresses
released through the group's cascade), its Kubernetes objects, and the kubenet routes it wrote into a BYO
route table. A route table or NSG that AKS put on a user's subnet is detached first. Never deletes a user's
own resources.
"""

from __future__ import annotations

from aksnet.errors import AzureError
from aksnet.io.arm_ids import group_id, parse_resource_id
from aksnet.model.ids import id_key, same_name
from aksnet.store import Transaction
from aksnet.twin import network, resources
from aksnet.twin.aks import context, infrastructure, nodes, routes, vmss
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER, KIND_VMSS_VM
from aksnet.twin.arm import KIND_GROUP
from aksnet.twin.kube import objects
from aksnet.twin.kube_store import cluster_scope


def _in_group(rid: str, group: str) -> bool:
    parsed = parse_resource_id(rid)
    return parsed is not None and same_name(parsed.resource_group, group)


def delete_cluster(tx: Transaction, resource_group: str, name: str) -> None:
    cluster = context.get_cluster(tx, resource_group, name)
    cid = cluster["id"]
    node_rg = cluster["properties"]["nodeResourceGroup"]
    node_names = [n["metadata"]["name"] for n in nodes.cluster_nodes(tx, cid)]
    subnets = {str(p["vnetSubnetId"]) for p in cluster["properties"]["agentPoolProfiles"] if p.get("vnetSubnetId")}
    for sid in sorted(subnets):
        if _in_group(sid, node_rg):
            continue
        try:
            sub = network.get_subnet(tx, sid)
        except AzureError:  # the user deleted the subnet already
            continue
        rt = infrastructure.subnet_route_table(tx, sid)
        if rt is not None:
            if _in_group(rt["id"], node_rg):
                network.associate_subnet(tx, sid, route_table_id=None)
            else:
                routes.remove_routes(tx, rt["id"], node_names)
        nsg = (sub["properties"].get("networkSecurityGroup") or {}).get("id")
        if nsg and _in_group(nsg, node_rg):
            network.associate_subnet(tx, sid, nsg_id=None)
        nat = (sub["properties"].get("natGateway") or {}).get("id")
        if nat and _in_group(nat, node_rg):
            network.associate_subnet(tx, sid, nat_gateway_id=None)
    objects.flush(tx, cid)
    tx.delete(KIND_MANAGED_CLUSTER, cid)
    tx.delete_scope(cluster_scope(cid))
    if tx.exists(KIND_GROUP, group_id(node_rg)):
        # the instances first, in bulk (their addresses and back-references in a BYO subnet go in one write);
        # the group's cascade then removes the rest. It ends the same, but cascading NICs one IP configuration
        # at a time rewrote a 1,000-node Azure CNI cluster's VNet 31,000 times.
        prefix = id_key(group_id(node_rg)) + "/"
        vmss.delete_instances(tx, [key for key, _ in tx.items(KIND_VMSS_VM, "", prefix)])
        resources.delete_group(tx, node_rg, allow_managed=True)
