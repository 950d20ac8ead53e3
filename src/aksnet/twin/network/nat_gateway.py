"""NAT gateways (``Microsoft.Network/natGateways``): outbound SNAT for the subnets they are attached to.

Rules [learn.microsoft.com/azure/load-balancer/load-balancer-outbound-connections;
learn.microsoft.com/azure/aks/egress-outboundtype; AKS nat-gateway.md]: Standard SKU,
idle timeout 4–120 minutes (default 4),
up to 16 public IPs (64,512 flows each); a NAT gateway attached to a subnet cannot be deleted. Subnet
association is done by :func:`aksnet.twin.network.subnet.associate_subnet`.
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.errors import AzureError
from aksnet.store import Transaction
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network.common import (
    KIND_NAT_GATEWAY,
    KIND_PUBLIC_IP,
    TYPE_NAT_GATEWAY,
    base_doc,
    get_resource,
    network_id,
    ref,
    ref_ids,
    resolve_location,
    set_tags,
    touch,
    validate_name,
)

MAX_PUBLIC_IPS = 16


def nat_gateway_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "natGateways", name)


def get_nat_gateway(tx: Transaction, nat_gateway_id: str) -> Doc:
    return get_resource(tx, KIND_NAT_GATEWAY, nat_gateway_id, TYPE_NAT_GATEWAY)


def list_nat_gateways(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_NAT_GATEWAY)
    get_group(tx, resource_group)
    return tx.list(KIND_NAT_GATEWAY, "", nat_gateway_id(resource_group, ""))


def create_nat_gateway(tx: Transaction, resource_group: str, name: str, *, location: str | None = None,
                       public_ip_ids: Sequence[str] = (), idle_timeout: int = 4,
                       tags: dict[str, str] | None = None, zones: Sequence[str] | None = None,
                       sku: str = "Standard") -> Doc:
    """``az network nat gateway create``: SKU Standard (az's default) or StandardV2, idle timeout 4–120, at most
    16 public IPs of the gateway's SKU (learn.microsoft.com/azure/aks/nat-gateway: "A StandardV2 NAT gateway
    requires a StandardV2 public IP address")."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = nat_gateway_id(resource_group, name)
    if not 4 <= int(idle_timeout) <= 120:
        raise AzureError("InvalidIdleTimeoutInMinutes",
                         f"Idle timeout {idle_timeout} of NAT gateway {rid} is out of the range [4, 120] minutes.")
    if len(public_ip_ids) > MAX_PUBLIC_IPS:
        raise AzureError("NatGatewayCannotHaveMoreThan16PublicIpAddresses",
                         f"NAT gateway {rid} cannot have more than {MAX_PUBLIC_IPS} public IP addresses.")
    if tx.get(KIND_NAT_GATEWAY, rid) is not None:
        raise AzureError("NatGatewayAlreadyExists", f"NAT gateway {rid} already exists.")
    doc = base_doc(tx, rid, TYPE_NAT_GATEWAY, location, tags)
    doc["sku"] = {"name": "StandardV2" if sku.lower() == "standardv2" else "Standard"}
    if zones:
        doc["zones"] = list(zones)
    pips = [ref(p) for p in _attach_ips(tx, rid, public_ip_ids, doc["sku"]["name"])]
    doc["properties"].update({"idleTimeoutInMinutes": int(idle_timeout), "publicIpAddresses": pips})
    tx.put(KIND_NAT_GATEWAY, rid, doc)
    return doc


def _attach_ips(tx: Transaction, rid: str, public_ip_ids: Sequence[str], sku: str) -> list[str]:
    """Attach public IPs of the gateway's SKU to NAT gateway ``rid`` (Basic ones, and a Standard/StandardV2
    mismatch, refused); their IDs as stored."""
    out = []
    for pid in public_ip_ids:
        pip = pip_mod.get_public_ip(tx, pid)
        pip_sku = pip.get("sku", {}).get("name")
        if pip_sku == "Basic":
            raise AzureError(
                "NatGatewayCannotUseBasicPublicIP",
                f"NAT gateway {rid} cannot use public IP {pip['id']} because it is of Basic SKU.",
            )
        if pip_sku != sku:
            raise AzureError(
                "NatGatewayPublicIpSkuMismatch",
                f"NAT gateway {rid} of {sku} SKU cannot use public IP {pip['id']} of {pip_sku} SKU: a {sku} NAT "
                f"gateway needs {sku} public IP addresses.",
            )
        pip_mod.attach_public_ip(tx, pip["id"], "natGateway", rid)
        out.append(pip["id"])
    return out


def update_nat_gateway(tx: Transaction, nat_gateway_id: str, *, idle_timeout: int | None = None,
                       public_ip_ids: Sequence[str] | None = None, tags: dict[str, str] | None = None) -> Doc:
    """``az network nat gateway update``: idle timeout (4–120) and the public IPs (replaced as a whole: the
    old ones are released, the new ones attached, at most 16, Standard only)."""
    doc = get_nat_gateway(tx, nat_gateway_id)
    rid = doc["id"]
    props = doc["properties"]
    if idle_timeout is not None:
        if not 4 <= int(idle_timeout) <= 120:
            raise AzureError("InvalidIdleTimeoutInMinutes",
                             f"Idle timeout {idle_timeout} of NAT gateway {rid} is out of the range [4, 120] minutes.")
        props["idleTimeoutInMinutes"] = int(idle_timeout)
    if public_ip_ids is not None:
        if len(public_ip_ids) > MAX_PUBLIC_IPS:
            raise AzureError("NatGatewayCannotHaveMoreThan16PublicIpAddresses",
                             f"NAT gateway {rid} cannot have more than {MAX_PUBLIC_IPS} public IP addresses.")
        for old in ref_ids(props.get("publicIpAddresses")):
            if tx.get(KIND_PUBLIC_IP, old) is not None:
                pip_mod.attach_public_ip(tx, old, "natGateway", None)
        props["publicIpAddresses"] = [ref(p) for p in _attach_ips(tx, rid, public_ip_ids,
                                                                         doc.get("sku", {}).get("name", "Standard"))]
    if tags is not None:
        set_tags(doc, tags)
    touch(tx, doc)
    tx.put(KIND_NAT_GATEWAY, rid, doc)
    return doc


def delete_nat_gateway(tx: Transaction, nat_gateway_id: str) -> bool:
    """Refused while attached to a subnet (``InUseNatGatewayCannotBeDeleted``); frees its public IPs."""
    doc = tx.get(KIND_NAT_GATEWAY, nat_gateway_id)
    if doc is None:
        return False
    users = ref_ids(doc["properties"].get("subnets"))
    if users:
        raise AzureError(
            "InUseNatGatewayCannotBeDeleted",
            f"Nat Gateway {doc['id']} cannot be deleted because it is in use by the following resources: "
            f"{', '.join(users)}. In order to delete the Nat Gateway, remove the association with the resource(s).",
        )
    for pid in ref_ids(doc["properties"].get("publicIpAddresses")):
        if tx.get(KIND_PUBLIC_IP, pid) is not None:
            pip_mod.attach_public_ip(tx, pid, "natGateway", None)
    tx.delete(KIND_NAT_GATEWAY, nat_gateway_id)
    touch(tx, doc)
    return True
