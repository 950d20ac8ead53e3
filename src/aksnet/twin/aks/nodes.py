"""Kubernetes Node objects as kubelet registers them on AKS nodes, and per-node pod CIDRs.

One ``k8s:core/Node`` per VMSS instance: ``metadata.name`` = instance computer name, AKS's labels,
``spec.providerID = azure://<VMSS instance ID>``, ``spec.podCIDR(s)`` (kubenet and overlay: a /24 per node,
carved in order from the pod CIDR [learn.microsoft.com/azure/aks/configure-kubenet]; dual-stack: also the /80 of
the IPv6 pod CIDR at the same index), ``status.addresses`` (InternalIP — dual-stack: IPv4 then IPv6 — and Hostname),
``capacity/allocatable.pods = maxPods``, a Ready condition and nodeInfo; beside each Node, kubelet's node
Lease in ``kube-node-lease`` (its heartbeat, owned by the Node). Written through the cluster's object
cache (:mod:`aksnet.twin.kube.objects`). This module does not create Azure resources.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from aksnet.model.ids import id_key
from aksnet.store import Transaction
from aksnet.twin.aks.defaults import NODE_CIDR_MASK
from aksnet.twin.aks.vmss import Instance
from aksnet.twin.arm import Doc, deterministic_uuid
from aksnet.twin.kube import clock
from aksnet.twin.kube.objects import open_objects
from aksnet.twin.kube_store import KIND_LEASE, KIND_NODE

# Allocatable resources of a Standard_DS2_v2 node on AKS (2 vCPU, 7 GiB), as kubelet reports them.
_VM_RESOURCES: dict[str, tuple[str, str, str, str]] = {
    # size: (cpu, memory capacity, cpu allocatable, memory allocatable)
    "standard_ds2_v2": ("2", "7097684Ki", "1900m", "4652372Ki"),
    "standard_d2s_v3": ("2", "8129900Ki", "1900m", "5576556Ki"),
    "standard_d4s_v3": ("4", "16393340Ki", "3860m", "12883068Ki"),
    "standard_d4ds_v5": ("4", "16375304Ki", "3860m", "12865032Ki"),
}


def node_pod_cidrs(pod_cidr: str, used: Iterable[str], count: int) -> list[str]:
    """The next ``count`` free per-node /24s of the pod CIDR, lowest first (kube-controller-manager's range
    allocator); raises ValueError when the pod CIDR is exhausted (the RP checks capacity before)."""
    taken = set(used)
    out: list[str] = []
    for sub in ipaddress.IPv4Network(pod_cidr, strict=False).subnets(new_prefix=NODE_CIDR_MASK):
        s = str(sub)
        if s not in taken:
            out.append(s)
            if len(out) == count:
                return out
    raise ValueError(f"pod CIDR {pod_cidr} has no room for {count} more node ranges")


def node_document(*, name: str, pool: str, mode: str, node_rg: str, location: str, vm_size: str, max_pods: int,
                  provider_id: str, ip: str, pod_cidr: str | None, kubernetes_version: str, uid_seed: str,
                  resource_version: str, extra_annotations: dict[str, str] | None = None,
                  node_labels: dict[str, str] | None = None, node_taints: list[str] | None = None,
                  zone: str | None = None, ip_v6: str | None = None, pod_cidr_v6: str | None = None) -> Doc:
    """A Node as kubelet on an AKS Ubuntu node registers it, with the pool's ``nodeLabels`` and
    ``nodeTaints`` (``key=value:Effect``); in an availability zone its zone labels are ``<location>-<zone>``,
    else ``0`` (the fault domain) [learn.microsoft.com/azure/aks/availability-zones, "Verify node
    distribution across zones"]."""
    cpu, mem, cpu_alloc, mem_alloc = _VM_RESOURCES.get(vm_size.lower(), _VM_RESOURCES["standard_ds2_v2"])
    labels = {
        "agentpool": pool,
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/instance-type": vm_size,
        "beta.kubernetes.io/os": "linux",
        "failure-domain.beta.kubernetes.io/region": location,
        "failure-domain.beta.kubernetes.io/zone": f"{location}-{zone}" if zone else "0",
        "kubernetes.azure.com/agentpool": pool,
        "kubernetes.azure.com/cluster": node_rg,
        "kubernetes.azure.com/mode": mode.lower(),
        "kubernetes.azure.com/os-sku": "Ubuntu",
        "kubernetes.azure.com/role": "agent",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/role": "agent",
        "node-role.kubernetes.io/agent": "",
        "node.kubernetes.io/instance-type": vm_size,
        "topology.kubernetes.io/region": location,
        "topology.kubernetes.io/zone": f"{location}-{zone}" if zone else "0",
    }
    labels.update(node_labels or {})
    now = clock.timestamp()
    annotations = {"node.alpha.kubernetes.io/ttl": "0",
                   "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    annotations.update(extra_annotations or {})
    spec: dict[str, Any] = {}
    if pod_cidr:
        spec["podCIDR"] = pod_cidr
        spec["podCIDRs"] = [pod_cidr] + ([pod_cidr_v6] if pod_cidr_v6 else [])
    spec["providerID"] = provider_id
    if node_taints:
        spec["taints"] = [parse_taint(t) for t in node_taints]
    resources = {"cpu": cpu, "ephemeral-storage": "129886128Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
                 "memory": mem, "pods": str(max_pods)}
    allocatable = dict(resources, cpu=cpu_alloc, memory=mem_alloc, **{"ephemeral-storage": "119703055367"})
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"annotations": annotations, "creationTimestamp": now, "labels": labels, "name": name,
                     "resourceVersion": resource_version, "uid": deterministic_uuid("node", uid_seed)},
        "spec": spec,
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}]
            + ([{"address": ip_v6, "type": "InternalIP"}] if ip_v6 else []) + [{"address": name, "type": "Hostname"}],
            "allocatable": allocatable,
            "capacity": resources,
            "conditions": [{"lastHeartbeatTime": now, "lastTransitionTime": now,
                            "message": "kubelet is posting ready status", "reason": "KubeletReady",
                            "status": "True", "type": "Ready"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": deterministic_uuid("boot", uid_seed),
                         "containerRuntimeVersion": "containerd://1.7.22-1", "kernelVersion": "5.15.0-1073-azure",
                         "kubeProxyVersion": f"v{kubernetes_version}", "kubeletVersion": f"v{kubernetes_version}",
                         "machineID": deterministic_uuid("machine", uid_seed).replace("-", ""),
                         "operatingSystem": "linux", "osImage": "Ubuntu 22.04.5 LTS",
                         "systemUUID": deterministic_uuid("system", uid_seed)},
        },
    }


