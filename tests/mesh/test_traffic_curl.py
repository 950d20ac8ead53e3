"""Istio's traffic API through ``curl`` (aksnet.analyses.curl_mesh): what the proxies answer themselves and what
the DestinationRule's TLS does to a STRICT workload. One cluster with Bookinfo (tests/scenarios/
az_aks_mesh_request_routing) per row; each row applies its manifest and checks curl's answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

BOOKINFO = Path(__file__).resolve().parent.parent / "scenarios" / "az_aks_mesh_request_routing"
INGRESS = "20.81.0.2"  # the external gateway's frontend in a fresh workspace (the golden scenario shows it)


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.out


@pytest.fixture
def bookinfo(home: Path) -> Path:
    ok("az", "group", "create", "-n", "g", "-l", "eastus", "-o", "none")
    ok("az", "aks", "create", "-g", "g", "-n", "c", "--node-count", "2", "--network-plugin", "kubenet",
       "--generate-ssh-keys", "--enable-azure-service-mesh", "--revision", "asm-1-27", "-o", "none")
    ok("az", "aks", "get-credentials", "-g", "g", "-n", "c")
    ok("az", "aks", "mesh", "enable-ingress-gateway", "-g", "g", "-n", "c", "--ingress-gateway-type", "external",
       "-o", "none")
    ok("kubectl", "apply", "-f", str(BOOKINFO / "bookinfo.yaml"), "-f", str(BOOKINFO / "bookinfo-gateway.yaml"),
       "-f", str(BOOKINFO / "destination-rule-all.yaml"))
    return home


STRICT_DISABLE = """apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: default}
spec: {mtls: {mode: STRICT}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  trafficPolicy: {tls: {mode: DISABLE}}
"""
EXTERNAL = """apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: example}
spec:
  hosts: [example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: example}
spec:
  hosts: [example.com]
  http:
  - match: [{uri: {prefix: /blocked}}]
    directResponse: {status: 403, body: {string: blocked by the mesh}}
  - timeout: 3s
    route: [{destination: {host: example.com}}]
"""
GATEWAY_EDITS = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {exact: /old}}]
    redirect: {uri: /productpage, redirectCode: 308}
  - match: [{uri: {prefix: /api/}}]
    rewrite: {uri: /api/v1/}
    headers:
      request: {set: {x-from-gateway: "yes"}, remove: [user-agent]}
      response: {add: {x-served-by: bookinfo}}
    route: [{destination: {host: productpage, subset: v1, port: {number: 9080}}}]
"""

HTTPS_SERVER = """apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: secure}
spec:
  selector: {istio: aks-istio-ingressgateway-external}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [bookinfo.example.com]
    tls: {mode: SIMPLE, credentialName: bookinfo-cert}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: secure}
spec:
  hosts: [bookinfo.example.com]
  gateways: [secure]
  http: [{route: [{destination: {host: productpage, port: {number: 9080}}}]}]
"""

ROWS = [
    pytest.param(STRICT_DISABLE, ["curl", "-i", "--from", "deploy/default/reviews-v2", "http://ratings:9080/x"],
                 ["HTTP/1.1 503 Service Unavailable", "reset reason: connection termination"],
                 id="tls-disabled-to-strict-503"),
    pytest.param(EXTERNAL, ["curl", "-i", "--from", "deploy/default/reviews-v2", "http://example.com/blocked"],
                 ["HTTP/1.1 403 Forbidden", "blocked by the mesh"], id="serviceentry-direct-response"),
    pytest.param(EXTERNAL, ["trace", "deploy/default/reviews-v2", "http://example.com/page"],
                 ["host=example.com", "request_uri=/page", "[spec.http[1].timeout] 3s",
                  "ServiceEntry default/example: example.com is MESH_EXTERNAL, resolution DNS"],
                 id="serviceentry-routed-out"),
    pytest.param(GATEWAY_EDITS, ["curl", "-i", f"http://{INGRESS}/old?x=1"],
                 ["HTTP/1.1 308 Permanent Redirect", f"location: http://{INGRESS}/productpage?x=1"],
                 id="gateway-redirect"),
    pytest.param(GATEWAY_EDITS, ["curl", "-i", f"http://{INGRESS}/api/products"],
                 ["request_uri=/api/v1/products", "header.x-from-gateway=yes", "x-served-by: bookinfo",
                  "pod=default/productpage-v1", "!header.user-agent"], id="gateway-rewrite-and-headers"),
    pytest.param(HTTPS_SERVER, ["curl", "-k", "--resolve", f"bookinfo.example.com:443:{INGRESS}",
                                "https://bookinfo.example.com/productpage"],
                 ["pod=default/productpage-v1", "header.x-forwarded-proto=https"], id="gateway-https-by-sni"),
    pytest.param(HTTPS_SERVER, ["curl", "-k", f"https://{INGRESS}/productpage", "-H", "Host: bookinfo.example.com"],
                 [], id="gateway-https-without-sni-35"),
]


@pytest.mark.parametrize(("manifest", "command", "expected"), ROWS)
def test_traffic_answers(bookinfo: Path, tmp_path: Path, manifest: str, command: list[str],
                         expected: list[str]) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(manifest)
    ok("kubectl", "apply", "-f", str(path))
    if not expected:  # no SNI for an IP address: no server takes the handshake
        r = run_cli(*command)
        assert r.code == 35 and "SSL_connect" in r.err, r.err
        return
    out = ok(*command)
    for text in expected:  # "!text": must not be there
        assert (text[1:] not in out) if text.startswith("!") else (text in out), out


def test_explain_lists_routes_to_the_workload(bookinfo: Path) -> None:
    """explain's mesh section names the subset that holds the pod and the VirtualService route that sends there."""
    ok("kubectl", "apply", "-f", str(BOOKINFO / "virtual-service-reviews-test-v2.yaml"))
    out = ok("explain", "deploy/default/reviews-v2")
    assert "DestinationRule default/reviews: subset v2 of reviews.default.svc.cluster.local contains this pod" in out
    assert "VirtualService default/reviews: spec.http[0].route[0] sends reviews.default.svc.cluster.local subset " \
           "v2 here (gateways mesh)" in out
    assert "spec.http[1]" not in out  # the v1 route does not reach reviews-v2
    gateway = ok("explain", "deploy/aks-istio-ingress/aks-istio-ingressgateway-external-asm-1-27")
    assert "Gateway default/bookinfo-gateway: servers 80 HTTP *" in gateway
