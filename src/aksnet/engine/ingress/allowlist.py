"""Source-address access control of a location (nginx ``allow``/``deny``, first match wins).

``denylist-source-range`` renders ``deny <cidr>;`` lines, then ``allowlist-source-range`` (alias
``whitelist-source-range``; the ConfigMap key ``whitelist-source-range`` is the default) renders
``allow <cidr>; … deny all;``. The address tested is ``$remote_addr`` (after realip when
use-forwarded-headers is on), so it depends on externalTrafficPolicy. A forbidden client gets **403**.
An unparsable range makes ingress-nginx mark the location denied: it answers **503**.
Source: annotations.md "Allowlist source range", nginx.tmpl, e2e annotations/ipallowlist.go.
Must not look at paths.
"""

from __future__ import annotations

import ipaddress

from aksnet.engine.ingress.locations import Location
from aksnet.engine.ingress.model import ANNOTATION_PREFIX, Step


def in_any(addr: str, cidrs: tuple[str, ...]) -> str | None:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return None
    for c in cidrs:
        try:
            if ip in ipaddress.ip_network(c, strict=False):
                return c
        except ValueError:
            continue
    return None


def check_access(loc: Location, remote_addr: str) -> tuple[bool, Step | None]:
    """(allowed, step). No allow/deny configured → allowed without a step."""
    a = loc.annotations
    if a.denylist:
        hit = in_any(remote_addr, a.denylist)
        if hit:
            return False, Step(
                f"client {remote_addr} is in denylist {hit}: 403", f"{ANNOTATION_PREFIX}denylist-source-range"
            )
    if a.allowlist:
        rule = (
            a.allowlist_annotation
            if a.allowlist_annotation.startswith("configmap")
            else ANNOTATION_PREFIX + a.allowlist_annotation
        )
        hit = in_any(remote_addr, a.allowlist)
        if hit:
            return True, Step(f"client {remote_addr} is allowed by {hit}", rule)
        return False, Step(f"client {remote_addr} is not in {', '.join(a.allowlist)}: deny all → 403", rule)
    return True, None
