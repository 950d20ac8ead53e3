"""The controller manager: after every command that changes a cluster, run each controller once, in order,
until the cluster's derived objects agree with its stored ones (kube-controller-manager and
cloud-controller-manager in one loop, https://kubernetes.io/docs/concepts/architecture/controller/).
Controllers never run on an imported cluster (see :func:`reconcile_cluster`).

Each controller exposes ``reconcile(tx: Transaction, cluster_id: str) -> None``: it reads the cluster's
documents, creates/updates/deletes the objects it owns and returns. Controllers are idempotent and
deterministic: the same stored objects give the same names, IPs and ports every time. So when they last
converged on exactly the workspace this command started from (a marker holding the generation their run
committed) and the command changed only kinds none of them reads (:data:`UNWATCHED_KINDS`, e.g. one
NetworkPolicy applied), running them again would change nothing, and they are not run: such a write costs
what it changed, not the cluster's size, as an informer wakes a controller only for the objects it watches.
This module sits above ``twin.kube`` and ``twin.cloud_provider`` (it imports both); nothing below it may import it.
"""

from __future__ import annotations

from collections.abc import Callable

from aksnet.io.twin_loader import IMPORTED_META
from aksnet.model.ids import id_key
from aksnet.store import GENERATION_MARK_PREFIX, Transaction
from aksnet.twin.cloud_provider import alb_ingress, alb_managed, alb_policies
from aksnet.twin.cloud_provider import reconciler as cloud_provider
from aksnet.twin.kube import (
    alb_bootstrap,
    bootstrap,
    disruption,
    endpoints,
    gateway_deployer,
    incremental,
    ingress_status,
    objects,
    pod_index,
    pod_ipam,
    scheduler,
    status,
    workloads,
)
from aksnet.twin.kube_store import KIND_NETWORKPOLICY, KIND_POD, cluster_scope

# Order matters: objects a later controller reads are made by an earlier one.
CONTROLLERS: tuple[Callable[[Transaction, str], None], ...] = (
    bootstrap.reconcile,  # namespaces, kubernetes/kube-dns Services, system workloads
    gateway_deployer.reconcile,  # Istio-class Gateways → their Deployment and LoadBalancer Service
    workloads.reconcile,  # Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet, Job, CronJob
    scheduler.reconcile,  # Pending pods → nodes (maxPods, selectors, taints)
    pod_ipam.reconcile,  # pod IPs per network plugin
    status.reconcile,  # workload status (ready/available replicas) after scheduling and IPAM
    disruption.reconcile,  # PodDisruptionBudget status (allowed disruptions) from the pods' readiness
    endpoints.reconcile,  # EndpointSlices and Endpoints
    cloud_provider.reconcile,  # Azure load balancers, public IPs, NSG rules, kubenet routes
    ingress_status.reconcile,  # Ingress status.loadBalancer from the ingress controllers' published Services
    alb_bootstrap.reconcile,  # a running ALB Controller's GatewayClass and IngressClass azure-alb-external
    alb_managed.reconcile,  # its managed deployments: ApplicationLoadBalancer → AGC, Gateways → frontends
    alb_ingress.reconcile,  # its Ingresses (class azure-alb-external): frontends and status.loadBalancer
    alb_policies.reconcile,  # its BackendTLSPolicy status
)

# Kinds no controller above reads (tests/kube/test_incremental_reconcile.py records every kind a full reconcile
# reads and fails when one of these is among them): policies are enforced by the data path, not by a controller.
UNWATCHED_KINDS = frozenset({KIND_NETWORKPOLICY})
_CONVERGED_META = GENERATION_MARK_PREFIX + "controllers-converged:"


