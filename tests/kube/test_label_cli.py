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