NODE_LEASE_NAMESPACE = "kube-node-lease"
NODE_LEASE_DURATION_SECONDS = 40  # kubelet's --node-lease-duration-seconds default


def node_lease(node: Doc, resource_version: str) -> Doc:
    """The Lease kubelet keeps for its node (KEP-589 node heartbeats): ``kube-node-lease/<node>``, held by the
    node, 40 s duration, renewed every 10 s, owned by the Node so it goes with it
    [kubernetes.io/docs/concepts/architecture/leases/#node-heart-beats; kubelet's ``nodeLeaseDurationSeconds``
    default]. ``renewTime`` is a MicroTime; no ``acquireTime`` (kubelet never sets it)."""
    meta = node["metadata"]
    now = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"creationTimestamp": meta["creationTimestamp"], "name": meta["name"],
                     "namespace": NODE_LEASE_NAMESPACE,
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": meta["name"],
                                          "uid": meta["uid"]}],
                     "resourceVersion": resource_version, "uid": deterministic_uuid("lease", meta["uid"])},
        "spec": {"holderIdentity": meta["name"], "leaseDurationSeconds": NODE_LEASE_DURATION_SECONDS,
                 "renewTime": now},
    }


def parse_taint(text: str) -> Doc:
    """``key=value:Effect`` (az's --node-taints syntax, already validated) → a Node taint."""
    kv, _, effect = text.rpartition(":")
    key, _, value = kv.partition("=")
    return {"effect": effect, "key": key, "value": value}


def register_nodes(tx: Transaction, cluster_id: str, *, instances: list[Instance], pool: str, mode: str,
                   node_rg: str, location: str, vm_size: str, max_pods: int, pod_cidrs: list[str | None],
                   kubernetes_version: str, pod_subnet_ips: list[list[str]] | None = None,
                   node_labels: dict[str, str] | None = None, node_taints: list[str] | None = None,
                   zones: list[str] | None = None, pod_cidrs_v6: list[str | None] | None = None) -> list[Doc]:
    """Write one Node per instance (kubelet registration); a zonal pool spreads its instances over its zones
    by instance number."""
    objs = open_objects(tx, cluster_id)
    out = []
    for k, inst in enumerate(instances):
        extra = None
        if pod_subnet_ips is not None:
            extra = {"aksnet.io/pod-subnet-ips": ",".join(pod_subnet_ips[k])}
        doc = node_document(
            name=inst.name, pool=pool, mode=mode, node_rg=node_rg, location=location, vm_size=vm_size,
            max_pods=max_pods, provider_id=f"azure://{inst.id}", ip=inst.ip, pod_cidr=pod_cidrs[k],
            kubernetes_version=kubernetes_version, uid_seed=id_key(inst.id),
            resource_version=objs.next_resource_version(), extra_annotations=extra, node_labels=node_labels,
            node_taints=node_taints, zone=zones[inst.index % len(zones)] if zones else None, ip_v6=inst.ip_v6,
            pod_cidr_v6=pod_cidrs_v6[k] if pod_cidrs_v6 else None)
        objs.put(KIND_NODE, inst.name, doc)
        # the Node's resourceVersion: a revision of its own would shift every later uid and generated name
        objs.put(KIND_LEASE, f"{NODE_LEASE_NAMESPACE}/{inst.name}", node_lease(doc, doc["metadata"]["resourceVersion"]))
        out.append(doc)
    return out


def cluster_nodes(tx: Transaction, cluster_id: str) -> list[Doc]:
    return open_objects(tx, cluster_id).docs(KIND_NODE)


def delete_nodes(tx: Transaction, cluster_id: str, node_names: Iterable[str]) -> None:
    objs = open_objects(tx, cluster_id)
    for n in node_names:
        objs.delete(KIND_NODE, n)
        objs.delete(KIND_LEASE, f"{NODE_LEASE_NAMESPACE}/{n}")  # the garbage collector follows its owner
