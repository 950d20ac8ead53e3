"""The real kubectl 1.32 formats the same objects as aksnet: ``get -o yaml|jsonpath|jsonpath-as-json|
custom-columns|go-template|name`` and ``describe`` of Service, NetworkPolicy, Ingress, Endpoints, EndpointSlice,
IngressClass, Node (with its Lease, pods and their requests) and PodDisruptionBudget, each compared byte for
byte. aksnet's objects are served to kubectl by a read-only fake API server on 127.0.0.1
(tests/kube/fake_apiserver.py); these outputs are formatted on kubectl's side, so the server cannot shape them
(server-side tables are not served: ``get`` without ``-o`` is not compared here). Objects are made at a fixed
time and read on the real clock, as kubectl reads ages. Needs a kubectl 1.32 binary ($AKSNET_KUBECTL_132, or
``kubectl.1.32``/``kubectl`` 1.32 on PATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import aksnet_home, run_cli
from tests.kube.fake_apiserver import kubeconfig, serve

MANIFESTS = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, "on": "y"}}
spec:
  replicas: 4  # more than describe's 3 endpoints
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: "1", memory: 1.5Gi}}
      - {name: side, image: busybox, resources: {limits: {cpu: 750m, memory: 128Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, annotations: {note: "yes"}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 80}, {name: alt, port: 8080, targetPort: 80}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {maxUnavailable: "30%", selector: {matchLabels: {app: web}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-min}
spec: {minAvailable: 3, selector: {matchLabels: {app: web}}}
---
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec:
  selector: {app: none}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {role: client}}
    - namespaceSelector: {matchLabels: {team: a}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports: [{port: 80, protocol: TCP}]
  - {}
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}}
spec:
  tls: [{hosts: [a.example.com], secretName: tls-a}]
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /alt, pathType: Exact, backend: {service: {name: web, port: {name: alt}}}}
      - {path: /gone, pathType: Exact, backend: {service: {name: nope, port: {number: 80}}}}
"""
# applied after the workloads have their addresses
INGRESS_CLASS = """apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
"""

KINDS = ("pods", "services", "endpoints", "deployments", "ingresses", "networkpolicies", "endpointslices",
         "events", "nodes", "namespaces", "replicasets", "ingressclasses", "leases", "poddisruptionbudgets")

CASES = [
    ("yaml-service", ["get", "svc", "web", "-o", "yaml"]),
    ("yaml-go-yaml-quoting", ["get", "deploy", "web", "-o", "yaml"]),
    ("jsonpath", ["get", "svc", "web", "-o", "jsonpath={.spec.ports[*].port}"]),
    ("jsonpath-as-json", ["get", "svc", "web", "-o", "jsonpath-as-json={.spec.ports[*].port}"]),
    ("custom-columns-lists-and-maps", ["get", "svc", "-o",
                                       "custom-columns=NAME:.metadata.name,PORTS:.spec.ports[*].port,"
                                       "SEL:.spec.selector"]),
    ("custom-columns-labels", ["get", "deploy", "web", "-o",
                               "custom-columns=NAME:.metadata.name,LABELS:.metadata.labels,"
                               "IMAGES:.spec.template.spec.containers[*].image,REPLICAS:.spec.replicas"]),
    ("go-template-range", ["get", "svc", "web", "-o", "go-template={{.metadata.name}} {{range .spec.ports}}"
                                                     "{{.port}} {{end}}"]),
    ("go-template-vars", ["get", "svc", "web", "-o",
                          "go-template={{range $k, $v := .metadata.annotations}}{{$k}}={{$v}}{{end}}"]),
    ("go-template-if-index-len", ["get", "svc", "web", "-o", 'go-template={{if .spec.selector}}'
                                  '{{index .spec.selector "app"}}{{else}}none{{end}} {{len .spec.ports}} '
                                  '{{.spec.selector}} {{.nope}}']),
    ("short-selector-flag", ["get", "deploy", "-lapp=web", "-o", "jsonpath={.items[*].metadata.labels}"]),
    ("name", ["get", "deploy", "-l", "app=web", "-o", "name"]),
    ("describe-service", ["describe", "svc", "web"]),
    ("describe-service-without-endpoints", ["describe", "svc", "nothing"]),
    ("describe-networkpolicy", ["describe", "networkpolicy", "allow-web"]),
    ("describe-networkpolicy-deny-all", ["describe", "networkpolicy", "deny-all"]),
    ("describe-ingress", ["describe", "ingress", "web"]),
    ("describe-endpoints", ["describe", "endpoints", "web"]),
    ("describe-endpointslice", ["describe", "endpointslices"]),
    ("describe-ingressclass", ["describe", "ingressclass", "nginx"]),
    ("describe-node", ["describe", "node"]),
    ("describe-pdb", ["describe", "pdb"]),
]


