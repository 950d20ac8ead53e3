"""The CustomResourceDefinitions the Istio add-on installs (security.istio.io, networking.istio.io) as documents,
with Istio's names, scopes, versions, short names and printer columns (``aksnet.rules.istio.CRDS``).

The emulated schemas know the top-level fields of each kind and keep ``spec`` and ``status`` as they are: Istio's
structural schemas and CEL rules are not reproduced (docs/fidelity.md, "Service mesh: security API").
Decides no semantics; the add-on (``aksnet.twin.aks.mesh``) creates these through the API server.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import istio

Doc = dict[str, Any]

_FREE = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def crd_document(fact: istio.CrdFact) -> Doc:
    """One Istio CRD: every version served, the first stored."""
    schema = {"openAPIV3Schema": {"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
        "spec": _FREE, "status": _FREE}}}
    category = f"{fact.group.split('.')[0]}-istio-io"
    names: Doc = {"categories": ["istio-io", category], "kind": fact.kind, "listKind": f"{fact.kind}List",
                  "plural": fact.plural, "singular": fact.kind.lower()}
    if fact.short_names:
        names["shortNames"] = list(fact.short_names)
    versions = [{"additionalPrinterColumns": [{"jsonPath": p, "name": n, "type": t} for n, t, p in fact.columns],
                 "name": v, "schema": schema, "served": True, "storage": i == 0, "subresources": {"status": {}}}
                for i, v in enumerate(fact.versions)]
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"labels": {"app": "istio-pilot", "chart": "istio", "heritage": "Tiller",
                                    "release": "istio"},
                         "name": f"{fact.plural}.{fact.group}"},
            "spec": {"group": fact.group, "names": names, "scope": "Namespaced", "versions": versions}}


def crd_documents() -> list[Doc]:
    return [crd_document(f) for f in istio.CRDS]
