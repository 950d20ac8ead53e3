"""Kubernetes objects as the engines see them: defaults already applied, derived status filled in.

Field names follow the Kubernetes API in snake_case. Collections are tuples; label maps are plain dicts
that nobody mutates. ``creation_index`` orders objects by creation (oldest first) where Kubernetes or a
controller relies on age (e.g. ingress-nginx: the oldest Ingress wins a conflicting path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aksnet.rules.kubernetes import KUBELET_DEFAULT_MAX_PODS

Labels = Mapping[str, str]
EMPTY: Labels = {}


@dataclass(frozen=True, slots=True)
class LabelSelectorRequirement:
    """One matchExpressions element of a metav1.LabelSelector."""

    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist
    values: tuple[str, ...] = ()

    def matches(self, labels: Labels) -> bool:
        """Semantics of metav1.LabelSelectorRequirement (k8s.io/apimachinery labels.Requirement.Matches)."""
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """metav1.LabelSelector. The empty selector selects everything."""

    match_labels: Labels = field(default_factory=dict)
    match_expressions: tuple[LabelSelectorRequirement, ...] = ()

    def matches(self, labels: Labels) -> bool:
        for k, v in self.match_labels.items():
            if labels.get(k) != v:
                return False
        return all(req.matches(labels) for req in self.match_expressions)

    @property
    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions


@dataclass(frozen=True, slots=True)
class Namespace:
    """core/v1 Namespace: its name and labels (what namespaceSelectors match)."""

    name: str
    labels: Labels = field(default_factory=dict)
    uid: str = ""


@dataclass(frozen=True, slots=True)
class ContainerPort:
    """core/v1 ContainerPort: a port a container declares (named ports resolve through it)."""

    container_port: int
    protocol: str = "TCP"
    name: str | None = None
    host_port: int | None = None
    container: str = ""


@dataclass(frozen=True, slots=True)
class Pod:
    """core/v1 Pod: what the path and policy engines need of it (labels, IPs, node, ports, owner)."""

    namespace: str
    name: str
    labels: Labels = field(default_factory=dict)
    uid: str = ""
    node_name: str | None = None
    pod_ip: str | None = None
    host_ip: str | None = None
    host_network: bool = False
    ports: tuple[ContainerPort, ...] = ()
    phase: str = "Running"  # Pending, Running, Succeeded, Failed
    ready: bool = True
    owner_kind: str | None = None  # the workload at the top: Deployment, StatefulSet, DaemonSet, Job, …
    owner_name: str | None = None
    annotations: Labels = field(default_factory=dict)
    creation_index: int = 0
    pod_ips: tuple[str, ...] = ()  # status.podIPs: every address (dual-stack: IPv4 then IPv6); pod_ip is the first

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def ip_of(self, family: int) -> str | None:
        """The pod's address of IP version ``family`` (4 or 6), or None."""
        return next((ip for ip in self.pod_ips or ((self.pod_ip,) if self.pod_ip else ())
                     if (":" in ip) == (family == 6)), None)


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
class ServicePort:
    """core/v1 ServicePort: port, protocol, targetPort, nodePort."""

    port: int
    protocol: str = "TCP"
    name: str | None = None
    target_port: int | str = 0  # int, or the name of a container port
    node_port: int | None = None
    app_protocol: str | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """core/v1 Service: type, cluster and external addresses, ports, selector, traffic policies."""

    namespace: str
    name: str
    type: str = "ClusterIP"  # ClusterIP, NodePort, LoadBalancer, ExternalName
    cluster_ip: str | None = None  # "None" for headless
    ports: tuple[ServicePort, ...] = ()
    selector: Labels | None = None  # None: no selector (manual EndpointSlices)
    uid: str = ""
    labels: Labels = field(default_factory=dict)
    annotations: Labels = field(default_factory=dict)
    external_traffic_policy: str | None = None  # Cluster | Local (NodePort/LoadBalancer only)
    internal_traffic_policy: str = "Cluster"
    health_check_node_port: int | None = None
    load_balancer_source_ranges: tuple[str, ...] = ()
    load_balancer_ip: str | None = None  # spec.loadBalancerIP (deprecated)
    load_balancer_ingress: tuple[str, ...] = ()  # status.loadBalancer.ingress[].ip
    external_ips: tuple[str, ...] = ()
    external_name: str | None = None
    session_affinity: str = "None"
    publish_not_ready_addresses: bool = False
    creation_index: int = 0
    session_affinity_timeout: int = 10800  # sessionAffinityConfig.clientIP.timeoutSeconds (API default 3 h)
    cluster_ips: tuple[str, ...] = ()  # spec.clusterIPs (dual-stack: one per family); cluster_ip is the first
    ip_families: tuple[str, ...] = ()  # spec.ipFamilies

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def is_headless(self) -> bool:
        return self.cluster_ip == "None"


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
class NetworkPolicyPort:
    """networking/v1 NetworkPolicyPort: protocol and a port number, name or range."""

    protocol: str = "TCP"
    port: int | str | None = None  # None: every port; str: a named container port
    end_port: int | None = None


@dataclass(frozen=True, slots=True)
class IPBlock:
    """networking/v1 IPBlock: a CIDR with exceptions."""

    cidr: str
    except_: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkPolicyPeer:
    """One ``from``/``to`` element. Both selectors None and no ip_block never happens after parsing."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None


@dataclass(frozen=True, slots=True)
class NetworkPolicyRule:
    """An ingress or egress rule. Empty ``peers`` = all sources/destinations; empty ``ports`` = all ports."""

    peers: tuple[NetworkPolicyPeer, ...] = ()
    ports: tuple[NetworkPolicyPort, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkPolicy:
    """networking/v1 NetworkPolicy: pod selector, policy types, ingress and egress rules."""

    namespace: str
    name: str
    pod_selector: LabelSelector = field(default_factory=LabelSelector)
    policy_types: tuple[str, ...] = ("Ingress",)
    ingress: tuple[NetworkPolicyRule, ...] = ()
    egress: tuple[NetworkPolicyRule, ...] = ()
    uid: str = ""
    creation_index: int = 0

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


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
