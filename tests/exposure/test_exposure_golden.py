"""Golden outputs of ``aksnet explain --exposure`` and ``matrix --path``'s ingress rows.

tests/scenarios/explain_exposure_acceptance03: the acceptance-03 cluster (BYO VNet, jumpbox, kubenet + Calico,
the production app and the seed's policies, Helm ingress-nginx, the seed's TLS Ingress, the internal LB and the
NodePort), before and after ``allow-from-ingress-basic`` lets the controller in.
tests/scenarios/explain_exposure_nsg_source_ranges: public LB Services restricted by
loadBalancerSourceRanges and blocked by a custom NSG rule. Regenerate with --update-golden.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.golden import check_golden

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
ACC03 = SCENARIOS / "explain_exposure_acceptance03"
NSG = SCENARIOS / "explain_exposure_nsg_source_ranges"
MANIFESTS = SCENARIOS / "acceptance_clusters"  # copies of shared/acceptance/manifests (same documents)


def _ok(*args: str, stdin: str | None = None) -> str:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, (args, r.err)
    return r.out


def _acceptance03() -> None:
    _ok("az", "group", "create", "--name", "myResourceGroup", "--location", "eastus")
    _ok("az", "network", "vnet", "create", "-g", "myResourceGroup", "-n", "myVnet", "--address-prefixes",
        "10.240.0.0/16", "--subnet-name", "mySubnet", "--subnet-prefixes", "10.240.0.0/22")
    subnet = _ok("az", "network", "vnet", "subnet", "show", "-g", "myResourceGroup", "--vnet-name", "myVnet", "-n",
                 "mySubnet", "--query", "id", "-o", "tsv").strip()
    _ok("az", "vm", "create", "-g", "myResourceGroup", "-n", "jumpbox", "--vnet-name", "myVnet", "--subnet",
        "mySubnet", "--image", "Ubuntu2204", "--admin-username", "azureuser", "--generate-ssh-keys")
    _ok("az", "aks", "create", "--resource-group", "myResourceGroup", "--name", "myAKSCluster", "--network-plugin",
        "kubenet", "--network-policy", "calico", "--vnet-subnet-id", subnet, "--pod-cidr", "10.244.0.0/16",
        "--service-cidr", "10.0.0.0/16", "--dns-service-ip", "10.0.0.10", "--generate-ssh-keys")
    _ok("az", "aks", "get-credentials", "--resource-group", "myResourceGroup", "--name", "myAKSCluster")
    for m in ("production-app.yaml", "network-policy.yaml"):
        _ok("kubectl", "apply", "-f", str(MANIFESTS / m))
    _ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    _ok("helm", "install", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
        "--create-namespace", "--set", "controller.replicaCount=2")
    _ok("kubectl", "create", "secret", "tls", "tls-secret", "-n", "production", "--cert", str(ACC03 / "tls.crt"),
        "--key", str(ACC03 / "tls.key"))
    for m in ("ingress.yaml", "internal-app.yaml", "web-services.yaml"):
        _ok("kubectl", "apply", "-f", str(MANIFESTS / m))


def _golden(name: str, text: str, scenario: Path, update: bool) -> None:
    check_golden(scenario / "expected" / name, text, update)


def _agrees_with_curl() -> None:
    """Every ingress entry agrees with ``aksnet curl`` from the same client: a reachable backend answers
    (``pod=<its pod>``), a blocked one leaves nginx without an upstream (504)."""
    doc = json.loads(_ok("explain", "--exposure", "-o", "json"))
    assert doc["ingress"]
    for e in doc["ingress"]:
        host = e["url"].split("/")[2]
        out = _ok("curl", "-k", "--resolve", f"{host}:{e['port']}:{e['address']}", "--from", e["client"], e["url"])
        pod = next((x[4:] for x in out.splitlines() if x.startswith("pod=")), None)
        reachable = {p.rsplit("[", 1)[0] for b in e["backends"] for p in b["pods"]}
        if e["status"] == "reachable":
            assert pod in reachable, (e["url"], out)
        else:
            assert pod is None and "504 Gateway Time-out" in out, (e["url"], out)


def test_acceptance03_exposure(home: Path, update_golden: bool) -> None:
    _acceptance03()
    _agrees_with_curl()
    blocked = _ok("explain", "--exposure")
    _golden("exposure_blocked.txt", blocked, ACC03, update_golden)
    assert "production/api[Deployment]: blocked — NetworkPolicy ingress (calico): selected by " \
           "production/deny-all-ingress" in blocked
    assert not [x for x in _ok("matrix", "--path", "-n", "production").splitlines() if x.startswith("internet ")]
    _ok("kubectl", "apply", "-f", str(MANIFESTS / "allow-ingress-controller.yaml"))
    allowed = _ok("explain", "--exposure")
    _agrees_with_curl()
    _golden("exposure_allowed.txt", allowed, ACC03, update_golden)
    _golden("exposure_allowed.json", _ok("explain", "--exposure", "-o", "json"), ACC03, update_golden)
    matrix = _ok("matrix", "--path", "-n", "production")
    _golden("matrix_path_production.txt", matrix, ACC03, update_golden)
    assert "internet => production/api[Deployment] : via ingress nginx https://myapp.example.com/api (TCP 443)\n" \
        in matrix
    _golden("matrix_path_production.csv", _ok("matrix", "--path", "-n", "production", "-o", "csv"), ACC03,
            update_golden)
    _golden("explain_api.txt", _ok("explain", "deploy/api", "-n", "production"), ACC03, update_golden)
    _golden("exposure_web.json", _ok("explain", "--exposure", "deploy/web", "-o", "json"), ACC03, update_golden)


SHOP = """\
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: admin, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 8443, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/whitelist-source-range: 203.0.113.0/24
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""


