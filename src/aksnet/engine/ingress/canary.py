"""Canary choice for one request, in ingress-nginx's order (rootfs/etc/nginx/lua/balancer.lua
``route_to_alternative_balancer``).

Only the first alternative backend of an upstream is considered. Order: ``canary-by-header`` (with
``-value``: equal → canary, else fall through; with ``-pattern``: PCRE match → canary, a bad pattern →
mainline; else ``always`` → canary, ``never`` → mainline, anything else falls through), then
``canary-by-cookie`` (``always``/``never``), then ``canary-weight`` out of ``canary-weight-total``
(100 unless set higher): canary when ``random(total) <= weight``. The random draw is the caller's
(``roll`` in 1..total); without one the decision is the deterministic majority and the split is reported.
Session affinity to a canary is not emulated. Must not resolve endpoints.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

from aksnet.engine.ingress.model import Step
from aksnet.engine.ingress.servers import CanaryBackend
from aksnet.rules.ingress_nginx import ANNOTATION_PREFIX

RULE = f"{ANNOTATION_PREFIX}canary"


def parse_cookies(header: str | None) -> dict[str, str]:
    """``Cookie: a=1; b=2`` → {"a": "1", "b": "2"} (nginx $cookie_NAME takes the first occurrence)."""
    out: dict[str, str] = {}
    for part in (header or "").split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def choose_canary(alt: CanaryBackend, headers: Mapping[str, str], roll: int | None) -> tuple[bool, Step]:
    """Does this request go to the canary ``alt``? ``headers`` have lower-case names."""
    c = alt.canary
    if c.header:
        value = headers.get(c.header.lower())
        if value is not None:
            if c.header_value:
                if value == c.header_value:
                    return True, Step(
                        f"header {c.header}: {value} equals canary-by-header-value", f"{RULE}-by-header-value"
                    )
            elif c.header_pattern:
                try:
                    with warnings.catch_warnings():  # FutureWarnings about PCRE-compatible syntax
                        warnings.simplefilter("ignore")
                        matched = re.search(c.header_pattern, value) is not None
                    if matched:
                        return True, Step(
                            f"header {c.header}: {value} matches canary-by-header-pattern", f"{RULE}-by-header-pattern"
                        )
                except re.error:
                    return False, Step(
                        f"canary-by-header-pattern {c.header_pattern!r} is not a valid regex: mainline",
                        f"{RULE}-by-header-pattern",
                    )
            elif value == "always":
                return True, Step(f"header {c.header}: always", f"{RULE}-by-header")
            elif value == "never":
                return False, Step(f"header {c.header}: never", f"{RULE}-by-header")
    if c.cookie:
        value = parse_cookies(headers.get("cookie")).get(c.cookie)
        if value == "always":
            return True, Step(f"cookie {c.cookie}=always", f"{RULE}-by-cookie")
        if value == "never":
            return False, Step(f"cookie {c.cookie}=never", f"{RULE}-by-cookie")
    total = c.weight_total if c.weight_total > 100 else 100
    if c.weight <= 0:
        return False, Step(f"canary-weight {c.weight} of {total}: mainline", f"{RULE}-weight")
    if c.weight >= total:
        return True, Step(f"canary-weight {c.weight} of {total}: every request goes to the canary", f"{RULE}-weight")
    if roll is not None:
        hit = roll <= c.weight
        return hit, Step(
            f"canary-weight {c.weight} of {total}, draw {roll}: {'canary' if hit else 'mainline'}", f"{RULE}-weight"
        )
    pct = 100.0 * c.weight / total
    hit = 2 * c.weight > total
    return hit, Step(
        f"canary-weight {c.weight} of {total}: {pct:g}% of requests go to the canary "
        f"({'canary' if hit else 'mainline'} shown)",
        f"{RULE}-weight",
    )