def _kubectl_132() -> str | None:
    candidates = [os.environ.get("AKSNET_KUBECTL_132"), shutil.which("kubectl.1.32")]
    found = shutil.which("kubectl")
    if found:
        candidates.append(str(Path(os.path.realpath(found)).with_name("kubectl.1.32")))
        candidates.append(found)
    for c in candidates:
        if c and os.access(c, os.X_OK):
            out = subprocess.run([c, "version", "--client"], capture_output=True, text=True, check=False).stdout
            if "v1.32." in out:
                return c
    return None


KUBECTL = _kubectl_132()


@contextmanager
def served_workspace(base: Path, build: Callable[[], None]) -> Iterator[tuple[Path, Path]]:
    """The workspace ``build`` makes under ``base`` (its objects made at a fixed time, read on the real clock), its
    objects of :data:`KINDS` served by the fake API server: (aksnet home, kubeconfig of the real kubectl)."""
    with aksnet_home(base / "home"):
        os.environ["AKSNET_NOW"] = "2026-01-01T00:00:00Z"
        try:
            build()
            objs = [o for kind in KINDS for o in json.loads(run_cli("kubectl", "get", kind, "-A", "-o", "json").out)
                    ["items"]]
        finally:
            os.environ.pop("AKSNET_NOW", None)
        with serve(objs) as url:
            yield base / "home", kubeconfig(base / "kubeconfig", url)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    if KUBECTL is None:
        pytest.skip("no kubectl 1.32 binary")
    base = tmp_path_factory.mktemp("oracle")

    def build() -> None:
        for args in (("az", "group", "create", "-n", "rg", "-l", "eastus"),
                     ("az", "aks", "create", "-g", "rg", "-n", "c", "--node-count", "1", "--network-plugin",
                      "azure", "--network-policy", "azure"),
                     ("az", "aks", "get-credentials", "-g", "rg", "-n", "c")):
            assert run_cli(*args).code == 0
        (base / "m.yaml").write_text(MANIFESTS)
        assert run_cli("kubectl", "apply", "-f", str(base / "m.yaml")).code == 0
        (base / "ic.yaml").write_text(INGRESS_CLASS)
        assert run_cli("kubectl", "apply", "-f", str(base / "ic.yaml")).code == 0
        node = run_cli("kubectl", "get", "nodes", "-o", "name").out.split()[0]
        for taint in ("dedicated=web:PreferNoSchedule", "gpu:NoSchedule", "zone=a:NoSchedule"):
            assert run_cli("kubectl", "taint", node, taint).code == 0

    with served_workspace(base, build) as served:
        yield served


@pytest.mark.parametrize("args", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_real_kubectl_formats_as_aksnet(served: tuple[Path, Path], args: list[str]) -> None:
    real, mine = real_and_mine(served, args)
    assert mine == real


def real_and_mine(served: tuple[Path, Path], args: list[str]) -> tuple[str, str]:
    """(what the real kubectl prints, what aksnet prints) for ``kubectl ARGS`` over the served objects."""
    home, config = served
    assert KUBECTL is not None
    real = subprocess.run([KUBECTL, "--kubeconfig", str(config), *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "TZ": "UTC"})
    assert real.returncode == 0, real.stderr
    with aksnet_home(home):  # the real clock, as kubectl's ages (objects were made at AKSNET_NOW)
        mine = run_cli("kubectl", *args)
    return real.stdout, mine.out
