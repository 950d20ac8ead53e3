"""Istio security findings (``aksnet lint`` adds them to its own): an AuthorizationPolicy that selects no pod with
a sidecar has no effect (AKSNET082: nothing enforces it — typically its namespace is not injected), and a STRICT
workload with clients outside the mesh (AKSNET083: pods without a sidecar in the cluster, or a LoadBalancer/
NodePort Service whose external clients are plaintext: their connections are reset). Each finding is
(code, resource, message, source); ``aksnet.analyses.lint`` turns them into warnings. Pure.

Sources: https://istio.io/latest/docs/reference/config/security/authorization-policy/ (enforced by the selected
workloads' proxies), https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/ (STRICT refuses
plaintext clients).
"""

from __future__ import annotations

from aksnet.analyses.lint_mesh_traffic import traffic_problems
from aksnet.engine import mesh
from aksnet.model import k8s
from aksnet.model import mesh as mesh_model
from aksnet.model.twin import ClusterState
from aksnet.rules import istio

Raw = tuple[str, str, str, str]
_MESH_NAMESPACES = ("kube-system", istio.SYSTEM_NAMESPACE, istio.INGRESS_NAMESPACE)


def _proxied(state: ClusterState) -> list[k8s.Pod]:
    return [p for p in state.pods if mesh.in_mesh(state.mesh, p) is not None]


def policies_without_effect(state: ClusterState) -> list[Raw]:
    """AuthorizationPolicies no sidecar or gateway enforces (AKSNET082)."""
    world = state.mesh
    proxied = _proxied(state)
    out = []
    for p in world.authorization_policies:
        if p.has_target_refs or any(p in mesh.applicable(world, pod) for pod in proxied):
            continue
        injected = any(pod.namespace == p.namespace for pod in proxied)
        selector = ",".join(f"{k}={v}" for k, v in p.selector or ())
        where = (f"no pod with a sidecar matches its selector {selector}" if injected else
                 f"namespace {p.namespace} has no pod with a sidecar (label it {istio.REVISION_LABEL}=<revision> "
                 "and restart its pods)")
        out.append(("AKSNET082", f"AuthorizationPolicy {p.key}",
                    f"AuthorizationPolicy {p.key} ({p.action}) has no effect: {where}",
                    "istio.io/latest/docs/reference/config/security/authorization-policy/"))
    return out


def _external_services(state: ClusterState, pod: k8s.Pod) -> list[str]:
    return [f"{s.namespace}/{s.name} ({s.type})" for s in state.services
            if s.type in ("LoadBalancer", "NodePort") and s.namespace == pod.namespace and s.selector
            and all(pod.labels.get(k) == v for k, v in s.selector.items())]


def strict_with_plaintext_clients(state: ClusterState) -> list[Raw]:
    """Workloads whose sidecar enforces STRICT while plaintext clients exist (AKSNET083)."""
    world = state.mesh
    outside = sorted(p.key for p in state.pods if not p.host_network and p.namespace not in _MESH_NAMESPACES
                     and mesh.in_mesh(world, p) is None)
    out = []
    seen: set[tuple[str, str]] = set()
    for pod in _proxied(state):
        own = mesh.in_mesh(world, pod)
        if own is None or own.router:
            continue
        served = any(s.selector and s.namespace == pod.namespace
                     and all(pod.labels.get(k) == v for k, v in s.selector.items()) for s in state.services)
        own_ports = sorted({c.container_port for c in pod.ports if c.container != istio.PROXY_CONTAINER})
        if not own_ports and not served:
            continue  # nothing says the workload serves anything (the proxy's own ports aside): a client only
        ports = own_ports or [0]
        strict = [m for m in (mesh.peer_mode(world, pod, port) for port in ports) if m.mode == mesh_model.STRICT]
        external = _external_services(state, pod)
        if not strict or not (outside or external):
            continue
        workload = f"{pod.namespace}/{pod.owner_name or pod.name}"
        if (workload, strict[0].policy or "") in seen:
            continue
        seen.add((workload, strict[0].policy or ""))
        clients = [*external[:2], *(f"pod {k}" for k in outside[:3])]
        more = f" and {len(outside) - 3} more pods" if len(outside) > 3 else ""
        out.append(("AKSNET083", f"workload {workload}",
                    f"{strict[0].describe()} for {workload}, but clients outside the mesh exist "
                    f"({', '.join(clients)}{more}): their plaintext connections are reset",
                    "istio.io/latest/docs/tasks/security/authentication/mtls-migration/"))
    return out


def mesh_problems(state: ClusterState) -> list[Raw]:
    traffic = traffic_problems(state)  # AKSNET084-087 (aksnet.analyses.lint_mesh_traffic)
    if not state.mesh.sidecars and not state.mesh.authorization_policies:
        return traffic
    return [*policies_without_effect(state), *strict_with_plaintext_clients(state), *traffic]
