"""``aksnet import --live``: the Azure SDK (DefaultAzureCredential through App Service's managed identity
endpoint) and the Kubernetes client against local fakes of both APIs; the result must equal importing the dump."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli
from tests.importing import fake_apis

pytest.importorskip("azure.mgmt.network", reason="the live extra (pip install 'aksnet[live]') is not installed")
pytest.importorskip("kubernetes", reason="the live extra (pip install 'aksnet[live]') is not installed")

DUMP = Path(__file__).resolve().parent / "dump"
SUBSCRIPTION = "6d4f1c3a-8b2e-4a7d-9e51-0c3b7f2a9d84"


@pytest.fixture
def apis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path, fake_apis.FakeApis]]:
    gen = fake_apis.serve(DUMP, tmp_path)
    base, ca, fake = next(gen)
    for var in ("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE",
                "AZURE_USERNAME", "MSI_ENDPOINT", "IMDS_ENDPOINT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{base}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", fake_apis.IDENTITY_HEADER)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "prod-aks", "cluster": {
            "server": base, "certificate-authority-data": base64.b64encode(ca.read_bytes()).decode()}}],
        "users": [{"name": "clusterUser_prod-rg_prod-aks", "user": {"token": fake_apis.KUBE_TOKEN}}],
        "contexts": [{"name": "prod-aks", "context": {"cluster": "prod-aks", "user": "clusterUser_prod-rg_prod-aks"}},
                     {"name": "other", "context": {"cluster": "nowhere", "user": "nobody"}}]}))
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    yield base, ca, fake
    gen.close()


def live(base: str, *extra: str) -> list[str]:
    return ["import", "--live", "-g", "prod-rg", "-n", "prod-aks", "--subscription", SUBSCRIPTION,
            "--context", "prod-aks", "--arm-endpoint", base, *extra]


def test_live_import_equals_the_dump(home: Path, tmp_path: Path, apis: tuple[str, Path, fake_apis.FakeApis]) -> None:
    base, _, fake = apis
    r = run_cli(*live(base))
    assert r.code == 0, r.err
    assert "imported prod-rg/prod-aks (live, read-only)" in r.out
    assert "GET /api/v1/pods: 39 Pod" in r.out
    assert "missing:" not in r.out
    assert {m for m, _ in fake.requests} == {"GET"}
    live_pods = json.loads(run_cli("kubectl", "get", "pods", "-A", "-o", "json").out)["items"]
    other = tmp_path / "from-dump"
    from tests.conftest import aksnet_home

    with aksnet_home(other):
        assert run_cli("import", str(DUMP)).code == 0
        dump_pods = json.loads(run_cli("kubectl", "get", "pods", "-A", "-o", "json").out)["items"]
        dump_trace = run_cli("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "8080")
    assert [(p["metadata"]["name"], p["status"].get("podIP")) for p in live_pods] == \
        [(p["metadata"]["name"], p["status"].get("podIP")) for p in dump_pods]
    t = run_cli("trace", "deploy/production/frontend", "deploy/production/backend", "--port", "8080")
    assert (t.code, t.out) == (dump_trace.code, dump_trace.out)


def test_live_import_reports_api_errors(home: Path, apis: tuple[str, Path, fake_apis.FakeApis]) -> None:
    base, _, _ = apis
    r = run_cli("import", "--live", "-g", "prod-rg", "-n", "no-such", "--subscription", SUBSCRIPTION,
                "--context", "prod-aks", "--arm-endpoint", base)
    assert r.code == 2
    assert "az aks show -g prod-rg -n no-such: (ResourceNotFound)" in r.err
    assert not (home / "workspace.db").exists()


def test_live_import_needs_its_arguments(home: Path) -> None:
    r = run_cli("import", "--live", "-g", "prod-rg")
    assert r.code == 2 and "--live needs --name" in r.err
