"""Gateway API attachment and status: which GatewayClasses a controller accepts, which listeners of a Gateway
are valid (protocol, conflicts, TLS certificateRefs), which HTTPRoutes attach to which listeners (parentRefs
with sectionName and port, allowedRoutes namespaces and kinds, hostname intersection), whether their
backendRefs resolve (Service kind, existence, ReferenceGrant across namespaces), and the conditions with the
reasons the specification names. Pure functions of ``aksnet.model.gateway``.

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/gateway_types.go`` (GatewayConditionType, ListenerConditionType
and their reasons), ``apis/v1/shared_types.go`` (RouteConditionType: Accepted, ResolvedRefs and reasons),
``apis/v1beta1/referencegrant_types.go``; https://gateway-api.sigs.k8s.io/api-types/referencegrant/.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine.gateway import hostnames
from aksnet.model.gateway import Gateway, GatewayClass, GatewayWorld, HTTPRoute, Listener, ObjectRef
from aksnet.rules import gateway_api

ROUTE_KIND = (gateway_api.GROUP, "HTTPRoute")
# The route kinds an HTTP/HTTPS listener supports (AKS's implementations, Istio and Application Gateway for
# Containers, serve both)
ROUTE_KINDS = (ROUTE_KIND, (gateway_api.GROUP, "GRPCRoute"))


@dataclass(frozen=True)
class Condition:
    type: str
    status: str
    reason: str
    message: str


@dataclass(frozen=True)
class ListenerState:
    listener: Listener
    conditions: tuple[Condition, ...]
    attached_routes: int
    supported_kinds: tuple[tuple[str, str], ...]

    @property
    def valid(self) -> bool:
        return all(c.status == "True" for c in self.conditions if c.type in ("Accepted", "ResolvedRefs"))


@dataclass(frozen=True)
class GatewayState:
    gateway: Gateway
    controller: str  # empty: no controller handles its class (the CRD's Pending defaults stay)
    conditions: tuple[Condition, ...]
    listeners: tuple[ListenerState, ...]


@dataclass(frozen=True)
class Attachment:
    """A route attached to one listener, with the hostnames it serves there (``""``: every host)."""

    route: HTTPRoute
    gateway: Gateway
    listener: Listener
    hostnames: tuple[str, ...]


@dataclass(frozen=True)
class ParentState:
    route: HTTPRoute
    parent: ObjectRef
    controller: str
    conditions: tuple[Condition, ...]
    attachments: tuple[Attachment, ...]


def accepted_class(cls: GatewayClass, controllers: tuple[str, ...]) -> Condition | None:
    """GatewayClass Accepted: True when a running controller owns its controllerName; None when none does
    (the CRD's default, Unknown/Pending, stays)."""
    if cls.controller_name not in controllers:
        return None
    return Condition("Accepted", "True", "Accepted", "the GatewayClass is accepted by its controller")


def _class_of(world: GatewayWorld, gw: Gateway, controllers: tuple[str, ...]) -> str:
    for cls in world.classes:
        if cls.name == gw.class_name and cls.controller_name in controllers:
            return cls.controller_name
    return ""


def _default_kinds(listener: Listener) -> tuple[tuple[str, str], ...]:
    if listener.kinds:
        return tuple(k for k in listener.kinds if k in ROUTE_KINDS)
    return ROUTE_KINDS if listener.protocol in gateway_api.HTTP_PROTOCOLS else ()


def grant_allows(world: GatewayWorld, from_group: str, from_kind: str, from_ns: str, to: ObjectRef) -> bool:
    """ReferenceGrant: a reference into another namespace is allowed only when a grant in the target's
    namespace lists the referrer (group, kind, namespace) in ``from`` and the target (group, kind, optional
    name) in ``to``."""
    target_ns = to.namespace
    for g in world.grants:
        if g.namespace != target_ns:
            continue
        if not any(f.group == from_group and f.kind == from_kind and f.namespace == from_ns for f in g.from_):
            continue
        if any(t.group == to.group and t.kind == to.kind and t.name in ("", to.name) for t in g.to):
            return True
    return False


def _listener_conditions(world: GatewayWorld, gw: Gateway, listener: Listener) -> list[Condition]:
    conds: list[Condition] = []
    if listener.protocol not in gateway_api.HTTP_PROTOCOLS:
        conds.append(Condition("Accepted", "False", "UnsupportedProtocol",
                               f"protocol {listener.protocol} is not supported"))
    else:
        conds.append(Condition("Accepted", "True", "Accepted", "the listener is accepted"))
    resolved = Condition("ResolvedRefs", "True", "ResolvedRefs", "all references resolved")
    if listener.kinds and not _default_kinds(listener):
        resolved = Condition("ResolvedRefs", "False", "InvalidRouteKinds", "no supported route kind is allowed")
    if listener.protocol == "HTTPS":
        resolved = _certificates(world, gw, listener) or resolved
    conds.append(resolved)
    conflict = _conflict(gw, listener)
    conds.append(conflict or Condition("Conflicted", "False", "NoConflicts", "no conflicts"))
    ok = all(c.status == "True" for c in conds[:2]) and conflict is None
    conds.append(Condition("Programmed", "True" if ok else "False", "Programmed" if ok else "Invalid",
                           "the listener is programmed" if ok else "the listener is invalid"))
    return conds


def _certificates(world: GatewayWorld, gw: Gateway, listener: Listener) -> Condition | None:
    if not listener.certificate_refs:
        return Condition("ResolvedRefs", "False", "InvalidCertificateRef", "an HTTPS listener needs certificateRefs")
    secrets = {(ns, name): kind for ns, name, kind in world.secrets}
    for ref in listener.certificate_refs:
        ns = ref.namespace or gw.namespace
        if ref.group != "" or ref.kind != "Secret":
            return Condition("ResolvedRefs", "False", "InvalidCertificateRef", f"unsupported kind {ref.kind}")
        if ns != gw.namespace and not grant_allows(world, gateway_api.GROUP, "Gateway", gw.namespace,
                                                    ObjectRef("", "Secret", ref.name, ns)):
            return Condition("ResolvedRefs", "False", "RefNotPermitted",
                             f"no ReferenceGrant allows a reference to Secret {ns}/{ref.name}")
        if secrets.get((ns, ref.name)) != gateway_api.TLS_SECRET_TYPE:
            return Condition("ResolvedRefs", "False", "InvalidCertificateRef",
                             f"Secret {ns}/{ref.name} does not exist or is not of type kubernetes.io/tls")
    return None


def _conflict(gw: Gateway, listener: Listener) -> Condition | None:
    for other in gw.listeners:
        if other is listener or other.port != listener.port:
            continue
        if other.protocol != listener.protocol:
            return Condition("Conflicted", "True", "ProtocolConflict",
                             f"port {listener.port} is used with protocol {other.protocol}")
        if other.hostname == listener.hostname and other.name != listener.name:
            return Condition("Conflicted", "True", "HostnameConflict",
                             f"hostname {listener.hostname or '*'} on port {listener.port} is used twice")
    return None


def _namespace_allowed(world: GatewayWorld, gw: Gateway, listener: Listener, route_ns: str) -> bool:
    sel = listener.namespaces
    if sel.from_ == "All":
        return True
    if sel.from_ == "Same":
        return route_ns == gw.namespace
    labels = dict(dict(world.namespace_labels).get(route_ns, ()))
    if any(labels.get(k) != v for k, v in sel.match_labels):
        return False
    for key, op, values in sel.match_expressions:
        present = key in labels
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and present and labels[key] in values) \
                or (op == "Exists" and not present) or (op == "DoesNotExist" and present):
            return False
    return True


