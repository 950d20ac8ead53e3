"""A fuzz property over the command line: az, kubectl, helm, trace, matrix, lint and ``--from-dir`` get
hostile arguments and manifests (wrong types, nulls, deep nesting, bytes that are not UTF-8, absurd numbers),
in-process, against one small workspace with a cluster.

Asserted for every example: no uncaught exception and no traceback on stderr, the exit code is one the
imitated tool documents, and a command that fails leaves the workspace exactly as it was (a dump of every
document and metadata entry compared before and after).

Examples: the hypothesis profile ``aksnet-fuzz-ci`` (CI=true) runs 5,000, ``aksnet-fuzz`` (default) 150;
``AKSNET_FUZZ_EXAMPLES=N`` overrides both.
"""

from __future__ import annotations

import json
import os
import shutil
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aksnet.store.workspace import DB_NAME, Workspace
from tests.conftest import aksnet_home, run_cli

_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# no shrinking: a command line is already small, and shrinking against a workspace costs minutes
_COMMON: dict[str, Any] = {"deadline": None, "database": None, "derandomize": False, "report_multiple_bugs": False,
           "phases": (Phase.explicit, Phase.reuse, Phase.generate),
           "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large]}
settings.register_profile("aksnet-fuzz-ci", max_examples=int(os.environ.get("AKSNET_FUZZ_EXAMPLES", 5000)), **_COMMON)
settings.register_profile("aksnet-fuzz", max_examples=int(os.environ.get("AKSNET_FUZZ_EXAMPLES", 150)), **_COMMON)
PROFILE = settings.get_profile("aksnet-fuzz-ci" if _CI else "aksnet-fuzz")

# exit codes each tool documents: az 0/1/2 (usage)/3 (show of a missing resource); kubectl and helm 0/1;
# trace/probe 0 delivered, 1 not delivered, 2 bad input; matrix/lint/plan 0/1/2 (usage)
EXIT_CODES = {"az": {0, 1, 2, 3}, "kubectl": {0, 1}, "helm": {0, 1}, "trace": {0, 1, 2}, "matrix": {0, 1, 2},
              "lint": {0, 1, 2}, "plan": {0, 1, 2}, "explain": {0, 1, 2}}

READ_ONLY = frozenset({"trace", "matrix", "lint", "plan", "explain"})  # read-only transactions

SETUP = (
    ("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none"),
    ("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none"),
    ("az", "aks", "get-credentials", "-g", "rg", "-n", "aks"),
    ("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx"),
    ("kubectl", "create", "deployment", "web", "--image=nginx", "--port=80"),
    ("kubectl", "expose", "deployment", "web", "--port=80"),
)

# -- values ------------------------------------------------------------------------------------------------
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_WORDS = st.sampled_from(["", "x", "web", "http", "two", "-1", "0", "1", "80", "65536", "100000", "2147483648",
                          "1.5", "true", "null", "~", "[]", "{}", "a=b", "10.0.0.0/8", "::1", "..", "ÿ", "*",
                          "kube-system", "default", "TCP", "UDP", "ClusterIP", "LoadBalancer", "None"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.floats(allow_nan=False, width=32),
                     _TEXT, _WORDS)
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(_WORDS | _TEXT, inner, max_size=3)),
                     max_leaves=8)
_WORD_ARGS = _WORDS | _TEXT.filter(lambda t: "\x00" not in t)

