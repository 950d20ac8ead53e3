"""Validation of the networking.k8s.io kinds (NetworkPolicy, Ingress, IngressClass) with the API server's
field paths and messages (``pkg/apis/networking/validation/validation.go``). Must not change the document.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.twin.kube.services_validation import MSG_DNS1035_LABEL
from aksnet.twin.kube.validation_common import (
    DNS1035_LABEL,
    DNS1123_SUBDOMAIN,
    MSG_DNS1123_SUBDOMAIN,
    MSG_PORT_RANGE,
    forbidden,
    invalid,
    required,
    unsupported,
    validate_metadata,
    validate_selector,
)

Doc = dict[str, Any]


def _valid_cidr(text: Any) -> bool:
    try:
        ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return False
    return "/" in str(text)


def _validate_np_port(p: Doc, path: str) -> list[str]:
    errs: list[str] = []
    proto = p.get("protocol", "TCP")
    if proto not in ("TCP", "UDP", "SCTP"):
        errs.append(unsupported(f"{path}.protocol", proto, ["SCTP", "TCP", "UDP"]))
    port = p.get("port")
    if isinstance(port, int) and not 1 <= port <= 65535:
        errs.append(invalid(f"{path}.port", port, MSG_PORT_RANGE))
    end = p.get("endPort")
    if end is not None:
        if not isinstance(port, int):
            errs.append(required(f"{path}.endPort", "may not be specified when port is non-numeric")
                        if port is not None else forbidden(f"{path}.endPort", "may not be specified when port "
                                                                             "is not specified"))
        elif end < port:
            errs.append(invalid(f"{path}.endPort", end, "must be greater than or equal to `port`"))
    return errs


def _validate_np_peer(peer: Doc, path: str) -> list[str]:
    errs: list[str] = []
    n = sum(1 for k in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(k) is not None)
    if n == 0:
        errs.append(required(path, "must specify a peer"))
    elif peer.get("ipBlock") is not None and n > 1:
        errs.append(forbidden(path, "may not specify both ipBlock and another peer"))
    for k in ("podSelector", "namespaceSelector"):
        if isinstance(peer.get(k), dict):
            errs += validate_selector(peer[k], f"{path}.{k}")
    block = peer.get("ipBlock")
    if isinstance(block, dict):
        cidr = block.get("cidr")
        if not cidr:
            errs.append(required(f"{path}.ipBlock.cidr"))
        elif not _valid_cidr(cidr):
            errs.append(invalid(f"{path}.ipBlock.cidr", cidr,
                                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        for i, ex in enumerate(block.get("except") or []):
            if not _valid_cidr(ex):
                errs.append(invalid(f"{path}.ipBlock.except[{i}]", ex,
                                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
            elif cidr and _valid_cidr(cidr) and not ipaddress.ip_network(ex, strict=False).subnet_of(
                    ipaddress.ip_network(cidr, strict=False)):  # type: ignore[arg-type]
                errs.append(invalid(f"{path}.ipBlock.except[{i}]", ex, "must be a strict subset of `cidr`"))
    return errs


def validate_networkpolicy(doc: Doc) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    errs += validate_selector(spec.get("podSelector"), "spec.podSelector")
    for i, t in enumerate(spec.get("policyTypes") or []):
        if t not in ("Ingress", "Egress"):
            errs.append(unsupported(f"spec.policyTypes[{i}]", t, ["Ingress", "Egress"]))
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            if not isinstance(rule, dict):
                continue
            for j, p in enumerate(rule.get("ports") or []):
                if isinstance(p, dict):
                    errs += _validate_np_port(p, f"spec.{direction}[{i}].ports[{j}]")
            for j, peer in enumerate(rule.get(peers_key) or []):
                if isinstance(peer, dict):
                    errs += _validate_np_peer(peer, f"spec.{direction}[{i}].{peers_key}[{j}]")
    return errs


def _validate_backend(b: Any, path: str) -> list[str]:
    if not isinstance(b, dict):
        return [required(path)]
    svc, res = b.get("service"), b.get("resource")
    if svc and res:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if not svc and not res:
        return [invalid(path, "", "resource or service backend is required")]
    errs: list[str] = []
    if isinstance(svc, dict):
        name = svc.get("name")
        if not name:
            errs.append(required(f"{path}.service.name"))
        elif not DNS1035_LABEL.match(str(name)) or len(str(name)) > 63:
            # apivalidation.ValidateServiceName: a DNS-1035 label (the name becomes the upstream's name)
            errs.append(invalid(f"{path}.service.name", name, MSG_DNS1035_LABEL))
        port = svc.get("port") or {}
        if port.get("name") and port.get("number"):
            errs.append(invalid(f"{path}.service.port", "", "cannot set both port name & port number"))
        elif not port.get("name") and not port.get("number"):
            errs.append(invalid(f"{path}.service.port", "", "port name or number is required"))
        elif port.get("number") and not 1 <= int(port["number"]) <= 65535:
            errs.append(invalid(f"{path}.service.port.number", port["number"], MSG_PORT_RANGE))
    return errs


def validate_ingress(doc: Doc) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    if spec.get("defaultBackend") is not None:
        errs += _validate_backend(spec["defaultBackend"], "spec.defaultBackend")
    elif not spec.get("rules"):
        errs.append(invalid("spec.rules", "[]", "either `defaultBackend` or `rules` must be specified"))
    for i, rule in enumerate(spec.get("rules") or []):
        rp = f"spec.rules[{i}]"
        host = rule.get("host") if isinstance(rule, dict) else None
        if host:
            bare = host[2:] if host.startswith("*.") else host
            if not DNS1123_SUBDOMAIN.match(bare):
                errs.append(invalid(f"{rp}.host", host, MSG_DNS1123_SUBDOMAIN))
        http = (rule or {}).get("http") if isinstance(rule, dict) else None
        if http is None:
            continue
        paths = http.get("paths") or []
        if not paths:
            errs.append(required(f"{rp}.http.paths"))
        for j, p in enumerate(paths):
            pp = f"{rp}.http.paths[{j}]"
            pt = p.get("pathType")
            if not pt:
                errs.append(required(f"{pp}.pathType", "pathType must be specified"))
            elif pt not in ("Exact", "Prefix", "ImplementationSpecific"):
                errs.append(unsupported(f"{pp}.pathType", pt, ["Exact", "ImplementationSpecific", "Prefix"]))
            path = p.get("path")
            if pt in ("Exact", "Prefix") and (not path or not str(path).startswith("/")):
                errs.append(invalid(f"{pp}.path", path or "", "must be an absolute path"))
            errs += _validate_backend(p.get("backend"), f"{pp}.backend")
    return errs


def validate_ingressclass(doc: Doc) -> list[str]:
    errs = validate_metadata(doc.get("metadata") or {}, False)
    controller = (doc.get("spec") or {}).get("controller")
    if not controller:
        errs.append(required("spec.controller"))
    return errs