def _parent_gateway(world: GatewayWorld, route: HTTPRoute, ref: ObjectRef) -> Gateway | None:
    if (ref.group, ref.kind) != (gateway_api.GROUP, "Gateway"):
        return None
    ns = ref.namespace or route.namespace
    return next((g for g in world.gateways if g.namespace == ns and g.name == ref.name), None)


def _attach(world: GatewayWorld, route: HTTPRoute, ref: ObjectRef, gw: Gateway,
            valid: dict[str, bool]) -> tuple[Condition, tuple[Attachment, ...]]:
    candidates = [lst for lst in gw.listeners if valid.get(lst.name)
                  and (not ref.section_name or lst.name == ref.section_name)
                  and (ref.port is None or lst.port == ref.port)]
    if not candidates:
        return Condition("Accepted", "False", "NoMatchingParent",
                         "no listener matches the parentRef's sectionName and port"), ()
    allowed = [lst for lst in candidates if (gateway_api.GROUP, route.kind) in _default_kinds(lst)
               and _namespace_allowed(world, gw, lst, route.namespace)]
    if not allowed:
        return Condition("Accepted", "False", "NotAllowedByListeners",
                         "no listener allows routes of this kind from this namespace"), ()
    out = []
    for lst in allowed:
        hosts = hostnames.effective(lst.hostname, route.hostnames)
        if hosts is not None:
            out.append(Attachment(route, gw, lst, hosts))
    if not out:
        return Condition("Accepted", "False", "NoMatchingListenerHostname",
                         "no hostname of the route intersects a listener hostname"), ()
    return Condition("Accepted", "True", "Accepted", "the route is accepted"), tuple(out)


