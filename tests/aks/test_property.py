"""Property: random CIDRs and flag combinations to ``az aks create`` never give a traceback, exit only with
0, 1 or 2, and a failed command leaves the workspace exactly as it was."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.store.workspace import WORKSPACE_ID_KEY
from tests.conftest import run_cli

SUBNET = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/aks-rg/providers/Microsoft.Network/virtualNetworks/"
          "vnet/subnets/aks-subnet")

octet = st.integers(0, 255)
cidr = st.one_of(
    st.builds(lambda a, b, p: f"{a}.{b}.0.0/{p}", octet, octet, st.integers(0, 32)),
    st.sampled_from(["10.244.0.0/16", "172.16.0.0/12", "10.100.0.0/16", "10.0.0.0/8", "192.168.0.0/24", "x/y",
                     "300.1.1.1/16", "10.1.2.3/16", ""]),
)
ip = st.one_of(st.builds(lambda a, b: f"10.{a}.0.{b}", octet, octet), st.sampled_from(["10.0.0.10", "bad", "1.2.3"]))
flag_values = {
    "--network-plugin": st.sampled_from(["kubenet", "azure", "none", "Azure", "calico"]),
    "--network-plugin-mode": st.sampled_from(["overlay", "bridge"]),
    "--network-policy": st.sampled_from(["azure", "calico", "cilium", "none", "Calico"]),
    "--pod-cidr": cidr,
    "--service-cidr": cidr,
    "--dns-service-ip": ip,
    "--node-count": st.sampled_from(["0", "1", "2", "3", "401", "-1", "two"]),
    "--max-pods": st.sampled_from(["9", "10", "30", "110", "250", "251", "x"]),
    "--vnet-subnet-id": st.sampled_from([SUBNET, SUBNET + "x", "aks-subnet"]),
    "--outbound-type": st.sampled_from(["loadBalancer", "managedNATGateway", "userDefinedRouting", "none", "bogus"]),
    "--load-balancer-sku": st.sampled_from(["standard", "basic", "premium"]),
    "--api-server-authorized-ip-ranges": st.sampled_from(["39.100.100.100/32", "10.0.0.0/8", "", "0.0.0.0/32,1.1.1.1"]),
    "--enable-private-cluster": st.just(None),
    "--nodepool-name": st.sampled_from(["nodepool1", "pool-1", "averyveryverylongname", "np2"]),
}


def _dump(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(str(db))
    try:
        rows = conn.execute("SELECT kind, scope, key, body FROM objects ORDER BY kind, scope, key").fetchall()
        rows += conn.execute("SELECT 'meta', '', key, value FROM meta ORDER BY key").fetchall()
    finally:
        conn.close()
    return rows


_counter = itertools.count()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flags=st.dictionaries(st.sampled_from(sorted(flag_values)), st.none(), max_size=6).flatmap(
    lambda keys: st.fixed_dictionaries({k: flag_values[k] for k in keys})))
def test_create_never_crashes(home: Path, flags: dict[str, str | None]) -> None:
    if not (home / "workspace.db").exists():
        for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                    ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
                     "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16"]):
            assert run_cli(*cmd).code == 0
    args = ["az", "aks", "create", "-g", "aks-rg", "-n", f"c{next(_counter)}", "-o", "none"]
    for k, v in flags.items():
        args += [k] if v is None else [k, v]
    before = _dump(home / "workspace.db")
    r = run_cli(*args)
    assert r.code in (0, 1, 2), r
    assert "Traceback" not in r.err, r.err
    if r.code != 0:
        assert r.err.startswith("ERROR: ") or "WARNING" in r.err or "usage" in r.err, r.err
        assert _dump(home / "workspace.db") == before


def test_same_inputs_same_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Determinism: the same commands in two fresh workspaces give byte-identical documents."""
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")
    dumps = []
    # Each workspace has its own random identity (the data plane's ledger and the twin snapshot are keyed by
    # it); everything else must be the same.
    for i in range(2):
        home = tmp_path / f"ws{i}"
        monkeypatch.setenv("AKSNET_HOME", str(home))
        for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                    ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
                     "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16"],
                    ["az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", SUBNET, "--network-plugin",
                     "azure", "--node-count", "2", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10",
                     "--enable-private-cluster", "-o", "none"],
                    ["az", "aks", "scale", "-g", "aks-rg", "-n", "c", "--node-count", "3", "-o", "none"]):
            r = run_cli(*cmd)
            assert r.code == 0, r.err
        dumps.append([row for row in _dump(home / "workspace.db") if row[:3] != ("meta", "", WORKSPACE_ID_KEY)])
    assert dumps[0] == dumps[1]


