"""Service admission in the emulated API server: defaults, validation and the ClusterIP/NodePort allocators.

The API server (``aksnet.twin.kube.apiserver``) calls :func:`admit_service` on every Service create and
update and :func:`release_service` on delete. The allocators' state lives in the workspace as the cluster
document ``aksnet:allocations`` / ``services`` (``{"clusterIPs": {ip: "ns/name"}, "nodePorts": {port:
"ns/name"}}``), read and written through the cluster's object cache (``aksnet.twin.kube.objects``), so it
commits or rolls back with the command. When the table is missing (an imported workspace) it is rebuilt
from the stored Services.

Sources: ``pkg/apis/core/v1/defaults.go`` ``SetDefaults_Service``; ``pkg/registry/core/service/storage``
(``alloc.go``: ``allocClusterIPs``, ``initNodePorts``, ``allocHealthCheckNodePort``; ``storage.go``:
``patchAllocatedValues``, ``dropTypeDependentFields``); kubernetes.io/docs/concepts/services-networking/service;
kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation;
kubernetes/kubernetes pkg/registry/core/service/portallocator;
kubernetes/kubernetes pkg/apis/core/validation/validation.go.
Must not print, and must not touch Azure resources (that is ``aksnet.twin.cloud_provider``).
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import services_clusterip as ipalloc
from aksnet.twin.kube import services_families as families
from aksnet.twin.kube import services_nodeport as portalloc
from aksnet.twin.kube.objects import ClusterObjects, open_objects
from aksnet.twin.kube.services_validation import (
    Cause,
    ServiceInternalError,
    ServiceInvalid,
    go_value,
    validate_service,
    validate_service_update,
)

Doc = dict[str, Any]

KIND_ALLOCATIONS = "aksnet:allocations"
ALLOC_KEY = "services"
KIND_SERVICE = "k8s:core/Service"

DEFAULT_SERVICE_CIDR = "10.0.0.0/16"  # AKS default networkProfile.serviceCidr
DEFAULT_DNS_SERVICE_IP = "10.0.0.10"
DEFAULT_AFFINITY_TIMEOUT = 10800  # DefaultClientIPServiceAffinitySeconds


# -- cluster configuration ----------------------------------------------------------------------
def service_cidr(objs: ClusterObjects) -> str:
    """``--service-cluster-ip-range`` of the cluster: its ``networkProfile.serviceCidr`` (AKS default 10.0.0.0/16)."""
    profile = (objs.cluster().get("properties") or {}).get("networkProfile") or {}
    return str(profile.get("serviceCidr") or DEFAULT_SERVICE_CIDR)


def service_cidrs(objs: ClusterObjects) -> list[str]:
    """Every ``--service-cluster-ip-range`` of the cluster, primary first (dual-stack: IPv4 then IPv6)."""
    profile = (objs.cluster().get("properties") or {}).get("networkProfile") or {}
    return [str(c) for c in profile.get("serviceCidrs") or []] or [service_cidr(objs)]


def dns_service_ip(objs: ClusterObjects) -> str:
    profile = (objs.cluster().get("properties") or {}).get("networkProfile") or {}
    return str(profile.get("dnsServiceIp") or DEFAULT_DNS_SERVICE_IP)


def node_port_range(objs: ClusterObjects) -> portalloc.NodePortRange:
    """``--service-node-port-range``; AKS does not change the upstream default 30000-32767."""
    return portalloc.DEFAULT_RANGE


# -- predicates (``pkg/api/service/util``) --------------------------------------------------------
def needs_cluster_ip(spec: Doc) -> bool:
    return bool(spec.get("type", "ClusterIP") != "ExternalName")


def needs_node_ports(spec: Doc) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def needs_health_check(spec: Doc) -> bool:
    """``apiservice.NeedsHealthCheck``: type LoadBalancer with externalTrafficPolicy Local."""
    return bool(spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local")


def owner_of(doc: Doc) -> str:
    meta = doc.get("metadata") or {}
    return f"{meta.get('namespace') or 'default'}/{meta.get('name') or ''}"


# -- defaults -----------------------------------------------------------------------------------
def apply_service_defaults(doc: Doc) -> None:
    """``SetDefaults_Service`` plus the fields the registry defaults before validation (ipFamilies,
    ipFamilyPolicy, internalTrafficPolicy, allocateLoadBalancerNodePorts). Mutates ``doc``."""
    spec = doc.setdefault("spec", {})
    svc_type = spec.setdefault("type", "ClusterIP")
    affinity = spec.setdefault("sessionAffinity", "None")
    if affinity == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        cfg.setdefault("timeoutSeconds", DEFAULT_AFFINITY_TIMEOUT)
    for p in spec.get("ports") or []:
        if not isinstance(p, dict):
            continue
        p.setdefault("protocol", "TCP")
        if p.get("targetPort") in (None, 0, ""):
            p["targetPort"] = p.get("port")
    if svc_type in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if svc_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if svc_type != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    doc.setdefault("status", {}).setdefault("loadBalancer", {})


def _drop_type_dependent_fields(new: Doc, old: Doc) -> None:
    """``dropTypeDependentFields``: fields the old type needed and the new one does not are cleared when the
    user did not change them (so ``kubectl apply`` of a changed type works without manual clean-up)."""
    ns, os_ = new["spec"], old.get("spec") or {}
    if needs_cluster_ip(os_) and not needs_cluster_ip(ns):
        if ns.get("clusterIP") == os_.get("clusterIP"):
            ns.pop("clusterIP", None)
            ns.pop("clusterIPs", None)
        if ns.get("ipFamilies") == os_.get("ipFamilies"):
            ns.pop("ipFamilies", None)
        if ns.get("ipFamilyPolicy") == os_.get("ipFamilyPolicy"):
            ns.pop("ipFamilyPolicy", None)
        if ns.get("internalTrafficPolicy") == os_.get("internalTrafficPolicy"):
            ns.pop("internalTrafficPolicy", None)
    if needs_node_ports(os_) and not needs_node_ports(ns):
        old_ports = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort") for p in os_.get("ports") or []}
        for p in ns.get("ports") or []:
            if isinstance(p, dict) and p.get("nodePort") == old_ports.get((p.get("port"), p.get("protocol", "TCP"))):
                p.pop("nodePort", None)
        if ns.get("externalTrafficPolicy") == os_.get("externalTrafficPolicy"):
            ns.pop("externalTrafficPolicy", None)
    if (needs_health_check(os_) and not needs_health_check(ns)
            and ns.get("healthCheckNodePort") == os_.get("healthCheckNodePort")):
        ns.pop("healthCheckNodePort", None)
    if os_.get("type") == "LoadBalancer" and ns.get("type") != "LoadBalancer":
        if ns.get("allocateLoadBalancerNodePorts") == os_.get("allocateLoadBalancerNodePorts"):
            ns.pop("allocateLoadBalancerNodePorts", None)
        if ns.get("loadBalancerClass") == os_.get("loadBalancerClass"):
            ns.pop("loadBalancerClass", None)


def _patch_allocated_values(new: Doc, old: Doc) -> None:
    """``patchAllocatedValues``: an update that omits allocated values keeps the old ones."""
    ns, os_ = new["spec"], old.get("spec") or {}
    if needs_cluster_ip(os_) and needs_cluster_ip(ns):
        if not ns.get("clusterIP") and os_.get("clusterIP"):
            ns["clusterIP"] = os_["clusterIP"]
        if not ns.get("clusterIPs") and os_.get("clusterIPs") and ns.get("clusterIP") == os_.get("clusterIP"):
            ns["clusterIPs"] = list(os_["clusterIPs"])
    if needs_node_ports(os_) and needs_node_ports(ns):
        old_np = {(p.get("port"), p.get("protocol", "TCP")): p.get("nodePort") for p in os_.get("ports") or []}
        for p in ns.get("ports") or []:
            if isinstance(p, dict) and not p.get("nodePort"):
                prev = old_np.get((p.get("port"), p.get("protocol", "TCP")))
                if prev:
                    p["nodePort"] = prev
    if (needs_health_check(os_) and needs_health_check(ns) and not ns.get("healthCheckNodePort")
            and os_.get("healthCheckNodePort")):
        ns["healthCheckNodePort"] = os_["healthCheckNodePort"]


# -- the allocation table -----------------------------------------------------------------------
class Allocations:
    """The cluster's ClusterIP and NodePort bitmaps as ``{ip: owner}`` and ``{port: owner}``. One instance per
    object cache (kept in ``objs.extra``), so admitting many Services in one command stays linear."""

    def __init__(self, objs: ClusterObjects) -> None:
        self.objs = objs
        doc = objs.get(KIND_ALLOCATIONS, ALLOC_KEY)
        if doc is None:
            doc = _rebuild(objs)
        self.cluster_ips: dict[str, str] = dict(doc.get("clusterIPs") or {})
        self.node_ports: dict[int, str] = {int(k): v for k, v in (doc.get("nodePorts") or {}).items()}

    @classmethod
    def of(cls, objs: ClusterObjects) -> Allocations:
        cached = objs.extra.get("service-allocations")
        if isinstance(cached, Allocations):
            return cached
        alloc = cls(objs)
        objs.extra["service-allocations"] = alloc
        return alloc

    def snapshot(self) -> tuple[dict[str, str], dict[int, str]]:
        return dict(self.cluster_ips), dict(self.node_ports)

    def restore(self, snap: tuple[dict[str, str], dict[int, str]]) -> None:
        self.cluster_ips, self.node_ports = dict(snap[0]), dict(snap[1])

    def release_owner(self, owner: str) -> None:
        for ip in [ip for ip, o in self.cluster_ips.items() if o == owner]:
            del self.cluster_ips[ip]
        for port in [p for p, o in self.node_ports.items() if o == owner]:
            del self.node_ports[port]

    def save(self) -> None:
        doc = {"clusterIPs": dict(self.cluster_ips), "nodePorts": {str(p): o for p, o in self.node_ports.items()}}
        self.objs.put(KIND_ALLOCATIONS, ALLOC_KEY, doc)


def _rebuild(objs: ClusterObjects) -> Doc:
    """The table as the stored Services imply it (repair path for workspaces without one)."""
    ips: dict[str, str] = {}
    ports: dict[str, str] = {}
    for svc in objs.docs(KIND_SERVICE):
        owner, spec = owner_of(svc), svc.get("spec") or {}
        for ip in spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []):
            if ip and ip != "None":
                ips[ip] = owner
        for p in spec.get("ports") or []:
            if isinstance(p, dict) and p.get("nodePort"):
                ports[str(p["nodePort"])] = owner
        if spec.get("healthCheckNodePort"):
            ports[str(spec["healthCheckNodePort"])] = owner
    return {"clusterIPs": ips, "nodePorts": ports}


def _allocate_cluster_ip(spec: Doc, name: str, owner: str, alloc: Allocations, objs: ClusterObjects) -> None:
    """``allocClusterIPs``: a requested address is checked; otherwise ``kubernetes`` gets the first address,
    ``kube-dns`` the cluster's dnsServiceIP, and everything else a dynamic-band address."""
    if not needs_cluster_ip(spec):
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)
        return
    requested = spec.get("clusterIP") or (spec.get("clusterIPs") or [None])[0]
    if requested == "None":
        spec["clusterIP"] = "None"
        spec["clusterIPs"] = ["None"]
        return
    cidrs = {families.family_of(str(c).split("/")[0]): ipaddress.ip_network(c, strict=False)
             for c in service_cidrs(objs)}
    given = list(spec.get("clusterIPs") or [])
    ips = [_allocate_one(cidrs[fam], given[i] if i < len(given) else (requested if i == 0 else None),
                         name, owner, alloc, objs, i == 0)
           for i, fam in enumerate(spec.get("ipFamilies") or ["IPv4"])]
    spec["clusterIP"] = ips[0]
    spec["clusterIPs"] = ips


