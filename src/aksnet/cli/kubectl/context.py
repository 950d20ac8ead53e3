"""Which cluster a kubectl command talks to: the workspace kubeconfig (``az aks get-credentials`` writes
it), or a kubeconfig file named with ``--kubeconfig``; ``--context`` picks a context. Must not print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aksnet.errors import KubeError
from aksnet.store import Transaction
from aksnet.twin import kubeconfig


def load_config(tx: Transaction, path: str | None) -> dict[str, Any]:
    if path is None:
        return kubeconfig.load(tx)
    import yaml  # only for a kubeconfig file named with --kubeconfig

    p = Path(path)
    if not p.exists():
        raise KubeError(f"error: stat {path}: no such file or directory")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise KubeError(f'error: error loading config file "{path}": {exc}') from exc
    except yaml.YAMLError as exc:
        raise KubeError(f"error: error loading config file \"{path}\": yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise KubeError(f'error: error loading config file "{path}": couldn\'t get version/kind; json parse error')
    return data


def cluster_id(tx: Transaction, context: str | None, path: str | None) -> str:
    """The managed cluster resource ID behind the chosen context (kubectl's connection error when the
    cluster was deleted or the context names no aksnet cluster)."""
    if path is None:
        return kubeconfig.current_cluster_id(tx, context)
    return kubeconfig.cluster_id_behind(tx, load_config(tx, path), context)


def default_namespace(tx: Transaction, context: str | None, path: str | None) -> str:
    """The context's namespace, else ``default``."""
    try:
        config = load_config(tx, path)
    except KubeError:
        return "default"
    name = context or str(config.get("current-context") or "")
    body = (kubeconfig.named_entry(config, "contexts", name) or {}).get("context")
    return str((body if isinstance(body, dict) else {}).get("namespace") or "default")
