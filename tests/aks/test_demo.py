"""``aksnet demo`` runs seed 001's walkthrough in a throwaway workspace and shows what a new user sees first."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_cli


def test_demo_runs_in_a_throwaway_workspace(home: Path) -> None:
    r = run_cli("demo")
    assert r.code == 0, r.err
    for text in ("$ az aks create --resource-group aks-rg --name aks-cluster",
                 "Microsoft.Network/loadBalancers kubernetes",
                 "addresses needed (nodes + surge) 1,705", "AKS planning formula (one surge node) 1,581"):
        assert text in re.sub(r"  +", " ", r.out)
    for words in (("aks-nodepool1-67915021-vmss000000", "10.100.0.4", "10.244.0.0/24"),
                  ("10.244.1.0/24", "VirtualAppliance", "aks-nodepool1-67915021-vmss000001", "10.100.0.5")):
        assert any(all(w in line.split() for w in words) for line in r.out.splitlines()), words
    assert not home.exists()  # the user's workspace is untouched


def test_demo_rejects_arguments(home: Path) -> None:
    assert run_cli("demo", "--bogus").code == 2
