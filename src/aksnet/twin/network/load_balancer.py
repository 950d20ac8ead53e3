"""Load balancers (``Microsoft.Network/loadBalancers``): documents that the AKS resource provider and the
cloud-provider reconciler build, stored and normalised here.

:func:`put_load_balancer` takes a whole LB document in ARM's REST shape (``properties.frontendIPConfigurations``,
``backendAddressPools``, ``loadBalancingRules``, ``probes``, ``outboundRules``, ``inboundNatRules``), fills in
IDs, types, etags and provisioning state of the LB and its children, gives internal frontends their private
address through :mod:`aksnet.twin.subnet_ipam` (Dynamic: lowest free; Static: the given address), frees
the addresses of frontends that disappeared, and keeps ARM's back-references (``publicIP.ipConfiguration``,
``subnet.ipConfigurations``). It does not decide which rules a Service needs (cloud_provider does).
"""

from __future__ import annotations

import copy
from typing import Any

from aksnet.errors import AzureError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.arm import Doc, get_group
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import (
    KIND_LB,
    KIND_PUBLIC_IP,
    TYPE_LB,
    child_not_found,
    get_resource,
    network_id,
    new_etag,
    new_guid,
    referenced_not_found,
    resolve_location,
    validate_name,
)

CHILDREN = ("frontendIPConfigurations", "backendAddressPools", "loadBalancingRules", "probes", "outboundRules",
            "inboundNatRules", "inboundNatPools")


def load_balancer_id(resource_group: str, name: str) -> str:
    return network_id(resource_group, "loadBalancers", name)


def find_load_balancer(tx: Transaction, lb_id: str) -> Doc | None:
    return tx.get(KIND_LB, lb_id)


def get_load_balancer(tx: Transaction, lb_id: str) -> Doc:
    return get_resource(tx, KIND_LB, lb_id, TYPE_LB)


def list_load_balancers(tx: Transaction, resource_group: str | None = None) -> list[Doc]:
    if resource_group is None:
        return tx.list(KIND_LB)
    get_group(tx, resource_group)
    return tx.list(KIND_LB, "", load_balancer_id(resource_group, ""))


def _frontend_allocation(tx: Transaction, fe: Doc, old: Doc | None) -> None:
    """Give an internal frontend its private address (kept across updates while it stays in the same subnet)."""
    props = fe["properties"]
    sid = props["subnet"]["id"]
    try:
        subnet = subnet_mod.get_subnet(tx, sid)
    except AzureError:
        raise referenced_not_found(sid, fe["id"]) from None
    sid = subnet["id"]
    props["subnet"] = {"id": sid}
    prefix = subnet_mod.subnet_ipv4_prefix(subnet)
    method = "Static" if str(props.get("privateIPAllocationMethod", "")).lower() == "static" else "Dynamic"
    held = [ip for ip, who in subnet_ipam.allocations(tx, sid).items() if same_id(who, fe["id"])]
    old_props = (old or {}).get("properties", {})
    same_subnet = same_id(str(old_props.get("subnet", {}).get("id", "")), sid)
    if method == "Static":
        ip = props.get("privateIPAddress")
        if not ip:
            raise AzureError("PrivateIPAddressIsRequired",
                             f"Frontend IP configuration {fe['id']} has a Static allocation method but no private IP.")
        for other in held:
            if other != ip:
                subnet_ipam.release(tx, sid, fe["id"], [other])
        subnet_ipam.allocate_static(tx, sid, prefix, fe["id"], ip)
    elif held and same_subnet:
        props["privateIPAddress"] = held[0]
    else:
        props["privateIPAddress"] = subnet_ipam.allocate(tx, sid, prefix, fe["id"])[0]
    props["privateIPAllocationMethod"] = method
    props["privateIPAddressVersion"] = "IPv4"
    subnet_mod.add_ip_configuration(tx, sid, [fe["id"]])


def _release_frontend(tx: Transaction, fe: Doc) -> None:
    props = fe.get("properties", {})
    if props.get("subnet"):
        sid = props["subnet"]["id"]
        subnet_ipam.release(tx, sid, fe["id"])
        subnet_mod.remove_ip_configuration(tx, sid, fe["id"], prefix=False)
    if props.get("publicIPAddress"):
        pid = props["publicIPAddress"]["id"]
        pip = tx.get(KIND_PUBLIC_IP, pid)
        if pip is not None and same_id(str(pip["properties"].get("ipConfiguration", {}).get("id", "")), fe["id"]):
            pip_mod.attach_public_ip(tx, pid, "ipConfiguration", None)


