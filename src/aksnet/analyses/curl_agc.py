"""``curl`` to an Application Gateway for Containers frontend: the request leaves the client for the frontend's
public address (Azure-hosted, outside every VNet and the cluster), AGC routes it with the Gateway bound to that
frontend (``aksnet.engine.gateway.route``: listener, rule, filters, weighted backendRef), then connects from its
association subnet straight to the pod IPs — so the walk from the association's address meets the subnets' NSGs,
routes and the pods' NetworkPolicies as AGC's traffic does, and the backend sees the AGC subnet address with the
client's in X-Forwarded-For.

A Gateway is bound to a frontend as the ALB Controller binds it: class ``azure-alb-external`` and, bring your own,
the annotation ``alb.networking.azure.io/alb-id`` naming the traffic controller with ``spec.addresses`` of type
``alb.networking.azure.io/alb-frontend`` naming the frontend.
Source: learn.microsoft.com/azure/application-gateway/for-containers/ (quickstart-create-application-gateway-for-
containers-byo-deployment,
how-to-traffic-splitting-gateway-api, container-networking: traffic reaches pods from the association subnet).
Pure; never prints.
"""

from __future__ import annotations

from aksnet.analyses.curl_gateway import Proxy, ProxyAnswer, through_gateway
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DELIVERED, DROPPED, REFUSED, Backend, Hop, Site, Walk
from aksnet.engine.gateway import agc_ingress
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model.alb import AlbFrontend, TrafficController
from aksnet.model.gateway import Gateway, GatewayClass, GatewayWorld
from aksnet.model.ids import same_id
from aksnet.rules import alb, gateway_api

ATTEMPTS = 3  # as Envoy-based proxies retry connect failures (ours: AGC's retry budget is not documented)


def frontend_at(topo: Topology, ip: str) -> tuple[TrafficController, AlbFrontend] | None:
    """The AGC frontend whose public address is ``ip``."""
    for tc in topo.twin.traffic_controllers:
        for fe in tc.frontends:
            if fe.ip == ip:
                return tc, fe
    return None


def bound_gateways(topo: Topology, tc: TrafficController, fe: AlbFrontend) -> list[Gateway]:
    """The Gateways of ALB classes that name this traffic controller (alb-id) and frontend (spec.addresses)."""
    world = topo.state.gateway
    classes = {c.name for c in world.classes if c.controller_name == gateway_api.ALB_CONTROLLER}
    out = []
    for gw in world.gateways:
        ann = dict(gw.annotations)
        frontends = [v for t, v in gw.addresses if t == alb.ADDRESS_TYPE_FRONTEND]
        byo = same_id(ann.get(alb.ANNOTATION_ALB_ID, ""), tc.id) and fe.name in frontends
        ns, name = ann.get(alb.ANNOTATION_ALB_NAMESPACE), ann.get(alb.ANNOTATION_ALB_NAME)
        managed = bool(ns and name) and tc.name == alb.managed_traffic_controller(str(ns), str(name)) \
            and fe.name == alb.managed_frontend(gw.namespace, gw.name)
        if gw.class_name in classes and (byo or managed):
            out.append(gw)
    return out


def bound_ingresses(topo: Topology, tc: TrafficController, fe: AlbFrontend) -> list[k8s.Ingress]:
    """The Ingresses of class ``azure-alb-external`` that name this traffic controller and frontend: ``alb-id``
    with ``alb-frontend``, or ``alb-namespace``/``alb-name`` (the frontend the controller made for the Ingress)."""
    classes = {c.name for c in topo.state.ingress_classes if c.controller == alb.INGRESS_CONTROLLER}
    out = []
    for ing in sorted(topo.state.ingresses, key=lambda i: (i.creation_timestamp, i.namespace, i.name)):
        ann = dict(ing.annotations)
        byo = same_id(ann.get(alb.ANNOTATION_ALB_ID, ""), tc.id) and ann.get(alb.ANNOTATION_FRONTEND) == fe.name
        ns, name = ann.get(alb.ANNOTATION_ALB_NAMESPACE), ann.get(alb.ANNOTATION_ALB_NAME)
        managed = bool(ns and name) and tc.name == alb.managed_traffic_controller(str(ns), str(name)) \
            and fe.name == alb.managed_ingress_frontend(ing.namespace, ing.name)
        if ing.ingress_class_name in classes and (byo or managed):
            out.append(ing)
    return out


def _port_of(topo: Topology) -> agc_ingress.PortOf:
    ports = {(s.namespace, s.name, p.name): p.port for s in topo.state.services for p in s.ports if p.name}

    def port_of(namespace: str, service: str, port: int | str) -> int | None:
        return port if isinstance(port, int) else ports.get((namespace, service, port))
    return port_of


def ingress_gateway(topo: Topology, tc: TrafficController, fe: AlbFrontend) -> tuple[GatewayWorld, Gateway] | None:
    """The Gateway API form of the Ingresses this frontend serves (``aksnet.engine.gateway.agc_ingress``)."""
    ings = bound_ingresses(topo, tc, fe)
    if not ings:
        return None
    return agc_ingress.as_gateway(topo.state.gateway, GatewayClass(alb.GATEWAY_CLASS, gateway_api.ALB_CONTROLLER),
                                  fe.name, ings, _port_of(topo))


def component_name(tc: TrafficController) -> str:
    return f"Application Gateway for Containers {tc.name}"


def through_agc(topo: Topology, walker: Walker, site: Site, pre: tuple[Hop, ...], tc: TrafficController,
                fe: AlbFrontend, scheme: str, port: int, host_header: str, request_uri: str, method: str,
                headers: dict[str, str], client_cert: str = "") -> ProxyAnswer | Walk:
    """The request at the frontend (see the module docstring); a Walk when no listener takes the connection."""
    component = component_name(tc)
    hops = (*pre, Hop(component, "accept", f"frontend {fe.name} ({fe.fqdn}) {fe.ip}:{port}: Azure-hosted, outside "
                                           "the cluster's VNet"))
    gws = [g for g in bound_gateways(topo, tc, fe) if any(lst.port == port for lst in g.listeners)]
    world = None
    if not gws and (via := ingress_gateway(topo, tc, fe)) is not None \
            and any(lst.port == port for lst in via[1].listeners):
        world, gws = via[0], [via[1]]
    if not gws:
        why = f"no Gateway bound to frontend {fe.name} listens on port {port}"
        return Walk(REFUSED, why, site, fe.ip, port, "TCP", (*hops, Hop(component, "refuse", why)))
    assoc = next(iter(tc.associations), None)
    first = Walk(DELIVERED, f"{component} frontend {fe.name}", site, fe.ip, port, "TCP", hops,
                 backend=Backend("agc", f"{tc.name}/{fe.name}", fe.ip, port, site.ip))
    if assoc is None:
        why = f"{tc.name} has no association: its proxies reach no subnet"
        return Walk(DROPPED, why, site, fe.ip, port, "TCP", (*hops, Hop(component, "drop", why)))
    nic = next((n for n in topo.twin.nics if same_id(n.id, f"{assoc.id}/proxy")), None)
    proxy_site = Site("vm", assoc.proxy_ip, f"{tc.name}/{assoc.name}", nic=nic)
    proxy = Proxy(component, proxy_site, site.ip, alb.SERVER_HEADER, ATTEMPTS, attempt_header=False, backend_tls=True)
    return through_gateway(topo, walker, first, gws[0], scheme, host_header, request_uri, method, headers, proxy,
                           world, client_cert)

