"""What an HTTPRoute rule does to a request: its filters in order (RequestHeaderModifier, ResponseHeaderModifier,
RequestRedirect, URLRewrite with ReplaceFullPath or ReplacePrefixMatch, RequestMirror) and the weighted choice
of a backendRef. Pure functions of ``aksnet.model.gateway``.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/httproute_types.go`` (HTTPHeaderFilter: set replaces,
add appends with a comma, remove deletes, names case-insensitive; HTTPRequestRedirectFilter: scheme, hostname,
port and path default to the request's, a port that is the scheme's well-known one is left out of Location,
statusCode 302 by default; HTTPPathModifier; HTTPBackendRef.Weight: proportional, 0 never chosen, all 0 is a
500; the choice per request is NGINX's split_clients, ``split``); conformance ``httproute-rewrite-path``,
``httproute-redirect-*``, ``httproute-request-header-modifier``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnet.engine import split_clients
from aksnet.model.gateway import BackendRef, Filter, HeaderChange, ObjectRef, RouteMatch

WELL_KNOWN_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Forward:
    """The request as it leaves the gateway (or the redirect/error it gets instead)."""

    status: int | None  # None: forwarded to ``backend``
    path: str
    host: str
    headers: tuple[tuple[str, str], ...]
    location: str = ""
    backend: BackendRef | None = None
    response_headers: HeaderChange | None = None
    mirrors: tuple[ObjectRef, ...] = ()
    applied: tuple[str, ...] = ()  # filter types in the order they ran
    split: tuple[tuple[str, int], ...] = field(default=())  # backend name → weight, as the rule configures


def modify_headers(headers: tuple[tuple[str, str], ...], change: HeaderChange) -> tuple[tuple[str, str], ...]:
    """HTTPHeaderFilter on a header list (names compared case-insensitively)."""
    out = {k.lower(): (k, v) for k, v in headers}
    for name, value in change.set:
        out[name.lower()] = (name, value)
    for name, value in change.add:
        old = out.get(name.lower())
        out[name.lower()] = (old[0], f"{old[1]},{value}") if old else (name, value)
    for name in change.remove:
        out.pop(name.lower(), None)
    return tuple(out.values())


def replace_path(path: str, match: RouteMatch, kind: str, value: str) -> str:
    """HTTPPathModifier: ReplaceFullPath replaces the whole path; ReplacePrefixMatch replaces the matched
    PathPrefix (element-wise) and keeps the rest, without doubling or dropping the ``/`` between them."""
    if kind == "ReplaceFullPath":
        return value or "/"
    prefix = match.path.rstrip("/")
    rest = path[len(prefix):]
    head = value.rstrip("/") if rest.startswith("/") or not rest else value
    return (head + rest) or "/"


def choose_backend(backends: tuple[BackendRef, ...], key: str) -> BackendRef | None:
    """A backendRef with probability proportional to its weight, deterministically for a request key: NGINX's
    ``split_clients`` over the key (``aksnet.engine.split_clients``), so the data plane's real proxy picks the
    same one; None when the rule has none or every weight is 0."""
    index = split_clients.choose([b.weight for b in backends], key)
    return None if index is None else backends[index]


def run(filters: tuple[Filter, ...], backends: tuple[BackendRef, ...], match: RouteMatch, scheme: str, host: str,
        port: int, path: str, query: str, headers: tuple[tuple[str, str], ...]) -> Forward:
    """Apply a rule's filters to the request, then choose its backend (a redirect answers at once)."""
    applied: list[str] = []
    response: HeaderChange | None = None
    mirrors: list[ObjectRef] = []
    for f in filters:
        applied.append(f.type)
        if f.type == "RequestHeaderModifier" and f.headers:
            headers = modify_headers(headers, f.headers)
        elif f.type == "ResponseHeaderModifier" and f.headers:
            response = f.headers
        elif f.type == "RequestMirror" and f.backend:
            mirrors.append(f.backend)
        elif f.type == "URLRewrite":
            host = f.hostname or host
            if f.path:
                path = replace_path(path, match, f.path.type, f.path.value)
        elif f.type == "RequestRedirect":
            return Forward(f.status_code, path, host, headers, location=_location(f, match, scheme, host, port, path,
                                                                                    query), applied=tuple(applied))
    split = tuple((b.ref.name, b.weight) for b in backends)
    chosen = choose_backend(backends, f"{host}{path}?{query}")
    if chosen is None:
        return Forward(500, path, host, headers, response_headers=response, mirrors=tuple(mirrors),
                       applied=tuple(applied), split=split)
    return Forward(None, path, host, headers, backend=chosen, response_headers=response, mirrors=tuple(mirrors),
                   applied=tuple(applied), split=split)


def _location(f: Filter, match: RouteMatch, scheme: str, host: str, port: int, path: str, query: str) -> str:
    new_scheme = f.scheme or scheme
    if f.port is not None:
        new_port = f.port
    elif f.scheme:
        new_port = WELL_KNOWN_PORTS.get(f.scheme, port)
    else:
        new_port = port
    new_host = f.hostname or host
    new_path = replace_path(path, match, f.path.type, f.path.value) if f.path else path
    netloc = new_host if WELL_KNOWN_PORTS.get(new_scheme) == new_port else f"{new_host}:{new_port}"
    return f"{new_scheme}://{netloc}{new_path}" + (f"?{query}" if query else "")
