"""Property tests: random CIDRs, prefix lengths and flag combinations fed to ``network vnet create``,
``vnet subnet create`` and ``nsg rule create`` never crash, exit only 0/1/2, and a failed command leaves the
workspace byte-identical."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.azure.helpers import snapshot
from tests.conftest import run_cli

octet = st.integers(min_value=0, max_value=300)
cidr = st.one_of(
    st.builds(lambda a, b, c, d, p: f"{a}.{b}.{c}.{d}/{p}", octet, octet, octet, octet, st.integers(0, 40)),
    st.builds(lambda a, b, p: f"10.{a}.{b}.0/{p}", st.integers(0, 255), st.integers(0, 255), st.integers(8, 32)),
    st.sampled_from(["", "10.0.0.0", "10.0.0.0/", "/24", "fe80::/64", "2001:db8::/48", "10.0.0.0/8/8", "x", "*"]),
)
name = st.one_of(st.sampled_from(["s", "sub-1", "a" * 80, "a" * 81, "_x_", "bad!", ".x", "x.", "GatewaySubnet"]),
                 st.text(alphabet="ab-_.9!", min_size=1, max_size=6))
port = st.one_of(st.integers(-5, 70000).map(str), st.sampled_from(["*", "80-79", "22-23", "a", "1-2-3", ""]))
prefix_or_tag = st.one_of(cidr, st.sampled_from(["Internet", "VirtualNetwork", "AzureLoadBalancer", "Storage.EastUS",
                                                 "NoSuchTag", "*", "1.2.3.4"]))

SETUP = ["group create -n rg -l eastus",
         "network vnet create -g rg -n vnet --address-prefixes 10.0.0.0/16 --subnet-name s0 --subnet-prefixes "
         "10.0.0.0/24",
         "network nsg create -g rg -n nsg",
         "network nsg rule create -g rg --nsg-name nsg -n r0 --priority 200"]


def _q(v: str) -> str:
    return shlex.quote(v)


def vnet_create() -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, ps, sn, sps: (f"network vnet create -g rg -n {_q(n)} --address-prefixes {' '.join(map(_q, ps))}"
                                + (f" --subnet-name {_q(sn)}" if sn else "")
                                + (f" --subnet-prefixes {' '.join(map(_q, sps))}" if sps else "")),
        name, st.lists(cidr, min_size=1, max_size=3), st.one_of(st.none(), name),
        st.lists(cidr, max_size=2))


def subnet_create() -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, ps, nsg: (f"network vnet subnet create -g rg --vnet-name vnet -n {_q(n)} --address-prefixes "
                            f"{' '.join(map(_q, ps))}" + (f" --network-security-group {_q(nsg)}" if nsg is not None
                                                            else "")),
        name, st.lists(cidr, min_size=1, max_size=2), st.one_of(st.none(), st.sampled_from(["nsg", "", "nope"])))


def rule_create() -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, prio, d, a, p, src, dports: (
            f"network nsg rule create -g rg --nsg-name nsg -n {_q(n)} --priority {_q(prio)} --direction {d} "
            f"--access {a} --protocol {_q(p)} --source-address-prefixes {' '.join(map(_q, src))} "
            f"--destination-port-ranges {' '.join(map(_q, dports))}"),
        name, st.one_of(st.integers(0, 5000).map(str), st.sampled_from(["x", "", "200"])),
        st.sampled_from(["Inbound", "outbound", "Sideways"]), st.sampled_from(["Allow", "deny", "Maybe"]),
        st.sampled_from(["Tcp", "udp", "*", "Icmp", "Gre"]), st.lists(prefix_or_tag, min_size=1, max_size=3),
        st.lists(port, min_size=1, max_size=3))


COMMANDS = st.lists(st.one_of(vnet_create(), subnet_create(), rule_create()), min_size=1, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMMANDS)
def test_random_network_commands(lines: list[str]) -> None:
    check(lines)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("AKSNET_SLOW"), reason="set AKSNET_SLOW=1 for the long property run")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(COMMANDS)
def test_random_network_commands_long(lines: list[str]) -> None:
    check(lines)


def check(lines: list[str]) -> None:
    home = Path(tempfile.mkdtemp(prefix="aksnet-prop-"))
    old = os.environ.get("AKSNET_HOME")
    os.environ["AKSNET_HOME"] = str(home)
    try:
        for line in SETUP:
            assert run_cli("az", *shlex.split(line)).code == 0
        for line in lines:
            before = snapshot(home)
            r = run_cli("az", *shlex.split(line))
            assert r.code in (0, 1, 2), (line, r.code, r.err)
            assert "Traceback" not in r.err, (line, r.err)
            if r.code != 0:
                assert r.err.strip(), line
                assert snapshot(home) == before, line
    finally:
        if old is None:
            os.environ.pop("AKSNET_HOME", None)
        else:
            os.environ["AKSNET_HOME"] = old
        shutil.rmtree(home, ignore_errors=True)
