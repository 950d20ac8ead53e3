"""The controllers' incremental passes write exactly what a full pass writes: for each sequence of writes, every
step runs twice from the same workspace, once as users run it (incremental where eligible) and once with every
controller over every document; the two workspaces (documents, their creation order, metadata, the pod index)
must be byte-identical, and the steps marked incremental must have taken the incremental path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aksnet.twin import controller_manager
from aksnet.twin.kube import incremental
from tests.conftest import run_cli

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: c, image: {image}, ports: [{{containerPort: 80, name: http}}]}}]}}
"""
SERVICES = """
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-lb, namespace: default}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
"""
POLICY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
"""
POOL = ("-g", "rg", "--cluster-name", "c")
OTHERS = """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: team}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: busybox, ports: [{containerPort: 9100, hostPort: 9100}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: bare, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: bare}}
  template:
    metadata: {labels: {app: bare}}
    spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}}}]}
"""
BUDGET = """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {minAvailable: 50%, selector: {matchLabels: {app: web}}}
"""
STATEFUL = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: team}
spec:
  replicas: 3
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: postgres}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: team}
spec:
  parallelism: 2
  completions: 2
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
"""


def deployment_yaml(name: str = "web", ns: str = "default", replicas: int = 3, image: str = "nginx") -> str:
    return DEPLOY.format(name=name, ns=ns, replicas=replicas, image=image)


Step = tuple[tuple[str, ...], str | None, bool]  # (aksnet args, stdin, expected to run incrementally)
SCALE_WEB = (("kubectl", "scale", "deployment", "web", "--replicas=6"), None, True)
SEQUENCES: dict[str, list[Step]] = {
    "scale-up-then-down": [SCALE_WEB, (("kubectl", "scale", "deployment", "web", "--replicas=1"), None, True)],
    "scale-to-zero-and-back": [(("kubectl", "scale", "deployment", "web", "--replicas=0"), None, True), SCALE_WEB],
    "scale-past-capacity-then-retry": [
        (("kubectl", "scale", "deployment", "web", "--replicas=40"), None, True),
        (("kubectl", "scale", "deployment", "other", "-n", "team", "--replicas=3"), None, True),
        (("az", "aks", "nodepool", "add", *POOL, "-n", "extra", "--node-count", "1", "--max-pods", "30"), None,
         True)],
    "nodepool-add-scale-delete": [
        (("az", "aks", "nodepool", "add", *POOL, "-n", "extra", "--node-count", "2"), None, True),
        (("az", "aks", "nodepool", "scale", *POOL, "-n", "extra", "--node-count", "3"), None, True),
        (("az", "aks", "nodepool", "scale", *POOL, "-n", "extra", "--node-count", "1"), None, True),
        (("az", "aks", "nodepool", "delete", *POOL, "-n", "extra"), None, True)],
    "pool-removed-under-a-statefulset-and-a-job": [
        (("az", "aks", "nodepool", "add", *POOL, "-n", "extra", "--node-count", "2"), None, True),
        (("kubectl", "apply", "-f", "-"), STATEFUL, True),
        (("az", "aks", "nodepool", "delete", *POOL, "-n", "extra"), None, True)],
    "scale-past-the-burst-limit": [(("kubectl", "scale", "deployment", "web", "--replicas=510"), None, True),
                                   (("kubectl", "scale", "deployment", "web", "--replicas=520"), None, False),
                                   (("kubectl", "scale", "deployment", "web", "--replicas=2"), None, True),
                                   (("kubectl", "scale", "deployment", "web", "--replicas=6"), None, False)],
    "statefulset-and-job-applied-then-scaled": [
        (("kubectl", "apply", "-f", "-"), STATEFUL, True),
        (("kubectl", "scale", "statefulset", "db", "-n", "team", "--replicas=5"), None, True),
        (("kubectl", "scale", "statefulset", "db", "-n", "team", "--replicas=1"), None, True)],
    "daemonset-and-bare-replicaset": [(("kubectl", "apply", "-f", "-"), OTHERS, True),
                                      (("kubectl", "scale", "replicaset", "bare", "--replicas=4"), None, True),
                                      (("az", "aks", "nodepool", "add", *POOL, "-n", "extra", "--node-count", "1"),
                                       None, True),
                                      (("az", "aks", "nodepool", "add", *POOL, "-n", "tainted", "--node-count", "2",
                                        "--node-taints", "dedicated=x:NoSchedule", "--labels", "tier=x"), None, True),
                                      (("az", "aks", "nodepool", "delete", *POOL, "-n", "extra"), None, True)],
    "apply-new-deployment": [(("kubectl", "apply", "-f", "-"), deployment_yaml("api", "team", 4), True)],
    "apply-changed-template": [(("kubectl", "apply", "-f", "-"), deployment_yaml(image="nginx:1.27"), True),
                               (("kubectl", "apply", "-f", "-"), deployment_yaml(image="nginx:1.28", replicas=5),
                                True)],
    "apply-services": [(("kubectl", "apply", "-f", "-"), SERVICES, True), SCALE_WEB],
    "budget-then-scale": [(("kubectl", "apply", "-f", "-"), BUDGET, False), SCALE_WEB,
                          (("kubectl", "scale", "deployment", "web", "--replicas=2"), None, True)],
    "policy-then-scale": [(("kubectl", "apply", "-f", "-"), POLICY, False), SCALE_WEB],
    "delete-a-deployment-full-pass": [(("kubectl", "delete", "deployment", "other", "-n", "team"), None, False),
                               SCALE_WEB],
}


