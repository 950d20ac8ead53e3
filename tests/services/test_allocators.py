"""Allocation tables of kubernetes/kubernetes (kubernetes/kubernetes pkg/registry/core/service/ipallocator): the band
offsets of the
ClusterIP and NodePort allocators, and how the allocators walk their bands."""

from __future__ import annotations

import ipaddress

import pytest

from aksnet.twin.kube import services_clusterip as ipalloc
from aksnet.twin.kube import services_nodeport as portalloc


@pytest.mark.parametrize(("cidr", "offset"), [
    ("192.168.1.1/32", 0), ("192.168.1.0/30", 0), ("192.168.1.0/28", 0), ("192.168.1.0/27", 16),
    ("192.168.1.0/22", 64), ("10.0.0.0/8", 256), ("10.96.0.0/24", 16), ("10.96.0.0/20", 256),
    ("10.0.0.0/16", 256), ("fd00::/124", 0), ("fd00::/122", 16), ("fd00::/118", 64), ("fd00::/12", 256),
], ids=lambda v: str(v))
def test_clusterip_range_offset(cidr: str, offset: int) -> None:
    """ipallocator Test_calculateRangeOffset."""
    assert ipalloc.calculate_range_offset(ipaddress.ip_network(cidr, strict=False)) == offset


@pytest.mark.parametrize(("size", "offset"), [
    (2768, 86), (10, 0), (16, 0), (128, 16), (2048, 64), (4096, 128), (8192, 128),
], ids=lambda v: str(v))
def test_nodeport_range_offset(size: int, offset: int) -> None:
    """portallocator Test_calculateRangeOffset."""
    assert portalloc.calculate_range_offset(size) == offset


@pytest.mark.parametrize(("cidr", "first_static", "last_static", "first_dynamic", "last"), [
    ("10.96.0.0/24", "10.96.0.1", "10.96.0.16", "10.96.0.17", "10.96.0.254"),
    ("10.96.0.0/20", "10.96.0.1", "10.96.1.0", "10.96.1.1", "10.96.15.254"),
    ("10.0.0.0/16", "10.0.0.1", "10.0.1.0", "10.0.1.1", "10.0.255.254"),
], ids=["/24", "/20", "aks-/16"])
def test_clusterip_bands(cidr: str, first_static: str, last_static: str, first_dynamic: str, last: str) -> None:
    """The worked examples of cluster-ip-allocation.md
    (kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation)."""
    net = ipaddress.ip_network(cidr)
    off = ipalloc.calculate_range_offset(net)
    assert ipalloc.ip_at(net, 0) == first_static
    assert ipalloc.ip_at(net, off - 1) == last_static
    assert ipalloc.ip_at(net, off) == first_dynamic
    assert ipalloc.ip_at(net, ipalloc.allocatable_count(net) - 1) == last


def test_dynamic_allocation_fills_the_upper_band_first() -> None:
    """TestAllocateReserved: dynamic allocation takes every upper-band address before any static one."""
    net = ipaddress.ip_network("10.96.0.0/24")
    taken: dict[str, str] = {}
    for i in range(254 - 16):
        ip = ipalloc.allocate_next(net, taken, f"ns/s{i}")
        assert ipaddress.IPv4Address(ip) >= ipaddress.IPv4Address("10.96.0.17")
        taken[ip] = f"ns/s{i}"
    ip = ipalloc.allocate_next(net, taken, "ns/late")
    assert ipaddress.IPv4Address(ip) <= ipaddress.IPv4Address("10.96.0.16")
    for i in range(15):
        taken[ipalloc.allocate_next(net, taken, f"ns/x{i}")] = "x"
    taken[ipalloc.allocate_next(net, taken, "ns/last")] = "x"
    with pytest.raises(ipalloc.RangeFull):
        ipalloc.allocate_next(net, taken, "ns/one-more")


def test_nodeport_dynamic_band_then_static_band() -> None:
    rng = portalloc.NodePortRange(30000, 100)  # offset 16: static 30000-30015
    taken: dict[int, str] = {}
    for i in range(84):
        p = portalloc.allocate_next(rng, taken, f"o{i}")
        assert 30016 <= p <= 30099
        taken[p] = f"o{i}"
    p = portalloc.allocate_next(rng, taken, "late")
    assert 30000 <= p <= 30015


@pytest.mark.parametrize(("ip", "error"), [
    ("10.0.0.0", ipalloc.NotInRange), ("10.0.255.255", ipalloc.NotInRange), ("1.1.1.1", ipalloc.NotInRange),
    ("10.0.0.10", ipalloc.AlreadyAllocated),
], ids=["network", "broadcast", "outside", "taken"])
def test_requested_clusterip_errors(ip: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        ipalloc.check_requested(ipaddress.ip_network("10.0.0.0/16"), {"10.0.0.10": "kube-system/kube-dns"}, "a/b", ip)


def test_allocation_is_deterministic() -> None:
    net = ipaddress.ip_network("10.0.0.0/16")
    assert ipalloc.allocate_next(net, {}, "default/web") == ipalloc.allocate_next(net, {}, "default/web")
    assert portalloc.allocate_next(portalloc.DEFAULT_RANGE, {}, "default/web") == \
        portalloc.allocate_next(portalloc.DEFAULT_RANGE, {}, "default/web")
