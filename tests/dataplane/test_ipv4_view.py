"""A dual-stack cluster in the data plane: the plan is the IPv4 half and says so (docs/dataplane.md, "Known gaps").

Runs everywhere (no root): the planner is pure. Built from the CLI (kubenet and overlay dual-stack clusters with a
PreferDualStack LoadBalancer Service and an IPv6-only one), the plan must carry no IPv6 address anywhere and name
what it left out; an IPv4-only twin passes through untouched.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from aksnet.cli.common import command_transaction
from aksnet.dataplane.ipv4_view import ipv4_view
from aksnet.dataplane.plan import build_plan
from aksnet.io.twin_loader import load_twin
from aksnet.model.twin import Twin
from tests.conftest import run_cli


def _twin(families: str, plugin: list[str]) -> Twin:
    for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                 ["az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "2", "--ip-families", families,
                  *plugin],
                 ["az", "aks", "get-credentials", "-g", "rg", "-n", "c"],
                 ["kubectl", "create", "deployment", "web", "--image=nginx", "--port=80"],
                 ["kubectl", "expose", "deployment", "web", "--port=80", "--type=LoadBalancer"]
                 + (["--overrides", '{"spec":{"ipFamilyPolicy":"PreferDualStack"}}'] if "ipv6" in families else [])):
        r = run_cli(*argv)
        assert r.code == 0, (argv, r.err)
    if "ipv6" in families:
        r = run_cli("kubectl", "expose", "deployment", "web", "--name=web6", "--port=80",
                    "--overrides", '{"spec":{"ipFamilies":["IPv6"]}}')
        assert r.code == 0, r.err
    with command_transaction(write=False) as tx:
        return load_twin(tx)


@pytest.mark.parametrize("plugin", [["--network-plugin", "kubenet"],
                                    ["--network-plugin", "azure", "--network-plugin-mode", "overlay"]],
                         ids=["kubenet", "overlay"])
def test_dual_stack_plan_is_the_ipv4_half(home: Path, plugin: list[str]) -> None:
    plan = build_plan(_twin("ipv4,ipv6", plugin), "t3st00")
    text = json.dumps([dataclasses.asdict(u) for u in plan.units] + [dataclasses.asdict(r) for r in plan.routing]
                      + [s.document for s in plan.nft], default=str)
    assert "fd12:" not in text and "fd00:" not in text and "2603:" not in text
    assert any("dual-stack: the data plane is built for IPv4 only" in n and "Service default/web6 (IPv6 only)" in n
               for n in plan.notes), plan.notes


def test_single_stack_twin_is_unchanged(home: Path) -> None:
    twin = _twin("ipv4", ["--network-plugin", "kubenet"])
    view, notes = ipv4_view(twin)
    assert view is twin and notes == ()
