"""Application Gateway for Containers resources (``Microsoft.ServiceNetworking/trafficControllers`` with their
``frontends`` and ``associations``), stored as the ARM documents ``az network alb …`` prints.

Rules [learn.microsoft.com/azure/application-gateway/for-containers/application-gateway-for-containers-components;
quickstart-create-application-gateway-for-containers-byo-deployment]: a frontend and an association belong to one
traffic controller; each frontend gets a unique Azure-managed FQDN; an association links the traffic controller to
one subnet, which must be delegated to ``Microsoft.ServiceNetworking/trafficControllers`` and be a /24 or larger;
the subnet then serves one association only. The association takes the subnet's first usable address for AGC's
proxies (the source address backends see). Routing is ``aksnet.engine.gateway``'s job, not this module's.
"""

from __future__ import annotations

import hashlib
import ipaddress

from aksnet.errors import AzureError
from aksnet.io.arm_ids import group_id
from aksnet.model.ids import id_key, same_id
from aksnet.rules import alb
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc, deterministic_uuid, get_group
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import (
    new_etag,
    ref,
    referenced_not_found,
    resolve_location,
    resource_not_found,
    validate_name,
)


def traffic_controller_id(resource_group: str, name: str) -> str:
    return f"{group_id(resource_group)}/providers/{alb.TYPE_TRAFFIC_CONTROLLER}/{name}"


def frontend_fqdn(frontend_id: str) -> str:
    """``<16 characters>.fz<NN>.alb.azure.com``, stable per frontend ID."""
    h = hashlib.sha256(id_key(frontend_id).encode()).hexdigest()
    label = "".join(chr(ord("a") + int(c, 16) % 26) if i % 3 else c for i, c in enumerate(h[:16]))
    return f"{label}.fz{int(h[16:18], 16) % 90 + 10}.{alb.FRONTEND_DNS_SUFFIX}"


def _doc(tx: Transaction, rid: str, type_name: str, location: str | None, props: dict[str, object]) -> Doc:
    doc: Doc = {"id": rid, "name": rid.rsplit("/", 1)[-1], "type": type_name, "etag": new_etag(tx)}
    if location is not None:
        doc["location"] = location
    doc["properties"] = {**props, "provisioningState": "Succeeded"}
    return doc


def get_traffic_controller(tx: Transaction, rid: str) -> Doc:
    doc = tx.get(alb.KIND_TRAFFIC_CONTROLLER, rid)
    if doc is None:
        rg = rid.split("/")[4] if rid.count("/") >= 4 else ""
        get_group(tx, rg)
        raise resource_not_found(alb.TYPE_TRAFFIC_CONTROLLER, rid.rsplit("/", 1)[-1], rg)
    return doc