def _allocate_one(cidr: ipalloc.IPv4Net, requested: str | None, name: str, owner: str, alloc: Allocations,
                  objs: ClusterObjects, primary: bool) -> str:
    """One family's ClusterIP: the requested one (checked) or the next free one; the primary family's range
    gives ``kubernetes`` its first address and ``kube-dns`` the dnsServiceIP."""
    if not requested and primary:
        if owner == "default/kubernetes":
            requested = ipalloc.ip_at(cidr, 0)
        elif owner == "kube-system/kube-dns" and ipalloc.offset_of(cidr, dns_service_ip(objs)) is not None:
            requested = dns_service_ip(objs)
    if requested:
        try:
            ip = ipalloc.check_requested(cidr, alloc.cluster_ips, owner, str(requested))
        except ipalloc.NotInRange:
            raise ServiceInvalid(name, [(
                "spec.clusterIPs", f"Invalid value: {go_value([requested])}: failed to allocate IP {requested}: "
                f"the provided IP ({requested}) is not in the valid range. The range of valid IPs is {cidr}",
            )]) from None
        except ipalloc.AlreadyAllocated:
            raise ServiceInvalid(name, [(
                "spec.clusterIPs", f"Invalid value: {go_value([requested])}: failed to allocate IP {requested}: "
                "provided IP is already allocated",
            )]) from None
    else:
        try:
            ip = ipalloc.allocate_next(cidr, alloc.cluster_ips, owner)
        except ipalloc.RangeFull:
            raise ServiceInternalError("failed to allocate a serviceIP: range is full") from None
    alloc.cluster_ips[ip] = owner
    return ip


