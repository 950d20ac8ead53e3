"""Istio traffic findings (``aksnet lint`` adds them as warnings): VirtualServices that overlap on one host for the
same gateway (AKSNET084: sidecars use only the oldest, gateways merge their routes in an order users rarely
intend), a DestinationRule that disables TLS to a workload whose sidecar is STRICT (AKSNET085: every connection
is reset, the client proxy answers 503), a VirtualService routing to a subset no DestinationRule defines
(AKSNET086: 503, Envoy's "cluster not found"), and an Istio Gateway whose selector matches no gateway pod or a
VirtualService bound to a Gateway that does not exist (AKSNET087: the routes are never served). Each finding is
(code, resource, message, source). Pure.

Sources: https://istio.io/latest/docs/ops/best-practices/traffic-management/,
https://istio.io/latest/docs/ops/common-problems/network-issues/,
https://istio.io/latest/docs/reference/config/networking/destination-rule/,
https://istio.io/latest/docs/reference/config/networking/gateway/.
"""

from __future__ import annotations

from aksnet.engine import mesh
from aksnet.engine.mesh import hosts, ingress, routing
from aksnet.engine.mesh.http_match import qualify
from aksnet.model import mesh_traffic as mt
from aksnet.model.twin import ClusterState
from aksnet.rules import istio

Raw = tuple[str, str, str, str]
_BEST = "istio.io/latest/docs/ops/best-practices/traffic-management/"


def _gateways(v: mt.VirtualService) -> list[str]:
    return [qualify(g, v.namespace) for g in (v.gateways or (mt.MESH_GATEWAY,))]


def overlapping(world: mt.TrafficWorld) -> list[Raw]:
    """AKSNET084: two VirtualServices name one host for one gateway (or ``mesh``)."""
    seen: dict[tuple[str, str], mt.VirtualService] = {}
    out = []
    for v in world.virtual_services:
        for gw in _gateways(v):
            for h in {hosts.fqdn(x, v.namespace) for x in v.hosts}:
                first = seen.setdefault((gw, h), v)
                if first is v:
                    continue
                effect = ("sidecars use only the oldest (" + first.key + ")" if gw == mt.MESH_GATEWAY else
                          f"the gateway merges their http routes ({first.key}'s first)")
                out.append(("AKSNET084", f"VirtualService {v.key}",
                            f"VirtualService {v.key} and {first.key} both route host {h} for {gw}: {effect}",
                            _BEST))
    return out


def undefined_subsets(state: ClusterState) -> list[Raw]:
    """AKSNET086: a route destination names a subset that no DestinationRule of its host defines."""
    world = state.mesh.traffic
    out = []
    for v in world.virtual_services:
        ctx = routing.Context(world, state.services, v.namespace, istio.SYSTEM_NAMESPACE, "")
        for i, rule in enumerate(v.http):
            for j, d in enumerate(rule.route):
                if not d.subset:
                    continue
                host = hosts.fqdn(d.host, v.namespace)
                dr = routing.destination_rule(ctx, host)
                if dr is None or all(s.name != d.subset for s in dr.subsets):
                    out.append(("AKSNET086", f"VirtualService {v.key}",
                                f"VirtualService {v.key} spec.http[{i}].route[{j}] sends to subset {d.subset} of "
                                f"{host}, which " + ("no DestinationRule defines" if dr is None else
                                                     f"DestinationRule {dr.key} does not define")
                                + ": those requests are answered 503 (cluster not found)",
                                "istio.io/latest/docs/ops/common-problems/network-issues/"))
    return out


def tls_disabled_to_strict(state: ClusterState) -> list[Raw]:
    """AKSNET085: a DestinationRule with tls mode DISABLE for a host whose pods' sidecars are STRICT."""
    world = state.mesh
    out = []
    for dr in world.traffic.destination_rules:
        policies = [(dr.traffic_policy, ()), *((s.traffic_policy, s.labels) for s in dr.subsets)]
        host = hosts.fqdn(dr.host, dr.namespace)
        for svc in state.services:
            if not svc.selector or not hosts.matches(host, hosts.service_fqdn(svc.namespace, svc.name)):
                continue
            for policy, labels in policies:
                if policy is None or policy.tls_mode != "DISABLE":
                    continue
                pods = [p for p in state.pods if p.namespace == svc.namespace
                        and all(p.labels.get(k) == v for k, v in {**svc.selector, **dict(labels)}.items())
                        and mesh.in_mesh(world, p) is not None]
                strict = next((m for p in pods for m in (mesh.peer_mode(world, p, sp.port if isinstance(
                    sp.target_port, str) or not sp.target_port else sp.target_port) for sp in svc.ports)
                    if m.mode == "STRICT"), None)
                if strict is not None:
                    out.append(("AKSNET085", f"DestinationRule {dr.key}",
                                f"DestinationRule {dr.key} sets tls mode DISABLE for {host}, but {strict.describe()}: "
                                "every connection from a sidecar is reset (503)",
                                "istio.io/latest/docs/reference/config/networking/destination-rule/"))
                    break
    return out


def unserved(state: ClusterState) -> list[Raw]:
    """AKSNET087: an Istio Gateway whose selector matches no proxy pod, or a VirtualService bound to a Gateway
    that does not exist."""
    world = state.mesh
    proxies = [p for p in state.pods if mesh.in_mesh(world, p) is not None]
    names = {g.key for g in world.traffic.gateways}
    out = []
    for g in world.traffic.gateways:
        if not any(g in ingress.selecting(world.traffic, p) for p in proxies):
            selector = ",".join(f"{k}={v}" for k, v in g.selector) or "(none)"
            out.append(("AKSNET087", f"Gateway {g.key}",
                        f"Gateway {g.key} selects no gateway pod (selector {selector}; the add-on's are "
                        "istio=aks-istio-ingressgateway-external|internal after az aks mesh enable-ingress-gateway)",
                        "istio.io/latest/docs/reference/config/networking/gateway/"))
    for v in world.traffic.virtual_services:
        for gw in _gateways(v):
            if gw != mt.MESH_GATEWAY and gw not in names:
                out.append(("AKSNET087", f"VirtualService {v.key}",
                            f"VirtualService {v.key} is bound to Gateway {gw}, which does not exist: its routes "
                            "are not served there", "istio.io/latest/docs/reference/config/networking/gateway/"))
    return out


def traffic_problems(state: ClusterState) -> list[Raw]:
    t = state.mesh.traffic
    if not (t.virtual_services or t.destination_rules or t.gateways):
        return []
    return [*overlapping(t), *tls_disabled_to_strict(state), *undefined_subsets(state), *unserved(state)]
