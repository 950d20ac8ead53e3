"""CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy → Kubernetes NetworkPolicy documents, where the
translation is exact for L3/L4 allow rules (Cilium's policy language:
https://docs.cilium.io/en/stable/security/policy/language/ and .../policy/kubernetes/).

Cilium's rules are allow-lists like NetworkPolicy and both are enforced together (a connection is allowed when
any policy allows it); an endpoint is in default-deny for a direction as soon as a policy with that direction
(``ingress``/``egress`` present) selects it. Mapping:

- ``endpointSelector`` → ``podSelector``; label keys lose Cilium's source prefix (``k8s:``, ``any:``).
- ``fromEndpoints``/``toEndpoints``: in a namespaced policy they select pods of the policy's namespace unless they
  name one (``k8s:io.kubernetes.pod.namespace``, or namespace labels ``io.cilium.k8s.namespace.labels.<key>``); in
  a clusterwide policy, pods of every namespace.
- ``fromCIDR``/``fromCIDRSet``/``toCIDR``/``toCIDRSet`` → ``ipBlock``; ``fromEntities``/``toEntities``: ``all`` →
  every pod and address, ``world`` → every address (``0.0.0.0/0``), ``cluster`` → every pod.
- ``toPorts[].ports`` → ports (``ANY`` = TCP, UDP and SCTP); a rule with ports and no peer allows every peer.
- L7 ``rules`` (HTTP, DNS, Kafka) are not evaluated: the rule's L4 part is kept and a note says so.

Anything else (``ingressDeny``/``egressDeny``, ``toFQDNs``, ``toServices``, ``fromRequires``, ``fromNodes``,
ICMP rules, ``enableDefaultDeny``, other entities) makes the object untranslatable: it stays a warning. Reads
documents only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Doc = Mapping[str, Any]

NS_LABEL = "io.kubernetes.pod.namespace"
NS_LABELS_PREFIX = "io.cilium.k8s.namespace.labels."
_SOURCES = ("k8s:", "any:", "container:")
_SUPPORTED_RULE_KEYS = {
    "ingress": {"fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "toPorts"},
    "egress": {"toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toPorts"},
}


class Untranslatable(Exception):
    """The object uses Cilium features that a NetworkPolicy cannot express."""


def _key(k: str) -> str:
    for prefix in _SOURCES:
        if k.startswith(prefix):
            return k[len(prefix):]
    return k


def _selector(sel: Any) -> dict[str, Any]:
    if not isinstance(sel, Mapping):
        return {}
    out: dict[str, Any] = {}
    if sel.get("matchLabels"):
        out["matchLabels"] = {_key(str(k)): str(v) for k, v in sel["matchLabels"].items()}
    if sel.get("matchExpressions"):
        out["matchExpressions"] = [{**e, "key": _key(str(e.get("key", "")))} for e in sel["matchExpressions"]]
    return out


def _split_namespace(sel: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A Cilium endpoint selector → (pod selector, namespace selector or None when it names no namespace)."""
    labels = dict(sel.get("matchLabels") or {})
    ns_sel: dict[str, Any] = {}
    if NS_LABEL in labels:
        ns_sel.setdefault("matchLabels", {})["kubernetes.io/metadata.name"] = labels.pop(NS_LABEL)
    for k in [k for k in labels if k.startswith(NS_LABELS_PREFIX)]:
        ns_sel.setdefault("matchLabels", {})[k[len(NS_LABELS_PREFIX):]] = labels.pop(k)
    exprs = []
    for e in sel.get("matchExpressions") or ():
        if e["key"] == NS_LABEL:
            ns_sel.setdefault("matchExpressions", []).append({**e, "key": "kubernetes.io/metadata.name"})
        elif e["key"].startswith(NS_LABELS_PREFIX):
            ns_sel.setdefault("matchExpressions", []).append({**e, "key": e["key"][len(NS_LABELS_PREFIX):]})
        else:
            exprs.append(e)
    pod: dict[str, Any] = {}
    if labels:
        pod["matchLabels"] = labels
    if exprs:
        pod["matchExpressions"] = exprs
    return pod, (ns_sel if ns_sel else None)


