"""The upstream e2e model (test/e2e/network/netpol/model.go): namespaces x, y, z labelled ``ns: <name>``;
pods a, b, c labelled ``pod: <name>``, each serving 80 and 81 on TCP, UDP and SCTP with container ports
named ``serve-<port>-<proto>``; pod IPs 10.0.<ns>.<pod> so ipBlock cases can target them."""

from __future__ import annotations

from typing import Any

import yaml

from aksnet.io.manifest_dir import cluster_state_from_documents
from aksnet.model.k8s import Pod
from aksnet.model.twin import ClusterState

NAMESPACES = ("x", "y", "z")
PODS = ("a", "b", "c")
ALL_PODS = tuple(f"{n}/{p}" for n in NAMESPACES for p in PODS)


def pod_ip(key: str) -> str:
    ns, pod = key.split("/")
    return f"10.0.{NAMESPACES.index(ns) + 1}.{PODS.index(pod) + 1}"


def e2e_documents() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for ns in NAMESPACES:
        docs.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"ns": ns}}})
        for pod in PODS:
            ports = [{"containerPort": port, "protocol": proto, "name": f"serve-{port}-{proto.lower()}"}
                     for port in (80, 81) for proto in ("TCP", "UDP", "SCTP")]
            docs.append({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": pod, "namespace": ns, "labels": {"pod": pod}},
                         "spec": {"nodeName": "node-1", "containers": [{"name": f"cont-{pod}", "ports": ports}]},
                         "status": {"phase": "Running", "podIP": pod_ip(f"{ns}/{pod}"), "hostIP": "10.224.0.4"}})
    return docs


def e2e_cluster(policies_yaml: str, engine: str = "upstream",
                relabel: dict[str, dict[str, str]] | None = None) -> ClusterState:
    """The model plus policies; ``relabel`` replaces the labels of pods (``ns/pod``) or namespaces (``ns``),
    as the e2e steps "update pod/namespace labels" do."""
    policies = [d for d in yaml.safe_load_all(policies_yaml) if d]
    docs = e2e_documents()
    for d in docs:
        m = d["metadata"]
        key = m["name"] if d["kind"] == "Namespace" else f"{m['namespace']}/{m['name']}"
        if relabel and key in relabel:
            m["labels"] = relabel[key]
    return cluster_state_from_documents(docs + policies, engine)


def pod(cluster: ClusterState, key: str) -> Pod:
    ns, name = key.split("/")
    return next(p for p in cluster.pods if p.namespace == ns and p.name == name)


class Reachability:
    """The e2e truth-table DSL (reachability.go): default verdict, then overrides; loopback ignored."""

    def __init__(self, default: bool) -> None:
        self.table = {(s, d): default for s in ALL_PODS for d in ALL_PODS}

    def expect(self, src: str | None, dst: str | None, ok: bool) -> Reachability:
        """``src``/``dst`` as ``ns/pod``, ``ns/`` (every pod of ns) or None (every pod)."""
        for s, d in self.table:
            if _match(src, s) and _match(dst, d):
                self.table[(s, d)] = ok
        return self

    def all_ingress(self, dst: str, ok: bool) -> Reachability:
        return self.expect(None, dst, ok)

    def all_egress(self, src: str, ok: bool) -> Reachability:
        return self.expect(src, None, ok)


def _match(pattern: str | None, key: str) -> bool:
    if pattern is None:
        return True
    if pattern.endswith("/"):
        return key.startswith(pattern)
    return pattern == key
