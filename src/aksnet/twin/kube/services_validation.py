"""Service validation with the API server's field paths and messages, and the errors kubectl prints.

Source: kubernetes ``pkg/apis/core/validation/validation.go`` (``ValidateService``, ``validateServicePort``,
``validateServiceExternalTrafficPolicy``, ``ValidateServiceUpdate``) as summarised in reference
kubernetes/kubernetes pkg/apis/core/validation/validation.go;
``field.Error`` formatting from apimachinery ``util/validation/field``; the
kubectl presentation (``The Service "x" is invalid: …``, one ``* `` line per error when there are several)
from ``cmd/util/helpers.go`` ``MultilineError``. Pure: validates an already-defaulted document, allocates
nothing, reads nothing.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from aksnet.errors import KubeError, KubeInvalid
from aksnet.twin.kube.validation_common import validate_annotations, validate_labels

Doc = dict[str, Any]
Cause = tuple[str, str]  # (field path, "Invalid value: …: message")

SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_CLIENT_IP_TIMEOUT = 86400

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")

MSG_DNS1123_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
MSG_DNS1035_LABEL = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
MSG_DNS1123_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MSG_PORT_RANGE = "must be between 1 and 65535, inclusive"
MSG_VALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
MSG_VALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
MSG_ONLY_LB = "may only be used when `type` is 'LoadBalancer'"
MSG_HC_ONLY = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
MSG_ETP_EXTERNAL = "may only be set for externally-accessible services"
MSG_AFFINITY_TIMEOUT = f"must be greater than 0 and less than {MAX_CLIENT_IP_TIMEOUT}"
MSG_IMMUTABLE_IP = "may not change once set"


# -- field.Error rendering ----------------------------------------------------------------------
def go_value(value: Any) -> str:
    """How ``field.Invalid`` prints a value: strings quoted, numbers bare, ``[]string{"a"}`` for lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[]string{" + ", ".join(f'"{v}"' for v in value) + "}"
    return f'"{value}"'


def invalid(path: str, value: Any, detail: str) -> Cause:
    return path, f"Invalid value: {go_value(value)}: {detail}"


def required(path: str) -> Cause:
    return path, "Required value"


def forbidden(path: str, detail: str) -> Cause:
    return path, f"Forbidden: {detail}"


def duplicate(path: str, value: Any) -> Cause:
    shown = value if isinstance(value, str) and value.startswith("core.") else go_value(value)
    return path, f"Duplicate value: {shown}"


def unsupported(path: str, value: Any, supported: tuple[str, ...]) -> Cause:
    return path, f"Unsupported value: {go_value(value)}: supported values: " + ", ".join(f'"{s}"' for s in supported)


class ServiceInvalid(KubeInvalid):
    """HTTP 422 from the API server; rendered as kubectl does (``The Service "web" is invalid: …``).

    ``causes`` keeps the (field, message) pairs for callers that build their own presentation.
    """

    def __init__(self, name: str, causes: list[Cause], kind: str = "Service") -> None:
        super().__init__(kind, name, [f"{f}: {m}" for f, m in causes])
        self.causes = causes
        self.reason = "Invalid"
        self.status_message = self.message

    def with_source(self, verb: str, source: str) -> ServiceInvalid:
        """kubectl prints Invalid errors without the ``error when creating`` context."""
        return self


class ServiceInternalError(KubeError):
    """HTTP 500 (``Internal error occurred: …``), e.g. an exhausted allocator range."""

    def __init__(self, detail: str) -> None:
        self.detail = f"Internal error occurred: {detail}"
        self.reason = "InternalError"
        self.status_message = self.detail
        super().__init__(f"Error from server (InternalError): {self.detail}")

    def with_source(self, verb: str, source: str) -> KubeError:
        """kubectl's ``error when creating "f.yaml": …`` context."""
        return KubeError(f'Error from server (InternalError): error when {verb} "{source}": {self.detail}')


