"""``az aks mesh enable|disable|get-revisions`` and ``az aks create --enable-azure-service-mesh``: the Istio-based
service mesh add-on's profile, istiod in aks-istio-system, and the sidecar injection rule
(learn.microsoft.com/azure/aks/istio-deploy-addon)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import aksnet_home, run_cli


def ok(*args: str, stdin: str | None = None) -> str:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, r.err
    return r.out


def _cluster(*extra: str) -> None:
    ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--network-plugin", "kubenet",
       "--generate-ssh-keys", "-o", "none", *extra)
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")


@pytest.fixture(scope="module")
def mesh_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One cluster made with the add-on (revision asm-1-27), shared by the injection rows (each row uses its own
    namespace)."""
    home = tmp_path_factory.mktemp("mesh") / "aksnet-home"
    with aksnet_home(home):
        _cluster("--enable-azure-service-mesh", "--revision", "asm-1-27")
        yield home


# (namespace labels, pod labels, pod annotations, host network) → containers of the created pod
INJECTION = [
    pytest.param({"istio.io/rev": "asm-1-27"}, {}, {}, False, ["app", "istio-proxy"], id="namespace-rev-label"),
    pytest.param({}, {"istio.io/rev": "asm-1-27"}, {}, False, ["app", "istio-proxy"], id="pod-rev-label"),
    pytest.param({"istio-injection": "enabled"}, {}, {}, False, ["app"], id="istio-injection-not-honoured"),
    pytest.param({"istio-injection": "enabled", "istio.io/rev": "asm-1-27"}, {}, {}, False, ["app"],
                 id="istio-injection-beats-rev"),
    pytest.param({"istio.io/rev": "asm-1-27"}, {}, {"sidecar.istio.io/inject": "false"}, False, ["app"],
                 id="opt-out-annotation"),
    pytest.param({"istio.io/rev": "asm-1-27"}, {"sidecar.istio.io/inject": "false"}, {}, False, ["app"],
                 id="opt-out-label"),
    pytest.param({"istio.io/rev": "asm-1-27"}, {}, {}, True, ["app"], id="host-network"),
    pytest.param({"istio.io/rev": "asm-1-26"}, {}, {}, False, ["app"], id="revision-not-installed"),
    pytest.param({}, {}, {}, False, ["app"], id="no-label"),
]


