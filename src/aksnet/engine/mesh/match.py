"""Istio's value matching for AuthorizationPolicy fields: exact, prefix (``abc*``), suffix (``*abc``) and presence
(``*``) on strings, CIDR blocks on addresses, and port numbers.

Source: https://istio.io/latest/docs/reference/config/security/authorization-policy/ ("Rule", "Source",
"Operation": "supports exact, prefix, suffix and presence match"). Pure; stdlib and the model only.
"""

from __future__ import annotations

import ipaddress


def string_matches(pattern: str, value: str | None, fold_case: bool = False) -> bool:
    """One AuthorizationPolicy string pattern against a value (None: the attribute is absent, matched by nothing)."""
    if value is None:
        return False
    if fold_case:
        pattern, value = pattern.lower(), value.lower()
    if pattern == "*":
        return value != ""
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    if pattern.startswith("*"):
        return value.endswith(pattern[1:])
    return pattern == value


def any_string(patterns: tuple[str, ...], value: str | None, fold_case: bool = False) -> bool:
    return any(string_matches(p, value, fold_case) for p in patterns)


def principal_matches(patterns: tuple[str, ...], principal: str | None) -> bool:
    """``principals``: the peer certificate's SPIFFE ID without ``spiffe://`` (absent on a plaintext connection)."""
    return any_string(tuple(p.removeprefix("spiffe://") for p in patterns), principal)


def ip_in(blocks: tuple[str, ...], ip: str) -> bool:
    """``ipBlocks``: a single IPv4 address or a CIDR block; a malformed entry matches nothing."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for block in blocks:
        try:
            if addr in ipaddress.ip_network(block, strict=False):
                return True
        except ValueError:
            continue
    return False


def port_in(ports: tuple[str, ...], port: int) -> bool:
    return str(port) in {p.strip() for p in ports}
