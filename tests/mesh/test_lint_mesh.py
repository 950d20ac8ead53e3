"""lint's Istio findings (aksnet.analyses.lint_mesh): AKSNET082 an AuthorizationPolicy nothing enforces, AKSNET083
a STRICT workload with plaintext clients."""

from __future__ import annotations

import pytest

from aksnet.analyses.lint_mesh import mesh_problems
from aksnet.io.mesh_model import authorization_policy, peer_authentication
from aksnet.model import k8s
from aksnet.model import mesh as m
from aksnet.model.twin import ClusterState

WEB = k8s.Pod("foo", "web-1", {"app": "web"}, pod_ip="10.244.0.5", owner_kind="Deployment", owner_name="web",
              ports=(k8s.ContainerPort(8080, container="web"),))
CLIENT = k8s.Pod("foo", "client-1", {"app": "client"}, pod_ip="10.244.0.6",
                 ports=(k8s.ContainerPort(15090, container="istio-proxy"),))
LEGACY = k8s.Pod("legacy", "curl-1", {"app": "curl"}, pod_ip="10.244.0.7")
STRICT_FOO = {"metadata": {"namespace": "foo", "name": "default"}, "spec": {"mtls": {"mode": "STRICT"}}}


def _state(pods: list[k8s.Pod], pas: list[dict[str, object]], aps: list[dict[str, object]],
           services: tuple[k8s.Service, ...] = ()) -> ClusterState:
    sidecars = tuple(m.Sidecar(p.key) for p in pods if p.namespace == "foo")
    world = m.MeshWorld("aks-istio-system", tuple(peer_authentication(d) for d in pas),
                        tuple(authorization_policy(d) for d in aps), sidecars)
    return ClusterState(None, pods=tuple(pods), services=services, mesh=world)


LB = k8s.Service("foo", "web", "LoadBalancer", selector={"app": "web"})
ROWS = [
    pytest.param([WEB, CLIENT], [STRICT_FOO], [], (), [], id="strict-all-in-mesh"),
    pytest.param([WEB, CLIENT, LEGACY], [STRICT_FOO], [], (), ["AKSNET083 workload foo/web"],
                 id="strict-with-plaintext-pod"),
    pytest.param([WEB, CLIENT], [STRICT_FOO], [], (LB,), ["AKSNET083 workload foo/web"],
                 id="strict-behind-load-balancer"),
    pytest.param([WEB, CLIENT, LEGACY], [], [], (), [], id="permissive-is-fine"),
    pytest.param([WEB, LEGACY], [], [{"metadata": {"namespace": "legacy", "name": "p"}, "spec": {}}], (),
                 ["AKSNET082 AuthorizationPolicy legacy/p"], id="policy-in-uninjected-namespace"),
    pytest.param([WEB], [], [{"metadata": {"namespace": "foo", "name": "p"},
                              "spec": {"selector": {"matchLabels": {"app": "nothing"}}}}], (),
                 ["AKSNET082 AuthorizationPolicy foo/p"], id="policy-selecting-nothing"),
    pytest.param([WEB], [], [{"metadata": {"namespace": "foo", "name": "p"},
                              "spec": {"selector": {"matchLabels": {"app": "web"}}}}], (), [], id="policy-enforced"),
]


@pytest.mark.parametrize(("pods", "pas", "aps", "services", "want"), ROWS)
def test_mesh_lint(pods: list[k8s.Pod], pas: list[dict[str, object]], aps: list[dict[str, object]],
                   services: tuple[k8s.Service, ...], want: list[str]) -> None:
    got = [f"{code} {res}" for code, res, _, _ in mesh_problems(_state(pods, pas, aps, services))]
    assert got == want
