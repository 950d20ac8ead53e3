"""AdminNetworkPolicy and BaselineAdminNetworkPolicy (``policy.networking.k8s.io/v1alpha1``,
https://network-policy-api.sigs.k8s.io/api-overview/) → :class:`EnginePolicy` objects in the tiers Calico puts
them in (https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy): AdminNetworkPolicies in
the ``adminnetworkpolicy`` tier (order 1,000, before the default tier; ``priority`` is the policy's order;
default action Pass), the BaselineAdminNetworkPolicy in ``baselineadminnetworkpolicy`` (order 10,000,000, after
the default tier; default action Pass). So an ANP's Allow or Deny wins over NetworkPolicy, its Pass hands the
flow to the NetworkPolicies, and the baseline decides only for pods that no NetworkPolicy selects — the API's
own precedence (ANP, NetworkPolicy, BANP).

Read: ``subject`` (``namespaces`` or ``pods``), rules with ``action``, peers ``namespaces``, ``pods`` and
(egress) ``networks``, ports ``portNumber``, ``portRange`` and ``namedPort``. Peers ``nodes`` and
``domainNames`` leave the object unevaluated with a warning. Reads documents only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aksnet.io.cilium_policy import Untranslatable
from aksnet.model.engine_policy import ANP_TIER_ORDER, BANP_TIER_ORDER, EnginePeer, EnginePolicy, EngineRule
from aksnet.model.k8s import IPBlock, LabelSelector, LabelSelectorRequirement, NetworkPolicyPort

Doc = Mapping[str, Any]


def _selector(raw: Any) -> LabelSelector:
    if not isinstance(raw, Mapping):
        return LabelSelector()
    exprs = tuple(LabelSelectorRequirement(str(e.get("key", "")), str(e.get("operator", "")),
                                           tuple(str(v) for v in e.get("values") or ()))
                  for e in raw.get("matchExpressions") or ())
    return LabelSelector({str(k): str(v) for k, v in (raw.get("matchLabels") or {}).items()}, exprs)


def _peer(raw: Doc) -> EnginePeer:
    if "namespaces" in raw:
        return EnginePeer(namespace_selector=_selector(raw["namespaces"]))
    if "pods" in raw:
        pods = raw["pods"] or {}
        return EnginePeer(selector=_selector(pods.get("podSelector")),
                          namespace_selector=_selector(pods.get("namespaceSelector")))
    if "networks" in raw:
        return EnginePeer(nets=tuple(IPBlock(str(c)) for c in raw["networks"] or ()))
    raise Untranslatable(", ".join(sorted(raw)) or "an empty peer")


def _ports(raw: Any) -> tuple[NetworkPolicyPort, ...]:
    out: list[NetworkPolicyPort] = []
    for p in raw or ():
        if "portNumber" in p:
            n = p["portNumber"] or {}
            out.append(NetworkPolicyPort(str(n.get("protocol") or "TCP"), int(n.get("port", 0))))
        elif "portRange" in p:
            r = p["portRange"] or {}
            out.append(NetworkPolicyPort(str(r.get("protocol") or "TCP"), int(r.get("start", 0)), int(r.get("end", 0))))
        elif "namedPort" in p:
            out += [NetworkPolicyPort(proto, str(p["namedPort"])) for proto in ("TCP", "UDP", "SCTP")]
        else:
            raise Untranslatable(", ".join(sorted(p)))
    return tuple(out)


def translate(doc: Doc) -> list[EnginePolicy]:
    """The policy an AdminNetworkPolicy or BaselineAdminNetworkPolicy amounts to under Calico; raises
    :class:`Untranslatable`."""
    baseline = doc.get("kind") == "BaselineAdminNetworkPolicy"
    spec = doc.get("spec") or {}
    subject = spec.get("subject") or {}
    if "namespaces" in subject:
        sel, ns_sel = LabelSelector(), _selector(subject["namespaces"])
    elif "pods" in subject:
        pods = subject["pods"] or {}
        sel, ns_sel = _selector(pods.get("podSelector")), _selector(pods.get("namespaceSelector"))
    else:
        raise Untranslatable("a subject that is neither namespaces nor pods")
    rules: dict[str, list[EngineRule]] = {"Ingress": [], "Egress": []}
    for direction, key, side in (("Ingress", "ingress", "from"), ("Egress", "egress", "to")):
        for r in spec.get(key) or ():
            action = str(r.get("action", ""))
            if action not in (("Allow", "Deny") if baseline else ("Allow", "Deny", "Pass")):
                raise Untranslatable(f"the action '{action}'")
            rules[direction].append(EngineRule(action, tuple(_peer(p) for p in r.get(side) or ()),
                                               ports=_ports(r.get("ports"))))
    name = str((doc.get("metadata") or {}).get("name", ""))
    kind = str(doc.get("kind"))
    return [EnginePolicy("calico", f"{kind} {name}", sel, None, ns_sel,
                         tuple(d for d in ("Ingress", "Egress") if rules[d]), tuple(rules["Ingress"]),
                         tuple(rules["Egress"]), kind.lower(), BANP_TIER_ORDER if baseline else ANP_TIER_ORDER,
                         "Pass", None if baseline else float(spec.get("priority", 0)))]
