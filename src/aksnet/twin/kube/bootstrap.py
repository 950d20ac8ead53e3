"""What an AKS cluster has before the user applies anything: the system namespaces, the ``kubernetes`` and
``kube-dns`` Services, the default ServiceAccount of every namespace, and the kube-system workloads AKS
runs (its addon manager recreates them when they are deleted, and so does this controller).

The workload list and which of them use the host network decide pod-IP consumption per node; it follows
what ``kubectl get pods -n kube-system -o wide`` shows on AKS (recorded in docs/fidelity.md):
Deployments coredns ×2 (label k8s-app=kube-dns), coredns-autoscaler, metrics-server ×2,
konnectivity-agent ×2 (pod IPs); DaemonSets kube-proxy, azure-ip-masq-agent, cloud-node-manager,
csi-azuredisk-node, csi-azurefile-node (host network); azure-cns with Azure CNI Overlay or a pod subnet;
azure-npm with ``--network-policy azure``; Calico (tigera-operator, calico-node, calico-typha on the host
network, calico-kube-controllers on the pod network) with ``--network-policy calico``; Cilium (cilium,
cilium-operator, host network) with the Cilium data plane. Must not schedule pods or assign addresses.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.io import alb_crds, gateway_api_bundle
from aksnet.rules import alb, gateway_api
from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, netinfo, schema
from aksnet.twin.kube.apiserver import ApiServer

Doc = dict[str, Any]

SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
DEFAULT_DNS_IP = "10.0.0.10"
CRITICAL_TOLERATIONS = [{"key": "CriticalAddonsOnly", "operator": "Exists"}]
MCR = "mcr.microsoft.com/oss/kubernetes"


def _container(name: str, image: str, ports: list[Doc] | None = None) -> Doc:
    c: Doc = {"name": name, "image": image}
    if ports:
        c["ports"] = ports
    return c


def _workload(kind: str, ns: str, name: str, labels: dict[str, str], containers: list[Doc],
              replicas: int | None = None, host_network: bool = False, priority: str = "system-cluster-critical",
              dns_policy: str | None = None) -> Doc:
    spec: Doc = {"containers": containers, "priorityClassName": priority,
                 "tolerations": list(CRITICAL_TOLERATIONS) if kind == "Deployment" else [{"operator": "Exists"}]}
    if host_network:
        spec["hostNetwork"] = True
        spec["dnsPolicy"] = dns_policy or "ClusterFirstWithHostNet"
    elif dns_policy:
        spec["dnsPolicy"] = dns_policy
    doc: Doc = {"apiVersion": "apps/v1", "kind": kind,
                "metadata": {"name": name, "namespace": ns,
                             "labels": {**labels, "addonmanager.kubernetes.io/mode": "Reconcile"}},
                "spec": {"selector": {"matchLabels": dict(labels)},
                         "template": {"metadata": {"labels": dict(labels)}, "spec": spec}}}
    if replicas is not None:
        doc["spec"]["replicas"] = replicas
    return doc


def system_workloads(cluster: Doc) -> list[Doc]:
    """The system Deployments and DaemonSets AKS runs for this cluster's network configuration."""
    np = netinfo.network_profile(cluster)
    mode = netinfo.plugin_mode(cluster)
    policy = str(np.get("networkPolicy") or "").lower()
    dataplane = str(np.get("networkDataplane") or "").lower()
    pod_subnet = any(p.get("podSubnetId") for p in netinfo.pools(cluster))
    ks = "kube-system"
    out = [
        _workload("Deployment", ks, "coredns", {"k8s-app": "kube-dns", "version": "v20"}, [_container(
            "coredns", f"{MCR}/coredns:v1.11.3-9", [
                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}])], replicas=2, dns_policy="Default"),
        _workload("Deployment", ks, "coredns-autoscaler", {"k8s-app": "coredns-autoscaler"},
                  [_container("autoscaler", f"{MCR}/autoscaler/cluster-proportional-autoscaler:v1.8.11")],
                  replicas=1),
        _workload("Deployment", ks, "metrics-server", {"k8s-app": "metrics-server"}, [_container(
            "metrics-server", f"{MCR}/metrics-server:v0.7.2",
            [{"name": "https", "containerPort": 4443, "protocol": "TCP"}])], replicas=2),
        _workload("Deployment", ks, "konnectivity-agent", {"app": "konnectivity-agent"}, [_container(
            "konnectivity-agent", f"{MCR}/apiserver-network-proxy/agent:v0.30.3")], replicas=2),
        _workload("DaemonSet", ks, "kube-proxy", {"component": "kube-proxy", "tier": "node"},
                  [_container("kube-proxy", f"{MCR}/kube-proxy:v1.31.2")], host_network=True,
                  priority="system-node-critical"),
        _workload("DaemonSet", ks, "azure-ip-masq-agent", {"k8s-app": "azure-ip-masq-agent"},
                  [_container("azure-ip-masq-agent", f"{MCR}/ip-masq-agent-v2:v0.1.14")], host_network=True,
                  priority="system-node-critical"),
        _workload("DaemonSet", ks, "cloud-node-manager", {"k8s-app": "cloud-node-manager"},
                  [_container("cloud-node-manager", f"{MCR}/azure-cloud-node-manager:v1.31.1")],
                  host_network=True, priority="system-node-critical"),
        _workload("DaemonSet", ks, "csi-azuredisk-node", {"app": "csi-azuredisk-node"},
                  [_container("azuredisk", f"{MCR}/azuredisk-csi:v1.30.5")], host_network=True,
                  priority="system-node-critical"),
        _workload("DaemonSet", ks, "csi-azurefile-node", {"app": "csi-azurefile-node"},
                  [_container("azurefile", f"{MCR}/azurefile-csi:v1.30.6")], host_network=True,
                  priority="system-node-critical"),
    ]
    if mode == "overlay" or (mode == "nodesubnet" and pod_subnet):
        out.append(_workload("DaemonSet", ks, "azure-cns", {"k8s-app": "azure-cns"},
                             [_container("cns-container", "mcr.microsoft.com/containernetworking/azure-cns:v1.6.13")],
                             host_network=True, priority="system-node-critical"))
    if policy == "azure":
        out.append(_workload("DaemonSet", ks, "azure-npm", {"k8s-app": "azure-npm"},
                             [_container("azure-npm", "mcr.microsoft.com/containernetworking/azure-npm:v1.5.37")],
                             host_network=True, priority="system-node-critical"))
    if policy == "calico":
        out += [
            _workload("Deployment", "tigera-operator", "tigera-operator", {"k8s-app": "tigera-operator"},
                      [_container("tigera-operator", f"{MCR}/tigera/operator:v1.36.2")], replicas=1,
                      host_network=True, dns_policy="ClusterFirstWithHostNet"),
            _workload("DaemonSet", "calico-system", "calico-node", {"k8s-app": "calico-node"},
                      [_container("calico-node", f"{MCR}/calico/node:v3.29.0")], host_network=True,
                      priority="system-node-critical"),
            _workload("Deployment", "calico-system", "calico-typha", {"k8s-app": "calico-typha"},
                      [_container("calico-typha", f"{MCR}/calico/typha:v3.29.0")], replicas=1, host_network=True),
            _workload("Deployment", "calico-system", "calico-kube-controllers",
                      {"k8s-app": "calico-kube-controllers"},
                      [_container("calico-kube-controllers", f"{MCR}/calico/kube-controllers:v3.29.0")], replicas=1),
        ]
    if dataplane == "cilium" or policy == "cilium":
        out += [
            _workload("DaemonSet", ks, "cilium", {"k8s-app": "cilium"},
                      [_container("cilium-agent", "mcr.microsoft.com/oss/cilium/cilium:1.16.5")],
                      host_network=True, priority="system-node-critical"),
            _workload("Deployment", ks, "cilium-operator", {"io.cilium/app": "operator", "name": "cilium-operator"},
                      [_container("cilium-operator", "mcr.microsoft.com/oss/cilium/operator-generic:1.16.5")],
                      replicas=2, host_network=True),
        ]
    if _alb_addon(cluster).get("enabled"):
        dep = _workload("Deployment", alb.ADDON_NAMESPACE, "alb-controller", {"app": "alb-controller"},
                        [_container("alb-controller", "mcr.microsoft.com/application-lb/images/alb-controller:"
                                    f"{alb.CHART_LATEST}")], replicas=2)
        dep["spec"]["template"]["metadata"]["labels"]["azure.workload.identity/use"] = "true"
        dep["spec"]["template"]["spec"]["serviceAccountName"] = alb.CONTROLLER_SERVICE_ACCOUNT
        out.append(dep)
    return out


