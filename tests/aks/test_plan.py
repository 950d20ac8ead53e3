"""``aksnet plan``: the worked examples of learn.microsoft.com/azure/aks/concepts-network-ip-address-planning and the
plan of an existing cluster."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aksnet.analyses.plan import PlanInput, PoolInput, plan
from aksnet.twin.aks import capacity
from tests.conftest import run_cli
from tests.golden import check_golden


def _rows(text: str) -> dict[str, str]:
    """The key/value rows of ``plan``'s text tables (keys and values are separated by two or more spaces)."""
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in text.splitlines() if line.startswith("  "))
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def test_fifty_nodes_azure_cni_needs_1705_and_a_21(home: Path) -> None:
    # AKS's worked example counts one surge node, (50 + 1) × 31 = 1,581; today's default surge is 10%, 5 nodes
    r = run_cli("plan", "--network-plugin", "azure", "--node-count", "50", "--max-pods", "30")
    assert r.code == 0, r.err
    rows = _rows(r.out)
    assert rows["addresses needed (nodes + surge)"] == "1,705"
    assert rows["AKS planning formula (one surge node)"] == "1,581"
    assert rows["smallest subnet that fits"].startswith("/21 ")
    assert not home.exists()  # a hypothetical plan needs no workspace and writes none


def test_explicit_surge_of_one_gives_the_docs_1581(home: Path) -> None:
    r = run_cli("plan", "--network-plugin", "azure", "--node-count", "50", "--max-pods", "30", "--max-surge", "1")
    assert r.code == 0, r.err
    rows = _rows(r.out)
    assert rows["addresses needed (nodes + surge)"] == "1,581"
    assert "AKS planning formula (one surge node)" not in rows


def test_slash_24_holds_8_nodes_at_30_pods(home: Path) -> None:
    r = run_cli("plan", "--network-plugin", "azure", "--node-count", "8", "--max-pods", "30",
                "--subnet-prefix", "10.0.0.0/24", "-o", "json")
    pool = json.loads(r.out)["pools"][0]
    assert (pool["max_nodes_subnet"], pool["fits"], pool["subnet_usable"]) == (8, True, 251)


def test_ten_nodes_times_31_exceed_251(home: Path) -> None:
    r = run_cli("plan", "--network-plugin", "azure", "--node-count", "10", "--max-pods", "30",
                "--subnet-prefix", "10.0.0.0/24")
    assert "NO (InsufficientSubnetSize)" in r.out
    assert "pre-allocated IPs 310 exceed the 251 available in 10.0.0.0/24" in r.out


CAPACITY = [
    ("usable-24", capacity.usable("10.0.0.0/24"), 251),
    ("usable-29", capacity.usable("10.0.0.0/29"), 3),
    ("surge-percent", capacity.surge_nodes(10, "33%"), 4),
    ("surge-int", capacity.surge_nodes(10, "1"), 1),
    ("surge-default-10-percent", capacity.surge_nodes(3), 1),
    ("surge-default-50-nodes", capacity.surge_nodes(50), 5),
    ("cni-formula", capacity.node_subnet_required("azure", 50, 30, 1), 1581),
    ("cni-plus-10", capacity.node_subnet_required("azure", 60, 30, 1), 1891),
    ("kubenet-one-per-node", capacity.node_subnet_required("kubenet", 50, 110, 1), 51),
    ("pod-cidr-16", capacity.pod_cidr_node_capacity("10.244.0.0/16"), 256),
    ("pod-cidr-22", capacity.pod_cidr_required(5), 1280),
    ("snat-50", capacity.snat_ports_per_node(50), 1024),
    ("snat-51", capacity.snat_ports_per_node(51), 512),
    ("snat-1000", capacity.snat_ports_per_node(1000), 32),
    ("ips-for-nodes", capacity.nodes_supported_by_outbound_ips(1, 1024), 62),
    ("smallest-1581", capacity.smallest_prefix(1581), 21),
    ("route-headroom", capacity.kubenet_route_headroom(398), 2),
]


@pytest.mark.parametrize(("got", "want"), [c[1:] for c in CAPACITY], ids=[c[0] for c in CAPACITY])
def test_capacity_math(got: int, want: int) -> None:
    assert got == want


