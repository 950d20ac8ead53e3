"""A real cluster's dump → documents: every file of a directory (any name, JSON or YAML) recognised by content.

Recognised: Azure resources as ``az … -o json|yaml`` prints them (``az aks show``, ``az network vnet|nsg|
route-table|lb|public-ip|nic list|show``, ``az vmss list``, ``az vmss nic list``, ``az vm list -d``, ``az network
private-dns zone list``/``link vnet list``/``record-set a list``, ``az network private-endpoint list``) — one
object or a list, told apart by ``type``; Kubernetes objects as ``kubectl get … -A -o json|yaml`` prints them
(``kind: List``) or as the API server returns typed lists (``PodList`` …, items filled in by
:func:`aksnet.io.manifests.typed_list_item`). az prints resources flattened (azure-cli lifts every
``properties`` into its parent and adds ``resourceGroup``); :func:`arm_rest_shape` puts them back into ARM's
REST shape, the one the workspace stores (documents that already nest ``properties``, as the Azure SDK and
``az resource show`` return them, are kept as they are).

Invalid files and objects are collected as problems in ``kubectl apply``'s words; the rest is kept. This module
reads only: it never writes a workspace and decides no networking question.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aksnet.io import k8s_schema, yaml_load
from aksnet.io.manifests import MAX_DEPTH, nesting_depth, typed_list_item
from aksnet.model.ids import id_key

Doc = dict[str, Any]

# ARM's top-level resource envelope (everything else of an az-flattened document belongs in ``properties``):
# https://learn.microsoft.com/rest/api/virtualnetwork/virtual-networks/get (Resource: id, name, type, location,
# tags, etag …) and the compute/container service envelopes (sku, zones, identity, extendedLocation, plan).
_ENVELOPE = frozenset({"id", "name", "type", "location", "tags", "etag", "sku", "zones", "extendedLocation",
                       "identity", "kind", "managedBy", "plan", "systemData", "instanceId"})
# Child resources ARM nests as {id, name, type, etag, properties}: az flattens them too.
_CHILDREN = frozenset({"subnets", "virtualNetworkPeerings", "securityRules", "defaultSecurityRules", "routes",
                       "ipConfigurations", "frontendIPConfigurations", "backendAddressPools", "loadBalancingRules",
                       "probes", "outboundRules", "inboundNatRules", "inboundNatPools",
                       "loadBalancerBackendAddresses", "tapConfigurations"})
_CHILD_ENVELOPE = frozenset({"id", "name", "type", "etag", "zones"})
# Resource types whose ``properties`` hold child resources that ARM itself returns flat (agent pool profiles).
_FLAT_TYPES = frozenset({"microsoft.containerservice/managedclusters"})

KIND_VMSS = "microsoft.compute/virtualmachinescalesets"
KIND_VMSS_VM = "microsoft.compute/virtualmachinescalesets/virtualmachines"
KIND_NIC = "microsoft.network/networkinterfaces"


def _unflatten_child(obj: Any) -> Any:
    if not isinstance(obj, dict) or isinstance(obj.get("properties"), dict):
        return obj
    out: Doc = {k: v for k, v in obj.items() if k in _CHILD_ENVELOPE}
    props = {k: _children(k, v) for k, v in obj.items() if k not in _CHILD_ENVELOPE and k != "resourceGroup"}
    if props:
        out["properties"] = props
    return out


def _children(key: str, value: Any) -> Any:
    if key in _CHILDREN and isinstance(value, list):
        return [_unflatten_child(v) for v in value]
    return value


def arm_rest_shape(doc: Doc) -> Doc:
    """An Azure resource as az prints it (flattened, ``resourceGroup`` added) → ARM's REST shape."""
    if isinstance(doc.get("properties"), dict):
        return doc
    out: Doc = {k: v for k, v in doc.items() if k in _ENVELOPE}
    flat = str(doc.get("type", "")).lower() in _FLAT_TYPES
    props = {k: (v if flat else _children(k, v)) for k, v in doc.items()
             if k not in _ENVELOPE and k != "resourceGroup"}
    out["properties"] = props
    return out


@dataclass
class Dump:
    """What a dump directory held: ARM documents by lower-cased type (REST shape, in file order), Kubernetes
    objects, per-file descriptions for the summary, and problems (files or objects that could not be read)."""

    arm: dict[str, list[Doc]] = field(default_factory=dict)
    k8s: list[Doc] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def arm_of(self, kind: str) -> list[Doc]:
        return self.arm.get(kind, [])


def _parse(text: str) -> list[Any]:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return [json.loads(text)]
        except json.JSONDecodeError:
            pass  # YAML flow style is also valid YAML: let the YAML parser say what is wrong
    return [d for d in yaml_load.load_all(text) if d is not None]


def _objects(raw: Any) -> Iterable[Doc]:
    """Top-level values → objects: a JSON array (az … list), a list object (kubectl get -o json), one object."""
    if isinstance(raw, list):
        for item in raw:
            yield from _objects(item)
    elif isinstance(raw, dict):
        kind = raw.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(raw.get("items"), list):
            for item in raw["items"]:
                if isinstance(item, dict):
                    yield from _objects(typed_list_item(raw, item))
        else:
            yield raw


def _k8s_problem(doc: Doc, where: str) -> str | None:
    """kubectl's client-side check of an object (``error validating data: [apiVersion not set, …]``)."""
    missing = [f"{f} not set" for f in ("apiVersion", "kind") if not doc.get(f)]
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        missing.append("metadata.name not set")
    if missing:
        return f'error: error validating "{where}": error validating data: [{", ".join(missing)}]'
    return _decode_problem(doc, where)


