"""API server defaults and validation messages (tables)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aksnet.twin.kube import defaults, validation

POD_SPEC = {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}]}


def _deploy(**spec: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"metadata": {"name": "web"}, "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": copy.deepcopy(POD_SPEC)}}}
    d["spec"].update(spec)
    return d


@pytest.mark.parametrize(("kind", "doc", "path", "want"), [
    pytest.param("Deployment", _deploy(), ("spec", "replicas"), 1, id="deploy-replicas"),
    pytest.param("Deployment", _deploy(), ("spec", "strategy"),
                 {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                 id="deploy-strategy"),
    pytest.param("Deployment", _deploy(), ("spec", "revisionHistoryLimit"), 10, id="deploy-history"),
    pytest.param("Deployment", _deploy(), ("spec", "progressDeadlineSeconds"), 600, id="deploy-deadline"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "restartPolicy"), "Always", id="restart"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "dnsPolicy"), "ClusterFirst", id="dns"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "terminationGracePeriodSeconds"), 30,
                 id="grace"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "schedulerName"), "default-scheduler",
                 id="scheduler"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "containers", 0, "ports", 0, "protocol"), "TCP",
                 id="port-protocol"),
    pytest.param("Deployment", _deploy(), ("spec", "template", "spec", "containers", 0, "imagePullPolicy"), "Always",
                 id="pull-latest"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}},
                 ("spec", "containers", 0, "imagePullPolicy"), "IfNotPresent", id="pull-tagged"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": copy.deepcopy(POD_SPEC)}, ("spec", "serviceAccountName"),
                 "default", id="pod-sa"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": copy.deepcopy(POD_SPEC)},
                 ("spec", "tolerations", 0, "tolerationSeconds"), 300, id="pod-default-tolerations"),
    pytest.param("StatefulSet", _deploy(), ("spec", "podManagementPolicy"), "OrderedReady", id="sts-policy"),
    pytest.param("DaemonSet", _deploy(), ("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"), 1,
                 id="ds-unavailable"),
    pytest.param("Job", {"metadata": {"name": "j"}, "spec": {"template": {"spec": copy.deepcopy(POD_SPEC)}}},
                 ("spec", "backoffLimit"), 6, id="job-backoff"),
    pytest.param("Namespace", {"metadata": {"name": "prod"}}, ("metadata", "labels", "kubernetes.io/metadata.name"),
                 "prod", id="ns-label"),
    pytest.param("Secret", {"metadata": {"name": "s"}, "stringData": {"a": "b"}}, ("data", "a"), "Yg==",
                 id="secret-stringdata"),
    pytest.param("NetworkPolicy", {"metadata": {"name": "n"}, "spec": {"egress": [{}]}}, ("spec", "policyTypes"),
                 ["Ingress", "Egress"], id="np-types"),
])
def test_defaults(kind: str, doc: dict[str, Any], path: tuple[Any, ...], want: Any) -> None:
    d = copy.deepcopy(doc)
    defaults.apply_defaults(kind, d)
    cur: Any = d
    for p in path:
        cur = cur[p]
    assert cur == want


@pytest.mark.parametrize(("kind", "doc", "want"), [
    pytest.param("Deployment", {"metadata": {"name": "web"}, "spec": {"template": {"spec": POD_SPEC}}},
                 "spec.selector: Required value", id="no-selector"),
    pytest.param("Deployment", _deploy(selector={"matchLabels": {"app": "x"}}),
                 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not '
                 "match template `labels`", id="selector-mismatch"),
    pytest.param("Deployment", _deploy(replicas=-1),
                 "spec.replicas: Invalid value: -1: must be greater than or equal to 0", id="negative-replicas"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}},
                 "spec.containers[0].image: Required value", id="no-image"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": {}}, "spec.containers: Required value", id="no-containers"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "i", "ports": [{"containerPort": 70000}]}]}},
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        id="port-range"),
    pytest.param("Pod", {"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "i", "ports": [{"containerPort": 80, "protocol": "HTTP"}]}]}},
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        id="port-protocol"),
    pytest.param("Pod", {"metadata": {"name": "Web"}, "spec": POD_SPEC},
                 'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of', id="name"),
    pytest.param("Namespace", {"metadata": {"name": "a.b"}},
                 'metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of', id="ns-name"),
    pytest.param("Pod", {"metadata": {"name": "p", "labels": {"app": "a b"}}, "spec": POD_SPEC},
                 'metadata.labels: Invalid value: "a b": a valid label must be an empty string', id="label-value"),
    pytest.param("Job", {"metadata": {"name": "j"}, "spec": {"template": {"spec": POD_SPEC}}},
                 'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
                 id="job-restart"),
    pytest.param("Deployment", _deploy(template={"metadata": {"labels": {"app": "web"}}, "spec": {
        "restartPolicy": "Never", "containers": POD_SPEC["containers"]}}),
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        id="deploy-restart"),
    pytest.param("NetworkPolicy", {"metadata": {"name": "n"}, "spec": {"ingress": [{"from": [
        {"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}},
        'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value',
        id="np-cidr"),
    pytest.param("Ingress", {"metadata": {"name": "i"}, "spec": {"rules": [{"host": "a.com", "http": {"paths": [
        {"path": "/", "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}},
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified", id="ingress-pathtype"),
    pytest.param("Secret", {"metadata": {"name": "s"}, "type": "kubernetes.io/tls", "data": {"tls.crt": ""}},
                 "data[tls.key]: Required value", id="tls-secret"),
    pytest.param("IngressClass", {"metadata": {"name": "nginx"}, "spec": {}}, "spec.controller: Required value",
                 id="ingressclass"),
])
def test_validation_messages(kind: str, doc: dict[str, Any], want: str) -> None:
    d = copy.deepcopy(doc)
    defaults.apply_defaults(kind, d)
    errs = validation.validate(kind, d)
    assert any(e.startswith(want) for e in errs), errs


def test_invalid_error_rendering() -> None:
    one = validation.invalid_error("Deployment", "web", ["spec.selector: Required value"])
    assert one.message == 'The Deployment "web" is invalid: spec.selector: Required value'
    two = validation.invalid_error("Pod", "p", ["a: Required value", "b: Required value"])
    assert two.message == 'The Pod "p" is invalid: \n* a: Required value\n* b: Required value'