def put_load_balancer(tx: Transaction, doc: Doc) -> Doc:
    """Create or replace a load balancer from an ARM-shaped document (``id`` or ``resourceGroup``+``name``
    given; ``location`` defaults to the group's; ``sku`` defaults to Standard). Returns the stored document."""
    doc = copy.deepcopy(doc)
    rg = doc.pop("resourceGroup", None)
    if doc.get("id"):
        parsed = parse_resource_id(doc["id"])
        if parsed is None:
            raise AzureError("LinkedInvalidPropertyId", f"Property id '{doc['id']}' is invalid.")
        rg = parsed.resource_group
    if not rg or (not doc.get("name") and not doc.get("id")):
        raise AzureError("InvalidRequestFormat", "A load balancer document needs an id, or a resourceGroup and name.")
    rid = doc.get("id") or load_balancer_id(rg, doc["name"])
    name = rid.rsplit("/", 1)[-1]
    validate_name(name)
    old = tx.get(KIND_LB, rid)
    rid = old["id"] if old else rid
    doc.update({"id": rid, "name": name, "type": TYPE_LB, "etag": new_etag(tx)})
    doc["location"] = (doc.get("location") or resolve_location(tx, rg, None)).replace(" ", "").lower()
    doc.setdefault("sku", {"name": "Standard", "tier": "Regional"})
    props: dict[str, Any] = doc.setdefault("properties", {})
    props["provisioningState"] = "Succeeded"
    props.setdefault("resourceGuid", (old or {}).get("properties", {}).get("resourceGuid") or new_guid(id_key(rid)))
    for child in CHILDREN:
        items = props.setdefault(child, [])
        for item in items:
            item["id"] = f"{rid}/{child}/{item['name']}"
            item["type"] = f"{TYPE_LB}/{child}"
            item["etag"] = doc["etag"]
            item.setdefault("properties", {})["provisioningState"] = "Succeeded"
    old_fes = {id_key(f["id"]): f for f in (old or {}).get("properties", {}).get("frontendIPConfigurations", [])}
    new_ids = {id_key(f["id"]) for f in props["frontendIPConfigurations"]}
    for fid, fe in old_fes.items():
        if fid not in new_ids:
            _release_frontend(tx, fe)
    for fe in props["frontendIPConfigurations"]:
        fp = fe["properties"]
        prev = old_fes.get(id_key(fe["id"]))
        if prev is not None and prev["properties"].get("subnet") and (
                not fp.get("subnet") or not same_id(fp["subnet"]["id"], prev["properties"]["subnet"]["id"])):
            _release_frontend(tx, prev)
        if fp.get("subnet"):
            _frontend_allocation(tx, fe, prev)
        if fp.get("publicIPAddress"):
            pid = fp["publicIPAddress"]["id"]
            if tx.get(KIND_PUBLIC_IP, pid) is None:
                raise referenced_not_found(pid, fe["id"])
            pip_mod.attach_public_ip(tx, pid, "ipConfiguration", fe["id"])
        if prev is not None and prev["properties"].get("publicIPAddress") and (
                not fp.get("publicIPAddress")
                or not same_id(fp["publicIPAddress"]["id"], prev["properties"]["publicIPAddress"]["id"])):
            old_pid = prev["properties"]["publicIPAddress"]["id"]
            pip = tx.get(KIND_PUBLIC_IP, old_pid)
            if pip is not None and same_id(str(pip["properties"].get("ipConfiguration", {}).get("id", "")), fe["id"]):
                pip_mod.attach_public_ip(tx, old_pid, "ipConfiguration", None)
    tx.put(KIND_LB, rid, doc)
    return doc


def delete_load_balancer(tx: Transaction, lb_id: str) -> bool:
    """Delete a load balancer, freeing its frontends' private addresses and public IPs (ARM 204 if missing)."""
    doc = tx.get(KIND_LB, lb_id)
    if doc is None:
        return False
    for fe in doc.get("properties", {}).get("frontendIPConfigurations", []):
        _release_frontend(tx, fe)
    tx.delete(KIND_LB, lb_id)
    return True


def get_frontend(tx: Transaction, frontend_id: str) -> Doc:
    """One frontend IP configuration by its ID (``…/loadBalancers/<lb>/frontendIPConfigurations/<name>``)."""
    lb_id = frontend_id.rsplit("/frontendIPConfigurations/", 1)[0]
    lb = get_load_balancer(tx, lb_id)
    for fe in lb["properties"].get("frontendIPConfigurations", []):
        if same_id(fe["id"], frontend_id):
            return copy.deepcopy(fe)
    raise child_not_found(frontend_id)
