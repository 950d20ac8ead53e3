"""CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy on a Cilium cluster, evaluated as Cilium does: allow rules
add up with the NetworkPolicies', deny rules win, default-deny per direction (``enableDefaultDeny``), entities,
CIDR rules for outside addresses only, ``toPorts`` (https://docs.cilium.io/en/stable/security/policy/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aksnet.io.cilium_policy import Untranslatable, translate
from tests.conftest import run_cli
from tests.importing.engine_cluster import cluster, matrix_agrees, verdict

DUMP = Path(__file__).resolve().parent / "dump"
Doc = dict[str, Any]


def cnp(spec: Doc, kind: str = "CiliumNetworkPolicy", ns: str = "prod") -> Doc:
    meta: Doc = {"name": "p"} if kind != "CiliumNetworkPolicy" else {"name": "p", "namespace": ns}
    return {"apiVersion": "cilium.io/v2", "kind": kind, "metadata": meta, "spec": spec}


DB = {"matchLabels": {"k8s:app": "db"}}
WEB = {"matchLabels": {"app": "web"}}
TCP_5432 = [{"ports": [{"port": "5432", "protocol": "TCP"}]}]
KNP_ALLOW_ALL = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                 "metadata": {"name": "all", "namespace": "prod"},
                 "spec": {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{}]}}

ROWS = [
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [WEB], "toPorts": TCP_5432}]})],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 80, False),
                  ("dev/tool", "prod/db", 5432, False)], id="allow-endpoints-and-port"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [{"matchLabels": {"app": "tool"}}]}]})],
                 [("dev/tool", "prod/db", 5432, False)], id="endpoints-are-the-policys-namespace"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [
        {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "dev", "app": "tool"}}]}]})],
                 [("dev/tool", "prod/db", 5432, True), ("prod/web", "prod/db", 5432, False)],
                 id="endpoints-of-a-named-namespace"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [
        {"matchLabels": {"io.cilium.k8s.namespace.labels.env": "dev"}}]}]})],
                 [("dev/tool", "prod/db", 5432, False)], id="namespace-labels-stay-in-the-policys-namespace"),
    pytest.param([cnp({"endpointSelector": {"matchLabels": {"app": "db", "io.kubernetes.pod.namespace": "prod"}},
                       "ingress": [{"fromEndpoints": [
                           {"matchLabels": {"io.cilium.k8s.namespace.labels.env": "dev"}}]}]},
                      "CiliumClusterwideNetworkPolicy")],
                 [("dev/tool", "prod/db", 5432, True), ("prod/web", "prod/db", 5432, False)],
                 id="clusterwide-namespace-labels"),
    pytest.param([cnp({"endpointSelector": DB, "ingressDeny": [{"fromEndpoints": [
        {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "dev"}}]}], "ingress": [{"fromEntities": ["all"]}]})],
                 [("dev/tool", "prod/db", 5432, False), ("prod/web", "prod/db", 5432, True)],
                 id="deny-beats-allow"),
    pytest.param([cnp({"endpointSelector": DB, "ingressDeny": [{"fromEndpoints": [WEB], "toPorts": TCP_5432}]}),
                  KNP_ALLOW_ALL],
                 [("prod/web", "prod/db", 5432, False), ("prod/web", "prod/db", 80, True),
                  ("dev/tool", "prod/db", 5432, True)], id="deny-beats-networkpolicy-allow"),
    pytest.param([cnp({"endpointSelector": DB, "ingressDeny": [{"fromEndpoints": [WEB]}]})],
                 [("prod/web", "prod/db", 5432, False), ("dev/tool", "prod/db", 5432, False)],
                 id="deny-policy-enables-default-deny"),
    pytest.param([cnp({"endpointSelector": DB, "enableDefaultDeny": {"ingress": False},
                       "ingressDeny": [{"fromEndpoints": [WEB]}]})],
                 [("prod/web", "prod/db", 5432, False), ("dev/tool", "prod/db", 5432, True)],
                 id="default-deny-off"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toCIDRSet": [
        {"cidr": "203.0.113.0/24", "except": ["203.0.113.128/25"]}]}]})],
                 [("prod/web", "203.0.113.5", 443, True), ("prod/web", "203.0.113.200", 443, False)],
                 id="cidr-set-except"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toCIDR": ["10.244.0.0/16"]}]})],
                 [("prod/web", "prod/db", 5432, False)], id="cidr-never-matches-pods"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toEntities": ["world"]}]})],
                 [("prod/web", "198.51.100.1", 443, True), ("prod/web", "prod/db", 5432, False)], id="world"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toEntities": ["cluster"]}]})],
                 [("prod/web", "dev/tool", 80, True), ("prod/web", "198.51.100.1", 443, False),
                  ("prod/web", "10.224.0.5", 10250, True)], id="cluster"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toEntities": ["remote-node"]}]})],
                 [("prod/web", "10.224.0.5", 10250, True), ("prod/web", "10.224.0.4", 10250, False)],
                 id="remote-node"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toEntities": ["host"]}]})],
                 [("prod/web", "10.224.0.4", 10250, True), ("prod/web", "10.224.0.5", 10250, False)], id="host"),
    pytest.param([cnp({"endpointSelector": WEB, "egress": [{"toPorts": [{"ports": [{"port": "53",
                                                                                     "protocol": "ANY"}]}]}]})],
                 [("prod/web", "198.51.100.1", 53, True), ("prod/web", "198.51.100.1", 443, False)],
                 id="ports-only-any-protocol"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{}]})],
                 [("prod/web", "prod/db", 5432, False)], id="empty-rule-is-default-deny"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": []})],
                 [("prod/web", "prod/db", 5432, True)], id="empty-list-has-no-effect"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [WEB], "toPorts": [
        {"ports": [{"port": "pg", "protocol": "TCP"}]}]}]})],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 80, False)], id="named-port"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [WEB], "toPorts": [
        {"ports": [{"port": "5000", "endPort": 5500, "protocol": "TCP"}]}]}]})],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 5501, False)], id="end-port"),
    pytest.param([cnp({"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "dev"}},
                       "egress": [{"toEntities": ["world"]}]}, "CiliumClusterwideNetworkPolicy")],
                 [("dev/tool", "prod/db", 5432, False), ("prod/web", "prod/db", 5432, True)],
                 id="clusterwide-selects-by-namespace"),
    pytest.param([cnp({"endpointSelector": DB, "ingress": [{"fromEndpoints": [WEB], "icmps": [
        {"fields": [{"type": 8}]}]}]})],
                 [("prod/web", "prod/db", 5432, False)], id="icmp-rule-allows-no-tcp"),
]


@pytest.mark.parametrize(("policies", "flows"), ROWS)
def test_cilium_semantics(policies: list[Doc], flows: list[tuple[str, str, int, bool]]) -> None:
    state = cluster(policies, "cilium")
    assert not [w for w in state.ignored_policies if "not evaluated" in w], state.ignored_policies
    got = [(src, dst, port, verdict(state, src, dst, port, "UDP" if port == 53 else "TCP"))
           for src, dst, port, _ in flows]
    assert got == flows
    matrix_agrees(state)


@pytest.mark.parametrize(("spec", "reason"), [
    pytest.param({"endpointSelector": DB, "egress": [{"toFQDNs": [{"matchName": "x.example.com"}]}]}, "toFQDNs",
                 id="fqdn"),
    pytest.param({"endpointSelector": DB, "egress": [{"toServices": [{"k8sService": {"serviceName": "x"}}]}]},
                 "toServices", id="services"),
    pytest.param({"endpointSelector": DB, "ingress": [{"fromEntities": ["galaxy"]}]}, "entity 'galaxy'",
                 id="unknown-entity"),
    pytest.param({"nodeSelector": {}, "ingress": []}, "nodeSelector", id="host-policy"),
])
def test_not_evaluated(spec: Doc, reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason):
        translate(cnp(spec))


def test_l7_rules_keep_their_ports_with_a_note() -> None:
    doc = cnp({"endpointSelector": DB, "ingress": [{"toPorts": [{"ports": [{"port": "80", "protocol": "TCP"}],
                                                                 "rules": {"http": [{"method": "GET"}]}}]}]})
    policies, notes = translate(doc)
    assert [p.port for p in policies[0].ingress[0].ports] == [80]
    assert notes == ["its L7 rules are not evaluated (their L4 ports are)"]


def test_cilium_engine_enforces_the_dumps_cilium_policy(home: Path) -> None:
    """The fixture's CiliumNetworkPolicy lets frontend reach api on TCP 80: only where Cilium enforces it."""
    r = run_cli("diff", "--engine1", "calico", "--engine2", "cilium", str(DUMP))
    assert r.code == 0, r.err
    assert ("diff-type: added, source: production/frontend[Deployment], destination: production/api[Deployment], "
            "ref1: No Connections, ref2: TCP 80") in r.out
