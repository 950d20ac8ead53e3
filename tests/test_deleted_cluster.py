"""A deleted cluster is gone: kubectl and helm against its context fail as they do against a name that no
longer resolves, and no later command re-creates any of its Kubernetes objects."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.cli.common import command_transaction
from aksnet.twin.aks.names import cluster_id
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.kube_store import cluster_scope
from tests.conftest import run_cli

DELETES = {
    "aks-delete": ("az", "aks", "delete", "-g", "rg", "-n", "aks", "--yes"),
    "group-delete": ("az", "group", "delete", "-n", "rg", "--yes"),
}

LATER = [
    pytest.param(("kubectl", "get", "pods"), 1, id="kubectl-get"),
    pytest.param(("kubectl", "create", "deployment", "web2", "--image=nginx"), 1, id="kubectl-create"),
    pytest.param(("kubectl", "apply", "-f", "-"), 1, id="kubectl-apply"),
    pytest.param(("kubectl", "delete", "deployment", "web"), 1, id="kubectl-delete"),
    pytest.param(("kubectl", "scale", "deployment", "web", "--replicas=3"), 1, id="kubectl-scale"),
    pytest.param(("helm", "install", "ingress-nginx", "ingress-nginx/ingress-nginx"), 1, id="helm-install"),
    pytest.param(("helm", "list"), 1, id="helm-list"),
    pytest.param(("matrix",), 1, id="matrix"),
    pytest.param(("dns", "kubernetes.default"), 1, id="dns"),
]
MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: back\n"


def _fqdn() -> str:
    r = run_cli("az", "aks", "show", "-g", "rg", "-n", "aks", "--query", "fqdn", "-o", "tsv")
    assert r.code == 0, r.err
    return r.out.strip()


def _scope_rows() -> int:
    with command_transaction(write=False) as tx:
        return sum(1 for _, scope, _, _ in tx.dump() if scope == cluster_scope(cluster_id("rg", "aks")))


@pytest.mark.parametrize(("argv", "code"), LATER)
@pytest.mark.parametrize("delete", list(DELETES), ids=list(DELETES))
def test_kubectl_against_deleted_cluster(home: Path, delete: str, argv: tuple[str, ...], code: int) -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none").code == 0
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks").code == 0
    assert run_cli("kubectl", "create", "deployment", "web", "--image=nginx").code == 0
    assert run_cli("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx").code == 0
    fqdn = _fqdn()
    assert run_cli(*DELETES[delete]).code == 0
    assert _scope_rows() == 0
    r = run_cli(*argv, stdin=MANIFEST)
    assert r.code == code, (r.out, r.err)
    assert f"dial tcp: lookup {fqdn}: no such host" in r.err, r.err
    if argv[0] == "kubectl":
        assert r.err.startswith("Unable to connect to the server: "), r.err
    if argv[0] == "helm":
        assert r.err.startswith(f'Error: Kubernetes cluster unreachable: Get "https://{fqdn}:443/version": '), r.err
    assert _scope_rows() == 0


def test_reconcile_of_deleted_cluster_creates_nothing(home: Path) -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none").code == 0
    assert run_cli("az", "aks", "delete", "-g", "rg", "-n", "aks", "--yes").code == 0
    with command_transaction() as tx:
        reconcile_cluster(tx, cluster_id("rg", "aks"))
    assert _scope_rows() == 0


def test_recreated_cluster_starts_empty(home: Path) -> None:
    for _ in range(2):
        assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none").code == 0
        assert run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none").code == 0
        assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--overwrite-existing").code == 0
        r = run_cli("kubectl", "get", "deployments")
        assert r.code == 0 and "web" not in r.out, r.out
        assert run_cli("kubectl", "create", "deployment", "web", "--image=nginx").code == 0
        assert run_cli("az", "group", "delete", "-n", "rg", "--yes").code == 0


def test_kubeconfig_file_of_deleted_cluster(home: Path, tmp_path: Path) -> None:
    kc = tmp_path / "kubeconfig"
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "-o", "none").code == 0
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "aks", "--file", str(kc)).code == 0
    fqdn = _fqdn()
    assert run_cli("az", "aks", "delete", "-g", "rg", "-n", "aks", "--yes").code == 0
    r = run_cli("kubectl", "get", "pods", "--kubeconfig", str(kc))
    assert (r.code, r.err.strip()) == (1, f"Unable to connect to the server: dial tcp: lookup {fqdn}: no such host")
