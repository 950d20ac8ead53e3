"""The Kubernetes API server of the twin: create, apply (client-side, three-way), update, delete, get and
list, with the server's bookkeeping (uid, creationTimestamp, resourceVersion, generation), defaulting,
validation, namespace existence, immutable fields, Service admission (``aksnet.twin.kube.services``)
and garbage collection of owned objects on delete.

Errors carry kubectl's texts (``Error from server (NotFound): …``, ``The Deployment "web" is invalid: …``).
A rejected object leaves no trace. Reads and writes go through :mod:`aksnet.twin.kube.objects`, so a batch
of thousands of objects is one load and one flush. Must not run controllers (the caller reconciles) or print.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aksnet.errors import KubeError
from aksnet.store import Transaction
from aksnet.twin.arm import deterministic_uuid
from aksnet.twin.kube import (
    crd,
    defaults,
    limits,
    naming,
    objects,
    schema,
    services,
    sidecar_injector,
    validation,
)
from aksnet.twin.kube.apply_merge import (
    LAST_APPLIED,
    ordered,
    same_object,
    set_last_applied,
    strip_server,
    three_way_merge,
)
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.schema import ResourceType

Doc = dict[str, Any]

GENERATION_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
                              "NetworkPolicy", "Ingress", "IngressClass", "Pod", "CustomResourceDefinition",
                              "PodDisruptionBudget"})
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


class ApiError(KubeError):
    """An error of the API server: ``reason`` (NotFound, AlreadyExists, BadRequest, Invalid, Forbidden,
    Conflict) and the status message; rendered as kubectl prints it."""

    def __init__(self, reason: str, status_message: str, text: str | None = None) -> None:
        super().__init__(text or f"Error from server ({reason}): {status_message}")
        self.reason = reason
        self.status_message = status_message

    def with_source(self, verb: str, source: str) -> ApiError:
        """kubectl's ``error when creating "f.yaml": …`` context (Invalid errors print without it)."""
        if self.reason == "Invalid" or self.status_message.startswith("error when "):
            return self
        return ApiError(self.reason, f'error when {verb} "{source}": {self.status_message}')


def check_request_size(doc: Doc) -> None:
    """kube-apiserver's ``--max-request-body-bytes`` (3 MiB): a larger body is a 413."""
    too_large = limits.request_too_large(doc)
    if too_large:
        raise ApiError("RequestEntityTooLarge", too_large)


def not_found(rt: ResourceType, name: str) -> ApiError:
    return ApiError("NotFound", f'{rt.qualified_plural} "{name}" not found')


def namespace_not_found(ns: str) -> ApiError:
    return ApiError("NotFound", f'namespaces "{ns}" not found')


def mapping_not_found(doc: Doc, source: str) -> KubeError:
    raw = doc.get("metadata")
    meta: Doc = raw if isinstance(raw, dict) else {}
    return KubeError(
        f'error: resource mapping not found for name: "{meta.get("name", "")}" namespace: '
        f'"{meta.get("namespace", "")}" from "{source}": no matches for kind "{doc.get("kind")}" in version '
        f'"{doc.get("apiVersion")}"\nensure CRDs are installed first'
    )


@dataclass(frozen=True)
class Outcome:
    """What one apply/create did: ``action`` is created, configured or unchanged."""

    rt: ResourceType
    doc: Doc
    action: str

    @property
    def ref(self) -> str:
        return f"{self.rt.qualified}/{self.doc['metadata']['name']}"


def key_of(rt: ResourceType, namespace: str | None, name: str) -> str:
    return f"{namespace}/{name}" if rt.namespaced else name


def doc_key(rt: ResourceType, doc: Doc) -> str:
    meta = doc["metadata"]
    return key_of(rt, meta.get("namespace"), meta["name"])


