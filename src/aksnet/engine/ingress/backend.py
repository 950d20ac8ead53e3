"""Ingress backend → Service port → ready endpoints, as ingress-nginx resolves an upstream.

ingress-nginx proxies to the **endpoint IPs** of the Service port (EndpointSlices, ready endpoints only),
not to the ClusterIP (internal/ingress/controller/endpointslices.go getEndpointsFromSlices). The Ingress
names the port by number (``spec.ports[].port``) or by name (``spec.ports[].name``). A missing Service,
a missing port or no ready endpoint leaves the upstream empty and nginx answers 503
(test/e2e/servicebackend/service_backend.go). Must not choose one endpoint (the caller does).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aksnet.engine.ingress.model import UpstreamEndpoint
from aksnet.model import k8s


@dataclass(frozen=True, slots=True)
class ResolvedBackend:
    namespace: str
    service_name: str | None
    port: int | str | None  # as the Ingress references it
    service: k8s.Service | None = None
    service_port: k8s.ServicePort | None = None
    endpoints: tuple[UpstreamEndpoint, ...] = ()
    external_name: str | None = None
    error: str = ""  # why the upstream is empty ("" when it has endpoints or is an ExternalName)

    @property
    def service_key(self) -> str | None:
        return f"{self.namespace}/{self.service_name}" if self.service_name else None

    @property
    def upstream_name(self) -> str:
        """ingress-nginx upstreamName(): ``<namespace>-<service>-<port number or name>``."""
        return f"{self.namespace}-{self.service_name}-{self.port}"

    @property
    def custom_default_name(self) -> str:
        """The upstream ingress-nginx creates for a default-backend annotation."""
        return f"custom-default-backend-{self.namespace}-{self.service_name}"

    @property
    def usable(self) -> bool:
        return bool(self.endpoints) or self.external_name is not None


def _ip_port_key(k: tuple[str, int]) -> tuple[int, int, str, int]:
    try:
        a = ipaddress.ip_address(k[0])
        return (a.version, int(a), "", k[1])
    except ValueError:
        return (9, 0, k[0], k[1])


def resolve_custom_default_backend(
    namespace: str,
    name: str,
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
) -> ResolvedBackend | None:
    """The ``default-backend`` annotation's Service (its first port, as ingress-nginx takes Spec.Ports[0]);
    None when it does not exist or has no ready endpoint (ingress-nginx then creates no custom upstream)."""
    svc = services.get(f"{namespace}/{name}")
    if svc is None or not svc.ports:
        return None
    first = svc.ports[0]
    got = resolve_backend(namespace, k8s.IngressBackend(name, first.port), services, slices)
    if not got.endpoints:
        return None
    return ResolvedBackend(namespace, name, first.port, got.service, got.service_port, got.endpoints)


def find_service_port(svc: k8s.Service, port: int | str | None) -> k8s.ServicePort | None:
    """The Service port an Ingress backend refers to: by ``port.number`` or ``port.name``."""
    for sp in svc.ports:
        if isinstance(port, int) and sp.port == port:
            return sp
        if isinstance(port, str) and sp.name == port:
            return sp
    return None


def resolve_backend(
    namespace: str,
    backend: k8s.IngressBackend,
    services: Mapping[str, k8s.Service],
    slices: Mapping[str, Sequence[k8s.EndpointSlice]],
    service_upstream: bool = False,
) -> ResolvedBackend:
    """Resolve ``backend`` of an Ingress in ``namespace`` to its ready endpoints (ip:targetPort, pod).

    With the ``service-upstream`` annotation the single upstream is the Service's ClusterIP:port instead.
    """
    name, port = backend.service_name, backend.service_port
    if not name:
        kind = backend.resource_kind or "resource"
        return ResolvedBackend(namespace, None, None, error=f"{kind} backends are not served by ingress-nginx")
    svc = services.get(f"{namespace}/{name}")
    if svc is None:
        return ResolvedBackend(namespace, name, port, error=f'Service "{namespace}/{name}" does not exist')
    if svc.type == "ExternalName":
        return ResolvedBackend(namespace, name, port, service=svc, external_name=svc.external_name or "")
    sp = find_service_port(svc, port)
    if sp is None:
        return ResolvedBackend(
            namespace, name, port, service=svc, error=f'Service "{namespace}/{name}" has no port {port}'
        )
    if service_upstream and svc.cluster_ip and svc.cluster_ip != "None":
        return ResolvedBackend(
            namespace, name, port, service=svc, service_port=sp, endpoints=(UpstreamEndpoint(svc.cluster_ip, sp.port),)
        )
    eps: dict[tuple[str, int], UpstreamEndpoint] = {}
    for sl in slices.get(svc.key, ()):
        ports = [p for p in sl.ports if (p.name or "") == (sp.name or "") and p.protocol == sp.protocol]
        if not ports:
            continue
        for ep in sl.endpoints:
            if not ep.ready:
                continue
            for p in ports:
                eps[(ep.ip, p.port)] = UpstreamEndpoint(ep.ip, p.port, ep.pod, ep.node_name)
    if not eps:
        return ResolvedBackend(
            namespace,
            name,
            port,
            service=svc,
            service_port=sp,
            error=f'Service "{namespace}/{name}" has no ready endpoints for port {port}',
        )
    ordered = tuple(eps[k] for k in sorted(eps, key=_ip_port_key))
    return ResolvedBackend(namespace, name, port, service=svc, service_port=sp, endpoints=ordered)
