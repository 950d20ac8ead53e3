"""The charts aksnet knows, by repository URL and chart name (no network: the chart templates are Python)."""

from __future__ import annotations

from types import ModuleType

from aksnet.twin.helm.charts import alb_controller, ingress_nginx

# (repository URL, chart name) → chart module (DEFAULTS, VERSIONS, LATEST, render, hook_objects, notes)
CHARTS: dict[tuple[str, str], ModuleType] = {
    (ingress_nginx.REPO_URL, ingress_nginx.NAME): ingress_nginx,
    (alb_controller.REPO_URL, alb_controller.NAME): alb_controller,  # an OCI registry: oci://…/alb-controller
}

# Repositories `helm repo add` accepts offline: name people use → URL, and the charts each one serves.
KNOWN_REPOSITORIES: dict[str, str] = {
    "ingress-nginx": ingress_nginx.REPO_URL,
    "bitnami": "https://charts.bitnami.com/bitnami",
    "jetstack": "https://charts.jetstack.io",
    "azure-marketplace": "https://marketplace.azurecr.io/helm/v1/repo",
}


def find_chart(repo_url: str, name: str) -> ModuleType | None:
    return CHARTS.get((repo_url.rstrip("/"), name))


def repo_charts(repo_url: str) -> list[str]:
    return sorted(n for (u, n) in CHARTS if u == repo_url.rstrip("/"))
