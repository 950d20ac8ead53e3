"""The Azure resources AKS builds for a cluster's networking (learn.microsoft.com/azure/aks/faq;
learn.microsoft.com/azure/aks/load-balancer-standard; learn.microsoft.com/azure/aks/private-clusters;
learn.microsoft.com/azure/aks/egress-outboundtype):
node resource group, managed VNet ``aks-vnet-<digits>``/``aks-subnet``, the agent pool NSG, the kubenet route
table, the ``kubernetes`` Standard load balancer with its outbound rule and managed outbound public IPs, the
managed NAT gateway, and a private cluster's API server private endpoint and private DNS zone.

Everything goes through the network resource provider (:mod:`aksnet.twin.network`) and addresses through
:mod:`aksnet.twin.subnet_ipam`. This module never edits a user's NSG and never creates nodes.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aksnet.errors import AzureError
from aksnet.io.arm_ids import group_id, parse_resource_id, resource_id
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin import network, resources
from aksnet.twin.aks import dual_stack, names, validation_rp
from aksnet.twin.aks.defaults import (
    MANAGED_SUBNET_NAME,
    MANAGED_SUBNET_PREFIX,
    MANAGED_VNET_PREFIX,
    OUTBOUND_RULE_IDLE_TIMEOUT,
)
from aksnet.twin.aks.vmss import IPCONFIG_V6
from aksnet.twin.arm import KIND_GROUP, Doc, deterministic_uuid, etag
from aksnet.twin.network import private

LB_NAME = "kubernetes"  # cloud-provider-azure: the cluster name "kubernetes" [CPA getAzureLoadBalancerName]
BACKEND_POOL = "kubernetes"
OUTBOUND_POOL = "aksOutboundBackendPool"
OUTBOUND_RULE = "aksOutboundRule"
NAT_GATEWAY_NAME = "aks-natgateway"
PRIVATE_ENDPOINT_NAME = "kube-apiserver"


def ensure_node_group(tx: Transaction, node_rg: str, location: str, cluster_id: str) -> Doc:
    """``MC_<rg>_<cluster>_<location>``, managed by the cluster; an existing group can't be reused [AKS faq]."""
    existing = tx.get(KIND_GROUP, group_id(node_rg))
    if existing is not None and not same_id(str(existing.get("managedBy") or ""), cluster_id):
        raise AzureError("NodeResourceGroupAlreadyExists",
                         f"Node resource group {node_rg} already exists. Please use a new resource group name.",
                         "nodeResourceGroup")
    return resources.create_group(tx, node_rg, location, tags=None, managed_by=cluster_id)


def create_managed_network(tx: Transaction, node_rg: str, digits: str, location: str, dual: bool = False) -> str:
    """The AKS-managed VNet ``aks-vnet-<digits>`` 10.224.0.0/12 with ``aks-subnet`` 10.224.0.0/16 (dual-stack:
    with an IPv6 space and /64 as well, learn.microsoft.com/azure/aks/configure-kubenet-dual-stack, "a
    dual-stack virtual network configuration"); returns the subnet ID."""
    name = names.managed_vnet_name(digits)
    space = [MANAGED_VNET_PREFIX] + ([dual_stack.MANAGED_VNET_PREFIX_V6] if dual else [])
    prefixes = [MANAGED_SUBNET_PREFIX] + ([dual_stack.MANAGED_SUBNET_PREFIX_V6] if dual else [])
    network.create_vnet(tx, node_rg, name, space, location=location, subnet_name=MANAGED_SUBNET_NAME,
                        subnet_prefixes=prefixes)
    return network.subnet_id(node_rg, name, MANAGED_SUBNET_NAME)


def create_agentpool_nsg(tx: Transaction, node_rg: str, digits: str, location: str,
                         managed_subnet_id: str | None) -> str:
    """``aks-agentpool-<digits>-nsg``: on the managed subnet, or (BYO subnet) left for the node NICs — AKS never
    modifies a user's subnet NSG [learn.microsoft.com/azure/aks/faq]."""
    doc = network.create_nsg(tx, node_rg, names.nsg_name(digits), location=location)
    if managed_subnet_id:
        network.associate_subnet(tx, managed_subnet_id, nsg_id=doc["id"])
    return str(doc["id"])


def subnet_route_table(tx: Transaction, subnet_id: str) -> Doc | None:
    sub = network.get_subnet(tx, subnet_id)
    rt = (sub["properties"].get("routeTable") or {}).get("id")
    return tx.get(network.KIND_ROUTE_TABLE, rt) if rt else None


