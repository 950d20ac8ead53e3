"""A cluster at scale built through the CLI (``az aks create`` + ``kubectl apply``), for the data plane's
scale test and its benchmark: ``nodes`` kubenet nodes with Calico, ``APPS`` Deployments sharing ``pods``
pods (the scheduler spreads every app over every node, so pod classes grow with nodes × apps), two Services
per app (ClusterIP on 80, NodePort on 8080) and one NetworkPolicy per app admitting only the previous app on
TCP 80. ``run`` executes one CLI command (in-process for tests, a child process for the benchmark).
"""

from __future__ import annotations

from collections.abc import Callable

APPS = 10
Run = Callable[[list[str], "str | None"], None]


def manifests(pods: int) -> str:
    docs = []
    per_app = [pods // APPS + (1 if a < pods % APPS else 0) for a in range(APPS)]
    for a in range(APPS):
        app = f"app{a}"
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {app}, namespace: default}}
spec:
  replicas: {per_app[a]}
  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata: {{labels: {{app: {app}}}}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{{containerPort: 80}}, {{containerPort: 8080}}]
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: {app}, namespace: default}}
spec:
  selector: {{app: {app}}}
  ports: [{{port: 80, targetPort: 80}}]
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata: {{name: {app}-np, namespace: default}}
spec:
  type: NodePort
  selector: {{app: {app}}}
  ports: [{{port: 8080, targetPort: 8080}}]
""")
        docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {app}-from-previous, namespace: default}}
spec:
  podSelector: {{matchLabels: {{app: {app}}}}}
  policyTypes: [Ingress]
  ingress:
  - from: [{{podSelector: {{matchLabels: {{app: app{(a - 1) % APPS}}}}}}}]
    ports: [{{protocol: TCP, port: 80}}]
""")
    return "---\n".join(docs)


def build(run: Run, nodes: int, pods: int) -> None:
    """Create the resource group, the cluster, its credentials and the workloads."""
    run(["az", "group", "create", "-n", "rg", "-l", "eastus"], None)
    run(["az", "aks", "create", "-g", "rg", "-n", "aks", "--network-plugin", "kubenet", "--network-policy",
         "calico", "--node-count", str(nodes), "--generate-ssh-keys"], None)
    run(["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"], None)
    run(["kubectl", "apply", "-f", "-"], manifests(pods))
