"""``kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]] [--class] [--default-backend]
[--annotation]``: the Ingress kubectl 1.32's generator builds (kubernetes staging/src/k8s.io/kubectl/pkg/cmd/
create/create_ingress.go). Pure: flags in, a networking.k8s.io/v1 Ingress document out; the API server
validates it like any manifest.

A rule's path ending in ``*`` is a ``Prefix`` path without the ``*``, any other path ``Exact``; rules with the
same host share one IngressRule; ``,tls`` adds the host to a TLS entry (with its secret when named);
a numeric port is ``port.number``, a name ``port.name``.
"""

from __future__ import annotations

import re
from typing import Any

from aksnet.errors import KubeError

Doc = dict[str, Any]

# create_ingress.go: rule "host/path=svcname:svcport[,tls[=secret]]", default backend "svcname:svcport"
_RULE = re.compile(r"^(?P<host>[\w*\-.]*)(?P<path>/[^=]*)=(?P<svc>[a-z0-9]([-a-z0-9]*[a-z0-9])?):(?P<port>[\w\-]+)"
                   r"(?:,tls(?:=(?P<secret>[\w\-.]+))?)?$")
_BACKEND = re.compile(r"^(?P<svc>[a-z0-9]([-a-z0-9]*[a-z0-9])?):(?P<port>[\w\-]+)$")

INGRESS_VALUES = {"rule": ("--rule",), "class": ("--class",), "default-backend": ("--default-backend",),
                  "annotation": ("--annotation",)}


def _backend(svc: str, port: str) -> Doc:
    return {"service": {"name": svc, "port": {"number": int(port)} if port.isdigit() else {"name": port}}}


def build_ingress(name: str, rules: list[str], ingress_class: str | None, default_backend: str | None,
                  annotations: list[str]) -> Doc:
    """The Ingress of ``kubectl create ingress`` (errors in kubectl's words)."""
    if not rules and not default_backend:
        raise KubeError("error: not enough information provided: every ingress has to either specify a default-"
                        "backend (which catches all traffic) or a list of rules (which catch specific paths)")
    spec: Doc = {}
    if ingress_class:
        spec["ingressClassName"] = ingress_class
    if default_backend:
        m = _BACKEND.match(default_backend)
        if m is None:
            raise KubeError("error: default-backend should be in format servicename:serviceport")
        spec["defaultBackend"] = _backend(m["svc"], m["port"])
    by_host: dict[str, list[Doc]] = {}
    tls: dict[str, list[str]] = {}
    for rule in rules:
        m = _RULE.match(rule)
        if m is None:
            raise KubeError(f"error: rule {rule} is invalid and should be in format host/path=svcname:svcport"
                            "[,tls[=secret]]")
        path = m["path"]
        path_type = "Prefix" if path.endswith("*") else "Exact"
        by_host.setdefault(m["host"], []).append(
            {"path": path.rstrip("*") or "/", "pathType": path_type, "backend": _backend(m["svc"], m["port"])})
        if ",tls" in rule:
            tls.setdefault(m["secret"] or "", [])
            if m["host"] and m["host"] not in tls[m["secret"] or ""]:
                tls[m["secret"] or ""].append(m["host"])
    if by_host:
        spec["rules"] = [({"host": h} if h else {}) | {"http": {"paths": paths}} for h, paths in by_host.items()]
    if tls:
        spec["tls"] = [({"hosts": hosts} if hosts else {}) | ({"secretName": secret} if secret else {})
                       for secret, hosts in tls.items()]
    meta: Doc = {"name": name}
    if annotations:
        meta["annotations"] = {a.partition("=")[0]: a.partition("=")[2] for a in annotations}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}
