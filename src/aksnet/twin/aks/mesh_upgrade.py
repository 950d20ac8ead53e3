"""The add-on's canary minor-revision upgrade (``az aks mesh upgrade start|complete|rollback``).

``start --revision asm-1-NN`` (one of the installed revision's ``upgrades``) adds the canary revision beside the
stable one: ``serviceMeshProfile.istio.revisions`` lists both, ``istiod-<canary>`` runs beside ``istiod-<stable>``
and every enabled ingress gateway gets a ``aks-istio-ingressgateway-<mode>-<canary>`` Deployment behind the same
Service (its selector matches the pods of both revisions). The user then relabels namespaces
(``istio.io/rev=<canary>``) and restarts workloads: new pods are injected with the canary proxy. ``complete`` removes
the stable revision's control plane and gateways, ``rollback`` the canary's; pods still labelled with the removed
revision keep their proxy but no control plane serves them (``lint`` AKSNET081 names their namespaces).
Source: https://learn.microsoft.com/azure/aks/istio-upgrade ("Minor revision upgrade"),
https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/istio-add-on-minor-revision-upgrade.
Nothing here prints or prompts.
"""

from __future__ import annotations

from typing import Any

from aksnet.errors import AzCliError, AzureError
from aksnet.rules import istio
from aksnet.store import Transaction
from aksnet.twin.aks import mesh, mesh_gateway

Doc = dict[str, Any]
NOT_IN_PROGRESS = "Azure Service Mesh upgrade is not in progress."
IN_PROGRESS = "Azure Service Mesh upgrade is already in progress."


def ordered(revisions: list[str]) -> list[str]:
    """Revisions in the release calendar's order (stable first, canary last)."""
    names = [r.name for r in istio.REVISIONS]
    return sorted(revisions, key=lambda r: names.index(r) if r in names else len(names))


def _installed(cluster: Doc) -> list[str]:
    revisions = ordered(mesh.enabled_revisions(cluster))
    if not revisions:
        raise AzCliError("ArgumentUsageError", mesh.NOT_ENABLED)
    return revisions


def _set_revisions(tx: Transaction, cluster: Doc, revisions: list[str]) -> Doc:
    profile = mesh.profile(cluster) or {}
    profile.setdefault("istio", {})["revisions"] = revisions
    return mesh.set_profile(tx, cluster, profile)


def _gateway_modes(cluster: Doc) -> list[str]:
    istio_profile = (mesh.profile(cluster) or {}).get("istio") or {}
    gws = (istio_profile.get("components") or {}).get("ingressGateways") or []
    return [str(g.get("mode")) for g in gws if g.get("enabled")]


def start(tx: Transaction, cluster: Doc, revision: str) -> Doc:
    """``upgrade start --revision``: the canary revision's control plane and gateways beside the stable one."""
    revisions = _installed(cluster)
    if len(revisions) > 1:
        raise AzCliError("ArgumentUsageError", IN_PROGRESS)
    stable = revisions[0]
    mesh.check_revision(revision)
    allowed = istio.upgrades(stable)
    if revision not in allowed:
        raise AzureError("BadRequest", f"Revision {revision} is not a valid upgrade from {stable}. Valid upgrades: "
                                       f"{', '.join(allowed) or 'none'} (az aks mesh get-upgrades).",
                         "serviceMeshProfile.istio.revisions")
    cluster = _set_revisions(tx, cluster, [stable, revision])
    docs = mesh.render(revision)
    for mode in _gateway_modes(cluster):
        docs += mesh_gateway.render(revision, mode)
    mesh.install(tx, cluster["id"], docs)
    return cluster


def _remove(tx: Transaction, cluster: Doc, gone: str, kept: str) -> Doc:
    cluster = _set_revisions(tx, cluster, [kept])
    keys: list[tuple[str, str | None, str]] = [
        ("Deployment", istio.SYSTEM_NAMESPACE, istio.istiod_name(gone)),
        ("Service", istio.SYSTEM_NAMESPACE, istio.istiod_name(gone)),
        ("ServiceAccount", istio.SYSTEM_NAMESPACE, istio.istiod_name(gone))]
    keys += [("Deployment", istio.INGRESS_NAMESPACE, f"{mesh_gateway.gateway_name(mode)}-{gone}")
             for mode in mesh_gateway.MODES.values()]
    mesh.uninstall(tx, cluster["id"], keys)
    return cluster


def in_progress(cluster: Doc) -> tuple[str, str]:
    """(stable, canary) of the upgrade under way."""
    revisions = _installed(cluster)
    if len(revisions) < 2:
        raise AzCliError("ArgumentUsageError", NOT_IN_PROGRESS)
    return revisions[0], revisions[-1]


def complete(tx: Transaction, cluster: Doc) -> Doc:
    """``upgrade complete``: only the canary remains."""
    stable, canary = in_progress(cluster)
    return _remove(tx, cluster, stable, canary)


def rollback(tx: Transaction, cluster: Doc) -> Doc:
    """``upgrade rollback``: only the stable revision remains."""
    stable, canary = in_progress(cluster)
    return _remove(tx, cluster, canary, stable)