def shop_cluster() -> None:
    """Azure CNI + NPM, ingress-nginx (externalTrafficPolicy Local), the shop's Services (one restricted by
    loadBalancerSourceRanges) and Ingress (allowlist), and a custom NSG rule denying TCP 8443."""
    _ok("az", "group", "create", "-n", "rg", "-l", "eastus")
    _ok("az", "aks", "create", "-g", "rg", "-n", "aks", "--network-plugin", "azure", "--network-policy", "azure",
        "--node-count", "2", "--generate-ssh-keys")
    _ok("az", "aks", "get-credentials", "-g", "rg", "-n", "aks")
    _ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
    # externalTrafficPolicy Local: nginx sees the client address, so the allowlist can admit it
    _ok("helm", "install", "ingress-nginx", "ingress-nginx/ingress-nginx", "--namespace", "ingress-nginx",
        "--create-namespace", "--set", "controller.service.externalTrafficPolicy=Local")
    _ok("kubectl", "apply", "-f", "-", stdin=SHOP)
    nsg = _ok("az", "network", "nsg", "list", "-g", "MC_rg_aks_eastus", "--query", "[0].name", "-o", "tsv").strip()
    _ok("az", "network", "nsg", "rule", "create", "-g", "MC_rg_aks_eastus", "--nsg-name", nsg, "-n", "deny-admin",
        "--priority", "400", "--access", "Deny", "--direction", "Inbound", "--protocol", "Tcp",
        "--destination-port-ranges", "8443")


def test_source_ranges_and_nsg_deny(home: Path, update_golden: bool) -> None:
    shop_cluster()
    out = _ok("explain", "--exposure")
    _golden("exposure.txt", out, NSG, update_golden)
    doc = json.loads(_ok("explain", "--exposure", "-o", "json"))
    by_port = {e["port"]: e for e in doc["internet"]}
    assert by_port[80]["status"] == "reachable" and by_port[80]["client"] == "internet/203.0.113.1"
    assert by_port[80]["loadBalancerSourceRanges"] == ["203.0.113.0/24"]
    assert by_port[80]["outsideSourceRanges"].startswith("blocked from 198.51.100.10")
    assert by_port[8443]["status"] == "blocked" and "deny-admin (priority 400, Deny)" in by_port[8443]["rule"]
    (ing,) = doc["ingress"]
    assert ing["url"] == "http://shop.example.com/" and ing["client"] == "internet/203.0.113.1"
    assert ing["status"] == "reachable" and ing["outsideSourceRanges"].startswith("HTTP 403 from 198.51.100.10")


@pytest.mark.parametrize(("args", "message"), [
    (["explain", "--exposure", "--from-dir", "."], "--exposure needs a workspace cluster"),
    (["explain", "--exposure", "a", "--to", "b"], "cannot be combined with --to"),
    (["explain"], "required: POD|WORKLOAD (or use --exposure)"),
], ids=["from-dir", "with-to", "no-target"])
def test_usage_errors(args: list[str], message: str, home: Path) -> None:
    r = run_cli(*args)
    assert r.code == 2 and message in r.err, r.err
