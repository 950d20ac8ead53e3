"""Calico NetworkPolicy / GlobalNetworkPolicy on a Calico cluster: default-tier all-Allow policies evaluated
through their exact NetworkPolicy translation; Deny/Pass, other tiers and other matches stay warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aksnet.io.calico_policy import selector, translate
from aksnet.io.cilium_policy import Untranslatable
from tests.conftest import run_cli


@pytest.mark.parametrize(("expr", "want"), [
    pytest.param("all()", {}, id="all"),
    pytest.param("app == 'db'", {"matchLabels": {"app": "db"}}, id="equals"),
    pytest.param("app == 'db' && tier != \"x\"", {"matchLabels": {"app": "db"}, "matchExpressions": [
        {"key": "tier", "operator": "NotIn", "values": ["x"]}]}, id="and-not-equals"),
    pytest.param("has(role) && !has(legacy)", {"matchExpressions": [{"key": "role", "operator": "Exists"},
                                                                  {"key": "legacy", "operator": "DoesNotExist"}]},
                 id="has"),
    pytest.param("env in {'prod', 'stage'}", {"matchExpressions": [{"key": "env", "operator": "In",
                                                                    "values": ["prod", "stage"]}]}, id="in"),
    pytest.param("env not in {'dev'}", {"matchExpressions": [{"key": "env", "operator": "NotIn",
                                                              "values": ["dev"]}]}, id="not-in"),
])
def test_selector(expr: str, want: dict[str, Any]) -> None:
    assert selector(expr) == want


@pytest.mark.parametrize("expr", ["a == 'x' || b == 'y'", "(a == 'x')", "name starts with 'a'"])
def test_selector_untranslatable(expr: str) -> None:
    with pytest.raises(Untranslatable):
        selector(expr)


def calico(spec: dict[str, Any], kind: str = "NetworkPolicy") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "p", "namespace": "prod"} if kind == "NetworkPolicy" else {"name": "p"}
    return {"apiVersion": "projectcalico.org/v3", "kind": kind, "metadata": meta, "spec": spec}


def test_allow_policy_translation() -> None:
    doc = calico({"selector": "app == 'db'", "order": 100, "types": ["Ingress"], "ingress": [
        {"action": "Log"},
        {"action": "Allow", "protocol": "TCP", "source": {"selector": "app == 'web'"},
         "destination": {"ports": [5432, "6000:6010"]}},
        {"action": "Allow", "source": {"nets": ["10.0.0.0/8"]}}]})
    policies, notes = translate(doc, [])
    assert notes == []
    assert [p["metadata"] for p in policies] == [{"name": "calico:p", "namespace": "prod"}]
    assert policies[0]["spec"] == {
        "podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"], "egress": [],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                     "ports": [{"protocol": "TCP", "port": 5432}, {"protocol": "TCP", "port": 6000, "endPort": 6010}]},
                    {"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}


def test_global_policy_in_every_namespace() -> None:
    doc = calico({"selector": "all()", "types": ["Egress"], "egress": [
        {"action": "Allow", "protocol": "UDP", "destination": {"namespaceSelector": "kubernetes.io/metadata.name == "
                                                                                   "'kube-system'", "ports": [53]}}]},
                 "GlobalNetworkPolicy")
    policies, _ = translate(doc, ["a", "b"])
    assert [p["metadata"]["namespace"] for p in policies] == ["a", "b"]
    assert policies[0]["spec"]["egress"] == [{"to": [{"podSelector": {}, "namespaceSelector": {
        "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}], "ports": [{"protocol": "UDP", "port": 53}]}]


@pytest.mark.parametrize(("spec", "reason"), [
    pytest.param({"selector": "all()", "ingress": [{"action": "Deny"}]}, "Deny action", id="deny"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Pass"}]}, "Pass action", id="pass"),
    pytest.param({"tier": "security", "selector": "all()", "ingress": [{"action": "Allow"}]}, "tier", id="tier"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Allow", "source": {"notNets": ["1.2.3.0/24"]}}]},
                 "notNets", id="not-nets"),
    pytest.param({"selector": "all()", "ingress": [{"action": "Allow", "destination": {"ports": [80]}}]},
                 "ports without a protocol", id="ports-no-protocol"),
])
def test_untranslatable(spec: dict[str, Any], reason: str) -> None:
    with pytest.raises(Untranslatable, match=reason):
        translate(calico(spec), [])


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
