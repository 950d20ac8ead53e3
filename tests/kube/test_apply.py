"""kubectl apply semantics: created/configured/unchanged, per-object failure, YAML errors apply nothing,
kubectl's messages for unknown kinds, unknown fields and missing namespaces."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kube.helpers import docs, kubectl, setup_cluster

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, ports: [{containerPort: 80}]}
"""


@pytest.fixture
def cluster(home: Path) -> str:
    return setup_cluster()


def test_created_configured_unchanged(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DEPLOY % 2)
    assert kubectl("apply", "-f", str(f)).out == "deployment.apps/web created\n"
    assert kubectl("apply", "-f", str(f)).out == "deployment.apps/web unchanged\n"
    f.write_text(DEPLOY % 3)
    assert kubectl("apply", "-f", str(f)).out == "deployment.apps/web configured\n"
    r = kubectl("get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas} {.metadata.generation}")
    assert r.out == "3 2"


def test_one_bad_object_does_not_stop_the_others(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_text((DEPLOY % 1) + "---\napiVersion: v1\nkind: Foo\nmetadata: {name: x}\n---\n"
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n")
    r = kubectl("apply", "-f", str(f))
    assert r.code == 1
    assert r.out == "deployment.apps/web created\nconfigmap/cfg created\n"
    assert r.err == (f'error: resource mapping not found for name: "x" namespace: "" from "{f}": no matches for '
                     'kind "Foo" in version "v1"\nensure CRDs are installed first\n')


def test_yaml_syntax_error_applies_nothing(cluster: str, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(DEPLOY % 1)
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n")
    r = kubectl("apply", "-f", str(tmp_path))
    assert r.code == 1 and "error parsing" in r.err
    assert not [d for d in docs("k8s:apps/Deployment", cluster) if d["metadata"]["name"] == "web"]


@pytest.mark.parametrize(("manifest", "message"), [
    pytest.param("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {foo: 1}\n",
                 'Error from server (BadRequest): error when creating "{f}": Deployment in version "v1" cannot be '
                 'handled as a Deployment: strict decoding error: unknown field "spec.foo"', id="unknown-field"),
    pytest.param("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: '3'}\n",
                 'Error from server (BadRequest): error when creating "{f}": Deployment in version "v1" cannot be '
                 "handled as a Deployment: json: cannot unmarshal string into Go struct field "
                 "DeploymentSpec.spec.replicas of type int32", id="wrong-type"),
    pytest.param("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: nope}\n",
                 'Error from server (NotFound): error when creating "{f}": namespaces "nope" not found',
                 id="namespace-missing"),
    pytest.param("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: 1}}\nspec: {containers: []}\n",
                 'Error from server (BadRequest): error when creating "{f}": Pod in version "v1" cannot be handled '
                 "as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type "
                 "string", id="label-number"),
    pytest.param("kind: ConfigMap\nmetadata: {name: c}\n",
                 'error: error validating "{f}": error validating data: apiVersion not set; if you choose to ignore '
                 "these errors, turn validation off with --validate=false", id="no-apiversion"),
    pytest.param("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n",
                 'error: resource mapping not found for name: "d" namespace: "" from "{f}": no matches for kind '
                 '"Deployment" in version "extensions/v1beta1"', id="old-api-version"),
])
def test_apply_errors(cluster: str, tmp_path: Path, manifest: str, message: str) -> None:
    f = tmp_path / "f.yaml"
    f.write_text(manifest)
    r = kubectl("apply", "-f", str(f))
    assert r.code == 1
    assert message.replace("{f}", str(f)) in r.err


def test_rejected_object_leaves_no_trace(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(DEPLOY.replace("matchLabels: {app: web}", "matchLabels: {app: other}") % 1)
    r = kubectl("apply", "-f", str(f))
    assert r.code == 1
    assert r.err.startswith('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: '
                            'map[string]string{"app":"web"}: `selector` does not match template `labels`')
    assert not [d for d in docs("k8s:apps/Deployment", cluster) if d["metadata"]["name"] == "web"]
    assert not [p for p in docs("k8s:core/Pod", cluster) if p["metadata"]["namespace"] == "default"]


def test_immutable_selector(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DEPLOY % 1)
    kubectl("apply", "-f", str(f))
    f.write_text((DEPLOY % 1).replace("{app: web}", "{app: web2}"))
    r = kubectl("apply", "-f", str(f))
    assert r.code == 1
    assert "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}" in r.err
    assert "field is immutable" in r.err


def test_stdin_list_and_json(cluster: str) -> None:
    manifest = ('{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "Namespace", '
                '"metadata": {"name": "prod"}}, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": '
                '{"name": "c", "namespace": "prod"}, "data": {"k": "v"}}]}')
    r = kubectl("apply", "-f", "-", stdin=manifest)
    assert r.out == "namespace/prod created\nconfigmap/c created\n", r.err
    r = kubectl("get", "ns", "prod", "-o", "jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}")
    assert r.out == "prod"


def test_namespace_flag_mismatch(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}\n")
    r = kubectl("apply", "-n", "default", "-f", str(f))
    assert r.code == 1
    assert 'the namespace from the provided object "kube-system" does not match the namespace "default"' in r.err


def test_delete_cascades_and_releases(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "d.yaml"
    f.write_text(DEPLOY % 3)
    kubectl("apply", "-f", str(f))
    assert kubectl("delete", "-f", str(f)).out == 'deployment.apps "web" deleted\n'
    assert not [p for p in docs("k8s:core/Pod", cluster) if p["metadata"]["namespace"] == "default"]
    assert not [r for r in docs("k8s:apps/ReplicaSet", cluster) if r["metadata"]["namespace"] == "default"]
    r = kubectl("delete", "deploy", "web")
    assert r.code == 1 and r.err == 'Error from server (NotFound): deployments.apps "web" not found\n'


TWO_INVALID = """apiVersion: v1
kind: Service
metadata: {name: w1}
spec: {externalTrafficPolicy: Local, ports: [{port: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: fine}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: w3}
spec:
  selector: {matchLabels: {a: b}}
  template: {metadata: {labels: {a: c}}, spec: {containers: [{name: c, image: x}]}}
"""


def test_several_invalid_objects_print_status_messages(cluster: str) -> None:
    """Alone an Invalid error reads ``The Service "w1" is invalid: …``; among several (kubectl's aggregate) each
    shows the status message with its source and the qualified kind, and the good object is still applied."""
    r = kubectl("apply", "-f", "-", stdin=TWO_INVALID)
    assert r.code == 1 and r.out == "configmap/fine created\n"
    assert r.err.splitlines() == [
        'Error from server (Invalid): error when creating "STDIN": Service "w1" is invalid: '
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
        'Error from server (Invalid): error when creating "STDIN": Deployment.apps "w3" is invalid: '
        'spec.template.metadata.labels: Invalid value: map[string]string{"a":"c"}: `selector` does not match '
        "template `labels`",
    ]
    r = kubectl("apply", "-f", "-", stdin=TWO_INVALID.split("---")[0])
    assert r.err == ('The Service "w1" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be '
                     "set for externally-accessible services\n")
