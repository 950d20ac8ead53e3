"""The dot rendering puts only ``ns/name[Kind]`` peers into namespace subgraphs: address ranges and
``matrix --path``'s internet client, VMs and load balancer frontends are outside the cluster."""

from __future__ import annotations

from aksnet.analyses.matrix import MatrixPeer, MatrixResult
from aksnet.engine.netpol.conns import ALL, conns
from aksnet.render.connlist_dot import render_connlist


def test_non_cluster_peers_are_not_namespaces() -> None:
    web = MatrixPeer("default/web[Deployment]", "workload", "default", "default/web")
    peers = [MatrixPeer("internet/198.51.100.10", "extra"), MatrixPeer("vm/vm1", "extra"),
             MatrixPeer("lb/kubernetes/a0f3[20.81.0.2]", "extra"), MatrixPeer("0.0.0.0-255.255.255.255[External]",
                                                                            "external")]
    result = MatrixResult("upstream", True, [(web, p, ALL) for p in peers] + [(peers[0], web, conns("TCP", 80))])
    out = render_connlist(result)
    assert [line.strip() for line in out.splitlines() if "subgraph" in line] == ['subgraph "cluster_default" {']
    for p in peers:
        assert f'\t"{p.name}" [label="{p.name}" color="red2" fontcolor="red2"]' in out
    assert '\t\t"default/web[Deployment]" [label="web[Deployment]" color="blue" fontcolor="blue"]' in out
