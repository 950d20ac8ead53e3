"""``az identity`` and ``az role assignment``: the identities and grants the AKS articles make before
``az aks create --assign-identity`` (learn.microsoft.com/azure/aks/configure-kubenet, use-managed-identity)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aksnet.model.account import SUBSCRIPTION_ID
from tests.conftest import run_cli

RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg"


def _ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def test_identity_then_cluster_uses_it(home: Path) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    ident = json.loads(_ok("az", "identity", "create", "-g", "rg", "-n", "myid"))
    assert ident["id"] == f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myid"
    assert ident["resourceGroup"] == "rg" and ident["clientId"] != ident["principalId"]
    grant = json.loads(_ok("az", "role", "assignment", "create", "--assignee", ident["principalId"], "--role",
                           "network contributor", "--scope", RG))
    assert grant["roleDefinitionId"].endswith("/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7")
    assert grant["scope"] == RG and grant["principalId"] == ident["principalId"]
    got = json.loads(_ok("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--assign-identity",
                         ident["id"], "--query", "identity"))
    assert got["type"] == "UserAssigned" and got["principalId"] is None
    assert got["userAssignedIdentities"] == {ident["id"]: {"clientId": ident["clientId"],
                                                           "principalId": ident["principalId"]}}


@pytest.mark.parametrize(("args", "code", "err"), [
    (("role", "assignment", "create", "--assignee", "x", "--role", "Netwrk Contributor", "--scope", RG), 1,
     "ERROR: Role 'Netwrk Contributor' doesn't exist.\n"),
    (("aks", "create", "-g", "rg", "-n", "c", "--assign-identity",
      f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope"), 3,
     "ERROR: (ResourceNotFound) The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/nope' under resource "
     "group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix\n"),
], ids=["unknown-role", "missing-identity"])
def test_identity_errors(home: Path, args: tuple[str, ...], code: int, err: str) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    r = run_cli("az", *args)
    assert r.code == code and r.err.startswith(err), r.err
