"""Build the immutable :class:`aksnet.model.twin.Twin` that the analyses read.

Two sources: a workspace transaction (``load_twin``) or a plain directory of manifests with optional
``az aks show -o json`` / ``az network vnet show -o json`` files beside them (``load_twin_from_dir``).
Kubernetes documents are converted with ``aksnet.io.k8s_model``. This module reads documents
only: it never writes the workspace and knows no networking semantics.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from aksnet.errors import AksnetError
from aksnet.io import arm_alb, arm_firewall, gateway_model, k8s_model, mesh_model, mesh_traffic_model
from aksnet.io import arm_model as arm
from aksnet.io.policy_kinds import OTHER_POLICY_KINDS, every_engine, other_policy_engine
from aksnet.model import azure, k8s
from aksnet.model.ids import id_key
from aksnet.model.twin import ClusterState, Twin
from aksnet.rules import alb, gateway_api, istio
from aksnet.store import Transaction

Doc = Mapping[str, Any]
IMPORTED_META = "imported:"  # the workspace meta key of an imported cluster (aksnet.twin.import_dump)

ALB_BACKEND_TLS = "BackendTLSPolicy.alb.networking.azure.io"  # AGC's own kind, not Gateway API's
ALB_HEALTH_CHECK = "HealthCheckPolicy.alb.networking.azure.io"
ALB_ROUTE_POLICY = "RoutePolicy.alb.networking.azure.io"
GATEWAY_BACKEND_TLS = "BackendTLSPolicy.gateway.networking.k8s.io"  # Gateway API's own kind, not AGC's
ALB_FRONTEND_TLS = "FrontendTLSPolicy.alb.networking.azure.io"
ISTIO_GATEWAY = "Gateway.networking.istio.io"  # Istio's own Gateway kind, not Gateway API's
K8S_KINDS = {
    "Namespace": "k8s:core/Namespace", "Node": "k8s:core/Node", "Pod": "k8s:core/Pod",
    "Service": "k8s:core/Service", "EndpointSlice": "k8s:discovery.k8s.io/EndpointSlice",
    "NetworkPolicy": "k8s:networking.k8s.io/NetworkPolicy", "Ingress": "k8s:networking.k8s.io/Ingress",
    "IngressClass": "k8s:networking.k8s.io/IngressClass", "Endpoints": "k8s:core/Endpoints",
    "Secret": "k8s:core/Secret",
    "ConfigMap": "k8s:core/ConfigMap", "ReplicaSet": "k8s:apps/ReplicaSet", "Job": "k8s:batch/Job",
    **{kind: f"k8s:{gateway_api.GROUP}/{kind}" for kind in ("GatewayClass", "Gateway", "HTTPRoute", "ReferenceGrant",
                                                                 "GRPCRoute")},
    **{kind: f"k8s:{istio.SECURITY_GROUP}/{kind}" for kind in ("PeerAuthentication", "AuthorizationPolicy",
                                                                "RequestAuthentication")},
    **{kind: f"k8s:{istio.NETWORKING_GROUP}/{kind}" for kind in ("VirtualService", "DestinationRule", "ServiceEntry")},
    ISTIO_GATEWAY: f"k8s:{istio.NETWORKING_GROUP}/Gateway",
    ALB_BACKEND_TLS: f"k8s:{alb.API_GROUP}/BackendTLSPolicy",
    ALB_HEALTH_CHECK: f"k8s:{alb.API_GROUP}/HealthCheckPolicy",
    ALB_ROUTE_POLICY: f"k8s:{alb.API_GROUP}/RoutePolicy",
    ALB_FRONTEND_TLS: f"k8s:{alb.API_GROUP}/FrontendTLSPolicy",
    GATEWAY_BACKEND_TLS: f"k8s:{gateway_api.GROUP}/BackendTLSPolicy",
}
# Policy objects of other engines (warnings only, aksnet.io.policy_kinds), under their store kinds.
OTHER_POLICIES = "_other_policies"
OTHER_POLICY_STORE_KINDS = tuple(sorted({f"k8s:{group}/{kind}" for group, kind in OTHER_POLICY_KINDS}))


def _meta(doc: Doc) -> Mapping[str, Any]:
    m = doc.get("metadata")
    return m if isinstance(m, Mapping) else {}


def _kubernetes_endpoint(slices: Sequence[k8s.EndpointSlice], endpoints: Sequence[Doc]) -> str | None:
    """The API server address the cluster itself publishes: the ``default/kubernetes`` endpoint (EndpointSlice,
    else the legacy Endpoints object), so that traces and the Service agree on it."""
    for sl in slices:
        if sl.namespace == "default" and sl.service_name == "kubernetes" and sl.endpoints:
            return sl.endpoints[0].ip
    for ep in endpoints:
        m = _meta(ep)
        if m.get("namespace", "default") == "default" and m.get("name") == "kubernetes":
            for subset in ep.get("subsets") or ():
                for a in subset.get("addresses") or ():
                    if a.get("ip"):
                        return str(a["ip"])
    return None


# -- cluster state ---------------------------------------------------------------------------------------
def _policy_engine(cluster: azure.ManagedCluster | None) -> str:
    if cluster is None:
        return "upstream"
    p = cluster.network_profile
    if p.network_dataplane == "cilium":
        return "cilium"
    return (p.network_policy or "none").lower()


def build_cluster_state(cluster: azure.ManagedCluster | None, docs: Mapping[str, Sequence[Doc]],
                        reserved: Mapping[str, tuple[str, ...]] | None = None) -> ClusterState:
    """``docs`` maps a Kubernetes kind name (``Pod``, ``Service``, …) to its wire documents in creation order.
    ``reserved`` maps a lower-cased VMSS instance ID to the secondary NIC addresses of that node (Azure CNI)."""
    reserved = reserved or {}
    owners_of: dict[tuple[str, str, str], tuple[str, str]] = {}
    for kind in ("ReplicaSet", "Job"):
        for d in docs.get(kind, ()):
            m = _meta(d)
            ref = next((r for r in m.get("ownerReferences") or () if r.get("controller", True)), None)
            if ref is not None:
                owners_of[(str(m.get("namespace") or "default"), kind, str(m.get("name")))] = (
                    str(ref.get("kind")), str(ref.get("name")))
    pods = []
    for i, d in enumerate(docs.get("Pod", ())):
        m = _meta(d)
        ref = next((r for r in m.get("ownerReferences") or () if r.get("controller", True)), None)
        owner = None
        if ref is not None:
            owner = k8s_model.top_owner({"kind": ref.get("kind"), "metadata": {
                "name": ref.get("name"), "namespace": m.get("namespace") or "default"}}, owners_of)
            if owner[0] == "ReplicaSet" and (str(m.get("namespace") or "default"), "ReplicaSet", owner[1]) \
                    not in owners_of:
                owner = ("Deployment", owner[1].rsplit("-", 1)[0])
        pods.append(k8s_model.pod(d, i, owner))
    nodes = []
    for d in docs.get("Node", ()):
        n = k8s_model.node(d)
        pid = id_key(str((d.get("spec") or {}).get("providerID", "")).removeprefix("azure://"))
        nodes.append(replace(n, reserved_pod_ips=reserved.get(pid, ())) if pid in reserved else n)
    namespaces = {n.name: n for n in (k8s_model.namespace(d) for d in docs.get("Namespace", ()))}
    for name in sorted({p.namespace for p in pods} | {"default"}):
        namespaces.setdefault(name, k8s.Namespace(name, {k8s_model.NAME_LABEL: name}))
    slices = tuple(k8s_model.endpoint_slice(d) for d in docs.get("EndpointSlice", ()))
    extra_policies, policy_notes, notes = every_engine(docs.get(OTHER_POLICIES, ()), _policy_engine(cluster))
    if cluster is not None and not cluster.enable_private_cluster:
        api_ip = _kubernetes_endpoint(slices, docs.get("Endpoints", ()))
        if api_ip:
            cluster = replace(cluster, api_server_public_ip=api_ip)
    return ClusterState(
        cluster=cluster,
        namespaces=tuple(namespaces.values()),
        nodes=tuple(nodes),
        pods=tuple(pods),
        services=tuple(k8s_model.service(d, i) for i, d in enumerate(docs.get("Service", ()))),
        endpoint_slices=slices,
        network_policies=tuple(k8s_model.network_policy(d, i) for i, d in enumerate(docs.get("NetworkPolicy", ()))),
        engine_policies=tuple(extra_policies),
        engine_notes=notes,
        ingresses=tuple(k8s_model.ingress(d, i) for i, d in enumerate(docs.get("Ingress", ()))),
        ingress_classes=tuple(k8s_model.ingress_class(d) for d in docs.get("IngressClass", ())),
        secrets=tuple(k8s_model.secret(d) for d in docs.get("Secret", ())),
        config_maps=tuple(k8s_model.config_map(d) for d in docs.get("ConfigMap", ())),
        gateway=gateway_model.world(*(docs.get(k, ()) for k in ("GatewayClass", "Gateway", "HTTPRoute",
                                                                 "ReferenceGrant", "Namespace", "Service", "Secret",
                                                                 "GRPCRoute", ALB_BACKEND_TLS, ALB_HEALTH_CHECK,
                                                                 ALB_ROUTE_POLICY, ALB_FRONTEND_TLS,
                                                                 GATEWAY_BACKEND_TLS, "ConfigMap"))),
        mesh=replace(mesh_model.world(docs.get("PeerAuthentication", ()), docs.get("AuthorizationPolicy", ()),
                                      docs.get("Pod", ()),
                                      bool(docs.get("PeerAuthentication") or docs.get("AuthorizationPolicy")),
                                      docs.get("RequestAuthentication", ())),
                     traffic=mesh_traffic_model.world(*(docs.get(k, ()) for k in (
                         "VirtualService", "DestinationRule", "ServiceEntry", ISTIO_GATEWAY)))),
        policy_engine=_policy_engine(cluster),
        ignored_policies=policy_notes,
    )


# -- Azure side ------------------------------------------------------------------------------------------
def _assemble(arm_docs: Mapping[str, Sequence[Doc]],
              clusters: Iterable[tuple[azure.ManagedCluster | None, Mapping[str, Sequence[Doc]]]],
              subscription_id: str = "") -> Twin:
    nics = tuple(arm.network_interface(d) for d in arm_docs.get(arm.KIND_NIC, ()))
    ipconfig_ips: dict[str, str] = {}
    nic_ips: dict[str, str] = {}
    for nic_doc, nic in zip(arm_docs.get(arm.KIND_NIC, ()), nics):
        if nic.ip_configurations:
            nic_ips[id_key(nic.id)] = nic.primary_ip
        for c in (nic_doc.get("properties") or {}).get("ipConfigurations") or ():
            ip = (c.get("properties") or {}).get("privateIPAddress")
            cid = c.get("id") or f"{nic.id}/ipConfigurations/{c.get('name')}"
            if ip:
                ipconfig_ips[id_key(str(cid))] = str(ip)
    vms = tuple(arm.virtual_machine(d) for d in [*arm_docs.get(arm.KIND_VM, ()), *arm_docs.get(arm.KIND_VMSS_VM, ())])
    nic_by_id = {id_key(n.id): n for n in nics}
    reserved: dict[str, tuple[str, ...]] = {}
    for d in arm_docs.get(arm.KIND_VMSS_VM, ()):
        vm = arm.virtual_machine(d)
        if vm.nic_ids and id_key(vm.nic_ids[0]) in nic_by_id:
            secondary = nic_by_id[id_key(vm.nic_ids[0])].ip_configurations[1:]
            reserved[id_key(vm.id)] = tuple(c.private_ip for c in secondary)
    records: dict[str, dict[str, tuple[str, ...]]] = {}
    for d in arm_docs.get(arm.KIND_PRIVATE_DNS_A, ()):
        zone = id_key(str(d.get("id", ""))).rsplit("/a/", 1)[0]
        name, ips = arm.a_record_set(d)
        records.setdefault(zone, {})[name] = ips
    links: dict[str, list[str]] = {}
    for d in arm_docs.get(arm.KIND_PRIVATE_DNS_LINK, ()):
        zone = id_key(str(d.get("id", ""))).rsplit("/virtualnetworklinks/", 1)[0]
        target = arm.vnet_link_target(d)
        if target:
            links.setdefault(zone, []).append(target)
    peps = tuple(p for p in (arm.private_endpoint(d, nic_ips) for d in arm_docs.get(arm.KIND_PRIVATE_ENDPOINT, ()))
                 if p is not None)
    pip_addresses = {id_key(str(d.get("id", ""))): str((d.get("properties") or {}).get("ipAddress") or "")
                     for d in arm_docs.get(arm.KIND_PUBLIC_IP, ())}
    vnets = tuple(arm.virtual_network(d) for d in arm_docs.get(arm.KIND_VNET, ()))
    prefixes = {id_key(s.id): s.address_prefixes[0] for v in vnets for s in v.subnets if s.address_prefixes}
    controllers = arm_alb.traffic_controllers(arm_docs, prefixes)
    policies = {id_key(str(d.get("id", ""))): d for d in arm_docs.get(arm_firewall.KIND_POLICY, ())}
    return Twin(
        subscription_id=subscription_id,
        vnets=vnets,
        nsgs=tuple(arm.network_security_group(d) for d in arm_docs.get(arm.KIND_NSG, ())),
        route_tables=tuple(arm.route_table(d) for d in arm_docs.get(arm.KIND_ROUTE_TABLE, ())),
        public_ips=tuple(arm.public_ip(d) for d in arm_docs.get(arm.KIND_PUBLIC_IP, ())),
        nat_gateways=tuple(arm.nat_gateway(d) for d in arm_docs.get(arm.KIND_NAT_GATEWAY, ())),
        nics=(*nics, *arm_alb.proxy_nics(controllers)),
        vms=vms,
        load_balancers=tuple(arm.load_balancer(d, ipconfig_ips) for d in arm_docs.get(arm.KIND_LB, ())),
        private_endpoints=peps,
        private_link_services=tuple(arm.private_link_service(d)
                                    for d in arm_docs.get(arm.KIND_PRIVATE_LINK_SERVICE, ())),
        private_dns_zones=tuple(
            arm.private_dns_zone(d, records.get(id_key(str(d.get("id", "")))),
                                 tuple(links.get(id_key(str(d.get("id", ""))), ())))
            for d in arm_docs.get(arm.KIND_PRIVATE_DNS_ZONE, ())),
        firewalls=tuple(arm_firewall.azure_firewall(d, pip_addresses, policies,
                                                    arm_docs.get(arm_firewall.KIND_POLICY_GROUP, ()))
                        for d in arm_docs.get(arm_firewall.KIND_FIREWALL, ())),
        traffic_controllers=controllers,
        clusters=tuple(build_cluster_state(c, k, reserved) for c, k in clusters),
    )


_ARM_KINDS = (arm.KIND_VNET, arm.KIND_NSG, arm.KIND_ROUTE_TABLE, arm.KIND_PUBLIC_IP, arm.KIND_NAT_GATEWAY,
              arm.KIND_NIC, arm.KIND_LB, arm.KIND_PRIVATE_ENDPOINT, arm.KIND_PRIVATE_LINK_SERVICE,
              arm.KIND_PRIVATE_DNS_ZONE, arm.KIND_PRIVATE_DNS_A,
              arm.KIND_PRIVATE_DNS_LINK, arm.KIND_VM, arm.KIND_VMSS_VM, arm_firewall.KIND_FIREWALL,
              arm_firewall.KIND_POLICY, arm_firewall.KIND_POLICY_GROUP, *arm_alb.KINDS)


def load_twin(tx: Transaction) -> Twin:
    """The whole subscription in the workspace as one immutable snapshot (every cluster included)."""
    arm_docs = {kind: list(tx.list(kind)) for kind in _ARM_KINDS}
    clusters = []
    unknowns: dict[str, tuple[str, ...]] = {}
    for doc in tx.list(arm.KIND_MANAGED_CLUSTER):
        mc = arm.managed_cluster(doc)
        scope = id_key(mc.id)
        k8s_docs = {name: list(tx.list(kind, scope)) for name, kind in K8S_KINDS.items()}
        k8s_docs[OTHER_POLICIES] = [d for kind in OTHER_POLICY_STORE_KINDS for d in tx.list(kind, scope)]
        clusters.append((mc, k8s_docs))
        raw = tx.meta_get(IMPORTED_META + scope)
        if raw is not None:
            unknowns[scope] = tuple(json.loads(raw).get("missing") or ())
    from aksnet.model.account import SUBSCRIPTION_ID

    twin = _assemble(arm_docs, clusters, SUBSCRIPTION_ID)
    if not unknowns:
        return twin
    return replace(twin, clusters=tuple(
        replace(c, unknowns=unknowns.get(id_key(c.cluster.id), ())) if c.cluster else c for c in twin.clusters))


def load_twin_from_dir(path: Path) -> Twin:
    """``--from-dir DIR``: the directory read as ``aksnet import`` reads a dump (:mod:`aksnet.io.dump`: every
    file recognised by content, typed lists filled in): ARM documents by their ``type``, everything with
    ``apiVersion`` and ``kind`` a Kubernetes object of one cluster (the single managed cluster found, or an
    unnamed one); workloads without pods get one representative pod each. Unreadable objects are in the
    cluster's ``problems``."""
    from aksnet.io import manifest_dir  # YAML and the dump reader: only for directories (start-up of trace …)

    if not path.is_dir():
        raise AksnetError(f"error: the path \"{path}\" is not a directory")
    dump = manifest_dir.read_directory(path)
    clusters = dump.arm_of(arm.KIND_MANAGED_CLUSTER)
    cluster = arm.managed_cluster(clusters[-1]) if clusters else None
    arm_docs = {kind: docs for kind, docs in dump.arm.items() if kind in _ARM_KINDS}
    k8s_docs = [d for d in dump.k8s if d.get("kind") in K8S_KINDS or d.get("kind") in k8s_model.WORKLOAD_KINDS
                or other_policy_engine(d) is not None]
    state = manifest_dir.cluster_state_from_documents(k8s_docs, _policy_engine(cluster) if cluster else "upstream")
    return replace(_assemble(arm_docs, []),
                   clusters=(replace(state, cluster=cluster, problems=tuple(dump.problems)),))
