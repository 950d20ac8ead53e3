"""Calico NetworkPolicy and GlobalNetworkPolicy (``projectcalico.org/v3``, or ``crd.projectcalico.org/v1`` as
stored) and Calico's Tiers → :class:`EnginePolicy` objects evaluated as Calico does
(:mod:`aksnet.engine.netpol.engine_rules`); sources: https://docs.tigera.io/calico/latest/reference/resources/
networkpolicy, .../globalnetworkpolicy, .../tier.

Read: ``tier`` (its order and ``defaultAction`` from the Tier objects; ``default`` when unset), ``order``,
``selector`` and a global policy's ``namespaceSelector`` (Calico's selector expressions,
:class:`aksnet.model.calico_selector.CalicoSelector`), ``types`` (default: Ingress, plus Egress when there are
egress rules), and per rule ``action`` (Allow, Deny, Pass, Log), ``protocol``/``notProtocol`` (names or numbers;
ICMP rules cover no TCP/UDP/SCTP connection), ``ipVersion`` (6: no IPv4 traffic), the peer side's ``selector``
(in a namespaced policy: its own namespace unless ``namespaceSelector`` is given), ``namespaceSelector``,
``nets``, ``notSelector``, ``notNets``, the destination's ``ports``/``notPorts`` (numbers, ``lo:hi`` ranges,
named ports) and the subject side's ``selector``/``nets``. Policies for host endpoints only (``preDNAT``,
``doNotTrack``) do not apply to pods: a note says so. Source ports, service accounts, services, HTTP matches and
``serviceAccountSelector`` leave the object unevaluated with a warning. Reads documents only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aksnet.io.cilium_policy import Untranslatable
from aksnet.model.calico_selector import CalicoSelector
from aksnet.model.engine_policy import DEFAULT_TIER_ORDER, EnginePeer, EnginePolicy, EngineRule
from aksnet.model.k8s import IPBlock, NetworkPolicyPort

Doc = Mapping[str, Any]

_PROTOCOLS = {"TCP": "TCP", "UDP": "UDP", "SCTP": "SCTP", "6": "TCP", "17": "UDP", "132": "SCTP"}
_OTHER_PROTOCOLS = {"ICMP", "ICMPV6", "UDPLITE", "1", "58", "136"}
_SIDE_KEYS = {"selector", "notSelector", "namespaceSelector", "nets", "notNets", "ports", "notPorts"}
# Tier name → (order, default action); the default tier unless a Tier object says otherwise.
Tiers = Mapping[str, tuple[float | None, str]]
DEFAULT_TIERS: dict[str, tuple[float | None, str]] = {"default": (DEFAULT_TIER_ORDER, "Deny")}


def parse_selector(expr: Any) -> CalicoSelector:
    try:
        return CalicoSelector.parse(None if expr is None else str(expr))
    except ValueError as exc:
        raise Untranslatable(f"an invalid selector ({exc})") from None


def tiers(docs: Iterable[Doc]) -> dict[str, tuple[float | None, str]]:
    """The Tier objects' orders and default actions (``defaultAction`` unset: Deny)."""
    out = dict(DEFAULT_TIERS)
    for d in docs:
        spec = d.get("spec") or {}
        order = spec.get("order")
        out[str((d.get("metadata") or {}).get("name", ""))] = (
            float(order) if order is not None else None, str(spec.get("defaultAction") or "Deny"))
    return out


def _ports(values: Iterable[Any], protocols: tuple[str, ...] | None) -> tuple[NetworkPolicyPort, ...]:
    if not protocols or any(p not in ("TCP", "UDP", "SCTP") for p in protocols) or len(protocols) != 1:
        raise Untranslatable("ports without protocol TCP, UDP or SCTP (Calico refuses such a rule)")
    out = []
    for v in values:
        text = str(v)
        if ":" in text:
            lo, hi = text.split(":", 1)
            out.append(NetworkPolicyPort(protocols[0], int(lo), int(hi)))
        else:
            out.append(NetworkPolicyPort(protocols[0], int(text) if text.isdigit() else text))
    return tuple(out)


def _protocols(rule: Doc) -> tuple[str, ...] | None:
    def one(raw: Any) -> str:
        text = str(raw).upper()
        if text in _PROTOCOLS:
            return _PROTOCOLS[text]
        if text in _OTHER_PROTOCOLS or text.isdigit():
            return text
        raise Untranslatable(f"protocol {raw}")

    if rule.get("protocol") is not None:
        return (one(rule["protocol"]),)
    if rule.get("notProtocol") is not None:
        out = one(rule["notProtocol"])
        return tuple(p for p in ("SCTP", "TCP", "UDP") if p != out)
    return None


