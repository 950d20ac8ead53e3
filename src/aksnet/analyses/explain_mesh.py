"""What Istio applies to a workload, for ``aksnet explain``: its proxy and identity, the PeerAuthentication mode
on each of its ports (and the policy that sets it), and the AuthorizationPolicies its sidecar enforces, in the
order Istio evaluates them (CUSTOM, DENY, ALLOW, AUDIT). Pure; rows of (subject, detail), no layout.

Sources: https://istio.io/latest/docs/reference/config/security/peer_authentication/,
https://istio.io/latest/docs/reference/config/security/authorization-policy/.
"""

from __future__ import annotations

from aksnet.engine import mesh
from aksnet.model import k8s
from aksnet.model import mesh as mesh_model
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
    return rows
