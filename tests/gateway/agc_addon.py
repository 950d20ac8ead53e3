"""A cluster with the Application Gateway for Containers add-on and a managed AGC, for tests that need Gateways
served by AGC: a VNet with the AKS subnet and a delegated /24 for the association, ``az aks create
--enable-gateway-api --enable-application-load-balancer`` (plus ``extra`` flags), then ``kubectl apply`` of the
test's manifests, in which ``%s`` stands for the association subnet's ID."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def ok(*argv: str) -> str:
    """Run ``aksnet ARGV``; it must succeed."""
    r = run_cli(*argv)
    assert r.code == 0, f"{argv}: {r.err}"
    return r.out


def build(tmp_path: Path, manifests: str, *extra: str, before: tuple[str, ...] = ()) -> None:
    """Build the cluster and apply ``manifests`` (after ``kubectl apply -f`` of each of ``before``)."""
    ok("az", "group", "create", "-n", "rg", "-l", "northeurope")
    ok("az", "network", "vnet", "create", "-g", "rg", "-n", "v", "--address-prefixes", "10.224.0.0/12",
       "--subnet-name", "aks", "--subnet-prefixes", "10.224.0.0/16")
    alb_subnet = json.loads(ok("az", "network", "vnet", "subnet", "create", "-g", "rg", "--vnet-name", "v", "-n",
                               "alb", "--address-prefixes", "10.225.0.0/24", "--delegations",
                               "Microsoft.ServiceNetworking/trafficControllers"))["id"]
    aks = json.loads(ok("az", "network", "vnet", "subnet", "show", "-g", "rg", "--vnet-name", "v", "-n", "aks"))
    ok("az", "aks", "create", "-g", "rg", "-n", "c", "--network-plugin", "azure", "--vnet-subnet-id", aks["id"],
       "--node-count", "1", *extra, "--enable-gateway-api", "--enable-application-load-balancer")
    ok("az", "aks", "get-credentials", "-g", "rg", "-n", "c")
    for url in before:
        ok("kubectl", "apply", "-f", url)
    f = tmp_path / "manifests.yaml"
    f.write_text(manifests % alb_subnet)
    ok("kubectl", "apply", "-f", str(f))


def managed_gateway(namespace: str) -> str:
    """An ApplicationLoadBalancer ``alb`` on the association subnet (``%s``) and Gateway ``gw`` (HTTP listener
    ``http`` on 80) bound to it, in ``namespace``."""
    return f"""---
apiVersion: alb.networking.azure.io/v1
kind: ApplicationLoadBalancer
metadata: {{name: alb, namespace: {namespace}}}
spec: {{associations: [%s]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: {namespace}
  annotations: {{alb.networking.azure.io/alb-namespace: {namespace}, alb.networking.azure.io/alb-name: alb}}
spec:
  gatewayClassName: azure-alb-external
  listeners: [{{name: http, port: 80, protocol: HTTP}}]
"""
