"""A read-only Kubernetes API on 127.0.0.1 that serves objects taken from an aksnet workspace, so the real
kubectl binary can format them (``get -o …`` and ``describe`` format on the client; the discovery documents,
object GETs, lists with field selectors and events are all they need). Test helper only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

Doc = dict[str, Any]

# (group/version, plural, kind, namespaced)
RESOURCES = [
    ("v1", "pods", "Pod", True), ("v1", "services", "Service", True), ("v1", "endpoints", "Endpoints", True),
    ("v1", "events", "Event", True), ("v1", "namespaces", "Namespace", False), ("v1", "nodes", "Node", False),
    ("v1", "configmaps", "ConfigMap", True), ("v1", "secrets", "Secret", True),
    ("apps/v1", "deployments", "Deployment", True), ("apps/v1", "replicasets", "ReplicaSet", True),
    ("networking.k8s.io/v1", "ingresses", "Ingress", True),
    ("networking.k8s.io/v1", "ingressclasses", "IngressClass", False),
    ("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", True),
    ("discovery.k8s.io/v1", "endpointslices", "EndpointSlice", True),
    ("coordination.k8s.io/v1", "leases", "Lease", True),
    ("policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", True),
]
SHORT = {"pods": ["po"], "services": ["svc"], "endpoints": ["ep"], "ingresses": ["ing"], "deployments": ["deploy"],
         "networkpolicies": ["netpol"], "nodes": ["no"], "namespaces": ["ns"], "events": ["ev"],
         "poddisruptionbudgets": ["pdb"]}


def _api_resources(gv: str) -> Doc:
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": [
        {"name": plural, "singularName": kind.lower(), "namespaced": ns, "kind": kind,
         "verbs": ["get", "list"], "shortNames": SHORT.get(plural, [])}
        for g, plural, kind, ns in RESOURCES if g == gv]}


def _groups() -> Doc:
    gvs = sorted({g for g, *_ in RESOURCES if "/" in g})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": gv.split("/")[0], "versions": [{"groupVersion": gv, "version": gv.split("/")[1]}],
         "preferredVersion": {"groupVersion": gv, "version": gv.split("/")[1]}} for gv in gvs]}


def _field(obj: Doc, path: str) -> str:
    cur: Any = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return "" if cur is None else str(cur)


def _matches(obj: Doc, selector: str) -> bool:
    """A field selector of ``key=value``, ``key==value`` and ``key!=value`` terms (all must hold)."""
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            key, _, value = term.partition("!=")
            if _field(obj, key) == value:
                return False
            continue
        key, _, want = term.partition("=")
        if _field(obj, key.rstrip("=")) != want.lstrip("="):
            return False
    return True


def _labelled(obj: Doc, selector: str) -> bool:
    """A label selector of ``key=value`` / ``key==value`` / ``key!=value`` terms (kubectl describe service asks
    for its EndpointSlices with ``kubernetes.io/service-name=<name>``)."""
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            key, _, value = term.partition("!=")
            if labels.get(key) == value:
                return False
            continue
        key, _, want = term.partition("=")
        if labels.get(key.rstrip("=")) != want.lstrip("="):
            return False
    return True


def _qualified(plural: str, parts: list[str]) -> str:
    """How the API server names a resource in a NotFound message: ``services``, ``leases.coordination.k8s.io``."""
    return f"{plural}.{parts[1]}" if parts[:1] == ["apis"] and len(parts) > 1 else plural


class Store:
    """Objects by (group/version, plural) → list of documents."""

    def __init__(self, objects: list[Doc]) -> None:
        self.by_resource: dict[tuple[str, str], list[Doc]] = {}
        kinds = {(kind, g): (g, plural) for g, plural, kind, _ in RESOURCES}
        for obj in objects:
            key = kinds.get((obj.get("kind", ""), obj.get("apiVersion", "")))
            if key:
                self.by_resource.setdefault(key, []).append(obj)

    def answer(self, path: str, query: dict[str, list[str]]) -> Doc | None:
        parts = [p for p in path.split("/") if p]
        if parts == ["api"]:
            return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        if parts == ["apis"]:
            return _groups()
        if parts[:1] == ["api"]:
            gv, rest = "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            return None
        if not rest:
            return _api_resources(gv)
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        plural, name = rest[0], (rest[1] if len(rest) > 1 else None)
        items = [o for o in self.by_resource.get((gv, plural), [])
                 if ns is None or o["metadata"].get("namespace") == ns]
        if name is not None:
            return next((o for o in items if o["metadata"]["name"] == name), None)
        selector = (query.get("fieldSelector") or [""])[0]
        labels = (query.get("labelSelector") or [""])[0]
        kind = next(k for g, p, k, _ in RESOURCES if (g, p) == (gv, plural))
        return {"kind": f"{kind}List", "apiVersion": gv, "metadata": {"resourceVersion": "1"},
                "items": [o for o in items if _matches(o, selector) and _labelled(o, labels)]}


@contextmanager
def serve(objects: list[Doc]) -> Iterator[str]:
    """``with serve(objs) as url:`` — the API at ``url`` until the block ends."""
    store = Store(objects)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            body = store.answer(url.path, parse_qs(url.query))
            if body is None:
                parts = [p for p in url.path.split("/") if p]
                body = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                        "code": 404, "message": f'{_qualified(parts[-2], parts)} "{parts[-1]}" not found'
                        if len(parts) > 1
                        else f"{url.path} not found"}
                self.send_response(404)
            else:
                self.send_response(200)
            data = json.dumps(body).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def kubeconfig(path: Path, url: str) -> Path:
    """A kubeconfig at ``path`` whose one context (namespace default, no credentials) talks to ``url``."""
    path.write_text(f"apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: {url}}}\n"
                    "contexts:\n- name: c\n  context: {cluster: c, user: u, namespace: default}\n"
                    "current-context: c\nusers:\n- name: u\n  user: {}\n")
    return path

