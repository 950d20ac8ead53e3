"""Ingress ``status.loadBalancer``: what ``kubectl get ingress`` shows under ADDRESS.

An ingress-nginx controller started with ``--publish-service=NS/NAME`` (the Helm chart's default, and the
application routing add-on's ``app-routing-system/nginx``) copies that Service's ``status.loadBalancer.ingress``
into every Ingress it serves, once one of its pods is ready (ingress-nginx ``internal/ingress/status``,
``runningAddresses`` with ``--publish-service``; docs/user-guide/cli-arguments.md). An Ingress no running
controller serves keeps an empty ``loadBalancer``. Which Ingresses a controller serves follows its flags:
``spec.ingressClassName`` naming an IngressClass whose ``spec.controller`` is its ``--controller-class``
(default ``k8s.io/ingress-nginx``), else the legacy ``kubernetes.io/ingress.class`` annotation equal to its
``--ingress-class`` (default ``nginx``), else ``--watch-ingress-without-class``. Runs after the cloud provider
(it reads the Services' external IPs); must not change anything but Ingress status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aksnet.rules.ingress_nginx import CONTROLLER_CLASS
from aksnet.rules.kubernetes import LEGACY_INGRESS_CLASS_ANNOTATION
from aksnet.store import Transaction
from aksnet.twin.kube import alb_bootstrap, apiserver, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.status import pod_ready

Doc = dict[str, Any]

DEFAULT_CONTROLLER_CLASS = CONTROLLER_CLASS
DEFAULT_INGRESS_CLASS = "nginx"  # ingress-nginx's --ingress-class default (docs/user-guide/cli-arguments.md)
LEGACY_CLASS_ANNOTATION = LEGACY_INGRESS_CLASS_ANNOTATION


@dataclass(frozen=True)
class Publisher:
    """One running controller: the classes it answers to and the Service whose address it publishes."""

    controller_class: str
    ingress_class: str
    without_class: bool
    publish_service: tuple[str, str]  # (namespace, name)


def _flags(pod: Doc) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in (pod.get("spec") or {}).get("containers") or []:
        for a in list(c.get("args") or []) + list(c.get("command") or []):
            if isinstance(a, str) and a.startswith("--"):
                k, _, v = a[2:].partition("=")
                out[k] = v if _ else "true"
    return out


def publishers(objs: ClusterObjects) -> list[Publisher]:
    """The ready ingress-nginx pods that publish a Service's address, one entry per distinct configuration."""
    found: dict[Publisher, None] = {}
    for pod in objs.docs(schema.BY_KIND["Pod"].store_kind):
        flags = _flags(pod)
        if "publish-service" not in flags or not pod_ready(pod):
            continue
        ns = pod["metadata"].get("namespace", "default")
        svc_ns, _, svc_name = flags["publish-service"].replace("$(POD_NAMESPACE)", ns).rpartition("/")
        found[Publisher(flags.get("controller-class", DEFAULT_CONTROLLER_CLASS),
                        flags.get("ingress-class", DEFAULT_INGRESS_CLASS),
                        flags.get("watch-ingress-without-class", "false").lower() == "true",
                        (svc_ns or ns, svc_name))] = None
    return list(found)


def _serves(pub: Publisher, ing: Doc, class_controllers: dict[str, str]) -> bool:
    name = (ing.get("spec") or {}).get("ingressClassName")
    if name:
        return class_controllers.get(name) == pub.controller_class
    legacy = (ing["metadata"].get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return bool(legacy == pub.ingress_class)
    return pub.without_class


def update_all(objs: ClusterObjects) -> None:
    """Write every Ingress's ``status.loadBalancer`` from the controllers that serve it."""
    classes = {c["metadata"]["name"]: (c.get("spec") or {}).get("controller", "")
               for c in objs.docs(schema.BY_KIND["IngressClass"].store_kind)}
    services = {(s["metadata"].get("namespace", "default"), s["metadata"]["name"]): s
                for s in objs.docs(schema.BY_KIND["Service"].store_kind)}
    pubs = publishers(objs)
    rt = schema.BY_KIND["Ingress"]
    for ing in objs.docs(rt.store_kind):
        if alb_bootstrap.serves_ingress(ing, classes):  # AGC writes these (cloud_provider.alb_ingress)
            continue
        addresses: list[Doc] = []
        for pub in pubs:
            if not _serves(pub, ing, classes):
                continue
            svc = services.get(pub.publish_service) or {}
            for entry in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                kept = {k: entry[k] for k in ("ip", "hostname") if entry.get(k)}
                if kept and kept not in addresses:
                    addresses.append(kept)
        lb: Doc = {"ingress": addresses} if addresses else {}
        if ((ing.get("status") or {}).get("loadBalancer") or {}) != lb:  # an absent loadBalancer is the empty one
            apiserver.write_status(objs, rt, ing, {**(ing.get("status") or {}), "loadBalancer": lb})


def reconcile(tx: Transaction, cluster_id: str) -> None:
    update_all(objects.open_objects(tx, cluster_id))