op = st.one_of(
    st.tuples(st.just("scale"), st.integers(-1, 12)),
    st.tuples(st.just("add"), st.sampled_from(["user1", "user2", "Bad-1"]), st.integers(0, 4)),
    st.tuples(st.just("pscale"), st.sampled_from(["nodepool1", "user1", "user2"]), st.integers(0, 6)),
    st.tuples(st.just("delete"), st.sampled_from(["nodepool1", "user1", "user2"])),
)


def _args(o: tuple[object, ...]) -> list[str]:
    base = ["az", "aks"]
    if o[0] == "scale":
        return [*base, "scale", "-g", "aks-rg", "-n", "c", "--nodepool-name", "nodepool1", "--node-count", str(o[1])]
    if o[0] == "add":
        return [*base, "nodepool", "add", "-g", "aks-rg", "--cluster-name", "c", "-n", str(o[1]), "--node-count",
                str(o[2])]
    if o[0] == "pscale":
        return [*base, "nodepool", "scale", "-g", "aks-rg", "--cluster-name", "c", "-n", str(o[1]), "--node-count",
                str(o[2])]
    return [*base, "nodepool", "delete", "-g", "aks-rg", "--cluster-name", "c", "-n", str(o[1])]


def _invariants(home: Path) -> None:
    """Pools' counts = VMSS instances = Nodes = kubenet routes = node addresses in the subnet."""
    import json

    conn = sqlite3.connect(str(home / "workspace.db"))
    try:
        def docs(kind: str) -> list[dict[str, object]]:
            return [json.loads(b) for (b,) in conn.execute("SELECT body FROM objects WHERE kind=?", (kind,))]
        cluster = docs("microsoft.containerservice/managedclusters")[0]
        total = sum(int(p["count"]) for p in cluster["properties"]["agentPoolProfiles"])  # type: ignore[index,misc]
        instances = docs("microsoft.compute/virtualmachinescalesets/virtualmachines")
        nodes = docs("k8s:core/Node")
        routes = docs("microsoft.network/routetables")[0]["properties"]["routes"]  # type: ignore[index]
        alloc = docs("aksnet:subnetallocations")[0]["allocated"]
    finally:
        conn.close()
    assert len(instances) == len(nodes) == len(routes) == len(alloc) == total  # type: ignore[arg-type]
    cidrs = [n["spec"]["podCIDR"] for n in nodes]  # type: ignore[index]
    assert len(set(cidrs)) == len(cidrs)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=6))
def test_scale_and_nodepool_sequences_keep_invariants(tmp_path_factory: pytest.TempPathFactory,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      ops: list[tuple[object, ...]]) -> None:
    home = tmp_path_factory.mktemp("seq")
    monkeypatch.setenv("AKSNET_HOME", str(home))
    for cmd in (["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
                ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
                 "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/24"],
                ["az", "network", "route-table", "create", "-g", "aks-rg", "-n", "rt"],
                ["az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vnet", "-n",
                 "aks-subnet", "--route-table", "rt"],
                ["az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", SUBNET, "--network-plugin",
                 "kubenet", "--pod-cidr", "10.244.0.0/20", "--service-cidr", "10.32.0.0/16", "--dns-service-ip",
                 "10.32.0.10", "--node-count", "2", "-o", "none"]):
        assert run_cli(*cmd).code == 0
    for o in ops:
        before = _dump(home / "workspace.db")
        r = run_cli(*_args(o), "-o", "none")
        assert r.code in (0, 1, 2, 3) and "Traceback" not in r.err, r
        if r.code != 0:
            assert _dump(home / "workspace.db") == before
        _invariants(home)


MYIP = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/aks-rg/providers/Microsoft.Network/publicIPAddresses/"
        "myip")
update_values = {
    "--outbound-type": st.sampled_from(["loadBalancer", "managedNATGateway", "userAssignedNATGateway",
                                        "userDefinedRouting", "none", "managednatgateway", "bogus"]),
    "--load-balancer-managed-outbound-ip-count": st.sampled_from(["0", "1", "2", "101", "x"]),
    "--load-balancer-outbound-ips": st.sampled_from([MYIP, MYIP + "x", "myip", f"{MYIP},{MYIP}", "a b", ""]),
    "--nat-gateway-managed-outbound-ip-count": st.sampled_from(["0", "1", "3", "17"]),
    "--api-server-authorized-ip-ranges": st.sampled_from(["39.100.100.100/32", "10.0.0.0/8", ""]),
    "--network-policy": st.sampled_from(["calico", "azure", "none", "Calico"]),
    "--tags": st.sampled_from(["a=b", "team"]),
}
update_flags = st.dictionaries(st.sampled_from(sorted(update_values)), st.none(), min_size=1, max_size=2).flatmap(
    lambda keys: st.fixed_dictionaries({k: update_values[k] for k in keys}))


