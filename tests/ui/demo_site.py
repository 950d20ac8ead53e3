"""The golden cluster of the ``aksnet ui`` tests: what ``aksnet demo`` leaves in a new workspace (seed 001's
kubenet walkthrough), and its exported site."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

# What a new user looks for after `aksnet demo`: seed 001's resources, by the names its walkthrough gives them.
SEED_NAMES = ("vNet_aks_useast", "aks-subnet", "aks-nsg", "aks-route-table", "aks-cluster", "testvm",
              "aks-nodepool1-67915021-vmss000000", "Service default/web", "Internet")


def build_demo_workspace() -> None:
    """``aksnet demo`` in the current (new) ``AKSNET_HOME``: the demo keeps its cluster there."""
    r = run_cli("demo")
    assert r.code == 0, r.err
    assert "aksnet ui" in r.out


def export_site(out: Path) -> None:
    r = run_cli("ui", "--export", str(out))
    assert r.code == 0, r.err