# -- rules --------------------------------------------------------------------------------------
def _port_number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _valid_port_name(name: str) -> list[str]:
    """``IsValidPortName`` (IANA_SVC_NAME) problems, in the order Kubernetes reports them."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]*", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_cidr(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return "/" in text


def _validate_ports(spec: Doc, svc_type: str, headless: bool) -> list[Cause]:
    errs: list[Cause] = []
    ports = spec.get("ports") or []
    if not ports and svc_type != "ExternalName" and not headless:
        errs.append(required("spec.ports"))
    names: set[str] = set()
    keys: set[tuple[str, int]] = set()
    node_keys: set[tuple[str, int]] = set()
    for i, p in enumerate(ports):
        path = f"spec.ports[{i}]"
        if not isinstance(p, dict):
            errs.append(invalid(path, str(p), "must be an object"))
            continue
        name = p.get("name") or ""
        if len(ports) > 1 and not name:
            errs.append(required(f"{path}.name"))
        elif name:
            if not _DNS1123_LABEL.match(name) or len(name) > 63:
                errs.append(invalid(f"{path}.name", name, MSG_DNS1123_LABEL))
            elif name in names:
                errs.append(duplicate(f"{path}.name", name))
            names.add(name)
        port = _port_number(p.get("port"))
        if port is None or not 1 <= port <= 65535:
            errs.append(invalid(f"{path}.port", p.get("port", 0), MSG_PORT_RANGE))
        proto = p.get("protocol", "TCP")
        if proto not in PROTOCOLS:
            errs.append(unsupported(f"{path}.protocol", proto, PROTOCOLS))
        tp = p.get("targetPort")
        if isinstance(tp, int) and not isinstance(tp, bool):
            if not 1 <= tp <= 65535:
                errs.append(invalid(f"{path}.targetPort", tp, MSG_PORT_RANGE))
        elif isinstance(tp, str):
            errs += [invalid(f"{path}.targetPort", tp, m) for m in _valid_port_name(tp)]
        node_port = _port_number(p.get("nodePort"))
        if node_port:
            if svc_type == "ClusterIP":
                errs.append(forbidden(f"{path}.nodePort", "may not be used when `type` is 'ClusterIP'"))
            elif not 1 <= node_port <= 65535:
                errs.append(invalid(f"{path}.nodePort", node_port, MSG_PORT_RANGE))
            elif (proto, node_port) in node_keys:
                errs.append(duplicate(f"{path}.nodePort", node_port))
            node_keys.add((proto, node_port))
        if port is not None:
            if (proto, port) in keys:
                errs.append(duplicate(path, _go_port_key(proto, port)))
            keys.add((proto, port))
    return errs


def _go_port_key(proto: str, port: int) -> str:
    """The ``core.ServicePort{Protocol, Port}`` value ``field.Duplicate`` prints for a (protocol, port) pair."""
    return (
        f'core.ServicePort{{Name:"", Protocol:"{proto}", AppProtocol:(*string)(nil), Port:{port}, '
        'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'
    )


def _validate_cluster_ips(spec: Doc, svc_type: str) -> list[Cause]:
    errs: list[Cause] = []
    ips = list(spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else []))
    if svc_type == "ExternalName":
        if ips:
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        return errs
    if spec.get("clusterIP") and ips and spec["clusterIP"] != ips[0]:
        errs.append(invalid("spec.clusterIPs", ips, "must match `spec.clusterIP`"))  # clusterIPs[0] == clusterIP
    for i, ip in enumerate(ips):
        if ip == "None":
            if i == 0 and svc_type in ("NodePort", "LoadBalancer"):
                errs.append(invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {svc_type} services"))
            continue
        if not isinstance(ip, str) or not _is_ip(ip):
            errs.append(invalid(f"spec.clusterIPs[{i}]", str(ip), MSG_VALID_IP))
    return errs


def validate_service(doc: Doc) -> list[Cause]:
    """Every ``ValidateService`` error of a defaulted Service document (empty list: valid), in the order
    kubernetes/kubernetes pkg/apis/core/validation/validation.go reports them."""
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    errs = _validate_name(str(meta.get("name") or ""))
    errs += _causes(validate_labels(meta.get("labels"), "metadata.labels")
                    + validate_annotations(meta.get("annotations"), "metadata.annotations"))
    svc_type = spec.get("type", "ClusterIP")
    if svc_type not in SERVICE_TYPES:
        errs.append(unsupported("spec.type", svc_type, SERVICE_TYPES))
        return errs
    headless = spec.get("clusterIP") == "None"
    errs += _validate_cluster_ips(spec, svc_type)
    errs += _validate_external_name(spec, svc_type)
    errs += _validate_ports(spec, svc_type, headless)
    errs += _causes(validate_labels(spec.get("selector"), "spec.selector"))
    errs += _validate_session_affinity(spec)
    errs += _validate_external_ips(spec)
    errs += _validate_load_balancer_fields(spec, svc_type)
    errs += _validate_traffic_policies(spec, svc_type)
    if spec.get("loadBalancerClass") is not None and svc_type != "LoadBalancer":
        errs.append(forbidden("spec.loadBalancerClass", MSG_ONLY_LB))
    return errs


def _causes(messages: list[str]) -> list[Cause]:
    """ValidateObjectMeta's and ValidateLabels' ``path: Invalid value: …`` texts as (path, message) causes."""
    return [(m.split(": ", 1)[0], m.split(": ", 1)[1]) for m in messages]


def _validate_name(name: str) -> list[Cause]:
    """A Service name is a DNS-1035 label (ValidateServiceName)."""
    if not name:
        return [required("metadata.name")]
    if not _DNS1035_LABEL.match(name) or len(name) > 63:
        return [invalid("metadata.name", name, MSG_DNS1035_LABEL)]
    return []


def _validate_external_name(spec: Doc, svc_type: str) -> list[Cause]:
    """ExternalName Services need a DNS-1123 subdomain (a trailing dot allowed)."""
    if svc_type != "ExternalName":
        return []
    ext = str(spec.get("externalName") or "")
    if not ext:
        return [required("spec.externalName")]
    if not _DNS1123_SUBDOMAIN.match(ext[:-1] if ext.endswith(".") else ext) or len(ext) > 253:
        return [invalid("spec.externalName", ext, MSG_DNS1123_SUBDOMAIN)]
    return []


def _validate_session_affinity(spec: Doc) -> list[Cause]:
    """sessionAffinity ClientIP|None; ClientIP's timeout in (0, 86400]; no config with None."""
    affinity = spec.get("sessionAffinity", "None")
    if affinity not in ("ClientIP", "None"):
        return [unsupported("spec.sessionAffinity", affinity, ("ClientIP", "None"))]
    if affinity == "None":
        if spec.get("sessionAffinityConfig"):
            return [forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None")]
        return []
    timeout = ((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get("timeoutSeconds")
    if not isinstance(timeout, int) or not 0 < timeout <= MAX_CLIENT_IP_TIMEOUT:
        return [invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout or 0, MSG_AFFINITY_TIMEOUT)]
    return []


def _validate_external_ips(spec: Doc) -> list[Cause]:
    return [invalid(f"spec.externalIPs[{i}]", str(ip), MSG_VALID_IP)
            for i, ip in enumerate(spec.get("externalIPs") or []) if not isinstance(ip, str) or not _is_ip(ip)]


def _validate_load_balancer_fields(spec: Doc, svc_type: str) -> list[Cause]:
    """loadBalancerSourceRanges (CIDRs) and allocateLoadBalancerNodePorts only on LoadBalancer Services."""
    errs: list[Cause] = []
    if spec.get("loadBalancerSourceRanges"):
        if svc_type != "LoadBalancer":
            errs.append(forbidden("spec.LoadBalancerSourceRanges", MSG_ONLY_LB))
        else:
            errs += [invalid(f"spec.loadBalancerSourceRanges[{i}]", str(r), MSG_VALID_CIDR)
                     for i, r in enumerate(spec["loadBalancerSourceRanges"])
                     if not isinstance(r, str) or not _is_cidr(r.strip())]
    if "allocateLoadBalancerNodePorts" in spec and svc_type != "LoadBalancer":
        errs.append(forbidden("spec.allocateLoadBalancerNodePorts", MSG_ONLY_LB))
    return errs


def _validate_traffic_policies(spec: Doc, svc_type: str) -> list[Cause]:
    """externalTrafficPolicy only on externally reachable Services; internalTrafficPolicy Cluster|Local;
    healthCheckNodePort only with LoadBalancer + ETP Local, and a valid port."""
    errs: list[Cause] = []
    etp = spec.get("externalTrafficPolicy")
    external = svc_type in ("NodePort", "LoadBalancer") or bool(spec.get("externalIPs"))
    if etp is not None:
        if not external:
            errs.append(invalid("spec.externalTrafficPolicy", etp, MSG_ETP_EXTERNAL))
        elif etp not in ("Cluster", "Local"):
            errs.append(unsupported("spec.externalTrafficPolicy", etp, ("Cluster", "Local")))
    itp = spec.get("internalTrafficPolicy")
    if itp is not None and itp not in ("Cluster", "Local"):
        errs.append(unsupported("spec.internalTrafficPolicy", itp, ("Cluster", "Local")))
    hc = spec.get("healthCheckNodePort")
    if hc and not (svc_type == "LoadBalancer" and etp == "Local"):
        errs.append(invalid("spec.healthCheckNodePort", hc, MSG_HC_ONLY))
    elif hc and (not isinstance(hc, int) or not 1 <= hc <= 65535):
        errs.append(invalid("spec.healthCheckNodePort", hc, MSG_PORT_RANGE))
    return errs


def validate_service_update(new: Doc, old: Doc) -> list[Cause]:
    """``ValidateServiceUpdate``: the primary ClusterIP cannot change while both need one;
    ``loadBalancerClass`` is immutable on LoadBalancer Services."""
    errs: list[Cause] = []
    ns, os_ = new.get("spec") or {}, old.get("spec") or {}
    if ns.get("type", "ClusterIP") != "ExternalName" and os_.get("type", "ClusterIP") != "ExternalName":
        new_ip, old_ip = ns.get("clusterIP"), os_.get("clusterIP")
        if old_ip and new_ip and new_ip != old_ip:
            errs.append(invalid("spec.clusterIPs[0]", list(ns.get("clusterIPs") or [new_ip]), MSG_IMMUTABLE_IP))
    if (os_.get("type") == "LoadBalancer" and ns.get("type") == "LoadBalancer"
            and os_.get("loadBalancerClass") != ns.get("loadBalancerClass")):
        errs.append(invalid("spec.loadBalancerClass", ns.get("loadBalancerClass") or "", "may not change once set"))
    return errs
