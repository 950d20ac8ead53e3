"""The controller manager: after every command that changes a cluster, run each controller once, in order,
until the cluster's derived objects agree with its stored ones.

Each controller module exposes ``reconcile(tx: Transaction, cluster_id: str) -> None``: it reads the
cluster's documents, creates/updates/deletes the objects it owns and returns. Controllers are idempotent
and deterministic: the same stored objects give the same names, IPs and ports every time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from aksnet.store import Transaction

# Order matters: objects a later controller reads are made by an earlier one.
CONTROLLER_MODULES: tuple[str, ...] = (
    "aksnet.twin.kube.bootstrap",  # namespaces, kubernetes/kube-dns Services, system workloads
    "aksnet.twin.kube.workloads",  # Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet, Job, CronJob
    "aksnet.twin.kube.scheduler",  # Pending pods → nodes (maxPods, selectors, taints)
    "aksnet.twin.kube.pod_ipam",  # pod IPs per network plugin
    "aksnet.twin.kube.status",  # workload status (ready/available replicas) after scheduling and IPAM
    "aksnet.twin.kube.endpoints",  # EndpointSlices and Endpoints
    "aksnet.twin.cloud_provider.reconciler",  # Azure load balancers, public IPs, NSG rules, kubenet routes
)


def _controllers() -> list[Callable[[Transaction, str], None]]:
    out = []
    for name in CONTROLLER_MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # not built yet in this tree; every module listed here is required by the end
        out.append(mod.reconcile)
    return out


def reconcile_cluster(tx: Transaction, cluster_id: str) -> None:
    """Run every controller of the cluster once, in order, then write the object cache back (controllers
    share one per-command cache of the cluster's documents, ``aksnet.twin.kube.objects``). A cluster that no
    longer exists (``az aks delete``, ``az group delete``) has no controllers: nothing of it is re-created."""
    from aksnet.twin.aks.names import KIND_MANAGED_CLUSTER
    from aksnet.twin.kube import objects

    if not tx.exists(KIND_MANAGED_CLUSTER, cluster_id):
        return

    with objects.collector_paused():
        for reconcile in _controllers():
            reconcile(tx, cluster_id)
        objects.flush(tx, cluster_id)