def reconcile_cluster(tx: Transaction, cluster_id: str) -> None:
    """Run every controller of the cluster once, in order, then write the object cache back (controllers
    share one per-command cache of the cluster's documents, ``aksnet.twin.kube.objects``). A cluster that no
    longer exists (``az aks delete``, ``az group delete``) has no controllers: nothing of it is re-created.

    When the controllers had converged on the workspace this command started from and the command changed only
    what the incremental passes follow (``aksnet.twin.kube.incremental``), they run incrementally, reading the
    pod index (``aksnet.twin.kube.pod_index``) instead of every pod; otherwise over every document, and the
    index is written anew."""
    if not tx.exists(objects.KIND_CLUSTER, cluster_id):
        return
    # An imported cluster (aksnet import of a real dump) is observed state, not desired state: its pods keep the
    # IPs and nodes the real cluster gave them, and no controller re-derives them. Objects added later (kubectl
    # apply, az …) are stored as given (the object cache is still written back).
    imported = tx.meta_get(IMPORTED_META + id_key(cluster_id)) is not None
    converged = _CONVERGED_META + id_key(cluster_id)
    scope = cluster_scope(cluster_id)
    generation = str(tx.generation_count())
    was_converged = tx.meta_get(converged) == generation
    if imported or (objects.changed_kinds(tx, cluster_id) <= UNWATCHED_KINDS and was_converged):
        objects.flush(tx, cluster_id)
        if was_converged and tx.changed:  # nothing a controller reads changed: still converged
            tx.meta_set(converged, str(tx.generation_count() + 1))
            pod_index.restamp(tx, scope, generation, str(tx.generation_count() + 1))
        return
    objs = objects.open_objects(tx, cluster_id)
    with objects.collector_paused():
        base = pod_index.load(tx, scope, generation) if was_converged else None
        if base is not None and not base.unsettled and incremental.eligible(tx, objs):
            _reconcile_incremental(tx, cluster_id, objs, base)
            index = incremental.next_index(objs, base)
            objects.flush(tx, cluster_id)
        else:
            for reconcile in CONTROLLERS:
                reconcile(tx, cluster_id)
            objs = objects.open_objects(tx, cluster_id)
            pods = dict(objs.items(KIND_POD))
            unsettled = bool(objs.extra.get("unsettled"))
            objects.flush(tx, cluster_id)
            index = pod_index.PodIndex({k: pod_index.pod_entry(pods[k]) for k in tx.keys(KIND_POD, scope)},
                                       unsettled)
        if tx.changed:
            tx.meta_set(converged, str(tx.generation_count() + 1))  # the generation this command commits
            pod_index.save(tx, scope, index, str(tx.generation_count() + 1))


def _reconcile_incremental(tx: Transaction, cluster_id: str, objs: objects.ClusterObjects,
                           base: pod_index.PodIndex) -> None:
    """:data:`CONTROLLERS`, in their order, each through its incremental pass (:data:`INCREMENTAL_PASSES`); a
    controller without one runs over every document, as in a full pass."""
    for reconcile in CONTROLLERS:
        step = INCREMENTAL_PASSES.get(getattr(reconcile, "__wrapped__", reconcile))
        if step is None:
            reconcile(tx, cluster_id)
        else:
            step(tx, cluster_id, objs, base)


Pass = Callable[[Transaction, str, objects.ClusterObjects, pod_index.PodIndex], None]


def _when(needed: Callable[[objects.ClusterObjects, pod_index.PodIndex], bool],
          reconcile: Callable[[Transaction, str], None]) -> Pass:
    """A controller that runs in full, but only when it would find something to do."""
    def step(tx: Transaction, cluster_id: str, objs: objects.ClusterObjects, base: pod_index.PodIndex) -> None:
        if needed(objs, base):
            reconcile(tx, cluster_id)
    return step


def _gateways_needed(objs: objects.ClusterObjects, base: pod_index.PodIndex) -> bool:
    return incremental.gateways_needed(objs, gateway_deployer.GATEWAY_KIND,
                                       (gateway_deployer.MANAGED_KEY, gateway_deployer.MANAGED_VALUE))


INCREMENTAL_PASSES: dict[Callable[[Transaction, str], None], Pass] = {
    gateway_deployer.reconcile: _when(_gateways_needed, gateway_deployer.reconcile),
    workloads.reconcile: lambda tx, cid, objs, base: incremental.reconcile_workloads(objs, base),
    scheduler.reconcile: lambda tx, cid, objs, base: incremental.schedule(objs, base),
    pod_ipam.reconcile: lambda tx, cid, objs, base: incremental.assign_ips(objs, base),
    status.reconcile: lambda tx, cid, objs, base: incremental.update_status(objs, base),
    disruption.reconcile: lambda tx, cid, objs, base: incremental.update_disruption(objs),
    endpoints.reconcile: lambda tx, cid, objs, base: incremental.sync_endpoints(objs),
    ingress_status.reconcile: _when(lambda objs, base: incremental.ingresses_exist(objs), ingress_status.reconcile),
    **{fn: _when(incremental.alb_controller_running, fn) for fn in (
        alb_bootstrap.reconcile, alb_managed.reconcile, alb_ingress.reconcile, alb_policies.reconcile)},
}
