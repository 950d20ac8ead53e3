"""The cloud provider's managed Private Link services: a LoadBalancer Service annotated
``service.beta.kubernetes.io/azure-pls-create: "true"`` gets a PLS on its load balancer frontend
[kubernetes-sigs/cloud-provider-azure site/content/en/topics/pls-integration.md;
learn.microsoft.com/azure/aks/internal-lb, "Connect Azure Private Link service to internal load balancer"].

Annotations: ``azure-pls-name`` (default ``pls-<frontend name>``), ``azure-pls-resource-group`` (default the
node resource group), ``azure-pls-ip-configuration-subnet`` (default the Service's ILB subnet, else the node
subnet), ``azure-pls-ip-configuration-ip-address-count`` (1-8, default 1), ``azure-pls-ip-configuration-ip-address``
(space-separated static IPv4s, no more than the count), ``azure-pls-fqdns``, ``azure-pls-proxy-protocol``,
``azure-pls-visibility`` (subscriptions or ``*``) and ``azure-pls-auto-approval`` (works only with visibility
``*``). The PLS is tagged with its owner Service; it lives as long as its frontend (removing the annotation
keeps it), and the NAT subnet's ``privateLinkServiceNetworkPolicies`` is set to Disabled as the provider does.
aksnet makes PLSs for internal frontends only (a public frontend needs floating IP off: not emulated). Errors
become the Service's ``SyncLoadBalancerFailed`` event. Does not print.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.errors import AzureError
from aksnet.model.ids import id_key, same_id
from aksnet.store import Transaction
from aksnet.twin.cloud_provider import frontends as fe_mod
from aksnet.twin.cloud_provider.cluster_info import ClusterInfo
from aksnet.twin.cloud_provider.config import ANN_INTERNAL_SUBNET, CLUSTER_NAME, INTERNAL_LB, PREFIX, TAG_CLUSTER
from aksnet.twin.network import private_link
from aksnet.twin.network import subnet as subnet_mod

Doc = dict[str, Any]

ANN_CREATE = PREFIX + "azure-pls-create"
ANN_NAME = PREFIX + "azure-pls-name"
ANN_RESOURCE_GROUP = PREFIX + "azure-pls-resource-group"
ANN_SUBNET = PREFIX + "azure-pls-ip-configuration-subnet"
ANN_IP_COUNT = PREFIX + "azure-pls-ip-configuration-ip-address-count"
ANN_IPS = PREFIX + "azure-pls-ip-configuration-ip-address"
ANN_FQDNS = PREFIX + "azure-pls-fqdns"
ANN_PROXY = PREFIX + "azure-pls-proxy-protocol"
ANN_VISIBILITY = PREFIX + "azure-pls-visibility"
ANN_AUTO_APPROVAL = PREFIX + "azure-pls-auto-approval"
TAG_OWNER = "k8s-azure-owner-service"  # cloud-provider-azure consts.OwnerServiceTagKey


class PLSError(Exception):
    """An annotation the provider cannot honour (the Service's event text)."""


def _words(value: str | None) -> list[str]:
    return [w for w in (value or "").split() if w]


def _bool(ann: dict[str, str], key: str) -> bool:
    value = (ann.get(key) or "false").strip().lower()
    if value not in ("true", "false"):
        raise PLSError(f"failed to parse annotation {key}: {ann.get(key)!r} is not a boolean")
    return value == "true"


def _count(ann: dict[str, str]) -> int:
    raw = (ann.get(ANN_IP_COUNT) or "1").strip()
    try:
        n = int(raw)
    except ValueError:
        raise PLSError(f"failed to parse annotation {ANN_IP_COUNT}: {raw!r} is not an integer") from None
    if not 1 <= n <= private_link.MAX_NAT_IPS:
        raise PLSError(f"annotation {ANN_IP_COUNT}={n} is out of range: must be between 1 and "
                       f"{private_link.MAX_NAT_IPS}")
    return n


def _static_ips(ann: dict[str, str], count: int) -> list[str]:
    ips = _words(ann.get(ANN_IPS))
    for ip in ips:
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            raise PLSError(f"annotation {ANN_IPS}: {ip!r} is not an IPv4 address (IPv6 is not supported)") from None
    if len(ips) > count:
        raise PLSError(f"annotation {ANN_IPS} lists {len(ips)} addresses, more than {ANN_IP_COUNT}={count}")
    return ips


def _nat_subnet(tx: Transaction, info: ClusterInfo, fe: fe_mod.Frontend, ann: dict[str, str]) -> str:
    name = (ann.get(ANN_SUBNET) or ann.get(ANN_INTERNAL_SUBNET) or "").strip()
    base = fe.subnet_id or info.subnet_id or ""
    if not name:
        return base
    sid = f"{base.split('/subnets/')[0]}/subnets/{name}"
    try:
        return str(subnet_mod.get_subnet(tx, sid)["id"])
    except AzureError:
        raise PLSError(f"failed to get subnet: {sid.split('/subnets/')[0].rsplit('/', 1)[-1]}/{name}") from None


def _ensure(tx: Transaction, info: ClusterInfo, key: str, fe: fe_mod.Frontend, ann: dict[str, str]) -> str:
    """Create or update the Service's PLS; returns its ID."""
    if fe.lb != INTERNAL_LB:
        raise PLSError("aksnet creates Private Link services for internal load balancer frontends only "
                       f"({PREFIX}azure-load-balancer-internal: \"true\"); see docs/fidelity.md")
    count = _count(ann)
    static = _static_ips(ann, count)
    visibility = _words(ann.get(ANN_VISIBILITY))
    auto = _words(ann.get(ANN_AUTO_APPROVAL))
    if auto and visibility != ["*"]:
        raise PLSError(f"annotation {ANN_AUTO_APPROVAL} only works when {ANN_VISIBILITY} is \"*\"")
    name = (ann.get(ANN_NAME) or "").strip() or f"pls-{fe.name}"
    rg = (ann.get(ANN_RESOURCE_GROUP) or "").strip() or info.node_resource_group
    rid = private_link.pls_id(rg, name)
    existing = tx.get(private_link.KIND_PLS, rid)
    if existing is not None:
        owner = ((existing.get("tags") or {}).get(TAG_OWNER) or "")
        if not same_id(private_link.frontend_of(existing), fe.id(info.node_resource_group)):
            raise PLSError(f"private link service {name} already exists on another frontend")
        if owner and owner != key:
            return rid  # shared frontend: only the owner Service updates the PLS
    subnet_id = _nat_subnet(tx, info, fe, ann)
    if subnet_mod.get_subnet(tx, subnet_id)["properties"].get("privateLinkServiceNetworkPolicies") != "Disabled":
        subnet_mod.update_subnet(tx, subnet_id, private_link_service_network_policies="Disabled")
    try:
        private_link.put_pls(
            tx, resource_group=rg, name=name, location=info.location, frontend_id=fe.id(info.node_resource_group),
            nat_subnet_id=subnet_id, ip_count=count, static_ips=static, proxy_protocol=_bool(ann, ANN_PROXY),
            visibility=visibility, auto_approval=auto, fqdns=_words(ann.get(ANN_FQDNS)),
            tags={TAG_CLUSTER: CLUSTER_NAME, TAG_OWNER: key})
    except AzureError as exc:
        raise PLSError(exc.render()) from None
    return rid


def reconcile(tx: Transaction, info: ClusterInfo, services: list[Doc], plan: fe_mod.FrontendPlan,
              errors: dict[str, str]) -> None:
    """Ensure the PLS of every annotated Service (failures go into ``errors``), then delete the managed PLSs
    whose frontend is gone."""
    for doc in services:
        meta = doc.get("metadata") or {}
        key = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
        ann = meta.get("annotations") or {}
        fe = plan.by_service.get(key)
        if key in errors or fe is None or (ann.get(ANN_CREATE) or "").strip().lower() != "true":
            continue
        try:
            _ensure(tx, info, key, fe, ann)
        except PLSError as exc:
            errors[key] = str(exc)
    live = {id_key(f.id(info.node_resource_group)) for f in plan.frontends.values()}
    for pls in tx.list(private_link.KIND_PLS):
        tags = pls.get("tags") or {}
        fe_id = private_link.frontend_of(pls).lower()
        if tags.get(TAG_CLUSTER) != CLUSTER_NAME or not fe_id.startswith(
                f"/subscriptions/{info.cluster_id.split('/')[2]}/resourcegroups/{info.node_resource_group.lower()}/"):
            continue
        if fe_id not in live:
            private_link.delete_pls(tx, str(pls["id"]))
