"""The clusters the seeds' walkthroughs (``shared/acceptance/01``–``04``) build, in their final state, built
for real: ``aksnet verify`` must find real packets and ``trace`` agreeing on every flow and ingress URL.

The command lists mirror the walkthroughs' set-up steps (not their expectations, which the walkthroughs
themselves check, also with real packets when run with ``AKSNET_DATAPLANE=1``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import requires_dataplane, up_verify_down

pytestmark = [pytest.mark.dataplane, requires_dataplane]

# Copies of shared/acceptance/manifests (the seeds' manifests, indentation restored).
MANIFESTS = Path(__file__).resolve().parents[1] / "scenarios" / "acceptance_clusters"


def ok(*args: str, stdin: str | None = None) -> str:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, (args, r.err)
    return r.out.strip()


def subnet_id(rg: str, vnet: str, subnet: str) -> str:
    return ok("az", "network", "vnet", "subnet", "show", "-g", rg, "--vnet-name", vnet, "-n", subnet,
              "--query", "id", "-o", "tsv")


def build_01(home: Path) -> None:
    ok("az", "group", "create", "--name", "aks-rg", "--location", "eastus")
    ok("az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vNet_aks_useast", "--address-prefix", "10.0.0.0/8",
       "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16")
    ok("az", "network", "nsg", "create", "--resource-group", "aks-rg", "--name", "aks-nsg")
    ok("az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vNet_aks_useast", "-n",
       "aks-subnet", "--network-security-group", "aks-nsg")
    ok("az", "network", "route-table", "create", "-g", "aks-rg", "-n", "aks-route-table")
    ok("az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vNet_aks_useast", "-n",
       "aks-subnet", "--route-table", "aks-route-table")
    ok("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--vnet-subnet-id",
       subnet_id("aks-rg", "vNet_aks_useast", "aks-subnet"), "--network-plugin", "kubenet", "--pod-cidr",
       "10.244.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2",
       "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "aks-cluster")
    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=4", "--port=80")
    ok("az", "vm", "create", "-g", "aks-rg", "-n", "testvm", "--vnet-name", "vNet_aks_useast", "--subnet",
       "aks-subnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("kubectl", "expose", "deployment", "web", "--type", "LoadBalancer", "--port", "80")
    ok("az", "network", "nsg", "rule", "create", "-g", "aks-rg", "--nsg-name", "aks-nsg", "-n", "allow-http",
       "--priority", "100", "--direction", "Inbound", "--access", "Allow", "--protocol", "Tcp",
       "--destination-port-ranges", "80", "--source-address-prefixes", "Internet")
    ok("az", "aks", "update", "-g", "aks-rg", "-n", "aks-cluster", "--api-server-authorized-ip-ranges",
       "39.100.100.100/32")


def build_02(home: Path) -> None:
    ok("az", "group", "create", "--name", "aks-rg", "--location", "eastus")
    ok("az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vNet_aks_useast", "--address-prefix", "10.0.0.0/8",
       "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16")
    ok("az", "vm", "create", "-g", "aks-rg", "-n", "testvm", "--vnet-name", "vNet_aks_useast", "--subnet",
       "aks-subnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("az", "aks", "create", "-g", "aks-rg", "-n", "aks-cluster", "--vnet-subnet-id",
       subnet_id("aks-rg", "vNet_aks_useast", "aks-subnet"), "--network-plugin", "azure", "--network-plugin-mode",
       "overlay", "--pod-cidr", "172.17.0.0/16", "--service-cidr", "10.32.0.0/16", "--dns-service-ip",
       "10.32.0.10", "--node-count", "2", "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "aks-rg", "-n", "aks-cluster")
    ok("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=3", "--port=80")


def build_03(home: Path) -> None:
    ok("az", "group", "create", "--name", "myResourceGroup", "--location", "eastus")
    ok("az", "network", "vnet", "create", "-g", "myResourceGroup", "-n", "myVnet", "--address-prefixes",
       "10.240.0.0/16", "--subnet-name", "mySubnet", "--subnet-prefixes", "10.240.0.0/22")
    ok("az", "vm", "create", "-g", "myResourceGroup", "-n", "jumpbox", "--vnet-name", "myVnet", "--subnet",
       "mySubnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("az", "aks", "create", "--resource-group", "myResourceGroup", "--name", "myAKSCluster", "--network-plugin",
       "kubenet", "--network-policy", "calico", "--vnet-subnet-id", subnet_id("myResourceGroup", "myVnet", "mySubnet"),
       "--pod-cidr", "10.244.0.0/16", "--service-cidr", "10.0.0.0/16", "--dns-service-ip", "10.0.0.10",
       "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "myResourceGroup", "-n", "myAKSCluster")
    ok("kubectl", "apply", "-f", str(MANIFESTS / "production-app.yaml"))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "network-policy.yaml"))
    ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    ok("helm", "install", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--create-namespace", "--set", "controller.replicaCount=2", "--set",
       'controller.nodeSelector.beta\\.kubernetes\\.io/os=linux')
    key, crt = home / "tls.key", home / "tls.crt"
    subprocess.run(["openssl", "req", "-x509", "-nodes", "-days", "2", "-newkey", "rsa:2048", "-subj",
                    "/CN=myapp.example.com", "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    ok("kubectl", "create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(crt), "--key", str(key))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "ingress.yaml"))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "allow-ingress-controller.yaml"))
    ok("helm", "upgrade", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--reuse-values", "--set", "controller.service.externalTrafficPolicy=Local")
    ok("kubectl", "apply", "-f", str(MANIFESTS / "internal-app.yaml"))
    ok("kubectl", "apply", "-f", str(MANIFESTS / "web-services.yaml"))


def build_04(home: Path) -> None:
    ok("az", "group", "create", "--name", "myResourceGroup", "--location", "eastus")
    ok("az", "network", "vnet", "create", "-g", "myResourceGroup", "-n", "myVnet", "--address-prefixes",
       "10.1.0.0/16", "--subnet-name", "mySubnet", "--subnet-prefixes", "10.1.0.0/20")
    ok("az", "vm", "create", "-g", "myResourceGroup", "-n", "jumpbox", "--vnet-name", "myVnet", "--subnet",
       "mySubnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    ok("az", "aks", "create", "--resource-group", "myResourceGroup", "--name", "myPrivateAKSCluster",
       "--load-balancer-sku", "standard", "--enable-private-cluster", "--network-plugin", "azure",
       "--vnet-subnet-id", subnet_id("myResourceGroup", "myVnet", "mySubnet"), "--dns-service-ip", "10.2.0.10",
       "--service-cidr", "10.2.0.0/24", "--generate-ssh-keys")
    ok("az", "aks", "get-credentials", "-g", "myResourceGroup", "-n", "myPrivateAKSCluster")


BUILDERS: dict[str, Callable[[Path], None]] = {
    "01-kubenet-byo-vnet": build_01, "02-azure-cni-overlay": build_02,
    "03-policies-ingress-services": build_03, "04-private-cluster": build_04,
}


@pytest.mark.parametrize("name", list(BUILDERS))
def test_verify_finds_no_disagreement(home: Path, name: str) -> None:
    assert MANIFESTS.is_dir(), f"missing test manifests at {MANIFESTS}"
    BUILDERS[name](home)
    up_verify_down()
