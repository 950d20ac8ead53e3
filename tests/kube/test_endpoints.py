"""EndpointSlices and Endpoints: selector + ready pods, named targetPorts resolved per pod,
publishNotReadyAddresses, the kubernetes Service's endpoint, no endpoints for selector-less Services."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.kube.helpers import docs, kubectl, setup_cluster

APP = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: api}}
spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 9090}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-service}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: manual}
spec:
  ports: [{port: 80}]
"""


def test_named_target_port_per_pod(home: Path, tmp_path: Path) -> None:
    cid = setup_cluster()
    f = tmp_path / "a.yaml"
    f.write_text(APP)
    assert kubectl("apply", "-f", str(f)).code == 0
    slices = [s for s in docs("k8s:discovery.k8s.io/EndpointSlice", cid)
              if s["metadata"]["labels"].get("kubernetes.io/service-name") == "api-service"]
    by_port = {s["ports"][0]["port"]: len(s["endpoints"]) for s in slices}
    assert by_port == {8080: 2, 9090: 1}
    assert all(s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
               for s in slices)
    ep = kubectl("get", "endpoints", "api-service", "-o", "jsonpath={.subsets[*].ports[*].port}").out
    assert ep == "8080 9090"
    assert not [s for s in docs("k8s:discovery.k8s.io/EndpointSlice", cid)
                if s["metadata"]["labels"].get("kubernetes.io/service-name") == "manual"]
    out = kubectl("describe", "svc", "api-service").out
    assert "Endpoints:" in out and ":8080" in out


def test_kubernetes_service_endpoint(home: Path) -> None:
    setup_cluster(private=True)
    r = kubectl("get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].ports[0].port}")
    assert r.out == "443"


def test_service_without_ready_pods_has_no_endpoints(home: Path, tmp_path: Path) -> None:
    setup_cluster(plugin="azure", max_pods=10)
    f = tmp_path / "s.yaml"
    f.write_text("""apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: 8
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec:
  selector: {app: none}
  ports: [{port: 80}]
""")
    kubectl("apply", "-f", str(f))
    out = kubectl("describe", "svc", "nothing").out
    assert "Endpoints:                \n" in out  # kubectl 1.32: a placeholder slice, no endpoints


STS = """apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432, name: pg}]
---
apiVersion: v1
kind: Service
metadata: {name: peers}
spec:
  clusterIP: None
  selector: {app: db}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: pg, image: postgres}]}
"""


def test_statefulset_hostnames_and_portless_headless(home: Path, tmp_path: Path) -> None:
    """ShouldSetHostname: ``spec.hostname`` when ``spec.subdomain`` is the Service (so db-0.db.NS.svc resolves);
    not for another Service selecting the same pods; a port-less headless Service still lists addresses."""
    setup_cluster()
    f = tmp_path / "s.yaml"
    f.write_text(STS)
    assert kubectl("apply", "-f", str(f)).code == 0
    assert kubectl("get", "endpointslice", "-l", "kubernetes.io/service-name=db", "-o",
                   "jsonpath={.items[*].endpoints[*].hostname}").out == "db-0 db-1"
    assert kubectl("get", "endpoints", "db", "-o", "jsonpath={.subsets[*].addresses[*].hostname}").out in (
        "db-0 db-1", "db-1 db-0")
    assert kubectl("get", "endpointslice", "-l", "kubernetes.io/service-name=peers", "-o",
                   "jsonpath={.items[*].endpoints[*].hostname}").out == ""
    assert len(kubectl("get", "endpoints", "peers", "-o", "jsonpath={.subsets[0].addresses[*].ip}").out.split()) == 2
    r = run_cli("dns", "db-0.db.default.svc.cluster.local")
    assert r.code == 0 and "Address: " in r.out
