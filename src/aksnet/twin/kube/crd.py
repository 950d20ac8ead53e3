"""CustomResourceDefinitions (apiextensions.k8s.io/v1): their validation, the status the API server gives an
established CRD, and the resource types a cluster's CRDs add to its registry (names, scope, served versions,
printer columns, and a strict-decoding schema built from each version's ``openAPIV3Schema``).

Sources: kubernetes ``staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/
validation.go`` (the field paths and messages), ``pkg/controller/status/naming_controller.go`` (NamesAccepted,
Established), https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/.
Must not store anything or print; the API server (``aksnet.twin.kube.apiserver``) calls it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from aksnet.twin.kube import schema
from aksnet.twin.kube.schema import ANY, STRMAP, Registry, ResourceType, Struct
from aksnet.twin.kube.validation_common import Raw, invalid, required, unsupported

Doc = dict[str, Any]

STORE_KIND = "k8s:apiextensions.k8s.io/CustomResourceDefinition"
SCOPES = ["Cluster", "Namespaced"]
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_VERSION = re.compile(r"^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$")


# -- validation ------------------------------------------------------------------------------------
def validate_crd(doc: Doc) -> list[str]:
    """ValidateCustomResourceDefinition: the name is ``<plural>.<group>``, the group a domain, the names DNS
    labels, the scope Cluster or Namespaced, exactly one storage version, a schema per version."""
    spec = doc.get("spec") or {}
    names = spec.get("names") or {}
    errs: list[str] = []
    group, plural = spec.get("group") or "", names.get("plural") or ""
    name = (doc.get("metadata") or {}).get("name", "")
    if name != f"{plural}.{group}":
        errs.append(invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
    if not group:
        errs.append(required("spec.group"))
    elif "." not in group:
        errs.append(invalid("spec.group", group, "should be a domain with at least one dot"))
    elif not _DNS_SUBDOMAIN.match(group):
        errs.append(invalid("spec.group", group, "a lowercase RFC 1123 subdomain must consist of lower case "
                            "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
                            "character"))
    errs += _validate_names(names)
    scope = spec.get("scope")
    if not scope:
        errs.append(required("spec.scope"))
    elif scope not in SCOPES:
        errs.append(unsupported("spec.scope", scope, SCOPES))
    errs += _validate_versions(spec.get("versions") or [])
    return errs


def _validate_names(names: Doc) -> list[str]:
    errs: list[str] = []
    for field in ("plural", "singular"):
        value = names.get(field) or ""
        if field == "plural" and not value:
            errs.append(required("spec.names.plural"))
        elif value and not _DNS_LABEL.match(value):
            errs.append(invalid(f"spec.names.{field}", value, "a lowercase RFC 1123 label must consist of lower "
                                "case alphanumeric characters or '-', and must start and end with an alphanumeric "
                                "character"))
    if not names.get("kind"):
        errs.append(required("spec.names.kind"))
    if not names.get("listKind"):
        errs.append(required("spec.names.listKind"))
    for i, short in enumerate(names.get("shortNames") or []):
        if not _DNS_LABEL.match(str(short)):
            errs.append(invalid(f"spec.names.shortNames[{i}]", short, "a lowercase RFC 1123 label must consist of "
                                "lower case alphanumeric characters or '-', and must start and end with an "
                                "alphanumeric character"))
    return errs


def _validate_versions(versions: list[Doc]) -> list[str]:
    if not versions:
        return [invalid("spec.versions", Raw("[]"), "must have exactly one version marked as storage version")]
    errs: list[str] = []
    seen: set[str] = set()
    for i, v in enumerate(versions):
        vname = v.get("name") or ""
        if not vname:
            errs.append(required(f"spec.versions[{i}].name"))
        elif not _DNS_LABEL.match(vname):
            errs.append(invalid(f"spec.versions[{i}].name", vname, "a DNS-1035 label must consist of lower case "
                                "alphanumeric characters or '-', start with an alphabetic character, and end with "
                                "an alphanumeric character"))
        if vname in seen:
            errs.append(invalid("spec.versions", _versions_repr(versions), "must contain unique version names"))
        seen.add(vname)
        if not ((v.get("schema") or {}).get("openAPIV3Schema")):
            errs.append(required(f"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required"))
    if sum(1 for v in versions if v.get("storage")) != 1:
        errs.append(invalid("spec.versions", _versions_repr(versions),
                            "must have exactly one version marked as storage version"))
    if not any(v.get("served") for v in versions):
        errs.append(invalid("spec.versions", _versions_repr(versions), "must have at least one served version"))
    return errs


def _versions_repr(versions: list[Doc]) -> Raw:
    """The list of versions in a field error (the API server prints the Go structs; we print their names)."""
    return Raw("[" + " ".join(str(v.get("name", "")) for v in versions) + "]")


def validate_crd_update(new: Doc, old: Doc) -> list[str]:
    """spec.scope and spec.group are immutable (ValidateCustomResourceDefinitionUpdate)."""
    errs: list[str] = []
    for field in ("group", "scope"):
        if (new.get("spec") or {}).get(field) != (old.get("spec") or {}).get(field):
            errs.append(invalid(f"spec.{field}", (new.get("spec") or {}).get(field), "field is immutable"))
    return errs


# -- status ------------------------------------------------------------------------------------------
def established_status(doc: Doc, taken: dict[str, str]) -> Doc:
    """The CRD's status after the naming controller ran: ``taken`` maps every plural, singular and short name
    already served in the CRD's group to the CRD serving it; a clash keeps NamesAccepted False (and the CRD
    not Established), as the naming controller does."""
    spec = doc["spec"]
    names = dict(spec.get("names") or {})
    names.setdefault("singular", str(names.get("kind", "")).lower())
    now = doc["metadata"].get("creationTimestamp", "")
    clash = next((n for n in (names.get("plural"), names.get("singular"), *names.get("shortNames", []))
                  if n and taken.get(n, doc["metadata"]["name"]) != doc["metadata"]["name"]), None)
    if clash:
        conditions = [
            _cond("NamesAccepted", "False", "MultipleNameConflict", f'"{clash}" is already in use', now),
            _cond("Established", "False", "NotAccepted", "not all names are accepted", now),
        ]
        accepted: Doc = {}
    else:
        conditions = [
            _cond("NamesAccepted", "True", "NoConflicts", "no conflicts found", now),
            _cond("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now),
        ]
        accepted = names
    stored = [v["name"] for v in spec.get("versions") or [] if v.get("storage")]
    return {"acceptedNames": accepted, "conditions": conditions, "storedVersions": stored}


def _cond(kind: str, status: str, reason: str, message: str, now: str) -> Doc:
    return {"lastTransitionTime": now, "message": message, "reason": reason, "status": status, "type": kind}


def is_established(doc: Doc) -> bool:
    return any(c.get("type") == "Established" and c.get("status") == "True"
               for c in (doc.get("status") or {}).get("conditions") or [])


# -- the registry --------------------------------------------------------------------------------------
def _version_key(name: str) -> tuple[int, int, int]:
    """Kubernetes' version priority (``version.CompareKubeAwareVersionStrings``): GA > beta > alpha, higher
    numbers first; names that are not Kubernetes versions last."""
    m = _VERSION.match(name)
    if not m:
        return (3, 0, 0)
    major = int(re.findall(r"\d+", name)[0])
    stage = {"": 0, "beta": 1, "alpha": 2}[m.group(2) or ""]
    minor = int(name.rsplit(m.group(2), 1)[1]) if m.group(2) else 0
    return (stage, -major, -minor)


def custom_types(crds: Iterable[Doc]) -> tuple[ResourceType, ...]:
    """The resource types of established CRDs: one per served version, the preferred version first."""
    out: list[ResourceType] = []
    for doc in sorted(crds, key=lambda d: str(d["metadata"]["name"])):
        if not is_established(doc):
            continue
        spec = doc["spec"]
        names = spec["names"]
        served = sorted((v for v in spec.get("versions") or [] if v.get("served")),
                        key=lambda v: _version_key(str(v["name"])))
        if not served:
            continue
        preferred = str(served[0]["name"])
        for v in served:
            columns = tuple((str(c.get("name", "")), str(c.get("type", "")), str(c.get("jsonPath", "")),
                             int(c.get("priority") or 0))
                            for c in v.get("additionalPrinterColumns") or [])
            openapi = (v.get("schema") or {}).get("openAPIV3Schema") or {}
            defaults = {k: p["default"] for k, p in (openapi.get("properties") or {}).items()
                        if isinstance(p, dict) and "default" in p}
            out.append(ResourceType(
                kind=str(names["kind"]), group=str(spec["group"]), version=str(v["name"]),
                plural=str(names["plural"]), namespaced=spec.get("scope") == "Namespaced",
                short_names=tuple(names.get("shortNames") or ()),
                schema=_object_schema(str(names["kind"]), openapi), custom=True, stored_version=preferred,
                columns=columns, defaults_json=json.dumps(defaults, sort_keys=True) if defaults else "",
            ))
    return tuple(out)


def registry(crds: Iterable[Doc]) -> Registry:
    """A cluster's registry: the built-in types, then those of its CRDs."""
    return Registry(schema.RESOURCE_TYPES + custom_types(crds))