def list_traffic_controllers(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(alb.KIND_TRAFFIC_CONTROLLER)
    get_group(tx, resource_group)
    return tx.list(alb.KIND_TRAFFIC_CONTROLLER, "", traffic_controller_id(resource_group, ""))


def create_traffic_controller(tx: Transaction, resource_group: str, name: str, location: str | None = None,
                              tags: dict[str, str] | None = None) -> Doc:
    """``az network alb create``: a traffic controller without frontends or associations (an existing one keeps
    its children)."""
    location = resolve_location(tx, resource_group, location)
    validate_name(name)
    rid = traffic_controller_id(resource_group, name)
    doc = tx.get(alb.KIND_TRAFFIC_CONTROLLER, rid)
    if doc is None:
        endpoint = deterministic_uuid("alb-config", id_key(rid)).replace("-", "")
        doc = _doc(tx, rid, alb.TYPE_TRAFFIC_CONTROLLER, location, {
            "associations": [], "configurationEndpoints": [f"{endpoint}.{alb.CONFIGURATION_DNS_SUFFIX}"],
            "frontends": []})
    if tags is not None:
        doc["tags"] = tags
    tx.put(alb.KIND_TRAFFIC_CONTROLLER, rid, doc)
    return doc


def delete_traffic_controller(tx: Transaction, rid: str) -> bool:
    """``az network alb delete``: its frontends and associations go too (the subnet's address is freed)."""
    doc = tx.get(alb.KIND_TRAFFIC_CONTROLLER, rid)
    if doc is None:
        return False
    for child in [*doc["properties"].get("frontends", []), *doc["properties"].get("associations", [])]:
        delete_child(tx, child["id"])
    tx.delete(alb.KIND_TRAFFIC_CONTROLLER, rid)
    return True


def _kind_of_child(child_id: str) -> tuple[str, str, str]:
    """(kind, type, field of the parent) of a frontend or association ID."""
    if "/frontends/" in id_key(child_id):
        return alb.KIND_FRONTEND, alb.TYPE_FRONTEND, "frontends"
    return alb.KIND_ASSOCIATION, alb.TYPE_ASSOCIATION, "associations"


def get_child(tx: Transaction, child_id: str) -> Doc:
    kind, type_name, _ = _kind_of_child(child_id)
    doc = tx.get(kind, child_id)
    if doc is None:
        parent = get_traffic_controller(tx, child_id.rsplit("/", 2)[0])
        raise resource_not_found(type_name, f"{parent['name']}/{child_id.rsplit('/', 1)[-1]}",
                                 child_id.split("/")[4])
    return doc


def list_children(tx: Transaction, parent_id: str, field: str) -> list[Doc]:
    parent = get_traffic_controller(tx, parent_id)
    return [get_child(tx, r["id"]) for r in parent["properties"].get(field, [])]


def _attach(tx: Transaction, parent: Doc, field: str, child: Doc) -> None:
    if any(same_id(r["id"], child["id"]) for r in parent["properties"].get(field, [])):
        return
    refs = [r for r in parent["properties"].get(field, []) if not same_id(r["id"], child["id"])]
    parent["properties"][field] = [*refs, ref(child["id"])]
    parent["etag"] = new_etag(tx)
    tx.put(alb.KIND_TRAFFIC_CONTROLLER, parent["id"], parent)


def create_frontend(tx: Transaction, parent_id: str, name: str, tags: dict[str, str] | None = None) -> Doc:
    """``az network alb frontend create``: a frontend with its Azure-managed FQDN."""
    parent = get_traffic_controller(tx, parent_id)
    validate_name(name)
    rid = f"{parent['id']}/frontends/{name}"
    doc = tx.get(alb.KIND_FRONTEND, rid) or _doc(tx, rid, alb.TYPE_FRONTEND, parent.get("location"),
                                                 {"fqdn": frontend_fqdn(rid)})
    if tags is not None:
        doc["tags"] = tags
    tx.put(alb.KIND_FRONTEND, rid, doc)
    _attach(tx, parent, "frontends", doc)
    return doc


def _check_subnet(tx: Transaction, subnet_id: str, association_id: str) -> Doc:
    try:
        subnet = subnet_mod.get_subnet(tx, subnet_id)
    except AzureError:
        raise referenced_not_found(subnet_id, association_id) from None
    services = [d["properties"].get("serviceName", "") for d in subnet["properties"].get("delegations") or []]
    if alb.DELEGATION_SERVICE.lower() not in (s.lower() for s in services):
        raise AzureError("SubnetNotDelegated",
                         f"Subnet {subnet_id} must be delegated to {alb.DELEGATION_SERVICE} to be used by an "
                         "Application Gateway for Containers association.")
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    if ipaddress.ip_network(prefix, strict=False).prefixlen > alb.ASSOCIATION_MAX_PREFIX:
        raise AzureError("InvalidSubnetSize",
                         f"Subnet {subnet_id} with address prefix {prefix} is too small for an Application Gateway "
                         f"for Containers association: it must be a /{alb.ASSOCIATION_MAX_PREFIX} or larger.")
    for other in tx.list(alb.KIND_ASSOCIATION):
        theirs = other["properties"].get("subnet", {}).get("id", "")
        if same_id(theirs, subnet_id) and not same_id(other["id"], association_id):
            raise AzureError("SubnetAlreadyAssociated",
                             f"Subnet {subnet_id} is already used by association {other['id']}.")
    return subnet


def create_association(tx: Transaction, parent_id: str, name: str, subnet_id: str,
                       tags: dict[str, str] | None = None) -> Doc:
    """``az network alb association create --subnet ID``: the traffic controller joins a delegated subnet and takes
    its first usable address for its proxies."""
    parent = get_traffic_controller(tx, parent_id)
    validate_name(name)
    rid = f"{parent['id']}/associations/{name}"
    subnet = _check_subnet(tx, subnet_id, rid)
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    if rid not in subnet_ipam.allocations(tx, subnet["id"]).values():
        subnet_ipam.allocate_static(tx, subnet["id"], prefix, rid, alb.proxy_address(prefix))
    doc = _doc(tx, rid, alb.TYPE_ASSOCIATION, parent.get("location"),
               {"associationType": alb.ASSOCIATION_TYPE, "subnet": ref(subnet["id"])})
    if tags is not None:
        doc["tags"] = tags
    tx.put(alb.KIND_ASSOCIATION, rid, doc)
    _attach(tx, parent, "associations", doc)
    return doc


def delete_child(tx: Transaction, child_id: str) -> bool:
    """``az network alb frontend|association delete``: missing → not an error (204)."""
    kind, _, field = _kind_of_child(child_id)
    doc = tx.get(kind, child_id)
    if doc is None:
        return False
    if kind == alb.KIND_ASSOCIATION:
        sid = doc["properties"].get("subnet", {}).get("id", "")
        if sid:
            subnet_ipam.release(tx, sid, doc["id"])
    tx.delete(kind, doc["id"])
    parent = tx.get(alb.KIND_TRAFFIC_CONTROLLER, child_id.rsplit("/", 2)[0])
    if parent is not None:
        parent["properties"][field] = [r for r in parent["properties"].get(field, [])
                                       if not same_id(r["id"], child_id)]
        tx.put(alb.KIND_TRAFFIC_CONTROLLER, parent["id"], parent)
    return True
