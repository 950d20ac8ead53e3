"""Effective routes and longest-prefix selection (system routes, None routes, UDR precedence)."""

from __future__ import annotations

import pytest

from aksnet.engine.routing import effective_routes, select_route
from aksnet.model.azure import Route, RouteTable, VirtualNetwork

VNET = VirtualNetwork("/v", "vnet", "rg", "eastus", ("10.240.0.0/16",))
BIG = VirtualNetwork("/v2", "big", "rg", "eastus", ("10.0.0.0/8",))
RT = RouteTable("/rt", "rt", "rg", (
    Route("node0", "10.244.0.0/24", "VirtualAppliance", "10.240.0.4"),
    Route("fw", "0.0.0.0/0", "VirtualAppliance", "10.240.9.4"),
    Route("same-as-vnet", "10.240.0.0/16", "VirtualAppliance", "10.240.9.5"),
))

CASES = [
    ("vnet-local", VNET, None, "10.240.1.7", "VnetLocal", "Default"),
    ("rfc1918-outside-vnet-none", VNET, None, "10.0.0.10", "None", "Default"),
    ("cgnat-none", VNET, None, "100.64.1.1", "None", "Default"),
    ("internet-default", VNET, None, "93.184.216.34", "Internet", "Default"),
    ("vnet-covers-10-8", BIG, None, "10.244.1.5", "VnetLocal", "Default"),
    ("udr-longest-prefix", VNET, RT, "10.244.0.9", "VirtualAppliance", "User"),
    ("udr-default-route-replaces-internet", VNET, RT, "93.184.216.34", "VirtualAppliance", "User"),
    ("udr-same-prefix-wins-tie", VNET, RT, "10.240.3.3", "VirtualAppliance", "User"),
    ("none-still-longer-than-udr-default", VNET, RT, "172.16.5.5", "None", "Default"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_select_route(case: tuple) -> None:  # type: ignore[type-arg]
    _, vnet, rt, ip, hop, source = case
    r = select_route(effective_routes(vnet, rt), ip)
    assert r is not None
    assert (r.next_hop_type, r.source) == (hop, source)


def test_system_routes_of_a_vnet() -> None:
    prefixes = sorted((r.prefix, r.next_hop_type) for r in effective_routes(VNET, None))
    assert prefixes == [("0.0.0.0/0", "Internet"), ("10.0.0.0/8", "None"), ("10.240.0.0/16", "VnetLocal"),
                        ("100.64.0.0/10", "None"), ("172.16.0.0/12", "None"), ("192.168.0.0/16", "None")]


def test_longest_prefix_matches_brute_force() -> None:
    """Property: the selected route is a matching route with the longest prefix, user over system on ties."""
    import ipaddress

    from hypothesis import given, settings
    from hypothesis import strategies as st

    prefixes = st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 32)).map(
        lambda t: str(ipaddress.IPv4Network((t[0] >> (32 - t[1]) << (32 - t[1]) if t[1] else 0, t[1]))))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(prefixes, max_size=8), st.integers(0, 2**32 - 1))
    def check(udrs: list[str], ip_int: int) -> None:
        rt = RouteTable("/rt", "rt", "rg", tuple(Route(f"r{i}", p, "VirtualAppliance", "10.240.0.4")
                                                 for i, p in enumerate(udrs)))
        routes = effective_routes(VNET, rt)
        ip = str(ipaddress.IPv4Address(ip_int))
        got = select_route(routes, ip)
        matching = [r for r in routes if ipaddress.IPv4Address(ip) in r.network]
        assert got is not None and matching
        best = max(r.network.prefixlen for r in matching)
        assert got.network.prefixlen == best
        if any(r.source == "User" and r.network.prefixlen == best for r in matching):
            assert got.source == "User"

    check()