class ApiServer:
    """The API server of one cluster for one command (a session over the object cache)."""

    def __init__(self, tx: Transaction, cluster_id: str) -> None:
        self.tx = tx
        self.cluster_id = cluster_id
        self.objs: ClusterObjects = objects.open_objects(tx, cluster_id)
        # the types this command can name: built-in ones and those of the CRDs established before it began
        # (kubectl maps every manifest before it sends any, so a CR cannot ride along with its CRD)
        self.types: schema.Registry = crd.registry(self.objs.docs(crd.STORE_KIND))

    # -- decoding ----------------------------------------------------------------------------------
    def resolve(self, doc: Doc, source: str) -> ResourceType:
        """The type of a manifest document (kubectl's client-side checks come first)."""
        missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
        if missing:
            raise KubeError(
                f'error: error validating "{source}": error validating data: '
                + (f"[{', '.join(m + ' not set' for m in missing)}]" if len(missing) > 1 else f"{missing[0]} not set")
                + "; if you choose to ignore these errors, turn validation off with --validate=false"
            )
        rt = self.types.lookup_gvk(str(doc["apiVersion"]), str(doc["kind"]))
        if rt is None:
            raise mapping_not_found(doc, source)
        return rt

    def decode(self, rt: ResourceType, doc: Doc) -> None:
        """Strict decoding: unknown fields and wrong JSON types are a 400 BadRequest."""
        unknown, type_error = schema.decode_errors(doc, rt.schema)
        head = f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
        if type_error:
            raise ApiError("BadRequest", head + type_error)
        if unknown:
            raise ApiError("BadRequest", head + "strict decoding error: " + ", ".join(
                f'unknown field "{u}"' for u in unknown))
        if not isinstance(doc.get("metadata"), dict):
            raise ApiError("BadRequest", head + "metadata: Required value")
        schema.drop_nulls(doc, rt.schema)

    def decode_manifest(self, rt: ResourceType, body: Doc, source: str | None, verb: str = "creating") -> None:
        """What the API server does with a request body before anything else: the size limit, then strict
        decoding (errors carry kubectl's ``error when <verb> "<file>"`` context)."""
        try:
            check_request_size(body)
            self.decode(rt, body)
        except ApiError as exc:
            if source is None:
                raise
            raise exc.with_source(verb, source) from None

    # -- reading -----------------------------------------------------------------------------------
    def get(self, rt: ResourceType, namespace: str | None, name: str) -> Doc:
        doc = self.objs.get(rt.store_kind, key_of(rt, namespace, name))
        if doc is None:
            raise not_found(rt, name)
        return doc

    def find(self, rt: ResourceType, namespace: str | None, name: str) -> Doc | None:
        return self.objs.get(rt.store_kind, key_of(rt, namespace, name))

    def list(self, rt: ResourceType, namespace: str | None = None,
             label_match: Callable[[dict[str, str]], bool] | None = None,
             field_match: Callable[[Doc], bool] | None = None) -> list[Doc]:
        """Objects of a type, sorted as the API server lists them (namespace, then name)."""
        out = []
        for doc in self.objs.docs(rt.store_kind):
            meta = doc["metadata"]
            if namespace is not None and rt.namespaced and meta.get("namespace") != namespace:
                continue
            if label_match is not None and not label_match(meta.get("labels") or {}):
                continue
            if field_match is not None and not field_match(doc):
                continue
            out.append(doc)
        out.sort(key=lambda d: (d["metadata"].get("namespace", ""), d["metadata"]["name"]))
        return out

    def namespace_exists(self, ns: str) -> bool:
        return self.objs.get("k8s:core/Namespace", ns) is not None

    # -- writing -----------------------------------------------------------------------------------
    def _prepare(self, doc: Doc, default_namespace: str, source: str | None, enforce_namespace: bool) -> tuple[
            ResourceType, Doc]:
        rt = self.resolve(doc, source or "STDIN")
        body = copy.deepcopy(doc)
        body.pop("status", None)
        self.decode_manifest(rt, body, source)
        meta = body["metadata"]
        if rt.namespaced:
            ns = meta.get("namespace") or default_namespace
            if enforce_namespace and meta.get("namespace") and meta["namespace"] != default_namespace:
                raise KubeError(
                    f'error: the namespace from the provided object "{meta["namespace"]}" does not match the '
                    f'namespace "{default_namespace}". You must pass \'--namespace={meta["namespace"]}\' to '
                    "perform this operation."
                )
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        return rt, body

    def _check_namespace(self, rt: ResourceType, doc: Doc) -> None:
        if rt.namespaced and not self.namespace_exists(doc["metadata"]["namespace"]):
            raise namespace_not_found(doc["metadata"]["namespace"])

    def _admit(self, rt: ResourceType, doc: Doc, old: Doc | None) -> Doc:
        """Defaults, validation, admission; returns the document to store (without server metadata)."""
        if rt.kind == "Node" and old is None:
            raise ApiError("Forbidden", 'nodes is forbidden: nodes register themselves; add nodes with '
                                        '"az aks scale" or "az aks nodepool add"')
        if rt.custom or rt.kind == "CustomResourceDefinition":
            return self._admit_extension(rt, doc, old)
        if rt.kind == "Service":
            return self._admit_service(doc, old)
        if rt.kind == "Pod" and old is None:
            sidecar_injector.inject(self.objs, doc)  # mutating admission (istiod's webhook, when installed)
        defaults.apply_defaults(rt.kind, doc)
        errs = validation.validate(rt.kind, doc)
        if old is not None:
            errs += validation.validate_update(rt.kind, doc, old)
        if errs:
            raise validation.invalid_error(rt.kind, doc["metadata"].get("name", ""), errs)
        if rt.kind == "Ingress":
            # validating admission webhooks run after the object is validated (ingress-nginx's, when installed);
            # imported here: reads never load the webhook (nor the model of the engines it judges with)
            from aksnet.twin.kube import ingress_webhook

            denied = ingress_webhook.denial(self.objs, doc)
            if denied:
                raise ApiError("BadRequest", denied)
        return doc

    def _admit_extension(self, rt: ResourceType, doc: Doc, old: Doc | None) -> Doc:
        """A custom resource (metadata rules only: its schema's value rules are not checked) or a CRD (its own
        validation, then the naming controller's status)."""
        errs = validation.validate_metadata(doc.get("metadata") or {}, False)
        if not rt.custom:
            errs += crd.validate_crd(doc)
            if old is not None:
                errs += crd.validate_crd_update(doc, old)
        if errs:
            raise validation.invalid_error(rt.kind, doc["metadata"].get("name", ""), errs)
        if rt.custom and old is None and rt.defaults_json:
            # structural schema defaulting of absent top-level fields (a status default is how Gateway API CRDs
            # show "Waiting for controller" until a controller writes status)
            for field, value in json.loads(rt.defaults_json).items():
                doc.setdefault(field, value)
        if not rt.custom:
            doc.setdefault("spec", {}).setdefault("names", {}).setdefault(
                "singular", str(doc["spec"]["names"].get("kind", "")).lower())
            doc["status"] = crd.established_status(doc, self._crd_names(doc))
        return doc

    def _crd_names(self, doc: Doc) -> dict[str, str]:
        """Names served in ``doc``'s group by other CRDs: name → the CRD serving it."""
        taken: dict[str, str] = {}
        for other in self.objs.docs(crd.STORE_KIND):
            if other["spec"].get("group") != doc["spec"].get("group"):
                continue
            names = (other.get("status") or {}).get("acceptedNames") or {}
            for n in (names.get("plural"), names.get("singular"), *(names.get("shortNames") or [])):
                if n:
                    taken[n] = other["metadata"]["name"]
        return taken

    def _admit_service(self, doc: Doc, old: Doc | None) -> Doc:
        admitted: Doc = services.admit_service(self.tx, self.cluster_id, doc, old)
        return admitted

    def _stamp(self, rt: ResourceType, doc: Doc, old: Doc | None) -> None:
        meta = doc["metadata"]
        rv = self.objs.next_resource_version()
        if old is None:
            meta["uid"] = deterministic_uuid("k8s-uid", self.objs.scope, rt.store_kind, doc_key(rt, doc), rv)
            meta["creationTimestamp"] = self.objs.timestamp()
            if rt.kind in GENERATION_KINDS or rt.custom:
                meta["generation"] = 1
        else:
            om = old["metadata"]
            for k in ("uid", "creationTimestamp", "generation", "ownerReferences"):
                if k in om and k not in meta:
                    meta[k] = om[k]
            meta["uid"] = om["uid"]
            meta["creationTimestamp"] = om["creationTimestamp"]
            if rt.kind in GENERATION_KINDS or rt.custom:
                gen = int(om.get("generation", 1))
                meta["generation"] = gen + 1 if doc.get("spec") != old.get("spec") else gen
            if "status" in old and "status" not in doc:
                doc["status"] = old["status"]
        meta["resourceVersion"] = rv
        doc["apiVersion"], doc["kind"] = rt.stored_api_version, rt.kind

    def store(self, rt: ResourceType, doc: Doc, old: Doc | None = None) -> Doc:
        """Write an already admitted document with fresh server metadata."""
        self._stamp(rt, doc, old)
        self.objs.put(rt.store_kind, doc_key(rt, doc), ordered(doc))
        return doc

    def create(self, doc: Doc, default_namespace: str = "default", source: str | None = None,
               enforce_namespace: bool = False, last_applied: bool = False) -> Outcome:
        """POST: AlreadyExists when the object exists."""
        rt, body = self._prepare(doc, default_namespace, source, enforce_namespace)
        meta = body["metadata"]
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self._generate_name(rt, meta)
        name = meta.get("name")
        if name and self.find(rt, meta.get("namespace"), name) is not None:
            raise ApiError("AlreadyExists", f'{rt.qualified_plural} "{name}" already exists')
        if last_applied:
            set_last_applied(body, doc)
        return Outcome(rt, self._create_prepared(rt, body), "created")

    def _generate_name(self, rt: ResourceType, meta: Doc) -> str:
        """metadata.generateName: the prefix plus 5 characters (names.SimpleNameGenerator), deterministic."""
        prefix = str(meta["generateName"])[:58]
        i = 0
        while True:
            name = prefix + naming.suffix(f"{self.objs.scope}:{rt.store_kind}:{prefix}:{i}")
            if self.find(rt, meta.get("namespace"), name) is None:
                return name
            i += 1

    def _create_prepared(self, rt: ResourceType, body: Doc) -> Doc:
        if not body["metadata"].get("name"):
            errs = validation.validate_name(None, False)
            raise validation.invalid_error(rt.kind, "", errs)
        self._check_namespace(rt, body)
        admitted = self._admit(rt, body, None)
        if rt.kind == "Namespace" and "status" not in admitted:
            admitted["status"] = {"phase": "Active"}
        return self.store(rt, admitted)

    def apply(self, doc: Doc, default_namespace: str = "default", source: str | None = None,
              enforce_namespace: bool = False) -> Outcome:
        """``kubectl apply`` (client-side): create with the last-applied annotation, or a three-way merge of
        the last applied configuration, the new manifest and the live object."""
        rt, body = self._prepare(doc, default_namespace, source, enforce_namespace)
        meta = body["metadata"]
        if not meta.get("name"):
            raise KubeError("error: error when retrieving current configuration of:\nResource: "
                            f'"{rt.qualified_plural}", GroupVersionKind: "{rt.api_version}, Kind={rt.kind}"\n'
                            f'Name: "", Namespace: "{meta.get("namespace", "")}"\nfrom server for: '
                            f'"{source or "STDIN"}": resource name may not be empty')
        live = self.find(rt, meta.get("namespace"), meta["name"])
        set_last_applied(body, doc)
        src = source or "STDIN"
        if live is None:
            try:
                check_request_size(body)  # the body kubectl sends carries the last-applied annotation
                return Outcome(rt, self._create_prepared(rt, body), "created")
            except ApiError as exc:
                raise exc.with_source("creating", src) from None
        last_raw = ((live["metadata"].get("annotations") or {}).get(LAST_APPLIED)) or "{}"
        try:
            last = json.loads(last_raw)
        except json.JSONDecodeError:
            last = {}
        merged = three_way_merge(strip_server(live), body, last if isinstance(last, dict) else {})
        try:
            return self._update(rt, merged, live)
        except ApiError as exc:
            raise exc.with_source("applying patch to", src) from None

    def replace(self, doc: Doc) -> Outcome:
        """PUT of a complete object (label, annotate, scale, edits by other controllers)."""
        found = self.types.by_store_kind(
            f"k8s:{doc['apiVersion'].rsplit('/', 1)[0] if '/' in doc['apiVersion'] else 'core'}/{doc['kind']}")
        if found is None:
            raise mapping_not_found(doc, "STDIN")
        rt = found
        meta = doc["metadata"]
        if not meta.get("name"):
            raise KubeError("error: resource name may not be empty")
        live = self.find(rt, meta.get("namespace"), meta["name"])
        if live is None:
            raise not_found(rt, meta["name"])
        return self._update(rt, strip_server(copy.deepcopy(doc)), live)

    def _update(self, rt: ResourceType, body: Doc, live: Doc) -> Outcome:
        if rt.kind == "Node":
            body.setdefault("status", copy.deepcopy(live.get("status")))
        admitted = self._admit(rt, body, live)
        if "status" in live and rt.kind not in ("Node", "CustomResourceDefinition"):
            admitted["status"] = copy.deepcopy(live["status"])
        if same_object(admitted, live):
            return Outcome(rt, live, "unchanged")
        return Outcome(rt, self.store(rt, admitted, live), "configured")

    def delete(self, rt: ResourceType, namespace: str | None, name: str, orphan: bool = False) -> Doc:
        """DELETE with background cascading (owned objects go too, unless ``orphan``: propagationPolicy
        Orphan); a namespace takes its contents."""
        doc = self.get(rt, namespace, name)
        if rt.kind == "Namespace" and name in SYSTEM_NAMESPACES:
            raise ApiError("Forbidden", f'namespaces "{name}" is forbidden: this namespace may not be deleted')
        if rt.kind == "Node":
            raise ApiError("Forbidden", 'nodes is forbidden: remove nodes with "az aks scale" or "az aks '
                                        'nodepool delete"')
        self._remove(rt, doc, orphan)
        if rt.kind == "CustomResourceDefinition" and not rt.custom:
            for other in crd.custom_types([doc])[:1]:
                for d in list(self.objs.docs(other.store_kind)):
                    self._remove(other, d)
        if rt.kind == "Namespace":
            for other in self.types.preferred():
                if other.namespaced:
                    for d in list(self.objs.docs(other.store_kind)):
                        if d["metadata"].get("namespace") == name:
                            self._remove(other, d)
        return doc

    def _remove(self, rt: ResourceType, doc: Doc, orphan: bool = False) -> None:
        if not self.objs.delete(rt.store_kind, doc_key(rt, doc)):
            return
        if rt.kind == "Service" and not rt.custom:
            services.release_service(self.tx, self.cluster_id, doc)
        uid = doc["metadata"].get("uid")
        if uid and rt.kind in ("ReplicaSet", "DaemonSet", "Job"):
            self.objs.forget_generated(uid)
        if uid and not orphan:
            self._collect_garbage(uid, doc["metadata"].get("namespace"))
        elif uid:
            self._orphan_dependents(uid)

    def _orphan_dependents(self, owner_uid: str) -> None:
        """propagationPolicy Orphan: dependents lose the ownerReference and stay."""
        for name in ("ReplicaSet", "Pod", "Job"):
            rt = schema.BY_KIND[name]
            for d in self.objs.docs(rt.store_kind):
                refs = d["metadata"].get("ownerReferences") or []
                kept = [r for r in refs if r.get("uid") != owner_uid]
                if len(kept) != len(refs):
                    if kept:
                        d["metadata"]["ownerReferences"] = kept
                    else:
                        d["metadata"].pop("ownerReferences", None)
                    write_object(self.objs, rt, d)

    def _collect_garbage(self, owner_uid: str, namespace: str | None) -> None:
        """The garbage collector: objects whose ownerReferences name the deleted owner are deleted too."""
        for name in ("ReplicaSet", "Pod", "Job", "EndpointSlice", "Endpoints"):
            rt = schema.BY_KIND[name]
            for d in list(self.objs.docs(rt.store_kind)):
                if namespace is not None and d["metadata"].get("namespace") != namespace:
                    continue
                refs = d["metadata"].get("ownerReferences") or []
                if any(r.get("uid") == owner_uid for r in refs):
                    self._remove(rt, d)

    def close(self) -> None:
        """Write everything back (the end of the session)."""
        objects.flush(self.tx, self.cluster_id)


