"""Flags the AKS networking articles use on ``az aks create``/``nodepool add`` and ``kubectl run``: ``--zones``,
``--vm-set-type``, ``--nodepool-labels``/``--nodepool-taints``, ``--pod-ip-allocation-mode`` and ``kubectl run
--expose``, each with what it changes and az's or the RP's refusal (a refused command changes nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import az_ok, run_cli, workspace_rows

RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets"


_az = az_ok


def _vnet() -> None:
    _az("group create -n rg -l eastus")
    _az("network vnet create -g rg -n vnet --address-prefixes 10.1.0.0/16 --subnet-name nodes "
        "--subnet-prefixes 10.1.0.0/22")
    _az("network vnet subnet create -g rg --vnet-name vnet -n pods --address-prefixes 10.1.8.0/24")


_dump = workspace_rows


# (id, aks create flags, JMESPath query on the cluster, expected JSON)
CREATES = [
    ("zones", "--zones 1 2 3", "agentPoolProfiles[0].availabilityZones", ["1", "2", "3"]),
    ("vm-set-type-any-case", "--vm-set-type virtualmachinescalesets", "agentPoolProfiles[0].type",
     "VirtualMachineScaleSets"),
    ("nodepool-labels", "--nodepool-labels team=net tier=web", "agentPoolProfiles[0].nodeLabels",
     {"team": "net", "tier": "web"}),
    ("nodepool-taints", "--nodepool-taints CriticalAddonsOnly=true:NoSchedule", "agentPoolProfiles[0].nodeTaints",
     ["CriticalAddonsOnly=true:NoSchedule"]),
    ("static-block", f"--network-plugin azure --vnet-subnet-id {RG}/nodes --pod-subnet-id {RG}/pods "
     "--pod-ip-allocation-mode staticblock --max-pods 30", "agentPoolProfiles[0].podIpAllocationMode", "StaticBlock"),
    ("no-mode-is-null", "--network-plugin azure", "agentPoolProfiles[0].podIpAllocationMode", None),
]


@pytest.mark.parametrize(("flags", "query", "expected"), [r[1:] for r in CREATES], ids=[r[0] for r in CREATES])
def test_create_flag(home: Path, flags: str, query: str, expected: object) -> None:
    _vnet()
    out = _az(f"aks create -g rg -n c --node-count 3 {flags} --query {query} -o json")
    assert (json.loads(out) if out else None) == expected  # az prints nothing for a null result


# (id, aks create flags, text in stderr)
REFUSALS = [
    ("zone-4", "--zones 1 4", "(AvailabilityZoneNotSupported) The zone(s) '4' for resource 'nodepool1' is not "
     "supported. The supported zones for location 'eastus' are '1,2,3'"),
    ("vm-set-type-typo", "--vm-set-type scaleset",
     "--vm-set-type can only be VirtualMachineScaleSets or AvailabilitySet or VirtualMachines"),
    ("availability-set-not-emulated", "--vm-set-type AvailabilitySet",
     "'--vm-set-type AvailabilitySet' is an az option value that aksnet does not emulate"),
    ("bad-taint", "--nodepool-taints sku=gpu", "Invalid node taint: sku=gpu"),
    ("static-block-without-pod-subnet", "--network-plugin azure --pod-ip-allocation-mode StaticBlock",
     "Pod IP allocation mode StaticBlock requires a pod subnet"),
    ("allocation-mode-enum", f"--network-plugin azure --pod-subnet-id {RG}/pods --pod-ip-allocation-mode Blocks",
     "'Blocks' is not a valid value for '--pod-ip-allocation-mode'. Allowed values: DynamicIndividual, StaticBlock."),
    ("static-block-subnet-too-small", f"--network-plugin azure --vnet-subnet-id {RG}/nodes --pod-subnet-id "
     f"{RG}/pods --pod-ip-allocation-mode StaticBlock --max-pods 250",
     "(SubnetIsFull) Subnet pods with address prefix 10.1.8.0/24 does not have enough capacity for 256 IP"),
]


@pytest.mark.parametrize(("flags", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_create_refused(home: Path, flags: str, message: str) -> None:
    _vnet()
    before = _dump(home)
    r = run_cli("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "2", *flags.split())
    assert r.code != 0
    assert message in r.err
    assert _dump(home) == before


def test_zonal_nodes_and_static_blocks(home: Path) -> None:
    """Nodes of a zonal pool carry ``<location>-<zone>`` round robin; StaticBlock pods take addresses from their
    node's /28 blocks only (ceil(30/16) = 2 blocks = 32 addresses per node, never the subnet's first /28)."""
    _vnet()
    _az(f"aks create -g rg -n c --node-count 3 --zones 1 2 3 --network-plugin azure --vnet-subnet-id {RG}/nodes "
        f"--pod-subnet-id {RG}/pods --pod-ip-allocation-mode StaticBlock --max-pods 30 -o none")
    _az("aks get-credentials -g rg -n c")
    zones = run_cli("kubectl", "get", "nodes", "-o",
                    "jsonpath={.items[*].metadata.labels.topology\\.kubernetes\\.io/zone}")
    assert zones.out.split() == ["eastus-1", "eastus-2", "eastus-3"]
    run_cli("kubectl", "create", "deployment", "web", "--image=nginx", "--replicas=20")
    ips = run_cli("kubectl", "get", "pods", "-A", "-o", "jsonpath={.items[*].status.podIP}").out.split()
    pod_ips = [ip for ip in ips if ip.startswith("10.1.8.")]
    assert pod_ips and all(int(ip.rsplit(".", 1)[1]) >= 16 for ip in pod_ips)
    assert max(int(ip.rsplit(".", 1)[1]) for ip in pod_ips) < 16 + 3 * 32


def test_nodepool_add_zones(home: Path) -> None:
    _vnet()
    _az("aks create -g rg -n c --node-count 1 -o none")
    assert _az("aks nodepool add -g rg --cluster-name c -n zonal --node-count 2 --zones 2 3 "
               "--query availabilityZones -o tsv").split() == ["2", "3"]


# (id, kubectl run arguments, exit code, stdout, stderr)
RUNS = [
    ("expose", "web --image=nginx --port=80 --expose", 0, "service/web created\npod/web created\n", ""),
    ("expose-needs-port", "web --image=nginx --expose", 1, "",
     "error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples\n"),
]


@pytest.mark.parametrize(("args", "code", "out", "err"), [r[1:] for r in RUNS], ids=[r[0] for r in RUNS])
def test_kubectl_run_expose(home: Path, args: str, code: int, out: str, err: str) -> None:
    _vnet()
    _az("aks create -g rg -n c --node-count 1 -o none")
    _az("aks get-credentials -g rg -n c")
    r = run_cli("kubectl", "run", *args.split())
    assert (r.code, r.out, r.err) == (code, out, err)
    svc = run_cli("kubectl", "get", "service", "web", "-o", "json")
    if code == 0:
        spec = json.loads(svc.out)["spec"]
        assert spec["selector"] == {"run": "web"}
        assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
        assert "10.244." in run_cli("kubectl", "get", "endpoints", "web").out
    else:
        assert svc.code == 1 and run_cli("kubectl", "get", "pod", "web").code == 1