def resolved_refs(world: GatewayWorld, route: HTTPRoute) -> Condition:
    """ResolvedRefs of a route: every backendRef (and mirror backend) a Service that exists with the port,
    in the route's namespace or allowed there by a ReferenceGrant."""
    services = {(ns, name): ports for ns, name, ports in world.services}
    refs = [b.ref for r in route.rules for b in r.backends]
    refs += [f.backend for r in route.rules for f in r.filters if f.backend is not None]
    for ref in refs:
        ns = ref.namespace or route.namespace
        if (ref.group, ref.kind) != ("", "Service"):
            return Condition("ResolvedRefs", "False", "InvalidKind", f"backendRef kind {ref.kind} is not supported")
        if ns != route.namespace and not grant_allows(world, gateway_api.GROUP, route.kind, route.namespace,
                                                       ObjectRef("", "Service", ref.name, ns)):
            return Condition("ResolvedRefs", "False", "RefNotPermitted",
                             f"no ReferenceGrant allows a reference to Service {ns}/{ref.name}")
        if (ns, ref.name) not in services:
            return Condition("ResolvedRefs", "False", "BackendNotFound", f"Service {ns}/{ref.name} not found")
        if ref.port is not None and ref.port not in services[(ns, ref.name)]:
            return Condition("ResolvedRefs", "False", "BackendNotFound",
                             f"Service {ns}/{ref.name} has no port {ref.port}")
    return Condition("ResolvedRefs", "True", "ResolvedRefs", "all references resolved")


def route_states(world: GatewayWorld, controllers: tuple[str, ...]) -> list[ParentState]:
    """The status of every parentRef of every HTTPRoute whose Gateway a running controller handles."""
    valid = {(g.namespace, g.name): {s.listener.name: s.valid for s in _listener_states(world, g)}
             for g in world.gateways}
    out = []
    for route in world.routes:
        resolved = resolved_refs(world, route)
        for ref in route.parent_refs:
            gw = _parent_gateway(world, route, ref)
            controller = _class_of(world, gw, controllers) if gw is not None else ""
            if gw is None or not controller:
                continue
            accepted, attached = _attach(world, route, ref, gw, valid[(gw.namespace, gw.name)])
            out.append(ParentState(route, ref, controller, (accepted, resolved), attached))
    return out


def _listener_states(world: GatewayWorld, gw: Gateway) -> list[ListenerState]:
    return [ListenerState(lst, tuple(_listener_conditions(world, gw, lst)), 0, _default_kinds(lst))
            for lst in gw.listeners]


def gateway_states(world: GatewayWorld, controllers: tuple[str, ...]) -> list[GatewayState]:
    """Every Gateway's conditions and listener statuses (attachedRoutes counts accepted routes per listener)."""
    parents = route_states(world, controllers)
    out = []
    for gw in world.gateways:
        controller = _class_of(world, gw, controllers)
        if not controller:
            out.append(GatewayState(gw, "", (), ()))
            continue
        states = []
        for s in _listener_states(world, gw):
            count = sum(1 for p in parents for a in p.attachments if a.gateway is gw and a.listener is s.listener)
            states.append(ListenerState(s.listener, s.conditions, count, s.supported_kinds))
        ok = all(s.valid for s in states)
        accepted = Condition("Accepted", "True", "Accepted" if ok else "ListenersNotValid",
                             "the Gateway is accepted" if ok else "some listeners are not valid")
        programmed = Condition("Programmed", "True", "Programmed", "the Gateway is programmed")
        out.append(GatewayState(gw, controller, (accepted, programmed), tuple(states)))
    return out


def attachments(world: GatewayWorld, controllers: tuple[str, ...]) -> list[Attachment]:
    """Every (route, listener) attachment of Accepted routes."""
    return [a for p in route_states(world, controllers) for a in p.attachments]