# (outbound type, nodes incl. surge, IPs, allocatedOutboundPorts, connections per node) ->
# (ports per node, max nodes, fits, exhausted) [load-balancer-outbound-connections; nat-gateway-resource]
SNAT = [
    ("lb-default-50", ("loadBalancer", 50, 1, None, None), (1024, 1000, True, None)),
    ("lb-default-51", ("loadBalancer", 51, 1, 0, None), (512, 1000, True, None)),
    ("lb-default-101", ("loadBalancer", 101, 1, None, None), (256, 1000, True, None)),
    ("lb-default-201", ("loadBalancer", 201, 1, None, None), (128, 1000, True, None)),
    ("lb-default-401", ("loadBalancer", 401, 1, None, None), (64, 1000, True, None)),
    ("lb-default-1000", ("loadBalancer", 1000, 1, None, None), (32, 1000, True, None)),
    ("lb-default-past-1000", ("loadBalancer", 1001, 1, None, None), (0, 1000, False, None)),
    ("lb-default-load-fits", ("loadBalancer", 10, 1, None, 1024), (1024, 1000, True, False)),
    ("lb-default-load-exhausts", ("loadBalancer", 120, 1, None, 300), (256, 1000, True, True)),
    ("lb-ports-fit", ("loadBalancer", 16, 1, 4000, None), (4000, 16, True, None)),
    ("lb-ports-one-node-too-many", ("loadBalancer", 17, 1, 4000, None), (4000, 16, False, None)),
    ("lb-ports-docs-example", ("loadBalancer", 100, 7, 4000, 3999), (4000, 112, True, False)),
    ("lb-ports-max", ("loadBalancer", 1, 1, 64000, 64001), (64000, 1, True, True)),
    ("natgw-no-load", ("managedNATGateway", 500, 1, None, None), (None, None, True, None)),
    ("natgw-load-fits", ("managedNATGateway", 2, 1, None, 32256), (None, 2, True, False)),
    ("natgw-load-exhausts", ("userAssignedNATGateway", 3, 1, None, 32256), (None, 2, False, True)),
    ("natgw-two-ips", ("managedNATGateway", 11, 2, None, 20000), (None, 6, False, True)),
]


@pytest.mark.parametrize(("args", "want"), [c[1:] for c in SNAT], ids=[c[0] for c in SNAT])
def test_snat_capacity(args: tuple[str, int, int, int | None, int | None],
                       want: tuple[int | None, int | None, bool, bool | None]) -> None:
    cap = capacity.snat_capacity(*args)
    assert cap is not None
    assert (cap.ports_per_node, cap.max_nodes, cap.fits, cap.exhausted) == want


@pytest.mark.parametrize("outbound_type", ["userDefinedRouting", "none", "block"])
def test_snat_capacity_none_without_azure_snat(outbound_type: str) -> None:
    assert capacity.snat_capacity(outbound_type, 3, 1, None, 100) is None


def test_plan_kubenet_pod_cidr_and_routes() -> None:
    p = plan(PlanInput("x", "kubenet", (PoolInput("p", 300, 110, "1", "10.100.0.0/16"),), "10.244.0.0/16",
                       route_table_other_routes=5))
    assert (p.pod_cidr_max_nodes, p.pod_cidr_required, p.route_table_headroom) == (256, 76800, 95)


def test_plan_of_existing_cluster(home: Path) -> None:
    for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                ["az", "aks", "create", "-g", "aks-rg", "-n", "c", "--network-plugin", "azure", "--node-count", "3"]):
        assert run_cli(*cmd).code == 0
    r = run_cli("plan", "-g", "aks-rg", "-n", "c", "-o", "json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    pool = data["pools"][0]
    assert (pool["subnet_prefix"], pool["subnet_used"], pool["required"]) == ("10.224.0.0/16", 93, 124)
    assert data["snat_ports_per_node"] == 1024


def test_plan_bad_input_exits_2(home: Path) -> None:
    r = run_cli("plan", "--node-count", "many")
    assert r.code == 2


GOLDEN = Path(__file__).resolve().parent.parent / "scenarios" / "aks_plan_worked_examples"
EXAMPLES = {
    "azure_50_nodes.txt": ["--network-plugin", "azure", "--node-count", "50", "--max-pods", "30"],
    "azure_10_nodes_on_24.txt": ["--network-plugin", "azure", "--node-count", "10", "--max-pods", "30",
                                 "--subnet-prefix", "10.101.0.0/24"],
    "kubenet_300_nodes.json": ["--network-plugin", "kubenet", "--node-count", "300", "--pod-cidr", "10.244.0.0/16",
                               "--subnet-prefix", "10.100.0.0/16", "-o", "json"],
    "overlay_defaults.txt": ["--network-plugin", "azure", "--network-plugin-mode", "overlay", "--node-count", "3"],
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_plan_golden(home: Path, update_golden: bool, name: str) -> None:
    r = run_cli("plan", *EXAMPLES[name])
    assert r.code == 0, r.err
    check_golden(GOLDEN / name, r.out, update_golden)


def test_plan_invalid_flags_exit_2(home: Path) -> None:
    r = run_cli("plan", "--network-plugin", "azure", "--pod-cidr", "10.244.0.0/16")
    assert r.code == 2
    assert r.err.startswith("aksnet plan: Please specify network plugin mode `overlay` when using --pod-cidr")
