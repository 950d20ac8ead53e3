"""kubernetes.io/docs/concepts/services-networking/network-policies edge cases not covered by the e2e tables,
and every engine difference of learn.microsoft.com/azure/aks/use-network-policies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aksnet.engine.netpol import pair_conns, policy_verdict
from aksnet.errors import KubeError, UsageError
from aksnet.io.manifest_dir import cluster_state_from_documents
from aksnet.model.k8s import Pod
from aksnet.model.twin import ClusterState
from tests.netpol.model import e2e_cluster, e2e_documents, pod, pod_ip
from tests.netpol.test_upstream_e2e import np


def _with_hostnet(policies: str, engine: str) -> ClusterState:
    import yaml

    docs = e2e_documents() + [d for d in yaml.safe_load_all(policies) if d]
    docs.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"},
                 "status": {"addresses": [{"type": "InternalIP", "address": "10.224.0.4"}]}})
    docs.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-2"},
                 "status": {"addresses": [{"type": "InternalIP", "address": "10.224.0.5"}]}})
    return cluster_state_from_documents(docs, engine)


EGRESS_CIDR = np("egress-cidr", f"""
podSelector: {{matchLabels: {{pod: a}}}}
policyTypes: [Egress]
egress:
- to: [{{ipBlock: {{cidr: {pod_ip('y/b')}/32}}}}]
""")
ENDPORT = np("range", """
podSelector: {matchLabels: {pod: a}}
ingress:
- ports: [{port: 80, endPort: 81}]
""")
DENY_EGRESS_A = np("deny-egress", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]")
DENY_INGRESS_A = np("deny-ingress", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress]")


@pytest.mark.parametrize(("engine", "allowed"), [("upstream", True), ("azure", True), ("calico", True),
                                                 ("cilium", False), ("none", True)])
def test_ipblock_matching_pod_ip_per_engine(engine: str, allowed: bool) -> None:
    c = e2e_cluster(EGRESS_CIDR, engine)
    assert policy_verdict(c, pod(c, "x/a"), pod(c, "y/b"), 80, "TCP").allowed is allowed


@pytest.mark.parametrize(("engine", "allowed_81"), [("upstream", True), ("azure", False), ("calico", True),
                                                    ("cilium", True)])
def test_endport_per_engine(engine: str, allowed_81: bool) -> None:
    c = e2e_cluster(ENDPORT, engine)
    assert policy_verdict(c, pod(c, "y/b"), pod(c, "x/a"), 80, "TCP").allowed
    assert policy_verdict(c, pod(c, "y/b"), pod(c, "x/a"), 81, "TCP").allowed is allowed_81


@pytest.mark.parametrize(("engine", "allowed"), [("upstream", True), ("azure", True), ("calico", False),
                                                 ("cilium", False)])
def test_egress_to_own_node_per_engine(engine: str, allowed: bool) -> None:
    c = _with_hostnet(DENY_EGRESS_A, engine)
    v = policy_verdict(c, pod(c, "x/a"), "10.224.0.4", 10250, "TCP")
    assert v.allowed is allowed
    assert not policy_verdict(c, pod(c, "x/a"), "10.224.0.5", 10250, "TCP").allowed  # another node


@pytest.mark.parametrize("engine", ["upstream", "azure", "calico", "cilium"])
def test_ingress_from_own_node_always_allowed(engine: str) -> None:
    c = _with_hostnet(DENY_INGRESS_A, engine)
    assert policy_verdict(c, "10.224.0.4", pod(c, "x/a"), 80, "TCP").allowed
    v = policy_verdict(c, "10.224.0.5", pod(c, "x/a"), 80, "TCP")
    assert not v.allowed and "selected by x/deny-ingress" in v.ingress.reason


def test_none_engine_stores_but_does_not_enforce() -> None:
    c = e2e_cluster(DENY_INGRESS_A, "none")
    v = policy_verdict(c, pod(c, "y/b"), pod(c, "x/a"), 80, "TCP")
    assert v.allowed and not v.enforced and "not enforced" in v.deciding


def test_policy_types_inference() -> None:
    # egress section without policyTypes → Ingress+Egress; egress: [] → Ingress only.
    c = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\negress:\n- to: [{podSelector: {}}]"))
    assert c.network_policies[0].policy_types == ("Ingress", "Egress")
    c = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\negress: []"))
    assert c.network_policies[0].policy_types == ("Ingress",)


def test_explicit_egress_type_ignores_ingress_rules() -> None:
    c = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\ningress:\n- {}\n"
                            "egress:\n- {}"))
    assert policy_verdict(c, pod(c, "y/b"), pod(c, "x/a"), 80, "TCP").allowed  # ingress not isolated


def test_empty_ingress_list_vs_empty_rule() -> None:
    deny = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\ningress: []"))
    allow = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\ningress:\n- {}"))
    assert not policy_verdict(deny, pod(deny, "y/b"), pod(deny, "x/a"), 80).allowed
    assert policy_verdict(allow, "8.8.8.8", pod(allow, "x/a"), 80).allowed  # {} allows outside addresses too


def test_namespace_selector_empty_does_not_match_addresses() -> None:
    c = e2e_cluster(np("p", "podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{namespaceSelector: {}}]"))
    assert policy_verdict(c, pod(c, "z/c"), pod(c, "x/a"), 80).allowed
    assert not policy_verdict(c, "8.8.8.8", pod(c, "x/a"), 80).allowed


def test_rule_names_in_verdict() -> None:
    c = e2e_cluster(np("allow-b", "podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: "
                                  "{matchLabels: {pod: b}}}]\n  ports: [{port: 80}]"))
    v = policy_verdict(c, pod(c, "x/b"), pod(c, "x/a"), 80)
    assert [str(r) for r in v.ingress.allowing] == ["x/allow-b ingress rule #0"]
    v = policy_verdict(c, pod(c, "x/b"), pod(c, "x/a"), 9090)
    assert "allow only TCP 80, not TCP 9090" in v.ingress.reason


def test_loopback_never_blocked() -> None:
    c = e2e_cluster(np("deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]"))
    a = pod(c, "x/a")
    assert policy_verdict(c, a, a, 80).allowed


def test_hostnetwork_pod_not_selected_and_acts_as_node() -> None:
    c = _with_hostnet(np("deny", "podSelector: {}\npolicyTypes: [Ingress]"), "upstream")
    hn = Pod("x", "hn", {"pod": "a"}, node_name="node-1", host_ip="10.224.0.4", host_network=True)
    assert policy_verdict(c, pod(c, "y/b"), hn, 80).allowed  # not selected by the x policy
    assert policy_verdict(c, hn, pod(c, "x/a"), 80).allowed  # same node: always allowed


def test_sctp_isolates_but_only_allows_sctp() -> None:
    c = e2e_cluster(np("sctp", "podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{protocol: SCTP, port: 80}]"))
    conns = pair_conns(c, pod(c, "y/b"), pod(c, "x/a"))
    assert str(conns) == "SCTP 80"


@pytest.mark.parametrize(("peer", "message"), [
    ("{}", "must specify a peer"),
    ("{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}", "may not specify both ipBlock and another peer"),
])
def test_invalid_peers_rejected(peer: str, message: str) -> None:
    with pytest.raises(KubeError, match=message):
        e2e_cluster(np("bad", f"podSelector: {{}}\ningress:\n- from: [{peer}]"))


def test_unknown_engine_is_usage_error() -> None:
    c = e2e_cluster("")
    with pytest.raises(UsageError):
        policy_verdict(c, pod(c, "x/a"), pod(c, "x/b"), 80, engine="weave")


def test_named_port_never_matches_an_address() -> None:  # kubernetes.io network-policies
    c = e2e_cluster(np("named-out", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n"
                                    "- ports: [{port: serve-80-tcp}]"))
    assert policy_verdict(c, pod(c, "x/a"), pod(c, "y/b"), 80).allowed
    assert not policy_verdict(c, pod(c, "x/a"), "8.8.8.8", 80).allowed


def test_connections_are_directional() -> None:  # kubernetes.io network-policies: the matrix is about who initiates
    c = e2e_cluster(np("in", "podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: "
                             "{matchLabels: {pod: b}}}]") + np("in", "podSelector: {matchLabels: {pod: b}}\n"
                                                                     "policyTypes: [Ingress]", ns="x").replace(
        "name: in", "name: in-b"))
    assert policy_verdict(c, pod(c, "x/b"), pod(c, "x/a"), 80).allowed
    assert not policy_verdict(c, pod(c, "x/a"), pod(c, "x/b"), 80).allowed


@pytest.mark.parametrize(("engine", "enforced"), [("upstream", True), ("azure", False), ("calico", True),
                                                  ("cilium", True)])
# kubernetes.io network-policies / AKS engine profiles
def test_lb_ingress_enforcement_flag(engine: str, enforced: bool) -> None:
    from aksnet.engine.netpol import get_profile

    assert get_profile(engine).lb_ingress_enforced is enforced


@pytest.mark.parametrize(("op", "allowed_from_b"), [("Exists", True), ("DoesNotExist", False)])
def test_exists_operators(op: str, allowed_from_b: bool) -> None:  # kubernetes.io network-policies
    c = e2e_cluster(np("expr", f"podSelector: {{matchLabels: {{pod: a}}}}\ningress:\n- from: [{{podSelector: "
                               f"{{matchExpressions: [{{key: pod, operator: {op}}}]}}}}]"))
    assert policy_verdict(c, pod(c, "x/b"), pod(c, "x/a"), 80).allowed is allowed_from_b


@pytest.mark.parametrize(("engine", "policies", "fragment"), [
    ("azure", ENDPORT, "Azure NPM does not support endPort: x/range ingress rule #0 enforces only TCP 80, not 80-81"),
    ("cilium", EGRESS_CIDR, "Cilium doesn't allow traffic to or from pod or node IPs using ipBlock: 10.0.2.2/32"),
    ("upstream", ENDPORT, None),
], ids=["npm-endport", "cilium-ipblock-pods", "upstream-none"])
def test_engine_caveats(engine: str, policies: str, fragment: str | None) -> None:
    from aksnet.engine.netpol.classes import connectivity

    warnings = connectivity(e2e_cluster(policies, engine)).warnings
    if fragment is None:
        assert warnings == []
    else:
        assert any(fragment in w for w in warnings), warnings


def test_cilium_named_port_reuse_caveat() -> None:
    from aksnet.engine.netpol.caveats import engine_caveats
    from aksnet.engine.netpol.profiles import get_profile
    from aksnet.model.k8s import ContainerPort

    c = e2e_cluster(np("named", "podSelector: {}\ningress:\n- ports: [{port: web}]"), "cilium")
    pods = tuple(replace(p, ports=(ContainerPort(80 + i, "TCP", "web"),)) for i, p in enumerate(c.pods))
    warnings = engine_caveats(replace(c, pods=pods), get_profile("cilium"))
    assert any("named port web (TCP) maps to different numbers" in w for w in warnings)


@pytest.mark.parametrize(("engine", "target", "caveat"), [("upstream", "x/a", True), ("upstream", "y/a", False),
                                                          ("none", "x/a", False)])
# kubernetes.io network-policies
def test_explain_timing_caveat_when_isolated(engine: str, target: str, caveat: bool) -> None:
    from aksnet.analyses.explain import TIMING_CAVEAT, explain

    e = explain(e2e_cluster(DENY_INGRESS_A, engine), f"pod/{target}")
    assert (TIMING_CAVEAT in e.notes) is caveat


EGRESS_NODES = np("egress-nodes", """
podSelector: {matchLabels: {pod: a}}
policyTypes: [Egress]
egress:
- to: [{ipBlock: {cidr: 10.224.0.0/16}}]
""")


@pytest.mark.parametrize(("engine", "allowed"), [("upstream", True), ("azure", True), ("calico", True),
                                                 ("cilium", False)])
# kubernetes.io network-policies / AKS engine profiles
def test_ipblock_matching_node_ip_per_engine(engine: str, allowed: bool) -> None:
    c = _with_hostnet(EGRESS_NODES, engine)
    assert policy_verdict(c, pod(c, "x/a"), "10.224.0.5", 10250, "TCP").allowed is allowed  # the other node
    assert policy_verdict(c, pod(c, "x/a"), "10.225.0.5", 443, "TCP").allowed is False  # outside the block
