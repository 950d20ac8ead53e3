"""The engine on a cluster built through the CLI (az aks create, kubectl apply, helm install, kubectl create
secret tls): acceptance 03's ingress cases, read from the workspace by the twin loader."""

from __future__ import annotations

import subprocess
from pathlib import Path

from aksnet.engine.ingress import HttpRequest, IngressDecision, controller_view, ingress_controllers, route_request
from aksnet.io.twin_loader import load_twin
from aksnet.store.workspace import Workspace
from tests.conftest import run_cli

# copies of acceptance/manifests/production-app.yaml and ingress.yaml (seed 000)
MANIFESTS = Path(__file__).resolve().parent.parent / "scenarios" / "ingress_acceptance03" / "cli"


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, f"aksnet {' '.join(args)}: {r.err}"
    return r.out


def test_acceptance03_through_the_twin(home: Path, tmp_path: Path) -> None:
    _ok("az", "group", "create", "--name", "rg", "--location", "eastus")
    _ok(
        "az",
        "network",
        "vnet",
        "create",
        "-g",
        "rg",
        "-n",
        "vnet",
        "--address-prefixes",
        "10.240.0.0/16",
        "--subnet-name",
        "nodes",
        "--subnet-prefixes",
        "10.240.0.0/22",
    )
    subnet = _ok(
        "az",
        "network",
        "vnet",
        "subnet",
        "show",
        "-g",
        "rg",
        "--vnet-name",
        "vnet",
        "-n",
        "nodes",
        "--query",
        "id",
        "-o",
        "tsv",
    ).strip()
    _ok(
        "az",
        "aks",
        "create",
        "-g",
        "rg",
        "-n",
        "aks",
        "--network-plugin",
        "kubenet",
        "--vnet-subnet-id",
        subnet,
        "--pod-cidr",
        "10.244.0.0/16",
        "--generate-ssh-keys",
    )
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    _ok("kubectl", "apply", "-f", str(MANIFESTS / "production-app.yaml"))
    _ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    _ok(
        "helm",
        "install",
        "nginx-ingress",
        "ingress-nginx/ingress-nginx",
        "--namespace",
        "ingress-basic",
        "--create-namespace",
        "--set",
        "controller.replicaCount=2",
    )
    crt, key = tmp_path / "tls.crt", tmp_path / "tls.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-nodes",
            "-days",
            "2",
            "-newkey",
            "rsa:2048",
            "-subj",
            "/CN=myapp.example.com",
            "-keyout",
            str(key),
            "-out",
            str(crt),
        ],
        check=True,
        capture_output=True,
    )
    _ok("kubectl", "create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(crt), "--key", str(key))
    _ok("kubectl", "apply", "-f", str(MANIFESTS / "ingress.yaml"))

    with Workspace.open(home, create=False).transaction(write=False) as tx:
        cluster = load_twin(tx).clusters[0]
    assert ingress_controllers(cluster) == ("k8s.io/ingress-nginx",)
    view = controller_view(cluster, "nginx")
    assert view.config.config_map == "ingress-basic/nginx-ingress-ingress-nginx-controller"

    def go(scheme: str, path: str) -> IngressDecision:
        return route_request(view, HttpRequest(scheme, "myapp.example.com", path, remote_addr="10.240.0.4"))

    root = go("https", "/")
    assert root.action == "proxy" and root.service == "production/frontend-service"
    assert all((e.pod or "").startswith("production/frontend-") for e in root.endpoints)
    assert root.certificate is not None and root.certificate.secret == "production/tls-secret"
    api = go("https", "/api/users")
    assert (api.service, api.request_uri) == ("production/api-service", "/")
    assert {e.port for e in api.endpoints} == {8080}  # targetPort: http → 8080
    redirect = go("http", "/api")
    assert (redirect.status, redirect.location_header) == (308, "https://myapp.example.com/api")