def ensure_kubenet_route_table(tx: Transaction, node_rg: str, digits: str, location: str,
                               subnet_id: str) -> tuple[str, bool]:
    """The route table kubenet writes node routes into: the one already on the subnet (BYO), else a new
    ``aks-agentpool-<digits>-routetable`` associated with the subnet. Returns (ID, created)."""
    existing = subnet_route_table(tx, subnet_id)
    if existing is not None:
        return str(existing["id"]), False
    doc = network.create_route_table(tx, node_rg, names.route_table_name(digits), location=location)
    network.associate_subnet(tx, subnet_id, route_table_id=doc["id"])
    return str(doc["id"]), True


def create_managed_outbound_ips(tx: Transaction, node_rg: str, location: str, resource_group: str, name: str,
                                count: int, kind: str, sku: str = "Standard", avoid: Collection[str] = (),
                                version: str = "IPv4") -> list[str]:
    """Managed outbound public IPs (GUID names, Standard/Static; Basic/Dynamic with a Basic LB) in the node
    resource group. An existing managed IP of the same ``kind`` is kept (a count change keeps the first IPs);
    IDs in ``avoid`` (the IPs of the outbound configuration being replaced) and IPs of another kind are never
    reused: a new outbound configuration gets new IPs. ``version`` IPv6: a dual-stack cluster's IPv6 outbound IPs
    (``managedOutboundIPs.countIpv6``)."""
    skip = {id_key(a) for a in avoid}
    ids = []
    for i in range(count):
        generation = 0
        while True:
            index = i if version == "IPv4" else f"ipv6-{i}"
            pid = network.public_ip_id(node_rg, names.outbound_ip_name(resource_group, name, index, generation))
            existing = tx.get(network.KIND_PUBLIC_IP, pid)
            if id_key(pid) not in skip and (existing is None or is_managed_outbound_ip(existing, kind)):
                break
            generation += 1
        pip = network.create_public_ip(tx, node_rg, pid.rsplit("/", 1)[-1], location=location, sku=sku,
                                       tags={"aks-managed-type": kind}, version=version)
        ids.append(str(pip["id"]))
    return ids


def is_managed_outbound_ip(pip: Doc | None, kind: str | None = None) -> bool:
    """A public IP AKS made for egress (tag ``aks-managed-type``: ``aks-slb-managed-outbound-ip`` or
    ``aks-nat-gateway-managed-outbound-ip``), of ``kind`` when given; a user's own IP never is."""
    tag = str(((pip or {}).get("tags") or {}).get("aks-managed-type") or "")
    return tag.endswith("managed-outbound-ip") and (kind is None or tag == kind)


def create_load_balancer(tx: Transaction, node_rg: str, location: str, outbound_ip_ids: list[str],
                         sku: str = "Standard", *, outbound_ports: int = 0,
                         idle_timeout: int = OUTBOUND_RULE_IDLE_TIMEOUT) -> str:
    """The public Standard LB ``kubernetes``: backend pools ``kubernetes`` and ``aksOutboundBackendPool``, one
    frontend per outbound IP (named after the IP), outbound rule ``aksOutboundRule`` (All, TCP reset, idle 30,
    ports 0) [learn.microsoft.com/azure/aks/load-balancer-standard]. A Basic LB has no outbound rules (Standard
    only)."""
    lb_id = network.load_balancer_id(node_rg, LB_NAME)
    frontends = [outbound_frontend(pid) for pid in outbound_ip_ids]
    props: dict[str, Any] = {
        "frontendIPConfigurations": frontends,
        "backendAddressPools": [{"name": BACKEND_POOL, "properties": {"backendIPConfigurations": []}},
                                {"name": OUTBOUND_POOL, "properties": {"backendIPConfigurations": []}}],
        "loadBalancingRules": [], "probes": [], "inboundNatRules": [], "inboundNatPools": [],
        "outboundRules": [],
    }
    if frontends and sku == "Standard":
        props["outboundRules"] = [outbound_rule(lb_id, outbound_ip_ids, outbound_ports, idle_timeout)]
    network.put_load_balancer(tx, {"id": lb_id, "name": LB_NAME, "location": location,
                                   "sku": {"name": sku, "tier": "Regional"}, "properties": props})
    return lb_id


def outbound_frontend(public_ip_id: str) -> Doc:
    """An outbound frontend of the ``kubernetes`` LB: named after its public IP."""
    return {"name": public_ip_id.rsplit("/", 1)[-1],
            "properties": {"privateIPAllocationMethod": "Dynamic", "publicIPAddress": {"id": public_ip_id}}}


