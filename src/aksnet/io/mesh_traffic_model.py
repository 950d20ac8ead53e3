"""Istio's traffic objects (VirtualService, DestinationRule, ServiceEntry, Gateway of networking.istio.io) decoded
from their wire documents into ``aksnet.model.mesh_traffic``. Decides no semantics: a field of the wrong type is
read as absent (the add-on's CRDs keep ``spec`` as it is, docs/fidelity.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aksnet.model import mesh_traffic as mt

Doc = Mapping[str, Any]


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(value))


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _meta(doc: Doc) -> tuple[str, str]:
    m = _map(doc.get("metadata"))
    return str(m.get("namespace") or "default"), str(m.get("name") or "")


def _labels(value: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in _map(value).items()))


def _string_match(value: Any) -> mt.StringMatch | None:
    m = _map(value)
    for kind in ("exact", "prefix", "regex"):
        if kind in m:
            return mt.StringMatch(kind, str(m[kind]))
    return None


def _named_matches(value: Any) -> tuple[tuple[str, mt.StringMatch], ...]:
    out = []
    for name, v in _map(value).items():
        sm = _string_match(v)
        # an empty StringMatch ({}) matches the header's presence
        out.append((str(name), sm if sm is not None else mt.StringMatch("present", "")))
    return tuple(out)


def _http_match(value: Any) -> mt.HttpMatch:
    m = _map(value)
    return mt.HttpMatch(
        name=str(m.get("name") or ""), uri=_string_match(m.get("uri")), scheme=_string_match(m.get("scheme")),
        method=_string_match(m.get("method")), authority=_string_match(m.get("authority")),
        headers=_named_matches(m.get("headers")), without_headers=_named_matches(m.get("withoutHeaders")),
        query_params=_named_matches(m.get("queryParams")), port=_int(m.get("port")),
        source_labels=_labels(m.get("sourceLabels")), source_namespace=str(m.get("sourceNamespace") or ""),
        gateways=_strings(m.get("gateways")), ignore_uri_case=m.get("ignoreUriCase") is True)


def _ops(value: Any) -> mt.HeaderOps:
    m = _map(value)
    return mt.HeaderOps(tuple((str(k), str(v)) for k, v in _map(m.get("set")).items()),
                        tuple((str(k), str(v)) for k, v in _map(m.get("add")).items()), _strings(m.get("remove")))


def _destination(value: Any) -> mt.Destination:
    d = _map(value)
    dest = _map(d.get("destination"))
    headers = _map(d.get("headers"))
    return mt.Destination(str(dest.get("host") or ""), str(dest.get("subset") or ""),
                          _int(_map(dest.get("port")).get("number")), _int(d.get("weight")),
                          _ops(headers.get("request")), _ops(headers.get("response")))


def _percent(value: Mapping[str, Any]) -> float:
    pct = _map(value.get("percentage")).get("value")
    if isinstance(pct, (int, float)) and not isinstance(pct, bool):
        return float(pct)
    legacy = value.get("percent")
    return float(legacy) if isinstance(legacy, int) and not isinstance(legacy, bool) else 100.0


def _fault(value: Any) -> mt.Fault | None:
    f = _map(value)
    if not f:
        return None
    delay, abort = _map(f.get("delay")), _map(f.get("abort"))
    return mt.Fault(str(delay.get("fixedDelay") or ""), _percent(delay) if delay else 100.0,
                    _int(abort.get("httpStatus")), _percent(abort) if abort else 100.0)


def _http_route(value: Any) -> mt.HttpRoute:
    r = _map(value)
    redirect = _map(r.get("redirect")) if "redirect" in r else None
    rewrite = _map(r.get("rewrite")) if "rewrite" in r else None
    retries = _map(r.get("retries")) if "retries" in r else None
    direct = _map(r.get("directResponse"))
    headers = _map(r.get("headers"))
    regex = _map(rewrite.get("uriRegexRewrite")) if rewrite else {}
    return mt.HttpRoute(
        name=str(r.get("name") or ""), matches=tuple(_http_match(m) for m in _list(r.get("match"))),
        route=tuple(_destination(d) for d in _list(r.get("route"))),
        redirect=mt.Redirect(str(redirect.get("uri") or ""), str(redirect.get("authority") or ""),
                             _int(redirect.get("port")), str(redirect.get("scheme") or ""),
                             _int(redirect.get("redirectCode")) or 301) if redirect is not None else None,
        direct_status=_int(direct.get("status")),
        direct_body=str(_map(direct.get("body")).get("string") or ""),
        rewrite=mt.Rewrite(str(rewrite["uri"]) if "uri" in rewrite else None, str(rewrite.get("authority") or ""),
                           (str(regex.get("match") or ""), str(regex.get("rewrite") or "")) if regex else None)
        if rewrite is not None else None,
        timeout=str(r.get("timeout") or ""),
        retries=mt.Retry(_int(retries.get("attempts")) or 0, str(retries.get("perTryTimeout") or ""),
                         str(retries.get("retryOn") or "")) if retries is not None else None,
        fault=_fault(r.get("fault")), request_headers=_ops(headers.get("request")),
        response_headers=_ops(headers.get("response")), mirror=str(_map(r.get("mirror")).get("host") or ""))


def _l4_route(value: Any) -> mt.TcpRoute:
    r = _map(value)
    matches = [_map(m) for m in _list(r.get("match"))]
    return mt.TcpRoute(tuple(p for p in (_int(m.get("port")) for m in matches) if p is not None),
                       tuple(_destination(d) for d in _list(r.get("route"))),
                       tuple(h for m in matches for h in _strings(m.get("sniHosts"))))


def virtual_service(doc: Doc, index: int = 0) -> mt.VirtualService:
    ns, name = _meta(doc)
    spec = _map(doc.get("spec"))
    return mt.VirtualService(ns, name, _strings(spec.get("hosts")), _strings(spec.get("gateways")),
                             tuple(_http_route(r) for r in _list(spec.get("http"))),
                             tuple(_l4_route(r) for r in _list(spec.get("tcp"))),
                             tuple(_l4_route(r) for r in _list(spec.get("tls"))), _strings(spec.get("exportTo")),
                             index)


def _flatten(prefix: str, value: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        return tuple(pair for k, v in value.items() for pair in _flatten(f"{prefix}.{k}" if prefix else str(k), v))
    return ((prefix, str(value)),)


def _traffic_policy(value: Any) -> mt.TrafficPolicy | None:
    p = _map(value)
    if not p:
        return None
    lb = _map(p.get("loadBalancer"))
    ports = tuple((n, str(_map(_map(s).get("tls")).get("mode") or "").upper())
                  for s in _list(p.get("portLevelSettings"))
                  if (n := _int(_map(_map(s).get("port")).get("number"))) is not None and _map(_map(s).get("tls")))
    return mt.TrafficPolicy(str(_map(p.get("tls")).get("mode") or "").upper(),
                            str(lb.get("simple") or ("consistentHash" if "consistentHash" in lb else "")),
                            _flatten("", p.get("connectionPool")) if p.get("connectionPool") else (),
                            _flatten("", p.get("outlierDetection")) if p.get("outlierDetection") else (), ports)


def destination_rule(doc: Doc, index: int = 0) -> mt.DestinationRule:
    ns, name = _meta(doc)
    spec = _map(doc.get("spec"))
    return mt.DestinationRule(ns, name, str(spec.get("host") or ""), _traffic_policy(spec.get("trafficPolicy")),
                              tuple(mt.Subset(str(_map(s).get("name") or ""), _labels(_map(s).get("labels")),
                                              _traffic_policy(_map(s).get("trafficPolicy")))
                                    for s in _list(spec.get("subsets"))), index)


def service_entry(doc: Doc, index: int = 0) -> mt.ServiceEntry:
    ns, name = _meta(doc)
    spec = _map(doc.get("spec"))
    ports = tuple(mt.ServicePort(n, str(_map(p).get("protocol") or "").upper(), str(_map(p).get("name") or ""),
                                 _int(_map(p).get("targetPort")))
                  for p in _list(spec.get("ports")) if (n := _int(_map(p).get("number"))) is not None)
    return mt.ServiceEntry(ns, name, _strings(spec.get("hosts")), _strings(spec.get("addresses")), ports,
                           str(spec.get("location") or "MESH_EXTERNAL").upper(),
                           str(spec.get("resolution") or "NONE").upper(),
                           tuple(str(_map(e).get("address") or "") for e in _list(spec.get("endpoints"))),
                           _labels(_map(spec.get("workloadSelector")).get("labels")), index)


def gateway(doc: Doc, index: int = 0) -> mt.Gateway:
    ns, name = _meta(doc)
    spec = _map(doc.get("spec"))
    servers = []
    for s in _list(spec.get("servers")):
        sm, port, tls = _map(s), _map(_map(s).get("port")), _map(_map(s).get("tls"))
        number = _int(port.get("number"))
        if number is None:
            continue
        servers.append(mt.Server(number, str(port.get("protocol") or "HTTP").upper(), str(port.get("name") or ""),
                                 _strings(sm.get("hosts")), str(tls.get("mode") or "").upper(),
                                 str(tls.get("credentialName") or ""), tls.get("httpsRedirect") is True,
                                 str(sm.get("name") or "")))
    return mt.Gateway(ns, name, _labels(spec.get("selector")), tuple(servers), index)


def world(virtual_services: Sequence[Doc], destination_rules: Sequence[Doc], service_entries: Sequence[Doc],
          gateways: Sequence[Doc]) -> mt.TrafficWorld:
    """The cluster's Istio traffic configuration, each kind in creation order."""
    return mt.TrafficWorld(tuple(virtual_service(d, i) for i, d in enumerate(virtual_services)),
                           tuple(destination_rule(d, i) for i, d in enumerate(destination_rules)),
                           tuple(service_entry(d, i) for i, d in enumerate(service_entries)),
                           tuple(gateway(d, i) for i, d in enumerate(gateways)))
