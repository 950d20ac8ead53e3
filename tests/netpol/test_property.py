"""Property: the class-based matrix agrees with pairwise ``pair_conns`` on random small clusters/policies:
three namespaces whose labels (and ``kubernetes.io/metadata.name``) come from the same keys as the pods', so
namespace and pod selectors (matchLabels and every operator) both match and miss; ipBlocks with except over
pod, node and outside addresses; numbered, named and endPort ports on TCP/UDP/SCTP; hostNetwork pods; both
directions; every engine (``AKSNET_PROPERTY_EXAMPLES`` examples, default 150). The workspace-level
counterpart (``matrix --path`` vs ``trace``) is tests/exposure/test_matrix_vs_trace.py."""

from __future__ import annotations

import json
import os
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnet.analyses.matrix import compute_matrix, stream_matrix
from aksnet.engine.netpol import pair_conns
from aksnet.engine.netpol.classes import connectivity
from aksnet.model.k8s import (
    ContainerPort,
    IPBlock,
    LabelSelector,
    LabelSelectorRequirement,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    NetworkPolicyRule,
    Node,
    Pod,
)
from aksnet.model.twin import ClusterState
from aksnet.render import connlist_txt

NS = ["x", "y", "z"]
NODE_IPS = {"n1": "10.224.0.4", "n2": "10.224.0.5"}
VALS = ["a", "b", "x", "y"]
NS_NAME = "kubernetes.io/metadata.name"
KEYS = ["app", "tier", NS_NAME]  # pods and namespaces draw labels from the same keys, so selectors bite on both
labels = st.dictionaries(st.sampled_from(["app", "tier"]), st.sampled_from(VALS), max_size=2)
selector = st.builds(
    LabelSelector, st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALS), max_size=2),
    st.lists(st.builds(LabelSelectorRequirement, st.sampled_from(KEYS),
                       st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
                       st.lists(st.sampled_from(VALS), min_size=1, max_size=2).map(tuple)), max_size=2).map(tuple))
ip_block = st.builds(IPBlock, st.sampled_from(["10.0.0.0/30", "10.0.0.0/24", "0.0.0.0/0", "8.8.8.0/24",
                                              "10.224.0.4/32"]),
                     st.sampled_from([(), ("10.0.0.2/32",), ("8.8.8.8/32",)]))
peer = st.one_of(
    st.builds(NetworkPolicyPeer, st.one_of(st.none(), selector), st.one_of(st.none(), selector)).filter(
        lambda p: p.pod_selector is not None or p.namespace_selector is not None),
    st.builds(NetworkPolicyPeer, st.none(), st.none(), ip_block))
port = st.one_of(
    st.builds(NetworkPolicyPort, st.sampled_from(["TCP", "UDP", "SCTP"]),
              st.one_of(st.none(), st.sampled_from([53, 80, 81, 443, 8080]), st.sampled_from(["http", "dns"]))),
    st.builds(NetworkPolicyPort, st.sampled_from(["TCP", "UDP"]), st.sampled_from([53, 80]),
              st.sampled_from([81, 90, 8080])))  # endPort only with a numeric port, as validation requires
rule = st.builds(NetworkPolicyRule, st.lists(peer, max_size=2).map(tuple), st.lists(port, max_size=2).map(tuple))
policy = st.builds(NetworkPolicy, st.sampled_from(NS), st.sampled_from(["p1", "p2", "p3"]), selector,
                   st.sampled_from([("Ingress",), ("Egress",), ("Ingress", "Egress")]),
                   st.lists(rule, max_size=2).map(tuple), st.lists(rule, max_size=2).map(tuple))
named = st.sampled_from([(), (ContainerPort(80, "TCP", "http"),), (ContainerPort(8080, "TCP", "http"),),
                         (ContainerPort(53, "UDP", "dns"), ContainerPort(81, "TCP", "http")),
                         (ContainerPort(53, "TCP", "dns"), ContainerPort(53, "UDP", "dns"))])