@pytest.mark.parametrize(("ns_labels", "pod_labels", "annotations", "host_network", "containers"), INJECTION)
def test_sidecar_injection(mesh_cluster: Path, request: pytest.FixtureRequest, ns_labels: dict[str, str],
                           pod_labels: dict[str, str], annotations: dict[str, str], host_network: bool,
                           containers: list[str]) -> None:
    ns = request.node.callspec.id
    with aksnet_home(mesh_cluster):
        docs = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": ns_labels}},
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": ns},
                 "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web", **pod_labels},
                                                    "annotations": annotations},
                                       "spec": {"hostNetwork": host_network,
                                                "containers": [{"name": "app", "image": "nginx"}]}}}}]
        ok("kubectl", "apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}))
        pod = json.loads(ok("kubectl", "get", "pods", "-n", ns, "-o", "json"))["items"][0]
        assert [c["name"] for c in pod["spec"]["containers"]] == containers
        table = ok("kubectl", "get", "pods", "-n", ns)
        assert f" {len(containers)}/{len(containers)} " in table.splitlines()[1]


def test_bare_pod_is_injected_and_labelling_later_changes_no_running_pod(mesh_cluster: Path) -> None:
    with aksnet_home(mesh_cluster):
        ok("kubectl", "create", "ns", "late")
        ok("kubectl", "run", "before", "--image=nginx", "-n", "late")
        ok("kubectl", "label", "ns", "late", "istio.io/rev=asm-1-27")
        ok("kubectl", "run", "after", "--image=nginx", "-n", "late")
        table = ok("kubectl", "get", "pods", "-n", "late").splitlines()[1:]
        rows = {line.split()[0]: line.split()[1] for line in table}
        assert rows == {"after": "2/2", "before": "1/1"}
        described = ok("kubectl", "describe", "pod", "after", "-n", "late")
        assert "  istio-proxy:" in described and "proxyv2:1.27" in described


def test_lint_says_istio_injection_is_not_honoured(mesh_cluster: Path) -> None:
    with aksnet_home(mesh_cluster):
        ok("kubectl", "create", "ns", "oss-label")
        ok("kubectl", "label", "ns", "oss-label", "istio-injection=enabled")
        out = run_cli("lint").out
        assert "AKSNET080  namespace oss-label" in out and "istio.io/rev=asm-1-27" in out


def test_enable_disable(home: Path) -> None:
    _cluster()
    assert ok("az", "aks", "show", "-g", "rg", "-n", "aks", "--query", "serviceMeshProfile", "-o", "json") in (
        "null\n", "")
    r = run_cli("az", "aks", "mesh", "disable", "-g", "rg", "-n", "aks", "--yes")
    assert r.code == 1 and "Istio has not been enabled for this cluster" in r.err
    prof = json.loads(ok("az", "aks", "mesh", "enable", "-g", "rg", "-n", "aks", "--query", "serviceMeshProfile"))
    assert prof["mode"] == "Istio" and prof["istio"]["revisions"] == ["asm-1-27"]
    deploy = json.loads(ok("kubectl", "get", "deploy", "istiod-asm-1-27", "-n", "aks-istio-system", "-o", "json"))
    assert deploy["status"]["readyReplicas"] == 2
    assert "istiod-asm-1-27" in ok("kubectl", "get", "svc", "-n", "aks-istio-system")
    ok("az", "aks", "mesh", "enable", "-g", "rg", "-n", "aks", "-o", "none")  # idempotent
    ups = json.loads(ok("az", "aks", "mesh", "get-upgrades", "-g", "rg", "-n", "aks"))
    assert ups["type"] == "Microsoft.ContainerService/managedClusters/meshUpgradeProfiles"
    assert ups["properties"]["revision"] == "asm-1-27" and ups["properties"]["upgrades"] == ["asm-1-28"]
    r = run_cli("az", "aks", "mesh", "enable", "-g", "rg", "-n", "aks", "--revision", "asm-1-28")
    assert r.code == 1 and "az aks mesh upgrade" in r.err
    prof = json.loads(ok("az", "aks", "mesh", "disable", "-g", "rg", "-n", "aks", "--yes",
                         "--query", "serviceMeshProfile"))
    assert prof == {"istio": None, "mode": "Disabled"}
    assert "aks-istio-system" not in ok("kubectl", "get", "ns")


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["az", "aks", "mesh", "enable", "--revision", "asm-1-15"], "revision 'asm-1-15' is not supported",
                 id="unknown-revision"),
    pytest.param(["az", "aks", "mesh", "disable", "--yes"], "Istio has not been enabled", id="disable-not-enabled"),
    pytest.param(["az", "aks", "mesh", "disable"], "no tty available. Use --yes", id="disable-no-tty"),
    pytest.param(["az", "aks", "mesh", "enable-ingress-gateway", "--ingress-gateway-type", "external"],
                 "Istio has not been enabled", id="gateway-without-mesh"),
    pytest.param(["az", "aks", "mesh", "get-upgrades"], "Istio has not been enabled", id="upgrades-without-mesh"),
    pytest.param(["az", "aks", "mesh", "enable-ingress-gateway", "--ingress-gateway-type", "public"],
                 "'public' is not a valid value for '--ingress-gateway-type'", id="gateway-bad-type"),
    pytest.param(["az", "aks", "mesh", "enable-ingress-gateway"], "--ingress-gateway-type", id="gateway-type-missing"),
    pytest.param(["az", "aks", "create", "-n", "aks2", "--revision", "asm-1-27", "--generate-ssh-keys"],
                 "--revision can only be used together with --enable-azure-service-mesh", id="create-revision-alone"),
    pytest.param(["az", "aks", "mesh", "upgrade", "start", "--revision", "asm-1-28"], "Istio has not been enabled",
                 id="upgrade-without-mesh"),
    pytest.param(["az", "aks", "mesh", "upgrade", "complete", "--yes"], "Istio has not been enabled",
                 id="complete-without-mesh"),
    pytest.param(["az", "aks", "mesh", "upgrade", "start"], "--revision", id="upgrade-revision-missing"),
])
def test_bad_input_changes_nothing(home: Path, args: list[str], message: str) -> None:
    ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--generate-ssh-keys", "-o", "none")
    before = _generation(home)
    r = run_cli(*args, "-g", "rg", "-n", "aks") if args[2] == "mesh" else run_cli(*args, "-g", "rg")
    assert r.code != 0 and message in r.err, r.err
    assert _generation(home) == before  # no command committed a change


def _generation(home: Path) -> str | None:
    from aksnet.store import Workspace

    with Workspace.open(home, create=False).transaction(write=False) as tx:
        return tx.meta_get("generation")


def test_get_revisions(home: Path) -> None:
    out = json.loads(ok("az", "aks", "mesh", "get-revisions", "-l", "East US"))
    assert out["type"] == "Microsoft.ContainerService/locations/meshRevisionProfiles"
    assert out["id"].endswith("/providers/Microsoft.ContainerService/locations/eastus/meshRevisionProfiles/istio")
    revs = {r["revision"]: r for r in out["properties"]["meshRevisions"]}
    assert sorted(revs) == ["asm-1-26", "asm-1-27", "asm-1-28"]
    assert revs["asm-1-26"]["upgrades"] == ["asm-1-27", "asm-1-28"] and revs["asm-1-28"]["upgrades"] == []
    r = run_cli("az", "aks", "mesh", "get-revisions")
    assert r.code == 2 and "--location/-l" in r.err


