"""``az aks create --outbound-type userDefinedRouting`` through Azure Firewall: the node bootstrap (vmssCSE)
checks mcr.microsoft.com:443 (exit status 50, OutboundConnFailVMExtensionError) and then the public API server's
FQDN on 443 (exit status 51, VMExtensionError_K8SAPIServerConnFail); either blocked fails the create and leaves no
cluster (learn.microsoft.com/troubleshoot/azure/azure-kubernetes/error-codes/vmextensionerror-k8sapiserverconnfail;
learn.microsoft.com/azure/aks/outbound-rules-control-egress)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.lint.test_egress_required import SETUP as EGRESS_SETUP

SUBNET = ("/subscriptions/00000000-0000-4000-8000-00000000a5e7/resourceGroups/rg/providers/Microsoft.Network/"
          "virtualNetworks/vnet/subnets/nodes")
# the firewall, its route table and the node subnet behind it, without any rule
SETUP = EGRESS_SETUP[:9]
MCR = ("network firewall application-rule create -g rg -f fw -c mcr -n mcr --source-addresses '*' "
       "--protocols https=443 --target-fqdns mcr.microsoft.com --action allow --priority 300")
HCP = ("network firewall application-rule create -g rg -f fw -c hcp -n hcp --source-addresses '*' "
       "--protocols https=443 --target-fqdns '*.hcp.eastus.azmk8s.io' --action allow --priority 400")

CASES = [
    ("nothing-allowed", [], 1, "exit status=50"),
    ("mcr-only", [MCR], 1, "exit status=51"),
    ("mcr-and-hcp", [MCR, HCP], 0, None),
    ("fqdn-tag", ["network firewall application-rule create -g rg -f fw -c tag -n fqdn --source-addresses '*' "
                  "--protocols https=443 --fqdn-tags AzureKubernetesService --action allow --priority 300"], 0, None),
    ("mcr-and-api-network-rule", [MCR, "network firewall network-rule create -g rg -f fw -c net -n api --protocols TCP "
                                  "--source-addresses '*' --destination-addresses AzureCloud.eastus "
                                  "--destination-ports 443 --action allow --priority 100"], 0, None),
    ("hcp-denied-first", [MCR, HCP, "network firewall application-rule create -g rg -f fw -c deny -n hcp "
                          "--source-addresses '*' --protocols https=443 --target-fqdns '*.azmk8s.io' "
                          "--action deny --priority 200"], 1, "VMExtensionError_K8SAPIServerConnFail"),
]


@pytest.mark.parametrize(("rules", "code", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bootstrap_through_firewall(home: Path, rules: list[str], code: int, needle: str | None) -> None:
    for line in SETUP + rules:
        r = run_cli("az", *shlex.split(line), "-o", "none")
        assert r.code == 0, f"{line}: {r.err}"
    r = run_cli("az", "aks", "create", "-g", "rg", "-n", "aks", "--network-plugin", "azure", "--outbound-type",
                "userDefinedRouting", "--node-count", "1", "--vnet-subnet-id", SUBNET, "--generate-ssh-keys",
                "-o", "none")
    assert r.code == code, r.err
    if needle is not None:
        assert "(VMExtensionProvisioningError)" in r.err and needle in r.err
        assert run_cli("az", "aks", "list", "--query", "length(@)").out.strip() == "0"
