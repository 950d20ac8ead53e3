"""A small cluster for the engines' own policies: namespaces prod (env=prod) and dev (env=dev), pods prod/db
(app=db, container port ``pg`` 5432), prod/web (app=web), dev/tool (app=tool, role=debug), two nodes. Rows name
a flow by pod key or address; :func:`verdict` says whether the policies allow it."""

from __future__ import annotations

from typing import Any

from aksnet.engine.netpol import policy_verdict
from aksnet.engine.netpol.classes import connectivity
from aksnet.engine.netpol.evaluate import pair_conns
from aksnet.io.manifest_dir import cluster_state_from_documents
from aksnet.model.twin import ClusterState

Doc = dict[str, Any]


def _pod(ns: str, name: str, labels: dict[str, str], ip: str, node: str, ports: list[Doc] | None = None) -> Doc:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "x", "ports": ports or []}]},
            "status": {"podIP": ip, "phase": "Running"}}


BASE: list[Doc] = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"env": "prod"}}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "labels": {"env": "dev"}}},
    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
     "status": {"addresses": [{"type": "InternalIP", "address": "10.224.0.4"}]}},
    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2"},
     "status": {"addresses": [{"type": "InternalIP", "address": "10.224.0.5"}]}},
    _pod("prod", "db", {"app": "db"}, "10.244.0.10", "n1", [{"containerPort": 5432, "name": "pg"}]),
    _pod("prod", "web", {"app": "web"}, "10.244.0.11", "n1"),
    _pod("dev", "tool", {"app": "tool", "role": "debug"}, "10.244.1.12", "n2"),
]


def cluster(policies: list[Doc], engine: str) -> ClusterState:
    return cluster_state_from_documents([*BASE, *policies], engine)


def _peer(state: ClusterState, ref: str) -> Any:
    return next((p for p in state.pods if p.key == ref), ref)


def verdict(state: ClusterState, src: str, dst: str, port: int, protocol: str = "TCP") -> bool:
    """The per-flow verdict; the all-pairs class matrix must agree with the per-pair evaluation."""
    v = policy_verdict(state, _peer(state, src), _peer(state, dst), port, protocol)
    assert v.allowed == pair_conns(state, _peer(state, src), _peer(state, dst)).allows(protocol, port)
    return v.allowed


def matrix_agrees(state: ClusterState) -> None:
    """Every class pair of the matrix equals ``pair_conns`` of its representatives (own-node pairs aside)."""
    m = connectivity(state)
    for s in m.classes:
        for d in m.classes:
            if s.kind == "external" and d.kind == "external":
                continue
            a, b = s.endpoint(), d.endpoint()
            if a.node is not None and a.node == b.node:
                continue
            src = a.pod if a.kind == "pod" else a.ip
            dst = b.pod if b.kind == "pod" else b.ip
            assert m.conn(s.index, d.index) == pair_conns(state, src, dst), (s, d)  # type: ignore[arg-type]