def _peers(rule: Doc, direction: str, clusterwide: bool) -> list[dict[str, Any]] | None:
    """The NetworkPolicy peers of one Cilium rule; None = every peer (no L3 field)."""
    side = "from" if direction == "ingress" else "to"
    peers: list[dict[str, Any]] = []
    l3 = False
    for sel in rule.get(f"{side}Endpoints") or ():
        l3 = True
        pod, ns = _split_namespace(_selector(sel))
        peer: dict[str, Any] = {"podSelector": pod}
        if ns is not None:
            peer["namespaceSelector"] = ns
        elif clusterwide:
            peer["namespaceSelector"] = {}
        peers.append(peer)
    for cidr in rule.get(f"{side}CIDR") or ():
        l3 = True
        peers.append({"ipBlock": {"cidr": str(cidr)}})
    for item in rule.get(f"{side}CIDRSet") or ():
        l3 = True
        if not isinstance(item, Mapping) or "cidr" not in item:
            raise Untranslatable(f"{side}CIDRSet without cidr (CIDR groups)")
        block: dict[str, Any] = {"cidr": str(item["cidr"])}
        if item.get("except"):
            block["except"] = [str(x) for x in item["except"]]
        peers.append({"ipBlock": block})
    for entity in rule.get(f"{side}Entities") or ():
        l3 = True
        if entity == "all":
            peers += [{"namespaceSelector": {}}, {"ipBlock": {"cidr": "0.0.0.0/0"}}]
        elif entity == "world":
            peers.append({"ipBlock": {"cidr": "0.0.0.0/0"}})
        elif entity == "cluster":
            peers.append({"namespaceSelector": {}})
        else:
            raise Untranslatable(f"entity '{entity}'")
    return peers if l3 else None


def _ports(rule: Doc, notes: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tp in rule.get("toPorts") or ():
        if tp.get("rules"):
            notes.append("its L7 rules are not evaluated (their L4 ports are)")
        if tp.get("serverNames") or tp.get("listener") or tp.get("originatingTLS") or tp.get("terminatingTLS"):
            raise Untranslatable("TLS/listener settings in toPorts")
        for p in tp.get("ports") or ():
            proto = str(p.get("protocol") or "ANY").upper()
            port = str(p.get("port", "0"))
            entry: dict[str, Any] = {}
            if port not in ("0", ""):
                entry["port"] = int(port) if port.isdigit() else port
            if p.get("endPort"):
                entry["endPort"] = int(p["endPort"])
            for pr in ("TCP", "UDP", "SCTP") if proto == "ANY" else (proto,):
                out.append({"protocol": pr, **entry})
    return out


def _rules(spec: Doc, direction: str, clusterwide: bool, notes: list[str]) -> list[dict[str, Any]]:
    out = []
    for rule in spec.get(direction) or ():
        extra = set(rule) - _SUPPORTED_RULE_KEYS[direction]
        if extra:
            raise Untranslatable(", ".join(sorted(extra)))
        peers = _peers(rule, direction, clusterwide)
        ports = _ports(rule, notes)
        if rule.get("toPorts") and not ports:
            raise Untranslatable("toPorts without ports")
        np_rule: dict[str, Any] = {}
        if peers is not None:
            np_rule["from" if direction == "ingress" else "to"] = peers
        if ports:
            np_rule["ports"] = ports
        out.append(np_rule)
    return out


def translate(doc: Doc, namespaces: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The NetworkPolicy documents equivalent to a Cilium policy, and notes; raises :class:`Untranslatable`."""
    clusterwide = doc.get("kind") == "CiliumClusterwideNetworkPolicy"
    meta = doc.get("metadata") or {}
    specs = [doc["spec"]] if isinstance(doc.get("spec"), Mapping) else []
    specs += [s for s in doc.get("specs") or () if isinstance(s, Mapping)]
    if not specs:
        raise Untranslatable("no spec")
    notes: list[str] = []
    out: list[dict[str, Any]] = []
    for i, spec in enumerate(specs):
        unsupported = sorted(set(spec) - {"endpointSelector", "ingress", "egress", "description", "labels"})
        if unsupported:
            raise Untranslatable(", ".join(unsupported))
        if "endpointSelector" not in spec:
            raise Untranslatable("nodeSelector (host policies)")
        pod_sel, ns_sel = _split_namespace(_selector(spec["endpointSelector"]))
        types = [t for t, key in (("Ingress", "ingress"), ("Egress", "egress")) if key in spec]
        if not types:
            continue
        body = {"podSelector": pod_sel, "policyTypes": types,
                "ingress": _rules(spec, "ingress", clusterwide, notes),
                "egress": _rules(spec, "egress", clusterwide, notes)}
        targets = sorted(namespaces) if clusterwide else [str(meta.get("namespace") or "default")]
        if ns_sel is not None:
            names = (ns_sel.get("matchLabels") or {}).get("kubernetes.io/metadata.name")
            if set(ns_sel) != {"matchLabels"} or set(ns_sel["matchLabels"]) != {"kubernetes.io/metadata.name"}:
                raise Untranslatable("an endpointSelector on namespace labels")
            targets = [t for t in targets if t == names]
        suffix = f"-{i}" if len(specs) > 1 else ""
        for ns in targets:
            out.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": {"name": f"cilium:{meta.get('name', '')}{suffix}", "namespace": ns},
                        "spec": body})
    return out, list(dict.fromkeys(notes))
