"""``--from-dir`` reads a directory with the loader of ``aksnet import``: typed lists, mirror pods, policy kinds of
other engines (warnings), invalid objects reported in kubectl's words while the valid rest is analysed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

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


POD_YAML = ("apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: default, labels: {app: NAME}}\n"
            "spec: {containers: [{name: c, image: x}]}\nstatus: {podIP: IP}\n")


@pytest.mark.parametrize(("name", "read"), [
    pytest.param("pod.yaml", True, id="yaml"),
    pytest.param("pod.yml", True, id="yml"),
    pytest.param("pod.json", True, id="json"),
    pytest.param("sub/pod.yaml", True, id="subdirectory"),
    pytest.param("pod.txt", False, id="txt"),
    pytest.param("pod.YAML", False, id="upper-case-extension"),
    pytest.param("pod", False, id="no-extension"),
    pytest.param("pod.yaml.bak", False, id="backup"),
])
def test_only_the_files_kubectl_apply_reads(home: Path, tmp_path: Path, name: str, read: bool) -> None:
    """``kubectl apply -f DIR`` reads .json, .yaml and .yml files only (k8s.io/cli-runtime FileExtensions, case
    sensitive); --from-dir and import alike; import's summary names each skipped file."""
    import json

    from aksnet.io.dump import SKIPPED
    from aksnet.io.manifest_dir import load_manifest_dir

    d = tmp_path / "dir"
    (d / name).parent.mkdir(parents=True)
    (d / "base.yaml").write_text(POD_YAML.replace("NAME", "base").replace("IP", "10.244.0.4"))
    doc = yaml.safe_load(POD_YAML.replace("NAME", "other").replace("IP", "10.244.0.5"))
    (d / name).write_text(json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc))
    pods = {p.name for p in load_manifest_dir(d).pods}
    assert ("other" in pods) is read and "base" in pods
    r = run_cli("matrix", "--from-dir", str(d))
    assert r.code == 0 and ("default/other[Pod]" in r.out) is read, r.out + r.err
    from aksnet.io.dump import read_dump

    assert (read_dump(d).files[name] == SKIPPED) is not read


def test_import_summary_names_skipped_files(home: Path, tmp_path: Path) -> None:
    d = tmp_path / "dump"
    shutil.copytree(DUMP, d)
    (d / "README.md").write_text("# how this dump was taken\n")
    (d / "kubectl" / "pods.json.orig").write_text("{}")
    r = run_cli("import", str(d))
    assert r.code == 0, r.err
    assert "  README.md: skipped: not .json, .yaml or .yml" in r.out
    assert "  kubectl/pods.json.orig: skipped: not .json, .yaml or .yml" in r.out


@pytest.mark.parametrize(("args", "code", "out"), [
    pytest.param(("matrix",), 1, "production/frontend[Deployment] => production/backend[Deployment] : TCP 8080",
                 id="matrix"),
    pytest.param(("explain", "deploy/production/backend"), 1, "production/backend", id="explain"),
    pytest.param(("explain", "deploy/production/frontend", "--to", "deploy/production/backend", "--port", "8080"),
                 1, "allowed", id="explain-to"),
    pytest.param(("lint", "--fail-on", "never"), 1, "AKSNET", id="lint"),
    pytest.param(("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "8080"), 2,
                 "DELIVERED", id="trace-unknown"),
])
def test_invalid_objects_reported_by_every_analysis(home: Path, tmp_path: Path, args: tuple[str, ...], code: int,
                                                    out: str) -> None:
    """kubectl apply's errors for the objects it cannot read, the analysis of the valid rest, a non-zero exit."""
    d = tmp_path / "dir"
    shutil.copytree(DUMP / "kubectl", d)
    (d / "nameless.json").write_text('{"apiVersion": "v1", "kind": "Pod", "metadata": {}}')
    r = run_cli(*args[:1], "--from-dir", str(d), *args[1:])
    assert r.code == code, r.out + r.err
    assert 'error: error validating "nameless.json": error validating data: [metadata.name not set]' in r.err
    assert out in r.out, r.out
