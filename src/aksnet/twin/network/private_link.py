"""Private Link services (``Microsoft.Network/privateLinkServices``) and the private endpoints users create to
reach them (``az network private-endpoint create --private-connection-resource-id <PLS ID>``)
[learn.microsoft.com/azure/private-link/private-link-service-overview;
learn.microsoft.com/azure/private-link/create-private-endpoint-cli].

A PLS fronts one Standard load balancer frontend IP configuration; its NAT IP configurations take addresses
from a subnet of the load balancer's VNet (the source addresses the backends see). A private endpoint is a NIC
in the consumer's subnet whose connection to the PLS is Approved at once when the caller may approve it (one
subscription here) or its subscription is in the PLS's auto-approval list. Written by the cloud provider
(:mod:`aksnet.twin.cloud_provider.private_link`) and by ``az``; this module does not print.
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.errors import AzureError
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc, deterministic_uuid, etag, get_group
from aksnet.twin.network import nic as nic_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import KIND_NIC, get_resource, network_id
from aksnet.twin.network.private import KIND_PRIVATE_ENDPOINT, TYPE_PRIVATE_ENDPOINT, private_endpoint_id

TYPE_PLS = "Microsoft.Network/privateLinkServices"
KIND_PLS = TYPE_PLS.lower()
MAX_NAT_IPS = 8  # NAT IP configurations per PLS (azure-pls-ip-configuration-ip-address-count: 1-8)


def pls_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "privateLinkServices", name)


def get_pls(tx: Transaction, rid: str) -> Doc:
    return get_resource(tx, KIND_PLS, rid, TYPE_PLS)


def list_pls(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_PLS)
    get_group(tx, resource_group)
    return tx.list(KIND_PLS, "", network_id(resource_group, "privateLinkServices", ""))


def alias(name: str, rid: str, location: str) -> str:
    """``<name>.<guid>.<location>.azure.privatelinkservice``, the name consumers connect by."""
    return f"{name}.{deterministic_uuid('pls-alias', id_key(rid))}.{location}.azure.privatelinkservice"


def put_pls(tx: Transaction, *, resource_group: str, name: str, location: str, frontend_id: str, nat_subnet_id: str,
            ip_count: int, static_ips: Sequence[str], proxy_protocol: bool, visibility: Sequence[str],
            auto_approval: Sequence[str], fqdns: Sequence[str], tags: dict[str, str]) -> Doc:
    """Create or update a PLS on ``frontend_id`` with ``ip_count`` NAT addresses in ``nat_subnet_id`` (the
    ``static_ips`` first, the first one primary, the rest dynamic). Existing NAT addresses are kept when the
    subnet and static list do not change. Raises the network RP's address errors."""
    rid = pls_id(resource_group, name)
    old = tx.get(KIND_PLS, rid)
    subnet = subnet_mod.get_subnet(tx, nat_subnet_id)
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    sid = str(subnet["id"])
    configs: list[Doc] = []
    for k in range(ip_count):
        cname = f"{name}-ipconfig-{k}" if k else f"{name}-ipconfig-primary"
        cid = f"{rid}/ipConfigurations/{cname}"
        held = [ip for ip, who in subnet_ipam.allocations(tx, sid).items() if same_id(who, cid)]
        want = static_ips[k] if k < len(static_ips) else None
        if held and (want is None or held[0] == want):
            ip, method = held[0], "Static" if want else "Dynamic"
        else:
            subnet_ipam.release(tx, sid, cid)
            ip = subnet_ipam.allocate_static(tx, sid, prefix, cid, want) if want else \
                subnet_ipam.allocate(tx, sid, prefix, cid)[0]
            method = "Static" if want else "Dynamic"
        configs.append({"id": cid, "name": cname, "properties": {
            "primary": k == 0, "privateIPAddress": ip, "privateIPAddressVersion": "IPv4",
            "privateIPAllocationMethod": method, "provisioningState": "Succeeded", "subnet": {"id": sid}}})
    if old is not None:  # addresses of NAT configurations that went away go back to their subnets
        kept = {id_key(c["id"]) for c in configs}
        for c in old["properties"].get("ipConfigurations") or []:
            if id_key(c["id"]) not in kept:
                subnet_ipam.release(tx, c["properties"]["subnet"]["id"], c["id"])
    nic_name = f"{name}.nic.{deterministic_uuid('pls-nic', id_key(rid))}"
    doc: Doc = {
        "id": rid, "name": name, "type": TYPE_PLS, "location": location, "tags": tags or None,
        "etag": etag(tx),
        "properties": {
            "provisioningState": "Succeeded", "alias": alias(name, rid, location),
            "enableProxyProtocol": proxy_protocol, "fqdns": list(fqdns),
            "ipConfigurations": configs,
            "loadBalancerFrontendIpConfigurations": [{"id": frontend_id}],
            "networkInterfaces": [{"id": network_id(resource_group, "networkInterfaces", nic_name)}],
            "privateEndpointConnections": (old or {}).get("properties", {}).get("privateEndpointConnections") or [],
            "visibility": {"subscriptions": list(visibility)},
            "autoApproval": {"subscriptions": list(auto_approval)},
        },
    }
    tx.put(KIND_PLS, rid, doc)
    return doc


