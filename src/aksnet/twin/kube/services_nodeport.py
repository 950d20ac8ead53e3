"""The Service NodePort allocator over ``--service-node-port-range`` (default 30000-32767).

Rules (kubernetes/kubernetes pkg/registry/core/service/portallocator,
kubernetes ``pkg/registry/core/service/portallocator``):
the static (lower) band holds ``min(max(16, size/32), 128)`` ports (0 when size <= 16), 86 for the default
range, so 30000-30085 is static and 30086-32767 dynamic; dynamic allocation scans the upper band from a
start point and wraps, then the lower band. As for ClusterIPs, the start is derived from the owner's name
instead of ``rand`` so that allocation is deterministic. Pure functions over ``{port: owner}`` tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.twin.kube.services_clusterip import scan_start


class PortRangeFull(Exception):
    """``failed to allocate a nodePort: range is full``."""


class PortNotInRange(Exception):
    """``provided port is not in the valid range``."""


class PortAlreadyAllocated(Exception):
    """``provided port is already allocated``."""


@dataclass(frozen=True, slots=True)
class NodePortRange:
    """``utilnet.PortRange``: ``base`` and ``size`` (30000 and 2768 by default)."""

    base: int = 30000
    size: int = 2768

    @property
    def last(self) -> int:
        return self.base + self.size - 1

    def __str__(self) -> str:
        return f"{self.base}-{self.last}"

    def contains(self, port: int) -> bool:
        return self.base <= port <= self.last


DEFAULT_RANGE = NodePortRange()


def calculate_range_offset(size: int) -> int:
    """``portallocator.calculateRangeOffset`` (KEP-3668): ``min(max(16, size/32), 128)``, 0 when size <= 16.
    2768 → 86, 128 → 16, 2048 → 64, 4096 → 128, 8192 → 128, 16 → 0, 10 → 0."""
    if size <= 16:
        return 0
    return int(min(max(16, size // 32), 128))


def allocate_next(rng: NodePortRange, allocated: Mapping[int, str], owner: str) -> int:
    """A free port for ``owner``: upper band first, from a start derived from ``owner``, wrapping; then the
    lower band. Raises :class:`PortRangeFull`."""
    offset = calculate_range_offset(rng.size)
    for low, high in ((offset, rng.size), (0, offset)):
        if high <= low:
            continue
        start = scan_start(owner, low, high)
        for i in range(high - low):
            port = rng.base + low + (start - low + i) % (high - low)
            if port not in allocated:
                return port
    raise PortRangeFull()


def check_requested(rng: NodePortRange, allocated: Mapping[int, str], owner: str, port: int) -> int:
    """A user-given nodePort must be in the range and free (or already held by ``owner``)."""
    if not rng.contains(port):
        raise PortNotInRange()
    holder = allocated.get(port)
    if holder is not None and holder != owner:
        raise PortAlreadyAllocated()
    return port
