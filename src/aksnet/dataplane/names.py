"""Names of every kernel object the data plane creates.

Every object visible from the host (network namespaces, ``/etc/netns/<ns>`` directories, nft tables are
never in the host) carries ``aksnet-<ws>-`` where ``<ws>`` is a short hash of the workspace directory, so
two workspaces never collide and nothing outside the project ever matches. Link names are limited to 15
characters by the kernel (IFNAMSIZ 16), so they are hash-truncated. Pure functions; no kernel access.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

PREFIX = "aksnet"
IFNAMSIZ = 15
_SAFE = re.compile(r"[^a-z0-9.-]+")


ETC_NETNS = Path("/etc/netns")  # ip-netns(8): per-namespace configuration files (resolv.conf)


def is_our_netns_dir(path: Path, tag: str) -> bool:
    """True when ``path`` is ``/etc/netns/<a namespace of this workspace>``."""
    return path.parent == ETC_NETNS and is_ours(path.name, tag)


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def workspace_tag(home: Path) -> str:
    """Six hex characters derived from the workspace directory's absolute path."""
    return short_hash(str(home.resolve()), 6)


def ns_prefix(tag: str) -> str:
    return f"{PREFIX}-{tag}-"


def netns_name(tag: str, kind: str, ident: str) -> str:
    """``aksnet-<ws>-<kind>-<ident>``; readable and below NAME_MAX (long idents are hash-shortened)."""
    safe = _SAFE.sub("-", ident.lower()).strip("-") or "x"
    if len(safe) > 80:
        safe = safe[:60] + "-" + short_hash(ident, 10)
    return f"{ns_prefix(tag)}{kind}-{safe}"


def link_name(role: str, ident: str) -> str:
    """A link name of at most 15 characters: ``<role><hash>``, role being 1–4 letters (e.g. ``vh`` for the
    vnet side of a host link, ``pv`` for the node side of a pod link)."""
    if not role.isalpha() or not 1 <= len(role) <= 4:
        raise ValueError(f"bad link role {role!r}")
    return (role + short_hash(ident, IFNAMSIZ - len(role)))[:IFNAMSIZ]


def is_ours(name: str, tag: str) -> bool:
    """True when a namespace name belongs to this workspace's data plane."""
    return name.startswith(ns_prefix(tag))
