"""Ingress paths → nginx locations, and nginx's choice of a location for a URI.

ingress-nginx (internal/ingress/controller/location.go updateServerLocations, template.go buildLocation,
controller.go getBackendServers):

* ImplementationSpecific is treated as Prefix (k8s.SetDefaultNGINXPathType).
* ``Exact /foo`` → ``location = /foo``; ``Prefix /foo`` → ``location /foo/`` plus an extra
  ``location = /foo`` (not when an Exact ``/foo`` exists; not for locations with rewrite/use-regex);
  ``Prefix /`` → ``location /``.
* Locations are sorted by path (lexical, descending), then stable-sorted by length, longest first.
* If any location of a server uses ``use-regex`` or a ``rewrite-target`` different from its path, every
  location of the server becomes ``location ~* "^<path>"``: case-insensitive, anchored only at the start,
  first match in that order wins (template.go enforceRegexModifier).

nginx picks a location (ngx_http_core_find_location): an ``=`` location equal to the URI; else the longest
matching prefix — except that a prefix/exact location named ``<uri>/`` served by proxy_pass answers
**301** to ``<uri>/`` (auto_redirect); then regexes in order. Must not decide redirects or upstreams.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aksnet.engine.ingress.annotations import IngressAnnotations
from aksnet.engine.ingress.backend import ResolvedBackend

ROOT = "/"


@dataclass(frozen=True, slots=True)
class Location:
    """One nginx location of a server, as ingress-nginx renders it."""

    path: str  # ingress-nginx Location.Path ("/foo/" for the prefix half of Prefix /foo)
    path_type: str  # Exact | Prefix (after ImplementationSpecific → Prefix)
    ingress_path: str  # the path as written in the Ingress ("/" for the server's default location)
    ingress_path_type: str  # the pathType as written
    ingress: str | None  # "ns/name"; None: the server's default location (default backend)
    rule_host: str | None
    backend: ResolvedBackend | None  # None: the controller's default backend (404)
    annotations: IngressAnnotations
    is_default_backend: bool = False
    generated_exact: bool = False  # the extra "= /foo" added for Prefix /foo
    regex: bool = False  # rendered as ~* "^path" (set when the server enforces regex)
    fallback: ResolvedBackend | None = None  # default-backend annotation, used when ``backend`` has no endpoints

    @property
    def needs_rewrite(self) -> bool:
        """template.go needsRewrite: a rewrite-target that differs from the location's path."""
        t = self.annotations.rewrite_target
        return bool(t) and t != self.path

    @property
    def modifier(self) -> str:
        if self.regex:
            return "~*"
        return "=" if self.path_type == "Exact" else ""

    @property
    def nginx(self) -> str:
        """The location line's argument, as ingress-nginx's buildLocation renders it."""
        if self.regex:
            return f'~* "^{self.path}"'
        if self.path_type == "Exact":
            return f"= {self.path}"
        return self.path


def nginx_path_type(path_type: str) -> str:
    """SetDefaultNGINXPathType: ImplementationSpecific (and a missing type) is Prefix."""
    return "Exact" if path_type == "Exact" else "Prefix"


def sort_locations(locs: Sequence[Location]) -> list[Location]:
    """getBackendServers: sort by Path descending, then stable by len(Path) descending."""
    by_path = sorted(locs, key=lambda loc: loc.path, reverse=True)
    return sorted(by_path, key=lambda loc: len(loc.path), reverse=True)


def split_prefix_locations(locs: Sequence[Location]) -> list[Location]:
    """updateServerLocations: Prefix /foo → /foo/ followed by an extra = /foo (unless Exact /foo exists)."""
    exact = {loc.path for loc in locs if loc.path_type == "Exact"}
    out: list[Location] = []
    for loc in locs:
        if loc.path == ROOT or loc.path_type != "Prefix" or loc.needs_rewrite or loc.annotations.use_regex:
            out.append(loc)
            continue
        normalized = loc.path if loc.path.endswith("/") else loc.path + "/"
        if loc.path in exact:
            out.append(replace(loc, path=normalized))
            continue
        out.append(replace(loc, path=normalized))
        out.append(replace(loc, path_type="Exact", generated_exact=True))
    return out


def enforce_regex(locs: Sequence[Location]) -> tuple[bool, str]:
    """enforceRegexModifier: does any location use use-regex or a rewrite-target ≠ its path?"""
    for loc in locs:
        if loc.annotations.use_regex:
            return True, f"use-regex on Ingress {loc.ingress} path {loc.ingress_path}"
        if loc.needs_rewrite:
            return (
                True,
                f"rewrite-target {loc.annotations.rewrite_target} on Ingress {loc.ingress} path {loc.ingress_path}",
            )
    return False, ""


def normalize_uri(path: str) -> str:
    """nginx's $uri for matching: merge_slashes on (``//`` → ``/``)."""
    return re.sub(r"/{2,}", "/", path) or "/"


_REGEX_CACHE: dict[str, re.Pattern[str] | None] = {}


def compile_location_regex(path: str) -> re.Pattern[str] | None:
    """``~* "^<path>"`` as a Python pattern (PCRE and Python agree on the syntax ingress paths use)."""
    if path not in _REGEX_CACHE:
        try:
            with warnings.catch_warnings():  # Python's FutureWarnings about PCRE-compatible syntax
                warnings.simplefilter("ignore")
                _REGEX_CACHE[path] = re.compile("^" + path, re.IGNORECASE)
        except re.error:
            _REGEX_CACHE[path] = None
    return _REGEX_CACHE[path]


@dataclass(frozen=True, slots=True)
class LocationMatch:
    location: Location | None
    auto_redirect: str | None = None  # the URI nginx 301-redirects to (prefix location "<uri>/")
    how: str = ""


def match_location(locs: Sequence[Location], uri: str) -> LocationMatch:
    """nginx location selection for ``uri`` (already normalised) among a server's locations."""
    regex_locs = [loc for loc in locs if loc.regex]
    static = [loc for loc in locs if not loc.regex]
    for loc in static:
        if loc.path_type == "Exact" and loc.path == uri:
            return LocationMatch(loc, how=f"exact location = {loc.path}")
    prefixes = [loc for loc in static if loc.path_type != "Exact" and uri.startswith(loc.path)]
    best = max(prefixes, key=lambda loc: len(loc.path)) if prefixes else None
    if best is None or best.path != uri:
        # auto_redirect: a location named "<uri>/" (prefix or exact) served by proxy_pass
        for loc in static:
            if loc.path == uri + "/" and uri != "":
                return LocationMatch(
                    loc, auto_redirect=uri + "/", how=f"nginx auto-redirect: location {loc.nginx} ends with /"
                )
    for loc in regex_locs:
        rx = compile_location_regex(loc.path)
        if rx is not None and rx.match(uri):
            return LocationMatch(loc, how=f'first matching regex location ~* "^{loc.path}"')
    if best is not None:
        return LocationMatch(best, how=f"longest prefix location {best.path}")
    return LocationMatch(None, how="no location matches")
