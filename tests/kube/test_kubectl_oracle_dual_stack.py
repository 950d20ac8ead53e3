"""The real kubectl 1.32 formats a dual-stack cluster's objects as aksnet does: the dual-stack article's
custom-columns of nodes and pods, ``describe`` of a PreferDualStack LoadBalancer Service, an IPv6-only Service,
their EndpointSlices of both address types, a dual-stack Node and Pod (learn.microsoft.com/azure/aks/
configure-kubenet-dual-stack). Same fake API server and binary as tests/kube/test_kubectl_oracle.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.kube.test_kubectl_oracle import KUBECTL, real_and_mine, served_workspace

NODES = ("NAME:.metadata.name,ADDRESSES:.status.addresses[?(@.type=='InternalIP')].address,"
         "PODCIDRS:.spec.podCIDRs[*]")
PODS = ("NAME:.metadata.name,IPs:.status.podIPs[*].ip,NODE:.spec.nodeName,"
        "READY:.status.conditions[?(@.type=='Ready')].status")

CASES = [
    ("article-nodes", ["get", "nodes", f"-o=custom-columns={NODES}"]),
    ("article-pods", ["get", "pods", "-o", f"custom-columns={PODS}"]),
    ("article-cluster-ips", ["get", "services", "nginx", "-ojsonpath={.spec.clusterIPs}"]),
    ("pod-ips-json", ["get", "pods", "-o", "jsonpath={.items[0].status.podIPs}"]),
    ("describe-dual-stack-service", ["describe", "svc", "nginx"]),
    ("describe-ipv6-service", ["describe", "svc", "nginx-ipv6"]),
    ("describe-endpointslices", ["describe", "endpointslices"]),
    ("describe-endpoints", ["describe", "endpoints", "nginx-ipv6"]),
    ("yaml-service", ["get", "svc", "nginx", "-o", "yaml"]),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    if KUBECTL is None:
        pytest.skip("no kubectl 1.32 binary")
    base = tmp_path_factory.mktemp("oracle-dual")

    def build() -> None:
        for args in (("az", "group", "create", "-n", "rg", "-l", "eastus"),
                     ("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "2",
                      "--ip-families", "ipv4,ipv6"),
                     ("az", "aks", "get-credentials", "-g", "rg", "-n", "c"),
                     ("kubectl", "create", "deployment", "nginx", "--image=nginx:latest", "--replicas=3"),
                     ("kubectl", "expose", "deployment", "nginx", "--name=nginx", "--port=80",
                      "--type=LoadBalancer", "--overrides",
                      '{"spec":{"ipFamilyPolicy": "PreferDualStack", "ipFamilies": ["IPv4", "IPv6"]}}'),
                     ("kubectl", "expose", "deployment", "nginx", "--name=nginx-ipv6", "--port=80",
                      "--type=LoadBalancer", "--overrides", '{"spec":{"ipFamilies": ["IPv6"]}}')):
            r = run_cli(*args)
            assert r.code == 0, (args, r.err)

    with served_workspace(base, build) as served:
        yield served


@pytest.mark.parametrize("args", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_real_kubectl_formats_dual_stack_as_aksnet(served: tuple[Path, Path], args: list[str]) -> None:
    real, mine = real_and_mine(served, args)
    assert mine == real