def outbound_rule(lb_id: str, outbound_ip_ids: list[str], outbound_ports: int = 0,
                  idle_timeout: int = OUTBOUND_RULE_IDLE_TIMEOUT) -> Doc:
    """``aksOutboundRule``: All protocols, TCP reset, idle 30 minutes and ports 0 (default allocation) unless
    ``--load-balancer-idle-timeout``/``--load-balancer-outbound-ports`` say otherwise, over
    ``aksOutboundBackendPool``,
    one frontend per outbound IP (named after the IP) [learn.microsoft.com/azure/aks/load-balancer-standard]."""
    return {"name": OUTBOUND_RULE, "properties": {
        "allocatedOutboundPorts": outbound_ports, "enableTcpReset": True, "idleTimeoutInMinutes": idle_timeout,
        "protocol": "All", "backendAddressPool": {"id": f"{lb_id}/backendAddressPools/{OUTBOUND_POOL}"},
        "frontendIPConfigurations": [{"id": f"{lb_id}/frontendIPConfigurations/{pid.rsplit('/', 1)[-1]}"}
                                     for pid in outbound_ip_ids],
    }}


def backend_pool_ids(lb_id: str) -> tuple[str, ...]:
    return (f"{lb_id}/backendAddressPools/{BACKEND_POOL}", f"{lb_id}/backendAddressPools/{OUTBOUND_POOL}")


def set_backend_members(tx: Transaction, lb_id: str, add: list[str], remove_prefixes: list[str]) -> None:
    """Keep the LB pools' ``backendIPConfigurations`` in step with the node NICs."""
    lb = tx.get(network.KIND_LB, lb_id)
    if lb is None:
        return
    drop = [id_key(p) for p in remove_prefixes]
    for pool in lb["properties"].get("backendAddressPools", []):
        items = pool["properties"].setdefault("backendIPConfigurations", [])
        kept = [i for i in items if not any(id_key(i["id"]).startswith(d) for d in drop)]
        seen = {id_key(i["id"]) for i in kept}
        v6_pool = str(pool.get("name", "")).endswith("-IPv6")  # kubernetes-IPv6 holds the IPv6 configurations
        kept.extend({"id": a} for a in add if id_key(a) not in seen
                    and a.endswith(f"/ipConfigurations/{IPCONFIG_V6}") == v6_pool)
        pool["properties"]["backendIPConfigurations"] = kept
    lb["etag"] = etag(tx)
    tx.put(network.KIND_LB, lb_id, lb)


def set_outbound_ips(tx: Transaction, lb_id: str, outbound_ip_ids: list[str]) -> None:
    """Replace the outbound frontends (``az aks update --load-balancer-managed-outbound-ip-count``)."""
    lb = tx.get(network.KIND_LB, lb_id)
    if lb is None:
        return
    props = lb["properties"]
    old_outbound = {id_key(f["id"]) for r in props.get("outboundRules", [])
                    for f in r["properties"].get("frontendIPConfigurations", [])}
    keep = [f for f in props.get("frontendIPConfigurations", []) if id_key(f["id"]) not in old_outbound]
    new = [outbound_frontend(pid) for pid in outbound_ip_ids]
    props["frontendIPConfigurations"] = keep + new
    for r in props.get("outboundRules", []):
        r["properties"]["frontendIPConfigurations"] = [
            {"id": f"{lb_id}/frontendIPConfigurations/{f['name']}"} for f in new]
    network.put_load_balancer(tx, lb)


def create_nat_gateway(tx: Transaction, node_rg: str, location: str, outbound_ip_ids: list[str],
                       subnet_id: str, idle_timeout: int = 4) -> str:
    """managedNATGateway: a NAT gateway with the managed IPs (idle timeout 4 minutes unless
    ``--nat-gateway-idle-timeout``), attached to the managed subnet."""
    doc = network.create_nat_gateway(tx, node_rg, NAT_GATEWAY_NAME, location=location,
                                     public_ip_ids=outbound_ip_ids, idle_timeout=idle_timeout)
    network.associate_subnet(tx, subnet_id, nat_gateway_id=doc["id"])
    return str(doc["id"])


