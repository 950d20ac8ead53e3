"""matrix / explain / diff / --path on a workspace cluster built with the az and kubectl front ends
(the seeds' production app and policies; engine from networkProfile.networkPolicy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

APP = Path(__file__).resolve().parent.parent / "scenarios" / "matrix_formats" / "workspace"


def _cluster(policy: str) -> None:
    for args in (
        ["az", "group", "create", "-n", "rg", "-l", "eastus"],
        ["az", "aks", "create", "-g", "rg", "-n", "aks", "--network-plugin", "azure", "--network-policy", policy,
         "--generate-ssh-keys",
         *(["--network-plugin-mode", "overlay", "--network-dataplane", "cilium"] if policy == "cilium" else [])],
        ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"],
        ["kubectl", "apply", "-f", str(APP / "production-app.yaml")],
        ["kubectl", "apply", "-f", str(APP / "network-policy.yaml")],
    ):
        r = run_cli(*args)
        assert r.code == 0, (args, r.err)


@pytest.mark.parametrize("policy", ["azure", "calico", "cilium"])
def test_matrix_on_workspace(policy: str, home: Path) -> None:
    _cluster(policy)
    r = run_cli("matrix", "-n", "production")
    assert r.code == 0, r.err
    assert "production/frontend[Deployment] => production/backend[Deployment] : TCP 8080\n" in r.out
    assert "production/api[Deployment] => production/backend[Deployment]" not in r.out
    e = run_cli("explain", "deploy/backend", "-n", "production")
    assert f"engine {policy}" in e.out and "production/allow-frontend-to-backend" in e.out


def test_path_mode_walks_pairs(home: Path) -> None:
    _cluster("azure")
    r = run_cli("matrix", "--path", "-n", "production", "--focus", "backend")
    assert r.code == 0, r.err
    assert "production/frontend[Deployment] => production/backend[Deployment] : TCP 8080\n" in r.out
    assert "internet/198.51.100.10 => production/backend" not in r.out  # deny-all-ingress


def test_path_mode_adds_internet_vms_and_lb_frontends(home: Path) -> None:
    _cluster("azure")
    for args in (["helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx"],
                 ["helm", "install", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
                  "--create-namespace"],
                 ["az", "vm", "create", "-g", "rg", "-n", "jumpbox", "--image", "Ubuntu2204",
                  "--admin-username", "azureuser", "--generate-ssh-keys"]):
        assert run_cli(*args).code == 0, args
    r = run_cli("matrix", "--path")
    assert r.code == 0, r.err
    lb = [line for line in r.out.splitlines() if line.startswith("internet/198.51.100.10 => lb/kubernetes/")]
    assert len(lb) == 1 and lb[0].endswith(" : TCP 80,443"), lb
    assert any(line.startswith("vm/jumpbox => lb/kubernetes/") for line in r.out.splitlines())
    # the plain matrix knows nothing of frontends
    assert "lb/" not in run_cli("matrix").out


def test_none_engine_workspace_warns(home: Path) -> None:
    _cluster("none")
    r = run_cli("matrix", "-n", "production", "--focus", "backend")
    assert "not enforced" in r.err
    assert "production/api[Deployment] => production/backend[Deployment]" in r.out


def test_diff_two_workspaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("AKSNET_HOME", str(a))
    _cluster("azure")
    monkeypatch.setenv("AKSNET_HOME", str(b))
    _cluster("azure")
    assert run_cli("kubectl", "delete", "networkpolicy", "deny-all-ingress", "-n", "production").code == 0
    r = run_cli("diff", str(a), str(b))
    assert r.code == 0, r.err
    assert r.out.startswith("Connectivity diff:\n")
    assert "destination: production/backend[Deployment]" not in r.out.replace("source: production/frontend", "")
    assert ("diff-type: added, source: production/api[Deployment], destination: production/frontend[Deployment], "
            "ref1: No Connections, ref2: All Connections") in r.out


def test_diff_engines_on_current_workspace(home: Path) -> None:
    """NPM → Cilium on the current cluster: an egress ipBlock naming a pod IP stops matching under Cilium."""
    import json

    _cluster("azure")
    pods = json.loads(run_cli("kubectl", "get", "pods", "-n", "kube-system", "-o", "json").out)["items"]
    dns_ips = [p["status"]["podIP"] for p in pods if p["metadata"]["name"].startswith("coredns-")
               and not p["metadata"]["name"].startswith("coredns-autoscaler")]
    blocks = ", ".join(f"{{ipBlock: {{cidr: {ip}/32}}}}" for ip in dns_ips)
    policy = (f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: api-egress, namespace: "
              f"production}}\nspec:\n  podSelector: {{matchLabels: {{app: api}}}}\n  policyTypes: [Egress]\n"
              f"  egress:\n  - to: [{blocks}]\n")
    assert run_cli("kubectl", "apply", "-f", "-", stdin=policy).code == 0
    r = run_cli("diff", "--engine1", "azure", "--engine2", "cilium")
    assert r.code == 0, r.err
    assert ("diff-type: removed, source: production/api[Deployment], destination: kube-system/coredns[Deployment]"
            in r.out), r.out
    assert "Cilium doesn't allow traffic to or from pod or node IPs using ipBlock" in r.err


def test_path_mode_walks_with_the_chosen_engine(home: Path) -> None:
    """``--engine`` applies to the walked NetworkPolicy hops too (regression: the walk used the cluster's engine)."""
    _cluster("azure")
    r = run_cli("matrix", "--path", "-n", "production", "--focus", "backend", "--engine", "none")
    assert r.code == 0, r.err
    assert "production/api[Deployment] => production/backend[Deployment] : TCP 8080,9090\n" in r.out
