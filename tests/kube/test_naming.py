"""Names controllers generate: deterministic, in Kubernetes' alphabet and shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aksnet.twin.kube import naming
from tests.kube.helpers import kubectl, pods, setup_cluster


@pytest.mark.parametrize(("data", "want"), [
    pytest.param(b"", 0x811C9DC5, id="empty"),
    pytest.param(b"a", 0xE40C292C, id="a"),
    pytest.param(b"foobar", 0xBF9CF968, id="foobar"),
])
def test_fnv32a(data: bytes, want: int) -> None:
    assert naming.fnv32a(data) == want


def test_safe_encode_maps_digits_like_kubernetes() -> None:
    # rand.SafeEncodeString: byte % 27 into "bcdfghjklmnpqrstvwxz2456789"
    assert naming.safe_encode("0123456789") == "456789bcdf"


def test_hash_is_deterministic_and_template_sensitive() -> None:
    t1 = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}
    t2 = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "a", "image": "nginx:1.27"}]}}
    assert naming.compute_hash(t1) == naming.compute_hash(dict(t1))
    assert naming.compute_hash(t1) != naming.compute_hash(t2)
    assert re.fullmatch(r"[4-9bcdf]{1,10}", naming.compute_hash(t1))


def test_workload_names(home: Path, tmp_path: Path) -> None:
    cid = setup_cluster()
    f = tmp_path / "w.yaml"
    f.write_text("""apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: a, image: busybox}]}
""")
    assert kubectl("apply", "-f", str(f)).code == 0
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=2").code == 0
    names = sorted(p["metadata"]["name"] for p in pods(cid))
    assert "db-0" in names and "db-1" in names
    assert len([n for n in names if re.fullmatch(r"agent-[b-z2-9]{5}", n)]) == 2
    web = [n for n in names if n.startswith("web-")]
    assert len(web) == 2 and all(re.fullmatch(r"web-[4-9bcdf]{6,10}-[b-z2-9]{5}", n) for n in web)
    rs = kubectl("get", "rs", "-o", "jsonpath={.items[*].metadata.name}").out
    assert rs == web[0].rsplit("-", 1)[0]


def test_same_history_same_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = []
    for i in range(2):
        monkeypatch.setenv("AKSNET_HOME", str(tmp_path / f"h{i}"))
        cid = setup_cluster(plugin="azure")
        kubectl("create", "deployment", "web", "--image=nginx", "--replicas=3")
        kubectl("scale", "deployment", "web", "--replicas=1")
        kubectl("scale", "deployment", "web", "--replicas=2")
        runs.append(sorted((p["metadata"]["name"], p["status"].get("podIP"), p["metadata"]["uid"])
                           for p in pods(cid)))
    assert runs[0] == runs[1]


def _names(cid: str, prefix: str, ns: str = "default") -> set[str]:
    return {p["metadata"]["name"] for p in pods(cid, ns) if p["metadata"]["name"].startswith(prefix)}


def test_replacement_pods_get_new_names(home: Path) -> None:
    """A pod a controller creates to replace a deleted one has a new generated name (as generateName's random
    suffix gives it), for a ReplicaSet (one, all, scale down and up) and a DaemonSet."""
    cid = setup_cluster()
    assert kubectl("create", "deployment", "web", "--image=nginx", "--replicas=3").code == 0
    first = _names(cid, "web-")
    one = sorted(first)[0]
    assert kubectl("delete", "pod", one).code == 0
    after_one = _names(cid, "web-")
    assert len(after_one) == 3 and one not in after_one
    assert kubectl("delete", "pods", "-l", "app=web").code == 0
    after_all = _names(cid, "web-")
    assert len(after_all) == 3 and not after_all & (first | after_one)
    kubectl("scale", "deploy", "web", "--replicas=1")
    kubectl("scale", "deploy", "web", "--replicas=3")
    assert len(_names(cid, "web-") - after_all) == 2
    proxy = sorted(_names(cid, "kube-proxy-", "kube-system"))
    assert kubectl("delete", "pod", "-n", "kube-system", proxy[0]).code == 0
    again = _names(cid, "kube-proxy-", "kube-system")
    assert len(again) == len(proxy) and proxy[0] not in again
