"""``aksnet curl`` (the twin) and ``aksnet curl --dataplane`` (the real curl through the real data plane) print
the same echo for the same request: a pod → VM request and an internet → ingress request on the seeds'
policies-and-ingress cluster (acceptance 03, final state: controller Service with externalTrafficPolicy Local).

Lines excluded from the comparison, and why they legitimately differ:

* ``header.x-request-id``: NGINX's ``$req_id``, 16 random bytes per request (twin: a fixed example value);
* ``header.user-agent``: the twin's curl is a fixed version (curl/8.5.0), the real one is the host's curl;
* ``protocol=``: the real echo agent also states the transport (agent, shared by TCP and UDP
  probes); DESIGN.md's HTTP echo contract has no such line and the twin's HTTP echo omits it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import requires_dataplane
from tests.dataplane.test_acceptance_clusters import build_03, ok

pytestmark = [pytest.mark.dataplane, requires_dataplane]

EXCLUDED = ("header.x-request-id=", "header.user-agent=", "protocol=")


def _echo(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "=" in ln and not ln.startswith(EXCLUDED)]


def test_curl_without_up_is_a_clear_error(home: Path) -> None:
    ok("az", "group", "create", "--name", "rg", "--location", "eastus")
    r = run_cli("curl", "--dataplane", "http://10.0.0.4/")
    assert r.code == 1 and "the data plane is not up: run 'aksnet up' first" in r.err, r.err


def test_twin_and_dataplane_curl_print_the_same_echo(home: Path) -> None:
    build_03(home)
    ingress_ip = ok("kubectl", "get", "svc", "-n", "ingress-basic", "nginx-ingress-ingress-nginx-controller", "-o",
                    "jsonpath={.status.loadBalancer.ingress[0].ip}")
    jumpbox = ok("az", "vm", "list-ip-addresses", "-g", "myResourceGroup", "-n", "jumpbox", "--query",
                 "[0].virtualMachine.network.privateIpAddresses[0]", "-o", "tsv")
    pod = ok("kubectl", "get", "pods", "-n", "production", "-l", "app=frontend", "-o",
             "jsonpath={.items[0].metadata.name}")
    requests = {
        "pod-to-vm": ["--from", f"pod/{pod}", "-n", "production", "-H", "X-Probe: 1", f"http://{jumpbox}/hello"],
        "internet-to-ingress": ["-k", "--resolve", f"myapp.example.com:443:{ingress_ip}", "--from",
                                "internet/203.0.113.7", "https://myapp.example.com/api/users"],
    }
    try:
        ok("up")
        for name, args in requests.items():
            twin = run_cli("curl", *args)
            real = run_cli("curl", "--dataplane", *args)
            assert twin.code == real.code == 0, (name, twin.err, real.err)
            assert _echo(twin.out) and _echo(twin.out) == _echo(real.out), (name, twin.out, real.out)
    finally:
        run_cli("down")


SECURE_APP = """\
apiVersion: v1
kind: Namespace
metadata:
  name: secure
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: secure
  namespace: secure
spec:
  replicas: 1
  selector:
    matchLabels: {app: secure}
  template:
    metadata:
      labels: {app: secure}
    spec:
      containers:
      - name: app
        image: nginx
        ports:
        - containerPort: 8443
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  namespace: secure
  labels: {app: client}
spec:
  containers:
  - name: curl
    image: curlimages/curl
---
apiVersion: v1
kind: Service
metadata:
  name: secure
  namespace: secure
spec:
  selector: {app: secure}
  ports:
  - port: 443
    targetPort: 8443
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: secure
  namespace: secure
  annotations:
    nginx.ingress.kubernetes.io/backend-protocol: HTTPS
spec:
  ingressClassName: nginx
  rules:
  - host: secure.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: secure
            port:
              number: 443
"""


def test_https_backends_agree(home: Path) -> None:
    """TLS terminated in the backend: ``curl -k https://<pod-ip>:8443`` answers the echo in both, without
    ``-k`` both fail with curl's exit 60 (self-signed certificate), and an Ingress with backend-protocol HTTPS
    reaches the pod over TLS (NGINX's ``proxy_pass https://`` with ``proxy_ssl_verify off``)."""
    build_03(home)
    ok("kubectl", "apply", "-f", "-", stdin=SECURE_APP)
    ingress_ip = ok("kubectl", "get", "svc", "-n", "ingress-basic", "nginx-ingress-ingress-nginx-controller", "-o",
                    "jsonpath={.status.loadBalancer.ingress[0].ip}")
    # one backend pod: real NGINX round-robins over the upstream's servers, the twin names the first
    target_ip = ok("kubectl", "get", "pods", "-n", "secure", "-l", "app=secure", "-o",
                   "jsonpath={.items[0].status.podIP}")
    client = "client"
    requests = {
        "pod-to-pod-https": (0, ["--from", f"pod/{client}", "-n", "secure", "-k", "-H", "X-Probe: tls",
                                 f"https://{target_ip}:8443/tls?x=1"]),
        "vm-to-pod-https-unverified": (60, ["--from", "vm/jumpbox", f"https://{target_ip}:8443/"]),
        "internet-to-ingress-https-backend": (0, ["-k", "--resolve", f"secure.example.com:443:{ingress_ip}", "--from",
                                                  "internet/203.0.113.7", "https://secure.example.com/s"]),
        "internet-http-to-ingress-https-backend": (0, ["--resolve", f"secure.example.com:80:{ingress_ip}", "--from",
                                                       "internet/203.0.113.7", "http://secure.example.com/p"]),
    }
    try:
        ok("up")
        for name, (code, args) in requests.items():
            twin = run_cli("curl", *args)
            real = run_cli("curl", "--dataplane", *args)
            assert twin.code == real.code == code, (name, twin.code, real.code, twin.err, real.err)
            if code:
                assert twin.err.splitlines()[0] == real.err.splitlines()[0], (name, twin.err, real.err)
            else:
                assert _echo(twin.out) and _echo(twin.out) == _echo(real.out), (name, twin.out, real.out)
        assert (home / "dataplane" / "tls" / "echo.key").is_file()
    finally:
        run_cli("down")
    assert not (home / "dataplane" / "tls").exists(), "down left the echo agent's key behind"
