"""Reading what the RP checks a cluster against from the workspace: the node subnet, its VNet and how many of
its addresses are still free (:class:`~aksnet.twin.aks.spec.VnetContext`), and the stored cluster document.
"""

from __future__ import annotations

from aksnet.errors import AzureError, ResourceNotFound
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.model.ids import same_id, same_name
from aksnet.store import Transaction
from aksnet.twin import network, subnet_ipam
from aksnet.twin.aks import capacity, names
from aksnet.twin.aks.defaults import MANAGED_SUBNET_NAME, MANAGED_SUBNET_PREFIX, MANAGED_VNET_PREFIX
from aksnet.twin.aks.spec import VnetContext
from aksnet.twin.arm import Doc, get_group


def subnet_context(tx: Transaction, subnet_id: str, field: str = "vnetSubnetID") -> VnetContext:
    """The VNet context of an existing subnet; AKS's error when it does not exist or is delegated."""
    try:
        sub = network.get_subnet(tx, subnet_id)
    except AzureError:
        raise AzureError("InvalidParameter", f"The subnet {subnet_id} of agentPoolProfile.{field} was not found. "
                         "Please make sure the subnet exists.", f"agentPoolProfile.{field}") from None
    if sub["properties"].get("delegations"):
        raise AzureError("SubnetIsDelegated",
                         f"Subnet {sub['name']} is delegated to "
                         f"{sub['properties']['delegations'][0]['properties'].get('serviceName', 'a service')}; AKS "
                         "node and pod subnets can't be delegated subnets.", f"agentPoolProfile.{field}")
    vnet = network.vnet_of_subnet(tx, sub["id"])
    prefix = network.subnet_ipv4_prefix(sub)
    subnets = tuple((str(s["name"]), network.subnet_ipv4_prefix(s)) for s in vnet["properties"].get("subnets", []))
    used = subnet_ipam.used_count(tx, sub["id"])
    return VnetContext(
        vnet_id=str(vnet["id"]), vnet_name=str(vnet["name"]),
        # the IPv4 space: the RP's range checks are about the IPv4 pod and service CIDRs
        address_prefixes=tuple(p for p in vnet["properties"]["addressSpace"]["addressPrefixes"] if ":" not in p),
        subnets=subnets, subnet_id=str(sub["id"]), subnet_name=str(sub["name"]), subnet_prefix=prefix,
        available=capacity.usable(prefix) - used)


def seed_subnet_id(tx: Transaction, subnet_id: str | None) -> tuple[str | None, str | None]:
    """The seeds' walkthroughs carry their authors' subscription IDs in ``--vnet-subnet-id``; when the subnet is
    not found under that subscription but the same resource group/VNet/subnet exists in the emulated
    subscription, use it and say so (DESIGN: seeds run as written, differences are warnings)."""
    if not subnet_id:
        return subnet_id, None
    parsed = parse_resource_id(subnet_id)
    if parsed is None or same_name(parsed.subscription, SUBSCRIPTION_ID):
        return subnet_id, None
    local = subnet_id.replace(f"/subscriptions/{parsed.subscription}", f"/subscriptions/{SUBSCRIPTION_ID}", 1)
    try:
        network.get_subnet(tx, local)
    except AzureError:
        return subnet_id, None
    return local, (f"The subscription {parsed.subscription} in {subnet_id} is not the emulated subscription "
                   f"{SUBSCRIPTION_ID}; using subnet {parsed.names[-1]} of virtual network {parsed.names[0]} in "
                   f"resource group {parsed.resource_group} of the emulated subscription.")


def managed_context(node_rg: str, digits: str) -> VnetContext:
    """The AKS-managed VNet before it is built (nothing else uses it)."""
    vnet_name = names.managed_vnet_name(digits)
    return VnetContext(
        vnet_id=network.vnet_id(node_rg, vnet_name), vnet_name=vnet_name, address_prefixes=(MANAGED_VNET_PREFIX,),
        subnets=((MANAGED_SUBNET_NAME, MANAGED_SUBNET_PREFIX),),
        subnet_id=network.subnet_id(node_rg, vnet_name, MANAGED_SUBNET_NAME), subnet_name=MANAGED_SUBNET_NAME,
        subnet_prefix=MANAGED_SUBNET_PREFIX, available=capacity.usable(MANAGED_SUBNET_PREFIX), managed=True)


def get_cluster(tx: Transaction, resource_group: str, name: str) -> Doc:
    """The stored managed cluster, or ARM's ``ResourceNotFound`` (``ResourceGroupNotFound`` first)."""
    get_group(tx, resource_group)
    doc = tx.get(names.KIND_MANAGED_CLUSTER, names.cluster_id(resource_group, name))
    if doc is None:
        raise ResourceNotFound(
            f"The Resource 'Microsoft.ContainerService/managedClusters/{name}' under resource group "
            f"'{resource_group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    return doc


def clusters_using_subnet(tx: Transaction, subnet_id: str) -> list[Doc]:
    out = []
    for doc in tx.list(names.KIND_MANAGED_CLUSTER):
        for p in doc["properties"].get("agentPoolProfiles", []):
            if same_id(str(p.get("vnetSubnetId") or ""), subnet_id):
                out.append(doc)
                break
    return out


def resource_group_of(resource: str) -> str:
    parsed = parse_resource_id(resource)
    return parsed.resource_group if parsed else ""
