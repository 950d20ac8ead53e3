"""CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (``cilium.io/v2``) → :class:`EnginePolicy` objects that
the engine evaluates as Cilium does (:mod:`aksnet.engine.netpol.engine_rules`); sources:
https://docs.cilium.io/en/stable/security/policy/language/, .../policy/deny/, .../policy/kubernetes/.

Read: ``endpointSelector`` (a namespaced policy's subjects are pods of its namespace); ``ingress``/``egress``
allow rules and ``ingressDeny``/``egressDeny`` deny rules with ``fromEndpoints``/``toEndpoints`` (in a namespaced
policy, pods of its namespace unless the selector names ``io.kubernetes.pod.namespace``), ``fromCIDR``/``toCIDR``,
``fromCIDRSet``/``toCIDRSet`` (with ``except``), ``fromEntities``/``toEntities``, ``toPorts`` (``ANY`` = TCP, UDP
and SCTP; port ``0`` = every port; named ports; ``endPort``) and ``icmps`` (an ICMP-only rule: nothing for TCP,
UDP or SCTP); ``enableDefaultDeny``. Label keys lose Cilium's source prefix (``k8s:``, ``any:``). A rule without
peers and ports matches nothing (Cilium's ``ingress: [{}]`` is a default-deny). L7 ``rules`` (HTTP, DNS, Kafka)
are not evaluated: their L4 part is, with a note. Anything else (``toFQDNs``, ``toServices``, ``toGroups``,
``fromRequires``/``toRequires``, ``fromNodes``/``toNodes``, CIDR groups, host policies with ``nodeSelector``,
TLS settings) leaves the object unevaluated with a warning. Reads documents only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aksnet.model.engine_policy import EnginePeer, EnginePolicy, EngineRule
from aksnet.model.k8s import IPBlock, LabelSelector, LabelSelectorRequirement, NetworkPolicyPort

Doc = Mapping[str, Any]

NS_LABEL = "io.kubernetes.pod.namespace"
_SOURCES = ("k8s:", "any:", "container:")
_PEER_KEYS = {"Endpoints", "CIDR", "CIDRSet", "Entities"}
_RULE_KEYS = {"toPorts", "icmps"}
_ENTITIES = {"all", "world", "world-ipv4", "world-ipv6", "cluster", "host", "remote-node", "kube-apiserver",
             "health", "init", "unmanaged", "ingress"}


class Untranslatable(Exception):
    """The object uses features aksnet does not evaluate (named in the message)."""


def _key(k: str) -> str:
    for prefix in _SOURCES:
        if k.startswith(prefix):
            return k[len(prefix):]
    return k


def selector(sel: Any) -> LabelSelector:
    """A Cilium endpoint selector (a Kubernetes label selector with Cilium's key prefixes) → LabelSelector."""
    if not isinstance(sel, Mapping):
        return LabelSelector()
    labels = {_key(str(k)): str(v) for k, v in (sel.get("matchLabels") or {}).items()}
    exprs = []
    for e in sel.get("matchExpressions") or ():
        op = str(e.get("operator", ""))
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise Untranslatable(f"the selector operator '{op}'")
        exprs.append(LabelSelectorRequirement(_key(str(e.get("key", ""))), op,
                                              tuple(str(v) for v in e.get("values") or ())))
    return LabelSelector(labels, tuple(exprs))


def _names_namespace(sel: LabelSelector) -> bool:
    return NS_LABEL in sel.match_labels or any(r.key == NS_LABEL for r in sel.match_expressions)


def _peers(rule: Doc, side: str, namespace: str | None) -> list[EnginePeer]:
    peers: list[EnginePeer] = []
    for raw in rule.get(f"{side}Endpoints") or ():
        sel = selector(raw)
        peers.append(EnginePeer(selector=sel, namespace=None if _names_namespace(sel) else namespace))
    for cidr in rule.get(f"{side}CIDR") or ():
        peers.append(EnginePeer(nets=(IPBlock(str(cidr)),), nets_match_pods=False))
    for item in rule.get(f"{side}CIDRSet") or ():
        if not isinstance(item, Mapping) or "cidr" not in item:
            raise Untranslatable(f"{side}CIDRSet without cidr (CIDR groups)")
        block = IPBlock(str(item["cidr"]), tuple(str(x) for x in item.get("except") or ()))
        peers.append(EnginePeer(nets=(block,), nets_match_pods=False))
    for entity in rule.get(f"{side}Entities") or ():
        if entity not in _ENTITIES:
            raise Untranslatable(f"the entity '{entity}'")
        peers.append(EnginePeer(entities=(str(entity),)))
    return peers


def _ports(rule: Doc, notes: list[str]) -> list[NetworkPolicyPort]:
    out: list[NetworkPolicyPort] = []
    for tp in rule.get("toPorts") or ():
        if tp.get("rules"):
            notes.append("its L7 rules are not evaluated (their L4 ports are)")
        if tp.get("serverNames") or tp.get("listener") or tp.get("originatingTLS") or tp.get("terminatingTLS"):
            raise Untranslatable("TLS/listener settings in toPorts")
        for p in tp.get("ports") or ():
            proto = str(p.get("protocol") or "ANY").upper()
            raw = str(p.get("port", "0") or "0")
            port: int | str | None = None if raw == "0" else (int(raw) if raw.isdigit() else raw)
            end = int(p["endPort"]) if p.get("endPort") else None
            for pr in ("TCP", "UDP", "SCTP") if proto == "ANY" else (proto,):
                out.append(NetworkPolicyPort(pr, port, end))
    return out


def _rules(spec: Doc, key: str, action: str, namespace: str | None, notes: list[str]) -> list[EngineRule]:
    side = "from" if key.startswith("ingress") else "to"
    out = []
    for rule in spec.get(key) or ():
        extra = set(rule) - {side + k for k in _PEER_KEYS} - _RULE_KEYS
        if extra:
            raise Untranslatable(", ".join(sorted(extra)))
        peers = _peers(rule, side, namespace)
        ports = _ports(rule, notes)
        if rule.get("toPorts") and not ports:
            raise Untranslatable("toPorts without ports")
        l3 = any(rule.get(side + k) is not None for k in _PEER_KEYS)
        if rule.get("icmps"):
            out.append(EngineRule(action, tuple(peers), protocols=("ICMP",)))
            continue
        if not l3 and not ports:
            continue  # an empty rule matches nothing (``ingress: [{}]``: default-deny)
        if l3 and not peers:
            continue  # ``fromEndpoints: []`` and the like select no peer
        out.append(EngineRule(action, tuple(peers), ports=tuple(ports)))
    return out


def translate(doc: Doc, namespaces: Any = ()) -> tuple[list[EnginePolicy], list[str]]:
    """The policies a Cilium object amounts to, and notes; raises :class:`Untranslatable`."""
    clusterwide = doc.get("kind") == "CiliumClusterwideNetworkPolicy"
    meta = doc.get("metadata") or {}
    namespace = None if clusterwide else str(meta.get("namespace") or "default")
    specs = [doc["spec"]] if isinstance(doc.get("spec"), Mapping) else []
    specs += [s for s in doc.get("specs") or () if isinstance(s, Mapping)]
    if not specs:
        raise Untranslatable("no spec")
    kind = str(doc.get("kind"))
    name = f"{namespace}/{meta.get('name', '')}" if namespace else str(meta.get("name", ""))
    notes: list[str] = []
    out: list[EnginePolicy] = []
    for i, spec in enumerate(specs):
        unsupported = sorted(set(spec) - {"endpointSelector", "ingress", "egress", "ingressDeny", "egressDeny",
                                          "enableDefaultDeny", "description", "labels"})
        if unsupported:
            raise Untranslatable(", ".join(unsupported))
        if "endpointSelector" not in spec:
            raise Untranslatable("nodeSelector (host policies)")
        switch = spec.get("enableDefaultDeny") or {}
        types, deny_default = [], []
        for direction, allow_key, deny_key in (("Ingress", "ingress", "ingressDeny"), ("Egress", "egress",
                                                                                      "egressDeny")):
            has_rules = bool(spec.get(allow_key)) or bool(spec.get(deny_key))
            enabled = bool(switch.get(direction.lower(), has_rules))
            if has_rules or enabled:
                types.append(direction)
            if enabled:
                deny_default.append(direction)
        if not types:
            continue
        ing = _rules(spec, "ingress", "Allow", namespace, notes) + _rules(spec, "ingressDeny", "Deny", namespace,
                                                                          notes)
        eg = _rules(spec, "egress", "Allow", namespace, notes) + _rules(spec, "egressDeny", "Deny", namespace, notes)
        suffix = f" (spec #{i})" if len(specs) > 1 else ""
        out.append(EnginePolicy("cilium", f"{kind} {name}{suffix}", selector(spec["endpointSelector"]), namespace,
                                types=tuple(types), ingress=tuple(ing), egress=tuple(eg),
                                default_deny=tuple(deny_default)))
    return out, list(dict.fromkeys(notes))
