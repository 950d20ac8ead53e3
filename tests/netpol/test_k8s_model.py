"""Kubernetes documents → model: defaults (protocol TCP, policyTypes, named ports, namespace name label),
workloads of plain manifest directories → representative pods named like netpol-analyzer's peers."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.io import k8s_model
from aksnet.io.manifest_dir import cluster_state_from_documents
from tests.conftest import run_cli


def _deploy(name: str, kind: str = "Deployment", **meta: object) -> dict:  # type: ignore[type-arg]
    tpl = {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "ports": [
        {"containerPort": 8080, "name": "http"}]}]}}
    spec: dict = {"template": tpl}  # type: ignore[type-arg]
    if kind == "CronJob":
        spec = {"jobTemplate": {"spec": {"template": tpl}}}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": name, "namespace": "app", **meta},
            "spec": spec}


@pytest.mark.parametrize(("kind",), [("Deployment",), ("StatefulSet",), ("DaemonSet",), ("ReplicaSet",), ("Job",),
                                     ("CronJob",)])
def test_workload_becomes_one_pod(kind: str) -> None:
    pods = k8s_model.workload_pods([_deploy("web", kind)])
    assert len(pods) == 1
    p = pods[0]
    assert (p.namespace, p.owner_kind, p.owner_name, dict(p.labels)) == ("app", kind, "web", {"app": "web"})
    assert p.ports[0].protocol == "TCP" and p.ports[0].name == "http"


def test_replicaset_owned_by_deployment_is_not_duplicated() -> None:
    rs = _deploy("web-5d8f", "ReplicaSet", ownerReferences=[{"kind": "Deployment", "name": "web", "controller": True}])
    pods = k8s_model.workload_pods([_deploy("web"), rs])
    assert [(p.owner_kind, p.owner_name) for p in pods] == [("Deployment", "web")]


def test_real_pods_win_over_templates_and_resolve_top_owner() -> None:
    rs = _deploy("web-5d8f", "ReplicaSet", ownerReferences=[{"kind": "Deployment", "name": "web", "controller": True}])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-5d8f-x", "namespace": "app",
                                                          "labels": {"app": "web"},
                                                          "ownerReferences": [{"kind": "ReplicaSet",
                                                                               "name": "web-5d8f"}]},
           "spec": {"containers": []}, "status": {"podIP": "10.244.0.5"}}
    pods = k8s_model.workload_pods([_deploy("web"), rs, pod])
    assert [(p.name, p.owner_kind, p.owner_name, p.pod_ip) for p in pods] == [
        ("web-5d8f-x", "Deployment", "web", "10.244.0.5")]


def test_policy_defaults() -> None:
    np = k8s_model.network_policy({"metadata": {"name": "p"}, "spec": {"ingress": [{"ports": [
        {"port": "http"}, {"port": "8080"}, {"protocol": "udp", "port": 53, "endPort": 60}]}]}})
    assert np.namespace == "default" and np.policy_types == ("Ingress",)
    assert [(p.protocol, p.port, p.end_port) for p in np.ingress[0].ports] == [
        ("TCP", "http", None), ("TCP", 8080, None), ("UDP", 53, 60)]


def test_namespace_name_label_injected() -> None:
    cs = cluster_state_from_documents([{"kind": "Namespace", "metadata": {"name": "a", "labels": {"x": "1"}}},
                                       _deploy("web")])
    labels = {n.name: dict(n.labels) for n in cs.namespaces}
    assert labels["a"] == {"x": "1", "kubernetes.io/metadata.name": "a"}
    assert labels["app"] == {"kubernetes.io/metadata.name": "app"}  # implied by the Deployment


def test_bad_selector_operator_is_a_kube_error(tmp_path: Path, home: Path) -> None:
    (tmp_path / "p.yaml").write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                                     "spec:\n  podSelector:\n    matchExpressions: [{key: a, operator: Maybe}]\n")
    r = run_cli("matrix", "--from-dir", str(tmp_path))
    assert r.code == 1 and 'operator: Invalid value: "Maybe": not a valid selector operator' in r.err


def test_malformed_yaml_is_reported_not_traced(tmp_path: Path, home: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: Pod\nmetadata: {name: [\n")
    r = run_cli("matrix", "--from-dir", str(tmp_path))
    assert r.code == 1 and "error parsing" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize(("port", "message"), [
    ("{protocol: ICMP, port: 80}", 'Unsupported value: "ICMP"'),
    ("{port: http, endPort: 90}", "endPort"),
    ("{port: 90, endPort: 80}", "endPort"),
], ids=["icmp", "endport-with-named-port", "endport-below-port"])
def test_invalid_policy_ports_rejected_like_the_api_server(port: str, message: str, tmp_path: Path,
                                                          home: Path) -> None:
    (tmp_path / "p.yaml").write_text("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
                                     f"spec:\n  podSelector: {{}}\n  ingress:\n  - ports: [{port}]\n")
    r = run_cli("matrix", "--from-dir", str(tmp_path))
    assert r.code == 1 and 'The NetworkPolicy "p" is invalid' in r.err and message in r.err, r.err
