"""The DNS lookup is a flow, in the kernel too: a pod under an egress NetworkPolicy that allows only TCP 443 sends
its query (real resolv.conf, real UDP to the kube-dns ClusterIP, real nft rules for kube-proxy and the policy)
and gets no answer; the twin says the same (trace: unresolved at the DNS query, exit 1), and ``verify`` agrees.
With UDP 53 allowed to kube-system the same lookup resolves in both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]

HTTPS_ONLY = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress-https-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - ports: [{protocol: TCP, port: 443}]
"""
WITH_DNS = HTTPS_ONLY + """  - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
    ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
"""


@pytest.fixture
def cluster(home: Path) -> Iterator[Path]:
    cli_ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    cli_ok("az", "network", "vnet", "create", "-g", "rg", "-n", "vnet", "--address-prefixes", "10.0.0.0/8",
        "--subnet-name", "aks", "--subnet-prefixes", "10.100.0.0/16")
    sid = cli_ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "vnet", "-n", "aks", "--query",
              "id", "-o", "tsv").strip()
    cli_ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--vnet-subnet-id", sid, "--network-plugin", "azure",
        "--network-policy", "calico", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10",
        "--node-count", "2", "--generate-ssh-keys")
    cli_ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    cli_ok("kubectl", "create", "deployment", "client", "--image=nginx")
    with brought_down(home):
        yield home


def _apply(home: Path, text: str) -> None:
    path = home / "policy.yaml"
    path.write_text(text)
    cli_ok("kubectl", "apply", "-f", str(path))


def test_lookup_blocked_by_egress_policy_in_twin_and_kernel(cluster: Path) -> None:
    _apply(cluster, HTTPS_ONLY)
    pod = json.loads(cli_ok("kubectl", "get", "pods", "-l", "app=client", "-o", "json"))["items"][0]["metadata"]["name"]
    twin = run_cli("trace", f"pod/{pod}", "kubernetes.default", "--port", "443", "-o", "json")
    doc = json.loads(twin.out)
    assert twin.code == 1 and doc["verdict"] == "unresolved"
    assert any(h["component"] == "DNS query: NetworkPolicy egress (calico)" and h["decision"] == "deny"
               for h in doc["hops"])
    assert run_cli("dns", "kubernetes.default", "--from", pod).out.strip() == \
        ";; connection timed out; no servers could be reached"
    cli_ok("up")
    kernel = run_cli("probe", f"pod/{pod}", "kubernetes.default", "--port", "443", "-o", "json")
    assert kernel.code == 1, kernel.out
    v = run_cli("verify")
    assert v.code == 0 and " 0 disagree" in v.out, v.out
    # the same pod, UDP 53 to kube-system allowed: the real query is answered, the name resolves
    _apply(cluster, WITH_DNS)
    cli_ok("up")
    assert "10.32.0.1" in cli_ok("exec", f"pod/{pod}", "--", "getent", "hosts", "kubernetes.default")
    assert "DNS query" in cli_ok("trace", f"pod/{pod}", "kubernetes.default", "--port", "443").splitlines()[1]
