"""Gateway API documents (as the API server stores them) → ``aksnet.model.gateway``, with the defaults the
CRDs' schemas give (a match without path is PathPrefix ``/``, a backendRef weighs 1, a parentRef is a
Gateway, allowedRoutes.namespaces.from is Same). Decides no semantics.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/*_types.go`` (``+kubebuilder:default`` markers).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aksnet.model.gateway import (
    BackendRef,
    BackendTLS,
    Filter,
    FrontendTLS,
    Gateway,
    GatewayBackendTLS,
    GatewayClass,
    GatewayWorld,
    GrantFrom,
    GrantTo,
    HeaderChange,
    HeaderMatch,
    HealthCheck,
    HTTPRoute,
    Listener,
    ObjectRef,
    PathModifier,
    ReferenceGrant,
    RouteMatch,
    RouteNamespaces,
    RoutePolicy,
    RouteRule,
    SessionAffinity,
)
from aksnet.rules import alb, gateway_api

Doc = Mapping[str, Any]


def _d(value: Any) -> Doc:
    return value if isinstance(value, Mapping) else {}


def _l(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def object_ref(raw: Doc, group: str, kind: str) -> ObjectRef:
    """A reference with the schema's group and kind defaults."""
    return ObjectRef(group=str(raw.get("group", group)), kind=str(raw.get("kind", kind)), name=str(raw.get("name", "")),
                     namespace=str(raw.get("namespace") or ""), section_name=str(raw.get("sectionName") or ""),
                     port=_int(raw.get("port")))


def gateway_class(doc: Doc) -> GatewayClass:
    meta = _d(doc.get("metadata"))
    return GatewayClass(str(meta.get("name", "")), str(_d(doc.get("spec")).get("controllerName", "")),
                        str(meta.get("creationTimestamp", "")))


def _namespaces(raw: Doc) -> RouteNamespaces:
    sel = _d(raw.get("selector"))
    return RouteNamespaces(
        from_=str(raw.get("from", "Same")),
        match_labels=tuple(sorted((str(k), str(v)) for k, v in _d(sel.get("matchLabels")).items())),
        match_expressions=tuple((str(e.get("key", "")), str(e.get("operator", "")),
                                 tuple(str(v) for v in _l(e.get("values"))))
                                for e in _l(sel.get("matchExpressions")) if isinstance(e, dict)),
    )


def listener(raw: Doc) -> Listener:
    tls = _d(raw.get("tls"))
    allowed = _d(raw.get("allowedRoutes"))
    return Listener(
        name=str(raw.get("name", "")), protocol=str(raw.get("protocol", "")), port=_int(raw.get("port")) or 0,
        hostname=str(raw.get("hostname") or ""),
        tls_mode=str(tls.get("mode", "Terminate")) if tls else "",
        certificate_refs=tuple(object_ref(_d(r), "", "Secret") for r in _l(tls.get("certificateRefs"))),
        namespaces=_namespaces(_d(allowed.get("namespaces"))),
        kinds=tuple((str(_d(k).get("group", gateway_api.GROUP)), str(_d(k).get("kind", "")))
                    for k in _l(allowed.get("kinds"))),
    )


def gateway(doc: Doc) -> Gateway:
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    return Gateway(str(meta.get("namespace", "")), str(meta.get("name", "")), str(spec.get("gatewayClassName", "")),
                   tuple(listener(_d(raw)) for raw in _l(spec.get("listeners"))),
                   str(meta.get("creationTimestamp", "")),
                   tuple(sorted((str(k), str(v)) for k, v in _d(meta.get("annotations")).items())),
                   tuple((str(_d(a).get("type", "IPAddress")), str(_d(a).get("value", "")))
                         for a in _l(spec.get("addresses"))))


def _header_change(raw: Doc) -> HeaderChange:
    def pairs(key: str) -> tuple[tuple[str, str], ...]:
        return tuple((str(_d(h).get("name", "")), str(_d(h).get("value", ""))) for h in _l(raw.get(key)))

    return HeaderChange(pairs("set"), pairs("add"), tuple(str(n) for n in _l(raw.get("remove"))))


