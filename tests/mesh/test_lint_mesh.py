"""lint's Istio findings (aksnet.analyses.lint_mesh): AKSNET082 an AuthorizationPolicy nothing enforces, AKSNET083
a STRICT workload with plaintext clients; AKSNET084-087 the traffic API (aksnet.analyses.lint_mesh_traffic)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aksnet.analyses.lint_mesh import mesh_problems
from aksnet.io.mesh_model import authorization_policy, peer_authentication
from aksnet.io.mesh_traffic_model import world
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


# -- Istio traffic API (aksnet.analyses.lint_mesh_traffic) ------------------------------------------------------
WEB_SVC = k8s.Service("foo", "web", selector={"app": "web"}, ports=(k8s.ServicePort(80, target_port=8080),))


def _vs(name: str, spec: dict[str, object]) -> dict[str, object]:
    return {"metadata": {"namespace": "foo", "name": name}, "spec": spec}


def _traffic_state(vss: list[dict[str, object]], drs: list[dict[str, object]], gws: list[dict[str, object]],
                   pas: list[dict[str, object]]) -> ClusterState:
    state = _state([WEB, CLIENT], list(pas), [], (WEB_SVC,))
    return replace(state, mesh=replace(state.mesh, traffic=world(vss, drs, [], gws)))


TO_V2 = {"hosts": ["web"], "http": [{"route": [{"destination": {"host": "web", "subset": "v2"}}]}]}
DR_V2 = {"metadata": {"namespace": "foo", "name": "web"},
         "spec": {"host": "web", "subsets": [{"name": "v2", "labels": {"version": "v2"}}]}}
DR_PLAIN = {"metadata": {"namespace": "foo", "name": "web"}, "spec": {"host": "web", "trafficPolicy": {
    "tls": {"mode": "DISABLE"}}}}
TRAFFIC_ROWS = [
    pytest.param([_vs("a", TO_V2)], [DR_V2], [], [], [], id="subset-defined"),
    pytest.param([_vs("a", TO_V2)], [], [], [], ["AKSNET086 VirtualService foo/a"], id="subset-without-rule"),
    pytest.param([_vs("a", TO_V2), _vs("b", TO_V2)], [DR_V2], [], [], ["AKSNET084 VirtualService foo/b"],
                 id="two-virtualservices-one-host"),
    pytest.param([], [DR_PLAIN], [], [STRICT_FOO], ["AKSNET085 DestinationRule foo/web"],
                 id="tls-disabled-to-strict"),
    pytest.param([], [DR_PLAIN], [], [], [], id="tls-disabled-permissive"),
    pytest.param([], [], [{"metadata": {"namespace": "foo", "name": "gw"},
                           "spec": {"selector": {"istio": "aks-istio-ingressgateway-external"}}}], [],
                 ["AKSNET087 Gateway foo/gw"], id="gateway-selects-nothing"),
    pytest.param([_vs("a", {"hosts": ["*"], "gateways": ["missing"]})], [], [], [],
                 ["AKSNET087 VirtualService foo/a"], id="bound-to-missing-gateway"),
]


@pytest.mark.parametrize(("vss", "drs", "gws", "pas", "want"), TRAFFIC_ROWS)
def test_traffic_lint(vss: list[dict[str, object]], drs: list[dict[str, object]], gws: list[dict[str, object]],
                      pas: list[dict[str, object]], want: list[str]) -> None:
    got = [f"{code} {res}" for code, res, _, _ in mesh_problems(_traffic_state(vss, drs, gws, pas))]
    assert got == want
