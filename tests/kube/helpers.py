"""Shared set-up of the kube tests: a fake cluster in the test's AKSNET_HOME, reconciled once."""

from __future__ import annotations

from typing import Any

from aksnet.cli.common import command_transaction
from aksnet.twin.controller_manager import reconcile_cluster
from aksnet.twin.kube_store import cluster_scope
from tests.conftest import Result, run_cli
from tests.kube.fakecluster import make_cluster


def setup_cluster(plugin: str = "kubenet", **kw: Any) -> str:
    with command_transaction() as tx:
        cid = make_cluster(tx, plugin, **kw)
        reconcile_cluster(tx, cid)
    return cid


def kubectl(*args: str, stdin: str | None = None) -> Result:
    return run_cli("kubectl", *args, stdin=stdin)


def docs(kind: str, cid: str) -> list[dict[str, Any]]:
    with command_transaction(write=False) as tx:
        return tx.list(kind, cluster_scope(cid))


def pods(cid: str, ns: str = "default") -> list[dict[str, Any]]:
    return [p for p in docs("k8s:core/Pod", cid) if p["metadata"]["namespace"] == ns]
