"""Network policy kinds other than ``networking.k8s.io/v1 NetworkPolicy``: recognised, never silently dropped.

AdminNetworkPolicy and BaselineAdminNetworkPolicy (``policy.networking.k8s.io``, the SIG Network API:
https://network-policy-api.sigs.k8s.io/), Cilium's CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy
(``cilium.io``: https://docs.cilium.io/en/stable/network/kubernetes/policy/) and Calico's NetworkPolicy and
GlobalNetworkPolicy (``projectcalico.org``/``crd.projectcalico.org``:
https://docs.tigera.io/calico/latest/reference/resources/networkpolicy). Each engine enforces only its own
kinds: Cilium's on Azure CNI powered by Cilium, Calico's on a cluster with ``--network-policy calico``
(https://learn.microsoft.com/azure/aks/use-network-policies). aksnet evaluates Kubernetes NetworkPolicy, and
Cilium's policies on a Cilium cluster and Calico's on a Calico cluster where they translate exactly
(:mod:`aksnet.io.cilium_policy`, :mod:`aksnet.io.calico_policy`);
:func:`engine_policies` says, for every other policy object, which engine ignores it or that aksnet does not
evaluate it although the cluster's engine enforces it. Reads documents only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# (API group, kind) → the engine that enforces it ("" for the SIG Network API, whose support varies by engine).
OTHER_POLICY_KINDS: dict[tuple[str, str], str] = {
    ("policy.networking.k8s.io", "AdminNetworkPolicy"): "",
    ("policy.networking.k8s.io", "BaselineAdminNetworkPolicy"): "",
    ("cilium.io", "CiliumNetworkPolicy"): "cilium",
    ("cilium.io", "CiliumClusterwideNetworkPolicy"): "cilium",
    ("projectcalico.org", "NetworkPolicy"): "calico",
    ("projectcalico.org", "GlobalNetworkPolicy"): "calico",
    ("crd.projectcalico.org", "NetworkPolicy"): "calico",
    ("crd.projectcalico.org", "GlobalNetworkPolicy"): "calico",
}
ENGINE_NAMES = {"azure": "Azure NPM", "calico": "Calico", "cilium": "Cilium", "none": "no network policy engine",
                "upstream": "the Kubernetes NetworkPolicy API alone"}


def api_group(doc: Mapping[str, Any]) -> str:
    api_version = str(doc.get("apiVersion", ""))
    return api_version.rsplit("/", 1)[0] if "/" in api_version else ""


def other_policy_engine(doc: Mapping[str, Any]) -> str | None:
    """The engine of a policy object of another kind ("" for ANP/BANP), None for anything else."""
    return OTHER_POLICY_KINDS.get((api_group(doc), str(doc.get("kind", ""))))


def is_kubernetes_network_policy(doc: Mapping[str, Any]) -> bool:
    """``networking.k8s.io`` NetworkPolicy (Calico's ``NetworkPolicy`` kind shares the name, not the group)."""
    return doc.get("kind") == "NetworkPolicy" and api_group(doc) in ("networking.k8s.io", "")


def policy_warnings(docs: Iterable[Mapping[str, Any]], engine: str) -> tuple[str, ...]:
    """One warning per policy object of another kind: ignored by this cluster's engine, or enforced by it but not
    evaluated by aksnet (verdicts for the pods it selects may differ from the cluster's)."""
    return engine_policies(docs, engine, ())[1]


def engine_policies(docs: Iterable[Mapping[str, Any]], engine: str, namespaces: Iterable[str]
                    ) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """(NetworkPolicy documents that the engine's own policies amount to, warnings). Cilium's policies on a
    Cilium cluster and Calico's on a Calico cluster are evaluated through their exact translation; every other
    policy object of another kind is a warning: ignored by this engine, or not evaluated by aksnet."""
    from aksnet.io.calico_policy import translate as calico_translate
    from aksnet.io.cilium_policy import Untranslatable, translate

    namespaces = tuple(namespaces)
    translated: list[dict[str, Any]] = []
    out = []
    for d in docs:
        owner = other_policy_engine(d)
        if owner is None:
            continue
        meta = d.get("metadata") or {}
        ns = meta.get("namespace")
        name = f"{d.get('kind')} {ns + '/' if ns else ''}{meta.get('name', '')}"
        here = ENGINE_NAMES.get(engine, engine)
        if owner and owner != engine:
            out.append(f"{name}: not enforced: this cluster's engine is {here}, which ignores {api_group(d)} "
                       f"policies (only {ENGINE_NAMES[owner]} enforces them)")
        elif owner in ("cilium", "calico"):
            try:
                policies, notes = (translate if owner == "cilium" else calico_translate)(d, namespaces)
            except Untranslatable as exc:
                out.append(f"{name}: enforced by {here} on this cluster but not evaluated by aksnet (it uses {exc}): "
                           "verdicts for the pods it selects may differ from the cluster's")
                continue
            translated += policies
            for note in notes:
                out.append(f"{name}: evaluated as its L3/L4 rules; {note}")
        elif owner:
            out.append(f"{name}: enforced by {here} on this cluster but not evaluated by aksnet (it evaluates "
                       "Kubernetes NetworkPolicy only): verdicts for the pods it selects may differ from the cluster's")
        else:
            out.append(f"{name}: not evaluated by aksnet (it evaluates Kubernetes NetworkPolicy only); whether "
                       f"{here} enforces it depends on its version: verdicts for the pods it selects may differ")
    return translated, tuple(out)
