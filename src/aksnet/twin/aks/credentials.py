"""``az aks get-credentials``: the cluster's kubeconfig entries (cluster, user ``clusterUser_<rg>_<name>`` or
``clusterAdmin_<rg>_<name>``, context ``<name>`` or ``<name>-admin``) merged into the workspace kubeconfig
(:mod:`aksnet.twin.kubeconfig`). Writing a file named with ``--file`` is the CLI's job; this module builds
the entries and never touches ``~/.kube``.
"""

from __future__ import annotations

from typing import Any

from aksnet.model.ids import id_key
from aksnet.store import Transaction
from aksnet.twin import kubeconfig
from aksnet.twin.aks import context
from aksnet.twin.arm import deterministic_uuid


def credentials(tx: Transaction, resource_group: str, name: str, admin: bool = False,
                context_name: str | None = None) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(context name, cluster entry, user entry) of the cluster's kubeconfig."""
    cluster = context.get_cluster(tx, resource_group, name)
    props = cluster["properties"]
    host = props.get("fqdn") or props.get("privateFqdn")
    if (props.get("apiServerAccessProfile") or {}).get("enablePrivateCluster") and props.get("privateFqdn") \
            and not props.get("fqdn"):
        host = props["privateFqdn"]
    server = f"https://{host}:443"
    ctx = context_name or (f"{name}-admin" if admin else name)
    entry = kubeconfig.cluster_entry(name, server, cluster["id"])
    user_name = f"clusterAdmin_{resource_group}_{name}" if admin else f"clusterUser_{resource_group}_{name}"
    token = deterministic_uuid("token", id_key(cluster["id"]), user_name).replace("-", "")
    user = {"name": user_name, "user": {"client-certificate-data": "", "client-key-data": "", "token": token}}
    return ctx, entry, user


def merge_into_workspace(tx: Transaction, resource_group: str, name: str, *, admin: bool = False,
                         context_name: str | None = None, overwrite: bool = False) -> dict[str, Any]:
    """Merge the entries into the workspace kubeconfig and make the context current. Returns the config."""
    ctx, entry, user = credentials(tx, resource_group, name, admin, context_name)
    config = kubeconfig.merge_context(kubeconfig.load(tx), ctx, entry, user, overwrite)
    kubeconfig.save(tx, config)
    return config


def standalone_config(tx: Transaction, resource_group: str, name: str, *, admin: bool = False,
                      context_name: str | None = None) -> dict[str, Any]:
    """A kubeconfig holding only this cluster (``--file -`` prints it)."""
    ctx, entry, user = credentials(tx, resource_group, name, admin, context_name)
    return kubeconfig.merge_context(kubeconfig.empty_config(), ctx, entry, user, True)
