"""Golden outputs of kubectl get/describe on a small kubenet cluster (tests/scenarios/kube_get_describe/).
Run with --update-golden to rewrite them after an intended change."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import check_golden
from tests.kube.helpers import kubectl, setup_cluster

GOLDEN = Path(__file__).resolve().parent.parent / "scenarios" / "kube_get_describe"

APP = """apiVersion: v1
kind: Namespace
metadata: {name: production}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: production}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - {name: web, image: nginx, ports: [{containerPort: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: huge, namespace: production}
spec:
  replicas: 1
  selector: {matchLabels: {app: huge}}
  template:
    metadata: {labels: {app: huge}}
    spec:
      nodeSelector: {disk: ssd}
      containers:
      - {name: c, image: busybox:1.36}
---
apiVersion: v1
kind: Service
metadata: {name: frontend-service, namespace: production}
spec:
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 80}]
"""

CASES = {
    "get_pods_wide": ("get", "pods", "-n", "production", "-o", "wide"),
    "get_deploy_wide": ("get", "deploy", "-A", "-o", "wide"),
    "get_svc_all_namespaces": ("get", "svc", "-A"),
    "get_nodes_wide": ("get", "nodes", "-o", "wide"),
    "get_ds_kube_system": ("get", "ds", "-n", "kube-system"),
    "describe_deploy": ("describe", "deploy", "-n", "production", "frontend"),
    "describe_pending_pod": ("describe", "pods", "-n", "production", "-l", "app=huge"),
    "describe_service": ("describe", "svc", "-n", "production", "frontend-service"),
    "get_endpoints": ("get", "endpoints", "-n", "production"),
    "get_ns": ("get", "ns", "--show-labels"),
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("golden")
    mp.setenv("AKSNET_HOME", str(home / "ws"))
    mp.setenv("AKSNET_NOW", "2026-01-01T00:10:00Z")
    try:
        setup_cluster()
        f = home / "app.yaml"
        f.write_text(APP)
        assert kubectl("apply", "-f", str(f)).code == 0
        mp.setenv("AKSNET_NOW", "2026-01-01T00:15:30Z")
        out = {}
        for name, args in CASES.items():
            r = kubectl(*args)
            out[name] = r.out + (("--- stderr\n" + r.err) if r.err else "")
        return out
    finally:
        mp.undo()


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(outputs: dict[str, str], name: str, update_golden: bool) -> None:
    check_golden(GOLDEN / f"{name}.txt", outputs[name], update_golden)