def _alb_addon(cluster: Doc) -> Doc:
    """``properties.ingressProfile.applicationLoadBalancer`` (set by ``aksnet.twin.aks.alb_addon``)."""
    return ((cluster.get("properties") or {}).get("ingressProfile") or {}).get("applicationLoadBalancer") or {}


def ensure_alb_addon(api: ApiServer, cluster: dict[str, Any]) -> None:
    """The AGC add-on (``aksnet.twin.aks.alb_addon``): while enabled, the ALB Controller's ServiceAccount in
    kube-system (the identity's client ID for workload identity) and the ``alb.networking.azure.io`` CRDs; once
    disabled, the controller's Deployment goes (its CRDs and the objects made with them stay, as helm keeps CRDs)."""
    dep_rt = schema.BY_KIND["Deployment"]
    if not _alb_addon(cluster).get("enabled"):
        dep = api.find(dep_rt, alb.ADDON_NAMESPACE, "alb-controller")
        if dep is not None and (dep["metadata"].get("labels") or {}).get("addonmanager.kubernetes.io/mode"):
            api.delete(dep_rt, alb.ADDON_NAMESPACE, "alb-controller")
        return
    sa_rt = schema.BY_KIND["ServiceAccount"]
    client_id = str((_alb_addon(cluster).get("identity") or {}).get("clientId") or "")
    if api.find(sa_rt, alb.ADDON_NAMESPACE, alb.CONTROLLER_SERVICE_ACCOUNT) is None:
        api.create({"apiVersion": "v1", "kind": "ServiceAccount",
                    "metadata": {"name": alb.CONTROLLER_SERVICE_ACCOUNT, "namespace": alb.ADDON_NAMESPACE,
                                 "annotations": {"azure.workload.identity/client-id": client_id}}})
    crd_rt = schema.BY_KIND["CustomResourceDefinition"]
    for doc in alb_crds.alb_crds():
        if api.find(crd_rt, None, doc["metadata"]["name"]) is None:
            api.create(doc)


