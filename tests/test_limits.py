"""Limits as the real systems have them: the API server's size limits, AKS's node and max-pods limits, and
the ReplicaSet controller's burst, so an absurd scale answers at once."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from aksnet.cli.common import command_transaction
from aksnet.twin.aks.names import cluster_id
from aksnet.twin.kube import limits
from aksnet.twin.kube.workloads import BURST_REPLICAS
from aksnet.twin.kube_store import cluster_scope
from tests.conftest import run_cli

MIB = 1024 * 1024
AKS_COUNT = ("ERROR: (InvalidParameter) agentPoolProfile.count was 100000. It must be greater or equal to "
             "minCount:{low} and less than or equal to maxCount:1000.")
MAX_PODS = ("(InvalidParameter) The value of parameter maxPods is invalid. Error details: maxPods {n} must be "
            "between 10 and 250.")


@pytest.fixture
def cluster(home: Path) -> Path:
    for argv in (("az", "group", "create", "-n", "rg", "-l", "eastus", "-o", "none"),
                 ("az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "2", "-o", "none"),
                 ("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")):
        r = run_cli(*argv)
        assert r.code == 0, r.err
    return home


def _dump() -> list[tuple[str, str, str, dict[str, object]]]:
    with command_transaction(write=False) as tx:
        return tx.dump()


def _b64(n: int) -> str:
    return base64.b64encode(b"a" * n).decode()


SIZE_CASES = [
    pytest.param("create", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                            "data": {"k": "a" * (MIB + 1)}},
                 'The ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes', id="configmap-data"),
    pytest.param("create", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                            "data": {"a": "a" * (MIB // 2)}, "binaryData": {"b": _b64(MIB // 2 + 1)}},
                 'The ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes',
                 id="configmap-data-plus-binary"),
    pytest.param("create", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                            "data": {"k": _b64(MIB + 1)}},
                 'The Secret "s" is invalid: data: Too long: must have at most 1048576 bytes', id="secret-data"),
    pytest.param("create", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                            "stringData": {"k": "a" * (MIB + 1)}},
                 'The Secret "s" is invalid: data: Too long: must have at most 1048576 bytes', id="secret-stringdata"),
    pytest.param("create", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"},
                            "data": {"k": "a" * (3 * MIB)}},
                 'Error from server (RequestEntityTooLarge): error when creating "{src}": Request entity too large: '
                 "limit is 3145728", id="request-body"),
    pytest.param("apply", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "mid"},
                           "data": {"k": "a" * (300 * 1024)}},
                 'The ConfigMap "mid" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
                 id="apply-last-applied-annotation"),
    pytest.param("create", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {
        "name": "ann", "annotations": {"a": "x" * (256 * 1024)}}},
                 'The ConfigMap "ann" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
                 id="annotations"),
]


@pytest.mark.parametrize(("verb", "doc", "message"), SIZE_CASES)
def test_api_server_size_limits(cluster: Path, tmp_path: Path, verb: str, doc: dict[str, object],
                                message: str) -> None:
    src = tmp_path / "obj.json"
    src.write_text(json.dumps(doc))
    before = _dump()
    r = run_cli("kubectl", verb, "-f", str(src))
    assert (r.code, r.err.strip()) == (1, message.replace("{src}", str(src)))
    assert _dump() == before


def test_within_limits_is_accepted(cluster: Path, tmp_path: Path) -> None:
    src = tmp_path / "ok.json"
    src.write_text(json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok"},
                               "data": {"k": "a" * (MIB - 100)}}))
    r = run_cli("kubectl", "create", "-f", str(src))
    assert r.code == 0, r.err
    assert limits.request_body_size({"k": "é"}) == len('{"k":"é"}'.encode())


@pytest.mark.parametrize(("argv", "message"), [
    pytest.param(("az", "aks", "create", "-g", "rg", "-n", "big", "--node-count", "100000"),
                 AKS_COUNT.format(low=1), id="aks-create-count"),
    pytest.param(("az", "aks", "scale", "-g", "rg", "-n", "aks", "--node-count", "100000"),
                 AKS_COUNT.format(low=1), id="aks-scale-count"),
    pytest.param(("az", "aks", "nodepool", "add", "-g", "rg", "--cluster-name", "aks", "-n", "np2", "--node-count",
                  "100000"), AKS_COUNT.format(low=0), id="nodepool-add-count"),
    pytest.param(("az", "aks", "create", "-g", "rg", "-n", "big", "--max-pods", "300"),
                 "ERROR: " + MAX_PODS.format(n=300), id="aks-create-max-pods-high"),
    pytest.param(("az", "aks", "create", "-g", "rg", "-n", "big", "--max-pods", "5"),
                 "ERROR: " + MAX_PODS.format(n=5), id="aks-create-max-pods-low"),
    pytest.param(("plan", "--node-count", "100000"), "aksnet plan: " + AKS_COUNT.format(low=1)[len("ERROR: "):],
                 id="plan-count"),
    pytest.param(("plan", "--node-count", "3", "--max-pods", "300"), "aksnet plan: " + MAX_PODS.format(n=300),
                 id="plan-max-pods"),
])
def test_aks_limits(cluster: Path, argv: tuple[str, ...], message: str) -> None:
    before = _dump()
    r = run_cli(*argv, "-o", "none") if argv[0] == "az" else run_cli(*argv)
    assert r.code in (1, 2), r.err
    assert r.err.startswith(message), r.err
    assert _dump() == before


def _pods() -> list[dict[str, object]]:
    with command_transaction(write=False) as tx:
        return tx.list("k8s:core/Pod", cluster_scope(cluster_id("rg", "aks")))


@pytest.mark.parametrize("argv", [
    pytest.param(("kubectl", "scale", "deployment", "web", "--replicas=100000"), id="scale"),
    pytest.param(("kubectl", "create", "deployment", "web2", "--image=nginx", "--replicas=100000"),
                 id="create-deployment"),
])
def test_absurd_replicas_create_one_burst_per_sync(cluster: Path, argv: tuple[str, ...]) -> None:
    assert run_cli("kubectl", "create", "deployment", "web", "--image=nginx").code == 0
    base = len(_pods())
    r = run_cli(*argv)
    assert r.code == 0, r.err
    pods = _pods()
    assert len(pods) - base == BURST_REPLICAS
    phases = [str((p.get("status") or {}).get("phase")) for p in pods]  # type: ignore[attr-defined]
    with command_transaction(write=False) as tx:
        nodes = tx.list("k8s:core/Node", cluster_scope(cluster_id("rg", "aks")))
    capacity = sum(int(n["status"]["capacity"]["pods"]) for n in nodes)
    assert len(pods) - phases.count("Pending") <= capacity  # the rest stay Pending
