"""Helm 3 release records, stored as helm's Secret storage driver stores them.

One Secret per revision, ``sh.helm.release.v1.<name>.v<N>`` in the release namespace, type
``helm.sh/release.v1``, labels ``name``, ``owner=helm``, ``status``, ``version``, ``modifiedAt``; its
``data.release`` is the release JSON, gzipped and base64-encoded (helm ``pkg/storage/driver/secrets.go``,
``util.go`` ``encodeRelease``), so ``kubectl get secret … -o jsonpath={.data.release} | base64 -d | base64 -d
| gunzip`` shows it as on a real cluster. gzip runs with mtime 0, so the bytes are deterministic. Reads and
writes go through the emulated API server; this module must not render charts.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass
from typing import Any

from aksnet.twin.kube import clock
from aksnet.twin.kube.apiserver import ApiServer
from aksnet.twin.kube.schema import BY_KIND

Doc = dict[str, Any]

SECRET_TYPE = "helm.sh/release.v1"
PREFIX = "sh.helm.release.v1."


@dataclass(frozen=True)
class Release:
    """One revision: the release JSON (``name``, ``info``, ``chart``, ``config``, ``manifest``, ``version``,
    ``namespace``) plus where it is stored."""

    body: Doc

    @property
    def name(self) -> str:
        return str(self.body["name"])

    @property
    def namespace(self) -> str:
        return str(self.body["namespace"])

    @property
    def version(self) -> int:
        return int(self.body["version"])

    @property
    def status(self) -> str:
        return str(self.body["info"]["status"])

    @property
    def chart_name(self) -> str:
        return str(self.body["chart"]["metadata"]["name"])

    @property
    def chart_version(self) -> str:
        return str(self.body["chart"]["metadata"]["version"])

    @property
    def app_version(self) -> str:
        return str(self.body["chart"]["metadata"].get("appVersion", ""))

    @property
    def config(self) -> Doc:
        return dict(self.body.get("config") or {})


def encode(body: Doc) -> str:
    """``encodeRelease``: JSON → gzip → base64 (the Secret's data value then base64-encodes it once more)."""
    raw = json.dumps(body, separators=(",", ":"), sort_keys=False).encode()
    return base64.b64encode(gzip.compress(raw, mtime=0)).decode()


def decode(data: str) -> Doc:
    return dict(json.loads(gzip.decompress(base64.b64decode(data))))


def secret_name(name: str, version: int) -> str:
    return f"{PREFIX}{name}.v{version}"


def _secret(rel: Release, modified_at: str) -> Doc:
    """``modified_at`` is an RFC 3339 time; the label holds it as Unix seconds, as helm writes it."""
    modified_at = str(int(clock.parse(modified_at).timestamp()))
    payload = base64.b64encode(encode(rel.body).encode()).decode()
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": secret_name(rel.name, rel.version),
            "namespace": rel.namespace,
            "labels": {"modifiedAt": modified_at, "name": rel.name, "owner": "helm", "status": rel.status,
                       "version": str(rel.version)},
        },
        "type": SECRET_TYPE,
        "data": {"release": payload},
    }


def from_secret(doc: Doc) -> Release | None:
    if doc.get("type") != SECRET_TYPE:
        return None
    data = (doc.get("data") or {}).get("release")
    if not data:
        return None
    try:
        return Release(decode(base64.b64decode(data).decode()))
    except (ValueError, OSError, json.JSONDecodeError):
        return None


def history(api: ApiServer, name: str, namespace: str) -> list[Release]:
    """Every stored revision of ``name`` in ``namespace``, oldest first."""
    out = []
    for doc in api.list(BY_KIND["Secret"], namespace):
        labels = doc["metadata"].get("labels") or {}
        if labels.get("owner") == "helm" and labels.get("name") == name:
            rel = from_secret(doc)
            if rel is not None:
                out.append(rel)
    return sorted(out, key=lambda r: r.version)


def all_releases(api: ApiServer, namespace: str | None) -> list[Release]:
    """The latest revision of every release (``helm list``), sorted by name."""
    latest: dict[tuple[str, str], Release] = {}
    for doc in api.list(BY_KIND["Secret"], namespace):
        labels = doc["metadata"].get("labels") or {}
        if labels.get("owner") != "helm":
            continue
        rel = from_secret(doc)
        if rel is None:
            continue
        key = (rel.namespace, rel.name)
        if key not in latest or latest[key].version < rel.version:
            latest[key] = rel
    return sorted(latest.values(), key=lambda r: (r.name, r.namespace))


def store(api: ApiServer, rel: Release, modified_at: str) -> None:
    """Create the revision's Secret, or replace it when the revision exists (a status change)."""
    doc = _secret(rel, modified_at)
    existing = api.find(BY_KIND["Secret"], rel.namespace, doc["metadata"]["name"])
    if existing is None:
        api.create(doc, default_namespace=rel.namespace)
    else:
        replaced = dict(existing)
        replaced["metadata"] = {**existing["metadata"], "labels": doc["metadata"]["labels"]}
        replaced["data"] = doc["data"]
        api.replace(replaced)


def delete(api: ApiServer, rel: Release) -> None:
    if api.find(BY_KIND["Secret"], rel.namespace, secret_name(rel.name, rel.version)) is not None:
        api.delete(BY_KIND["Secret"], rel.namespace, secret_name(rel.name, rel.version))
