"""What Istio applies to a workload, for ``aksnet explain``: its proxy and identity, the PeerAuthentication mode
on each of its ports (and the policy that sets it), the AuthorizationPolicies its sidecar enforces, in the
order Istio evaluates them (CUSTOM, DENY, ALLOW, AUDIT), and the traffic API around it (Gateways a gateway pod
serves, DestinationRule subsets holding the pod, VirtualService routes to it). Pure; rows of (subject, detail).

Sources: https://istio.io/latest/docs/reference/config/security/peer_authentication/,
https://istio.io/latest/docs/reference/config/security/authorization-policy/.
"""

from __future__ import annotations

from aksnet.engine import mesh
from aksnet.engine.mesh import hosts, ingress
from aksnet.model import k8s
from aksnet.model import mesh as mesh_model
from aksnet.model import mesh_traffic as mt
from aksnet.model.twin import ClusterState
from aksnet.rules import istio

_ORDER = {mesh_model.CUSTOM: 0, mesh_model.DENY: 1, mesh_model.ALLOW: 2, mesh_model.AUDIT: 3}


def mesh_rows(cluster: ClusterState, pod: k8s.Pod) -> list[tuple[str, str]]:
    """(subject, detail) rows; empty when the cluster has no mesh."""
    world = cluster.mesh
    if not world.sidecars and not world.authorization_policies and not world.peer_authentications:
        return []
    proxy = mesh.in_mesh(world, pod)
    if proxy is None:
        return [("sidecar", "none: the mesh does not judge connections to it (PeerAuthentication and "
                            "AuthorizationPolicy do not apply); its own connections are plaintext")]
    identity = istio.principal(pod.namespace, proxy.service_account)
    kind = "ingress gateway (Envoy router)" if proxy.router else "istio-proxy sidecar"
    rows = [("sidecar", f"{kind}{f', revision {proxy.revision}' if proxy.revision else ''}; identity {identity}")]
    if not proxy.router:
        ports = sorted({c.container_port for c in pod.ports if c.container != istio.PROXY_CONTAINER})
        for port in ports or [0]:
            mode = mesh.peer_mode(world, pod, port)
            rows.append((f"mTLS port {port}" if port else "mTLS", mode.describe()))
    policies = sorted(mesh.applicable(world, pod), key=lambda p: (_ORDER.get(p.action, 4), p.creation_index))
    for p in policies:
        scope = "mesh-wide" if p.namespace == world.root_namespace and not p.selector else \
            ("namespace-wide" if not p.selector else f"selector {','.join(f'{k}={v}' for k, v in p.selector)}")
        what = "allows nothing (no rules)" if not p.rules and p.action == mesh_model.ALLOW else \
            f"{len(p.rules)} rule(s)"
        rows.append((f"AuthorizationPolicy {p.key}", f"{p.action}, {scope}, {what}"))
    if not policies:
        rows.append(("AuthorizationPolicy", "none applies: every connection its mTLS mode admits is allowed"))
    return rows + routing_rows(cluster, pod)


def routing_rows(cluster: ClusterState, pod: k8s.Pod) -> list[tuple[str, str]]:
    """Istio's traffic API around the workload: the Gateways a gateway pod serves, the DestinationRule subsets
    that contain the pod and the VirtualService routes that send to those subsets or to its Services."""
    traffic = cluster.mesh.traffic
    rows = [(f"Gateway {g.key}", "servers " + "; ".join(f"{s.port} {s.protocol} {','.join(s.hosts)}"
                                                         for s in g.servers)) for g in ingress.selecting(traffic, pod)]
    services = [s for s in cluster.services if s.namespace == pod.namespace and s.selector
                and all(pod.labels.get(k) == v for k, v in s.selector.items())]
    names = {hosts.service_fqdn(s.namespace, s.name) for s in services}
    subsets: set[tuple[str, str]] = set()
    for dr in traffic.destination_rules:
        host = hosts.fqdn(dr.host, dr.namespace)
        for sub in dr.subsets:
            if host in names and all(pod.labels.get(k) == v for k, v in sub.labels):
                subsets.add((host, sub.name))
                rows.append((f"DestinationRule {dr.key}", f"subset {sub.name} of {host} contains this pod"))
    for vs in traffic.virtual_services:
        for i, rule in enumerate(vs.http):
            for j, d in enumerate(rule.route):
                host = hosts.fqdn(d.host, vs.namespace)
                if host in names and (not d.subset or (host, d.subset) in subsets):
                    gws = ", ".join(vs.gateways or (mt.MESH_GATEWAY,))
                    weight = f", weight {d.weight}" if d.weight is not None else ""
                    rows.append((f"VirtualService {vs.key}", f"spec.http[{i}].route[{j}] sends {host}"
                                 f"{f' subset {d.subset}' if d.subset else ''} here (gateways {gws}{weight})"))
    return rows
