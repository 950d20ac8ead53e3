"""The Service ClusterIP allocator: the API server's bitmap allocator over ``--service-cluster-ip-range``.

Rules (kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation,
kubernetes ``pkg/registry/core/service/ipallocator``):
the network and broadcast addresses are never handed out, so offset 0 is network + 1; the range is split
into a static (lower) band of ``min(max(16, size/16), 256)`` offsets (0 when size <= 16) and a dynamic band
above it; dynamic allocation scans the upper band from a start point and wraps, and falls back to the
lower band only when the upper band is full; a requested address may be any free address of the range.

The real allocator picks a *random* start; aksnet derives the start from the Service's ``namespace/name``
(sha256), so the same inputs always give the same address (docs/fidelity.md). Pure functions
over an allocation table ``{ip: owner}``; reading and writing that table is the caller's job.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping

IPv4Net = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv6 bitmaps are capped at 65536 addresses (ipallocator: ``max = 65536`` for IPv6 ranges).
_IPV6_CAP = 65536


class RangeFull(Exception):
    """No free address left (the API server's internal error ``range is full``)."""


class NotInRange(Exception):
    """The requested address is outside the range (``provided IP is not in the valid range``)."""


class AlreadyAllocated(Exception):
    """The requested address belongs to another Service (``provided IP is already allocated``)."""


def range_size(cidr: IPv4Net) -> int:
    """``netutils.RangeSize``: the number of addresses of the prefix (IPv6 capped)."""
    size = cidr.num_addresses
    return min(size, _IPV6_CAP) if cidr.version == 6 else size


def calculate_range_offset(cidr: IPv4Net) -> int:
    """``ipallocator.calculateRangeOffset`` (KEP-3070): size of the static band, ``min(max(16, size/16), 256)``,
    and 0 when the range holds 16 addresses or fewer. /27 → 16, /22 → 64, /16 → 256, /28 → 0."""
    size = cidr.num_addresses  # the real code uses the uncapped size here
    if size <= 16:
        return 0
    return int(min(max(16, size // 16), 256))


def allocatable_count(cidr: IPv4Net) -> int:
    """Addresses the bitmap holds: the range minus the network address and (IPv4) the broadcast address."""
    size = range_size(cidr)
    return max(size - 2, 0) if cidr.version == 4 else max(size - 1, 0)


def ip_at(cidr: IPv4Net, offset: int) -> str:
    """The address at bitmap ``offset`` (offset 0 = network + 1; ``GetIndexedIP(cidr, offset + 1)``)."""
    return str(cidr.network_address + offset + 1)


def offset_of(cidr: IPv4Net, ip: str) -> int | None:
    """The bitmap offset of ``ip``, or None when it is outside the allocatable addresses."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr.version != cidr.version or addr not in cidr:
        return None
    off = int(addr) - int(cidr.network_address) - 1
    if off < 0 or off >= allocatable_count(cidr):
        return None
    return off


def scan_start(owner: str, low: int, high: int) -> int:
    """A deterministic stand-in for ``low + rand.Intn(high-low)``: a hash of the owner's name."""
    if high <= low:
        return low
    h = int.from_bytes(hashlib.sha256(owner.encode()).digest()[:8], "big")
    return low + h % (high - low)


def allocate_next(cidr: IPv4Net, allocated: Mapping[str, str], owner: str) -> str:
    """A free address for ``owner``: upper band first (from a start derived from the owner, wrapping),
    then the lower band (``randomScanStrategyWithOffset``). Raises :class:`RangeFull`."""
    total = allocatable_count(cidr)
    offset = min(calculate_range_offset(cidr), total)
    for low, high in ((offset, total), (0, offset)):
        if high <= low:
            continue
        start = scan_start(owner, low, high)
        for i in range(high - low):
            off = low + (start - low + i) % (high - low)
            ip = ip_at(cidr, off)
            if ip not in allocated:
                return ip
    raise RangeFull()


def check_requested(cidr: IPv4Net, allocated: Mapping[str, str], owner: str, ip: str) -> str:
    """Validate a user-requested address: in the range, not the network/broadcast address, and free (or
    already held by ``owner``). Returns the normalised address text."""
    if offset_of(cidr, ip) is None:
        raise NotInRange()
    norm = str(ipaddress.ip_address(ip))
    holder = allocated.get(norm)
    if holder is not None and holder != owner:
        raise AlreadyAllocated()
    return norm
