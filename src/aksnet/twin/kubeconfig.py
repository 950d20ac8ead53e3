"""The workspace's own kubeconfig (``az aks get-credentials`` writes it, ``kubectl config`` reads it).

Kept in the workspace (meta key ``kubeconfig``) as the kubeconfig document itself (apiVersion v1, kind
Config, clusters, contexts, users, current-context), so it is part of the command's transaction. Each
cluster entry carries the managed cluster's resource ID in ``extensions`` (name ``aksnet``), which is how
kubectl finds the emulated cluster behind a context. ``~/.kube/config`` is never touched unless the user
names a file with ``--file``.
"""

from __future__ import annotations

import json
from typing import Any

from aksnet.errors import KubeError
from aksnet.store import Transaction

META_KEY = "kubeconfig"
EXTENSION = "aksnet"


def empty_config() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Config", "preferences": {}, "clusters": [], "contexts": [],
            "users": [], "current-context": ""}


def load(tx: Transaction) -> dict[str, Any]:
    raw = tx.meta_get(META_KEY)
    return empty_config() if raw is None else dict(json.loads(raw))


def save(tx: Transaction, config: dict[str, Any]) -> None:
    tx.meta_set(META_KEY, json.dumps(config))


def cluster_entry(name: str, server: str, cluster_id: str) -> dict[str, Any]:
    return {
        "name": name,
        "cluster": {
            "certificate-authority-data": "",
            "server": server,
            "extensions": [{"name": EXTENSION, "extension": {"clusterResourceId": cluster_id}}],
        },
    }


def merge_context(config: dict[str, Any], context_name: str, cluster: dict[str, Any], user: dict[str, Any],
                  overwrite: bool) -> dict[str, Any]:
    """Add (or with ``overwrite`` replace) the cluster, user and context entries; make it current.

    Without ``overwrite`` an existing entry of the same name with different content is an error, as in
    az (``A different object named X already exists in your kubeconfig file.``).
    """
    for section, entry in (("clusters", cluster), ("users", user),
                           ("contexts", {"name": context_name,
                                         "context": {"cluster": cluster["name"], "user": user["name"]}})):
        items = config.setdefault(section, [])
        for i, existing in enumerate(items):
            if existing["name"] == entry["name"]:
                if existing != entry and not overwrite:
                    raise KubeError(
                        f"A different object named {entry['name']} already exists in your kubeconfig file.\n"
                        "Overwrite? (y/n): "
                    )
                items[i] = entry
                break
        else:
            items.append(entry)
    config["current-context"] = context_name
    return config


def current_cluster_id(tx: Transaction, context: str | None = None) -> str:
    """The managed cluster resource ID behind ``context`` (default: the current context)."""
    config = load(tx)
    name = context or config.get("current-context") or ""
    if not name:
        raise KubeError(
            "error: current-context is not set. Run 'aksnet az aks get-credentials -g RG -n CLUSTER' first."
        )
    ctx = next((c for c in config.get("contexts", []) if c["name"] == name), None)
    if ctx is None:
        raise KubeError(f'error: context "{name}" does not exist')
    cluster = next((c for c in config.get("clusters", []) if c["name"] == ctx["context"]["cluster"]), None)
    if cluster is None:
        raise KubeError(f'error: cluster "{ctx["context"]["cluster"]}" of context "{name}" does not exist')
    for ext in cluster["cluster"].get("extensions", []):
        if ext.get("name") == EXTENSION:
            return str(ext["extension"]["clusterResourceId"])
    raise KubeError(f'error: context "{name}" does not point to an aksnet cluster')
