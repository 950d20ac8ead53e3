"""``aksnet diff`` when the two sides induce different external ranges (their ipBlocks differ): both sides are
split into the ranges induced by the ipBlocks of both, so only addresses whose connectivity changed show."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.analyses.diff import diff_matrices
from aksnet.analyses.matrix import compute_matrix
from aksnet.io.manifest_dir import cluster_state_from_documents
from aksnet.model.twin import ClusterState


def _pod(name: str, ip: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default",
                                                            "labels": {"app": name}},
            "spec": {"containers": [{"name": "c"}]}, "status": {"podIP": ip, "phase": "Running"}}


def _egress(cidr: str, except_: list[str] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"cidr": cidr, **({"except": except_} if except_ else {})}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "eg", "namespace": "default"},
            "spec": {"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"],
                     "egress": [{"to": [{"ipBlock": block}]}]}}


def _state(*extra: dict[str, Any]) -> ClusterState:
    return cluster_state_from_documents([_pod("a", "10.0.0.1"), _pod("b", "10.0.0.2"), *extra], "upstream")


def _lines(a: ClusterState, b: ClusterState) -> list[str]:
    d = diff_matrices(compute_matrix(a, all_ports=True), compute_matrix(b, all_ports=True))
    return [f"{e.diff_type} {e.src} => {e.dst}: {e.ref1} / {e.ref2}" for e in d.entries]


@pytest.mark.parametrize(("a", "b", "want"), [
    ((), (_egress("8.8.8.0/24"),), [
        "removed default/a[Pod] => 0.0.0.0-8.8.7.255[External]: All Connections / No Connections",
        "removed default/a[Pod] => 8.8.9.0-255.255.255.255[External]: All Connections / No Connections",
        "removed default/a[Pod] => default/b[Pod]: All Connections / No Connections"]),
    ((_egress("8.8.8.0/24"),), (), [
        "added default/a[Pod] => 0.0.0.0-8.8.7.255[External]: No Connections / All Connections",
        "added default/a[Pod] => 8.8.9.0-255.255.255.255[External]: No Connections / All Connections",
        "added default/a[Pod] => default/b[Pod]: No Connections / All Connections"]),
    # both sides have ipBlocks, with different boundaries: only 8.8.8.8 changes
    ((_egress("8.8.8.0/24"),), (_egress("8.8.8.0/24", ["8.8.8.8/32"]),), [
        "removed default/a[Pod] => 8.8.8.8-8.8.8.8[External]: All Connections / No Connections"]),
    ((_egress("8.8.8.0/24"),), (_egress("8.8.8.0/24"),), []),
])
def test_diff_aligns_external_ranges(a: tuple[dict[str, Any], ...], b: tuple[dict[str, Any], ...],
                                     want: list[str]) -> None:
    assert _lines(_state(*a), _state(*b)) == want