def _egress_consistent(home: Path) -> None:
    """After any accepted update the cluster's profiles, the node resource group and the subnet agree: the profile
    of the outbound type and no other; every effective IP exists; no managed outbound IP is left over."""
    import json

    conn = sqlite3.connect(str(home / "workspace.db"))
    try:
        def docs(kind: str) -> list[dict[str, object]]:
            return [json.loads(b) for (b,) in conn.execute("SELECT body FROM objects WHERE kind=?", (kind,))]
        np_ = docs("microsoft.containerservice/managedclusters")[0]["properties"]["networkProfile"]  # type: ignore
        pips = {str(p["id"]).lower(): p for p in docs("microsoft.network/publicipaddresses")}
        nats = docs("microsoft.network/natgateways")
    finally:
        conn.close()
    ot = np_["outboundType"]
    assert (np_["loadBalancerProfile"] is not None) == (ot == "loadBalancer")
    assert (np_["natGatewayProfile"] is not None) == (ot == "managedNATGateway")
    profile = np_["loadBalancerProfile"] or np_["natGatewayProfile"] or {}
    effective = {str(e["id"]).lower() for e in profile.get("effectiveOutboundIPs") or []}
    assert effective <= set(pips)
    managed = {i for i, p in pips.items() if str((p.get("tags") or {}).get("aks-managed-type", "")).endswith(
        "managed-outbound-ip")}
    assert managed <= effective
    assert any(str(n["name"]) == "aks-natgateway" for n in nats) == (ot == "managedNATGateway")


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(byo=st.booleans(), steps=st.lists(update_flags, min_size=1, max_size=4))
def test_update_never_crashes_or_half_writes(tmp_path_factory: pytest.TempPathFactory,
                                            monkeypatch: pytest.MonkeyPatch, byo: bool,
                                            steps: list[dict[str, str]]) -> None:
    """Random ``az aks update`` flag combinations on a managed-VNet or BYO-subnet cluster (with a NAT gateway
    and a default route to an appliance ready, so migrations can succeed): exit 0/1/2, az's error style, a
    refused update changes nothing, an accepted one leaves consistent egress."""
    home = tmp_path_factory.mktemp("upd")
    monkeypatch.setenv("AKSNET_HOME", str(home))
    setup = [["az", "group", "create", "-n", "aks-rg", "-l", "eastus"],
             ["az", "network", "vnet", "create", "-g", "aks-rg", "-n", "vnet", "--address-prefix", "10.0.0.0/8",
              "--subnet-name", "aks-subnet", "--subnet-prefix", "10.100.0.0/16"],
             ["az", "network", "public-ip", "create", "-g", "aks-rg", "-n", "myip", "--sku", "Standard"],
             ["az", "network", "public-ip", "create", "-g", "aks-rg", "-n", "natip", "--sku", "Standard"],
             ["az", "network", "nat", "gateway", "create", "-g", "aks-rg", "-n", "nat", "--public-ip-addresses",
              "natip"],
             ["az", "network", "route-table", "create", "-g", "aks-rg", "-n", "rt"],
             ["az", "network", "route-table", "route", "create", "-g", "aks-rg", "--route-table-name", "rt", "-n",
              "default", "--address-prefix", "0.0.0.0/0", "--next-hop-type", "VirtualAppliance",
              "--next-hop-ip-address", "10.1.0.4"]]
    if byo:
        setup += [["az", "network", "vnet", "subnet", "update", "-g", "aks-rg", "--vnet-name", "vnet", "-n",
                   "aks-subnet", "--route-table", "rt", "--nat-gateway", "nat"],
                  ["az", "aks", "create", "-g", "aks-rg", "-n", "c", "--vnet-subnet-id", SUBNET, "--network-plugin",
                   "azure", "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--node-count", "2"]]
    else:
        setup += [["az", "aks", "create", "-g", "aks-rg", "-n", "c", "--network-plugin", "azure", "--node-count",
                   "2"]]
    for cmd in setup:
        r = run_cli(*cmd, "-o", "none")
        assert r.code == 0, r.err
    for flags in steps:
        args = ["az", "aks", "update", "-g", "aks-rg", "-n", "c", "-o", "none"]
        for k, v in flags.items():
            args += [k, v]
        before = _dump(home / "workspace.db")
        r = run_cli(*args)
        assert r.code in (0, 1, 2) and "Traceback" not in r.err, r
        if r.code != 0:
            assert r.err.startswith("ERROR: "), r.err
            assert _dump(home / "workspace.db") == before
        _egress_consistent(home)