def _allocate_node_ports(spec: Doc, name: str, owner: str, alloc: Allocations, rng: portalloc.NodePortRange) -> None:
    """``initNodePorts``: NodePort/LoadBalancer ports get a node port (LoadBalancer with
    allocateLoadBalancerNodePorts=false: only those given); ports sharing a port number share one."""
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if not needs_node_ports(spec):
        for p in ports:
            p.pop("nodePort", None)
        return
    auto = spec.get("type") == "NodePort" or spec.get("allocateLoadBalancerNodePorts", True)
    by_port: dict[int, int] = {}
    errs: list[Cause] = []
    for i, p in enumerate(ports):  # user-given ports first
        np_ = p.get("nodePort")
        if not np_:
            continue
        try:
            portalloc.check_requested(rng, alloc.node_ports, owner, int(np_))
        except portalloc.PortNotInRange:
            errs.append((f"spec.ports[{i}].nodePort", f"Invalid value: {np_}: provided port is not in the valid "
                         f"range. The range of valid ports is {rng}"))
            continue
        except portalloc.PortAlreadyAllocated:
            errs.append((f"spec.ports[{i}].nodePort", f"Invalid value: {np_}: provided port is already allocated"))
            continue
        alloc.node_ports[int(np_)] = owner
        by_port.setdefault(int(p["port"]), int(np_))
    if errs:
        raise ServiceInvalid(name, errs)
    for p in ports:
        if p.get("nodePort") or not auto:
            continue
        shared = by_port.get(int(p["port"]))
        if shared is None:
            try:
                shared = portalloc.allocate_next(rng, alloc.node_ports, owner)
            except portalloc.PortRangeFull:
                raise ServiceInternalError("failed to allocate a nodePort: range is full") from None
            alloc.node_ports[shared] = owner
            by_port[int(p["port"])] = shared
        p["nodePort"] = shared