BASES: dict[str, dict[str, Any]] = {
    "service": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}],
                         "type": "ClusterIP", "sessionAffinity": "None"}},
    "deployment": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "dep", "labels": {"a": "b"}},
                   "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}},
                            "template": {"metadata": {"labels": {"app": "d"}},
                                         "spec": {"containers": [{"name": "c", "image": "nginx",
                                                                  "ports": [{"containerPort": 80}]}]}}}},
    "pod": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}],
                     "nodeSelector": {"kubernetes.io/os": "linux"}}},
    "configmap": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": "v"}},
    "secret": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "type": "Opaque",
               "data": {"k": "dg=="}},
    "networkpolicy": {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np"},
                      "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
                               "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                                            "ports": [{"port": 80, "protocol": "TCP"}]}]}},
    "ingress": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {
        "name": "ing", "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}},
                "spec": {"ingressClassName": "nginx", "rules": [{"host": "a.example.com", "http": {"paths": [
                    {"path": "/", "pathType": "Prefix",
                     "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}},
    "statefulset": {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "sts"},
                    "spec": {"serviceName": "sts", "replicas": 1, "selector": {"matchLabels": {"app": "s"}},
                             "template": {"metadata": {"labels": {"app": "s"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}},
}


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    parent[path[-1]] = value
    return doc


@st.composite
def manifests(draw: st.DrawFn) -> bytes:
    """A valid object with one to three values replaced by hostile ones, or hostile bytes."""
    kind = draw(st.sampled_from(sorted(BASES)))
    doc: Any = json.loads(json.dumps(BASES[kind]))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p[:1] not in (("apiVersion",), ("kind",))] if isinstance(doc, dict) else [()]
        path = draw(st.sampled_from(paths))
        mode = draw(st.sampled_from(["replace", "replace", "null", "add"]))
        if mode == "null":
            doc = _set(doc, path, None)
        elif mode == "add" and path and isinstance(_get(doc, path), dict):
            _get(doc, path)[draw(_WORDS | _TEXT)] = draw(_JSON)
        else:
            doc = _set(doc, path, draw(_JSON))
    form = draw(st.sampled_from(["json", "yaml", "deep", "bytes", "json"]))
    if form == "deep":
        depth = draw(st.integers(50, 3000))
        return ("[" * depth + "]" * depth).encode() if draw(st.booleans()) else (
            "a:\n" + "".join("  " * i + "b:\n" for i in range(1, min(depth, 400)))).encode()
    if form == "bytes":
        return draw(st.binary(max_size=64)) + json.dumps(doc).encode()
    text = json.dumps(doc) if form == "json" else _yaml(doc)
    return text.encode("utf-8", "surrogatepass")


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _yaml(doc: Any) -> str:
    import yaml

    return str(yaml.safe_dump(doc, allow_unicode=True))


# -- command lines ----------------------------------------------------------------------------------------
def _kv(key: str) -> st.SearchStrategy[str]:
    return _WORD_ARGS.map(lambda v: f"{key}={v}")


HELM_KEYS = ["controller.replicaCount", "controller.service.type", "controller.service.ports.http",
             "controller.service.ports.https", "controller.service.nodePorts.http",
             "controller.config.use-forwarded-headers",
             "controller.nodeSelector.kubernetes\\.io/os", "controller.service.loadBalancerSourceRanges",
             "controller.service.loadBalancerSourceRanges[0]", "controller.ingressClassResource.name",
             "controller.service.externalTrafficPolicy", "controller.extraArgs.default-ssl-certificate",
             "controller.service.annotations.service\\.beta\\.kubernetes\\.io/azure-load-balancer-internal",
             "defaultBackend.enabled", "controller.kind", "controller.hostNetwork",
             "controller.admissionWebhooks.enabled"]


Argv = list[str]


def _az(w: st.DrawFn) -> Argv:
    a = _WORD_ARGS
    pick = w(st.integers(0, 10))
    if pick == 0:
        argv = ["az", "aks", "scale", "-g", "rg", "-n", "aks", "--node-count", w(a)]
    elif pick == 1:
        argv = ["az", "aks", "create", "-g", "rg", "-n", w(a), "--node-count", w(a), "--max-pods", w(a)]
    elif pick == 2:
        argv = ["az", "aks", "create", "-g", "rg", "-n", "a2", "--network-plugin", w(a), "--pod-cidr", w(a),
                "--service-cidr", w(a), "--dns-service-ip", w(a)]
    elif pick == 3:
        argv = ["az", "aks", "nodepool", "add", "-g", "rg", "--cluster-name", "aks", "-n", w(a), "--node-count",
                w(a)]
    elif pick == 4:
        argv = ["az", "aks", "show", "-g", w(a), "-n", w(a), "--query", w(a)]
    elif pick == 5:
        argv = ["az", "network", "vnet", "create", "-g", "rg", "-n", w(a), "--address-prefixes", w(a),
                "--subnet-name", w(a), "--subnet-prefixes", w(a)]
    elif pick == 6:
        argv = ["az", "network", "nsg", "rule", "create", "-g", "rg", "--nsg-name", w(a), "-n", w(a), "--priority",
                w(a), "--destination-port-ranges", w(a)]
    elif pick == 7:
        argv = ["az", "network", "public-ip", "create", "-g", "rg", "-n", w(a), "--sku", w(a)]
    elif pick == 8:
        argv = ["az", "vm", "create", "-g", "rg", "-n", w(a), "--image", w(a), "--admin-password", w(a)]
    elif pick == 9:
        argv = ["az", "group", "create", "-n", w(a), "-l", w(a)]
    else:
        argv = ["az", "aks", "update", "-g", "rg", "-n", "aks", "--api-server-authorized-ip-ranges", w(a)]
    out = w(st.sampled_from([[], ["-o", "none"], ["-o", "json"], ["-o", "?"]]))
    return argv + (["-o", w(a)] if out == ["-o", "?"] else out)


PATCHES = st.sampled_from(['{"spec":null}', '{"spec":{"ports":"x"}}', '{"spec":{"type":7}}', "[", "{}"])


def _kubectl(w: st.DrawFn, manifest: str) -> Argv:
    a = _WORD_ARGS
    pick = w(st.integers(0, 19))
    table: list[Any] = [
        lambda: ["kubectl", "apply", "-f", manifest],
        lambda: ["kubectl", "create", "-f", manifest],
        lambda: ["kubectl", "replace", "-f", manifest],
        lambda: ["kubectl", "apply", "-f", manifest, "--dry-run=server"],
        lambda: ["kubectl", "run", w(a), "--image=nginx", f"--port={w(a)}"],
        lambda: ["kubectl", "create", "deployment", w(a), "--image=nginx", f"--replicas={w(a)}", f"--port={w(a)}"],
        lambda: ["kubectl", "scale", "deployment", "web", f"--replicas={w(a)}"],
        lambda: ["kubectl", "expose", "deployment", "web", f"--port={w(a)}", f"--target-port={w(a)}",
                 f"--type={w(a)}", f"--name={w(a)}"],
        lambda: ["kubectl", "create", "service", w(a), w(a), f"--tcp={w(a)}"],
        lambda: ["kubectl", "label", "deployment", "web", w(_kv("a"))],
        lambda: ["kubectl", "annotate", "service", "web", w(_kv("a"))],
        lambda: ["kubectl", "get", w(a), "-o", w(st.sampled_from(["json", "yaml", "wide", "name"]) | a)],
        lambda: ["kubectl", "get", "pods", "-o", f"jsonpath={w(a)}"],
        lambda: ["kubectl", "delete", w(a), w(a)],
        lambda: ["kubectl", "create", "namespace", w(a)],
        lambda: ["kubectl", "create", "secret", "tls", w(a), "--cert", manifest, "--key", manifest],
        lambda: ["kubectl", "create", "configmap", w(a), f"--from-literal={w(_kv('k'))}"],
        lambda: ["kubectl", "patch", "service", "web", "-p", w(PATCHES | a)],
        lambda: ["kubectl", "set", "image", "deployment/web", w(_kv("nginx"))],
        lambda: ["kubectl", "config", "use-context", w(a)],
    ]
    return list(table[pick]())


def _helm(w: st.DrawFn, manifest: str) -> Argv:
    a = _WORD_ARGS
    pick = w(st.integers(0, 4))
    if pick <= 1:
        sets = w(st.lists(st.tuples(st.sampled_from(HELM_KEYS), a), min_size=1, max_size=3))
        flags = [x for k, v in sets for x in ("--set", f"{k}={v}")]
        if pick == 0:
            return ["helm", "install", "ing", "ingress-nginx/ingress-nginx", "-n", "ingress-basic",
                    "--create-namespace", *flags]
        return ["helm", "upgrade", "--install", "ing", "ingress-nginx/ingress-nginx", *flags]
    if pick == 2:
        return ["helm", "install", w(a), "ingress-nginx/ingress-nginx", "-f", manifest]
    if pick == 3:
        return ["helm", "uninstall", w(a)]
    return ["helm", "list", "-o", w(a)]


ENDS = st.sampled_from(["pod/default/web", "deploy/web", "svc/default/web", "internet", "node/x", "vm/x",
                        "10.244.0.5", "svc/default/web:80", "http://a.example.com/", "internet/1.2.3.4"])


@st.composite
def command_lines(draw: st.DrawFn, manifest_path: Path, dir_path: Path) -> Argv:
    w = draw
    a = _WORD_ARGS
    tool = w(st.sampled_from(["az", "az", "kubectl", "kubectl", "kubectl", "kubectl", "helm", "trace", "matrix",
                              "lint", "plan", "fromdir"]))
    if tool == "az":
        return _az(w)
    if tool == "kubectl":
        return _kubectl(w, str(manifest_path))
    if tool == "helm":
        return _helm(w, str(manifest_path))
    if tool == "trace":
        extra = w(st.sampled_from([[], ["--protocol", "?"], ["-o", "json"]]))
        return ["trace", w(ENDS | a), w(ENDS | a), "--port", w(a),
                *(["--protocol", w(a)] if extra == ["--protocol", "?"] else extra)]
    if tool == "matrix":
        return ["matrix", "-o", w(st.sampled_from(["text", "json", "csv", "md", "dot"]) | a)]
    if tool == "lint":
        pick = w(st.integers(0, 2))
        return ["lint", *([] if pick == 0 else ["--context", w(a)] if pick == 1 else ["-o", w(a)])]
    if tool == "plan":
        return ["plan", "--node-count", w(a), "--max-pods", w(a), "--network-plugin",
                w(st.sampled_from(["azure", "kubenet", "none"]) | a)]
    d = str(dir_path)
    return w(st.sampled_from([["matrix", "--from-dir", d], ["lint", "--from-dir", d],
                              ["trace", "--from-dir", d, "pod/default/p", "internet", "--port", "80"],
                              ["explain", "--from-dir", d, "pod/default/p"]]))


# -- the property -----------------------------------------------------------------------------------------
def _state(home: Path) -> tuple[Any, ...]:
    """Every document and metadata entry of the workspace (empty when there is none)."""
    if not (home / DB_NAME).exists():
        return ()
    ws = Workspace.open(home, create=False)
    try:
        with ws.transaction(write=False) as tx:
            return tuple(tx.dump()), tuple(sorted(tx.meta_items().items()))
    finally:
        ws.close()


class Template:
    """The workspace every example starts from, and its state (computed once)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.state = _state(home)


class Workdir:
    """One example's workspace: a copy of the template, copied again only after a command changed it."""

    def __init__(self, template: Template, root: Path) -> None:
        self.template = template
        self.home = root / "home"
        self.dirty = True

    def fresh(self) -> Path:
        if self.dirty:
            shutil.rmtree(self.home, ignore_errors=True)
            shutil.copytree(self.template.home, self.home)
            self.dirty = False
        return self.home


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    home = tmp_path_factory.mktemp("fuzz-template") / "home"
    with aksnet_home(home):
        for argv in SETUP:
            r = run_cli(*argv)
            assert r.code == 0, (argv, r.err)
    yield Template(home)


@pytest.fixture
def workdir(template: Template, tmp_path: Path) -> Workdir:
    return Workdir(template, tmp_path)


@PROFILE
@given(data=st.data())
def test_cli_never_crashes_and_failures_change_nothing(workdir: Workdir, tmp_path: Path,
                                                       data: st.DataObject) -> None:
    home = workdir.fresh()
    manifest = tmp_path / "obj.yaml"
    manifest.write_bytes(data.draw(manifests(), label="manifest"))
    mdir = tmp_path / "dir"
    mdir.mkdir(exist_ok=True)
    (mdir / "obj.yaml").write_bytes(manifest.read_bytes())
    argv = data.draw(command_lines(manifest, mdir), label="argv")
    tool = "matrix" if argv[0] == "fromdir" else argv[0]
    with aksnet_home(home):
        r = run_cli(*argv, stdin="")
    assert "Traceback" not in r.err, r.err
    assert r.code in EXIT_CODES[tool], (r.code, r.err)
    failed = r.code != 0 and not (tool == "trace" and r.code == 1)  # trace's 1 is a verdict, not a failure
    # a command that succeeded may have changed the workspace: copy it again (the analyses only read)
    workdir.dirty = not failed and tool not in READ_ONLY
    if failed:
        assert _state(home) == workdir.template.state, (argv, r.err)


@pytest.mark.parametrize("text", [
    pytest.param(string.printable, id="printable"),
])
def test_fuzz_helpers_roundtrip(text: str) -> None:
    """The manifest strategy's path helpers address every node of a document."""
    doc = {"a": [1, {"b": text}]}
    assert ("a", 1, "b") in _paths(doc)
    assert _get(_set(doc, ("a", 1, "b"), None), ("a", 1, "b")) is None
