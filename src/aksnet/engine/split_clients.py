"""Weighted choices (Gateway API backendRefs, Istio VirtualService destinations) split as NGINX's
``split_clients`` splits: the key's MurmurHash2 (NGINX's ``ngx_murmur_hash2``) against cumulative percentages
with two decimals, the last backend taking the rest (``*``). The twin and the data plane's real NGINX
(``aksnet.dataplane.gateway_conf``, ``ingress_route_conf``) use these same parts, so every request lands on the
same backend in both; the shares are the weights' to 0.01 %. Pure functions of integers and bytes; shared by
the engine's components (``engine.gateway``, ``engine.mesh``).

Source: nginx 1.22 ``src/http/modules/ngx_http_split_clients_module.c`` (percent parsed with two decimals, each
part's bound ``percent * 0xffffffff / 10000`` added to the last, a hash below a bound picks the part, ``*``
catches the rest), ``src/core/ngx_murmurhash.c`` (MurmurHash2, seed = the key's length);
https://nginx.org/en/docs/http/ngx_http_split_clients_module.html. The Gateway API leaves the choice per request
to the implementation: https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref (weight: proportional).
"""

from __future__ import annotations

from collections.abc import Sequence

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF
ALL = 10000  # 100.00 %


def murmur2(data: bytes) -> int:
    """NGINX's ``ngx_murmur_hash2``: MurmurHash2 (32 bit, little-endian words) seeded with the length."""
    h = len(data) & _MASK
    n = len(data) - len(data) % 4
    for i in range(0, n, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = data[n:]
    if tail:
        for i in range(len(tail) - 1, -1, -1):
            h ^= tail[i] << (8 * i)
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def parts(weights: Sequence[int]) -> list[tuple[int, int | None]]:
    """The ``split_clients`` parts for ``weights``: (index into ``weights``, share in hundredths of a percent,
    rounded down) for every positive weight, the last one ``None`` (``*``: the rest). A weight whose share
    rounds to 0 gets no part (NGINX refuses ``0%``). Empty when no weight is positive."""
    total = sum(w for w in weights if w > 0)
    live = [(i, w) for i, w in enumerate(weights) if w > 0]
    if not live:
        return []
    out: list[tuple[int, int | None]] = []
    for i, w in live[:-1]:
        share = w * ALL // total
        if share > 0:
            out.append((i, share))
    out.append((live[-1][0], None))
    return out


def percent_text(share: int) -> str:
    """A share in hundredths of a percent as ``split_clients`` writes it (``33.33%``)."""
    return f"{share // 100}.{share % 100:02d}%"


def choose(weights: Sequence[int], key: str) -> int | None:
    """The index ``split_clients`` picks for ``key`` among ``weights`` (None when no weight is positive)."""
    h = murmur2(key.encode())
    last = 0
    for i, share in parts(weights):
        if share is None:
            return i
        last += share * _MASK // ALL
        if h < last:
            return i
    return None