def route_filter(raw: Doc) -> Filter:
    kind = str(raw.get("type", ""))
    if kind in ("RequestHeaderModifier", "ResponseHeaderModifier"):
        key = kind[0].lower() + kind[1:]
        return Filter(kind, headers=_header_change(_d(raw.get(key))))
    if kind in ("RequestRedirect", "URLRewrite"):
        body = _d(raw.get("requestRedirect" if kind == "RequestRedirect" else "urlRewrite"))
        path = _d(body.get("path"))
        modifier = None
        if path:
            ptype = str(path.get("type", ""))
            value = path.get("replaceFullPath" if ptype == "ReplaceFullPath" else "replacePrefixMatch", "")
            modifier = PathModifier(ptype, str(value))
        return Filter(kind, scheme=str(body.get("scheme") or ""), hostname=str(body.get("hostname") or ""),
                      path=modifier, port=_int(body.get("port")), status_code=_int(body.get("statusCode")) or 302)
    if kind == "RequestMirror":
        return Filter(kind, backend=object_ref(_d(_d(raw.get("requestMirror")).get("backendRef")), "", "Service"))
    return Filter(kind)


def _match(raw: Doc) -> RouteMatch:
    path = _d(raw.get("path"))

    def hm(key: str) -> tuple[HeaderMatch, ...]:
        return tuple(HeaderMatch(str(_d(h).get("name", "")), str(_d(h).get("value", "")),
                                 str(_d(h).get("type", "Exact"))) for h in _l(raw.get(key)))

    return RouteMatch(path_type=str(path.get("type", "PathPrefix")), path=str(path.get("value", "/")),
                      method=str(raw.get("method") or ""), headers=hm("headers"), query=hm("queryParams"))


def _backend(raw: Doc) -> BackendRef:
    weight = _int(raw.get("weight"))
    return BackendRef(object_ref(raw, "", "Service"), 1 if weight is None else weight,
                      tuple(route_filter(_d(f)) for f in _l(raw.get("filters"))))


def _rule(raw: Doc) -> RouteRule:
    matches = tuple(_match(_d(m)) for m in _l(raw.get("matches"))) or (RouteMatch(),)
    backends = tuple(_backend(_d(b)) for b in _l(raw.get("backendRefs")))
    return RouteRule(matches, tuple(route_filter(_d(f)) for f in _l(raw.get("filters"))), backends,
                     str(raw.get("name") or ""))


def http_route(doc: Doc) -> HTTPRoute:
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    rules = tuple(_rule(_d(r)) for r in _l(spec.get("rules"))) or (RouteRule((RouteMatch(),)),)
    return HTTPRoute(str(meta.get("namespace", "")), str(meta.get("name", "")),
                     tuple(object_ref(_d(p), gateway_api.GROUP, "Gateway") for p in _l(spec.get("parentRefs"))),
                     tuple(str(h) for h in _l(spec.get("hostnames"))), rules, str(meta.get("creationTimestamp", "")))


def _grpc_match(raw: Doc) -> RouteMatch:
    """A GRPCRouteMatch as the HTTP/2 request it matches: the method match becomes the path ``/service/method``
    (Exact), ``/service/`` (service only) or a regular expression (method only, or type RegularExpression);
    headers match as in HTTPRoute."""
    method = _d(raw.get("method"))
    service, name = str(method.get("service") or ""), str(method.get("method") or "")
    headers = tuple(HeaderMatch(str(_d(h).get("name", "")), str(_d(h).get("value", "")),
                                str(_d(h).get("type", "Exact"))) for h in _l(raw.get("headers")))
    if str(method.get("type", "Exact")) == "RegularExpression":
        return RouteMatch("RegularExpression", f"/{service or '[^/]+'}/{name or '[^/]+'}", headers=headers)
    if service and name:
        return RouteMatch("Exact", f"/{service}/{name}", headers=headers)
    if service:
        return RouteMatch("PathPrefix", f"/{service}/", headers=headers)
    if name:
        return RouteMatch("RegularExpression", f"/[^/]+/{re.escape(name)}", headers=headers)
    return RouteMatch(headers=headers)


