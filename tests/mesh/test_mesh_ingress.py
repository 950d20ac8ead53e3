"""A request through ingress-nginx (outside the mesh) to a backend whose sidecar enforces an AuthorizationPolicy:
the upstream leg is judged with the request nginx sends; plaintext has no principal, so the sidecar answers 403
``RBAC: access denied`` and nginx passes it on (istio.io/latest/docs/tasks/security/authorization/authz-http/)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import aksnet_home, run_cli

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "az_aks_mesh_authorization"


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


def test_ingress_nginx_upstream_denied_by_sidecar(tmp_path: Path) -> None:
    with aksnet_home(tmp_path / "home"):
        ok("az", "group", "create", "-n", "g", "-l", "eastus", "-o", "none")
        ok("az", "aks", "create", "-g", "g", "-n", "c", "--node-count", "2", "--network-plugin", "kubenet",
           "--generate-ssh-keys", "--enable-azure-service-mesh", "--revision", "asm-1-27", "-o", "none")
        ok("az", "aks", "get-credentials", "-g", "g", "-n", "c")
        ok("kubectl", "apply", "-f", str(SCENARIO / "workloads.yaml"))
        ok("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")
        ok("helm", "install", "ingress-nginx", "ingress-nginx/ingress-nginx", "-n", "ingress-nginx",
           "--create-namespace")
        ok("kubectl", "create", "ingress", "web", "-n", "foo", "--class", "nginx", "--rule=/*=httpbin:8000")
        ip = ok("kubectl", "get", "svc", "-n", "ingress-nginx", "ingress-nginx-controller", "-o",
                "jsonpath={.status.loadBalancer.ingress[0].ip}").strip()
        assert ok("curl", f"http://{ip}/headers").startswith("pod=foo/httpbin-")
        ok("kubectl", "apply", "-f", str(SCENARIO / "httpbin-get.yaml"))
        denied = ok("curl", f"http://{ip}/headers", "-i")
        assert denied.startswith("HTTP/1.1 403 Forbidden") and denied.rstrip().endswith("RBAC: access denied")
        trace = run_cli("trace", "internet", f"http://{ip}/headers")  # exit 1: not delivered to the backend
        assert trace.code == 1 and "ALLOW policies apply (foo/httpbin-get) and none matched" in trace.out


GATEWAY = """apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: istio}
spec: {controllerName: istio.io/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: foo}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: httpbin, namespace: foo}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: httpbin, port: 8000}]}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-gateway, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  rules:
  - from: [{source: {principals: [cluster.local/ns/foo/sa/default]}}]
    to: [{operation: {paths: [/headers]}}]
"""


def test_gateway_upstream_judged_with_the_routed_request(tmp_path: Path) -> None:
    """An Istio-deployed Gateway's pod is in the mesh (mTLS, identity of its service account): the backend's
    sidecar sees its principal and the request's path."""
    with aksnet_home(tmp_path / "home"):
        ok("az", "group", "create", "-n", "g", "-l", "eastus", "-o", "none")
        ok("az", "aks", "create", "-g", "g", "-n", "c", "--node-count", "2", "--network-plugin", "kubenet",
           "--generate-ssh-keys", "--enable-azure-service-mesh", "--enable-gateway-api", "-o", "none")
        ok("az", "aks", "get-credentials", "-g", "g", "-n", "c")
        ok("kubectl", "apply", "-f", str(SCENARIO / "workloads.yaml"))
        manifest = tmp_path / "gw.yaml"
        manifest.write_text(GATEWAY)
        ok("kubectl", "apply", "-f", str(manifest))
        ip = ok("kubectl", "get", "gateway", "-n", "foo", "gw", "-o", "jsonpath={.status.addresses[0].value}")
        assert ok("curl", f"http://{ip}/headers").startswith("pod=foo/httpbin-")
        denied = ok("curl", "-i", f"http://{ip}/ip")
        assert denied.startswith("HTTP/1.1 403 Forbidden") and denied.rstrip().endswith("RBAC: access denied")