def _allocate_health_check(spec: Doc, owner: str, alloc: Allocations, rng: portalloc.NodePortRange) -> None:
    """``allocHealthCheckNodePort``: LoadBalancer + externalTrafficPolicy Local gets one more node port."""
    if not needs_health_check(spec):
        spec.pop("healthCheckNodePort", None)
        return
    hc = spec.get("healthCheckNodePort")
    if hc:
        try:
            portalloc.check_requested(rng, alloc.node_ports, owner, int(hc))
        except (portalloc.PortNotInRange, portalloc.PortAlreadyAllocated) as exc:
            why = ("provided port is already allocated" if isinstance(exc, portalloc.PortAlreadyAllocated)
                   else f"provided port is not in the valid range. The range of valid ports is {rng}")
            raise ServiceInternalError(f"failed to allocate requested HealthCheck NodePort {hc}: {why}") from None
        alloc.node_ports[int(hc)] = owner
        return
    try:
        port = portalloc.allocate_next(rng, alloc.node_ports, owner + "#healthcheck")
    except portalloc.PortRangeFull:
        raise ServiceInternalError("failed to allocate a nodePort: range is full") from None
    alloc.node_ports[port] = owner
    spec["healthCheckNodePort"] = port


# -- the API ------------------------------------------------------------------------------------
def admit_service(tx: Transaction, cluster_id: str, new: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
    """Admit a Service create (``old`` None) or update: returns the document to store.

    Applies ``SetDefaults_Service`` (type ClusterIP, protocol TCP, targetPort = port, sessionAffinity None,
    externalTrafficPolicy Cluster for NodePort/LoadBalancer, internalTrafficPolicy Cluster,
    allocateLoadBalancerNodePorts true, ipFamilies/ipFamilyPolicy), keeps allocated values an update omits
    (``patchAllocatedValues``), validates with the API server's messages and allocates the ClusterIP
    (``kubernetes`` → first address, ``kube-dns`` → dnsServiceIP, headless ``None``, ExternalName none),
    node ports (30000-32767) and the health-check node port (LoadBalancer + Local), releasing what the
    old version held and the new one does not. Metadata (uid, resourceVersion, timestamps) and
    ``status.loadBalancer`` written by cloud-provider-azure are kept as given / as stored.

    Raises ``ServiceInvalid`` (kubectl: ``The Service "web" is invalid: spec.ports[0].nodePort: Invalid
    value: 31000: provided port is already allocated``) or ``ServiceInternalError`` (range full); nothing
    is changed then. Deterministic: the same Services always get the same addresses and ports.
    """
    doc = copy.deepcopy(new)
    doc.setdefault("spec", {})
    name = str((doc.get("metadata") or {}).get("name") or "")
    owner = owner_of(doc)
    if old is not None:
        _drop_type_dependent_fields(doc, old)
        _patch_allocated_values(doc, old)
    apply_service_defaults(doc)
    spec = doc["spec"]
    if spec.get("clusterIP") and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [spec["clusterIP"]]
    elif spec.get("clusterIPs") and not spec.get("clusterIP"):
        spec["clusterIP"] = spec["clusterIPs"][0]
    errs = validate_service(doc)
    if old is not None:
        errs += validate_service_update(doc, old)
    if errs:
        raise ServiceInvalid(name, errs)
    objs = open_objects(tx, cluster_id)
    if needs_cluster_ip(spec):
        errs = families.init_ip_family_fields(spec, old, families.cluster_families(service_cidrs(objs)))
        if errs:
            raise ServiceInvalid(name, errs)
    else:
        spec.pop("ipFamilies", None)
        spec.pop("ipFamilyPolicy", None)
    alloc = Allocations.of(objs)
    before = alloc.snapshot()
    alloc.release_owner(owner)  # re-take below what the new version keeps
    rng = node_port_range(objs)
    try:
        _allocate_cluster_ip(spec, name, owner, alloc, objs)
        _allocate_node_ports(spec, name, owner, alloc, rng)
        _allocate_health_check(spec, owner, alloc, rng)
    except Exception:
        alloc.restore(before)  # a refused Service holds nothing
        raise
    if spec.get("type") != "LoadBalancer":
        doc["status"] = {"loadBalancer": {}}
    elif old is not None and not (doc.get("status") or {}).get("loadBalancer"):
        doc["status"] = {"loadBalancer": copy.deepcopy((old.get("status") or {}).get("loadBalancer") or {})}
    alloc.save()
    return doc


def release_service(tx: Transaction, cluster_id: str, doc: dict[str, Any]) -> None:
    """A deleted Service gives back its ClusterIP, node ports and health-check node port. Its Azure load
    balancer configuration is removed by the next cloud-provider-azure reconcile."""
    objs = open_objects(tx, cluster_id)
    alloc = Allocations.of(objs)
    alloc.release_owner(owner_of(doc))
    alloc.save()
