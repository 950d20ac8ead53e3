"""Names Kubernetes controllers generate, made deterministic.

``pod-template-hash`` / ``controller-revision-hash``: ``controller.ComputeHash`` = FNV-1a 32 of the pod
template (Kubernetes hashes the Go object dump; we hash its canonical JSON) plus the collision count, then
``rand.SafeEncodeString(fmt.Sprint(hash))``. Generated suffixes (``generateName``, ReplicaSet pods
``<rs>-<5>``) use the same alphabet as ``k8s.io/apimachinery/pkg/util/rand.String``, but are derived from a
hash of the owner and a counter instead of a random source, so the same inputs give the same names.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"  # util/rand: no vowels, no confusable characters


def fnv32a(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(s: str) -> str:
    """rand.SafeEncodeString: each byte mapped onto the alphabet."""
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in s.encode())


def compute_hash(template: Any, collision_count: int | None = None) -> str:
    """controller.ComputeHash of a pod template (the ReplicaSet name suffix and its pod-template-hash label)."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    h = fnv32a(data)
    if collision_count:
        h = fnv32a(data + str(collision_count).encode())
    return safe_encode(str(h))


def suffix(seed: str, n: int = 5) -> str:
    """A deterministic stand-in for rand.String(n) (generateName suffixes)."""
    digest = hashlib.sha256(seed.encode()).digest()
    return "".join(ALPHANUMS[b % len(ALPHANUMS)] for b in digest[:n])


def event_suffix(seed: str) -> str:
    """Event names are ``<object>.<16 hex digits>`` (a timestamp in nanoseconds); here a hash of the seed."""
    return hashlib.sha256(seed.encode()).hexdigest()[:16]