def grpc_route(doc: Doc) -> HTTPRoute:
    """A GRPCRoute (gateway.networking.k8s.io/v1): rules with method and header matches, filters and
    backendRefs, decoded as the HTTP/2 requests gRPC sends (``POST /<service>/<method>``)."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    rules = tuple(RouteRule(tuple(_grpc_match(_d(m)) for m in _l(_d(r).get("matches"))) or (RouteMatch(),),
                            tuple(route_filter(_d(f)) for f in _l(_d(r).get("filters"))),
                            tuple(_backend(_d(b)) for b in _l(_d(r).get("backendRefs"))), str(_d(r).get("name") or ""))
                  for r in _l(spec.get("rules"))) or (RouteRule((RouteMatch(),)),)
    return HTTPRoute(str(meta.get("namespace", "")), str(meta.get("name", "")),
                     tuple(object_ref(_d(p), gateway_api.GROUP, "Gateway") for p in _l(spec.get("parentRefs"))),
                     tuple(str(h) for h in _l(spec.get("hostnames"))), rules, str(meta.get("creationTimestamp", "")),
                     grpc=True)


def reference_grant(doc: Doc) -> ReferenceGrant:
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    return ReferenceGrant(
        str(meta.get("namespace", "")), str(meta.get("name", "")),
        tuple(GrantFrom(str(_d(f).get("group", "")), str(_d(f).get("kind", "")), str(_d(f).get("namespace", "")))
              for f in _l(spec.get("from"))),
        tuple(GrantTo(str(_d(t).get("group", "")), str(_d(t).get("kind", "")), str(_d(t).get("name") or ""))
              for t in _l(spec.get("to"))),
    )


def _secret_ref(raw: Any, namespace: str) -> tuple[str, str] | None:
    ref = _d(raw)
    return (str(ref.get("namespace") or namespace), str(ref["name"])) if ref.get("name") else None


def alb_backend_tls(doc: Doc) -> BackendTLS:
    """An AGC ``BackendTLSPolicy`` (alb.networking.azure.io/v1): ``spec.targetRef`` a Service, ``spec.default``
    (or ``override``) with ``sni``, ``ports[].port``, ``clientCertificateRef`` and ``verify.caCertificateRef``/
    ``subjectAltName`` (learn.microsoft.com/azure/application-gateway/for-containers/api-specification-kubernetes)."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    ns = str(meta.get("namespace") or "default")
    target = _d(spec.get("targetRef"))
    conf = _d(spec.get("override")) or _d(spec.get("default"))
    verify = _d(conf.get("verify"))
    return BackendTLS(
        ns, str(meta.get("name", "")), (str(target.get("namespace") or ns), str(target.get("name", ""))),
        tuple(p for p in (_int(_d(x).get("port")) for x in _l(conf.get("ports"))) if p is not None),
        str(conf.get("sni") or ""), _secret_ref(conf.get("clientCertificateRef"), ns),
        _secret_ref(verify.get("caCertificateRef"), ns), str(verify.get("subjectAltName") or ""))


