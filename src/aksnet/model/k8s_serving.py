"""Kubernetes objects that the NetworkPolicy analyses never read, as the engines see them: Nodes (and their taints),
EndpointSlices, Ingresses, IngressClasses, Secrets and ConfigMaps. Same conventions as ``aksnet.model.k8s``, whose
names these classes also are (imported from there on first use, so that a matrix of plain manifests never
creates them). Stdlib only; no semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aksnet.rules.kubernetes import KUBELET_DEFAULT_MAX_PODS

if TYPE_CHECKING:
    from aksnet.model.k8s import Labels


@dataclass(frozen=True, slots=True)
class Taint:
    """core/v1 Taint of a node."""

    key: str
    value: str = ""
    effect: str = "NoSchedule"


@dataclass(frozen=True, slots=True)
class Node:
    """core/v1 Node: name, address, pod CIDR, pool, readiness, maxPods, labels and taints."""

    name: str
    internal_ip: str
    pod_cidr: str | None = None
    labels: Labels = field(default_factory=dict)
    pool: str = ""
    ready: bool = True
    unschedulable: bool = False
    max_pods: int = KUBELET_DEFAULT_MAX_PODS
    taints: tuple[Taint, ...] = ()
    # Azure CNI (node subnet): the secondary addresses reserved on the node's NIC for its pods.
    reserved_pod_ips: tuple[str, ...] = ()
    internal_ips: tuple[str, ...] = ()  # every InternalIP (dual-stack: IPv4 then IPv6); internal_ip is the first
    pod_cidrs: tuple[str, ...] = ()  # spec.podCIDRs (dual-stack: the IPv4 /24 and the IPv6 range)

    def ip_of(self, family: int) -> str | None:
        """The node's InternalIP of IP version ``family`` (4 or 6), or None."""
        return next((ip for ip in self.internal_ips or ((self.internal_ip,) if self.internal_ip else ())
                     if (":" in ip) == (family == 6)), None)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """discovery/v1 Endpoint: one backend address of an EndpointSlice."""

    ip: str
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node_name: str | None = None
    pod: str | None = None  # "namespace/name" of the target pod
    hostname: str | None = None


@dataclass(frozen=True, slots=True)
class EndpointPort:
    """discovery/v1 EndpointPort."""

    port: int
    protocol: str = "TCP"
    name: str | None = None


@dataclass(frozen=True, slots=True)
class EndpointSlice:
    """discovery/v1 EndpointSlice: a Service's backends."""

    namespace: str
    name: str
    service_name: str
    endpoints: tuple[Endpoint, ...] = ()
    ports: tuple[EndpointPort, ...] = ()
    address_type: str = "IPv4"


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """networking/v1 IngressBackend: a Service by name and port, or a resource."""

    service_name: str | None = None
    service_port: int | str | None = None  # number, or port name
    resource_kind: str | None = None
    resource_name: str | None = None


@dataclass(frozen=True, slots=True)
class IngressPath:
    """networking/v1 HTTPIngressPath: path, pathType and backend."""

    path: str | None
    path_type: str  # Exact, Prefix, ImplementationSpecific
    backend: IngressBackend


@dataclass(frozen=True, slots=True)
class IngressRule:
    """networking/v1 IngressRule: a host and its paths."""

    host: str | None
    paths: tuple[IngressPath, ...] = ()


@dataclass(frozen=True, slots=True)
class IngressTLS:
    """networking/v1 IngressTLS: hosts and the Secret of their certificate."""

    hosts: tuple[str, ...] = ()
    secret_name: str | None = None


@dataclass(frozen=True, slots=True)
class Ingress:
    """networking/v1 Ingress: class, rules, TLS, default backend, annotations, status."""

    namespace: str
    name: str
    ingress_class_name: str | None = None
    annotations: Labels = field(default_factory=dict)
    default_backend: IngressBackend | None = None
    rules: tuple[IngressRule, ...] = ()
    tls: tuple[IngressTLS, ...] = ()
    uid: str = ""
    creation_timestamp: str = ""
    creation_index: int = 0
    load_balancer_ips: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True, slots=True)
class IngressClass:
    """networking/v1 IngressClass: the controller that serves it."""

    name: str
    controller: str
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class Secret:
    """core/v1 Secret: what ingress TLS needs of it (type, certificate and key, the data's keys)."""

    namespace: str
    name: str
    type: str = "Opaque"
    # For kubernetes.io/tls: the PEM texts (decoded from base64); empty when absent.
    tls_crt: str = ""
    tls_key: str = ""
    keys: tuple[str, ...] = ()
    ca_crt: str = ""  # the PEM text of the ``ca.crt`` key (a CA bundle for client or backend verification)


@dataclass(frozen=True, slots=True)
class ConfigMap:
    """core/v1 ConfigMap: its data (an ingress controller's configuration)."""

    namespace: str
    name: str
    data: Labels = field(default_factory=dict)
