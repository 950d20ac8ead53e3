"""``aksnet helm`` scenarios on an emulated cluster, pinned by golden object lists under
tests/scenarios/helm_ingress_nginx/: what the chart creates (real names and labels), the release Secrets, and
what upgrade/uninstall change; plus helm's error messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, run_cli
from tests.golden import SCENARIOS, check_golden_json

Run = Callable[..., Result]
SEED_INSTALL = ["helm", "install", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
                "--create-namespace", "--set", "controller.replicaCount=2",
                "--set", "controller.nodeSelector.beta\\.kubernetes\\.io/os=linux",
                "--set", "defaultBackend.nodeSelector.beta\\.kubernetes\\.io/os=linux"]


@pytest.fixture
def cluster(home: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")
    for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                 ["az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "--network-plugin", "kubenet",
                  "--generate-ssh-keys"],
                 ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"]):
        r = run_cli(*argv)
        assert r.code == 0, r.err
    return run_cli


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def helm_objects() -> list[str]:
    """Every object helm manages (annotation meta.helm.sh/release-name) as ``Kind ns/name labels``."""
    out = []
    for kind in ("serviceaccounts", "configmaps", "services", "deployments", "daemonsets", "ingressclasses"):
        items = json.loads(ok("kubectl", "get", kind, "-A", "-o", "json"))["items"]
        for d in items:
            meta = d["metadata"]
            if "meta.helm.sh/release-name" not in (meta.get("annotations") or {}):
                continue
            labels = ",".join(f"{k}={v}" for k, v in sorted((meta.get("labels") or {}).items()))
            out.append(f"{d['kind']} {meta.get('namespace', '')}/{meta['name']} {labels}")
    return sorted(out)


def release_secrets() -> list[str]:
    items = json.loads(ok("kubectl", "get", "secrets", "-A", "-o", "json"))["items"]
    return sorted(f"{d['metadata']['namespace']}/{d['metadata']['name']} {d['type']} "
                  f"status={d['metadata']['labels']['status']}" for d in items if d["type"] == "helm.sh/release.v1")


def controller_service() -> dict[str, Any]:
    d = json.loads(ok("kubectl", "get", "svc", "-n", "ingress-basic", "nginx-ingress-ingress-nginx-controller",
                      "-o", "json"))
    spec = d["spec"]
    return {"type": spec["type"], "externalTrafficPolicy": spec.get("externalTrafficPolicy"),
            "healthCheckNodePort": "set" if spec.get("healthCheckNodePort") else None,
            "ports": [(p["name"], p["port"], p["targetPort"], p.get("appProtocol")) for p in spec["ports"]],
            "annotations": {k: v for k, v in (d["metadata"].get("annotations") or {}).items()
                            if not k.startswith("kubectl.kubernetes.io")},
            "ingress": bool(d["status"]["loadBalancer"].get("ingress"))}


def test_seed_install_upgrade_uninstall(cluster: Run, update_golden: bool) -> None:
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "repo", "update")
    out = ok(*SEED_INSTALL)
    assert out.startswith("NAME: nginx-ingress\nLAST DEPLOYED: Thu Jan  1 00:00:00 2026\nNAMESPACE: ingress-basic\n"
                          "STATUS: deployed\nREVISION: 1\nTEST SUITE: None\nNOTES:\n")
    assert ok("kubectl", "get", "deploy", "-n", "ingress-basic", "nginx-ingress-ingress-nginx-controller", "-o",
              "jsonpath={.status.readyReplicas}") == "2"
    assert ok("kubectl", "get", "ingressclass", "-o", "jsonpath={.items[*].spec.controller}") == "k8s.io/ingress-nginx"
    installed = {"objects": helm_objects(), "secrets": release_secrets(), "service": controller_service(),
                 "list": ok("helm", "list", "-n", "ingress-basic")}
    ok("helm", "upgrade", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--reuse-values", "--set", "controller.service.externalTrafficPolicy=Local",
       "--set", "controller.service.annotations.service\\.beta\\.kubernetes\\.io/azure-load-balancer-health-probe"
                "-request-path=/healthz", "--set", "defaultBackend.enabled=true")
    upgraded: dict[str, Any] = {
                "objects": helm_objects(), "secrets": release_secrets(), "service": controller_service(),
                "values": ok("helm", "get", "values", "nginx-ingress", "-n", "ingress-basic"),
                "history": ok("helm", "history", "nginx-ingress", "-n", "ingress-basic")}
    assert upgraded["service"]["externalTrafficPolicy"] == "Local"
    assert ok("helm", "uninstall", "nginx-ingress", "-n", "ingress-basic") == 'release "nginx-ingress" uninstalled\n'
    after = {"objects": helm_objects(), "secrets": release_secrets(),
             "publicIPs": json.loads(ok("az", "network", "public-ip", "list", "-g", "MC_rg_aks_eastus",
                                        "--query", "[].name"))}
    check_golden_json(SCENARIOS / "helm_ingress_nginx/install.json", installed, update_golden)
    check_golden_json(SCENARIOS / "helm_ingress_nginx/upgrade.json", upgraded, update_golden)
    check_golden_json(SCENARIOS / "helm_ingress_nginx/uninstall.json", after, update_golden)


ERRORS: list[tuple[list[str], str]] = [
    (["helm", "install", "x", "ingress-nginx/ingress-nginx", "-n", "missing"],
     'Error: INSTALLATION FAILED: create: failed to create: namespaces "missing" not found'),
    (["helm", "install", "x", "nope/ingress-nginx"], "Error: INSTALLATION FAILED: repo nope not found"),
    (["helm", "install", "x", "ingress-nginx/ingress-nginx", "--version", "9.9.9"],
     'Error: INSTALLATION FAILED: chart "ingress-nginx" matching 9.9.9 not found in ingress-nginx index.'),
    (["helm", "upgrade", "x", "ingress-nginx/ingress-nginx"], 'Error: UPGRADE FAILED: "x" has no deployed releases'),
    (["helm", "uninstall", "x"], "Error: uninstall: Release not loaded: x: release: not found"),
    (["helm", "repo", "add", "foo", "https://example.com/charts"],
     'Error: looks like "https://example.com/charts" is not a valid chart repository or cannot be reached'),
    (["helm", "install", "x", "ingress-nginx/ingress-nginx", "--bogus"], "Error: unknown flag: --bogus"),
    (["helm", "install", "x", "ingress-nginx/ingress-nginx", "--set", "a"],
     'Error: failed parsing --set data: key "a" has no value'),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a[1:3]) + f"#{i}" for i, (a, _) in
                                                           enumerate(ERRORS)])
def test_helm_errors(cluster: Run, argv: list[str], message: str) -> None:
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    r = run_cli(*argv)
    assert r.code == 1
    assert r.err.startswith(message), r.err


def test_reinstall_same_name_and_ingressclass_ownership(cluster: Run) -> None:
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "install", "a", "ingress-nginx/ingress-nginx")
    r = run_cli("helm", "install", "a", "ingress-nginx/ingress-nginx")
    assert r.err.startswith("Error: INSTALLATION FAILED: cannot re-use a name that is still in use")
    r = run_cli("helm", "install", "b", "ingress-nginx/ingress-nginx")
    assert r.code == 1
    assert ('IngressClass "nginx" in namespace "" exists and cannot be imported into the current release: invalid '
            'ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "b": '
            'current value is "a"') in r.err
    ok("helm", "install", "b", "ingress-nginx/ingress-nginx", "--set", "controller.ingressClassResource.name=nginx-b",
       "--set", "controller.ingressClass=nginx-b", "--set", "controller.ingressClassResource.controllerValue="
                                                            "k8s.io/ingress-nginx-b")
    assert ok("kubectl", "get", "ingressclass", "-o", "jsonpath={.items[*].metadata.name}") == "nginx nginx-b"
    assert ok("helm", "list", "-q") == "a\nb\n"


USAGE: list[tuple[list[str], str]] = [
    (["helm", "foo"], 'Error: unknown command "foo" for "helm"\nRun \'helm --help\' for usage.\n'),
    (["helm", "repo", "foo"], 'Error: unknown command "foo" for "helm repo"\n'),
    (["helm", "install"], "Error: INSTALLATION FAILED: must either provide a name or specify --generate-name\n"),
    (["helm", "install", "a", "b", "c"], 'Error: "helm install" requires at most 2 arguments\n'),
    (["helm", "get", "values"], 'Error: "helm get values" requires at least 1 argument\n'),
    (["helm", "repo", "list"], "Error: no repositories to show\n"),
]


@pytest.mark.parametrize(("argv", "stderr"), USAGE, ids=[" ".join(a[1:]) for a, _ in USAGE])
def test_usage_errors(home: Path, argv: list[str], stderr: str) -> None:
    r = run_cli(*argv)
    assert (r.code, r.err) == (1, stderr)


def test_template_and_version(home: Path) -> None:
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    out = ok("helm", "template", "web", "ingress-nginx/ingress-nginx", "-n", "edge",
             "--set", "controller.kind=DaemonSet,defaultBackend.enabled=true")
    sources = [line for line in out.splitlines() if line.startswith("# Source:")]
    assert sources == [
        # helm's order: by kind (install order), then by template path; the hooks last
        "# Source: ingress-nginx/templates/controller-serviceaccount.yaml",
        "# Source: ingress-nginx/templates/default-backend-serviceaccount.yaml",
        "# Source: ingress-nginx/templates/controller-configmap.yaml",
        "# Source: ingress-nginx/templates/clusterrole.yaml",
        "# Source: ingress-nginx/templates/clusterrolebinding.yaml",
        "# Source: ingress-nginx/templates/controller-role.yaml",
        "# Source: ingress-nginx/templates/controller-rolebinding.yaml",
        "# Source: ingress-nginx/templates/controller-service-webhook.yaml",
        "# Source: ingress-nginx/templates/controller-service.yaml",
        "# Source: ingress-nginx/templates/default-backend-service.yaml",
        "# Source: ingress-nginx/templates/controller-daemonset.yaml",
        "# Source: ingress-nginx/templates/default-backend-deployment.yaml",
        "# Source: ingress-nginx/templates/controller-ingressclass.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/validating-webhook.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/serviceaccount.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/clusterrole.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/clusterrolebinding.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/role.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/rolebinding.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/job-createSecret.yaml",
        "# Source: ingress-nginx/templates/admission-webhooks/job-patch/job-patchWebhook.yaml",
    ]
    assert "--default-backend-service=$(POD_NAMESPACE)/web-ingress-nginx-defaultbackend" in out
    assert ok("helm", "version", "--short") == "v3.16.2\n"


def test_global_flags_first_and_generate_name(cluster: Run) -> None:
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    out = ok("helm", "-n", "edge", "install", "ingress-nginx/ingress-nginx", "--generate-name", "--create-namespace")
    assert out.startswith("NAME: ingress-nginx-1767225600\n")  # <chart>-<unix time of AKSNET_NOW>
    assert ok("helm", "-n", "edge", "list", "-q") == "ingress-nginx-1767225600\n"
    # the release name contains the chart name, so objects are named after the release alone
    assert ok("kubectl", "get", "deploy", "-n", "edge", "-o", "name") == \
        "deployment.apps/ingress-nginx-1767225600-controller\n"


def test_get_values_output_like_helm(cluster: Run) -> None:
    """``helm get values``: the table output has the USER-SUPPLIED VALUES header, ``-o yaml`` only the values;
    YAML as sigs.k8s.io/yaml writes it (strings that would read as booleans or numbers double-quoted)."""
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "install", "x", "ingress-nginx/ingress-nginx", "-n", "ing", "--create-namespace",
       "--set-string", "controller.podLabels.flag=true", "--set", "controller.replicaCount=1")
    assert ok("helm", "get", "values", "x", "-n", "ing") == (
        'USER-SUPPLIED VALUES:\ncontroller:\n  podLabels:\n    flag: "true"\n  replicaCount: 1\n')
    assert ok("helm", "get", "values", "x", "-n", "ing", "-o", "yaml") == (
        'controller:\n  podLabels:\n    flag: "true"\n  replicaCount: 1\n')
