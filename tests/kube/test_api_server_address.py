"""One address for the emulated public API server: the ``kubernetes`` Service endpoint (twin), the loader
(io, what ``trace``/``curl`` read) and ``aksnet trace internet <fqdn> --port 443`` agree, and all come from
``aksnet.io.arm_model.emulated_api_server_ip``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from aksnet.io.arm_model import emulated_api_server_ip
from tests.conftest import run_cli


@pytest.mark.parametrize(("given", "same_as"), [
    pytest.param("c1-rg-000000-3920bb3f.hcp.eastus.azmk8s.io", "C1-RG-000000-3920BB3F.hcp.eastus.azmk8s.io",
                 id="fqdn-case-insensitive"),
    pytest.param({"properties": {"fqdn": "a.hcp.eastus.azmk8s.io"}}, "a.hcp.eastus.azmk8s.io", id="arm-doc"),
    pytest.param({"fqdn": "a.hcp.eastus.azmk8s.io"}, "a.hcp.eastus.azmk8s.io", id="az-flattened-doc"),
    pytest.param({"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c",
                  "properties": {}}, "/subscriptions/s/resourcegroups/rg/providers/microsoft.containerservice/"
                 "managedclusters/c", id="no-fqdn-uses-id"),
])
def test_one_derivation(given: Any, same_as: str) -> None:
    ip = emulated_api_server_ip(given)
    assert ip == emulated_api_server_ip(same_as)
    assert re.fullmatch(r"20\.(4\d|5\d)\.\d+\.\d+", ip)


def test_endpoint_loader_and_trace_agree(home: Path) -> None:
    assert run_cli("az", "group", "create", "-n", "rg", "-l", "eastus").code == 0
    assert run_cli("az", "aks", "create", "-g", "rg", "-n", "c1", "--node-count", "1", "-o", "none").code == 0
    assert run_cli("az", "aks", "get-credentials", "-g", "rg", "-n", "c1").code == 0
    cluster = json.loads(run_cli("az", "aks", "show", "-g", "rg", "-n", "c1").out)
    want = emulated_api_server_ip(cluster["fqdn"])
    assert emulated_api_server_ip(cluster) == want
    ep = json.loads(run_cli("kubectl", "get", "endpoints", "kubernetes", "-o", "json").out)
    assert ep["subsets"][0]["addresses"][0]["ip"] == want
    from aksnet.io.twin_loader import load_twin
    from aksnet.store import Workspace

    ws = Workspace.open(home, create=False)
    with ws.transaction(write=False) as tx:
        twin = load_twin(tx)
    ws.close()
    assert twin.clusters[0].cluster is not None
    assert twin.clusters[0].cluster.api_server_public_ip == want
    trace = run_cli("trace", "internet", cluster["fqdn"], "--port", "443")
    assert trace.code == 0, trace.err
    assert f"({want}:443/TCP)" in trace.out.splitlines()[0]
    assert f"A {cluster['fqdn']} → {want}" in trace.out


def test_loader_fallback_without_endpoints_uses_the_same_function() -> None:
    from aksnet.io.arm_model import managed_cluster

    doc = {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c",
           "name": "c", "location": "eastus", "properties": {"fqdn": "C-RG-1.hcp.eastus.azmk8s.io"}}
    assert managed_cluster(doc).api_server_public_ip == emulated_api_server_ip("c-rg-1.hcp.eastus.azmk8s.io")
