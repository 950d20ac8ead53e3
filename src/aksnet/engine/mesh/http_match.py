"""VirtualService HTTPMatchRequest against one request: uri, scheme, method, authority (exact, prefix or RE2
regex, whole-string), headers and queryParams by name (an empty match: the header is present), withoutHeaders,
port, sourceLabels, sourceNamespace and gateways. Every given condition must hold (AND); a route's matches are
alternatives (OR); a route without matches takes every request.
Source: https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest,
``#StringMatch`` (regex: RE2 style, full match). Pure; the model only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.model import mesh_traffic as mt


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """What a proxy knows of a request when it routes it."""

    method: str
    path: str  # without the query
    query: str
    authority: str  # the Host header without its port
    port: int  # the port the request was sent to (the Service's or the Gateway server's)
    headers: tuple[tuple[str, str], ...]  # names lower-case, Host excluded
    scheme: str = "http"
    source_labels: tuple[tuple[str, str], ...] = ()  # the labels of the proxy's workload
    source_namespace: str = ""
    gateway: str = mt.MESH_GATEWAY  # "mesh" or the Gateway's namespace/name


def string_matches(m: mt.StringMatch, value: str | None, fold_case: bool = False) -> bool:
    if value is None:
        return False
    if m.kind == "present":
        return True
    pattern, got = (m.value.lower(), value.lower()) if fold_case else (m.value, value)
    if m.kind == "exact":
        return got == pattern
    if m.kind == "prefix":
        return got.startswith(pattern)
    try:
        return re.fullmatch(m.value, value, re.IGNORECASE if fold_case else 0) is not None
    except re.error:
        return False  # istiod rejects an invalid regex; a stored one matches nothing here


def _query(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split("&") if text else ():
        name, _, value = part.partition("=")
        out.setdefault(name, value)
    return out


def _gateway_named(names: tuple[str, ...], vs_namespace: str, gateway: str) -> bool:
    return any(_qualify(n, vs_namespace) == gateway for n in names)


def _qualify(name: str, namespace: str) -> str:
    """A gateway reference of a VirtualService: ``mesh``, ``ns/name`` or ``name`` (the VirtualService's namespace)."""
    if name == mt.MESH_GATEWAY or "/" in name:
        return name
    return f"{namespace}/{name}"


def qualify(name: str, namespace: str) -> str:
    return _qualify(name, namespace)


def request_matches(m: mt.HttpMatch, req: RouteRequest, vs_namespace: str) -> bool:
    headers: Mapping[str, str] = dict(req.headers)
    query = _query(req.query)
    checks = (
        m.uri is None or string_matches(m.uri, req.path, m.ignore_uri_case),
        m.scheme is None or string_matches(m.scheme, req.scheme),
        m.method is None or string_matches(m.method, req.method),
        m.authority is None or string_matches(m.authority, req.authority),
        all(string_matches(v, headers.get(k.lower())) for k, v in m.headers),
        not any(string_matches(v, headers.get(k.lower())) for k, v in m.without_headers),
        all(string_matches(v, query.get(k)) for k, v in m.query_params),
        m.port is None or m.port == req.port,
        all(dict(req.source_labels).get(k) == v for k, v in m.source_labels),
        not m.source_namespace or m.source_namespace == req.source_namespace,
        not m.gateways or _gateway_named(m.gateways, vs_namespace, req.gateway),
    )
    return all(checks)


def describe(m: mt.HttpMatch) -> str:
    """A match as a trace step names it."""
    parts = []
    for label, sm in (("uri", m.uri), ("scheme", m.scheme), ("method", m.method), ("authority", m.authority)):
        if sm is not None:
            parts.append(f"{label} {sm.describe()}")
    parts += [f"header {k} {'present' if v.kind == 'present' else v.describe()}" for k, v in m.headers]
    parts += [f"without header {k}" for k, _ in m.without_headers]
    parts += [f"query {k} {v.describe()}" for k, v in m.query_params]
    if m.port is not None:
        parts.append(f"port {m.port}")
    parts += [f"sourceLabels {k}={v}" for k, v in m.source_labels]
    if m.source_namespace:
        parts.append(f"sourceNamespace {m.source_namespace}")
    if m.gateways:
        parts.append(f"gateways {', '.join(m.gateways)}")
    return (f"{m.name}: " if m.name else "") + (", ".join(parts) or "any request")
