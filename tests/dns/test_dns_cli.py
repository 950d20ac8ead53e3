"""``aksnet dns`` on an emulated cluster: nslookup-style output, exit codes, the pod's resolv.conf."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

WEB = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: myapp.eastus.cloudapp.azure.com}
---
apiVersion: v1
kind: Service
metadata:
  name: public
  annotations: {service.beta.kubernetes.io/azure-dns-label-name: myapp}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""


@pytest.fixture
def cluster(home: Path) -> None:
    for argv in (["az", "group", "create", "-n", "rg", "-l", "eastus"],
                 ["az", "aks", "create", "-g", "rg", "-n", "aks", "--node-count", "1", "--network-plugin", "kubenet",
                  "--service-cidr", "10.32.0.0/16", "--dns-service-ip", "10.32.0.10", "--generate-ssh-keys"],
                 ["az", "aks", "get-credentials", "-g", "rg", "-n", "aks"]):
        assert run_cli(*argv).code == 0
    r = run_cli("kubectl", "apply", "-f", "-", stdin=WEB)
    assert r.code == 0, r.err


def test_service_name_like_nslookup(cluster: None) -> None:
    ip = run_cli("kubectl", "get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}").out
    r = run_cli("dns", "web")
    assert r.code == 0
    assert r.out == (f"Server:\t\t10.32.0.10\nAddress:\t10.32.0.10#53\n\nName:\tweb.default.svc.cluster.local\n"
                     f"Address: {ip}\n")


def test_nxdomain_exits_1(cluster: None) -> None:
    r = run_cli("dns", "nosuch.default")
    assert r.code == 1
    assert r.out.endswith("** server can't find nosuch.default: NXDOMAIN\n")


def test_externalname_follows_the_cname_to_the_public_ip_label(cluster: None) -> None:
    lb_ip = run_cli("kubectl", "get", "svc", "public", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").out
    r = run_cli("dns", "ext")
    assert r.code == 0
    assert "ext.default.svc.cluster.local\tcanonical name = myapp.eastus.cloudapp.azure.com.\n" in r.out
    assert r.out.endswith(f"Name:\tmyapp.eastus.cloudapp.azure.com\nAddress: {lb_ip}\n")


def test_from_pod_json_and_resolv_conf(cluster: None) -> None:
    pod = json.loads(run_cli("kubectl", "get", "pods", "-o", "json").out)["items"][0]["metadata"]["name"]
    r = run_cli("dns", "web.default", "--from", f"pod/default/{pod}", "-o", "json")
    data = json.loads(r.out)
    assert data["rcode"] == "NOERROR" and data["pod"] == f"default/{pod}"
    tried = [t["name"] for t in data["tried"]]
    assert tried == ["web.default.default.svc.cluster.local", "web.default.svc.cluster.local"]
    r = run_cli("dns", "_http._tcp.web", "--type", "SRV", "--resolv-conf", "--from", pod)
    assert r.out.startswith("search default.svc.cluster.local svc.cluster.local cluster.local ")
    assert "nameserver 10.32.0.10\noptions ndots:5\n" in r.out
    assert "service = 0 100 80 web.default.svc.cluster.local." in r.out


@pytest.mark.parametrize(("argv", "message"), [
    (["dns", "web", "--from", "nope"], 'pods "nope" not found in namespace "default"'),
    (["dns", "web", "--type", "MX"], "unsupported query type 'MX'"),
], ids=["unknown-pod", "bad-type"])
def test_bad_input_exits_2(cluster: None, argv: list[str], message: str) -> None:
    r = run_cli(*argv)
    assert r.code == 2 and message in r.err


def test_from_deployment_and_host_network(cluster: None) -> None:
    r = run_cli("dns", "web", "--from", "deploy/web")
    assert r.code == 0 and "Name:\tweb.default.svc.cluster.local" in r.out
    r = run_cli("dns", "web", "--from", "deploy/nope")
    assert r.code == 2 and 'no running pod of deploy/nope in namespace "default"' in r.err


@pytest.mark.parametrize("name", ["mcr.microsoft.com", "example.com"])
def test_named_internet_hosts_resolve_as_trace_resolves_them(cluster: None, name: str) -> None:
    """dns, trace and curl share the public names the emulation knows (rules/emulation.py)."""
    r = run_cli("dns", name)
    assert r.code == 0, r.out
    t = run_cli("trace", "deploy/web", f"http://{name}/")
    ip = r.out.rsplit("Address: ", 1)[1].strip()
    assert f"({ip}:80/TCP)" in t.out.splitlines()[0], t.out
