"""Application Gateway for Containers' Ingress API: the Ingresses one AGC frontend serves, expressed as the one
Gateway and the HTTPRoutes the ALB Controller programs for them, so a request through the frontend takes the
engine's Gateway API semantics (``aksnet.engine.gateway.route``) with the Ingress specification's rules.

The translation: an HTTP listener on port 80 and, for every ``spec.tls`` host, an HTTPS listener on 443 with that
host and the entry's Secret; each Ingress rule becomes a route with the rule's host as its hostname (none: every
host), one route rule per path (``Exact`` → Exact, ``Prefix`` and ``ImplementationSpecific`` → PathPrefix: both
match path elements, a trailing ``/`` ignored), and ``spec.defaultBackend`` a host-less route matching every path.
A named Service port resolves through ``port_of``; one that does not resolve stays unset (the backend then
answers 500 as an unresolved backendRef does).

Sources: learn.microsoft.com/azure/application-gateway/for-containers/how-to-multiple-site-hosting-ingress-api,
how-to-ssl-offloading-ingress-api (the listeners the status reports: 80, or 443 with ``tls``); kubernetes.io
docs/concepts/services-networking/ingress (path types, precedence, default backend). Pure; imports only the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aksnet.model import k8s
from aksnet.model.gateway import (
    BackendRef,
    Gateway,
    GatewayClass,
    GatewayWorld,
    HTTPRoute,
    Listener,
    ObjectRef,
    RouteMatch,
    RouteNamespaces,
    RouteRule,
)

PortOf = Callable[[str, str, int | str], int | None]
PATH_TYPES = {"Exact": "Exact", "Prefix": "PathPrefix", "ImplementationSpecific": "PathPrefix"}


def listeners(ingresses: Sequence[k8s.Ingress]) -> tuple[Listener, ...]:
    """HTTP on 80 for every host, HTTPS on 443 for each TLS host with its Secret (Ingress ``spec.tls``)."""
    everyone = RouteNamespaces("All")
    out = [Listener("http", "HTTP", 80, namespaces=everyone)]
    for ing in ingresses:
        for t in ing.tls:
            refs = (ObjectRef("", "Secret", t.secret_name, ing.namespace),) if t.secret_name else ()
            for host in t.hosts or ("",):
                out.append(Listener(f"https-{len(out)}", "HTTPS", 443, host, "Terminate", refs, everyone))
    return tuple(out)


def _backend(ing: k8s.Ingress, b: k8s.IngressBackend, port_of: PortOf) -> tuple[BackendRef, ...]:
    if not b.service_name:
        return ()
    port = b.service_port if isinstance(b.service_port, int) else (
        port_of(ing.namespace, b.service_name, b.service_port) if b.service_port is not None else None)
    return (BackendRef(ObjectRef("", "Service", b.service_name, port=port)),)


def routes(ing: k8s.Ingress, parent: ObjectRef, port_of: PortOf) -> tuple[HTTPRoute, ...]:
    """The routes one Ingress programs (see the module docstring); ``rules[i]`` names where each came from."""
    out = []
    for i, rule in enumerate(ing.rules):
        rules = tuple(RouteRule((RouteMatch(PATH_TYPES.get(p.path_type, "PathPrefix"), p.path or "/"),),
                                backends=_backend(ing, p.backend, port_of)) for p in rule.paths)
        if rules:
            out.append(HTTPRoute(ing.namespace, f"{ing.name} rules[{i}]", (parent,),
                                 (rule.host,) if rule.host else (), rules, ing.creation_timestamp, origin="Ingress"))
    if ing.default_backend is not None:
        out.append(HTTPRoute(ing.namespace, f"{ing.name} defaultBackend", (parent,), (),
                             (RouteRule((RouteMatch(),), backends=_backend(ing, ing.default_backend, port_of)),),
                             ing.creation_timestamp, origin="Ingress"))
    return tuple(out)


def as_gateway(world: GatewayWorld, class_: GatewayClass, frontend: str, ingresses: Sequence[k8s.Ingress],
               port_of: PortOf) -> tuple[GatewayWorld, Gateway]:
    """The Gateway (named after the frontend) and world in which the frontend's Ingresses are its routes; the
    namespaces, Services, Secrets and backend TLS policies are ``world``'s."""
    ns = ingresses[0].namespace if ingresses else ""
    gw = Gateway(ns, f"{frontend} (Ingress API)", class_.name, listeners(ingresses))
    parent = ObjectRef("gateway.networking.k8s.io", "Gateway", gw.name, ns)
    rs = tuple(r for ing in ingresses for r in routes(ing, parent, port_of))
    return GatewayWorld((class_,), (gw,), rs, (), world.namespace_labels, world.services, world.secrets,
                        world.backend_tls), gw