@st.composite
def clusters(draw: st.DrawFn) -> ClusterState:
    n = draw(st.integers(2, 5))
    pods = []
    for i in range(n):
        node = draw(st.sampled_from(["n1", "n2"]))
        if draw(st.integers(0, 4)) == 0:  # a hostNetwork pod: node traffic, never selected
            pods.append(Pod(draw(st.sampled_from(NS)), f"p{i}", draw(labels), node_name=node, host_network=True,
                            host_ip=NODE_IPS[node], pod_ip=NODE_IPS[node]))
        else:
            pods.append(Pod(draw(st.sampled_from(NS)), f"p{i}", draw(labels), pod_ip=f"10.0.0.{i + 1}",
                            node_name=node, host_ip=NODE_IPS[node], ports=draw(named)))
    nss = tuple(Namespace(ns, {**draw(labels), NS_NAME: ns}) for ns in NS)
    nodes = tuple(Node(name, ip) for name, ip in NODE_IPS.items())
    policies = tuple(draw(st.lists(policy, min_size=1, max_size=4)))
    return ClusterState(None, nss, nodes, tuple(pods), network_policies=policies)


EXAMPLES = int(os.environ.get("AKSNET_PROPERTY_EXAMPLES", "150"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.sampled_from(["upstream", "azure", "cilium", "calico"]), st.integers(0, 3))
def test_matrix_agrees_with_pairwise(cluster: ClusterState, engine: str, focus_ns: int) -> None:
    """Every member pair (own-node rules included), and the same answers when the matrix is built for the
    pairs touching one namespace only (``matrix --namespace``)."""
    cm = connectivity(cluster, engine)
    focus = NS[focus_ns] if focus_ns < len(NS) else None
    fm = connectivity(cluster, engine, keep=lambda c: any(p.namespace == focus for p in c.pods)) if focus else cm
    pod_ips = {p.pod_ip for p in cluster.pods} | set(NODE_IPS.values())
    members: list[tuple[int, Pod | str]] = []
    for c in cm.classes:
        if c.kind == "external":
            if c.ip not in pod_ips:  # an outside address, not one a pod or node has
                members.append((c.index, c.ip or ""))
        else:
            members += [(c.index, p) for p in c.pods]
    for si, src in members:
        for di, dst in members:
            if src is dst or (isinstance(src, str) and isinstance(dst, str)):
                continue  # loopback; address → address
            snode = src.node_name if isinstance(src, Pod) else None
            dnode = dst.node_name if isinstance(dst, Pod) else None
            want = pair_conns(cluster, src, dst, engine)
            assert cm.pod_conn(si, snode, di, dnode) == want, (src, dst)
            if focus and any(isinstance(x, Pod) and x.namespace == focus for x in (src, dst)):
                assert fm.pod_conn(si, snode, di, dnode) == want, ("focus", src, dst)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.sampled_from(["upstream", "azure", "cilium", "calico"]), st.data())
def test_text_rows_agree_with_the_lines(cluster: ClusterState, engine: str, data: st.DataObject) -> None:
    """``matrix -o txt`` written from row templates (MatrixStream.text_rows) is the text of the connections
    one by one: pods grouped into workloads (several classes in one group) or not, declared ports or all,
    every namespace filter."""
    owners = data.draw(st.lists(st.sampled_from([None, "w1", "w2"]), min_size=len(cluster.pods),
                                max_size=len(cluster.pods)))
    pods = tuple(replace(p, owner_kind="Deployment" if o else None, owner_name=o)
                 for p, o in zip(cluster.pods, owners))
    cluster = replace(cluster, pods=pods)
    by_pod, all_ports = data.draw(st.booleans()), data.draw(st.booleans())
    namespace = data.draw(st.sampled_from([None, *NS]))
    kw = {"pods": by_pod, "all_ports": all_ports, "namespace": namespace}
    want = "".join(f"{s} => {d} : {c}\n" for s, d, c in compute_matrix(cluster, engine, **kw).lines())
    assert connlist_txt.render_connlist(stream_matrix(cluster, engine, **kw)) == want
    # names and connection texts quoted as -o json/csv write them, once per distinct text
    quoted = "".join(f"{json.dumps(s)}:{json.dumps(d)}={json.dumps(c)};" for s, d, c in
                     compute_matrix(cluster, engine, **kw).lines())
    assert "".join(stream_matrix(cluster, engine, **kw).text_rows("{}:", "=", ";", json.dumps)) == quoted
    # the peers -o dot declares: read per distinct row, the same as from the lines
    names = {n for s, d, _ in compute_matrix(cluster, engine, **kw).lines() for n in (s, d)}
    assert stream_matrix(cluster, engine, **kw).line_names() == names
