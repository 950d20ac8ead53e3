"""What one LoadBalancer Service asks cloud-provider-azure for: its annotations read into a plain value, and
the names the provider gives the Azure objects it makes for it.

Sources: learn.microsoft.com/azure/aks/load-balancer-standard;
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go@7b31c76;
kubernetes-sigs/cloud-provider-azure pkg/provider/securitygroup@7b31c76 and
learn.microsoft.com/azure/aks/configure-load-balancer-standard (CPA ``pkg/consts/consts.go``, ``azure_loadbalancer.go``
``getDefaultFrontendIPConfigName``, ``azure_standard.go`` ``getPublicIPName`` / ``getLoadBalancerRuleName``,
``securitygroup.GenerateAllowSecurityRuleName``; k8s ``cloudprovider.DefaultLoadBalancerName``). Pure: reads
a Service document, touches nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

Doc = dict[str, Any]

PREFIX = "service.beta.kubernetes.io/"
ANN_INTERNAL = PREFIX + "azure-load-balancer-internal"
ANN_INTERNAL_SUBNET = PREFIX + "azure-load-balancer-internal-subnet"
ANN_IPV4 = PREFIX + "azure-load-balancer-ipv4"
ANN_PIP_NAME = PREFIX + "azure-pip-name"
ANN_DNS_LABEL = PREFIX + "azure-dns-label-name"
ANN_RESOURCE_GROUP = PREFIX + "azure-load-balancer-resource-group"
ANN_ALLOWED_TAGS = PREFIX + "azure-allowed-service-tags"
ANN_ALLOWED_RANGES = PREFIX + "azure-allowed-ip-ranges"
ANN_SOURCE_RANGES = PREFIX + "load-balancer-source-ranges"  # the Kubernetes annotation form of the spec field
ANN_DENY_ALL = PREFIX + "azure-deny-all-except-load-balancer-source-ranges"
ANN_DISABLE_NSG = PREFIX + "azure-disable-load-balancer-nsg-rule"
ANN_IDLE_TIMEOUT = PREFIX + "azure-load-balancer-tcp-idle-timeout"
ANN_DISABLE_TCP_RESET = PREFIX + "azure-load-balancer-disable-tcp-reset"
ANN_PROBE_PROTOCOL = PREFIX + "azure-load-balancer-health-probe-protocol"
ANN_PROBE_PATH = PREFIX + "azure-load-balancer-health-probe-request-path"
ANN_PROBE_INTERVAL = PREFIX + "azure-load-balancer-health-probe-interval"
ANN_PROBE_COUNT = PREFIX + "azure-load-balancer-health-probe-num-of-probe"
ANN_PIP_TAGS = PREFIX + "azure-pip-tags"
ANN_DISABLE_FLOATING_IP = PREFIX + "azure-disable-load-balancer-floating-ip"

CLUSTER_NAME = "kubernetes"  # the cloud provider's cluster name on AKS (LB, pool and public IP names)
PUBLIC_LB = CLUSTER_NAME
INTERNAL_LB = CLUSTER_NAME + "-internal"
BACKEND_POOL = CLUSTER_NAME
TAG_SERVICE = "k8s-azure-service"
TAG_CLUSTER = "k8s-azure-cluster-name"
TAG_DNS_LABEL_SERVICE = "k8s-azure-dns-label-service"  # the Service that set the DNS label of a user-created IP
RULE_PREFIX = "k8s-azure-lb"
MIN_PRIORITY = 500
MAX_PRIORITY = 4096
DEFAULT_IDLE_TIMEOUT = 4
MAX_LB_SERVICES = 300  # aksnet's cap on LoadBalancer Services per cluster (docs/fidelity.md)


class ConfigError(Exception):
    """The Service's request cannot be met; the message is what the service controller's event says."""


@dataclass(frozen=True, slots=True)
class LBPort:
    protocol: str  # TCP, UDP, SCTP (Kubernetes spelling)
    port: int
    node_port: int | None
    app_protocol: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceLB:
    """One LoadBalancer Service as the provider sees it."""

    key: str  # namespace/name
    uid: str
    base: str  # "a" + uid without dashes, ≤ 32 chars
    internal: bool
    subnet_name: str | None
    requested_ip: str | None
    pip_name: str | None
    dns_label: str | None  # None: annotation absent; "": remove
    pip_resource_group: str | None
    ports: tuple[LBPort, ...]
    etp_local: bool
    health_check_node_port: int | None
    session_affinity: bool
    source_ranges: tuple[str, ...]
    service_tags: tuple[str, ...]
    deny_all: bool
    disable_nsg: bool
    idle_timeout: int
    tcp_reset: bool
    floating_ip: bool
    probe_protocol: str | None
    probe_path: str | None
    probe_interval: int
    probe_count: int
    pip_tags: dict[str, str] = field(default_factory=dict)
    ip_families: tuple[str, ...] = ("IPv4",)  # spec.ipFamilies: one frontend per family
    # per-port annotations ``port_{port}_no_lb_rule`` / ``_no_probe_rule`` / ``_health-probe_{protocol,port,
    # request-path,interval,num-of-probe}``, keyed by port then by the suffix after ``port_{port}_``
    port_options: dict[int, dict[str, str]] = field(default_factory=dict)

    def port_option(self, port: int, option: str) -> str | None:
        return self.port_options.get(port, {}).get(option)

    @property
    def frontend_name(self) -> str:
        """``getDefaultFrontendIPConfigName``: the base name, ``<base>-<subnet>`` with the subnet annotation."""
        return f"{self.base}-{self.subnet_name}"[:80] if self.internal and self.subnet_name else self.base

    def rule_name(self, protocol: str, port: int) -> str:
        """``getLoadBalancerRuleName``: ``<base>-<Protocol>-<port>`` (``<base>-<subnet>-…`` for an ILB subnet)."""
        prefix = self.frontend_name
        return f"{prefix}-{protocol}-{port}"[:80]

    @property
    def managed_pip_name(self) -> str:
        """``getPublicIPName``: ``kubernetes-<base>``."""
        return f"{CLUSTER_NAME}-{self.base}"[:80]

    def family_suffix(self, family: str) -> str:
        """``getResourceByIPFamily``: a dual-stack Service's IPv6 frontend, public IP and rules end in
        ``-IPv6``; a single-stack Service's names have no suffix."""
        return "-IPv6" if family == "IPv6" and len(self.ip_families) > 1 else ""


