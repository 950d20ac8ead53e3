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
from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER

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
    """The managed cluster resource ID behind ``context`` (default: the current context) of the workspace
    kubeconfig."""
    return cluster_id_behind(tx, load(tx), context, hint=True)


def named_entry(config: dict[str, Any], section: str, name: str) -> dict[str, Any] | None:
    entries = config.get(section)
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict) and e.get("name") == name:
            return e
    return None


def cluster_id_behind(tx: Transaction, config: dict[str, Any], context: str | None = None,
                      hint: bool = False) -> str:
    """The managed cluster resource ID behind ``context`` of ``config``, refused as kubectl is refused when
    the cluster is gone: after ``az aks delete``/``az group delete`` the API server's FQDN no longer
    resolves, so kubectl prints ``Unable to connect to the server: dial tcp: lookup <fqdn>: no such host``
    (exit 1) and nothing of the deleted cluster can be read or re-created."""
    name = context or str(config.get("current-context") or "")
    if not name:
        raise KubeError("error: current-context is not set"
                        + (". Run 'aksnet az aks get-credentials -g RG -n CLUSTER' first." if hint else ""))
    ctx = named_entry(config, "contexts", name)
    if ctx is None:
        raise KubeError(f'error: context "{name}" does not exist')
    body = ctx.get("context")
    cname = body.get("cluster") if isinstance(body, dict) else None
    cluster = named_entry(config, "clusters", str(cname))
    if cluster is None:
        raise KubeError(f'error: cluster "{cname}" of context "{name}" does not exist')
    raw = cluster.get("cluster")
    inner: dict[str, Any] = raw if isinstance(raw, dict) else {}
    server = str(inner.get("server") or "")
    cid = ""
    exts = inner.get("extensions")
    for ext in exts if isinstance(exts, list) else []:
        if isinstance(ext, dict) and ext.get("name") == EXTENSION and isinstance(ext.get("extension"), dict):
            cid = str(ext["extension"].get("clusterResourceId") or "")
    if not cid or not tx.exists(KIND_MANAGED_CLUSTER, cid):
        raise KubeError(f"Unable to connect to the server: dial tcp: lookup {server_host(server)}: no such host")
    return cid


def server_host(server: str) -> str:
    """The host of a kubeconfig ``server`` URL (``https://x.hcp.eastus.azmk8s.io:443`` → the FQDN)."""
    rest = server.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if ":" in host else host
