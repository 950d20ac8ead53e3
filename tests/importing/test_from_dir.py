"""``--from-dir`` reads a directory with the loader of ``aksnet import``: typed lists, mirror pods, policy kinds of
other engines (warnings), invalid objects reported in kubectl's words while the valid rest is analysed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aksnet.io.manifests import parse_text
from aksnet.io.policy_kinds import policy_warnings
from tests.conftest import run_cli

DUMP = Path(__file__).resolve().parent / "dump"


@pytest.mark.parametrize(("text", "want"), [
    pytest.param('{"kind": "PodList", "apiVersion": "v1", "items": [{"metadata": {"name": "a"}}]}',
                 [("v1", "Pod", "a")], id="typed-list-items-get-kind-and-apiVersion"),
    pytest.param("kind: NetworkPolicyList\napiVersion: networking.k8s.io/v1\nitems:\n- metadata: {name: p}\n",
                 [("networking.k8s.io/v1", "NetworkPolicy", "p")], id="typed-list-yaml-group"),
    pytest.param('{"kind": "List", "apiVersion": "v1", "items": [{"kind": "Service", "apiVersion": "v1", '
                 '"metadata": {"name": "s"}}]}', [("v1", "Service", "s")], id="kind-List-items-keep-their-own"),
    pytest.param('{"kind": "List", "apiVersion": "v1", "items": [{"metadata": {"name": "x"}}]}',
                 [(None, None, "x")], id="kind-List-items-are-not-guessed"),
])
def test_typed_lists(text: str, want: list[tuple[str | None, str | None, str]]) -> None:
    docs = [d.body for d in parse_text(text, "f.json" if text.startswith("{") else "f.yaml")]
    assert [(d.get("apiVersion"), d.get("kind"), d["metadata"]["name"]) for d in docs] == want


def test_matrix_from_dir_reads_typed_pod_list(home: Path) -> None:
    r = run_cli("matrix", "--from-dir", str(DUMP), "--pods")
    assert r.code == 0, r.err
    assert "production/frontend-" in r.out  # pods of the typed PodList, not one representative per workload
    assert "node-problem-probe-" in r.out and "[Node]" not in r.out  # a mirror pod is a pod of its own


CNP = {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "l7", "namespace": "p"},
       "spec": {"endpointSelector": {}, "ingressDeny": [{"fromEntities": ["world"]}]}}
CNP_L4 = {**CNP, "spec": {"endpointSelector": {}, "ingress": [{"fromEntities": ["cluster"]}]}}
ANP = {"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy", "metadata": {"name": "a"}}
CALICO = {"apiVersion": "projectcalico.org/v3", "kind": "GlobalNetworkPolicy", "metadata": {"name": "g"}}
K8S_NP = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n", "namespace": "p"}}


@pytest.mark.parametrize(("doc", "engine", "want"), [
    pytest.param(CNP, "calico", "CiliumNetworkPolicy p/l7: not enforced: this cluster's engine is Calico",
                 id="cilium-policy-on-calico"),
    pytest.param(CNP, "cilium", None, id="cilium-deny-policy-on-cilium-is-evaluated"),
    pytest.param(CNP_L4, "cilium", None, id="cilium-l4-policy-on-cilium-is-evaluated"),
    pytest.param({**CNP, "spec": {"endpointSelector": {}, "egress": [{"toFQDNs": [{"matchName": "x.example"}]}]}},
                 "cilium", "CiliumNetworkPolicy p/l7: enforced by Cilium on this cluster but not evaluated by "
                 "aksnet (it uses toFQDNs)", id="cilium-fqdn-policy-not-evaluated"),
    pytest.param(CALICO, "azure", "GlobalNetworkPolicy g: not enforced: this cluster's engine is Azure NPM",
                 id="calico-policy-on-npm"),
    pytest.param(ANP, "cilium", "AdminNetworkPolicy a: not enforced: this cluster's engine is Cilium, which ignores "
                 "policy.networking.k8s.io policies", id="admin-network-policy-on-cilium"),
    pytest.param(ANP, "azure", "AdminNetworkPolicy a: not enforced: this cluster's engine is Azure NPM",
                 id="admin-network-policy-on-npm"),
    pytest.param({**ANP, "spec": {"priority": 1, "subject": {"namespaces": {}}}}, "calico",
                 "AdminNetworkPolicy a: evaluated as Calico enforces it", id="admin-network-policy-on-calico"),
    pytest.param(K8S_NP, "calico", None, id="kubernetes-policy-no-warning"),
])
def test_policy_kinds_of_other_engines_are_never_silent(doc: dict[str, object], engine: str,
                                                         want: str | None) -> None:
    got = policy_warnings([doc], engine)
    assert (got[0].startswith(want) if want else not got), got


def test_imported_cilium_policy_warns_on_calico_cluster(home: Path) -> None:
    assert run_cli("import", str(DUMP)).code == 0
    r = run_cli("matrix")
    assert r.code == 0
    assert "warning: CiliumNetworkPolicy production/api-l7: not enforced: this cluster's engine is Calico" in r.err


def test_invalid_objects_reported_rest_analysed(home: Path, tmp_path: Path) -> None:
    d = tmp_path / "dir"
    shutil.copytree(DUMP / "kubectl", d)
    (d / "bad-policy.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: production}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - {protocol: TCP, port: 70000}\n")
    (d / "nameless.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {}}')
    r = run_cli("matrix", "--from-dir", str(d))
    assert r.code == 1
    assert 'The NetworkPolicy "bad" is invalid' in r.err
    assert 'error: error validating "nameless.json": error validating data: [metadata.name not set]' in r.err
    assert "production/frontend[Deployment] => production/backend[Deployment] : TCP 8080" in r.out
    t = run_cli("trace", "--from-dir", str(d), "deploy/production/frontend", "deploy/production/backend",
                "--port", "8080")
    assert t.code == 2 and "could not be read" in t.err
