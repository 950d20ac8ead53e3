"""A plain directory of Kubernetes manifests (no workspace, no controllers) → ``ClusterState``.

Reads every ``.yaml``/``.yml``/``.json`` file under the directory (recursively, as netpol-analyzer's
``--dirpath`` does) with ``aksnet.io.manifests``; converts with ``aksnet.io.k8s_model``; workloads become
one representative pod each. Namespaces that objects use but no manifest declares are added with just
their ``kubernetes.io/metadata.name`` label. Documents of kinds the analyses do not use are ignored.
Never touches a workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aksnet.errors import KubeError
from aksnet.io import k8s_model
from aksnet.io.dump import Dump, read_dump
from aksnet.io.manifests import manifest_files, parse_text, read_manifest_file
from aksnet.io.policy_kinds import every_engine, is_kubernetes_network_policy
from aksnet.model import k8s
from aksnet.model.twin import ClusterState


def read_documents(path: Path) -> list[dict[str, Any]]:
    """All objects of the manifest files under ``path`` (a directory or a single file), in file order; the
    first unreadable file is an error (:func:`read_directory` reports and goes on)."""
    if not path.exists():
        raise KubeError(f'error: the path "{path}" does not exist')
    out: list[dict[str, Any]] = []
    for f in manifest_files(path, recursive=True):
        out.extend(d.body for d in parse_text(read_manifest_file(f), str(f)))
    return out


def read_directory(path: Path) -> Dump:
    """``--from-dir DIR`` and ``aksnet import DIR`` alike: every file recognised by content
    (:func:`aksnet.io.dump.read_dump`); a single manifest file is read the same way."""
    if not path.exists():
        raise KubeError(f'error: the path "{path}" does not exist')
    return read_dump(path)


def cluster_state_from_documents(docs: list[dict[str, Any]], engine: str = "upstream") -> ClusterState:
    """Kubernetes documents → ClusterState with policy engine ``engine``."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        if d.get("kind") == "NetworkPolicy" and not is_kubernetes_network_policy(d):
            continue  # Calico's NetworkPolicy: a kind of its own (policy_warnings)
        by_kind.setdefault(str(d.get("kind", "")), []).append(d)
    namespaces = {n.name: n for n in (k8s_model.namespace(d) for d in by_kind.get("Namespace", ()))}
    pods = tuple(k8s_model.workload_pods(docs))
    extra, warnings, notes = every_engine(docs, engine)
    policies = tuple(k8s_model.network_policy(d, i) for i, d in enumerate(by_kind.get("NetworkPolicy", ())))
    services = tuple(k8s_model.service(d, i) for i, d in enumerate(by_kind.get("Service", ())))
    ingresses = tuple(k8s_model.ingress(d, i) for i, d in enumerate(by_kind.get("Ingress", ())))
    used = {p.namespace for p in pods} | {p.namespace for p in policies} | {s.namespace for s in services} | {"default"}
    for name in sorted(used - set(namespaces)):
        namespaces[name] = k8s.Namespace(name, {k8s_model.NAME_LABEL: name})
    return ClusterState(
        cluster=None,
        namespaces=tuple(namespaces[n] for n in sorted(namespaces)),
        nodes=tuple(k8s_model.node(d) for d in by_kind.get("Node", ())),
        pods=pods,
        services=services,
        endpoint_slices=tuple(k8s_model.endpoint_slice(d) for d in by_kind.get("EndpointSlice", ())),
        network_policies=policies,
        ingresses=ingresses,
        ingress_classes=tuple(k8s_model.ingress_class(d) for d in by_kind.get("IngressClass", ())),
        secrets=tuple(k8s_model.secret(d) for d in by_kind.get("Secret", ())),
        config_maps=tuple(k8s_model.config_map(d) for d in by_kind.get("ConfigMap", ())),
        policy_engine=engine,
        ignored_policies=warnings,
        engine_policies=tuple(extra),
        engine_notes=notes,
    )


def load_manifest_dir(path: Path, engine: str = "upstream") -> ClusterState:
    """``--from-dir DIR``: the cluster described by the manifests under ``path`` (unreadable objects in
    ``problems``)."""
    from dataclasses import replace

    dump = read_directory(path)
    return replace(cluster_state_from_documents(dump.k8s, engine), problems=tuple(dump.problems))
