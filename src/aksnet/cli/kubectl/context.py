"""Which cluster a kubectl command talks to: the workspace kubeconfig (``az aks get-credentials`` writes
it), or a kubeconfig file named with ``--kubeconfig``; ``--context`` picks a context. Must not print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from aksnet.errors import KubeError
from aksnet.store import Transaction
from aksnet.twin import kubeconfig


def load_config(tx: Transaction, path: str | None) -> dict[str, Any]:
    if path is None:
        return kubeconfig.load(tx)
    p = Path(path)
    if not p.exists():
        raise KubeError(f"error: stat {path}: no such file or directory")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise KubeError(f"error: error loading config file \"{path}\": yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise KubeError(f'error: error loading config file "{path}": couldn\'t get version/kind; json parse error')
    return data


def cluster_id(tx: Transaction, context: str | None, path: str | None) -> str:
    """The managed cluster resource ID behind the chosen context."""
    if path is None:
        return kubeconfig.current_cluster_id(tx, context)
    config = load_config(tx, path)
    name = context or config.get("current-context") or ""
    if not name:
        raise KubeError("error: current-context is not set")
    ctx = next((c for c in config.get("contexts") or [] if c.get("name") == name), None)
    if ctx is None:
        raise KubeError(f'error: context "{name}" does not exist')
    cname = (ctx.get("context") or {}).get("cluster")
    cluster = next((c for c in config.get("clusters") or [] if c.get("name") == cname), None)
    if cluster is None:
        raise KubeError(f'error: cluster "{cname}" of context "{name}" does not exist')
    for ext in (cluster.get("cluster") or {}).get("extensions") or []:
        if ext.get("name") == kubeconfig.EXTENSION:
            return str(ext["extension"]["clusterResourceId"])
    server = (cluster.get("cluster") or {}).get("server", "")
    raise KubeError(f"Unable to connect to the server: dial tcp: lookup {server}: no such host "
                    "(the context does not point to an aksnet cluster)")


def default_namespace(tx: Transaction, context: str | None, path: str | None) -> str:
    """The context's namespace, else ``default``."""
    try:
        config = load_config(tx, path)
    except KubeError:
        return "default"
    name = context or config.get("current-context") or ""
    ctx = next((c for c in config.get("contexts") or [] if c.get("name") == name), None)
    return str(((ctx or {}).get("context") or {}).get("namespace") or "default")