def _object_schema(kind: str, openapi: Doc) -> Struct:
    """The strict-decoding schema of a custom resource: the structural schema's properties (pruning's view:
    a field not declared is unknown), with apiVersion, kind and metadata always known."""
    node = _node(kind, openapi)
    fields: dict[str, Any] = dict(node.fields) if isinstance(node, Struct) else {}
    if not isinstance(node, Struct) and openapi:
        return schema.S(kind, apiVersion=schema.STR, kind=schema.STR, metadata=schema.OBJECT_META,
                        **{k: ANY for k in ("spec", "status", "data")})
    fields.update(apiVersion=schema.STR, kind=schema.STR, metadata=schema.OBJECT_META)
    return Struct(kind, fields)


def _node(name: str, s: Doc) -> Any:
    """An OpenAPI v3 schema node as a decoding node: objects with properties are structs, arrays lists,
    maps of strings STRMAP, everything else (scalars, preserve-unknown-fields, int-or-string) free-form."""
    if s.get("x-kubernetes-preserve-unknown-fields") or s.get("x-kubernetes-embedded-resource"):
        return ANY
    kind = s.get("type")
    if kind == "array":
        return [_node(name, s.get("items") or {})]
    if kind == "object":
        props = s.get("properties")
        if props:
            return Struct(name, {k: _node(k, v if isinstance(v, dict) else {}) for k, v in props.items()})
        extra = s.get("additionalProperties")
        if isinstance(extra, dict) and extra.get("type") == "string":
            return STRMAP
        return ANY
    return ANY
