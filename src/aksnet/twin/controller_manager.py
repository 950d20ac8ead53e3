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
    ingress_status,
    objects,
    pod_ipam,
    scheduler,
    status,
    workloads,
)
from aksnet.twin.kube_store import KIND_NETWORKPOLICY

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
    longer exists (``az aks delete``, ``az group delete``) has no controllers: nothing of it is re-created."""
    if not tx.exists(objects.KIND_CLUSTER, cluster_id):
        return
    # An imported cluster (aksnet import of a real dump) is observed state, not desired state: its pods keep the
    # IPs and nodes the real cluster gave them, and no controller re-derives them. Objects added later (kubectl
    # apply, az …) are stored as given (the object cache is still written back).
    imported = tx.meta_get(IMPORTED_META + id_key(cluster_id)) is not None
    converged = _CONVERGED_META + id_key(cluster_id)
    if imported or (objects.changed_kinds(tx, cluster_id) <= UNWATCHED_KINDS
                    and tx.meta_get(converged) == str(tx.generation_count())):
        objects.flush(tx, cluster_id)
        return
    with objects.collector_paused():
        for reconcile in CONTROLLERS:
            reconcile(tx, cluster_id)
        objects.flush(tx, cluster_id)
    if tx.changed:
        tx.meta_set(converged, str(tx.generation_count() + 1))  # the generation this command commits