def create_owned(objs: ClusterObjects, rt: ResourceType, doc: Doc) -> Doc:
    """Store an object a controller makes (no decoding or validation: controllers make valid objects; a pod
    still passes the mutating sidecar injector, as every pod creation does)."""
    if rt.kind == "Pod":
        sidecar_injector.inject(objs, doc)
    defaults.apply_defaults(rt.kind, doc)
    meta = doc["metadata"]
    rv = objs.next_resource_version()
    meta["uid"] = deterministic_uuid("k8s-uid", objs.scope, rt.store_kind, doc_key(rt, doc), rv)
    meta["resourceVersion"] = rv
    meta["creationTimestamp"] = objs.timestamp()
    if rt.kind in GENERATION_KINDS:
        meta.setdefault("generation", 1)
    doc["apiVersion"], doc["kind"] = rt.api_version, rt.kind
    doc = ordered(doc)
    objs.put(rt.store_kind, doc_key(rt, doc), doc)
    return doc


def write_status(objs: ClusterObjects, rt: ResourceType, doc: Doc, status: Doc) -> bool:
    """The status subresource: store ``status`` when it differs (new resourceVersion); True if changed."""
    if doc.get("status") == status:
        return False
    doc["status"] = status
    doc["metadata"]["resourceVersion"] = objs.next_resource_version()
    objs.touch(rt.store_kind, doc_key(rt, doc))
    return True


def write_object(objs: ClusterObjects, rt: ResourceType, doc: Doc) -> None:
    """A controller's update of an object it already holds (new resourceVersion)."""
    doc["metadata"]["resourceVersion"] = objs.next_resource_version()
    objs.put(rt.store_kind, doc_key(rt, doc), doc)


@contextmanager
def session(tx: Transaction, cluster_id: str) -> Iterator[ApiServer]:
    """``with session(tx, cluster_id) as api: api.apply(doc)`` — flushed when the block ends normally."""
    api = ApiServer(tx, cluster_id)
    yield api
    api.close()
