"""Calico NetworkPolicy / GlobalNetworkPolicy / Tier and AdminNetworkPolicy / BaselineAdminNetworkPolicy on a
Calico cluster, evaluated as Calico does: tiers in order, policies in order, the first matching rule decides
(Allow, Deny, Pass to the next tier, Log goes on), end-of-tier default action, Kubernetes NetworkPolicies in the
default tier at order 1000 (https://docs.tigera.io/calico/latest/reference/resources/tier)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aksnet.io.calico_policy import translate
from aksnet.io.cilium_policy import Untranslatable
from aksnet.model.calico_selector import CalicoSelector
from tests.conftest import run_cli
from tests.importing.engine_cluster import cluster, matrix_agrees, verdict

Doc = dict[str, Any]


def gnp(name: str, spec: Doc) -> Doc:
    return {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy", "metadata": {"name": name},
            "spec": spec}


def cnp(name: str, ns: str, spec: Doc) -> Doc:
    return {"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def tier(name: str, order: int, default: str | None = None) -> Doc:
    spec: Doc = {"order": order}
    if default:
        spec["defaultAction"] = default
    return {"apiVersion": "projectcalico.org/v3", "kind": "Tier", "metadata": {"name": name}, "spec": spec}


def knp(name: str, ns: str, spec: Doc) -> Doc:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def anp(name: str, priority: int, spec: Doc) -> Doc:
    return {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
            "metadata": {"name": name}, "spec": {"priority": priority, **spec}}


def banp(spec: Doc) -> Doc:
    return {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "BaselineAdminNetworkPolicy",
            "metadata": {"name": "default"}, "spec": spec}


DB = "projectcalico.org/namespace == 'prod' && app == 'db'"
ALLOW_ALL_DB = knp("db-all", "prod", {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{}]})
DB_FROM_WEB = knp("db-web", "prod", {"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [
    {"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"protocol": "TCP", "port": 5432}]}]})
PROD = {"namespaces": {"matchLabels": {"env": "prod"}}}
FROM_DEV = [{"namespaces": {"matchLabels": {"env": "dev"}}}]

# (policies, flows: (src, dst, port, allowed))
ROWS = [
    pytest.param([gnp("deny-dev", {"order": 10, "selector": DB, "ingress": [
        {"action": "Deny", "source": {"namespaceSelector": "env == 'dev'"}}]}), ALLOW_ALL_DB],
                 [("dev/tool", "prod/db", 5432, False), ("prod/web", "prod/db", 5432, True)],
                 id="deny-before-networkpolicy-allow"),
    pytest.param([gnp("allow-dev", {"order": 10, "selector": DB, "ingress": [
        {"action": "Allow", "protocol": "TCP", "source": {"namespaceSelector": "env == 'dev'"},
         "destination": {"ports": [5432]}}]}),
                  gnp("deny-all", {"order": 20, "selector": DB, "ingress": [{"action": "Deny"}]})],
                 [("dev/tool", "prod/db", 5432, True), ("dev/tool", "prod/db", 80, False),
                  ("prod/web", "prod/db", 5432, False)], id="order-allow-then-deny"),
    pytest.param([gnp("deny-all", {"order": 5, "selector": DB, "ingress": [{"action": "Deny"}]}),
                  gnp("allow-dev", {"order": 10, "selector": DB, "ingress": [{"action": "Allow"}]})],
                 [("dev/tool", "prod/db", 5432, False)], id="lower-order-first"),
    pytest.param([tier("security", 100), gnp("security.web-pass", {"tier": "security", "selector": DB, "ingress": [
        {"action": "Pass", "source": {"selector": "app == 'web'"}}, {"action": "Deny"}]}), DB_FROM_WEB],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 80, False),
                  ("dev/tool", "prod/db", 5432, False)], id="pass-to-next-tier"),
    pytest.param([tier("security", 100), gnp("security.dev-only", {"tier": "security", "selector": DB, "ingress": [
        {"action": "Allow", "source": {"namespaceSelector": "env == 'dev'"}}]})],
                 [("prod/web", "prod/db", 5432, False), ("dev/tool", "prod/db", 5432, True)],
                 id="end-of-tier-deny"),
    pytest.param([tier("security", 100, "Pass"), gnp("security.dev-only", {
        "tier": "security", "selector": DB, "ingress": [{"action": "Deny", "source": {"selector": "app == 'tool'"}}]})],
                 [("prod/web", "prod/db", 5432, True), ("dev/tool", "prod/db", 5432, False)],
                 id="tier-default-action-pass"),
    pytest.param([gnp("log-then-allow", {"selector": DB, "ingress": [
        {"action": "Log"}, {"action": "Allow", "source": {"selector": "app == 'web'"}}]})],
                 [("prod/web", "prod/db", 5432, True), ("dev/tool", "prod/db", 5432, False)],
                 id="log-decides-nothing"),
    pytest.param([gnp("not-nets", {"selector": DB, "ingress": [
        {"action": "Allow", "source": {"notNets": ["10.244.1.0/24"]}}]})],
                 [("prod/web", "prod/db", 5432, True), ("dev/tool", "prod/db", 5432, False)], id="not-nets"),
    pytest.param([gnp("not-selector", {"selector": DB, "ingress": [
        {"action": "Allow", "source": {"notSelector": "role == 'debug'"}}]})],
                 [("prod/web", "prod/db", 5432, True), ("dev/tool", "prod/db", 5432, False)], id="not-selector"),
    pytest.param([gnp("or-starts-with", {"selector": "app == 'db' || app starts with 'we'", "ingress": [
        {"action": "Allow", "source": {"selector": "app in {'web', 'x'} && !has(role)"}}]})],
                 [("prod/web", "prod/db", 5432, True), ("dev/tool", "prod/db", 5432, False),
                  ("dev/tool", "prod/web", 80, False)], id="selector-expressions"),
    pytest.param([cnp("same-ns", "prod", {"selector": "app == 'db'", "ingress": [
        {"action": "Allow", "source": {"selector": "app == 'tool'"}}]})],
                 [("dev/tool", "prod/db", 5432, False)], id="namespaced-selector-is-own-namespace"),
    pytest.param([cnp("other-ns", "prod", {"selector": "app == 'db'", "ingress": [
        {"action": "Allow", "source": {"selector": "app == 'tool'", "namespaceSelector": "env == 'dev'"}}]})],
                 [("dev/tool", "prod/db", 5432, True), ("prod/web", "prod/db", 5432, False)],
                 id="namespace-selector"),
    pytest.param([gnp("egress", {"selector": "app == 'web'", "types": ["Egress"], "egress": [
        {"action": "Deny", "destination": {"nets": ["203.0.113.0/24"]}}, {"action": "Allow"}]})],
                 [("prod/web", "203.0.113.5", 443, False), ("prod/web", "198.51.100.1", 443, True)],
                 id="egress-deny-nets"),
    pytest.param([gnp("not-ports", {"selector": DB, "ingress": [
        {"action": "Allow", "protocol": "TCP", "destination": {"notPorts": [22]}}]})],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 22, False)], id="not-ports"),
    pytest.param([gnp("named-port", {"selector": DB, "ingress": [
        {"action": "Allow", "protocol": "TCP", "destination": {"ports": ["pg", "6000:6010"]}}]})],
                 [("prod/web", "prod/db", 5432, True), ("prod/web", "prod/db", 6005, True),
                  ("prod/web", "prod/db", 80, False)], id="named-port-and-range"),
    pytest.param([gnp("icmp-only", {"selector": DB, "ingress": [{"action": "Allow", "protocol": "ICMP"}]})],
                 [("prod/web", "prod/db", 5432, False)], id="icmp-rule-allows-no-tcp"),
    pytest.param([gnp("udp-not", {"selector": DB, "ingress": [{"action": "Allow", "notProtocol": "UDP"}]})],
                 [("prod/web", "prod/db", 5432, True)], id="not-protocol"),
    pytest.param([gnp("egress-only", {"selector": "app == 'web'", "egress": [{"action": "Allow"}]})],
                 [("dev/tool", "prod/web", 80, True)], id="unset-types-egress-rules-only"),
    pytest.param([gnp("both", {"selector": "app == 'web'", "ingress": [{"action": "Allow", "source": {
        "selector": "app == 'db'"}}], "egress": [{"action": "Allow"}]})],
                 [("dev/tool", "prod/web", 80, False), ("prod/db", "prod/web", 80, True)],
                 id="unset-types-both-directions"),
    pytest.param([gnp("ns-selector", {"selector": "all()", "namespaceSelector": "env == 'dev'", "types": ["Egress"],
                                      "egress": [{"action": "Deny"}]})],
                 [("dev/tool", "prod/db", 5432, False), ("prod/web", "prod/db", 5432, True)],
                 id="global-policy-namespace-selector"),
    pytest.param([anp("deny-dev", 10, {"subject": PROD, "ingress": [
        {"name": "d", "action": "Deny", "from": FROM_DEV}]}), ALLOW_ALL_DB],
                 [("dev/tool", "prod/db", 5432, False), ("prod/web", "prod/db", 5432, True)],
                 id="anp-deny-beats-networkpolicy"),
    pytest.param([anp("pass-dev", 10, {"subject": PROD, "ingress": [
        {"name": "p", "action": "Pass", "from": FROM_DEV}]}),
                  anp("deny-dev", 20, {"subject": PROD, "ingress": [
                      {"name": "d", "action": "Deny", "from": FROM_DEV}]}),
                  ALLOW_ALL_DB],
                 [("dev/tool", "prod/db", 5432, True)], id="anp-pass-skips-lower-priority"),
    pytest.param([anp("allow-dev", 10, {"subject": PROD, "ingress": [
        {"name": "a", "action": "Allow", "from": FROM_DEV, "ports": [{"portNumber": {"protocol": "TCP",
                                                                                      "port": 5432}}]}]}),
                  DB_FROM_WEB],
                 [("dev/tool", "prod/db", 5432, True), ("dev/tool", "prod/db", 80, False)],
                 id="anp-allow-beats-networkpolicy"),
    pytest.param([banp({"subject": PROD, "ingress": [{"name": "d", "action": "Deny", "from": FROM_DEV}]})],
                 [("dev/tool", "prod/web", 80, False), ("prod/db", "prod/web", 80, True)], id="baseline-denies"),
    pytest.param([banp({"subject": PROD, "ingress": [{"name": "d", "action": "Deny", "from": FROM_DEV}]}),
                  ALLOW_ALL_DB],
                 [("dev/tool", "prod/db", 5432, True), ("dev/tool", "prod/web", 80, False)],
                 id="networkpolicy-beats-baseline"),
]


@pytest.mark.parametrize(("policies", "flows"), ROWS)
def test_calico_semantics(policies: list[Doc], flows: list[tuple[str, str, int, bool]]) -> None:
    state = cluster(policies, "calico")
    assert not [w for w in state.ignored_policies if "not evaluated" in w], state.ignored_policies
    got = [(src, dst, port, verdict(state, src, dst, port)) for src, dst, port, _ in flows]
    assert got == flows
    matrix_agrees(state)


@pytest.mark.parametrize(("expr", "labels", "want"), [
    pytest.param("all()", {}, True, id="all"),
    pytest.param("", {"a": "1"}, True, id="empty-is-all"),
    pytest.param("global()", {}, False, id="global-is-no-pod"),
    pytest.param("a != 'x'", {}, True, id="not-equal-absent"),
    pytest.param("a not in {'x'}", {}, True, id="not-in-absent"),
    pytest.param("a in {'x', 'y'}", {"a": "y"}, True, id="in"),
    pytest.param("a contains 'ell'", {"a": "hello"}, True, id="contains"),
    pytest.param("a ends with 'lo'", {"a": "hello"}, True, id="ends-with"),
    pytest.param("(a == '1' || b == '2') && !has(c)", {"b": "2", "c": ""}, False, id="parentheses-not-has"),
    pytest.param("a == '1' || b == '2' && c == '3'", {"a": "1"}, True, id="and-binds-tighter"),
])
def test_selector(expr: str, labels: dict[str, str], want: bool) -> None:
    assert CalicoSelector.parse(expr).matches(labels) is want


@pytest.mark.parametrize(("spec", "reason"), [
    pytest.param({"selector": "all()", "ingress": [{"action": "Allow", "destination": {"ports": [80]}}]},
                 "ports without protocol", id="ports-no-protocol"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Allow", "source": {"serviceAccounts": {}}}]},
                 "serviceAccounts", id="service-accounts"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Allow", "http": {"methods": ["GET"]}}]}, "http",
                 id="http"),
    pytest.param({"selector": "a == ", "ingress": []}, "invalid selector", id="bad-selector"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Reject"}]}, "action 'Reject'", id="bad-action"),
])
def test_not_evaluated(spec: Doc, reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason):
        translate(gnp("p", spec))


def test_host_endpoint_policy_has_no_effect_on_pods() -> None:
    policies, notes = translate(gnp("p", {"selector": "all()", "preDNAT": True, "applyOnForward": True,
                                          "ingress": [{"action": "Deny"}]}))
    assert policies == [] and "host endpoints only" in notes[0]


def test_deciding_rule_is_named(home: Path, tmp_path: Path) -> None:
    state = cluster([gnp("deny-dev", {"order": 10, "selector": DB, "ingress": [
        {"action": "Deny", "source": {"namespaceSelector": "env == 'dev'"}}]}), ALLOW_ALL_DB], "calico")
    from aksnet.engine.netpol import policy_verdict

    pods = {p.key: p for p in state.pods}
    v = policy_verdict(state, pods["dev/tool"], pods["prod/db"], 5432)
    assert "denied by GlobalNetworkPolicy deny-dev ingress rule #0" in v.deciding


def test_calico_policy_enforced_only_on_calico(home: Path, tmp_path: Path) -> None:
    d = tmp_path / "dir"
    d.mkdir()
    (d / "app.yaml").write_text("""
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: prod, labels: {app: db}}
spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}
status: {podIP: 10.0.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.6}
---
apiVersion: v1
kind: Pod
metadata: {name: batch, namespace: prod, labels: {app: batch}}
spec: {containers: [{name: b, image: busybox}]}
status: {podIP: 10.0.0.7}
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: prod}
spec:
  selector: app == 'db'
  ingress:
  - {action: Allow, protocol: TCP, source: {selector: app == 'web'}, destination: {ports: [5432]}}