def base_name(uid: str) -> str:
    """``cloudprovider.DefaultLoadBalancerName``: "a" + the UID without dashes, cut to 32 characters."""
    return ("a" + uid.replace("-", ""))[:32]


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _int(value: str | None, default: int, name: str, low: int, high: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        n = int(value.strip())
    except ValueError:
        raise ConfigError(f"failed to parse annotation {name}: {value!r} is not an integer") from None
    if not low <= n <= high:
        raise ConfigError(f"annotation {name}={n} is out of range: must be between {low} and {high}")
    return n


def _tags(value: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _csv(value):
        k, _, v = item.partition("=")
        out[k.strip()] = v.strip()
    return out


def _port_options(ann: dict[str, str]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for key, value in ann.items():
        m = re.match(r"^service\.beta\.kubernetes\.io/port_(\d+)_(.+)$", key)
        if m:
            out.setdefault(int(m.group(1)), {})[m.group(2)] = value.strip()
    return out


def read_service(doc: Doc) -> ServiceLB:
    """Read a Service document (type LoadBalancer) into a :class:`ServiceLB`; raises :class:`ConfigError`."""
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    ann: dict[str, str] = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
    uid = str(meta.get("uid") or "")
    key = f"{meta.get('namespace') or 'default'}/{meta.get('name')}"
    ports = tuple(
        LBPort(str(p.get("protocol", "TCP")), int(p["port"]), int(p["nodePort"]) if p.get("nodePort") else None,
               p.get("appProtocol"))
        for p in spec.get("ports") or [] if isinstance(p, dict) and p.get("port")
    )
    spec_ranges = tuple(str(r).strip() for r in spec.get("loadBalancerSourceRanges") or [] if str(r).strip())
    if not spec_ranges:
        spec_ranges = _csv(ann.get(ANN_SOURCE_RANGES))
    ann_ranges = _csv(ann.get(ANN_ALLOWED_RANGES))
    if spec_ranges and ann_ranges:
        raise ConfigError("cannot set both spec.LoadBalancerSourceRanges and service annotation "
                          f"{ANN_ALLOWED_RANGES}")
    internal = _truthy(ann.get(ANN_INTERNAL))
    if not internal and any(p.protocol == "SCTP" for p in ports):
        raise ConfigError("SCTP is only supported on standard loadbalancer in internal mode")
    requested = (ann.get(ANN_IPV4) or str(spec.get("loadBalancerIP") or "")).strip() or None
    dns_label = ann.get(ANN_DNS_LABEL)
    return ServiceLB(
        key=key,
        uid=uid,
        base=base_name(uid),
        internal=internal,
        subnet_name=(ann.get(ANN_INTERNAL_SUBNET) or "").strip() or None,
        requested_ip=requested,
        pip_name=(ann.get(ANN_PIP_NAME) or "").strip() or None,
        dns_label=dns_label.strip() if dns_label is not None else None,
        pip_resource_group=(ann.get(ANN_RESOURCE_GROUP) or "").strip() or None,
        ports=ports,
        etp_local=spec.get("externalTrafficPolicy") == "Local",
        health_check_node_port=int(spec["healthCheckNodePort"]) if spec.get("healthCheckNodePort") else None,
        session_affinity=spec.get("sessionAffinity") == "ClientIP",
        source_ranges=spec_ranges or ann_ranges,
        service_tags=_csv(ann.get(ANN_ALLOWED_TAGS)),
        deny_all=_truthy(ann.get(ANN_DENY_ALL)),
        disable_nsg=_truthy(ann.get(ANN_DISABLE_NSG)),
        idle_timeout=_int(ann.get(ANN_IDLE_TIMEOUT), DEFAULT_IDLE_TIMEOUT, ANN_IDLE_TIMEOUT, 4, 100),
        tcp_reset=not _truthy(ann.get(ANN_DISABLE_TCP_RESET)),
        floating_ip=not _truthy(ann.get(ANN_DISABLE_FLOATING_IP)),
        probe_protocol=(ann.get(ANN_PROBE_PROTOCOL) or "").strip() or None,
        probe_path=(ann.get(ANN_PROBE_PATH) or "").strip() or None,
        probe_interval=_int(ann.get(ANN_PROBE_INTERVAL), 5, ANN_PROBE_INTERVAL, 5, 2147483647),
        probe_count=_int(ann.get(ANN_PROBE_COUNT), 2, ANN_PROBE_COUNT, 2, 2147483647),
        pip_tags=_tags(ann.get(ANN_PIP_TAGS)),
        port_options=_port_options(ann),
        ip_families=tuple(str(f) for f in spec.get("ipFamilies") or ["IPv4"]) or ("IPv4",),
    )


def azure_protocol(k8s_protocol: str) -> str:
    """Service protocol → LB rule protocol (``Tcp``/``Udp``; SCTP rides ``All`` on internal LBs)."""
    return {"TCP": "Tcp", "UDP": "Udp"}.get(k8s_protocol.upper(), "All")


def nsg_protocol(k8s_protocol: str) -> str:
    """Service protocol → security rule protocol (``Tcp``, ``Udp``, ``*`` for SCTP)."""
    return {"TCP": "Tcp", "UDP": "Udp"}.get(k8s_protocol.upper(), "*")


def allow_rule_name(protocol: str, sources: list[str], ports: list[int], family: str = "IPv4") -> str:
    """``GenerateAllowSecurityRuleName``: ``k8s-azure-lb_allow_<IPv4|IPv6>_<md5("<Protocol>_<srcs>_<ports>")>``
    with sources and ports sorted as strings and joined by ``,``."""
    v = "_".join([protocol, ",".join(sorted(sources)), ",".join(sorted(str(p) for p in ports))])
    return f"{RULE_PREFIX}_allow_{family}_{hashlib.md5(v.encode()).hexdigest()}"


DENY_ALL_RULE = f"{RULE_PREFIX}_deny-all_IPv4"


def deny_all_rule(family: str = "IPv4") -> str:
    """``GenerateDenyAllSecurityRuleName``: ``k8s-azure-lb_deny-all_<IPv4|IPv6>``."""
    return f"{RULE_PREFIX}_deny-all_{family}"
