"""The containers of a cluster's optional API groups, as ``ClusterState`` holds them: the Gateway API objects
(``GatewayWorld``) and Istio's (``MeshWorld``, its routing in ``TrafficWorld``), each empty by default.

Their element classes live in ``aksnet.model.gateway``, ``aksnet.model.mesh`` and ``aksnet.model.mesh_traffic``
(which re-export these names); this module names them for type checking only, so that a cluster without Gateway
API or Istio objects (every ``--from-dir`` of plain manifests) never creates those few dozen classes. Stdlib
only; no semantics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aksnet.model.gateway import (
        BackendTLS,
        FrontendTLS,
        Gateway,
        GatewayBackendTLS,
        GatewayClass,
        HealthCheck,
        HTTPRoute,
        ReferenceGrant,
        RoutePolicy,
    )
    from aksnet.model.mesh import AuthorizationPolicy, PeerAuthentication, RequestAuthentication, Sidecar
    from aksnet.model.mesh_traffic import DestinationRule, ServiceEntry, VirtualService
    from aksnet.model.mesh_traffic import Gateway as IstioGateway


@dataclass(frozen=True)
class GatewayWorld:
    """Everything the Gateway API semantics need of one cluster: its Gateway API objects, the labels of its
    namespaces, the Services (namespace, name) → ports, and the Secrets (namespace, name) → type."""

    classes: tuple[GatewayClass, ...] = ()
    gateways: tuple[Gateway, ...] = ()
    routes: tuple[HTTPRoute, ...] = ()
    grants: tuple[ReferenceGrant, ...] = ()
    namespace_labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    services: tuple[tuple[str, str, tuple[int, ...]], ...] = ()
    secrets: tuple[tuple[str, str, str], ...] = ()
    backend_tls: tuple[BackendTLS, ...] = ()
    health_checks: tuple[HealthCheck, ...] = ()
    route_policies: tuple[RoutePolicy, ...] = ()
    frontend_tls: tuple[FrontendTLS, ...] = ()
    gateway_backend_tls: tuple[GatewayBackendTLS, ...] = ()


@dataclass(frozen=True, slots=True)
class TrafficWorld:
    """Istio's traffic API objects of one cluster (``aksnet.model.mesh_traffic``)."""

    virtual_services: tuple[VirtualService, ...] = ()
    destination_rules: tuple[DestinationRule, ...] = ()
    service_entries: tuple[ServiceEntry, ...] = ()
    gateways: tuple[IstioGateway, ...] = ()


@dataclass(frozen=True, slots=True)
class MeshWorld:
    """Istio's security API objects of one cluster and who is in the mesh (``aksnet.model.mesh``)."""

    root_namespace: str = ""  # empty: no mesh installed
    peer_authentications: tuple[PeerAuthentication, ...] = ()
    authorization_policies: tuple[AuthorizationPolicy, ...] = ()
    sidecars: tuple[Sidecar, ...] = ()  # every pod with istio-proxy: injected sidecars and the ingress gateways
    traffic: TrafficWorld = field(default_factory=TrafficWorld)  # VirtualService, DestinationRule, … (routing)
    request_authentications: tuple[RequestAuthentication, ...] = ()
