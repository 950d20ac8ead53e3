"""``az aks update`` outbound settings: the load balancer's managed outbound IP count or the user's own outbound
IPs, the managed NAT gateway's IP count,
and ``--outbound-type`` migration [learn.microsoft.com/azure/aks/egress-outboundtype; AKS
egress-outboundtype.md "Updating outboundType after cluster creation"].

Migration paths AKS supports: managed VNet ``loadBalancer`` ↔ ``managedNATGateway``; BYO subnet
``loadBalancer`` ↔ ``userAssignedNATGateway`` ↔ ``userDefinedRouting``; ``none`` from and to any type the
VNet allows. Changing the type deploys or removes what the new egress needs, and always changes the egress IP:

* leaving ``loadBalancer``: the outbound rule ``aksOutboundRule``, the pool ``aksOutboundBackendPool`` and the
  outbound frontends leave the ``kubernetes`` LB, the managed outbound IPs are deleted (a user's own IPs are
  only detached); the LB itself stays while Services use it, else it is deleted (as a UDR cluster's LB, which
  exists only for Services);
* leaving ``managedNATGateway``: the NAT gateway ``aks-natgateway`` is detached from the subnet and deleted
  with its managed IPs;
* reaching ``loadBalancer``: new managed IPs (or ``--load-balancer-outbound-ips``), added to the existing
  ``kubernetes`` LB or a new one, node NICs join both backend pools;
* reaching ``managedNATGateway``: a new NAT gateway with new managed IPs on the managed subnet;
* reaching ``userAssignedNATGateway`` / ``userDefinedRouting``: the RP's checks of ``az aks create`` (a NAT
  gateway on the subnet; a default route to a virtual appliance or gateway in the subnet's route table).

Checks run before anything is written; the caller's transaction makes a refused update change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.errors import AzCliError
from aksnet.io.arm_ids import group_id, parse_resource_id
from aksnet.model.ids import IdKey, id_key, same_name
from aksnet.store import Transaction
from aksnet.twin import network
from aksnet.twin.aks import context, dual_stack, infrastructure, names, validation_cli
from aksnet.twin.arm import Doc, etag

LB_KIND = "aks-slb-managed-outbound-ip"
NAT_KIND = "aks-nat-gateway-managed-outbound-ip"
MSG_BOTH_LB_IP_FLAGS = ("Please specify only one of --load-balancer-managed-outbound-ip-count, "
                        "--load-balancer-outbound-ips and --load-balancer-outbound-ip-prefixes.")


@dataclass(frozen=True, slots=True)
class OutboundUpdate:
    """The outbound flags of one ``az aks update``, checked for form (az's validators)."""

    outbound_type: str | None = None
    managed_ip_count: int | None = None
    outbound_ip_ids: tuple[str, ...] = ()
    nat_ip_count: int | None = None

    @property
    def given(self) -> bool:
        return (self.outbound_type is not None or self.managed_ip_count is not None or bool(self.outbound_ip_ids)
                or self.nat_ip_count is not None)

    @property
    def lb_ip_flags(self) -> bool:
        return self.managed_ip_count is not None or bool(self.outbound_ip_ids)


def parse_update(outbound_type: str | None, managed_ip_count: int | None, outbound_ips: str | None,
                 nat_ip_count: int | None) -> OutboundUpdate:
    """az's client-side checks of the outbound flags, in az's order [CLI-V; CLI-D]."""
    validation_cli.validate_managed_ip_count(managed_ip_count)
    ids = validation_cli.validate_outbound_ips(outbound_ips)
    validation_cli.validate_nat_ip_count(nat_ip_count)
    if managed_ip_count is not None and ids:
        raise AzCliError("MutuallyExclusiveArgumentError", MSG_BOTH_LB_IP_FLAGS)
    return OutboundUpdate(validation_cli.validate_outbound_type(outbound_type), managed_ip_count, ids, nat_ip_count)


def apply(tx: Transaction, cluster: Doc, req: OutboundUpdate) -> None:
    """Validate ``req`` against the cluster (az's checks, then the RP's), then reconfigure its egress."""
    np_ = cluster["properties"]["networkProfile"]
    current = np_.get("outboundType") or "loadBalancer"
    target = req.outbound_type or current
    subnet_id = str(cluster["properties"]["agentPoolProfiles"][0]["vnetSubnetId"])
    node_rg = cluster["properties"]["nodeResourceGroup"]
    byo = not _in_group(subnet_id, node_rg)
    sku = str(np_.get("loadBalancerSku") or "standard").lower()
    validation_cli.validate_outbound_combination(target, sku, subnet_id if byo else None, req.lb_ip_flags,
                                                 req.nat_ip_count is not None)
    infrastructure.check_egress_target(tx, target, subnet_id, req.outbound_ip_ids)
    if target == current:
        _update_same_type(tx, cluster, target, req)
        return
    old_ips = _effective_ids(np_)
    if target == "loadBalancer":
        ids = _build_load_balancer(tx, cluster, req, old_ips)
        np_["loadBalancerProfile"] = _lb_profile(req, ids)
    elif target == "managedNATGateway":
        ids = _build_nat_gateway(tx, cluster, req.nat_ip_count or 1, old_ips, subnet_id)
        np_["natGatewayProfile"] = nat_profile(ids, node_rg, req.nat_ip_count or 1)
    if current == "loadBalancer":
        _tear_down_load_balancer(tx, cluster)
        np_["loadBalancerProfile"] = None
    elif current == "managedNATGateway":
        _tear_down_nat_gateway(tx, cluster)
        np_["natGatewayProfile"] = None
    np_["outboundType"] = target


def _update_same_type(tx: Transaction, cluster: Doc, outbound_type: str, req: OutboundUpdate) -> None:
    np_ = cluster["properties"]["networkProfile"]
    node_rg = cluster["properties"]["nodeResourceGroup"]
    if outbound_type == "loadBalancer" and req.lb_ip_flags:
        old = _effective_ids(np_)
        ids = list(req.outbound_ip_ids) or _managed_ips(tx, cluster, req.managed_ip_count or 1, LB_KIND, [
            i for i in old if not infrastructure.is_managed_outbound_ip(tx.get(network.KIND_PUBLIC_IP, i), LB_KIND)])
        if not req.outbound_ip_ids and dual_stack.is_dual_stack(cluster):  # the IPv6 outbound IP stays
            ids += _managed_ips(tx, cluster, 1, LB_KIND, [], "IPv6")
        lb_id = network.load_balancer_id(node_rg, infrastructure.LB_NAME)
        infrastructure.set_outbound_ips(tx, lb_id, ids)
        _delete_managed_ips(tx, [i for i in old if id_key(i) not in {id_key(x) for x in ids}])
        np_["loadBalancerProfile"] = _lb_profile(req, ids, dual_stack.is_dual_stack(cluster))
    if outbound_type == "managedNATGateway" and req.nat_ip_count is not None:
        old = _effective_ids(np_)
        ids = _managed_ips(tx, cluster, req.nat_ip_count, NAT_KIND, [])
        _set_nat_gateway_ips(tx, network.nat_gateway_id(node_rg, infrastructure.NAT_GATEWAY_NAME), ids)
        _delete_managed_ips(tx, [i for i in old if id_key(i) not in {id_key(x) for x in ids}])
        np_["natGatewayProfile"] = nat_profile(ids, node_rg, req.nat_ip_count)


# -- building and tearing down -------------------------------------------------------------------------------
def _managed_ips(tx: Transaction, cluster: Doc, count: int, kind: str, avoid: list[str],
                 version: str = "IPv4") -> list[str]:
    rg = context.resource_group_of(cluster["id"])
    return infrastructure.create_managed_outbound_ips(tx, cluster["properties"]["nodeResourceGroup"],
                                                      cluster["location"], rg, cluster["name"], count, kind,
                                                      avoid=avoid, version=version)


def _build_load_balancer(tx: Transaction, cluster: Doc, req: OutboundUpdate, old_ips: list[str]) -> list[str]:
    """Outbound frontends, ``aksOutboundBackendPool`` and ``aksOutboundRule`` on the ``kubernetes`` LB (the one
    Services already use, or a new one); every node NIC joins both backend pools."""
    node_rg = cluster["properties"]["nodeResourceGroup"]
    ids = list(req.outbound_ip_ids) or _managed_ips(tx, cluster, req.managed_ip_count or 1, LB_KIND, old_ips)
    lb_id = network.load_balancer_id(node_rg, infrastructure.LB_NAME)
    lb = tx.get(network.KIND_LB, lb_id)
    if lb is None:
        infrastructure.create_load_balancer(tx, node_rg, cluster["location"], ids)
    else:
        props = lb["properties"]
        props["frontendIPConfigurations"] = props.get("frontendIPConfigurations", []) + [
            infrastructure.outbound_frontend(pid) for pid in ids]
        pools = props.setdefault("backendAddressPools", [])
        for name in (infrastructure.BACKEND_POOL, infrastructure.OUTBOUND_POOL):
            if not any(p["name"] == name for p in pools):
                pools.append({"name": name, "properties": {"backendIPConfigurations": []}})
        props["outboundRules"] = [infrastructure.outbound_rule(lb_id, ids)]
        network.put_load_balancer(tx, lb)
    _set_node_pools(tx, cluster, lb_id)
    return ids


def _tear_down_load_balancer(tx: Transaction, cluster: Doc) -> None:
    """The LB loses its outbound rule, outbound pool and outbound frontends; managed outbound IPs go."""
    lb_id = network.load_balancer_id(cluster["properties"]["nodeResourceGroup"], infrastructure.LB_NAME)
    lb = tx.get(network.KIND_LB, lb_id)
    if lb is None:
        return
    props = lb["properties"]
    outbound_fes = {id_key(f["id"]) for r in props.get("outboundRules", [])
                    for f in r["properties"].get("frontendIPConfigurations", [])}
    gone = [f for f in props.get("frontendIPConfigurations", []) if id_key(f["id"]) in outbound_fes]
    ips = [str(f["properties"]["publicIPAddress"]["id"]) for f in gone if f["properties"].get("publicIPAddress")]
    props["frontendIPConfigurations"] = [f for f in props.get("frontendIPConfigurations", [])
                                         if id_key(f["id"]) not in outbound_fes]
    props["outboundRules"] = []
    props["backendAddressPools"] = [p for p in props.get("backendAddressPools", [])
                                    if p["name"] != infrastructure.OUTBOUND_POOL]
    if props["frontendIPConfigurations"]:
        network.put_load_balancer(tx, lb)
    else:
        network.delete_load_balancer(tx, lb_id)
    _set_node_pools(tx, cluster, lb_id)
    _delete_managed_ips(tx, ips)


def _build_nat_gateway(tx: Transaction, cluster: Doc, count: int, old_ips: list[str], subnet_id: str) -> list[str]:
    ids = _managed_ips(tx, cluster, count, NAT_KIND, old_ips)
    infrastructure.create_nat_gateway(tx, cluster["properties"]["nodeResourceGroup"], cluster["location"], ids,
                                      subnet_id)
    return ids


def _tear_down_nat_gateway(tx: Transaction, cluster: Doc) -> None:
    nat_id = network.nat_gateway_id(cluster["properties"]["nodeResourceGroup"], infrastructure.NAT_GATEWAY_NAME)
    nat = tx.get(network.KIND_NAT_GATEWAY, nat_id)
    if nat is None:
        return
    for sub in nat["properties"].get("subnets") or []:
        network.associate_subnet(tx, sub["id"], nat_gateway_id=None)
    ips = [str(p["id"]) for p in nat["properties"].get("publicIpAddresses") or []]
    network.delete_nat_gateway(tx, nat_id)
    _delete_managed_ips(tx, ips)


def _set_nat_gateway_ips(tx: Transaction, nat_id: str, ids: list[str]) -> None:
    from aksnet.twin.network import public_ip as pip_mod

    nat = network.get_nat_gateway(tx, nat_id)
    keep = {id_key(i) for i in ids}
    for ref in nat["properties"].get("publicIpAddresses") or []:
        if id_key(ref["id"]) not in keep:
            pip_mod.attach_public_ip(tx, ref["id"], "natGateway", None)
    for pid in ids:
        pip_mod.attach_public_ip(tx, pid, "natGateway", nat["id"])
    nat["properties"]["publicIpAddresses"] = [{"id": i} for i in ids]
    nat["etag"] = etag(tx)
    tx.put(network.KIND_NAT_GATEWAY, nat["id"], nat)


def _delete_managed_ips(tx: Transaction, ids: list[str]) -> None:
    """Managed outbound IPs of a replaced configuration are deleted; a user's own IPs are left alone."""
    for pid in ids:
        if infrastructure.is_managed_outbound_ip(tx.get(network.KIND_PUBLIC_IP, pid)):
            network.delete_public_ip(tx, pid)


def _set_node_pools(tx: Transaction, cluster: Doc, lb_id: str) -> None:
    """Node NICs (and their scale sets' model) reference exactly the LB's AKS pools that exist now."""
    lb = tx.get(network.KIND_LB, lb_id)
    existing = {p["name"] for p in (lb or {}).get("properties", {}).get("backendAddressPools", [])}
    wanted = [f"{lb_id}/backendAddressPools/{n}" for n in (infrastructure.BACKEND_POOL, infrastructure.OUTBOUND_POOL)
              if n in existing]
    ours = {id_key(f"{lb_id}/backendAddressPools/{n}")
            for n in (infrastructure.BACKEND_POOL, infrastructure.OUTBOUND_POOL)}
    prefix = id_key(group_id(cluster["properties"]["nodeResourceGroup"])) + "/"
    members = []
    for key, nic in tx.items(network.KIND_NIC, "", prefix):
        vm = str((nic["properties"].get("virtualMachine") or {}).get("id") or "")
        if "/virtualmachinescalesets/" not in id_key(vm):
            continue
        cfg = nic["properties"]["ipConfigurations"][0]
        _merge_pools(cfg["properties"], ours, wanted)
        nic["etag"] = etag(tx)
        tx.put(network.KIND_NIC, key, nic)
        members.append(str(cfg["id"]))
    for key, scale_set in tx.items(names.KIND_VMSS, "", prefix):
        for nc in scale_set["properties"]["virtualMachineProfile"]["networkProfile"]["networkInterfaceConfigurations"]:
            _merge_pools(nc["properties"]["ipConfigurations"][0]["properties"], ours, wanted)
        tx.put(names.KIND_VMSS, key, scale_set)
    if lb is not None:
        infrastructure.set_backend_members(tx, lb_id, members, [])


def _merge_pools(props: dict[str, Any], ours: set[IdKey], wanted: list[str]) -> None:
    kept = [p for p in props.get("loadBalancerBackendAddressPools") or [] if id_key(p["id"]) not in ours]
    pools = kept + [{"id": w} for w in wanted]
    if pools:
        props["loadBalancerBackendAddressPools"] = pools
    else:
        props.pop("loadBalancerBackendAddressPools", None)


# -- profiles as az shows them -------------------------------------------------------------------------------
def _effective_ids(np_: Doc) -> list[str]:
    profile = np_.get("loadBalancerProfile") or np_.get("natGatewayProfile") or {}
    return [str(e["id"]) for e in profile.get("effectiveOutboundIPs") or []]


def _lb_profile(req: OutboundUpdate, ids: list[str], dual: bool = False) -> dict[str, Any]:
    from aksnet.twin.aks.create import load_balancer_profile

    return load_balancer_profile(req.managed_ip_count or 1, list(req.outbound_ip_ids), ids,
                                 1 if dual and not req.outbound_ip_ids else None)


def nat_profile(ids: list[str], node_rg: str, count: int) -> dict[str, Any]:
    """``networkProfile.natGatewayProfile`` of outbound type managedNATGateway."""
    return {"effectiveOutboundIPs": [{"id": i, "resourceGroup": node_rg} for i in ids], "idleTimeoutInMinutes": 4,
            "managedOutboundIpProfile": {"count": count}}


def _in_group(rid: str, group: str) -> bool:
    parsed = parse_resource_id(rid)
    return parsed is not None and same_name(parsed.resource_group, group)
