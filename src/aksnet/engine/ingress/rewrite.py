"""rewrite-target: the URI sent upstream (template.go buildProxyPass, nginx ``rewrite … break``).

ingress-nginx emits ``rewrite "(?i)<path>" <target> break;`` when the location's rewrite-target is set
and differs from its path. nginx matches the regex (unanchored, case-insensitive) against the
normalised URI and, on a match, replaces the **whole** URI with the target, ``$1``…``$9`` taken from
the capture groups (an unmatched group is empty). The query string is appended unless the target
carries its own ``?…`` (then the old arguments follow after ``&``; a target ending in ``?`` drops them).
Source: docs/examples/rewrite/README.md, nginx ngx_http_rewrite_module. Must not pick locations.
"""

from __future__ import annotations

import re

from aksnet.engine.ingress.locations import Location
from aksnet.engine.ingress.model import ANNOTATION_PREFIX, Step

_VAR = re.compile(r"\$([1-9])|\$\{([1-9])\}")  # nginx's captures; any other "$" stays literal


def expand_target(target: str, m: re.Match[str]) -> str:
    def sub(v: re.Match[str]) -> str:
        n = int(v.group(1) or v.group(2))
        if n > (m.re.groups or 0):
            return ""
        return m.group(n) or ""

    return _VAR.sub(sub, target)


def join_args(target: str, args: str | None) -> tuple[str, str | None]:
    """nginx: new arguments in the target come first; the request's follow unless the target ends with '?'."""
    if "?" not in target:
        return target, args
    path, new_args = target.split("?", 1)
    if new_args == "":
        return path, None  # trailing '?': drop the original arguments
    return path, f"{new_args}&{args}" if args else new_args


def apply_rewrite(loc: Location, uri: str, args: str | None) -> tuple[str, str | None, Step | None]:
    """The upstream URI and arguments for a request that reached ``loc``."""
    if not loc.needs_rewrite:
        return uri, args, None
    target = loc.annotations.rewrite_target
    try:
        rx = re.compile(loc.path, re.IGNORECASE)
    except re.error:
        return (
            uri,
            args,
            Step(f"rewrite regex {loc.path!r} is invalid: URI unchanged", f"{ANNOTATION_PREFIX}rewrite-target"),
        )
    m = rx.search(uri)
    if m is None:
        return (
            uri,
            args,
            Step(f'rewrite "(?i){loc.path}" does not match {uri}: URI unchanged', f"{ANNOTATION_PREFIX}rewrite-target"),
        )
    new_uri, new_args = join_args(expand_target(target, m), args)
    if not new_uri.startswith("/") and not re.match(r"^https?://", new_uri):
        new_uri = "/" + new_uri
    return (
        new_uri,
        new_args,
        Step(f'rewrite "(?i){loc.path}" {target}: {uri} → {new_uri}', f"{ANNOTATION_PREFIX}rewrite-target"),
    )


def request_uri(uri: str, args: str | None) -> str:
    return f"{uri}?{args}" if args else uri
