"""kubectl label/annotate as kubectl's label.go and annotate.go behave: client-side parsing of the
changes (``GetResourcesAndPairs``, ``parseLabels``), the messages of ``updateDataChangeMsg`` and the
``label "x" not found.`` note."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kube.helpers import kubectl, setup_cluster

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api, tier: be}}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: nginx}]}
"""


@pytest.fixture
def cluster(home: Path) -> None:
    setup_cluster()
    assert kubectl("apply", "-f", "-", stdin=DEPLOY).code == 0


@pytest.mark.parametrize(("args", "code", "out", "err"), [
    (["tier-"], 0, "deployment.apps/api unlabeled\n", ""),
    (["nope-"], 0, 'label "nope" not found.\ndeployment.apps/api not labeled\n', ""),
    (["tier-", "x=1"], 0, "deployment.apps/api label(s) changed\n", ""),
    (["x=1"], 0, "deployment.apps/api labeled\n", ""),
    (["tier=be"], 0, "deployment.apps/api not labeled\n", ""),
    (["tier=fe"], 1, "", "error: 'tier' already has a value (be), and --overwrite is false\n"),
    (["tier=fe", "app=x"], 1, "", "error: ['tier' already has a value (be), and --overwrite is false, "
                                  "'app' already has a value (api), and --overwrite is false]\n"),
    (["tier=fe", "--overwrite"], 0, "deployment.apps/api labeled\n", ""),
    (["a=b=c"], 1, "", "error: invalid label spec: a=b=c\n"),
    (["a=-x"], 1, "", 'error: invalid label value: "a=-x": a valid label must be an empty string'),
    (["a=1", "a-"], 1, "", "error: can not both modify and remove a label in the same command\n"),
    (["a=1", "deploy/other"], 1, "", "error: all resources must be specified before label changes: deploy/other\n"),
])
def test_label(cluster: None, args: list[str], code: int, out: str, err: str) -> None:
    r = kubectl("label", "deploy", "api", *args)
    assert (r.code, r.out) == (code, out)
    assert r.err.startswith(err) if err else r.err == ""


def test_label_rejected_changes_nothing(cluster: None) -> None:
    assert kubectl("label", "deploy", "api", "a=-x").code == 1
    assert kubectl("get", "deploy", "api", "-o", "jsonpath={.metadata.labels}").out == '{"app":"api","tier":"be"}'


def test_annotate_values_may_hold_equals(cluster: None) -> None:
    assert kubectl("annotate", "deploy", "api", "q=a=b").out == "deployment.apps/api annotated\n"
    assert kubectl("get", "deploy", "api", "-o", "jsonpath={.metadata.annotations.q}").out == "a=b"
    r = kubectl("annotate", "deploy", "api", "q=c")
    assert r.code == 1 and r.err == ("error: --overwrite is false but found the following declared annotation(s): "
                                     "'q' already has a value (a=b)\n")


SERVICE = """apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec: {selector: {app: web}, ports: [{port: 80}]}
"""
_NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
_PREFIX = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters"


@pytest.mark.parametrize(("kind", "change", "err"), [
    # kubectl checks only the value; the API server checks the key (ValidateObjectMetaUpdate → IsQualifiedName)
    ("svc", "bad key=v", f'The Service "web" is invalid: metadata.labels: Invalid value: "bad key": {_NAME_PART}'),
    ("svc", "a/b/c=v", 'The Service "web" is invalid: metadata.labels: Invalid value: "a/b/c": a qualified name must '
                       "consist of alphanumeric characters"),
    ("svc", "Example.com/x=v", f'The Service "web" is invalid: metadata.labels: Invalid value: "Example.com/x": '
                               f"{_PREFIX}"),
    ("svc", "/x=v", 'The Service "web" is invalid: metadata.labels: Invalid value: "/x": prefix part must be '
                    "non-empty"),
    ("svc", "x/=v", 'The Service "web" is invalid: \n* metadata.labels: Invalid value: "x/": name part must be '
                    "non-empty\n* metadata.labels: Invalid value: \"x/\": name part must consist of"),
    ("svc", "k" * 64 + "=v", f'The Service "web" is invalid: metadata.labels: Invalid value: "{"k" * 64}": name part '
                             "must be no more than 63 characters"),
    ("deploy", "bad key=v", 'The Deployment "api" is invalid: metadata.labels: Invalid value: "bad key": '
                            f"{_NAME_PART}"),
    ("svc", "k=has space", 'error: invalid label value: "k=has space": a valid label must be an empty string'),
], ids=["service-space-in-key", "service-two-slashes", "service-uppercase-prefix", "service-empty-prefix",
        "service-empty-name", "service-long-name", "deployment-space-in-key", "service-value-client-side"])
def test_label_key_validated_by_the_api_server(cluster: None, kind: str, change: str, err: str) -> None:
    assert kubectl("apply", "-f", "-", stdin=SERVICE).code == 0
    name = "web" if kind == "svc" else "api"
    r = kubectl("label", kind, name, change)
    assert (r.code, r.out) == (1, "")
    assert r.err.startswith(err), r.err
    assert "bad" not in kubectl("get", kind, name, "-o", "jsonpath={.metadata.labels}").out


@pytest.mark.parametrize(("metadata", "spec", "err"), [
    ("{name: s, labels: {app: 'has space'}}", "{selector: {app: s}, ports: [{port: 80}]}",
     'The Service "s" is invalid: metadata.labels: Invalid value: "has space": a valid label must be an empty '
     "string"),
    ("{name: s, labels: {'bad key': v}}", "{selector: {app: s}, ports: [{port: 80}]}",
     f'The Service "s" is invalid: metadata.labels: Invalid value: "bad key": {_NAME_PART}'),
    ("{name: s}", "{selector: {app: 'x y'}, ports: [{port: 80}]}",
     'The Service "s" is invalid: spec.selector: Invalid value: "x y": a valid label must be an empty string'),
    ("{name: s, annotations: {'bad key': v}}", "{selector: {app: s}, ports: [{port: 80}]}",
     f'The Service "s" is invalid: metadata.annotations: Invalid value: "bad key": {_NAME_PART}'),
], ids=["label-value", "label-key", "selector-value", "annotation-key"])
def test_service_labels_validated(cluster: None, metadata: str, spec: str, err: str) -> None:
    r = kubectl("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Service\nmetadata: {metadata}\nspec: {spec}\n")
    assert r.code == 1
    assert r.err.startswith(err), r.err
    assert kubectl("get", "svc", "s").code == 1
