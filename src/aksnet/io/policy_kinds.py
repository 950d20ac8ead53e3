"""Network policy kinds other than ``networking.k8s.io/v1 NetworkPolicy``: recognised, never silently dropped.

AdminNetworkPolicy and BaselineAdminNetworkPolicy (``policy.networking.k8s.io``, the SIG Network API:
https://network-policy-api.sigs.k8s.io/), Cilium's CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy
(``cilium.io``: https://docs.cilium.io/en/stable/network/kubernetes/policy/) and Calico's NetworkPolicy,
GlobalNetworkPolicy and Tier (``projectcalico.org``/``crd.projectcalico.org``:
https://docs.tigera.io/calico/latest/reference/resources/networkpolicy). Each engine enforces only its own
kinds: Cilium's on Azure CNI powered by Cilium, Calico's on a cluster with ``--network-policy calico``
(https://learn.microsoft.com/azure/aks/use-network-policies); of the AKS engines only Calico enforces
AdminNetworkPolicy (Calico 3.29) and BaselineAdminNetworkPolicy (3.30), as tiers of its own — Azure NPM and
Cilium ignore them. :func:`engine_policies` turns the kinds the cluster's engine enforces into
:class:`aksnet.model.engine_policy.EnginePolicy` objects (:mod:`aksnet.io.cilium_policy`,
:mod:`aksnet.io.calico_policy`, :mod:`aksnet.io.admin_policy`) and says, for every other policy object, which
engine ignores it, or that aksnet does not evaluate a feature it uses. Reads documents only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aksnet.model.engine_policy import EnginePolicy

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
    ("projectcalico.org", "Tier"): "calico",
    ("crd.projectcalico.org", "Tier"): "calico",
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


def engine_policies(docs: Iterable[Mapping[str, Any]], engine: str, namespaces: Iterable[str] = ()
                    ) -> tuple[list[EnginePolicy], tuple[str, ...]]:
    """(the engine's own policies that this cluster enforces, warnings). Every policy object of another kind is a
    warning when this engine ignores it or uses something aksnet does not evaluate; a Calico Tier only orders
    Calico's policies."""
    docs = [d for d in docs if other_policy_engine(d) is not None]
    if not docs:
        return [], ()
    from aksnet.io import admin_policy, calico_policy, cilium_policy  # the translators: only for such objects
    from aksnet.io.cilium_policy import Untranslatable

    tiers = calico_policy.tiers(d for d in docs if d.get("kind") == "Tier" and other_policy_engine(d) == "calico")
    out: list[EnginePolicy] = []
    warnings = []
    here = ENGINE_NAMES.get(engine, engine)
    for d in docs:
        owner = other_policy_engine(d)
        if owner is None or d.get("kind") == "Tier":
            continue
        meta = d.get("metadata") or {}
        ns = meta.get("namespace")
        name = f"{d.get('kind')} {ns + '/' if ns else ''}{meta.get('name', '')}"
        if owner == "" and engine != "calico":
            warnings.append(f"{name}: not enforced: this cluster's engine is {here}, which ignores "
                            f"{api_group(d)} policies (of the AKS engines only Calico enforces them)")
            continue
        if owner not in ("", engine):
            warnings.append(f"{name}: not enforced: this cluster's engine is {here}, which ignores {api_group(d)} "
                            f"policies (only {ENGINE_NAMES[owner]} enforces them)")
            continue
        try:
            if owner == "cilium":
                policies, notes = cilium_policy.translate(d)
            elif owner == "calico":
                policies, notes = calico_policy.translate(d, tiers)
            else:
                policies, notes = admin_policy.translate(d), [
                    "evaluated as Calico enforces it (AdminNetworkPolicy from Calico 3.29, BaselineAdminNetworkPolicy "
                    "from 3.30; an older Calico ignores it)"]
        except (Untranslatable, ValueError, TypeError) as exc:
            warnings.append(f"{name}: enforced by {here} on this cluster but not evaluated by aksnet (it uses {exc}): "
                            "verdicts for the pods it selects may differ from the cluster's")
            continue
        out += policies
        warnings += [f"{name}: {note}" for note in notes]
    return out, tuple(warnings)


def every_engine(docs: Iterable[Mapping[str, Any]], engine: str
                 ) -> tuple[list[EnginePolicy], tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """(the own policies of every engine, the warnings for ``engine``, the warnings per engine): a cluster read
    once can be judged by another engine (``--engine``) — each engine evaluates only its own policies."""
    docs = [d for d in docs if other_policy_engine(d) is not None]  # the objects each engine's pass looks at
    policies: list[EnginePolicy] = []
    notes: dict[str, tuple[str, ...]] = {}
    for name in ENGINE_NAMES:
        own, notes[name] = engine_policies(docs, name)
        policies += [p for p in own if p.engine == name]
    return policies, notes.get(engine, engine_policies(docs, engine)[1]), tuple(notes.items())
