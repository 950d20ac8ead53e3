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


def test_private_dns_link_makes_a_private_cluster_resolvable_from_a_peered_vnet(home: Path) -> None:
    """learn.microsoft.com/azure/aks/private-clusters: a peered VNet needs a link to the cluster's zone."""
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "aks", "create", "-g", "rg", "-n", "p", "--enable-private-cluster", "--node-count", "1")
    _ok("az", "network", "vnet", "create", "-g", "rg", "-n", "peer", "--address-prefixes", "172.16.0.0/16",
        "--subnet-name", "s", "--subnet-prefixes", "172.16.0.0/24")
    mc = "MC_rg_p_eastus"
    zone = json.loads(_ok("az", "network", "private-dns", "zone", "list", "-g", mc, "--query", "[0].name"))
    aks_vnet = json.loads(_ok("az", "network", "vnet", "list", "-g", mc, "--query", "[0].id"))
    peer = json.loads(_ok("az", "network", "vnet", "show", "-g", "rg", "-n", "peer", "--query", "id"))
    _ok("az", "network", "vnet", "peering", "create", "-g", "rg", "--vnet-name", "peer", "-n", "a", "--remote-vnet",
        aks_vnet, "--allow-vnet-access")  # as the article does (az sends false without it)
    _ok("az", "network", "vnet", "peering", "create", "-g", mc, "--vnet-name", aks_vnet.rsplit("/", 1)[-1], "-n", "b",
        "--remote-vnet", peer, "--allow-vnet-access")
    _ok("az", "vm", "create", "-g", "rg", "-n", "jump", "--image", "Ubuntu2204", "--vnet-name", "peer", "--subnet", "s",
        "--generate-ssh-keys")
    fqdn = json.loads(_ok("az", "aks", "show", "-g", "rg", "-n", "p", "--query", "privateFqdn"))
    assert "UNRESOLVED" in run_cli("trace", "vm/jump", fqdn, "--port", "443").out
    link = json.loads(_ok("az", "network", "private-dns", "link", "vnet", "create", "-g", mc, "-z", zone, "-n", "l",
                          "-v", peer, "-e", "false"))
    assert link["virtualNetwork"]["id"] == peer and link["registrationEnabled"] is False
    assert "DELIVERED" in run_cli("trace", "vm/jump", fqdn, "--port", "443").out
    again = run_cli("az", "network", "private-dns", "link", "vnet", "create", "-g", mc, "-z", zone, "-n", "l2", "-v",
                    peer)
    assert again.code == 1 and "(Conflict)" in again.err
    assert json.loads(_ok("az", "network", "private-dns", "zone", "show", "-g", mc, "-n", zone, "--query",
                          "numberOfVirtualNetworkLinks")) == 2


def test_private_dns_zone_create(home: Path) -> None:
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    zone = json.loads(_ok("az", "network", "private-dns", "zone", "create", "-g", "rg", "-n", "contoso.internal"))
    assert (zone["name"], zone["location"], zone["numberOfRecordSets"]) == ("contoso.internal", "global", 1)
    r = run_cli("az", "network", "private-dns", "zone", "create", "-g", "rg", "-n", "contoso.internal")
    assert r.code == 1 and "(PreconditionFailed)" in r.err
