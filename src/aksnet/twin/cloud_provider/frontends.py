"""Frontend IP configurations for LoadBalancer Services: which public IP or internal address each Service
gets, which Services share one, and the public IPs the provider creates for them.

Rules (learn.microsoft.com/azure/aks/load-balancer-standard;
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go@7b31c76;
learn.microsoft.com/azure/aks/configure-load-balancer-standard; CPA ``azure_loadbalancer.go`` ``ensurePublicIPExists``,
``findMatchedPIP``, ``getServiceLoadBalancerIP``, CPA-DOC shared-ip.md): a public Service gets the managed
public IP ``kubernetes-<base>`` (Standard, Static, tags ``k8s-azure-service`` and ``k8s-azure-cluster-name``)
in the node resource group, or the one named by ``azure-pip-name``, or the existing one holding the pinned
address (``azure-load-balancer-ipv4`` / ``spec.loadBalancerIP``; missing → ``user supplied IP Address %s was
not found in resource group %s``). An internal Service gets a private address in the cluster subnet (or the
``azure-load-balancer-internal-subnet`` subnet of the same VNet): dynamic, or the pinned one when it is free.
Services naming the same public IP or internal address share its frontend; a frontend keeps its name while
any of its Services remains. Must not build rules or probes (``lb_rules``) or touch NSGs.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin import subnet_ipam
from aksnet.twin.cloud_provider.cluster_info import ClusterInfo
from aksnet.twin.cloud_provider.config import (
    CLUSTER_NAME,
    INTERNAL_LB,
    PUBLIC_LB,
    TAG_CLUSTER,
    TAG_DNS_LABEL_SERVICE,
    TAG_SERVICE,
    ConfigError,
    ServiceLB,
)
from aksnet.twin.network import load_balancer as lb_mod
from aksnet.twin.network import public_ip as pip_mod
from aksnet.twin.network import subnet as subnet_mod
from aksnet.twin.network.common import KIND_LB, KIND_PUBLIC_IP, KIND_VNET

Doc = dict[str, Any]


@dataclass
class Frontend:
    """One frontend IP configuration the provider wants on ``lb``."""

    lb: str
    name: str
    public_ip_id: str | None = None
    subnet_id: str | None = None
    private_ip: str | None = None  # pinned internal address (Static); None: Dynamic
    owners: list[str] = field(default_factory=list)
    ports: dict[tuple[str, int], str] = field(default_factory=dict)  # (protocol, port) → owner
    family: str = "IPv4"  # IPv6: a dual-stack cluster's IPv6 frontend (backend pool kubernetes-IPv6)

    def id(self, node_rg: str) -> str:
        return f"{lb_mod.load_balancer_id(node_rg, self.lb)}/frontendIPConfigurations/{self.name}"


@dataclass
class PublicIPWant:
    """A public IP the provider manages (creates, tags, labels) for its Services."""

    resource_group: str
    name: str
    owners: list[str] = field(default_factory=list)
    dns_label: str | None = None
    extra_tags: dict[str, str] = field(default_factory=dict)
    version: str = "IPv4"

    @property
    def id(self) -> str:
        return pip_mod.public_ip_id(self.resource_group, self.name)


@dataclass
class FrontendPlan:
    frontends: dict[str, Frontend] = field(default_factory=dict)  # sharing key → frontend
    by_service: dict[str, Frontend] = field(default_factory=dict)  # the Service's first family's frontend
    secondary: dict[str, Frontend] = field(default_factory=dict)  # a dual-stack Service's second family's
    public_ips: dict[str, PublicIPWant] = field(default_factory=dict)  # lower-cased id → want
    errors: dict[str, str] = field(default_factory=dict)


def _existing_frontend_names(tx: Transaction, info: ClusterInfo, lb: str) -> dict[str, str]:
    """Sharing key → name of the frontends already on ``lb`` (so a shared frontend keeps its name)."""
    doc = tx.get(KIND_LB, lb_mod.load_balancer_id(info.node_resource_group, lb))
    out: dict[str, str] = {}
    for fe in ((doc or {}).get("properties") or {}).get("frontendIPConfigurations") or []:
        p = fe.get("properties") or {}
        if p.get("publicIPAddress"):
            out[id_key(str(p["publicIPAddress"]["id"]))] = fe["name"]
        elif p.get("subnet") and str(p.get("privateIPAllocationMethod", "")).lower() == "static":
            out[f"{p['subnet']['id']}|{p.get('privateIPAddress')}".lower()] = fe["name"]
    return out


def _find_pip_by_address(tx: Transaction, resource_group: str, ip: str) -> Doc | None:
    for doc in tx.list(KIND_PUBLIC_IP, "", pip_mod.public_ip_id(resource_group, "")):
        if (doc.get("properties") or {}).get("ipAddress") == ip:
            return doc
    return None


def _is_managed(pip: Doc | None) -> bool:
    tags = (pip or {}).get("tags") or {}
    return isinstance(tags, dict) and TAG_SERVICE in tags and tags.get(TAG_CLUSTER) == CLUSTER_NAME


def _public_frontend(tx: Transaction, info: ClusterInfo, svc: ServiceLB, plan: FrontendPlan) -> tuple[str, str]:
    """(sharing key, public IP id) for a public Service; records the public IPs it manages."""
    rg = svc.pip_resource_group or info.node_resource_group
    if svc.requested_ip:
        pip = _find_pip_by_address(tx, rg, svc.requested_ip)
        if pip is None:
            raise ConfigError(f"user supplied IP Address {svc.requested_ip} was not found in resource group {rg}")
        pid = str(pip["id"])
        _check_unused(pip, info)
        if _is_managed(pip):
            _want(plan, rg, str(pip["name"]), svc)
        elif svc.dns_label is not None:
            _label_user_pip(tx, pip, svc)
        return id_key(pid), pid
    name = svc.pip_name or svc.managed_pip_name
    pid = pip_mod.public_ip_id(rg, name)
    existing = tx.get(KIND_PUBLIC_IP, pid)
    if existing is None or _is_managed(existing) or id_key(pid) in plan.public_ips:
        _want(plan, rg, name, svc)
    elif svc.dns_label is not None:
        _label_user_pip(tx, existing, svc)
    if existing is not None:
        _check_unused(existing, info)
    return id_key(pid), str(existing["id"]) if existing is not None else pid


def _label_user_pip(tx: Transaction, pip: Doc, svc: ServiceLB) -> None:
    """``azure-dns-label-name`` on a public IP the user created (named by ``azure-pip-name`` or
    ``loadBalancerIP``): cloud-provider-azure's ``reconcileDNSSettings`` sets the label when the IP has none (and
    records the Service in the ``k8s-azure-dns-label-service`` tag), keeps an equal one, refuses a different
    label or a label another Service set, and clears it for an empty annotation
    (kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go)."""
    tags = pip.setdefault("tags", {})
    owner = tags.get(TAG_DNS_LABEL_SERVICE)
    name = str(pip["name"])
    if owner and owner.lower() != svc.key.lower():
        raise ConfigError(f"ensurePublicIPExists for service({svc.key}): pip({name}) - there is an existing service "
                          f"{owner} consuming the DNS label on the public IP, so the service cannot set the DNS label "
                          "annotation with this value")
    current = ((pip.get("properties") or {}).get("dnsSettings") or {}).get("domainNameLabel")
    if not svc.dns_label:
        if current:
            tags.pop(TAG_DNS_LABEL_SERVICE, None)
            pip_mod.set_public_ip_dns_label(tx, pip, "")
        return
    if current and current.lower() != svc.dns_label.lower():
        raise ConfigError(f"ensurePublicIPExists for service({svc.key}): pip({name}) - there is an existing DNS label "
                          f"{current} on the public IP")
    if not current:
        tags[TAG_DNS_LABEL_SERVICE] = svc.key
        pip_mod.set_public_ip_dns_label(tx, pip, svc.dns_label)


def _check_unused(pip: Doc, info: ClusterInfo) -> None:
    """A public IP another resource (a VM's NIC, a NAT gateway, another LB) holds cannot be a frontend."""
    props = pip.get("properties") or {}
    user = str((props.get("ipConfiguration") or props.get("natGateway") or {}).get("id") or "")
    ours = [id_key(lb_mod.load_balancer_id(info.node_resource_group, n)) + "/frontendipconfigurations/"
            for n in (PUBLIC_LB, INTERNAL_LB)]
    if user and not any(user.lower().startswith(o) for o in ours):
        raise ConfigError(f"PublicIPAddressInUse: Resource {pip['id']} is referenced by the load balancer but is "
                          f"already in use by {user}.")


def _want(plan: FrontendPlan, rg: str, name: str, svc: ServiceLB) -> None:
    want = plan.public_ips.setdefault(id_key(pip_mod.public_ip_id(rg, name)), PublicIPWant(rg, name))
    if svc.dns_label is not None:
        if want.owners and want.dns_label not in (None, svc.dns_label):
            raise ConfigError(f"the DNS label of public IP {name} cannot be shared: it is set by Service "
                              f"{want.owners[0]}")
        want.dns_label = svc.dns_label
    want.extra_tags.update(svc.pip_tags)
    want.owners.append(svc.key)


def _internal_subnet(tx: Transaction, info: ClusterInfo, svc: ServiceLB) -> tuple[str, str]:
    """(subnet id, IPv4 prefix) for an internal frontend."""
    if info.subnet_id is None:
        raise ConfigError("the cluster has no node subnet for internal load balancer frontends")
    sid = info.subnet_id
    if svc.subnet_name:
        sid = f"{sid.split('/subnets/')[0]}/subnets/{svc.subnet_name}"
    vnet = tx.get(KIND_VNET, sid.split("/subnets/")[0])
    for sub in ((vnet or {}).get("properties") or {}).get("subnets") or []:
        if same_id(str(sub["id"]), sid):
            return str(sub["id"]), subnet_mod.subnet_ipv4_prefix(sub)
    raise ConfigError(f"failed to get subnet: {sid.split('/subnets/')[0].rsplit('/', 1)[-1]}/"
                      f"{sid.rsplit('/', 1)[-1]}")


def _check_internal_ip(tx: Transaction, sid: str, prefix: str, ip: str, fe_id: str, service_cidr: str) -> None:
    """A pinned internal address must be valid, in the subnet, not Azure-reserved, not in the service CIDR
    and free (learn.microsoft.com/azure/aks/configure-load-balancer-standard,
    ``azure-load-balancer-ipv4`` on an internal Service)."""
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        raise ConfigError(f"InvalidPrivateIPAddressFormat: Private IP address {ip} has invalid format.") from None
    if service_cidr and addr in ipaddress.ip_network(service_cidr, strict=False):
        raise ConfigError(f"the IP address {ip} is in the service CIDR {service_cidr}")
    if addr not in ipaddress.ip_network(prefix, strict=False):
        raise ConfigError(f"PrivateIPAddressNotInSubnet: Private static IP address {ip} does not belong to the "
                          f"range of subnet prefix {prefix}.")
    if subnet_ipam.is_reserved(prefix, ip):
        raise ConfigError(f"PrivateIPAddressInReservedRange: Private static IP address {ip} falls within "
                          f"reserved IP range of subnet prefix {prefix}.")
    holder = subnet_ipam.allocations(tx, sid).get(ip)
    if holder is not None and not same_id(holder, fe_id):
        raise ConfigError(f"PrivateIPAddressInUse: IP configuration {fe_id} is using the private IP address {ip} "
                          f"which is already allocated to resource {holder}.")


def _ipv6_frontend(info: ClusterInfo, svc: ServiceLB, plan: FrontendPlan,
                   names: dict[str, str]) -> tuple[str, Frontend]:
    """A Service's IPv6 frontend: a public IPv6 address ``kubernetes-<base>[-IPv6]`` on ``kubernetes``
    (cloud-provider-azure ``getResourceByIPFamily``). Internal IPv6 frontends are not emulated."""
    if svc.internal:
        raise ConfigError("internal IPv6 load balancer frontends are not emulated by aksnet (docs/fidelity.md, "
                          "Dual-stack)")
    rg = svc.pip_resource_group or info.node_resource_group
    suffix = svc.family_suffix("IPv6")
    name = f"{svc.managed_pip_name}{suffix}"[:80]
    want = plan.public_ips.setdefault(id_key(pip_mod.public_ip_id(rg, name)),
                                      PublicIPWant(rg, name, version="IPv6"))
    if svc.key not in want.owners:
        want.owners.append(svc.key)
    key = id_key(want.id)
    fe = plan.frontends.get(key) or Frontend(PUBLIC_LB, names.get(key, f"{svc.frontend_name}{suffix}"[:80]),
                                             public_ip_id=want.id, family="IPv6")
    return key, fe


def plan_frontends(tx: Transaction, info: ClusterInfo, services: list[ServiceLB], service_cidr: str) -> FrontendPlan:
    """Assign every Service a frontend per IP family (shared where the Services ask for the same address).
    Services whose request cannot be met get an entry in ``errors`` instead."""
    plan = FrontendPlan()
    names = {PUBLIC_LB: _existing_frontend_names(tx, info, PUBLIC_LB),
             INTERNAL_LB: _existing_frontend_names(tx, info, INTERNAL_LB)}
    for svc in services:
        try:
            placed = [_family_frontend(tx, info, svc, plan, names, family, service_cidr)
                      for family in svc.ip_families]
            for _, fe in placed:
                for p in svc.ports:
                    other = fe.ports.get((p.protocol, p.port))
                    if other is not None and other != svc.key:
                        raise ConfigError(f"port {p.port}/{p.protocol} of the shared frontend IP configuration "
                                          f"{fe.name} is already used by Service {other}")
            for n, (key, fe) in enumerate(placed):
                for p in svc.ports:
                    fe.ports[(p.protocol, p.port)] = svc.key
                fe.owners.append(svc.key)
                plan.frontends[key] = fe
                (plan.by_service if n == 0 else plan.secondary)[svc.key] = fe
        except ConfigError as exc:
            plan.errors[svc.key] = str(exc)
            for want in plan.public_ips.values():
                if svc.key in want.owners:
                    want.owners.remove(svc.key)
    plan.public_ips = {k: w for k, w in plan.public_ips.items() if w.owners}
    return plan


def _family_frontend(tx: Transaction, info: ClusterInfo, svc: ServiceLB, plan: FrontendPlan,
                     names: dict[str, dict[str, str]], family: str, service_cidr: str) -> tuple[str, Frontend]:
    """(sharing key, frontend) of one of the Service's IP families."""
    if family == "IPv6":
        return _ipv6_frontend(info, svc, plan, names[PUBLIC_LB])
    lb = INTERNAL_LB if svc.internal else PUBLIC_LB
    if not svc.internal:
        key, pid = _public_frontend(tx, info, svc, plan)
        return key, plan.frontends.get(key) or Frontend(lb, names[lb].get(key, svc.frontend_name), public_ip_id=pid)
    sid, prefix = _internal_subnet(tx, info, svc)
    key = f"{sid}|{svc.requested_ip}".lower() if svc.requested_ip else f"svc|{svc.base}"
    fe = plan.frontends.get(key)
    if fe is None:
        fe = Frontend(lb, names[lb].get(key, svc.frontend_name), subnet_id=sid, private_ip=svc.requested_ip)
        if svc.requested_ip:
            _check_internal_ip(tx, sid, prefix, svc.requested_ip, fe.id(info.node_resource_group), service_cidr)
    return key, fe


def ensure_public_ips(tx: Transaction, info: ClusterInfo, plan: FrontendPlan) -> None:
    """Create or update the managed public IPs (tags, DNS label). A failure (e.g. a DNS label already used in
    the region) becomes an error of the Services that wanted that public IP."""
    for want in plan.public_ips.values():
        tags = {**want.extra_tags, TAG_CLUSTER: CLUSTER_NAME, TAG_SERVICE: ",".join(want.owners)}
        current = tx.get(KIND_PUBLIC_IP, want.id)
        if current is not None and current.get("tags") == tags and (
                want.dns_label is None
                or ((current["properties"].get("dnsSettings") or {}).get("domainNameLabel") or "") == want.dns_label):
            continue  # nothing to change: no new etag
        try:
            pip_mod.create_public_ip(tx, want.resource_group, want.name, location=info.location, sku="Standard",
                                     allocation_method="Static", dns_label=want.dns_label, tags=tags,
                                     version=want.version)
        except AzureError as exc:
            for owner in want.owners:
                plan.errors[owner] = exc.render()
                plan.by_service.pop(owner, None)
                plan.secondary.pop(owner, None)
    for key, fe in list(plan.frontends.items()):
        fe.owners = [o for o in fe.owners if o not in plan.errors]
        fe.ports = {k: o for k, o in fe.ports.items() if o not in plan.errors}
        if not fe.owners:
            del plan.frontends[key]


def delete_orphan_public_ips(tx: Transaction, info: ClusterInfo, plan: FrontendPlan) -> None:
    """Delete the provider's public IPs in the node resource group that no Service uses any more (after the
    load balancers let go of them)."""
    for doc in list(tx.list(KIND_PUBLIC_IP, "", pip_mod.public_ip_id(info.node_resource_group, ""))):
        if not _is_managed(doc) or id_key(str(doc["id"])) in plan.public_ips:
            continue
        props = doc.get("properties") or {}
        if props.get("ipConfiguration") or props.get("natGateway"):
            continue
        pip_mod.delete_public_ip(tx, str(doc["id"]))
