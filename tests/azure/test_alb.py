"""``az network alb`` (Application Gateway for Containers): the resources and their az output, and the rules an
association's subnet must meet (delegated to Microsoft.ServiceNetworking/trafficControllers, a /24 or larger,
one association per subnet), each refused with its code and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _az(line: str) -> str:
    r = run_cli("az", *line.split())
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def alb(home: Path) -> str:
    _az("group create -n rg -l northeurope")
    _az("network vnet create -g rg -n v --address-prefixes 10.0.0.0/16 --subnet-name ok --subnet-prefixes 10.0.1.0/24")
    _az("network vnet subnet update -g rg --vnet-name v -n ok --delegations Microsoft.ServiceNetworking/"
        "trafficControllers")
    _az("network vnet subnet create -g rg --vnet-name v -n plain --address-prefixes 10.0.2.0/24")
    _az("network vnet subnet create -g rg --vnet-name v -n small --address-prefixes 10.0.3.0/25 --delegations "
        "Microsoft.ServiceNetworking/trafficControllers")
    _az("network alb create -g rg -n alb-test")
    return str(json.loads(_az("network vnet show -g rg -n v"))["id"])


def test_resources_and_output(alb: str) -> None:
    fe = json.loads(_az("network alb frontend create -g rg -n fe --alb-name alb-test"))
    assert fe["fqdn"].endswith(".alb.azure.com") and ".fz" in fe["fqdn"]
    assert fe["type"] == "Microsoft.ServiceNetworking/trafficControllers/frontends"
    assoc = json.loads(_az("network alb association create -g rg -n a --alb-name alb-test --subnet ok --vnet-name v"))
    assert assoc["associationType"] == "subnets" and assoc["subnet"]["id"].endswith("/subnets/ok")
    tc = json.loads(_az("network alb show -g rg -n alb-test"))
    assert [r["id"] for r in tc["frontends"]] == [fe["id"]]
    assert [r["id"] for r in tc["associations"]] == [assoc["id"]]
    assert tc["configurationEndpoints"][0].endswith(".trafficcontroller.azure.com")
    assert len(json.loads(_az("network alb list -g rg"))) == 1
    _az("network alb delete -g rg -n alb-test --yes")
    assert json.loads(_az("network alb list")) == []
    # the association's address is free again: a new association takes it
    _az("network alb create -g rg -n alb-2")
    _az("network alb association create -g rg -n a --alb-name alb-2 --subnet ok --vnet-name v")


@pytest.mark.parametrize(("subnet", "code"), [
    ("plain", "SubnetNotDelegated"),
    ("small", "InvalidSubnetSize"),
    ("missing", "InvalidResourceReference"),
], ids=["not-delegated", "smaller-than-24", "missing-subnet"])
def test_association_subnet_rules(alb: str, subnet: str, code: str) -> None:
    before = run_cli("az", "network", "alb", "show", "-g", "rg", "-n", "alb-test").out
    r = run_cli("az", "network", "alb", "association", "create", "-g", "rg", "-n", "a", "--alb-name", "alb-test",
                "--subnet", subnet, "--vnet-name", "v")
    assert r.code == 1 and f"({code})" in r.err, r.err
    assert run_cli("az", "network", "alb", "show", "-g", "rg", "-n", "alb-test").out == before


def test_one_association_per_subnet(alb: str) -> None:
    _az("network alb association create -g rg -n a --alb-name alb-test --subnet ok --vnet-name v")
    _az("network alb create -g rg -n other")
    r = run_cli("az", "network", "alb", "association", "create", "-g", "rg", "-n", "b", "--alb-name", "other",
                "--subnet", "ok", "--vnet-name", "v")
    assert r.code == 1 and "(SubnetAlreadyAssociated)" in r.err


def test_missing_resources(alb: str) -> None:
    r = run_cli("az", "network", "alb", "show", "-g", "rg", "-n", "nope")
    assert r.code == 3
    assert "(ResourceNotFound)" in r.err and "Microsoft.ServiceNetworking/trafficControllers/nope" in r.err
    r = run_cli("az", "network", "alb", "frontend", "create", "-g", "rg", "-n", "fe", "--alb-name", "nope")
    assert "(ResourceNotFound)" in r.err
