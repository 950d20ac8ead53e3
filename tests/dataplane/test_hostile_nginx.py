"""Real NGINX with accepted tricky values (nginx variables, regex characters, a cookie name with '-' and '.',
a hostile ConfigMap value that the controller ignores): ``aksnet curl`` (the twin) and ``aksnet curl
--dataplane`` print the same answer, NGINX's worker processes run as ``nobody`` (the master stays root),
and every file NGINX holds open for writing lies in the controller pod's prefix directory."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import requires_dataplane
from tests.dataplane.test_acceptance_clusters import build_03, ok
from tests.dataplane.test_curl_parity import _echo

pytestmark = [pytest.mark.dataplane, requires_dataplane]

P = "nginx.ingress.kubernetes.io/"
TRICKY = f"""\
apiVersion: v1
kind: Namespace
metadata: {{name: tricky}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: tricky}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: app, image: nginx, ports: [{{containerPort: 8080}}]}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web-canary, namespace: tricky}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: web-canary}}}}
  template:
    metadata: {{labels: {{app: web-canary}}}}
    spec: {{containers: [{{name: app, image: nginx, ports: [{{containerPort: 8080}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: tricky}}
spec: {{selector: {{app: web}}, ports: [{{port: 80, targetPort: 8080}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: web-canary, namespace: tricky}}
spec: {{selector: {{app: web-canary}}, ports: [{{port: 80, targetPort: 8080}}]}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: tricky
  namespace: tricky
  annotations:
    {P}use-regex: "true"
    {P}rewrite-target: "/$1/$host"
    {P}x-forwarded-prefix: "/pre$fix"
    {P}upstream-vhost: "$host.internal"
spec:
  ingressClassName: nginx
  rules:
  - host: tricky.example.com
    http:
      paths:
      - {{path: "/t/(.*)", pathType: ImplementationSpecific, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
      - {{path: /plain, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: cookie
  namespace: tricky
spec:
  ingressClassName: nginx
  rules:
  - host: cookie.example.com
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: cookie-canary
  namespace: tricky
  annotations:
    {P}canary: "true"
    {P}canary-by-cookie: "my-canary.v2"
spec:
  ingressClassName: nginx
  rules:
  - host: cookie.example.com
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: web-canary, port: {{number: 80}}}}}}}}
"""


def _pids(ppid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(ppid)], capture_output=True, text=True, check=True)
    return [int(x) for x in out.stdout.split()]


def _user(pid: int) -> str:
    return subprocess.run(["ps", "-o", "user=", "-p", str(pid)], capture_output=True, text=True,
                          check=True).stdout.strip()


def _written_files(pid: int) -> list[str]:
    """Regular files the process holds open for writing (from /proc/PID/fdinfo flags)."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        if not target.startswith("/") or target.startswith("/dev/"):
            continue  # sockets, pipes, anonymous inodes, /dev/null
        flags = int(Path(f"/proc/{pid}/fdinfo/{fd}").read_text().split("flags:")[1].split()[0], 8)
        if flags & (os.O_WRONLY | os.O_RDWR):
            out.append(target)
    return out


def test_tricky_values_agree_and_workers_are_unprivileged(home: Path) -> None:
    build_03(home)
    ok("kubectl", "apply", "-f", "-", stdin=TRICKY)
    # a hostile ConfigMap value: helm stores it, the controller keeps the default (and warns)
    ok("helm", "upgrade", "nginx-ingress", "ingress-nginx/ingress-nginx", "--namespace", "ingress-basic",
       "--reuse-values", "--set", "controller.config.use-forwarded-headers=true", "--set-string",
       "controller.config.forwarded-for-header=X-Forwarded-For;access_log /tmp/aksnet-pwned")
    ip = ok("kubectl", "get", "svc", "-n", "ingress-basic", "nginx-ingress-ingress-nginx-controller", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}")
    internet = ["--from", "internet/203.0.113.7"]
    requests = {
        "rewrite-vhost-prefix": ["--resolve", f"tricky.example.com:80:{ip}", *internet,
                                 "http://tricky.example.com/t/a/b?x=1"],
        "plain-prefix": ["--resolve", f"tricky.example.com:80:{ip}", *internet, "http://tricky.example.com/plain/y"],
        "cookie-canary": ["--resolve", f"cookie.example.com:80:{ip}", *internet, "-H",
                          "Cookie: other=1; my-canary.v2=always", "http://cookie.example.com/c"],
        "cookie-mainline": ["--resolve", f"cookie.example.com:80:{ip}", *internet, "-H",
                            "Cookie: my-canary.v2=never", "http://cookie.example.com/c"],
    }
    try:
        ok("up")
        for name, args in requests.items():
            twin = run_cli("curl", *args)
            real = run_cli("curl", "--dataplane", *args)
            assert twin.code == real.code == 0, (name, twin.err, real.err)
            assert _echo(twin.out) and _echo(twin.out) == _echo(real.out), (name, twin.out, real.out)
        assert "header.host=$host.internal" in _echo(twin_out := run_cli("curl", *requests["rewrite-vhost-prefix"]).out)
        assert "header.x-forwarded-prefix=/pre$fix" in _echo(twin_out)
        pidfiles = sorted((home / "dataplane" / "nginx").glob("*/nginx.pid"))
        assert pidfiles, "no NGINX is running"
        for pidfile in pidfiles:
            prefix = str(pidfile.parent)
            master = int(pidfile.read_text().split()[0])
            workers = _pids(master)
            assert _user(master) == "root"
            assert workers and all(_user(w) == "nobody" for w in workers), [(w, _user(w)) for w in workers]
            for pid in [master, *workers]:
                outside = [f for f in _written_files(pid) if not f.startswith(prefix + "/")]
                assert not outside, (pid, outside)
        assert not Path("/tmp/aksnet-pwned").exists()
    finally:
        run_cli("down")
