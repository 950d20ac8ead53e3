"""Shared test helpers: build a ControllerView from a few Ingress paths and route URLs through it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from aksnet.engine.ingress import (
    ControllerConfig,
    ControllerView,
    HttpRequest,
    IngressDecision,
    controller_view,
    route_request,
)
from tests.ingress.build import NGINX_CLASS_DOC, cluster


def ingress_doc(
    name: str,
    rules: Sequence[Mapping[str, Any]],
    *,
    ns: str = "default",
    annotations: Mapping[str, str] | None = None,
    cls: str | None = "nginx",
    tls: Sequence[Mapping[str, Any]] = (),
    created: str = "",
    default_backend: str | None = None,
) -> dict[str, Any]:
    md: dict[str, Any] = {"name": name, "namespace": ns, "annotations": dict(annotations or {})}
    if created:
        md["creationTimestamp"] = created
    spec: dict[str, Any] = {"rules": list(rules)}
    if cls:
        spec["ingressClassName"] = cls
    if tls:
        spec["tls"] = list(tls)
    if default_backend:
        spec["defaultBackend"] = {"service": {"name": default_backend, "port": {"number": 80}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": md, "spec": spec}


def rule(host: str | None, *paths: tuple[str, str, str]) -> dict[str, Any]:
    """paths: (path, pathType, service)."""
    r: dict[str, Any] = {
        "http": {
            "paths": [
                {"path": p, "pathType": t, "backend": {"service": {"name": s, "port": {"number": 80}}}}
                for p, t, s in paths
            ]
        }
    }
    if host:
        r["host"] = host
    return r


def service_doc(name: str, ns: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def view_of(
    docs: Sequence[Mapping[str, Any]],
    *,
    config: ControllerConfig | None = None,
    with_class: bool = True,
    endpoints: Mapping[str, Sequence[str]] | None = None,
) -> ControllerView:
    """Services named in the Ingresses are created with one endpoint each unless ``endpoints`` says otherwise."""
    docs = list(docs)
    names = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    eps: dict[str, list[str]] = {k: list(v) for k, v in (endpoints or {}).items()}
    n = 10
    for d in list(docs):
        if d["kind"] != "Ingress":
            continue
        ns = d["metadata"].get("namespace", "default")
        svcs = [
            p["backend"]["service"]["name"]
            for r in d["spec"].get("rules", [])
            for p in r.get("http", {}).get("paths", [])
        ]
        if d["spec"].get("defaultBackend"):
            svcs.append(d["spec"]["defaultBackend"]["service"]["name"])
        for s in svcs:
            if s not in names:
                names.add(s)
                docs.append(service_doc(s, ns))
                if endpoints is None or f"{ns}/{s}" not in endpoints:
                    n += 1
                    eps.setdefault(f"{ns}/{s}", [f"10.244.0.{n} {s}-pod"])
    if with_class:
        docs.append(NGINX_CLASS_DOC)
    return controller_view(cluster(docs, eps), "k8s.io/ingress-nginx", config)


def request(
    url: str, *, remote_addr: str = "10.240.0.4", method: str = "GET", headers: Mapping[str, str] | None = None
) -> HttpRequest:
    u = urlsplit(url)
    host = u.netloc
    path = u.path or "/"
    if u.query:
        path += "?" + u.query
    return HttpRequest(
        scheme=u.scheme,
        host=host or None,
        path=path,
        port=u.port or 0,
        method=method,
        headers={k.lower(): v for k, v in (headers or {}).items()},
        remote_addr=remote_addr,
    )


def route(view: ControllerView, url: str, **kw: Any) -> IngressDecision:
    roll = kw.pop("roll", None)
    return route_request(view, request(url, **kw), canary_roll=roll)
