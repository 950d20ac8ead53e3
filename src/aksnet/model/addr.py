"""Address and port algebra shared by every layer (stdlib ``ipaddress`` only)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPv4Network = ipaddress.IPv4Network
IPv4Address = ipaddress.IPv4Address


def parse_ipv4_network(text: str, strict: bool = True) -> ipaddress.IPv4Network:
    """``10.0.0.0/16`` → network; raises ``ValueError`` for anything else (IPv6 included)."""
    net = ipaddress.ip_network(text.strip(), strict=strict)
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"{text!r} is not an IPv4 prefix")
    return net


def parse_ipv4(text: str) -> ipaddress.IPv4Address:
    addr = ipaddress.ip_address(text.strip())
    if not isinstance(addr, ipaddress.IPv4Address):
        raise ValueError(f"{text!r} is not an IPv4 address")
    return addr


def is_ipv4(text: str) -> bool:
    try:
        parse_ipv4(text)
    except ValueError:
        return False
    return True


def ip_in(ip: str, cidr: str) -> bool:
    """True when ``ip`` lies in ``cidr`` (both IPv4 text); False on malformed input."""
    try:
        return parse_ipv4(ip) in parse_ipv4_network(cidr, strict=False)
    except ValueError:
        return False


def overlaps(a: str, b: str) -> bool:
    return parse_ipv4_network(a, strict=False).overlaps(parse_ipv4_network(b, strict=False))


def contains(outer: str, inner: str) -> bool:
    """True when prefix ``inner`` lies entirely inside prefix ``outer``."""
    return parse_ipv4_network(inner, strict=False).subnet_of(parse_ipv4_network(outer, strict=False))


def num_addresses(cidr: str) -> int:
    return parse_ipv4_network(cidr, strict=False).num_addresses


def bridge_address(pod_cidr: str) -> str:
    """kubenet's ``cbr0`` on a node: the first address of the node's pod CIDR (pods start one above it); the
    same for the IPv6 range of a dual-stack node."""
    return str(ipaddress.ip_network(pod_cidr.strip(), strict=False).network_address + 1)


@dataclass(frozen=True, slots=True, order=True)
class PortRange:
    """An inclusive port range; ``PortRange(0, 65535)`` is every port."""

    start: int
    end: int

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.start <= port <= self.end

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


ALL_PORTS = PortRange(0, 65535)


def parse_port_range(text: str) -> PortRange:
    """Azure/NSG style: ``*``, ``80`` or ``8000-8080``."""
    t = text.strip()
    if t in ("*", ""):
        return ALL_PORTS
    if "-" in t:
        lo, hi = t.split("-", 1)
        r = PortRange(int(lo), int(hi))
    else:
        r = PortRange(int(t), int(t))
    if not (0 <= r.start <= r.end <= 65535):
        raise ValueError(f"invalid port range {text!r}")
    return r
