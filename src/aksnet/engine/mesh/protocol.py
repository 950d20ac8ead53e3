"""Which protocol Istio's sidecar assumes on a workload port: explicit protocol selection by the port name of a
Service that targets it (``<protocol>[-<suffix>]``) or its ``appProtocol``; otherwise Istio sniffs the traffic
(HTTP when the client speaks HTTP). Source: https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/.
Pure; the model only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from aksnet.model import k8s

_HTTP = ("http", "http2", "grpc", "grpc-web", "h2c")
_TCP = ("tcp", "tls", "https", "mongo", "mysql", "redis", "udp")


def _named(name: str) -> str:
    base = name.lower().split("-", 1)[0] if not name.lower().startswith("grpc-web") else "grpc-web"
    if base in _HTTP:
        return "HTTP"
    if base in _TCP:
        return "TCP"
    return ""


def service_port_protocol(sp: k8s.ServicePort) -> str:
    """``HTTP``, ``TCP`` or ``""`` (sniffed) as a Service port declares it (appProtocol, then the name)."""
    return _named(sp.app_protocol or "") or _named(sp.name or "")


def service_ports_to(services: Iterable[k8s.Service], pod: k8s.Pod, port: int) -> Iterator[k8s.ServicePort]:
    """The ports of Services selecting ``pod`` (in its namespace) whose target is the pod's ``port``."""
    names = {c.name: c.container_port for c in pod.ports if c.name}
    for svc in services:
        if svc.namespace != pod.namespace or not svc.selector or \
                any(pod.labels.get(k) != v for k, v in svc.selector.items()):
            continue
        for sp in svc.ports:
            target = names.get(sp.target_port, -1) if isinstance(sp.target_port, str) else (sp.target_port or sp.port)
            if target == port:
                yield sp


def port_protocol(services: Iterable[k8s.Service], pod: k8s.Pod, port: int) -> str:
    """``HTTP``, ``TCP`` or ``""`` (not declared: sniffed) for ``port`` of ``pod``."""
    return next((d for d in (service_port_protocol(sp) for sp in service_ports_to(services, pod, port)) if d), "")