def _peer(side: Doc, namespace: str | None) -> EnginePeer | None:
    """The positive match of an entity rule (None: it matches every peer)."""
    sel = parse_selector(side["selector"]) if side.get("selector") else None
    ns_sel = parse_selector(side["namespaceSelector"]) if side.get("namespaceSelector") else None
    nets = tuple(IPBlock(str(n)) for n in side.get("nets") or ())
    if sel is None and ns_sel is None and not nets:
        return None
    scope = namespace if sel is not None and ns_sel is None else None
    return EnginePeer(selector=sel, namespace=scope, namespace_selector=ns_sel, nets=nets)


def _not_peers(side: Doc, namespace: str | None) -> tuple[EnginePeer, ...]:
    out = []
    if side.get("notSelector"):
        ns_sel = parse_selector(side["namespaceSelector"]) if side.get("namespaceSelector") else None
        out.append(EnginePeer(selector=parse_selector(side["notSelector"]),
                              namespace=namespace if ns_sel is None else None, namespace_selector=ns_sel))
    if side.get("notNets"):
        out.append(EnginePeer(nets=tuple(IPBlock(str(n)) for n in side["notNets"])))
    return tuple(out)


def _rule(rule: Doc, direction: str, namespace: str | None) -> EngineRule | None:
    action = str(rule.get("action", ""))
    if action not in ("Allow", "Deny", "Pass", "Log"):
        raise Untranslatable(f"the action '{action or 'missing'}'")
    extra = set(rule) - {"action", "protocol", "notProtocol", "source", "destination", "ipVersion", "metadata",
                         "icmp", "notICMP"}
    if extra:
        raise Untranslatable(", ".join(sorted(extra)))
    if str(rule.get("ipVersion", "4")) == "6":
        return None  # IPv6 only: no connection of the (IPv4) twin
    protocols = _protocols(rule)
    peer_side, own_side = ("source", "destination") if direction == "Ingress" else ("destination", "source")
    peer: Doc = rule.get(peer_side) or {}
    own: Doc = rule.get(own_side) or {}
    for side in (peer, own):
        extra = set(side) - _SIDE_KEYS
        if extra:
            raise Untranslatable(", ".join(sorted(extra)))
    if (rule.get("source") or {}).get("ports") or (rule.get("source") or {}).get("notPorts"):
        raise Untranslatable("source ports")
    if own.get("notSelector") or own.get("notNets") or own.get("namespaceSelector"):
        raise Untranslatable(f"{own_side} notSelector/notNets/namespaceSelector on the policy's own end")
    dest: Doc = rule.get("destination") or {}
    ports = _ports(dest["ports"], protocols) if dest.get("ports") else ()
    not_ports = _ports(dest["notPorts"], protocols) if dest.get("notPorts") else ()
    positive = _peer(peer, namespace)
    subject = _peer({k: v for k, v in own.items() if k in ("selector", "nets")}, namespace)
    return EngineRule(action, (positive,) if positive is not None else (), _not_peers(peer, namespace), protocols,
                      ports, not_ports, subject)


def translate(doc: Doc, tier_table: Tiers | None = None) -> tuple[list[EnginePolicy], list[str]]:
    """The policy a Calico object amounts to (none for a host-endpoint-only policy), and notes; raises
    :class:`Untranslatable`."""
    global_ = doc.get("kind") == "GlobalNetworkPolicy"
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    if spec.get("serviceAccountSelector"):
        raise Untranslatable("serviceAccountSelector")
    if spec.get("preDNAT") or spec.get("doNotTrack"):
        return [], ["it applies to host endpoints only (preDNAT/doNotTrack): no effect on pods"]
    namespace = None if global_ else str(meta.get("namespace") or "default")
    tier = str(spec.get("tier") or "default")
    table = tier_table if tier_table is not None else DEFAULT_TIERS
    notes = []
    if tier not in table:
        notes.append(f"its tier '{tier}' is not in the dump: ordered after every other tier, default action Deny")
    tier_order, tier_default = table.get(tier, (None, "Deny"))
    # unset types: Ingress, plus Egress when there are egress rules, Egress alone when there are only egress rules
    default = [t for t, key in (("Ingress", "ingress"), ("Egress", "egress")) if spec.get(key)] or ["Ingress"]
    types = tuple(spec.get("types") or default)
    ing = [r for r in (_rule(x, "Ingress", namespace) for x in spec.get("ingress") or ()) if r is not None]
    eg = [r for r in (_rule(x, "Egress", namespace) for x in spec.get("egress") or ()) if r is not None]
    name = str(meta.get("name", ""))
    key = f"GlobalNetworkPolicy {name}" if global_ else f"Calico NetworkPolicy {namespace}/{name}"
    order = spec.get("order")
    return [EnginePolicy("calico", key, parse_selector(spec.get("selector")), namespace,
                         parse_selector(spec["namespaceSelector"]) if global_ and spec.get("namespaceSelector")
                         else None, types, tuple(ing), tuple(eg), tier, tier_order, tier_default,
                         float(order) if order is not None else None)], notes
