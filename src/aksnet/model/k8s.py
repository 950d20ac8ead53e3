"""Kubernetes objects as the engines see them: defaults already applied, derived status filled in.

Field names follow the Kubernetes API in snake_case. Collections are tuples; label maps are plain dicts
that nobody mutates. ``creation_index`` orders objects by creation (oldest first) where Kubernetes or a
controller relies on age (e.g. ingress-nginx: the oldest Ingress wins a conflicting path).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


# The classes of ``aksnet.model.k8s_serving`` (Nodes, EndpointSlices, Ingresses, Secrets, ConfigMaps) are names of
# this module too, created on first use (PEP 562): a question about NetworkPolicies never creates them.
_SERVING = frozenset({"Taint", "Node", "Endpoint", "EndpointPort", "EndpointSlice", "IngressBackend", "IngressPath",
                      "IngressRule", "IngressTLS", "Ingress", "IngressClass", "Secret", "ConfigMap"})

if TYPE_CHECKING:
    from aksnet.model.k8s_serving import ConfigMap as ConfigMap
    from aksnet.model.k8s_serving import Endpoint as Endpoint
    from aksnet.model.k8s_serving import EndpointPort as EndpointPort
    from aksnet.model.k8s_serving import EndpointSlice as EndpointSlice
    from aksnet.model.k8s_serving import Ingress as Ingress
    from aksnet.model.k8s_serving import IngressBackend as IngressBackend
    from aksnet.model.k8s_serving import IngressClass as IngressClass
    from aksnet.model.k8s_serving import IngressPath as IngressPath
    from aksnet.model.k8s_serving import IngressRule as IngressRule
    from aksnet.model.k8s_serving import IngressTLS as IngressTLS
    from aksnet.model.k8s_serving import Node as Node
    from aksnet.model.k8s_serving import Secret as Secret
    from aksnet.model.k8s_serving import Taint as Taint
else:
    def __getattr__(name: str) -> Any:
        if name not in _SERVING:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from aksnet.model import k8s_serving

        globals().update((n, getattr(k8s_serving, n)) for n in _SERVING)  # later uses: plain module attributes
        return getattr(k8s_serving, name)
