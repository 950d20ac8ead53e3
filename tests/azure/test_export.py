"""``aksnet export`` / ``aksnet import``: export → import → export gives identical files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.store import Workspace
from tests.azure.helpers import base, ok
from tests.conftest import run_cli


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def _k8s_objects(home: Path) -> None:
    """A cluster's Kubernetes objects and a kubeconfig, written the way the AKS RP / kubectl store them."""
    from aksnet.twin import kubeconfig

    cid = "/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/" \
          "Microsoft.ContainerService/managedClusters/aks1"
    ws = Workspace.open(home)
    with ws.transaction() as tx:
        tx.put("microsoft.containerservice/managedclusters", cid,
               {"id": cid, "name": "aks1", "type": "Microsoft.ContainerService/managedClusters", "location": "eastus",
                "properties": {"provisioningState": "Succeeded"}})
        scope = cid.lower()
        tx.put("k8s:core/Namespace", "default", {"apiVersion": "v1", "kind": "Namespace",
                                                 "metadata": {"name": "default"}}, scope)
        tx.put("k8s:apps/Deployment", "default/web", {"apiVersion": "apps/v1", "kind": "Deployment",
                                                      "metadata": {"name": "web", "namespace": "default"},
                                                      "spec": {"replicas": 2}}, scope)
        tx.put("k8s:core/Service", "default/web", {"apiVersion": "v1", "kind": "Service",
                                                   "metadata": {"name": "web", "namespace": "default"},
                                                   "spec": {"ports": [{"port": 80}], "clusterIP": "10.0.0.12"}},
               scope)
        config = kubeconfig.merge_context(kubeconfig.empty_config(), "aks1",
                                          kubeconfig.cluster_entry("aks1", "https://aks1.example:443", cid),
                                          {"name": "clusterUser_rg_aks1", "user": {"token": "x"}}, overwrite=True)
        kubeconfig.save(tx, config)
    ws.close()


def test_round_trip(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base()
    ok("network vnet subnet update -g rg --vnet-name vnet -n s1 --network-security-group nsg --route-table rt")
    ok("vm create -g rg -n vm1 --image Ubuntu2204 --generate-ssh-keys --vnet-name vnet --subnet s1")
    _k8s_objects(home)
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli("export", str(first)).code == 0
    files = _files(first)
    assert "azure/rg/Microsoft.Network/virtualNetworks/vnet.json" in files
    assert "clusters/aks1/default.yaml" in files and "clusters/aks1/_cluster.yaml" in files
    assert "kubeconfig" in files
    vnet = json.loads(files["azure/rg/Microsoft.Network/virtualNetworks/vnet.json"])
    assert vnet["properties"]["subnets"][0]["properties"]["addressPrefix"] == "10.0.0.0/24"

    monkeypatch.setenv("AKSNET_HOME", str(tmp_path / "other-home"))
    r = run_cli("import", str(first))
    assert r.code == 0, r.err
    assert run_cli("export", str(second)).code == 0
    assert _files(second) == files
    # the imported workspace works: the next address after vm1's is handed out
    out = json.loads(run_cli("az", "vm", "create", "-g", "rg", "-n", "vm2", "--image", "Ubuntu2204",
                             "--generate-ssh-keys", "--vnet-name", "vnet", "--subnet", "s1").out)
    assert out["privateIpAddress"] == "10.0.0.5"


def test_import_refuses_non_empty(home: Path, tmp_path: Path) -> None:
    base()
    assert run_cli("export", str(tmp_path / "x")).code == 0
    r = run_cli("import", str(tmp_path / "x"))
    assert r.code == 1
    assert "is not empty" in r.err and "--force" in r.err
    assert run_cli("import", "--force", str(tmp_path / "x")).code == 0


def test_import_plain_directory(home: Path, tmp_path: Path) -> None:
    """A hand-written directory (no manifest): ARM JSON documents are taken by their type and id."""
    base()
    assert run_cli("export", str(tmp_path / "x")).code == 0
    (tmp_path / "x" / "aksnet" / "manifest.json").unlink()
    run_cli("az", "group", "delete", "-n", "rg", "--yes")
    r = run_cli("import", "--force", str(tmp_path / "x"))
    assert r.code == 0, r.err
    assert json.loads(run_cli("az", "network", "vnet", "show", "-g", "rg", "-n", "vnet", "--query",
                              "addressSpace.addressPrefixes").out) == ["10.0.0.0/16"]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ('{"name": "x"}', "an ARM document needs 'id' and 'type'"),
], ids=["malformed-json", "not-arm"])
def test_import_bad_files(home: Path, tmp_path: Path, content: str, message: str) -> None:
    d = tmp_path / "bad" / "azure" / "rg"
    d.mkdir(parents=True)
    (d / "x.json").write_text(content)
    r = run_cli("import", str(tmp_path / "bad"))
    assert r.code == 2
    assert message in r.err
    assert not (home / "workspace.db").exists()


def test_import_plain_kubernetes_yaml(home: Path, tmp_path: Path) -> None:
    """clusters/<cluster>/<namespace>.yaml is read into the scope of the managed cluster of that name."""
    cid = ("/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/"
           "Microsoft.ContainerService/managedClusters/aks1")
    d = tmp_path / "scenario"
    (d / "azure" / "rg").mkdir(parents=True)
    (d / "azure" / "rg" / "aks1.json").write_text(json.dumps(
        {"id": cid, "name": "aks1", "type": "Microsoft.ContainerService/managedClusters", "location": "eastus"}))
    (d / "clusters" / "aks1").mkdir(parents=True)
    (d / "clusters" / "aks1" / "prod.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec: {replicas: 3}\n---\n"
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: prod}\n"
        "spec: {podSelector: {}}\n")
    r = run_cli("import", str(d))
    assert r.code == 0, r.err
    ws = Workspace.open(home)
    with ws.transaction(write=False) as tx:
        assert tx.get("k8s:apps/Deployment", "prod/web", cid.lower())["spec"]["replicas"] == 3
        assert tx.exists("k8s:networking.k8s.io/NetworkPolicy", "prod/deny", cid.lower())
    ws.close()