""")
    r = run_cli("diff", "--engine1", "azure", "--engine2", "calico", str(d))
    assert r.code == 0, r.err
    assert "diff-type: removed, source: prod/batch[Pod], destination: prod/db[Pod]" in r.out
    assert ("diff-type: changed, source: prod/web[Pod], destination: prod/db[Pod], ref1: All Connections, "
            "ref2: TCP 5432") in r.out
    m = run_cli("matrix", "--from-dir", str(d), "--engine", "azure")
    assert "warning: NetworkPolicy prod/db-from-web: not enforced: this cluster's engine is Azure NPM" in m.err


@pytest.mark.parametrize(("policies", "unprotected"), [
    pytest.param([], True, id="no-policy"),
    pytest.param([gnp("dev-ingress", {"selector": "projectcalico.org/namespace == 'dev'", "ingress": [
        {"action": "Deny", "source": {"nets": ["203.0.113.0/24"]}}, {"action": "Pass"}]})], False,
                 id="calico-policy-applies"),
    pytest.param([anp("dev", 5, {"subject": {"namespaces": {"matchLabels": {"env": "dev"}}}, "ingress": [
        {"name": "d", "action": "Deny", "from": [{"namespaces": {"matchLabels": {"env": "prod"}}}]}]})], False,
                 id="admin-policy-applies"),
])
def test_lint_unprotected_namespace_counts_engine_policies(policies: list[Doc], unprotected: bool) -> None:
    """AKSNET021 (no ingress policy in a namespace) knows the engine's own policies."""
    from aksnet.analyses.lint import check_unprotected_namespaces
    from aksnet.model.twin import Twin

    state = cluster(policies, "calico")
    found = [f for f in check_unprotected_namespaces(Twin(), state) if f.resource == "namespace dev"]
    assert bool(found) is unprotected
