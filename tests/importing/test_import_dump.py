"""``aksnet import DIR`` of a real cluster's dump (``tests/importing/dump``, see ``build_fixture``): what it reads,
what it reports missing, and every analysis answering on the imported cluster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result, run_cli
from tests.importing.test_diff_whatif import OPEN_API

DUMP = Path(__file__).resolve().parent / "dump"


def dump_pods() -> dict[str, Any]:
    items = json.loads((DUMP / "kubectl" / "pods.json").read_text())["items"]
    return {f"{p['metadata']['namespace']}/{p['metadata']['name']}": p for p in items}


@pytest.fixture
def imported(home: Path) -> Result:
    r = run_cli("import", str(DUMP))
    assert r.code == 0, r.err
    return r


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r.out


def test_summary_names_every_file_and_nothing_missing(imported: Result) -> None:
    out = imported.out
    assert "kubectl/pods.json: 39 Pod" in out  # a typed PodList: items without kind/apiVersion
    assert "kubectl/namespaces.json: 8 Namespace" in out
    assert "az/vmss-nics.json: 3 networkInterfaces" in out
    assert "kubectl/workloads.json: 12 Deployment, 12 ReplicaSet, 6 DaemonSet" in out
    assert "missing:" not in out
    read = out.split("\nread: ", 1)[1].splitlines()[0]
    assert read.startswith("1 managedClusters, 2 loadBalancers, 4 networkInterfaces, 3 networkSecurityGroups, "
                           "3 publicIPAddresses, 1 virtualMachines, 1 virtualMachineScaleSets, 1 virtualNetworks, "
                           "3 virtualMachineScaleSets/virtualMachines"), read
    assert "subscription 6d4f1c3a-8b2e-4a7d-9e51-0c3b7f2a9d84 is the workspace's emulated subscription" in out


def test_pods_keep_their_real_ips_and_nodes(imported: Result) -> None:
    got = json.loads(ok("kubectl", "get", "pods", "-A", "-o", "json"))["items"]
    want = dump_pods()
    assert {f"{p['metadata']['namespace']}/{p['metadata']['name']}":
            (p["status"].get("podIP"), p["spec"].get("nodeName")) for p in got} == \
        {k: (p["status"].get("podIP"), p["spec"].get("nodeName")) for k, p in want.items()}


def test_controllers_leave_imported_state_alone(imported: Result) -> None:
    before = ok("kubectl", "get", "pods", "-A", "-o", "json")
    ok("kubectl", "create", "namespace", "other")
    assert "other" in ok("kubectl", "get", "namespaces")  # what is added later is stored as given
    ok("kubectl", "apply", "-f", str(Path(__file__).resolve().parents[1] / "scenarios" / "acceptance_clusters"
                                      / "network-policy.yaml"))
    assert ok("kubectl", "get", "pods", "-A", "-o", "json") == before


INGRESS_HOST = "myapp.example.com"


def ingress_ip() -> str:
    return ok("kubectl", "get", "svc", "-n", "ingress-basic", "ingress-nginx-controller", "-o",
              "jsonpath={.status.loadBalancer.ingress[0].ip}")


TRACES = [
    pytest.param(("deploy/production/frontend", "deploy/production/backend", "--port", "8080"), 0,
                 id="policy-allows-frontend-to-backend"),
    pytest.param(("deploy/production/frontend", "deploy/production/backend", "--port", "9090"), 1,
                 id="policy-denies-other-port"),
    pytest.param(("deploy/production/backend", "deploy/production/frontend", "--port", "80"), 1,
                 id="deny-all-ingress"),
    pytest.param(("deploy/production/api", "deploy/production/backend", "--port", "8080"), 1,
                 id="api-not-allowed-to-backend"),
    pytest.param(("vm/jumpbox", "svc/default/internal-app:80"), 0, id="vm-to-internal-lb-service"),
    pytest.param(("deploy/default/internal-app", "internet/93.184.216.34", "--port", "443"), 0,
                 id="egress-to-internet"),
]


@pytest.mark.parametrize(("args", "code"), TRACES)
def test_trace_on_imported_cluster(imported: Result, args: tuple[str, ...], code: int) -> None:
    r = run_cli("trace", *args)
    assert r.code == code, r.out + r.err


def test_internal_lb_reachable_from_vnet_only(imported: Result) -> None:
    ilb = ok("kubectl", "get", "svc", "internal-app", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}")
    assert run_cli("trace", "vm/jumpbox", ilb, "--port", "80").code == 0
    assert run_cli("trace", "internet", ilb, "--port", "80").code == 1


def test_curl_through_ingress(imported: Result) -> None:
    ip = ingress_ip()
    out = ok("curl", "-k", "--resolve", f"{INGRESS_HOST}:443:{ip}", "--from", "internet/203.0.113.7",
             f"https://{INGRESS_HOST}/api/users").splitlines()
    assert any(line.startswith("pod=production/api-") for line in out)
    assert "request_uri=/" in out


def test_matrix_lint_dns_explain(imported: Result) -> None:
    matrix = ok("matrix")
    assert "production/frontend[Deployment] => production/backend[Deployment] : TCP 8080" in matrix
    assert "node-problem-probe" not in matrix.split("[Node]")[0] or "[Node]" not in matrix
    lint = run_cli("lint", "--fail-on", "never")
    assert lint.code == 0 and "AKSNET050" in lint.out
    assert "10.0.0.10" in ok("dns", "--from", "deploy/production/frontend", "kube-dns.kube-system.svc.cluster.local")
    assert "backend" in ok("explain", "deploy/production/backend")


def test_data_plane_plan_of_imported_cluster(imported: Result) -> None:
    """``aksnet up`` builds what this plan lists: a namespace per pod of the dump, with the pod's real IP."""
    from aksnet.cli.common import command_transaction
    from aksnet.dataplane.plan import build_plan
    from aksnet.io.twin_loader import load_twin

    with command_transaction(write=False) as tx:
        twin = load_twin(tx)
    text = json.dumps(build_plan(twin, "t"), default=str)
    assert all(p["status"]["podIP"] in text for p in dump_pods().values())