def create_private_endpoint(tx: Transaction, *, node_rg: str, location: str, cluster_id: str, subnet_id: str,
                            vnet_id: str, private_fqdn: str, zone_setting: str) -> tuple[str, str]:
    """A private cluster's API server: private endpoint ``kube-apiserver`` (group ``management``) whose NIC takes
    an address in the first pool's subnet; with the ``system`` zone, a private DNS zone
    ``<guid>.privatelink.<location>.azmk8s.io`` in the node RG, linked to the cluster VNet, with an A record
    for the API FQDN [learn.microsoft.com/azure/aks/private-clusters]. Returns (endpoint ID, private IP)."""
    pe_id = network.network_id(node_rg, "privateEndpoints", PRIVATE_ENDPOINT_NAME)
    nic_name = f"{PRIVATE_ENDPOINT_NAME}.nic.{deterministic_uuid('pe-nic', id_key(pe_id))}"
    nic = network.create_nic(tx, node_rg, nic_name, subnet_id, location=location)
    ip = str(nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"])
    nic["properties"]["privateEndpoint"] = {"id": pe_id}
    tx.put(network.KIND_NIC, nic["id"], nic)
    doc: Doc = {
        "id": pe_id, "name": PRIVATE_ENDPOINT_NAME, "type": "Microsoft.Network/privateEndpoints",
        "location": location, "etag": etag(tx),
        "properties": {
            "provisioningState": "Succeeded",
            "resourceGuid": deterministic_uuid("resourceGuid", id_key(pe_id)),
            "subnet": {"id": subnet_id},
            "networkInterfaces": [{"id": nic["id"]}],
            "privateLinkServiceConnections": [{
                "id": f"{pe_id}/privateLinkServiceConnections/{PRIVATE_ENDPOINT_NAME}",
                "name": PRIVATE_ENDPOINT_NAME,
                "properties": {"provisioningState": "Succeeded", "privateLinkServiceId": cluster_id,
                               "groupIds": ["management"],
                               "privateLinkServiceConnectionState": {"status": "Approved", "description": "",
                                                                     "actionsRequired": "None"}}}],
            "manualPrivateLinkServiceConnections": [],
            "customDnsConfigs": [{"fqdn": private_fqdn, "ipAddresses": [ip]}],
        },
    }
    tx.put(names.KIND_PRIVATE_ENDPOINT, pe_id, doc)
    zone = zone_setting.lower()
    if zone == "none":
        return pe_id, ip
    if zone == "system":
        zone_name = private_fqdn.split(".", 1)[1]
        zone_id = network.network_id(node_rg, "privateDnsZones", zone_name)
        private.put_zone(tx, zone_id, zone_name, record_sets=2)
    else:
        zone_id = zone_setting
        parsed = parse_resource_id(zone_id)
        if parsed is None or tx.get(names.KIND_PRIVATE_DNS_ZONE, zone_id) is None:
            raise AzureError("PrivateDNSZoneNotFound", f"The private DNS zone {zone_setting} was not found.",
                             "apiServerAccessProfile.privateDNSZone")
        zone_name = parsed.name
    label = private_fqdn[: -len(zone_name) - 1] if private_fqdn.endswith("." + zone_name) else private_fqdn
    _put_record(tx, zone_id, label, ip)
    _put_link(tx, zone_id, vnet_id)
    return pe_id, ip


def _put_record(tx: Transaction, zone_id: str, label: str, ip: str) -> None:
    rid = f"{zone_id}/A/{label}"
    zone_name = zone_id.rsplit("/", 1)[-1]
    tx.put(names.KIND_PRIVATE_DNS_A, rid, {
        "id": rid, "name": label, "type": "Microsoft.Network/privateDnsZones/A",
        "etag": deterministic_uuid("a-etag", id_key(rid)),
        "properties": {"fqdn": f"{label}.{zone_name}.", "ttl": 300, "isAutoRegistered": False,
                       "aRecords": [{"ipv4Address": ip}]},
    })


def _put_link(tx: Transaction, zone_id: str, vnet_id: str) -> None:
    link_name = deterministic_uuid("link", id_key(zone_id), id_key(vnet_id)).replace("-", "")[:24]
    private.put_vnet_link(tx, zone_id, link_name, vnet_id)


def cluster_resource_id(resource_group: str, name: str) -> str:
    return resource_id(resource_group, names.CONTAINER_SERVICE, "managedClusters", name)


def check_egress_target(tx: Transaction, outbound_type: str, subnet_id: str,
                        outbound_ip_ids: Collection[str]) -> None:
    """The resource provider's checks of an egress before it is built (``aks create`` and ``aks update
    --outbound-type``): UDR needs the subnet's route table with a usable default route, a user-assigned NAT
    gateway must sit on the subnet, and user-given outbound IPs must exist."""
    if outbound_type == "userDefinedRouting":
        validation_rp.check_udr_route_table(subnet_route_table(tx, subnet_id), subnet_id)
    if outbound_type == "userAssignedNATGateway":
        sub = network.get_subnet(tx, subnet_id)
        if not sub["properties"].get("natGateway"):
            raise AzureError("NatGatewayNotAssociatedWithSubnet",
                             f"outboundType userAssignedNATGateway requires a NAT gateway associated with subnet "
                             f"{subnet_id}.", "networkProfile.outboundType")
    for pid in outbound_ip_ids:
        if tx.get(network.KIND_PUBLIC_IP, pid) is None:
            raise AzureError("InvalidLoadBalancerProfile",
                             f"Public IP {pid} of loadBalancerProfile.outboundIPs was not found.",
                             "networkProfile.loadBalancerProfile.outboundIPs")