def delete_pls(tx: Transaction, rid: str) -> None:
    """Remove a PLS and give back its NAT addresses; its endpoints' connections become Disconnected."""
    doc = tx.get(KIND_PLS, rid)
    if doc is None:
        return
    for c in doc["properties"].get("ipConfigurations") or []:
        subnet_ipam.release(tx, c["properties"]["subnet"]["id"], c["id"])
    for conn in doc["properties"].get("privateEndpointConnections") or []:
        pe = tx.get(KIND_PRIVATE_ENDPOINT, conn["properties"]["privateEndpoint"]["id"])
        if pe is None:
            continue
        for link in pe["properties"].get("privateLinkServiceConnections") or []:
            if same_id(str(link["properties"].get("privateLinkServiceId", "")), rid):
                link["properties"]["privateLinkServiceConnectionState"] = {
                    "status": "Disconnected", "description": "The private link service was deleted.",
                    "actionsRequired": "None"}
        tx.put(KIND_PRIVATE_ENDPOINT, pe["id"], pe)
    tx.delete(KIND_PLS, rid)


def create_private_endpoint(tx: Transaction, resource_group: str, name: str, subnet_id: str, target_id: str,
                            connection_name: str, location: str | None = None, manual: bool = False) -> Doc:
    """``az network private-endpoint create`` to a Private Link service: a NIC in ``subnet_id``; the connection
    is Approved (same subscription, or auto-approval) unless ``--manual-request`` asks for a Pending one."""
    get_group(tx, resource_group)
    rid = private_endpoint_id(resource_group, name)
    if tx.get(KIND_PRIVATE_ENDPOINT, rid) is not None:
        return tx.get(KIND_PRIVATE_ENDPOINT, rid) or {}
    if "/providers/microsoft.network/privatelinkservices/" not in id_key(target_id):
        raise AzureError("PrivateEndpointTargetNotEmulated",
                         f"aksnet emulates private endpoints to Private Link services only; {target_id} is not one "
                         "(see docs/fidelity.md).")
    pls = get_pls(tx, target_id)
    subnet, vnet = subnet_mod.subnet_and_vnet(tx, subnet_id)
    nic_name = f"{name}.nic.{deterministic_uuid('pe-nic', id_key(rid))}"
    nic = nic_mod.create_nic(tx, resource_group, nic_name, str(subnet["id"]), location=location or vnet["location"])
    ip = str(nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"])
    nic["properties"]["privateEndpoint"] = {"id": rid}
    tx.put(KIND_NIC, nic["id"], nic)
    auto = SUBSCRIPTION_ID in (pls["properties"].get("autoApproval") or {}).get("subscriptions", [])
    status = "Pending" if manual and not auto else "Approved"
    collection = "manualPrivateLinkServiceConnections" if manual else "privateLinkServiceConnections"
    state = {"status": status, "description": "Auto-Approved" if status == "Approved" else "",
             "actionsRequired": "None"}
    conn: Doc = {"id": f"{rid}/{collection}/{connection_name}", "name": connection_name,
                 "properties": {"provisioningState": "Succeeded", "privateLinkServiceId": str(pls["id"]),
                                "groupIds": [], "privateLinkServiceConnectionState": state}}
    doc: Doc = {
        "id": rid, "name": name, "type": TYPE_PRIVATE_ENDPOINT, "location": location or vnet["location"],
        "etag": etag(tx),
        "properties": {
            "provisioningState": "Succeeded", "resourceGuid": deterministic_uuid("resourceGuid", id_key(rid)),
            "subnet": {"id": str(subnet["id"])}, "networkInterfaces": [{"id": nic["id"]}],
            "privateLinkServiceConnections": [] if manual else [conn],
            "manualPrivateLinkServiceConnections": [conn] if manual else [],
            "customDnsConfigs": [{"fqdn": f, "ipAddresses": [ip]} for f in pls["properties"].get("fqdns") or []],
            "ipConfigurations": [], "customNetworkInterfaceName": "",
        },
    }
    tx.put(KIND_PRIVATE_ENDPOINT, rid, doc)
    pls["properties"].setdefault("privateEndpointConnections", []).append({
        "id": f"{pls['id']}/privateEndpointConnections/{name}.{deterministic_uuid('pec', id_key(rid))}",
        "name": f"{name}.{deterministic_uuid('pec', id_key(rid))}",
        "properties": {"provisioningState": "Succeeded", "privateEndpoint": {"id": rid},
                       "privateEndpointLocation": doc["location"],
                       "privateLinkServiceConnectionState": conn["properties"]["privateLinkServiceConnectionState"],
                       "linkIdentifier": str(int(deterministic_uuid("link", id_key(rid))[:8], 16))}})
    tx.put(KIND_PLS, pls["id"], pls)
    return doc


def frontend_of(pls: Doc) -> str:
    """The load balancer frontend IP configuration a PLS fronts."""
    fes = pls["properties"].get("loadBalancerFrontendIpConfigurations") or []
    return str(fes[0]["id"]) if fes else ""
