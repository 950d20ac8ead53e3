"""kube-proxy: DNAT, endpoint choice under internal/external traffic policy, REJECT/DROP, source ranges,
masquerade (kubernetes.io/docs/reference/networking/virtual-ips)."""

from __future__ import annotations

import pytest

from aksnet.engine.addressing import Topology
from aksnet.engine.kube_proxy import intercept
from aksnet.model import k8s
from aksnet.model.twin import ClusterState, Twin

N0, N1 = "node0", "node1"


def _topo(itp: str = "Cluster", etp: str = "Cluster", endpoints: bool = True, ranges: tuple[str, ...] = (),
          on: tuple[str, ...] = (N0, N1)) -> Topology:
    nodes = (k8s.Node(N0, "10.0.0.4", "10.244.0.0/24"), k8s.Node(N1, "10.0.0.5", "10.244.1.0/24"))
    pods = tuple(k8s.Pod("default", f"web-{i}", {"app": "web"}, node_name=n, pod_ip=f"10.244.{i}.2",
                         ports=(k8s.ContainerPort(8080, name="http"),)) for i, n in enumerate((N0, N1)) if n in on)
    svc = k8s.Service("default", "web", "LoadBalancer", "10.96.0.10",
                      (k8s.ServicePort(80, "TCP", "http", "http", 30080),), {"app": "web"},
                      external_traffic_policy=etp, internal_traffic_policy=itp, load_balancer_ingress=("20.1.2.3",),
                      load_balancer_source_ranges=ranges, external_ips=("192.0.2.9",))
    eps = tuple(k8s.Endpoint(p.pod_ip or "", node_name=p.node_name, pod=p.key) for p in pods) if endpoints else ()
    sl = k8s.EndpointSlice("default", "web-x", "web", eps, (k8s.EndpointPort(8080, name="http"),))
    state = ClusterState(None, nodes=nodes, pods=pods, services=(svc,), endpoint_slices=(sl,))
    return Topology.build(Twin(clusters=(state,)))


CASES = [
    # id, topo kwargs, node, src, dst, port, external, action, backend ip, masquerade
    ("clusterip-dnat", {}, N0, "10.244.0.9", "10.96.0.10", 80, False, "DNAT", "10.244.0.2", False),
    ("clusterip-named-target-port", {}, N1, "10.244.1.9", "10.96.0.10", 80, False, "DNAT", "10.244.0.2", False),
    ("clusterip-wrong-port-reject", {}, N0, "10.244.0.9", "10.96.0.10", 81, False, "REJECT", None, False),
    ("no-endpoints-reject", {"endpoints": False}, N0, "10.244.0.9", "10.96.0.10", 80, False, "REJECT", None, False),
    ("itp-local-uses-local", {"itp": "Local"}, N1, "10.244.1.9", "10.96.0.10", 80, False, "DNAT", "10.244.1.2",
     False),
    ("itp-local-no-local-drop", {"itp": "Local", "on": (N0,)}, N1, "10.244.1.9", "10.96.0.10", 80, False, "DROP",
     None, False),
    ("nodeport-etp-cluster-masq", {}, N1, "203.0.113.7", "10.0.0.5", 30080, True, "DNAT", "10.244.0.2", True),
    ("nodeport-etp-local-keeps-client", {"etp": "Local"}, N1, "203.0.113.7", "10.0.0.5", 30080, True, "DNAT",
     "10.244.1.2", False),
    ("lb-etp-local-no-local-drop", {"etp": "Local", "on": (N0,)}, N1, "203.0.113.7", "20.1.2.3", 80, True, "DROP",
     None, False),
    ("lb-from-pod-short-circuit", {"etp": "Local", "on": (N0,)}, N1, "10.244.1.9", "20.1.2.3", 80, False, "DNAT",
     "10.244.0.2", False),
    ("lb-source-range-drop", {"ranges": ("198.51.100.0/24",)}, N0, "203.0.113.7", "20.1.2.3", 80, True, "DROP",
     None, False),
    ("lb-source-range-allow", {"ranges": ("203.0.113.0/24",)}, N0, "203.0.113.7", "20.1.2.3", 80, True, "DNAT",
     "10.244.0.2", True),
    ("external-ip-dnat", {}, N0, "203.0.113.7", "192.0.2.9", 80, True, "DNAT", "10.244.0.2", True),
    ("no-service-pass", {}, N0, "10.244.0.9", "10.0.0.5", 22, False, "PASS", None, False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_intercept(case: tuple) -> None:  # type: ignore[type-arg]
    _, kw, node, src, dst, port, external, action, backend, masq = case
    d = intercept(_topo(**kw), node, src, dst, port, "TCP", external)
    assert d.action == action, d.rule
    assert (d.backend.ip if d.backend else None) == backend
    if d.backend:
        assert d.backend.port == 8080
    assert d.masquerade is masq
