"""``aksnet lint``: each finding code appears exactly when its rule is broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def az(*args: str) -> str:
    r = run_cli("az", *args)
    assert r.code == 0, r.err
    return r.out.strip()


def _cluster(plugin: str = "kubenet", route_table: bool = True, policy: str | None = None) -> None:
    az("group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    az("network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefix", "10.0.0.0/8",
       "--subnet-name", "s", "--subnet-prefix", "10.100.0.0/16", "-o", "none")
    az("network", "nsg", "create", "-g", "rg", "-n", "nsg", "-o", "none")
    az("network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "v", "-n", "s",
       "--network-security-group", "nsg", "-o", "none")
    if route_table:
        az("network", "route-table", "create", "-g", "rg", "-n", "rt", "-o", "none")
        az("network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "v", "-n", "s", "--route-table", "rt",
           "-o", "none")
    sid = az("network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "s", "--query", "id",
             "-o", "tsv")
    extra = ["--network-policy", policy] if policy else []
    az("aks", "create", "-g", "rg", "-n", "c", "--vnet-subnet-id", sid, "--network-plugin", plugin,
       "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2", *extra, "-o", "none")
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "c").code == 0


def codes(*extra: str) -> list[str]:
    r = run_cli("lint", "-o", "json", "--fail-on", "never", *extra)
    assert r.code == 0, r.err
    return sorted({f["code"] for f in json.loads(r.out)})


def test_clean_cluster_has_only_informational_findings(home: Path) -> None:
    _cluster()
    assert codes() == ["AKSNET050"]
    assert run_cli("lint").code == 0


def test_nsg_deny_all_breaks_node_traffic_and_probes(home: Path) -> None:
    _cluster()
    az("network", "nsg", "rule", "create", "-g", "rg", "--nsg-name", "nsg", "-n", "deny", "--priority", "200",
       "--direction", "Inbound", "--access", "Deny", "--protocol", "*", "--source-address-prefixes", "*",
       "--destination-port-ranges", "*", "-o", "none")
    assert {"AKSNET010", "AKSNET011"} <= set(codes())
    r = run_cli("lint", "--fail-on", "error")
    assert r.code == 1 and "nsg/deny (priority 200, Deny)" in r.out


def test_deny_on_other_port_is_not_reported(home: Path) -> None:
    _cluster()
    az("network", "nsg", "rule", "create", "-g", "rg", "--nsg-name", "nsg", "-n", "nossh", "--priority", "200",
       "--direction", "Inbound", "--access", "Deny", "--protocol", "Tcp", "--source-address-prefixes", "*",
       "--destination-port-ranges", "22", "-o", "none")
    assert codes() == ["AKSNET050"]


@pytest.mark.parametrize(("manifest", "code"), [
    ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: nothing}, ports: [{port: 80}]}",
     "AKSNET030"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80, "
     "targetPort: 9999}]}", "AKSNET031"),
    ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  tls: [{hosts: [a.example], "
     "secretName: nope}]\n  rules: [{host: a.example, http: {paths: [{path: /, pathType: Prefix, backend: "
     "{service: {name: missing, port: {number: 80}}}}]}}]", "AKSNET040"),
    ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  tls: [{hosts: [a.example], "
     "secretName: nope}]\n  rules: [{host: a.example, http: {paths: [{path: /, pathType: Prefix, backend: "
     "{service: {name: web, port: {number: 80}}}}]}}]", "AKSNET042"),
    ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, annotations: "
     "{nginx.ingress.kubernetes.io/affinity: cookie}}\nspec:\n  rules: [{host: a.example, http: {paths: [{path: /, "
     "pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]", "AKSNET043"),
], ids=["selector-matches-nothing", "undeclared-target-port", "missing-backend", "missing-tls-secret",
        "annotation-not-emulated"])
def test_kubernetes_findings(home: Path, manifest: str, code: str) -> None:
    _cluster()
    assert run_cli("kubectl", "create", "deployment", "web", "--image=nginx", "--port=80").code == 0
    assert run_cli("kubectl", "expose", "deployment", "web", "--port", "80").code == 0
    assert run_cli("kubectl", "apply", "-f", "-", stdin=manifest).code == 0
    assert code in codes()


def test_policies_without_engine_are_flagged(home: Path) -> None:
    _cluster()
    policy = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\n"
              "spec: {podSelector: {}, policyTypes: [Ingress]}")
    assert run_cli("kubectl", "apply", "-f", "-", stdin=policy).code == 0
    assert "AKSNET020" in codes()


def test_policies_with_calico_are_not_flagged(home: Path) -> None:
    _cluster(policy="calico")
    policy = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\n"
              "spec: {podSelector: {}, policyTypes: [Ingress]}")
    assert run_cli("kubectl", "apply", "-f", "-", stdin=policy).code == 0
    assert "AKSNET020" not in codes()


def test_kubenet_without_route_table_is_an_error(home: Path) -> None:
    _cluster(route_table=False)
    # AKS creates and associates its own route table with a BYO subnet that has none; detaching it breaks pods.
    az("network", "vnet", "subnet", "update", "-g", "rg", "--vnet-name", "v", "-n", "s", "--route-table", "",
       "-o", "none")
    assert "AKSNET001" in codes()


def test_no_workspace_is_a_usage_error(home: Path) -> None:
    r = run_cli("lint")
    assert r.code == 2 and "no aksnet workspace" in r.err


@pytest.mark.parametrize(("selector", "flagged"), [("{matchLabels: {app: web-service}}", True),
                                                  ("{matchLabels: {app: web}}", False), ("{}", False)],
                         ids=["service-name", "pod-labels", "every-pod"])
# kubernetes.io/docs/concepts/services-networking/network-policies
def test_policy_selecting_no_pod_is_a_hint(home: Path, selector: str, flagged: bool) -> None:
    _cluster(policy="calico")
    assert run_cli("kubectl", "create", "deployment", "web", "--image=nginx", "--port=80").code == 0
    policy = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
              f"spec: {{podSelector: {selector}, policyTypes: [Ingress]}}")
    assert run_cli("kubectl", "apply", "-f", "-", stdin=policy).code == 0
    assert ("AKSNET022" in codes()) is flagged
    if flagged:
        assert "cannot target a Service, a workload or a node by name" in run_cli("lint").out


PLAIN_APP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""


def test_from_dir_plain_manifests_and_show_files(home: Path, tmp_path: Path) -> None:
    """``--from-dir``: Deployments of a plain manifest directory count as the Service's pods, and a subnet whose
    route table is associated but not in the directory (only ``vnet show`` beside) is not reported as missing."""
    _cluster()
    d = tmp_path / "dump"
    d.mkdir()
    (d / "app.yaml").write_text(PLAIN_APP)
    (d / "aks.json").write_text(az("aks", "show", "-g", "rg", "-n", "c", "-o", "json"))
    (d / "vnet.json").write_text(az("network", "vnet", "show", "-g", "rg", "-n", "v", "-o", "json"))
    got = codes("--from-dir", str(d))
    assert "AKSNET030" not in got and "AKSNET001" not in got
    (d / "app.yaml").write_text(PLAIN_APP.replace("app: web}}\n  template:\n    metadata: {labels: {app: web}}",
                                                  "app: other}}\n  template:\n    metadata: {labels: {app: other}}"))
    assert "AKSNET030" in codes("--from-dir", str(d))
