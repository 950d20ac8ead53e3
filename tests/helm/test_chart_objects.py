"""The ingress-nginx chart renders what the real chart (4.15.1) renders for the values given: RBAC, the admission
webhook and its hook Jobs, the PodDisruptionBudget, the metrics Service, the tcp/udp ConfigMaps and ports; values
it does not have or aksnet does not emulate are named on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from aksnet.twin.helm.charts import ingress_nginx, ingress_nginx_values
from tests.conftest import run_cli


def _template(*sets: str) -> tuple[list[dict[str, Any]], str]:
    assert run_cli("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx").code == 0
    args = ["helm", "template", "ing", "ingress-nginx/ingress-nginx", "-n", "edge"]
    for s in sets:
        args += ["--set", s]
    r = run_cli(*args)
    assert r.code == 0, r.err
    return [d for d in yaml.safe_load_all(r.out) if d], r.err


def _kinds(docs: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(d["kind"], d["metadata"]["name"]) for d in docs]


# (id, --set values, (kind, name) present, (kind, name) absent)
OBJECTS = [
    ("defaults", (), [("ClusterRole", "ing-ingress-nginx"), ("ClusterRoleBinding", "ing-ingress-nginx"),
                      ("Role", "ing-ingress-nginx"), ("RoleBinding", "ing-ingress-nginx"),
                      ("ValidatingWebhookConfiguration", "ing-ingress-nginx-admission"),
                      ("Job", "ing-ingress-nginx-admission-create"), ("Job", "ing-ingress-nginx-admission-patch")],
     [("PodDisruptionBudget", "ing-ingress-nginx-controller"), ("Service", "ing-ingress-nginx-controller-metrics"),
      ("ConfigMap", "ing-ingress-nginx-tcp")]),
    ("two-replicas-pdb", ("controller.replicaCount=2",), [("PodDisruptionBudget", "ing-ingress-nginx-controller")], []),
    ("autoscaler-min-replicas", ("controller.autoscaling.enabled=true", "controller.autoscaling.minReplicas=3"),
     [("PodDisruptionBudget", "ing-ingress-nginx-controller")], []),
    ("daemonset-no-pdb", ("controller.kind=DaemonSet", "controller.replicaCount=3"), [],
     [("PodDisruptionBudget", "ing-ingress-nginx-controller")]),
    ("replicas-not-a-number-no-pdb", ("controller.replicaCount=two",), [],
     [("PodDisruptionBudget", "ing-ingress-nginx-controller")]),
    ("rbac-off", ("rbac.create=false",), [], [("ClusterRole", "ing-ingress-nginx"), ("Role", "ing-ingress-nginx")]),
    ("rbac-scope", ("rbac.scope=true",), [("Role", "ing-ingress-nginx")], [("ClusterRole", "ing-ingress-nginx")]),
    ("webhook-off", ("controller.admissionWebhooks.enabled=false",), [],
     [("ValidatingWebhookConfiguration", "ing-ingress-nginx-admission"),
      ("Job", "ing-ingress-nginx-admission-create")]),
    ("metrics", ("controller.metrics.enabled=true",), [("Service", "ing-ingress-nginx-controller-metrics")], []),
    ("tcp-udp", ("tcp.9000=default/db:5432", "udp.53=kube-system/kube-dns:53"),
     [("ConfigMap", "ing-ingress-nginx-tcp"), ("ConfigMap", "ing-ingress-nginx-udp")], []),
]


@pytest.mark.parametrize(("sets", "present", "absent"), [r[1:] for r in OBJECTS], ids=[r[0] for r in OBJECTS])
def test_objects(home: Path, sets: tuple[str, ...], present: list[tuple[str, str]],
                 absent: list[tuple[str, str]]) -> None:
    kinds = _kinds(_template(*sets)[0])
    assert all(p in kinds for p in present), kinds
    assert not any(a in kinds for a in absent), kinds


def _one(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def test_fields(home: Path) -> None:
    docs, _ = _template("controller.replicaCount=2", "controller.metrics.enabled=true", "tcp.9000=default/db:5432",
                        "udp.53=kube-system/kube-dns:53")
    pdb = _one(docs, "PodDisruptionBudget", "ing-ingress-nginx-controller")
    assert pdb["spec"]["minAvailable"] == 1 and pdb["apiVersion"] == "policy/v1"
    deploy = _one(docs, "Deployment", "ing-ingress-nginx-controller")
    c = deploy["spec"]["template"]["spec"]["containers"][0]
    assert "--tcp-services-configmap=$(POD_NAMESPACE)/ing-ingress-nginx-tcp" in c["args"]
    assert "--udp-services-configmap=$(POD_NAMESPACE)/ing-ingress-nginx-udp" in c["args"]
    assert "--enable-metrics=true" in c["args"]
    assert {"name": "9000-tcp", "containerPort": 9000, "protocol": "TCP"} in c["ports"]
    assert {"name": "53-udp", "containerPort": 53, "protocol": "UDP"} in c["ports"]
    assert {"name": "metrics", "containerPort": 10254, "protocol": "TCP"} in c["ports"]
    assert c["image"].startswith("registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:")
    svc = _one(docs, "Service", "ing-ingress-nginx-controller")
    assert {"name": "9000-tcp", "port": 9000, "protocol": "TCP", "targetPort": "9000-tcp"} in svc["spec"]["ports"]
    assert _one(docs, "ConfigMap", "ing-ingress-nginx-tcp")["data"] == {"9000": "default/db:5432"}
    vwc = _one(docs, "ValidatingWebhookConfiguration", "ing-ingress-nginx-admission")
    assert vwc["webhooks"][0]["clientConfig"]["service"] == {
        "name": "ing-ingress-nginx-controller-admission", "namespace": "edge", "port": 443,
        "path": "/networking/v1/ingresses"}
    binding = _one(docs, "ClusterRoleBinding", "ing-ingress-nginx")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ing-ingress-nginx", "namespace": "edge"}]
    job = _one(docs, "Job", "ing-ingress-nginx-admission-create")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"][:2] == [
        "create", "--host=ing-ingress-nginx-controller-admission,"
                  "ing-ingress-nginx-controller-admission.$(POD_NAMESPACE).svc"]


# (id, --set value, warning on stderr or "" for none)
WARNINGS = [
    ("unknown", "controller.bogus=1", "'controller.bogus' is not a value of chart ingress-nginx"),
    ("not-emulated", "controller.autoscaling.maxReplicas=5",
     "'controller.autoscaling.maxReplicas' is a value of chart ingress-nginx that aksnet does not emulate"),
    ("free-form-map", "controller.config.use-forwarded-headers=true", ""),
    ("tcp-port", "tcp.8080=default/web:80", ""),
    ("undeclared-but-read", "controller.maxUnavailable=1", ""),
]


@pytest.mark.parametrize(("setting", "warning"), [r[1:] for r in WARNINGS], ids=[r[0] for r in WARNINGS])
def test_value_warnings(home: Path, setting: str, warning: str) -> None:
    _, err = _template(setting)
    assert (warning in err) if warning else err == ""


def test_defaults_are_the_charts() -> None:
    """Every value of the chart's values.yaml is a default here, with the chart's type."""
    def walk(real: Any, ours: Any, path: str) -> None:
        if isinstance(real, dict):
            for k, v in real.items():
                walk(v, ours[k], f"{path}.{k}")
        else:
            assert type(real) is type(ours) and real == ours, path

    walk(ingress_nginx_values.chart_values(), ingress_nginx.DEFAULTS, "")


def test_helm_show_values_prints_the_charts(home: Path) -> None:
    assert run_cli("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx").code == 0
    shown = yaml.safe_load(run_cli("helm", "show", "values", "ingress-nginx/ingress-nginx").out)
    assert shown["controller"]["image"]["tag"] == "v1.15.1"
    assert shown["controller"]["metrics"]["service"]["servicePort"] == 10254
    assert shown["controller"]["admissionWebhooks"]["patch"]["image"]["image"] == "ingress-nginx/kube-webhook-certgen"
