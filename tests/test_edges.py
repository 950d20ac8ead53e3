"""Malformed input gets the real tool's error, never a traceback, and changes nothing: one row per input the
issue names and per crash the fuzz property (tests/test_fuzz_cli.py) found."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.cli.common import command_transaction
from tests.conftest import run_cli

UNMARSHAL = "json: cannot unmarshal {what} into Go struct field {field} of type {go}"


@pytest.fixture
def cluster(home: Path) -> Path:
    for argv in (("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none"),
                 ("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none"),
                 ("az", "aks", "get-credentials", "-g", "rg", "-n", "aks"),
                 ("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx"),
                 ("kubectl", "create", "deployment", "web", "--image=nginx")):
        r = run_cli(*argv)
        assert r.code == 0, r.err
    return home


def _dump() -> object:
    with command_transaction(write=False) as tx:
        return tx.dump(), tx.meta_items()


SVC = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n"
MANIFESTS = [
    pytest.param(SVC.encode() + b"spec: null\n", "apply", 'The Service "x" is invalid: spec.ports: Required value',
                 id="spec-null"),
    pytest.param(SVC.encode() + b"spec:\n  sessionAffinityConfig: x\n  ports: [{port: 80}]\n", "apply",
                 'Error from server (BadRequest): error when creating "{src}": Service in version "v1" cannot be '
                 "handled as a Service: " + UNMARSHAL.format(what="string",
                                                              field="ServiceSpec.spec.sessionAffinityConfig",
                                                              go="v1.SessionAffinityConfig"),
                 id="sessionAffinityConfig-scalar"),
    pytest.param(b"apiVersion: v1\nkind: Service\nmetadata: x\n", "create",
                 'Error from server (BadRequest): error when creating "{src}": Service in version "v1" cannot be '
                 "handled as a Service: " + UNMARSHAL.format(what="string", field="Service.metadata",
                                                              go="v1.ObjectMeta"), id="metadata-scalar"),
    pytest.param(SVC.encode() + b"spec:\n  ports: {port: 80}\n", "apply",
                 'Error from server (BadRequest): error when creating "{src}": Service in version "v1" cannot be '
                 "handled as a Service: " + UNMARSHAL.format(what="object", field="ServiceSpec.spec.ports",
                                                              go="[]v1.ServicePort"), id="map-where-list"),
    pytest.param(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: \xff\xfe\n", "apply",
                 'error: error parsing {src}: error converting YAML to JSON: yaml: invalid leading UTF-8 octet',
                 id="not-utf8"),
    pytest.param(b"[" * 5000 + b"]" * 5000, "apply",
                 "error: error parsing {src}: error converting YAML to JSON: yaml: exceeded max depth of 200",
                 id="deep-json"),
    pytest.param(b"a:\n" + b"".join(b"  " * i + b"b:\n" for i in range(1, 300)), "apply",
                 "error: error parsing {src}: error converting YAML to JSON: yaml: exceeded max depth of 200",
                 id="deep-yaml"),
    pytest.param(b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: two\n",
                 "replace",
                 'Error from server (BadRequest): error when replacing "{src}": Deployment in version "v1" cannot be '
                 "handled as a Deployment: " + UNMARSHAL.format(what="string", field="DeploymentSpec.spec.replicas",
                                                                 go="int32"), id="replace-wrong-type"),
    pytest.param(b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {}\nspec: {}\n", "replace",
                 "error: resource name may not be empty", id="replace-without-name"),
]


@pytest.mark.parametrize(("body", "verb", "message"), MANIFESTS)
def test_malformed_manifests(cluster: Path, tmp_path: Path, body: bytes, verb: str, message: str) -> None:
    src = tmp_path / ("obj.json" if body.startswith(b"[") else "obj.yaml")
    src.write_bytes(body)
    before = _dump()
    r = run_cli("kubectl", verb, "-f", str(src))
    assert (r.code, r.err.strip()) == (1, message.replace("{src}", str(src)))
    assert _dump() == before


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(("kubectl", "run", "x", "--image=nginx", "--port=http"),
                 'error: strconv.Atoi: parsing "http": invalid syntax', id="run-port-name"),
    pytest.param(("helm", "install", "i", "ingress-nginx/ingress-nginx", "--set", "controller.replicaCount=two"),
                 'Error: INSTALLATION FAILED: Deployment in version "v1" cannot be handled as a Deployment: '
                 + UNMARSHAL.format(what="string", field="DeploymentSpec.spec.replicas", go="int32"),
                 id="helm-replicaCount-two"),
    pytest.param(("helm", "install", "i", "ingress-nginx/ingress-nginx", "--set", "controller.service.ports.http=abc"),
                 'Error: INSTALLATION FAILED: Service in version "v1" cannot be handled as a Service: '
                 + UNMARSHAL.format(what="string", field="ServicePort.spec.ports.port", go="int32"),
                 id="helm-port-not-integer"),
    pytest.param(("helm", "install", "i", "ingress-nginx/ingress-nginx", "--set", "controller.service=x"),
                 "Error: INSTALLATION FAILED: template: ingress-nginx: executing the chart's templates: a value has "
                 "the wrong type", id="helm-scalar-where-map"),
])
def test_malformed_flags(cluster: Path, argv: tuple[str, ...], message: str) -> None:
    before = _dump()
    r = run_cli(*argv)
    assert r.code == 1 and r.err.startswith(message), r.err
    assert "Traceback" not in r.err
    assert _dump() == before


@pytest.mark.parametrize(("verb", "body", "message"), [
    pytest.param(("matrix", "--from-dir"), b"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n"
                 b"spec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n"
                 b"        backend:\n          service: x\n",
                 'Error from server (BadRequest): error when creating "obj.yaml": Ingress in version "v1" cannot be '
                 "handled as a Ingress: " + UNMARSHAL.format(
                     what="string", field="IngressBackend.spec.rules.http.paths.backend.service",
                     go="v1.IngressServiceBackend"), id="from-dir-ingress-backend-scalar"),
    pytest.param(("helm", "install", "i", "ingress-nginx/ingress-nginx", "-f"), b"\xa3\xcd\x06[k{}",
                 "Error: failed to parse {src}: error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
                 id="helm-values-not-utf8"),
])
def test_fuzz_finds(cluster: Path, tmp_path: Path, verb: tuple[str, ...], body: bytes, message: str) -> None:
    """Crashes the fuzz property found: a wrongly typed object in a --from-dir directory, a values file that is
    not UTF-8."""
    d = tmp_path / "dir"
    d.mkdir()
    src = d / "obj.yaml"
    src.write_bytes(body)
    before = _dump()
    r = run_cli(*verb, str(d if verb[0] == "matrix" else src))
    assert "Traceback" not in r.err
    assert message.replace("{src}", str(src)) in r.out + r.err, r.out + r.err
    assert _dump() == before


def test_stdin_not_utf8(cluster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    class Stdin(io.StringIO):
        buffer = io.BytesIO(b"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \xc3\x28\n")

    monkeypatch.setattr(sys, "stdin", Stdin())
    from aksnet.cli.main import main

    assert main(["kubectl", "apply", "-f", "-"]) == 1
