"""Calico NetworkPolicy and GlobalNetworkPolicy (``projectcalico.org/v3``, or ``crd.projectcalico.org/v1`` as
stored) → Kubernetes NetworkPolicy documents, where the translation is exact
(https://docs.tigera.io/calico/latest/reference/resources/networkpolicy, .../globalnetworkpolicy).

Calico evaluates the policies of a tier in ``order``; a rule's ``Allow`` or ``Deny`` ends the evaluation, and
an endpoint that some policy of the tier selects is dropped at the end of the tier when nothing matched. The
Kubernetes NetworkPolicies are in the ``default`` tier too. So a ``default``-tier Calico policy whose rules are
all ``Allow`` (``Log`` rules do not decide) adds exactly what a NetworkPolicy with the same selectors adds, in
whatever order: that is the translation. ``Deny``/``Pass`` rules, other tiers, ``not*`` matches, service
accounts, HTTP matches, ICMP and host-endpoint settings (``preDNAT``, ``doNotTrack``, ``applyOnForward``) make the
object untranslatable: it stays a warning.

Selector expressions (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#selectors):
``all()``, ``has(k)``, ``!has(k)``, ``k == 'v'``, ``k != 'v'``, ``k in {'a', 'b'}``, ``k not in {…}``, joined
with ``&&``; anything else (``||``, parentheses, ``contains``, ``starts with``) is untranslatable. Reads
documents only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from aksnet.io.cilium_policy import Untranslatable

Doc = Mapping[str, Any]

_TERM = re.compile(
    r"""^\s*(?:
        (?P<all>all\(\s*\))
      | (?P<neg>!)?\s*has\(\s*(?P<has>[\w./-]+)\s*\)
      | (?P<key>[\w./-]+)\s*(?P<op>==|!=|not\s+in|in)\s*(?P<val>'[^']*'|"[^"]*"|\{[^}]*\})
    )\s*$""", re.VERBOSE)
_PROTOCOLS = {"TCP": "TCP", "UDP": "UDP", "SCTP": "SCTP", "6": "TCP", "17": "UDP", "132": "SCTP"}
_RULE_SIDES = {"selector", "namespaceSelector", "nets", "ports"}


def _unquote(v: str) -> str:
    return v[1:-1]


def selector(expr: str | None) -> dict[str, Any]:
    """A Calico selector expression → a Kubernetes label selector (raises :class:`Untranslatable`)."""
    text = (expr or "").strip()
    if not text or text == "all()":
        return {}
    labels: dict[str, str] = {}
    exprs: list[dict[str, Any]] = []
    for part in text.split("&&"):
        m = _TERM.match(part)
        if m is None:
            raise Untranslatable(f"the selector '{text}'")
        if m.group("all"):
            continue
        if m.group("has"):
            exprs.append({"key": m.group("has"), "operator": "DoesNotExist" if m.group("neg") else "Exists"})
            continue
        key, op, val = m.group("key"), re.sub(r"\s+", " ", m.group("op")), m.group("val")
        if op in ("==", "!=") and val.startswith("{"):
            raise Untranslatable(f"the selector '{text}'")
        if op == "==":
            labels[key] = _unquote(val)
        elif op == "!=":
            exprs.append({"key": key, "operator": "NotIn", "values": [_unquote(val)]})
        else:
            if not val.startswith("{"):
                raise Untranslatable(f"the selector '{text}'")
            values = [_unquote(v.strip()) for v in val[1:-1].split(",") if v.strip()]
            exprs.append({"key": key, "operator": "In" if op == "in" else "NotIn", "values": values})
    out: dict[str, Any] = {}
    if labels:
        out["matchLabels"] = labels
    if exprs:
        out["matchExpressions"] = exprs
    return out


def _ports(values: Iterable[Any], protocol: str | None) -> list[dict[str, Any]]:
    if protocol is None:
        raise Untranslatable("ports without a protocol")
    out = []
    for v in values:
        text = str(v)
        if ":" in text:
            lo, hi = text.split(":", 1)
            out.append({"protocol": protocol, "port": int(lo), "endPort": int(hi)})
        else:
            out.append({"protocol": protocol, "port": int(text) if text.isdigit() else text})
    return out


def _rule(rule: Doc, direction: str, global_: bool) -> dict[str, Any] | None:
    action = str(rule.get("action", ""))
    if action == "Log":
        return None
    if action != "Allow":
        raise Untranslatable(f"a {action or 'missing'} action")
    extra = set(rule) - {"action", "protocol", "source", "destination", "ipVersion", "metadata"}
    if extra:
        raise Untranslatable(", ".join(sorted(extra)))
    raw_proto = rule.get("protocol")
    proto = _PROTOCOLS.get(str(raw_proto).upper()) if raw_proto is not None else None
    if raw_proto is not None and proto is None:
        raise Untranslatable(f"protocol {raw_proto}")
    peer_side, own_side = ("source", "destination") if direction == "ingress" else ("destination", "source")
    peer = rule.get(peer_side) or {}
    own = rule.get(own_side) or {}
    for side in (peer, own):
        extra = set(side) - _RULE_SIDES
        if extra:
            raise Untranslatable(", ".join(sorted(extra)))
    if set(own) - {"ports"}:
        raise Untranslatable(f"a {own_side} selector in an {direction} rule")
    ports_from = own.get("ports") if direction == "ingress" else peer.get("ports")
    if direction == "ingress" and peer.get("ports"):
        raise Untranslatable("source ports")
    if direction == "egress" and own.get("ports"):
        raise Untranslatable("source ports")
    out: dict[str, Any] = {}
    peers: list[dict[str, Any]] = []
    if "selector" in peer or "namespaceSelector" in peer:
        p: dict[str, Any] = {"podSelector": selector(peer.get("selector"))}
        if "namespaceSelector" in peer:
            p["namespaceSelector"] = selector(peer["namespaceSelector"])
        elif global_:
            p["namespaceSelector"] = {}
        peers.append(p)
    if peer.get("nets"):
        if peers:
            raise Untranslatable("nets together with a selector")
        peers += [{"ipBlock": {"cidr": str(n)}} for n in peer["nets"]]
    if peers:
        out["from" if direction == "ingress" else "to"] = peers
    if ports_from:
        out["ports"] = _ports(ports_from, proto)
    elif proto is not None:
        out["ports"] = [{"protocol": proto}]
    return out


def translate(doc: Doc, namespaces: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The NetworkPolicy documents equivalent to a Calico policy, and notes; raises :class:`Untranslatable`."""
    global_ = doc.get("kind") == "GlobalNetworkPolicy"
    meta = doc.get("metadata") or {}
    spec = doc.get("spec") or {}
    tier = str(spec.get("tier") or "default")
    if tier != "default":
        raise Untranslatable(f"tier '{tier}'")
    for flag in ("preDNAT", "doNotTrack", "applyOnForward", "serviceAccountSelector", "namespaceSelector"):
        if spec.get(flag):
            raise Untranslatable(flag)
    pod_selector = selector(spec.get("selector"))
    types = list(spec.get("types") or (["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]))
    body = {"podSelector": pod_selector, "policyTypes": types,
            "ingress": [r for r in (_rule(x, "ingress", global_) for x in spec.get("ingress") or ()) if r is not None],
            "egress": [r for r in (_rule(x, "egress", global_) for x in spec.get("egress") or ()) if r is not None]}
    targets = sorted(namespaces) if global_ else [str(meta.get("namespace") or "default")]
    name = str(meta.get("name", ""))
    return [{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
             "metadata": {"name": f"calico:{name}", "namespace": ns}, "spec": body} for ns in targets], []
