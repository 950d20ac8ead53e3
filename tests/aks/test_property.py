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