def test_ip_plan_of_imported_cluster(imported: Result) -> None:
    assert "10.224.0.0/16" in ok("plan", "-g", "prod-rg", "-n", "prod-aks")


def test_mirror_pod_is_a_pod_not_a_workload(imported: Result) -> None:
    from aksnet.cli.common import command_transaction
    from aksnet.io.twin_loader import load_twin

    with command_transaction(write=False) as tx:
        twin = load_twin(tx)
    mirror = [p for p in twin.clusters[0].pods if p.name.startswith("node-problem-probe-")]
    assert len(mirror) == 1 and mirror[0].owner_kind is None and mirror[0].host_network


@pytest.mark.parametrize(("remove", "missing"), [
    pytest.param(("kubectl/nodes.json",), "the dump has no Node objects (kubectl get nodes -o json)", id="nodes"),
    pytest.param(("az/vmss-nics.json", "az/nics.json"), "the dump has no NICs of the nodes", id="nics"),
    pytest.param(("az/lb-list-node-rg.json",), "the dump has no load balancer 'kubernetes'", id="lb"),
    pytest.param(("az/nsg-list.json",), "the dump has no NSG aks-nodes-nsg", id="nsg"),
])
def test_missing_data_is_unknown_not_dropped(home: Path, tmp_path: Path, remove: tuple[str, ...],
                                             missing: str) -> None:
    d = tmp_path / "dump"
    shutil.copytree(DUMP, d)
    for f in remove:
        (d / f).unlink()
    r = run_cli("import", str(d))
    assert r.code == 0 and f"missing: {missing}" in r.out, r.out
    t = run_cli("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "9090")
    assert t.code == 2 and f"unknown: {missing}" in t.err, t.err
    assert f"warning: answers may be incomplete: {missing}" in run_cli("matrix").err


def test_invalid_objects_reported_rest_imported(home: Path, tmp_path: Path) -> None:
    d = tmp_path / "dump"
    shutil.copytree(DUMP, d)
    (d / "kubectl" / "broken.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {namespace: x}\n")
    (d / "kubectl" / "garbage.yaml").write_text("a: [1, 2\n")
    (d / "kubectl" / "bad-policy.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: production}\n"
        "spec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - {protocol: TCP, port: 70000}\n")
    r = run_cli("import", str(d))
    assert r.code == 1
    assert 'The NetworkPolicy "bad" is invalid' in r.err
    assert 'error: error validating "kubectl/broken.yaml": error validating data: [metadata.name not set]' in r.err
    assert "error: error parsing kubectl/garbage.yaml: error converting YAML to JSON: yaml: line" in r.err
    assert run_cli("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "8080").code == 0


def test_refuses_a_dump_without_cluster(home: Path, tmp_path: Path) -> None:
    d = tmp_path / "dump"
    shutil.copytree(DUMP / "kubectl", d)
    r = run_cli("import", str(d))
    assert r.code == 2 and "no managed cluster (az aks show -o json)" in r.err
    assert not (home / "workspace.db").exists()


# Every analysis that answers about one flow says "unknown" (exit 2) when the dump lacks data its answer depends
# on, never a false refusal, timeout or denial; explain's NetworkPolicy verdict depends only on Pods, Nodes and
# Namespaces, so a dump without NICs or an LB leaves it standing (exit 1).
BACKEND = "http://backend-service.production:8080/"  # production/api may not reach it (NetworkPolicy)
UNKNOWN_ROWS = [
    pytest.param(("kubectl/nodes.json",), "the dump has no Node objects",
                 {"curl": 2, "curl-ingress": 2, "dns": 2, "explain": 2}, id="nodes"),
    pytest.param(("az/vmss-nics.json", "az/nics.json"), "the dump has no NICs of the nodes",
                 {"curl": 2, "curl-ingress": 2, "dns": 2, "explain": 1}, id="nics"),
    pytest.param(("az/lb-list-node-rg.json",), "the dump has no load balancer 'kubernetes'",
                 {"curl": 2, "curl-ingress": 2, "dns": 2, "explain": 1}, id="lb"),
]


@pytest.mark.parametrize(("remove", "missing", "codes"), UNKNOWN_ROWS)
def test_curl_dns_explain_answer_unknown(home: Path, tmp_path: Path, remove: tuple[str, ...], missing: str,
                                         codes: dict[str, int]) -> None:
    d = tmp_path / "dump"
    shutil.copytree(DUMP, d)
    for f in remove:
        (d / f).unlink()
    assert run_cli("import", str(d)).code == 0
    ip = ingress_ip()
    commands = {
        "curl": ("curl", "--from", "deploy/production/api", BACKEND),
        "curl-ingress": ("curl", "-k", "--resolve", f"{INGRESS_HOST}:443:{ip}", f"https://{INGRESS_HOST}/api/users"),
        "dns": ("dns", "--from", "deploy/production/frontend", "no-such-service.production.svc.cluster.local"),
        "explain": ("explain", "deploy/production/frontend", "--to", "deploy/production/backend", "--port", "9090"),
    }
    for name, args in commands.items():
        r = run_cli(*args)
        assert r.code == codes[name], (name, r.out, r.err)
        if codes[name] == 2:
            assert f"unknown: {missing}" in r.err and "depends on data the dump does not hold" in r.err, (name, r.err)
        else:
            assert "unknown:" not in r.err, (name, r.err)


def test_complete_dump_answers_are_known(imported: Result) -> None:
    """The same questions on the complete dump: curl's own exit codes, no 'unknown'."""
    r = run_cli("curl", "--from", "deploy/production/api", BACKEND)
    assert r.code == 28 and "unknown:" not in r.err, r.err
    ip = ingress_ip()
    r = run_cli("curl", "-k", "--resolve", f"{INGRESS_HOST}:443:{ip}", f"https://{INGRESS_HOST}/api/users")
    assert r.code == 0 and "unknown:" not in r.err, r.err
    r = run_cli("dns", "--from", "deploy/production/frontend", "no-such-service.production.svc.cluster.local")
    assert r.code == 1 and "NXDOMAIN" in r.out and "unknown:" not in r.err, r.out + r.err



# Every analysis on the realistic dump (3 nodes, system pods, two apps, NetworkPolicies, Calico's tier and
# GlobalNetworkPolicy, an AdminNetworkPolicy, LBs, ingress; kind: List and typed lists): (args, exit code, a line
# or words its output must hold). ``{ingress}`` is the ingress controller's public IP, ``{dir}`` a scratch
# directory holding open.yaml. The data plane (``aksnet up`` + ``verify`` on this dump) is
# tests/dataplane/test_imported_cluster.py.
EVERY_ANALYSIS = [
    pytest.param(("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "8080"), 0,
                 "flows delivered: delivered", id="trace-networkpolicy-allows"),
    pytest.param(("trace", "deploy/production/api", "internet/203.0.113.9", "--port", "443"), 1,
                 "denied by GlobalNetworkPolicy security.block-partner-range egress rule #0",
                 id="trace-calico-tier-denies"),
    pytest.param(("trace", "deploy/production/api", "internet/93.184.216.34", "--port", "443"), 0,
                 "flows delivered: delivered", id="trace-calico-pass-then-allowed"),
    pytest.param(("trace", "deploy/kube-system/coredns", "deploy/production/backend", "--port", "8080"), 0,
                 "flows delivered: delivered", id="trace-admin-policy-allows-over-deny-all"),
    pytest.param(("trace", "deploy/kube-system/coredns", "deploy/production/backend", "--port", "9090"), 1,
                 "flows delivered: dropped", id="trace-admin-policy-port-only"),
    pytest.param(("curl", "-k", "--resolve", f"{INGRESS_HOST}:443:{{ingress}}", "--from", "internet/203.0.113.7",
                  f"https://{INGRESS_HOST}/api/users"), 0, "pod=production/api-", id="curl-through-ingress"),
    pytest.param(("curl", "--from", "deploy/production/api", BACKEND), 28, "", id="curl-policy-timeout"),
    pytest.param(("matrix",), 0, "kube-system/coredns[Deployment] => production/backend[Deployment] : TCP 8080",
                 id="matrix-admin-policy"),
    pytest.param(("matrix",), 0, "production/api[Deployment] => 203.0.114.0-255.255.255.255[External] : "
                 "All Connections", id="matrix-calico-nets-split-addresses"),
    pytest.param(("explain", "deploy/kube-system/coredns", "--to", "deploy/production/backend", "--port", "8080"),
                 0, "allowed by AdminNetworkPolicy kube-system-to-backend ingress rule #0", id="explain-to"),
    pytest.param(("explain", "deploy/production/backend"), 0, "production/backend", id="explain-workload"),
    pytest.param(("explain", "deploy/production/api"), 0,
                 "egress rule #0 denies all ports and protocols with addresses in 203.0.113.0/24",
                 id="explain-workload-calico-policy"),
    pytest.param(("explain", "deploy/production/backend"), 0,
                 "AdminNetworkPolicy kube-system-to-backend (podSelector tier adminnetworkpolicy, order 20; {} in "
                 "namespaces matching kubernetes.io/metadata.name=production)", id="explain-workload-admin-policy"),
    pytest.param(("lint", "--fail-on", "never"), 0, "AKSNET050", id="lint"),
    pytest.param(("dns", "--from", "deploy/production/frontend", "kube-dns.kube-system.svc.cluster.local"), 0,
                 "10.0.0.10", id="dns"),
    pytest.param(("plan", "-g", "prod-rg", "-n", "prod-aks"), 0, "10.224.0.0/16", id="plan"),
    pytest.param(("diff", "--apply", "{dir}/open.yaml"), 0,
                 "diff-type: added, source: production/api[Deployment], destination: production/backend[Deployment]",
                 id="diff-what-if"),
]


@pytest.mark.parametrize(("args", "code", "want"), EVERY_ANALYSIS)
def test_every_analysis_on_the_imported_dump(imported: Result, tmp_path: Path, args: tuple[str, ...], code: int,
                                             want: str) -> None:
    (tmp_path / "open.yaml").write_text(OPEN_API)
    ip = ingress_ip() if any("{ingress}" in a for a in args) else ""
    r = run_cli(*(a.format(ingress=ip, dir=tmp_path) for a in args))
    assert r.code == code, r.out + r.err
    assert want in r.out, r.out
    assert "unknown:" not in r.err, r.err


@pytest.mark.parametrize(("engine", "flow", "code", "warning"), [
    pytest.param("calico", ("deploy/production/frontend", "deploy/production/api", "--port", "80"), 1,
                 "CiliumNetworkPolicy production/api-l7: not enforced: this cluster's engine is Calico",
                 id="calico-ignores-cilium-policy"),
    pytest.param("cilium", ("deploy/kube-system/coredns", "deploy/production/backend", "--port", "8080"), 1,
                 "AdminNetworkPolicy kube-system-to-backend: not enforced: this cluster's engine is Cilium",
                 id="cilium-ignores-admin-policy"),
    pytest.param("cilium", ("deploy/production/api", "internet/203.0.113.9", "--port", "443"), 0,
                 "GlobalNetworkPolicy security.block-partner-range: not enforced: this cluster's engine is Cilium",
                 id="cilium-ignores-calico-policy"),
])
def test_engine_override_judges_with_that_engines_policies(imported: Result, engine: str, flow: tuple[str, ...],
                                                          code: int, warning: str) -> None:
    """``--engine`` on an imported cluster: the chosen engine's own policies are evaluated, the others named."""
    r = run_cli("trace", "--engine", engine, *flow)
    assert r.code == code, r.out + r.err
    assert f"warning: {warning}" in r.err, r.err
    m = run_cli("matrix", "--engine", engine)
    assert f"warning: {warning}" in m.err, m.err