def _decode_problem(doc: Doc, where: str) -> str | None:
    """The API server's strict decoding of a known kind: a value of the wrong JSON type is refused with its
    text (unknown fields are let through: a real cluster's dump may be newer than aksnet's field tables); JSON
    nulls become Go zero values, as the server stores them."""
    rt = k8s_schema.lookup_gvk(str(doc.get("apiVersion")), str(doc.get("kind")))
    if rt is None or k8s_schema.clean(doc, rt.schema):
        return None
    _, type_error, nulls = k8s_schema.decode(doc, rt.schema)
    if type_error is not None:
        return (f'Error from server (BadRequest): error when creating "{where}": {rt.kind} in version '
                f'"{rt.version}" cannot be handled as a {rt.kind}: {type_error}')
    if nulls:
        k8s_schema.drop_nulls(doc, rt.schema)
    return None


def _describe(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())


MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


SKIPPED = "skipped: not .json, .yaml or .yml (the files kubectl apply -f DIR reads)"


def read_dump(root: Path) -> Dump:
    """Every ``.json``/``.yaml``/``.yml`` file under ``root`` (sorted, recursively; hidden files skipped),
    recognised by content: the files ``kubectl apply -f DIR`` reads (k8s.io/cli-runtime resource visitor:
    FileExtensions), other files are listed as skipped. ``root`` may be a single file, read whatever its name, as
    kubectl reads a file named with ``-f``. A manifest file that is neither JSON nor YAML is a problem."""
    dump = Dump()
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    base = root.parent if root.is_file() else root
    for path in paths:
        rel = path.relative_to(base).as_posix()
        if any(part.startswith(".") for part in path.relative_to(base).parts):
            continue
        if path.suffix not in MANIFEST_SUFFIXES and path != root:
            dump.files[rel] = SKIPPED
            continue
        try:
            raws = _parse(path.read_text(encoding="utf-8"))
            if any(nesting_depth(raw) > MAX_DEPTH for raw in raws):
                raise RecursionError
        except (OSError, UnicodeDecodeError) as exc:
            dump.problems.append(f"error: error reading {rel}: {exc}")
            dump.files[rel] = "not readable text"
            continue
        except (RecursionError, ValueError) as exc:  # hostile nesting; a number JSON cannot convert
            why = f"exceeded max depth of {MAX_DEPTH}" if isinstance(exc, RecursionError) else str(exc)
            dump.problems.append(f"error: error parsing {rel}: error converting YAML to JSON: yaml: {why}")
            dump.files[rel] = "neither JSON nor YAML"
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f"line {mark.line + 1}: " if mark is not None else ""
            dump.problems.append(f"error: error parsing {rel}: error converting YAML to JSON: yaml: {line}"
                                 f"{getattr(exc, 'problem', None) or exc}")
            continue
        add_source(dump, rel, raws)
    return finish(dump)


def add_source(dump: Dump, source: str, raws: Iterable[Any]) -> None:
    """The objects of one source (a file, or one request of a live import), recognised by content: Azure
    resources by ``id`` and ``type``, Kubernetes objects by ``apiVersion``/``kind``/``metadata``."""
    counts: dict[str, int] = {}
    for doc in (d for raw in raws for d in _objects(raw)):
        if doc.get("id") and doc.get("type") and not doc.get("apiVersion"):
            typ = str(doc["type"]).lower()
            dump.arm.setdefault(typ, []).append(arm_rest_shape(doc))
            label = str(doc["type"]).split("/", 1)[-1]  # virtualNetworks, virtualMachineScaleSets/virtualMachines
        elif "apiVersion" in doc or "kind" in doc or "metadata" in doc:
            problem = _k8s_problem(doc, source)
            if problem is not None:
                dump.problems.append(problem)
                continue
            dump.k8s.append(doc)
            label = str(doc["kind"])
        else:
            continue
        counts[label] = counts.get(label, 0) + 1
    dump.files[source] = _describe(counts) if counts else "nothing recognised"


def finish(dump: Dump) -> Dump:
    """After the last source: one document per resource, VMSS instances derived from their NICs."""
    _deduplicate(dump)
    _vmss_instances(dump)
    return dump


def _deduplicate(dump: Dump) -> None:
    """One document per resource ID or Kubernetes object (a resource listed by two commands of the dump, e.g.
    the NSGs of a group dumped twice): the last file read wins."""
    for kind, docs in dump.arm.items():
        dump.arm[kind] = list({id_key(str(d["id"])): d for d in docs}.values())
    dump.k8s = list({(str(d.get("apiVersion")), str(d.get("kind")), str(d["metadata"].get("namespace") or ""),
                      str(d["metadata"]["name"])): d for d in dump.k8s}.values())


def _vmss_instances(dump: Dump) -> None:
    """``az vmss nic list`` names each NIC's scale-set instance (``virtualMachine.id``); the instance documents
    (``az vmss list-instances``) are derived from them when the dump lacks them, as the loader needs only an
    instance's NICs."""
    have = {id_key(str(d.get("id", ""))) for d in dump.arm_of(KIND_VMSS_VM)}
    made: dict[str, Doc] = {}
    for nic in dump.arm_of(KIND_NIC):
        vm = ((nic.get("properties") or {}).get("virtualMachine") or {}).get("id")
        if not vm or "/virtualmachinescalesets/" not in id_key(str(vm)) or id_key(str(vm)) in have:
            continue
        inst = made.setdefault(id_key(str(vm)), {
            "id": str(vm), "name": str(vm).rsplit("/", 1)[-1], "type": "Microsoft.Compute/virtualMachineScaleSets/"
            "virtualMachines", "properties": {"networkProfile": {"networkInterfaces": []}}})
        inst["properties"]["networkProfile"]["networkInterfaces"].append({"id": nic["id"]})
    if made:
        dump.arm.setdefault(KIND_VMSS_VM, []).extend(made.values())
