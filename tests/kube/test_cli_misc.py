"""kubectl config, create (namespace, secret tls with PEM validation, generic, configmap, service), expose,
label/annotate --overwrite, scale, rollout status, get output formats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from tests.kube.helpers import kubectl, setup_cluster


@pytest.fixture
def cluster(home: Path) -> str:
    return setup_cluster()


def _pem_pair(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "myapp.example.com")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=2))
            .sign(key, hashes.SHA256()))
    crt, k = tmp_path / "tls.crt", tmp_path / "tls.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return crt, k


def test_config_contexts(cluster: str) -> None:
    assert kubectl("config", "current-context").out == "aks-cluster\n"
    out = kubectl("config", "get-contexts").out.splitlines()
    assert out[0].split() == ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
    assert out[1].startswith("*") and "aks-cluster" in out[1]
    r = kubectl("config", "use-context", "nope")
    assert r.code == 1 and r.err == 'error: no context exists with the name: "nope"\n'
    assert kubectl("config", "use-context", "aks-cluster").out == 'Switched to context "aks-cluster".\n'
    view = yaml.safe_load(kubectl("config", "view").out)
    assert view["current-context"] == "aks-cluster"
    r = kubectl("get", "pods", "--context", "missing")
    assert r.code == 1 and 'context "missing" does not exist' in r.err


def test_kubeconfig_file(cluster: str, tmp_path: Path) -> None:
    cfg = yaml.safe_load(kubectl("config", "view", "--raw").out)
    f = tmp_path / "kc.yaml"
    f.write_text(yaml.safe_dump(cfg))
    r = kubectl("--kubeconfig", str(f), "get", "ns", "-o", "name")
    assert "namespace/kube-system" in r.out.split()


def test_create_namespace_and_secret_tls(cluster: str, tmp_path: Path) -> None:
    assert kubectl("create", "namespace", "production").out == "namespace/production created\n"
    r = kubectl("create", "namespace", "production")
    assert r.code == 1 and r.err == 'Error from server (AlreadyExists): namespaces "production" already exists\n'
    crt, key = _pem_pair(tmp_path)
    r = kubectl("create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(crt), "--key", str(key))
    assert r.out == "secret/tls-secret created\n", r.err
    assert kubectl("get", "secret", "-n", "production", "tls-secret", "-o", "jsonpath={.type}").out == \
        "kubernetes.io/tls"
    bad = tmp_path / "bad.crt"
    bad.write_text("not a cert")
    r = kubectl("create", "secret", "tls", "x", "--cert", str(bad), "--key", str(key))
    assert r.code == 1 and "failed to find any PEM data in certificate input" in r.err
    (tmp_path / "other").mkdir()
    other, _ = _pem_pair(tmp_path / "other")
    r = kubectl("create", "secret", "tls", "y", "--cert", str(other), "--key", str(key))
    assert r.code == 1 and "private key does not match public key" in r.err


def test_create_generic_configmap_service(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("hello")
    assert kubectl("create", "secret", "generic", "s", "--from-literal=a=b", f"--from-file={f}").code == 0
    data = json.loads(kubectl("get", "secret", "s", "-o", "json").out)["data"]
    assert data == {"a": "Yg==", "file.txt": "aGVsbG8="}
    assert kubectl("create", "configmap", "c", "--from-literal=k=v").out == "configmap/c created\n"
    assert kubectl("create", "service", "nodeport", "np", "--tcp=80:8080").out == "service/np created\n"
    svc = json.loads(kubectl("get", "svc", "np", "-o", "json").out)
    assert svc["spec"]["ports"][0]["name"] == "80-8080" and svc["spec"]["ports"][0]["targetPort"] == 8080
    assert 30000 <= svc["spec"]["ports"][0]["nodePort"] <= 32767
    r = kubectl("create", "deployment", "x")
    assert r.code == 1 and r.err == 'error: required flag(s) "image" not set\n'
    r = kubectl("create", "deployment", "x", "--image=nginx", "-n", "nope")
    assert r.code == 1 and r.err == 'error: failed to create deployment: namespaces "nope" not found\n'


def test_expose_label_scale_rollout(cluster: str) -> None:
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    assert kubectl("expose", "deployment", "web", "--port", "80", "--type", "NodePort").out == \
        "service/web exposed\n"
    sel = kubectl("get", "svc", "web", "-o", "jsonpath={.spec.selector.app} {.spec.type} {.spec.ports[0].targetPort}")
    assert sel.out == "web NodePort 80"
    r = kubectl("expose", "deployment", "web", "--name", "web2")
    assert r.code == 0 and kubectl("get", "svc", "web2", "-o", "jsonpath={.spec.ports[0].port}").out == "80"
    assert kubectl("label", "pods", "-l", "app=web", "tier=a").out.count("labeled") == 2
    r = kubectl("label", "deploy", "web", "app=x")
    assert r.code == 1 and r.err == "error: 'app' already has a value (web), and --overwrite is false\n"
    assert kubectl("label", "deploy", "web", "app=x", "--overwrite").out == "deployment.apps/web labeled\n"
    assert kubectl("annotate", "deploy", "web", "note=1").out == "deployment.apps/web annotated\n"
    r = kubectl("annotate", "deploy", "web", "note=2")
    assert r.code == 1 and "--overwrite is false but found the following declared annotation(s)" in r.err
    assert kubectl("scale", "deploy", "web", "--replicas=3").out == "deployment.apps/web scaled\n"
    assert kubectl("rollout", "status", "deployment/web").out == 'deployment "web" successfully rolled out\n'
    assert kubectl("get", "pods", "-l", "app=web,tier notin (b)", "-o", "name").out.count("pod/") == 3


@pytest.mark.parametrize(("args", "code", "text"), [
    pytest.param(("get", "foo"), 1, 'error: the server doesn\'t have a resource type "foo"', id="unknown-type"),
    pytest.param(("get", "pod", "nope"), 1, 'Error from server (NotFound): pods "nope" not found', id="not-found"),
    pytest.param(("get", "pods", "--bogus"), 1, "error: unknown flag: --bogus", id="unknown-flag"),
    pytest.param(("frobnicate",), 1, 'error: unknown command "frobnicate" for "kubectl"', id="unknown-command"),
    pytest.param(("get", "pods", "-o", "xml"), 1, "unable to match a printer suitable for the output format",
                 id="bad-output"),
    pytest.param(("get", "pods", "-n", "empty"), 0, "No resources found in empty namespace.", id="empty"),
])
def test_errors(cluster: str, args: tuple[str, ...], code: int, text: str) -> None:
    r = kubectl(*args)
    assert r.code == code and text in r.err


def test_get_formats(cluster: str) -> None:
    kubectl("create", "deployment", "web", "--image=nginx")
    doc = json.loads(kubectl("get", "deploy", "web", "-o", "json").out)
    assert doc["kind"] == "Deployment" and doc["metadata"]["uid"] and doc["metadata"]["resourceVersion"]
    lst = json.loads(kubectl("get", "deploy", "-o", "json").out)
    assert lst["kind"] == "List" and lst["metadata"] == {"resourceVersion": ""}
    y = yaml.safe_load(kubectl("get", "ns", "kube-system", "-o", "yaml").out)
    assert y["metadata"]["labels"]["kubernetes.io/metadata.name"] == "kube-system"
    cc = kubectl("get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName").out.splitlines()
    assert cc[0].split() == ["NAME", "NODE"] and len(cc) == 2
    assert "LABELS" in kubectl("get", "pods", "--show-labels").out
    assert kubectl("get", "deploy,svc", "-o", "name").out.split() == ["deployment.apps/web", "service/kubernetes"]


def test_dry_run_stores_nothing(cluster: str) -> None:
    r = kubectl("create", "deployment", "web", "--image=nginx", "--dry-run=client", "-o", "yaml")
    doc = yaml.safe_load(r.out)
    assert doc["metadata"]["creationTimestamp"] is None and doc["spec"]["strategy"] == {}
    assert kubectl("create", "deployment", "web", "--image=nginx", "--dry-run=server").out == \
        "deployment.apps/web created (server dry run)\n"
    assert kubectl("get", "deploy", "-o", "name").out == ""
    r = kubectl("create", "ns", "x", "--dry-run=maybe")
    assert r.code == 1 and 'Invalid dry-run value (maybe)' in r.err


def test_run_patch_set_image_replace(cluster: str, tmp_path: Path) -> None:
    assert kubectl("run", "tmp", "--image=busybox", "--restart=Never", "--", "sleep", "3600").out == \
        "pod/tmp created\n"
    pod = json.loads(kubectl("get", "pod", "tmp", "-o", "json").out)
    assert pod["metadata"]["labels"] == {"run": "tmp"} and pod["spec"]["containers"][0]["args"] == ["sleep", "3600"]
    assert pod["status"]["phase"] == "Running"
    kubectl("create", "deployment", "web", "--image=nginx")
    kubectl("expose", "deployment", "web", "--port=80")
    assert kubectl("patch", "svc", "web", "-p", '{"spec":{"type":"NodePort"}}').out == "service/web patched\n"
    assert kubectl("get", "svc", "web", "-o", "jsonpath={.spec.type}").out == "NodePort"
    assert kubectl("patch", "svc", "web", "-p", '{"spec":{"type":"NodePort"}}').out == \
        "service/web patched (no change)\n"
    old_rs = kubectl("get", "rs", "-o", "name").out
    assert kubectl("set", "image", "deployment/web", "nginx=nginx:1.27").out == "deployment.apps/web image updated\n"
    rs = kubectl("get", "rs", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.replicas} {end}").out.split()
    assert len(rs) == 2 and old_rs.strip().split("/")[1] + "=0" in rs
    assert kubectl("get", "deploy", "web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/"
                   "revision}").out == "2"
    f = tmp_path / "cm.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\n")
    r = kubectl("replace", "-f", str(f))
    assert r.code == 1 and 'configmaps "c" not found' in r.err
    kubectl("apply", "-f", str(f))
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '2'}\n")
    assert kubectl("replace", "-f", str(f)).out == "configmap/c replaced\n"


def test_sort_by_and_orphan_delete(cluster: str) -> None:
    kubectl("create", "deployment", "b", "--image=nginx", "--replicas=1")
    kubectl("create", "deployment", "a", "--image=nginx", "--replicas=2")
    names = kubectl("get", "deploy", "--sort-by=.spec.replicas", "-o", "name").out.split()
    assert names == ["deployment.apps/b", "deployment.apps/a"]
    assert kubectl("delete", "deploy", "a", "--cascade=orphan").out == 'deployment.apps "a" deleted\n'
    rs = kubectl("get", "rs", "-o", "jsonpath={range .items[*]}{.metadata.name} {end}").out.split()
    assert len([r for r in rs if r.startswith("a-")]) == 1


def test_create_with_generate_name(cluster: str, tmp_path: Path) -> None:
    f = tmp_path / "p.yaml"
    f.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: cfg-}\ndata: {a: b}\n")
    first = kubectl("create", "-f", str(f)).out
    second = kubectl("create", "-f", str(f)).out
    assert first.startswith("configmap/cfg-") and first.endswith(" created\n") and first != second
    r = kubectl("apply", "-f", str(f))
    assert r.code == 1 and "resource name may not be empty" in r.err


def test_rollout_history_and_undo(cluster: str) -> None:
    kubectl("create", "deployment", "web", "--image=nginx:1.26")
    kubectl("set", "image", "deployment/web", "nginx=nginx:1.27")
    hist = kubectl("rollout", "history", "deployment/web").out
    assert hist.splitlines()[1].split() == ["REVISION", "CHANGE-CAUSE"] and "2         <none>" in hist
    assert kubectl("rollout", "undo", "deployment/web").out == "deployment.apps/web rolled back\n"
    img = kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} "
                  "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}").out
    assert img == "nginx:1.26 3"
    images = kubectl("get", "pods", "-o", "jsonpath={.items[*].spec.containers[0].image}").out
    assert images == "nginx:1.26"


def test_create_job_and_cronjob(cluster: str) -> None:
    assert kubectl("create", "job", "once", "--image=busybox", "--", "date").out == "job.batch/once created\n"
    job = json.loads(kubectl("get", "job", "once", "-o", "json").out)
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["status"]["active"] == 1
    assert kubectl("get", "pods", "-l", "job-name=once", "-o", "name").out.startswith("pod/once-")
    r = kubectl("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *")
    assert r.out == "cronjob.batch/tick created\n"
    assert kubectl("get", "cj", "tick").out.split("\n")[1].split()[:2] == ["tick", "*/5"]
    r = kubectl("create", "cronjob", "bad", "--image=busybox", "--schedule=nope")
    assert r.code == 1 and 'The CronJob "bad" is invalid: spec.schedule: Invalid value: "nope"' in r.err


def test_config_set_context(cluster: str) -> None:
    """``kubectl config set-context --current --namespace=NS`` (and a new named context) as kubectl writes them;
    the context's namespace is then the default of every verb."""
    assert kubectl("config", "set-context", "--current", "--namespace=kube-system").out == (
        'Context "aks-cluster" modified.\n')
    assert "kube-system" in kubectl("config", "get-contexts").out
    assert "coredns-" in kubectl("get", "pods", "-o", "name").out
    assert kubectl("config", "set-context", "--current", "--namespace=").code == 0
    assert "coredns-" not in kubectl("get", "pods", "-o", "name").out
    assert kubectl("config", "set-context", "sys", "--cluster=aks-cluster", "--user=u",
                   "--namespace=kube-system").out == 'Context "sys" created.\n'
    assert kubectl("config", "get-contexts", "sys", "--no-headers").out.split() == [
        "sys", "aks-cluster", "u", "kube-system"]
    r = kubectl("config", "set-context")
    assert r.code == 1 and r.err == "error: you must specify a non-empty context name or --current\n"