# the same writes on clusters of other network plugins (pod IPs from NIC secondary IPs, overlay ranges, dual-stack)
POOL_AND_SCALE: list[Step] = [SCALE_WEB, (("az", "aks", "nodepool", "add", *POOL, "-n", "extra", "--node-count", "1"),
                                          None, True),
                              (("kubectl", "scale", "deployment", "web", "--replicas=2"), None, True),
                              (("az", "aks", "nodepool", "delete", *POOL, "-n", "extra"), None, True)]
FLAVOURS: dict[str, tuple[str, ...]] = {
    "azure-cni": ("--network-plugin", "azure"),
    "overlay": ("--network-plugin", "azure", "--network-plugin-mode", "overlay"),
    "dual-stack": ("--network-plugin", "kubenet", "--ip-families", "ipv4,ipv6"),
}
CASES = [pytest.param(("--network-plugin", "kubenet"), steps, id=name) for name, steps in SEQUENCES.items()] + [
    pytest.param(flavour, POOL_AND_SCALE, id=f"{name}-scale-and-pools") for name, flavour in FLAVOURS.items()]


def _copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def _dump(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT kind, scope, key, seq, body FROM objects ORDER BY kind, scope, key").fetchall(),
                conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall())
    finally:
        conn.close()


def _run(args: tuple[str, ...], stdin: str | None) -> None:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, (args, r.err)


@pytest.mark.parametrize(("plugin", "steps"), CASES)
def test_incremental_reconcile_equals_the_full_one(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   plugin: tuple[str, ...], steps: list[Step]) -> None:
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")
    _run(("az", "group", "create", "-n", "rg", "-l", "eastus"), None)
    _run(("az", "aks", "create", "-g", "rg", "-n", "c", *plugin, "--node-count", "2", "--max-pods", "30",
          "--generate-ssh-keys"), None)
    _run(("az", "aks", "get-credentials", "-g", "rg", "-n", "c"), None)
    _run(("kubectl", "create", "namespace", "team"), None)
    _run(("kubectl", "apply", "-f", "-"),
         deployment_yaml() + "---\n" + deployment_yaml("other", "team", 2) + "---\n" + SERVICES)
    db = home / "workspace.db"
    incremental_runs: list[str] = []
    real = controller_manager._reconcile_incremental

    def counted(*a: object) -> None:
        incremental_runs.append("x")
        real(*a)  # type: ignore[arg-type]
    monkeypatch.setattr(controller_manager, "_reconcile_incremental", counted)
    for args, stdin, expect_incremental in steps:
        before = tmp_path / "before.db"
        _copy(db, before)
        incremental_runs.clear()
        _run(args, stdin)
        assert bool(incremental_runs) == expect_incremental, args
        mine = _dump(db)
        _copy(before, db)
        with monkeypatch.context() as m:
            m.setattr(incremental, "eligible", lambda *_: False)
            _run(args, stdin)
        full = _dump(db)
        assert mine[1] == full[1], args
        diff = [(a[:3], b[:3]) for a, b in zip(mine[0], full[0], strict=False) if a != b]
        assert len(mine[0]) == len(full[0]) and not diff, (args, diff[:5])
