"""Gateway API hostnames: a wildcard ``*.example.com`` is a suffix match over any number of labels (unlike
Ingress, one label), a listener and a route hostname intersect when one matches the other, and among routes
that match a request the most specific hostname wins. Pure functions of strings.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/httproute_types.go`` (HTTPRouteSpec.Hostnames) and
``apis/v1/gateway_types.go`` (Listener.Hostname); conformance ``httproute-hostname-intersection``.
"""

from __future__ import annotations


def matches(pattern: str, host: str) -> bool:
    """Whether ``host`` (no wildcard) is matched by ``pattern`` (empty: every host)."""
    host = host.lower().rstrip(".")
    pattern = pattern.lower()
    if not pattern:
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def intersect(listener: str, route: str) -> str | None:
    """The hostname a listener hostname and a route hostname have in common (the more specific one), or
    None; an empty listener hostname takes the route's, as the spec's examples show."""
    listener, route = listener.lower(), route.lower()
    if not listener:
        return route
    if not route:
        return listener
    if listener == route:
        return route
    if listener.startswith("*.") and route.startswith("*."):
        if route[1:].endswith(listener[1:]):
            return route
        return listener if listener[1:].endswith(route[1:]) else None
    if listener.startswith("*."):
        return route if matches(listener, route) else None
    if route.startswith("*."):
        return listener if matches(route, listener) else None
    return None


def effective(listener: str, route_hostnames: tuple[str, ...]) -> tuple[str, ...] | None:
    """The hostnames a route serves on a listener: the intersections (route hostnames that do not match are
    ignored), ``("",)`` when neither names one (every host), None when none intersect (the route is then not
    Accepted: NoMatchingListenerHostname)."""
    if not route_hostnames:
        return (listener.lower(),)
    out = tuple(dict.fromkeys(h for h in (intersect(listener, r) for r in route_hostnames) if h is not None))
    return out or None


def specificity(pattern: str) -> tuple[int, int]:
    """HTTPRoute hostname precedence: characters of a matching non-wildcard hostname first, then characters
    of a matching hostname (a larger tuple wins)."""
    if not pattern:
        return (0, 0)
    if pattern.startswith("*."):
        return (0, len(pattern))
    return (len(pattern), len(pattern))