# --ingress-gateway-type → the Service's annotations and whether its frontend IP is private (internal LB)
GATEWAYS = [
    pytest.param("external", {}, False, id="external"),
    pytest.param("internal", {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}, True,
                 id="internal"),
]


@pytest.mark.parametrize(("kind", "annotations", "private"), GATEWAYS)
def test_ingress_gateway(home: Path, kind: str, annotations: dict[str, str], private: bool) -> None:
    _cluster("--enable-azure-service-mesh")
    prof = json.loads(ok("az", "aks", "mesh", "enable-ingress-gateway", "-g", "rg", "-n", "aks",
                         "--ingress-gateway-type", kind, "--query", "serviceMeshProfile.istio.components"))
    assert prof["ingressGateways"] == [{"enabled": True, "mode": kind.capitalize()}]
    name = f"aks-istio-ingressgateway-{kind}"
    svc = json.loads(ok("kubectl", "get", "svc", name, "-n", "aks-istio-ingress", "-o", "json"))
    assert svc["spec"]["type"] == "LoadBalancer"
    assert svc["spec"]["selector"] == {"app": name, "istio": name}
    assert (svc["metadata"].get("annotations") or {}) == annotations
    assert [p["port"] for p in svc["spec"]["ports"]] == [15021, 80, 443]
    ip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert ip.startswith("10.") is private
    deploy = json.loads(ok("kubectl", "get", "deploy", f"{name}-asm-1-27", "-n", "aks-istio-ingress", "-o", "json"))
    assert deploy["status"]["readyReplicas"] == 2
    prof = json.loads(ok("az", "aks", "mesh", "disable-ingress-gateway", "-g", "rg", "-n", "aks",
                         "--ingress-gateway-type", kind, "--yes", "--query", "serviceMeshProfile.istio.components"))
    assert prof["ingressGateways"] == [{"enabled": False, "mode": kind.capitalize()}]
    assert name not in ok("kubectl", "get", "svc,deploy", "-n", "aks-istio-ingress")


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["start", "--revision", "asm-1-27"], "not a valid upgrade from asm-1-27", id="same-revision"),
    pytest.param(["start", "--revision", "asm-1-26"], "not a valid upgrade from asm-1-27", id="downgrade"),
    pytest.param(["start", "--revision", "asm-1-99"], "revision 'asm-1-99' is not supported", id="unknown"),
    pytest.param(["complete", "--yes"], "Azure Service Mesh upgrade is not in progress", id="complete-idle"),
    pytest.param(["rollback", "--yes"], "Azure Service Mesh upgrade is not in progress", id="rollback-idle"),
])
def test_upgrade_refusals_change_nothing(home: Path, args: list[str], message: str) -> None:
    ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--generate-ssh-keys",
       "--enable-azure-service-mesh", "--revision", "asm-1-27", "-o", "none")
    before = _generation(home)
    r = run_cli("az", "aks", "mesh", "upgrade", *args, "-g", "rg", "-n", "aks")
    assert r.code != 0 and message in r.err, r.err
    assert _generation(home) == before


@pytest.mark.parametrize(("finish", "kept", "gone"), [
    pytest.param("complete", "asm-1-28", "asm-1-27", id="complete-keeps-canary"),
    pytest.param("rollback", "asm-1-27", "asm-1-28", id="rollback-keeps-stable"),
])
def test_canary_upgrade(home: Path, finish: str, kept: str, gone: str) -> None:
    """learn.microsoft.com/azure/aks/istio-upgrade: both control planes and gateways side by side, then one goes."""
    ok("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none")
    ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--generate-ssh-keys",
       "--enable-azure-service-mesh", "--revision", "asm-1-27", "-o", "none")
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    ok("az", "aks", "mesh", "enable-ingress-gateway", "-g", "rg", "-n", "aks", "--ingress-gateway-type", "internal",
       "-o", "none")
    ok("az", "aks", "mesh", "upgrade", "start", "-g", "rg", "-n", "aks", "--revision", "asm-1-28", "-o", "none")
    both = ok("kubectl", "get", "deploy", "-A", "-o", "name")
    for rev in ("asm-1-27", "asm-1-28"):
        assert f"deployment.apps/istiod-{rev}" in both
        assert f"deployment.apps/aks-istio-ingressgateway-internal-{rev}" in both
    assert json.loads(ok("az", "aks", "mesh", "get-upgrades", "-g", "rg", "-n", "aks"))["properties"][
        "revision"] == "asm-1-27"
    ok("az", "aks", "mesh", "upgrade", finish, "-g", "rg", "-n", "aks", "--yes", "-o", "none")
    after = ok("kubectl", "get", "deploy", "-A", "-o", "name")
    assert f"istiod-{kept}" in after and f"istiod-{gone}" not in after
    assert f"aks-istio-ingressgateway-internal-{kept}" in after and f"ingressgateway-internal-{gone}" not in after
    prof = json.loads(ok("az", "aks", "show", "-g", "rg", "-n", "aks", "--query", "serviceMeshProfile.istio"))
    assert prof["revisions"] == [kept]
