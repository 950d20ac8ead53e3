"""The workspace as plain files, and back (``aksnet export DIR`` / ``aksnet import DIR``).

Layout (paths relative to DIR):

- ``azure/<resourceGroup>/<Namespace>/<type>/<name>[/<type>/<name>…].json``: one ARM document per Azure
  resource, its path taken from the resource ID (resource groups: ``azure/<rg>/Microsoft.Resources/
  resourceGroups/<rg>.json``);
- ``clusters/<cluster>/<namespace>.yaml``: the Kubernetes objects of a cluster, one YAML document each
  (cluster-scoped objects in ``_cluster.yaml``); ``kubeconfig``: the workspace's kubeconfig;
- ``aksnet/objects.json``: aksnet's own bookkeeping documents (address allocations …);
  ``aksnet/meta.json``: counters; ``aksnet/manifest.json``: every document's kind, scope, key and file in
  creation order, so that an import restores the same workspace (export → import → export is identical).

Without a manifest (a hand-written scenario directory) the kinds and keys are derived from the documents:
ARM ``type`` and ``id``, Kubernetes ``apiVersion``/``kind``/``metadata``. This module builds and reads the
file *contents*; the CLI does the file-system work.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from aksnet.errors import AksnetError
from aksnet.io.arm_ids import parse_resource_id
from aksnet.model.ids import id_key
from aksnet.store import GENERATION_MARK_PREFIX, STORE_META, Transaction
from aksnet.twin.kube_store import k8s_key, k8s_kind

FORMAT = "aksnet-export"
VERSION = 1
KIND_CLUSTER = "microsoft.containerservice/managedclusters"
_SKIP_META = (*STORE_META, "kubeconfig")

Files = dict[str, str]


class ImportError_(AksnetError):
    """A directory that cannot be imported (exit 2)."""

    exit_code = 2


def _json(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _azure_path(key: str, doc: dict[str, Any]) -> str | None:
    rid = str(doc.get("id") or key)
    parsed = parse_resource_id(rid)
    if parsed is None:
        return None
    if not parsed.namespace:
        return f"azure/{parsed.resource_group}/Microsoft.Resources/resourceGroups/{parsed.resource_group}.json"
    parts = [parsed.namespace]
    for t, n in zip(parsed.types, parsed.names):
        parts += [t, n]
    return f"azure/{parsed.resource_group}/" + "/".join(parts) + ".json"


def _cluster_dirs(tx: Transaction, scopes: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for scope in scopes:
        doc = tx.get(KIND_CLUSTER, scope)
        parsed = parse_resource_id(scope)
        name = str(doc["name"]) if doc else (parsed.name if parsed else scope.replace("/", "_"))
        if name in taken and parsed is not None:
            name = f"{name}.{parsed.resource_group}"
        taken.add(name)
        names[scope] = name
    return names


def export_workspace(tx: Transaction) -> Files:
    """Every document of the workspace as file contents (relative path → text)."""
    rows = tx.dump()
    scopes = sorted({scope for _, scope, _, _ in rows if scope})
    cluster_dir = _cluster_dirs(tx, scopes)
    files: Files = {}
    yaml_docs: dict[str, list[dict[str, Any]]] = {}
    others: list[dict[str, Any]] = []
    manifest: list[list[str]] = []
    for kind, scope, key, doc in rows:
        path = _azure_path(key, doc) if not scope and kind.startswith("microsoft.") else None
        if path is not None and path not in files:
            files[path] = _json(doc)
            manifest.append([kind, scope, key, path])
        elif scope and kind.startswith("k8s:"):
            ns = key.split("/", 1)[0] if "/" in key else "_cluster"
            path = f"clusters/{cluster_dir[scope]}/{ns}.yaml"
            yaml_docs.setdefault(path, []).append(doc)
            manifest.append([kind, scope, key, f"{path}#{len(yaml_docs[path]) - 1}"])
        else:
            others.append({"kind": kind, "scope": scope, "key": key, "body": doc})
            manifest.append([kind, scope, key, f"aksnet/objects.json#{len(others) - 1}"])
    for path, docs in yaml_docs.items():
        files[path] = yaml.safe_dump_all(docs, sort_keys=True, default_flow_style=False, allow_unicode=True)
    kubeconfig = tx.meta_get("kubeconfig")
    if kubeconfig is not None:
        files["kubeconfig"] = yaml.safe_dump(json.loads(kubeconfig), sort_keys=False, default_flow_style=False)
    meta = {k: v for k, v in tx.meta_items().items()
            if k not in _SKIP_META and not k.startswith(GENERATION_MARK_PREFIX)}
    files["aksnet/objects.json"] = _json(others)
    files["aksnet/meta.json"] = _json(meta)
    files["aksnet/manifest.json"] = _json({"format": FORMAT, "version": VERSION, "objects": manifest})
    return files


def _load_yaml_docs(text: str, path: str) -> list[dict[str, Any]]:
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as exc:
        raise ImportError_(f"aksnet import: {path}: not valid YAML: {exc}") from None
    if not all(isinstance(d, dict) for d in docs):
        raise ImportError_(f"aksnet import: {path}: every YAML document must be a mapping")
    return docs


def _load_json(text: str, path: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(f"aksnet import: {path}: not valid JSON: {exc}") from None


def import_workspace(tx: Transaction, files: Files) -> int:
    """Load exported files into the (empty) workspace of ``tx``. Returns the number of documents."""
    if "aksnet/manifest.json" in files:
        count = _import_manifest(tx, files)
    else:
        count = _import_plain(tx, files)
    if "kubeconfig" in files:
        try:
            config = yaml.safe_load(files["kubeconfig"])
        except yaml.YAMLError as exc:
            raise ImportError_(f"aksnet import: kubeconfig: not valid YAML: {exc}") from None
        tx.meta_set("kubeconfig", json.dumps(config))
    return count


def _import_manifest(tx: Transaction, files: Files) -> int:
    manifest = _load_json(files["aksnet/manifest.json"], "aksnet/manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ImportError_("aksnet import: aksnet/manifest.json is not an aksnet export manifest")
    cache: dict[str, Any] = {}
    for entry in manifest.get("objects", []):
        kind, scope, key, where = entry
        path, _, index = where.partition("#")
        if path not in files:
            raise ImportError_(f"aksnet import: {path} is listed in the manifest but missing")
        if path not in cache:
            cache[path] = (_load_yaml_docs(files[path], path) if path.endswith(".yaml")
                           else _load_json(files[path], path))
        content = cache[path]
        if path == "aksnet/objects.json":
            doc = content[int(index)]["body"]
        elif index:
            doc = content[int(index)]
        else:
            doc = content
        tx.put(kind, key, doc, scope)
    meta = _load_json(files.get("aksnet/meta.json", "{}"), "aksnet/meta.json")
    for k, v in sorted(meta.items()):
        if k == "seq" or k in _SKIP_META:
            continue
        tx.meta_set(k, str(v))
    if "seq" in meta:
        current = int(tx.meta_get("seq", "0") or "0")
        tx.meta_set("seq", str(max(current, int(meta["seq"]))))
    return len(manifest.get("objects", []))


def _import_plain(tx: Transaction, files: Files) -> int:
    """A directory without manifest: ARM JSON under azure/, Kubernetes YAML under clusters/<cluster>/."""
    count = 0
    clusters: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("azure/") and p.endswith(".json")):
        doc = _load_json(files[path], path)
        if not isinstance(doc, dict) or not doc.get("id") or not doc.get("type"):
            raise ImportError_(f"aksnet import: {path}: an ARM document needs 'id' and 'type'")
        kind = str(doc["type"]).lower()
        tx.put(kind, str(doc["id"]), doc)
        if kind == KIND_CLUSTER:
            clusters[str(doc["name"])] = id_key(str(doc["id"]))
        count += 1
    for path in sorted(p for p in files if p.startswith("clusters/") and p.endswith((".yaml", ".yml"))):
        cluster = path.split("/")[1]
        if cluster not in clusters:
            raise ImportError_(f"aksnet import: {path}: no managed cluster named '{cluster}' under azure/")
        for doc in _load_yaml_docs(files[path], path):
            meta = doc.get("metadata") or {}
            if "apiVersion" not in doc or "kind" not in doc or "name" not in meta:
                raise ImportError_(f"aksnet import: {path}: a Kubernetes object needs apiVersion, kind and "
                                   "metadata.name")
            tx.put(k8s_kind(str(doc["apiVersion"]), str(doc["kind"])),
                   k8s_key(meta.get("namespace"), str(meta["name"])), doc, clusters[cluster])
            count += 1
    return count
