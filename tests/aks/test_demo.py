"""``aksnet demo`` runs seed 001's walkthrough and shows what a new user sees first; its cluster stays in a new
workspace (so ``aksnet ui`` shows it next) and an existing workspace is never touched."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import run_cli


def test_demo_builds_in_a_new_workspace(home: Path) -> None:
    r = run_cli("demo")
    assert r.code == 0, r.err
    for text in ("$ az aks create --resource-group aks-rg --name aks-cluster",
                 "Microsoft.Network/loadBalancers kubernetes",
                 "addresses needed (nodes + surge) 1,705", "AKS planning formula (one surge node) 1,581"):
        assert text in re.sub(r"  +", " ", r.out)
    for words in (("aks-nodepool1-67915021-vmss000000", "10.100.0.4", "10.244.0.0/24"),
                  ("10.244.1.0/24", "VirtualAppliance", "aks-nodepool1-67915021-vmss000001", "10.100.0.5")):
        assert any(all(w in line.split() for w in words) for line in r.out.splitlines()), words
    assert home.exists() and "aksnet ui" in r.out  # the cluster stays for aksnet ui
    assert run_cli("az", "aks", "show", "-g", "aks-rg", "-n", "aks-cluster").code == 0


def test_demo_leaves_an_existing_workspace_untouched(home: Path) -> None:
    assert run_cli("az", "group", "create", "-n", "mine", "-l", "westus").code == 0
    before = {f.name: f.read_bytes() for f in home.iterdir() if f.is_file()}
    r = run_cli("demo")
    assert r.code == 0, r.err
    assert "throwaway" in r.out
    assert {f.name: f.read_bytes() for f in home.iterdir() if f.is_file()} == before
    assert run_cli("az", "group", "show", "-n", "aks-rg").code == 3


def test_demo_rejects_arguments(home: Path) -> None:
    assert run_cli("demo", "--bogus").code == 2