def service_addresses(cluster: Doc) -> tuple[str, str]:
    """(kubernetes Service IP = first address of the service CIDR, kube-dns IP = networkProfile.dnsServiceIp,
    az's spelling, as the cluster document is stored)."""
    np = netinfo.network_profile(cluster)
    cidr = str(np.get("serviceCidr") or (np.get("serviceCidrs") or [DEFAULT_SERVICE_CIDR])[0])
    first = str(ipaddress.ip_network(cidr, strict=False).network_address + 1)
    return first, str(np.get("dnsServiceIp") or DEFAULT_DNS_IP)


def system_services(cluster: Doc) -> list[Doc]:
    api_ip, dns_ip = service_addresses(cluster)
    return [
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kubernetes", "namespace": "default",
                      "labels": {"component": "apiserver", "provider": "kubernetes"}},
         "spec": {"clusterIP": api_ip, "clusterIPs": [api_ip], "type": "ClusterIP",
                  "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "kube-dns", "namespace": "kube-system",
                      "labels": {"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "kube-dns",
                                 "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"}},
         "spec": {"clusterIP": dns_ip, "clusterIPs": [dns_ip], "type": "ClusterIP",
                  "selector": {"k8s-app": "kube-dns"},
                  "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}]}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "metrics-server", "namespace": "kube-system",
                      "labels": {"addonmanager.kubernetes.io/mode": "Reconcile", "k8s-app": "metrics-server",
                                 "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "Metrics-server"}},
         "spec": {"selector": {"k8s-app": "metrics-server"},
                  "ports": [{"port": 443, "protocol": "TCP", "targetPort": "https"}]}},
    ]


def ensure_service_accounts(api: ApiServer) -> None:
    """The ServiceAccount controller: every namespace has a ``default`` ServiceAccount."""
    objs = api.objs
    rt = schema.BY_KIND["ServiceAccount"]
    for ns in objs.docs("k8s:core/Namespace"):
        name = ns["metadata"]["name"]
        if objs.get(rt.store_kind, f"{name}/default") is None:
            apiserver.create_owned(objs, rt, {"apiVersion": "v1", "kind": "ServiceAccount",
                                              "metadata": {"name": "default", "namespace": name}})


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Create whatever of the cluster's system objects is missing."""
    api = ApiServer(tx, cluster_id)
    objs = api.objs
    cluster = objs.cluster()
    namespaces = list(SYSTEM_NAMESPACES)
    workloads = system_workloads(cluster)
    for w in workloads:
        if w["metadata"]["namespace"] not in namespaces:
            namespaces.append(w["metadata"]["namespace"])
    for ns in namespaces:
        if not api.namespace_exists(ns):
            api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for doc in system_services(cluster):
        rt = schema.BY_KIND["Service"]
        if api.find(rt, doc["metadata"]["namespace"], doc["metadata"]["name"]) is None:
            api.create(doc)
    for doc in workloads:
        rt = schema.BY_KIND[doc["kind"]]
        if api.find(rt, doc["metadata"]["namespace"], doc["metadata"]["name"]) is None:
            api.create(doc)
    ensure_service_accounts(api)
    ensure_gateway_api_crds(api, cluster)
    ensure_alb_addon(api, cluster)


def ensure_gateway_api_crds(api: ApiServer, cluster: dict[str, Any]) -> None:
    """The managed Gateway API installation: with ``ingressProfile.gatewayAPI.installation`` Standard, AKS
    installs the standard channel's CRDs and puts back any that was deleted (learn.microsoft.com/azure/aks/
    managed-gateway-api); CRDs a user installed already are kept as they are."""
    installation = (((cluster.get("properties") or {}).get("ingressProfile") or {}).get("gatewayAPI") or {}).get(
        "installation")
    if installation != gateway_api.MANAGED_INSTALLATION_STANDARD:
        return
    rt = schema.BY_KIND["CustomResourceDefinition"]
    for doc in gateway_api_bundle.standard_install():
        if api.find(rt, None, doc["metadata"]["name"]) is None:
            api.create(doc)
