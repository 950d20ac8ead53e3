"""Test helper: Kubernetes manifests (as plain dicts/YAML) → aksnet.model objects → ClusterState.

Only the fields the ingress engine reads. Endpoints come from a compact map
``{"ns/service": ["10.244.1.5 pod-name", ...]}``: one ready endpoint per entry on every Service port
(target port: the Service's numeric targetPort, else its port).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from aksnet.model import k8s
from aksnet.model.twin import ClusterState


def _backend(b: Mapping[str, Any] | None) -> k8s.IngressBackend | None:
    if not b:
        return None
    svc = b.get("service")
    if svc:
        port = svc.get("port", {})
        return k8s.IngressBackend(svc["name"], port.get("number", port.get("name")))
    res = b.get("resource", {})
    return k8s.IngressBackend(resource_kind=res.get("kind"), resource_name=res.get("name"))


def ingress(doc: Mapping[str, Any], index: int) -> k8s.Ingress:
    md, spec = doc["metadata"], doc.get("spec", {})
    rules = tuple(
        k8s.IngressRule(
            r.get("host"),
            tuple(
                k8s.IngressPath(
                    p.get("path"),
                    p.get("pathType", "ImplementationSpecific"),
                    _backend(p["backend"]) or k8s.IngressBackend(),
                )
                for p in (r.get("http") or {}).get("paths", [])
            ),
        )
        for r in spec.get("rules", [])
    )
    tls = tuple(k8s.IngressTLS(tuple(t.get("hosts", [])), t.get("secretName")) for t in spec.get("tls", []))
    return k8s.Ingress(
        namespace=md.get("namespace", "default"),
        name=md["name"],
        ingress_class_name=spec.get("ingressClassName"),
        annotations={k: str(v) for k, v in (md.get("annotations") or {}).items()},
        default_backend=_backend(spec.get("defaultBackend")),
        rules=rules,
        tls=tls,
        creation_timestamp=str(md.get("creationTimestamp", "")),
        creation_index=index,
    )


def service(doc: Mapping[str, Any], index: int) -> k8s.Service:
    md, spec = doc["metadata"], doc.get("spec", {})
    ports = tuple(
        k8s.ServicePort(p["port"], p.get("protocol", "TCP"), p.get("name"), p.get("targetPort", p["port"]))
        for p in spec.get("ports", [])
    )
    return k8s.Service(
        namespace=md.get("namespace", "default"),
        name=md["name"],
        type=spec.get("type", "ClusterIP"),
        cluster_ip=spec.get("clusterIP", f"10.0.{index // 250}.{index % 250 + 1}"),
        ports=ports,
        selector=spec.get("selector"),
        external_name=spec.get("externalName"),
        creation_index=index,
    )


def secret(doc: Mapping[str, Any], pem_dir: Path | None) -> k8s.Secret:
    md = doc["metadata"]
    data = {k: base64.b64decode(v).decode() for k, v in (doc.get("data") or {}).items()}
    data.update(doc.get("stringData") or {})
    for k, v in list(data.items()):
        if v.startswith("@") and pem_dir is not None:
            data[k] = (pem_dir / v[1:]).read_text()
    return k8s.Secret(
        md.get("namespace", "default"),
        md["name"],
        doc.get("type", "Opaque"),
        data.get("tls.crt", ""),
        data.get("tls.key", ""),
        tuple(data),
    )


def cluster(
    docs: Sequence[Mapping[str, Any]], endpoints: Mapping[str, Sequence[str]] | None = None, pem_dir: Path | None = None
) -> ClusterState:
    ings, svcs, classes, secrets, cms = [], [], [], [], []
    for i, d in enumerate(docs):
        kind = d.get("kind")
        if kind == "Ingress":
            ings.append(ingress(d, i))
        elif kind == "Service":
            svcs.append(service(d, i))
        elif kind == "IngressClass":
            md = d["metadata"]
            classes.append(
                k8s.IngressClass(
                    md["name"],
                    d["spec"]["controller"],
                    (md.get("annotations") or {}).get("ingressclass.kubernetes.io/is-default-class") == "true",
                )
            )
        elif kind == "Secret":
            secrets.append(secret(d, pem_dir))
        elif kind == "ConfigMap":
            md = d["metadata"]
            cms.append(
                k8s.ConfigMap(
                    md.get("namespace", "default"), md["name"], {k: str(v) for k, v in (d.get("data") or {}).items()}
                )
            )
    slices = []
    for key, eps in (endpoints or {}).items():
        ns, name = key.split("/")
        svc = next(s for s in svcs if s.key == key)
        ports = tuple(
            k8s.EndpointPort(
                sp.target_port if isinstance(sp.target_port, int) and sp.target_port else sp.port, sp.protocol, sp.name
            )
            for sp in svc.ports
        )
        items = []
        for e in eps:
            ip, _, pod = e.partition(" ")
            ip = ip.partition(":")[0]
            ready = not pod.endswith("(notready)")
            pod = pod.replace("(notready)", "").strip()
            items.append(k8s.Endpoint(ip, ready=ready, pod=f"{ns}/{pod}" if pod else None, node_name="aks-nodepool1-0"))
        if any(":" in e.split(" ")[0] for e in eps):
            port_no = int(eps[0].split(" ")[0].split(":")[1])
            ports = tuple(k8s.EndpointPort(port_no, p.protocol, p.name) for p in ports)
        slices.append(k8s.EndpointSlice(ns, f"{name}-abcde", name, tuple(items), ports))
    return ClusterState(
        cluster=None,
        services=tuple(svcs),
        endpoint_slices=tuple(slices),
        ingresses=tuple(ings),
        ingress_classes=tuple(classes),
        secrets=tuple(secrets),
        config_maps=tuple(cms),
    )


NGINX_CLASS_DOC = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "IngressClass",
    "metadata": {"name": "nginx"},
    "spec": {"controller": "k8s.io/ingress-nginx"},
}


def load_yaml(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]
