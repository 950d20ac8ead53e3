"""The Gateway API release manifest (``standard-install.yaml``) as documents: the standard channel's
CustomResourceDefinitions with their real names, scopes, versions, printer columns and bundle annotations,
so that ``kubectl apply -f <release URL>`` installs them without a network. Decides no semantics.

The emulated schemas know the top-level fields of each kind (apiVersion, kind, metadata, spec, status) and keep
what is below spec and status as it is: the release's structural schemas (and their CEL rules) are not
reproduced — apply the downloaded file instead to have them (docs/fidelity.md, "Gateway API").
Source: kubernetes-sigs/gateway-api v1.2.1 ``config/crd/standard/``.
"""

from __future__ import annotations

from typing import Any

from aksnet.rules import gateway_api
from aksnet.rules.gateway_api import CrdFacts

Doc = dict[str, Any]

_FREE = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def _schema(facts: CrdFacts) -> Doc:
    props: Doc = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                  "spec": _FREE}
    if facts.status:
        props["status"] = dict(_FREE)
        pending = gateway_api.PENDING_CONDITION_TYPES.get(facts.kind)
        if pending:
            props["status"]["default"] = {"conditions": [{**gateway_api.PENDING_CONDITION, "type": t}
                                                         for t in pending]}
    return {"openAPIV3Schema": {"type": "object", "required": ["spec"], "properties": props}}


def crd_document(facts: CrdFacts, version: str = gateway_api.BUNDLE_VERSION) -> Doc:
    """One CRD of the standard channel, as the release manifest defines it."""
    key, url = gateway_api.API_APPROVED
    names: Doc = {"categories": [gateway_api.CATEGORY], "kind": facts.kind, "listKind": f"{facts.kind}List",
                  "plural": facts.plural}
    if facts.short_names:
        names["shortNames"] = list(facts.short_names)
    names["singular"] = facts.kind.lower()
    versions = []
    for i, v in enumerate(facts.versions):
        entry: Doc = {
            "additionalPrinterColumns": [
                {"jsonPath": c.json_path, "name": c.name, "type": c.type, **({"priority": c.priority}
                                                                             if c.priority else {})}
                for c in facts.columns],
            "name": v, "schema": _schema(facts), "served": True, "storage": i == 0,
        }
        if facts.status:
            entry["subresources"] = {"status": {}}
        versions.append(entry)
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"annotations": {key: url, gateway_api.BUNDLE_VERSION_ANNOTATION: version,
                                     gateway_api.CHANNEL_ANNOTATION: gateway_api.CHANNEL},
                     "name": facts.crd_name},
        "spec": {"group": gateway_api.GROUP, "names": names,
                 "scope": "Namespaced" if facts.namespaced else "Cluster", "versions": versions},
    }


def standard_install(version: str = gateway_api.BUNDLE_VERSION) -> list[Doc]:
    """The documents of a release's ``standard-install.yaml`` (the CRDs, in the release's file order)."""
    return [crd_document(f, version) for f in gateway_api.RELEASES[version]]


def release_documents(url: str) -> list[Doc] | None:
    """The documents behind a Gateway API release URL this emulation carries (v1.2.1, v1.4.0), or None."""
    for version in gateway_api.RELEASES:
        if url == gateway_api.release_url(version):
            return standard_install(version)
    return None
