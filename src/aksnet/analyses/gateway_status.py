"""The status a Gateway API controller writes: GatewayClass Accepted, Gateway Accepted/Programmed with one
entry per listener (supportedKinds, attachedRoutes, Accepted/ResolvedRefs/Conflicted/Programmed), and one
``status.parents`` entry per HTTPRoute parentRef it handles (Accepted, ResolvedRefs), as the documents
``kubectl get -o yaml`` shows. A pure function of the cluster's Gateway API objects; objects no running
controller handles get nothing (their CRD's Pending defaults stay).

Source: kubernetes-sigs/gateway-api v1.2.1 ``apis/v1/gateway_types.go`` (GatewayStatus, ListenerStatus),
``apis/v1/shared_types.go`` (RouteParentStatus), ``apis/v1/gatewayclass_types.go``; metav1.Condition
(lastTransitionTime changes only when the status does).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aksnet.engine.gateway.attach import Condition, accepted_class, gateway_states, route_states
from aksnet.model.gateway import GatewayWorld, ObjectRef
from aksnet.rules import gateway_api

Doc = dict[str, Any]
Key = tuple[str, str, str]  # (kind, namespace, name)


def _conditions(conds: tuple[Condition, ...], generation: int, now: str, previous: Any) -> list[Doc]:
    before = {c.get("type"): c for c in (previous or []) if isinstance(c, dict)}
    out = []
    for c in conds:
        old = before.get(c.type)
        since = old.get("lastTransitionTime", now) if old and old.get("status") == c.status else now
        out.append({"lastTransitionTime": since, "message": c.message, "observedGeneration": generation,
                    "reason": c.reason, "status": c.status, "type": c.type})
    return out


def _parent_ref(ref: ObjectRef) -> Doc:
    out: Doc = {"group": ref.group, "kind": ref.kind, "name": ref.name}
    if ref.namespace:
        out["namespace"] = ref.namespace
    if ref.section_name:
        out["sectionName"] = ref.section_name
    if ref.port is not None:
        out["port"] = ref.port
    return out


def statuses(world: GatewayWorld, controllers: tuple[str, ...], generations: Mapping[Key, int],
             previous: Mapping[Key, Doc], now: str,
             addresses: Mapping[tuple[str, str], tuple[str, ...]] | None = None) -> dict[Key, Doc]:
    """The status documents of every GatewayClass, Gateway and HTTPRoute a running controller handles;
    ``addresses`` are each Gateway's (namespace, name) published addresses (its Service's load-balancer IPs,
    or the FQDN of its Application Gateway for Containers frontend), written as ``status.addresses``."""
    out: dict[Key, Doc] = {}

    def prev(key: Key, *path: str) -> Any:
        node: Any = previous.get(key) or {}
        for p in path:
            node = node.get(p) if isinstance(node, dict) else None
        return node

    for cls in world.classes:
        cond = accepted_class(cls, controllers)
        if cond is not None:
            key = ("GatewayClass", "", cls.name)
            out[key] = {"conditions": _conditions((cond,), generations.get(key, 1), now, prev(key, "conditions"))}
    for gs in gateway_states(world, controllers):
        if not gs.controller:
            continue
        key = ("Gateway", gs.gateway.namespace, gs.gateway.name)
        gen = generations.get(key, 1)
        old_listeners = {entry.get("name"): entry for entry in prev(key, "listeners") or [] if isinstance(entry, dict)}
        published = (addresses or {}).get((gs.gateway.namespace, gs.gateway.name), ())
        out[key] = {
            **({"addresses": [{"type": _address_type(a), "value": a} for a in published]} if published else {}),
            "conditions": _conditions(gs.conditions, gen, now, prev(key, "conditions")),
            "listeners": [{
                "attachedRoutes": ls.attached_routes,
                "conditions": _conditions(ls.conditions, gen, now,
                                          (old_listeners.get(ls.listener.name) or {}).get("conditions")),
                "name": ls.listener.name,
                "supportedKinds": [{"group": g, "kind": k} for g, k in ls.supported_kinds],
            } for ls in gs.listeners],
        }
    parents: dict[Key, list[Doc]] = {}
    for ps in route_states(world, controllers):
        key = (ps.route.kind, ps.route.namespace, ps.route.name)
        old = next((p for p in prev(key, "parents") or [] if isinstance(p, dict)
                    and p.get("parentRef") == _parent_ref(ps.parent)), {})
        parents.setdefault(key, []).append({
            "conditions": _conditions(ps.conditions, generations.get(key, 1), now, old.get("conditions")),
            "controllerName": ps.controller,
            "parentRef": _parent_ref(ps.parent),
        })
    for key, entries in parents.items():
        out[key] = {"parents": entries}
    return out


def _address_type(value: str) -> str:
    """GatewayStatusAddress.type: IPAddress for an IP, Hostname for a DNS name."""
    return "IPAddress" if value.replace(".", "").isdigit() else "Hostname"


def running_controllers() -> tuple[str, ...]:
    """The Gateway API controllers the emulated cluster runs: AKS's implementations (the Istio add-on's and
    Application Gateway for Containers' ALB controller), whether or not they were installed (docs/fidelity.md)."""
    return gateway_api.AKS_CONTROLLERS
