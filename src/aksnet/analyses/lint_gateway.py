"""Gateway API findings that need the data path (``aksnet lint`` adds them to its own): a backendRef whose
Service has no ready endpoint (the Gateway answers 503), and a backend that the proxy behind the Gateway cannot
reach — for Application Gateway for Containers, a connection from the association subnet to the endpoint that a
route, an NSG or a NetworkPolicy drops (the pods must allow the AGC subnet). Each finding is
(code, resource, message, source); ``aksnet.analyses.lint`` turns them into its findings. Pure.

Source: learn.microsoft.com/azure/application-gateway/for-containers/container-networking (traffic reaches pods
from the association subnet); gateway-api v1.2.1 ``httproute_types.go`` (BackendRef).
"""

from __future__ import annotations

from aksnet.analyses.curl_agc import bound_gateways
from aksnet.analyses.gateway_status import running_controllers
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import DELIVERED, Site
from aksnet.engine.gateway.route import attached_to
from aksnet.engine.ingress.backend import resolve_backend
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model.gateway import Gateway
from aksnet.model.ids import same_id
from aksnet.model.twin import ClusterState, Twin

Raw = tuple[str, str, str, str]


def _backends(state: ClusterState, gw: Gateway) -> list[tuple[str, str, str, int]]:
    """(route resource, namespace, Service, port) of every backendRef of the routes attached to ``gw``."""
    out: dict[tuple[str, str, str, int], None] = {}
    for att in attached_to(state.gateway, running_controllers(), gw):
        r = att.route
        res = f"{r.kind.lower()} {r.namespace}/{r.name}"
        for rule in r.rules:
            for b in rule.backends:
                if (b.ref.group, b.ref.kind) == ("", "Service") and b.ref.port is not None:
                    out[(res, b.ref.namespace or r.namespace, b.ref.name, b.ref.port)] = None
    return list(out)


def gateway_backend_problems(twin: Twin, state: ClusterState) -> list[Raw]:
    """AKSNET047: a backend Service without ready endpoints; AKSNET048: an AGC association that cannot reach
    a backend endpoint (with the hop that drops it)."""
    if state.cluster is None or not state.gateway.gateways:
        return []
    services = {s.key: s for s in state.services}
    slices: dict[str, list[k8s.EndpointSlice]] = {}
    for sl in state.endpoint_slices:
        slices.setdefault(f"{sl.namespace}/{sl.service_name}", []).append(sl)
    out: list[Raw] = []
    for gw in state.gateway.gateways:
        for res, ns, name, port in _backends(state, gw):
            got = resolve_backend(ns, k8s.IngressBackend(name, port), services, slices)
            if not got.endpoints and got.service is not None:
                out.append(("AKSNET047", res, f"backendRef Service {ns}/{name} port {port} has no ready endpoint: "
                            f"Gateway {gw.namespace}/{gw.name} answers 503 for its requests",
                            "Gateway API: BackendRef"))
    out += _agc_reach(twin, state, services, slices)
    return out


def _agc_reach(twin: Twin, state: ClusterState, services: dict[str, k8s.Service],
               slices: dict[str, list[k8s.EndpointSlice]]) -> list[Raw]:
    if not twin.traffic_controllers or state.cluster is None:
        return []
    topo = Topology.build(twin, state.cluster.id)
    walker = Walker(topo)
    out: list[Raw] = []
    for tc in twin.traffic_controllers:
        for fe in tc.frontends:
            for gw in bound_gateways(topo, tc, fe):
                for assoc in tc.associations:
                    nic = next((n for n in twin.nics if same_id(n.id, f"{assoc.id}/proxy")), None)
                    site = Site("vm", assoc.proxy_ip, f"{tc.name}/{assoc.name}", nic=nic)
                    for res, ns, name, port in _backends(state, gw):
                        for ep in resolve_backend(ns, k8s.IngressBackend(name, port), services, slices).endpoints:
                            walk = walker.walk(site, ep.ip, ep.port, "TCP")
                            if walk.verdict != DELIVERED:
                                out.append(("AKSNET048", res, f"Application Gateway for Containers {tc.name} "
                                            f"cannot reach {ep.pod or ep.ip}:{ep.port} (Service {ns}/{name}) from its "
                                            f"association subnet ({assoc.proxy_ip}): {walk.reason}",
                                            "AGC: container networking"))
                                break
    return out
