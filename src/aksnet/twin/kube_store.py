"""Where Kubernetes objects live in the workspace: kinds, keys and scopes (one scope per cluster).

kind  = ``k8s:<group>/<Kind>`` with group ``core`` for the core API (``k8s:core/Pod``, ``k8s:apps/Deployment``,
        ``k8s:networking.k8s.io/NetworkPolicy``, ``k8s:discovery.k8s.io/EndpointSlice``)
scope = the managed cluster's resource ID as :func:`aksnet.model.ids.id_key` normalises it
key   = ``<namespace>/<name>`` for namespaced objects, ``<name>`` for cluster-scoped ones
"""

from __future__ import annotations

from aksnet.model.ids import id_key


def k8s_kind(api_version: str, kind: str) -> str:
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else "core"
    return f"k8s:{group}/{kind}"


def k8s_key(namespace: str | None, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


def cluster_scope(cluster_id: str) -> str:
    return id_key(cluster_id)


KIND_NAMESPACE = "k8s:core/Namespace"
KIND_NODE = "k8s:core/Node"
KIND_POD = "k8s:core/Pod"
KIND_SERVICE = "k8s:core/Service"
KIND_ENDPOINTS = "k8s:core/Endpoints"
KIND_SECRET = "k8s:core/Secret"
KIND_CONFIGMAP = "k8s:core/ConfigMap"
KIND_SERVICEACCOUNT = "k8s:core/ServiceAccount"
KIND_EVENT = "k8s:core/Event"
KIND_DEPLOYMENT = "k8s:apps/Deployment"
KIND_REPLICASET = "k8s:apps/ReplicaSet"
KIND_STATEFULSET = "k8s:apps/StatefulSet"
KIND_DAEMONSET = "k8s:apps/DaemonSet"
KIND_JOB = "k8s:batch/Job"
KIND_CRONJOB = "k8s:batch/CronJob"
KIND_ENDPOINTSLICE = "k8s:discovery.k8s.io/EndpointSlice"
KIND_NETWORKPOLICY = "k8s:networking.k8s.io/NetworkPolicy"
KIND_INGRESS = "k8s:networking.k8s.io/Ingress"
KIND_INGRESSCLASS = "k8s:networking.k8s.io/IngressClass"
KIND_LEASE = "k8s:coordination.k8s.io/Lease"