def alb_health_check(doc: Doc) -> HealthCheck:
    """An AGC ``HealthCheckPolicy``: ``spec.targetRef`` a Service, ``spec.default`` (or ``override``) with ``port``,
    ``http.host``/``path``/``match.statusCodes[].start``/``end``, ``grpc`` and ``useTLS`` (custom-health-probe)."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    ns = str(meta.get("namespace") or "default")
    target = _d(spec.get("targetRef"))
    conf = _d(spec.get("override")) or _d(spec.get("default"))
    http = _d(conf.get("http"))
    ranges = tuple((_int(_d(r).get("start")) or 0, _int(_d(r).get("end")) or 0)
                   for r in _l(_d(http.get("match")).get("statusCodes")))
    tls = conf.get("useTLS")
    return HealthCheck(ns, str(meta.get("name", "")), (str(target.get("namespace") or ns), str(target.get("name", ""))),
                       _int(conf.get("port")), str(http.get("path") or "/"), str(http.get("host") or ""),
                       ranges or ((200, 399),), tls if isinstance(tls, bool) else None, "grpc" in conf)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def duration_seconds(text: Any) -> int | None:
    """A Kubernetes ``metav1.Duration`` (Go's ``time.ParseDuration`` form: ``3600s``, ``1h30m``) in whole
    seconds; None when it does not parse."""
    raw = str(text or "").strip()
    parts = _DURATION.findall(raw)
    if not raw or "".join(n + u for n, u in parts) != raw:
        return None
    return int(sum(float(n) * _UNIT_SECONDS[u] for n, u in parts))


def alb_route_policy(doc: Doc) -> RoutePolicy:
    """An AGC ``RoutePolicy``: ``spec.targetRef`` (an HTTPRoute), ``spec.override`` or ``default`` with
    ``sessionAffinity`` (``affinityType``, ``cookieName``, ``cookieDuration``) and ``timeouts.routeTimeout``
    (api-specification-kubernetes RoutePolicyConfig; a managed cookie is ``AGCAffinity`` for 86400 s)."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    ns = str(meta.get("namespace") or "default")
    target = _d(spec.get("targetRef"))
    conf = _d(spec.get("override")) or _d(spec.get("default"))
    raw = _d(conf.get("sessionAffinity"))
    affinity = None
    if raw:
        kind = str(raw.get("affinityType") or "")
        if kind == alb.AFFINITY_MANAGED_COOKIE:
            affinity = SessionAffinity(kind, alb.MANAGED_COOKIE_NAME, alb.MANAGED_COOKIE_DURATION)
        elif kind == alb.AFFINITY_APPLICATION_COOKIE and raw.get("cookieName") \
                and duration_seconds(raw.get("cookieDuration")):
            affinity = SessionAffinity(kind, str(raw["cookieName"]), duration_seconds(raw["cookieDuration"]) or 0)
        # else: the controller rejects the policy (InvalidRoutePolicy) and AGC keeps no affinity
    return RoutePolicy(ns, str(meta.get("name", "")),
                       (str(target.get("kind", "HTTPRoute")), str(target.get("namespace") or ns),
                        str(target.get("name", ""))),
                       affinity, str(_d(conf.get("timeouts")).get("routeTimeout") or ""))


def alb_frontend_tls(doc: Doc, secrets: Mapping[tuple[str, str], Doc]) -> FrontendTLS:
    """An AGC ``FrontendTLSPolicy``: ``spec.targetRef`` a Gateway (``name``, or ``gateway`` in the TLS-policy
    article's form) with ``sectionNames`` (or ``listeners``), ``spec.default.verify.caCertificateRef`` and
    ``policyType.name`` (how-to-frontend-mtls-gateway-api, tls-policy). The CA bundle is the Secret's ``ca.crt``."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    ns = str(meta.get("namespace") or "default")
    target = _d(spec.get("targetRef"))
    conf = _d(spec.get("override")) or _d(spec.get("default"))
    ca = _secret_ref(_d(conf.get("verify")).get("caCertificateRef"), ns)
    bundle = ""
    if ca is not None:
        data = _d(_d(secrets.get(ca)).get("data"))
        try:
            bundle = base64.b64decode(str(data.get("ca.crt", ""))).decode("utf-8", "replace")
        except (ValueError, binascii.Error):
            bundle = ""
    listeners = _l(target.get("sectionNames")) or _l(target.get("listeners"))
    return FrontendTLS(ns, str(meta.get("name", "")),
                       (str(target.get("namespace") or ns), str(target.get("gateway") or target.get("name", ""))),
                       tuple(str(x) for x in listeners), ca, bundle, str(_d(conf.get("policyType")).get("name") or ""))


def standard_backend_tls(doc: Doc, config_maps: Mapping[tuple[str, str], Doc],
                        secrets: Mapping[tuple[str, str], Doc]) -> GatewayBackendTLS:
    """Gateway API's ``BackendTLSPolicy``: ``targetRefs`` (Services, with ``sectionName``), ``validation.hostname``,
    ``caCertificateRefs`` (a ConfigMap with ``ca.crt``: core; a Secret with ``ca.crt``: ours, as implementations
    may) or ``wellKnownCACertificates``, ``subjectAltNames``. A reference that does not resolve is named in
    ``ca_problem`` with the specification's reason (gateway-api v1.4 ``apis/v1/backendtlspolicy_types.go``)."""
    meta, spec = _d(doc.get("metadata")), _d(doc.get("spec"))
    ns = str(meta.get("namespace") or "default")
    validation = _d(spec.get("validation"))
    refs = tuple((str(_d(r).get("kind") or "ConfigMap"), str(_d(r).get("name", "")))
                 for r in _l(validation.get("caCertificateRefs")))
    problems = []
    for kind, name in refs:
        store = config_maps if kind == "ConfigMap" else secrets if kind == "Secret" else None
        if store is None:
            problems.append(f"InvalidKind: caCertificateRef kind {kind} is not supported")
            continue
        found = store.get((ns, name))
        if found is None or "ca.crt" not in _d(found.get("data")):
            problems.append(f"InvalidCACertificateRef: {kind} {ns}/{name} "
                            + ("does not exist" if found is None else "has no key ca.crt"))
    sans = tuple(str(_d(x).get("hostname") or _d(x).get("uri") or "") for x in _l(validation.get("subjectAltNames")))
    return GatewayBackendTLS(
        ns, str(meta.get("name", "")),
        tuple((str(_d(t).get("name", "")), str(_d(t).get("sectionName") or "")) for t in _l(spec.get("targetRefs"))
              if (str(_d(t).get("group", "")), str(_d(t).get("kind", "Service"))) == ("", "Service")),
        str(validation.get("hostname") or ""), refs, str(validation.get("wellKnownCACertificates") or ""), sans,
        "; ".join(problems), str(meta.get("creationTimestamp", "")))


def world(classes: Iterable[Doc], gateways: Iterable[Doc], routes: Iterable[Doc], grants: Iterable[Doc],
          namespaces: Iterable[Doc], services: Iterable[Doc], secrets: Iterable[Doc],
          grpc_routes: Iterable[Doc] = (), backend_tls: Iterable[Doc] = (),
          health_checks: Iterable[Doc] = (), route_policies: Iterable[Doc] = (),
          frontend_tls: Iterable[Doc] = (), gateway_backend_tls: Iterable[Doc] = (),
          config_maps: Iterable[Doc] = ()) -> GatewayWorld:
    """One cluster's Gateway API objects and what they refer to."""
    secrets = list(secrets)
    by_key = {(str(_d(s.get("metadata")).get("namespace", "")), str(_d(s.get("metadata")).get("name", ""))): s
              for s in secrets}
    maps = {(str(_d(c.get("metadata")).get("namespace", "")), str(_d(c.get("metadata")).get("name", ""))): c
            for c in config_maps}
    return GatewayWorld(
        classes=tuple(gateway_class(d) for d in classes),
        gateways=tuple(gateway(d) for d in gateways),
        routes=(*(http_route(d) for d in routes), *(grpc_route(d) for d in grpc_routes)),
        grants=tuple(reference_grant(d) for d in grants),
        namespace_labels=tuple((str(_d(n.get("metadata")).get("name", "")), tuple(sorted(
            (str(k), str(v)) for k, v in _d(_d(n.get("metadata")).get("labels")).items()))) for n in namespaces),
        services=tuple((str(_d(s.get("metadata")).get("namespace", "")), str(_d(s.get("metadata")).get("name", "")),
                        tuple(p for p in (_int(_d(port).get("port")) for port in _l(_d(s.get("spec")).get("ports")))
                              if p is not None)) for s in services),
        secrets=tuple((str(_d(s.get("metadata")).get("namespace", "")), str(_d(s.get("metadata")).get("name", "")),
                       str(s.get("type", "Opaque"))) for s in secrets),
        backend_tls=tuple(alb_backend_tls(d) for d in backend_tls
                          if _d(_d(d.get("spec")).get("targetRef")).get("kind", "Service") == "Service"),
        health_checks=tuple(alb_health_check(d) for d in health_checks
                            if _d(_d(d.get("spec")).get("targetRef")).get("kind", "Service") == "Service"),
        route_policies=tuple(alb_route_policy(d) for d in route_policies),
        frontend_tls=tuple(alb_frontend_tls(d, by_key) for d in frontend_tls),
        gateway_backend_tls=tuple(standard_backend_tls(d, maps, by_key) for d in gateway_backend_tls),
    )
