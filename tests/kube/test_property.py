"""Property: any manifest, however wrong, gives kubectl-style output and never a traceback; each object
is either stored (and reported created/configured/unchanged) or rejected and absent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnet.cli.common import command_transaction
from aksnet.twin.kube_store import cluster_scope
from tests.kube.helpers import kubectl, setup_cluster

KINDS = [("v1", "ConfigMap"), ("v1", "Secret"), ("apps/v1", "Deployment"), ("v1", "Pod"), ("v1", "Service"),
         ("networking.k8s.io/v1", "NetworkPolicy"), ("v1", "Namespace"), ("v1", "Foo"), ("batch/v1", "Job"),
         ("networking.k8s.io/v1", "Ingress")]
names = st.sampled_from(["a", "b", "web", "Bad_Name", "x" * 70, ""])
scalars = st.one_of(st.integers(-5, 70000), st.text(max_size=5), st.booleans(), st.none())
labels = st.dictionaries(st.sampled_from(["app", "tier", "bad key", "a/b"]), st.one_of(st.sampled_from(["web", "x y"]),
                                                                                           st.integers(0, 3)),
                         max_size=2)


@st.composite
def manifests(draw: Any) -> dict[str, Any]:
    api, kind = draw(st.sampled_from(KINDS))
    meta: dict[str, Any] = {"name": draw(names)}
    if draw(st.booleans()):
        meta["labels"] = draw(labels)
    if draw(st.booleans()):
        meta["namespace"] = draw(st.sampled_from(["default", "nope", "kube-system"]))
    doc: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": meta}
    lab = draw(st.sampled_from([{"app": "web"}, {"app": "other"}, {}]))
    container = {"name": draw(st.sampled_from(["c", "C", ""])), "image": draw(st.sampled_from(["nginx", ""])),
                 "ports": [{"containerPort": draw(scalars)}]}
    if kind in ("Deployment", "Job"):
        doc["spec"] = {"replicas": draw(scalars), "selector": {"matchLabels": lab},
                       "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}}
        if kind == "Job":
            doc["spec"].pop("replicas")
    elif kind == "Pod":
        doc["spec"] = {"containers": [container]}
    elif kind == "Service":
        doc["spec"] = {"type": draw(st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer", "Bogus"])),
                       "selector": lab, "ports": [{"port": draw(scalars)}]}
    elif kind in ("ConfigMap", "Secret"):
        doc["data"] = {draw(st.sampled_from(["k", "bad key"])): draw(st.sampled_from(["dmFsdWU=", "v"]))}
    elif kind == "NetworkPolicy":
        doc["spec"] = {"podSelector": {"matchLabels": lab}, "ingress": [{"from": [{"ipBlock": {"cidr": draw(
            st.sampled_from(["10.0.0.0/8", "bad", "10.0.0.0/33"]))}}]}]}
    elif kind == "Ingress":
        doc["spec"] = {"rules": [{"host": "a.example.com", "http": {"paths": [
            {"path": draw(st.sampled_from(["/", "api"])), "pathType": draw(st.sampled_from(["Prefix", "Nope"])),
             "backend": {"service": {"name": "s", "port": {"number": draw(scalars)}}}}]}}]}
    if draw(st.integers(0, 4)) == 0:
        doc.setdefault("spec", {})["unknownField"] = 1
    return doc


def _stored(cid: str) -> set[tuple[str, str]]:
    with command_transaction(write=False) as tx:
        out = set()
        for kind in tx.kinds(cluster_scope(cid)):
            for key, _ in tx.items(kind, cluster_scope(cid)):
                out.add((kind, key))
        return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(manifests(), min_size=1, max_size=4))
def test_random_manifests(docs: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNET_HOME", str(tmp_path_factory.mktemp("prop") / "ws"))
    cid = setup_cluster()
    before = _stored(cid)
    r = kubectl("apply", "-f", "-", stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}))
    assert "Traceback" not in r.err
    assert r.code in (0, 1)
    lines = [ln for ln in r.out.splitlines() if ln]
    assert all(ln.rsplit(" ", 1)[-1] in ("created", "configured", "unchanged") for ln in lines)
    created = {ln.split(" ")[0] for ln in lines if ln.endswith(" created")}
    after = _stored(cid)
    new_top = {k for k in after - before if k[0].split("/")[-1] in {kind for _, kind in KINDS}}
    stored_refs = set()
    for kind, key in new_top:
        name = key.rsplit("/", 1)[-1]
        stored_refs.add((kind.split("/")[-1].lower(), name))
    created_refs = {(ref.split("/")[0].split(".")[0], ref.split("/", 1)[1]) for ref in created}
    # every object reported created is stored; nothing else of the manifest's kinds appeared
    assert created_refs <= stored_refs
    owned = {"pod", "replicaset", "endpointslice", "endpoints", "event", "serviceaccount"}
    assert {r for r in stored_refs - created_refs if r[0] not in owned} == set()
    if r.code == 0:
        assert len(lines) == len(docs)


