"""Istio's sidecar injector (the mutating admission webhook istiod serves) for the AKS service mesh add-on.

A pod created in a namespace labelled ``istio.io/rev=<revision>`` (and without ``istio-injection``), or a pod
that itself carries ``istio.io/rev=<revision>`` in a namespace with neither label, gets the ``istio-proxy``
container of that revision — when that revision's istiod is installed (Deployment ``istiod-<revision>`` in
``aks-istio-system``) and the pod does not opt out (``sidecar.istio.io/inject: "false"``, or host networking).
Selectors: istio/istio ``manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml`` (1.27,
``rev.namespace.sidecar-injector.istio.io`` and ``rev.object.sidecar-injector.istio.io``); the add-on installs no
default-revision webhook, so ``istio-injection=enabled`` injects nothing
(https://learn.microsoft.com/azure/aks/istio-deploy-addon). Like the real webhook it acts only when a pod is
created: labelling a namespace later changes no running pod. The ``istio-init`` init container is not rendered
(docs/fidelity.md). Mutates the pod document in place; stores nothing.
"""

from __future__ import annotations

import json
from typing import Any

from aksnet.rules import istio
from aksnet.rules.kubernetes import CLUSTER_DOMAIN
from aksnet.twin.kube import schema
from aksnet.twin.kube.objects import ClusterObjects

Doc = dict[str, Any]


def _labels(doc: Doc | None) -> dict[str, str]:
    return dict(((doc or {}).get("metadata") or {}).get("labels") or {})


def revision_for(objs: ClusterObjects, pod: Doc) -> str | None:
    """The installed revision whose webhook injects ``pod`` (None: no injection)."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    pod_labels = dict(meta.get("labels") or {})
    annotations = dict(meta.get("annotations") or {})
    if spec.get("hostNetwork") or "false" in (pod_labels.get(istio.INJECT_OPT_OUT),
                                               annotations.get(istio.INJECT_OPT_OUT)):
        return None
    ns = objs.get(schema.BY_KIND["Namespace"].store_kind, str(meta.get("namespace") or "default"))
    ns_labels = _labels(ns)
    if istio.INJECTION_LABEL in ns_labels:
        return None  # the default-revision webhook this label selects is not installed by the add-on
    revision = ns_labels.get(istio.REVISION_LABEL) or pod_labels.get(istio.REVISION_LABEL)
    if not revision or revision not in istio.BY_NAME:
        return None
    key = f"{istio.SYSTEM_NAMESPACE}/{istio.istiod_name(revision)}"
    istiod = objs.get(schema.BY_KIND["Deployment"].store_kind, key)
    return revision if istiod is not None else None


def _proxy(revision: str) -> Doc:
    """The ``istio-proxy`` container (istio's injection template ``sidecar``: image proxyv2, args, ports)."""
    version = istio.BY_NAME[revision].istio
    return {
        "name": istio.PROXY_CONTAINER,
        "image": f"mcr.microsoft.com/oss/istio/proxyv2:{version}-distroless",
        "args": ["proxy", "sidecar", "--domain", f"$(POD_NAMESPACE).svc.{CLUSTER_DOMAIN}", "--proxyLogLevel=warning",
                 "--proxyComponentLogLevel=misc:error", "--log_output_level=default:info"],
        "env": [{"name": "PILOT_CERT_PROVIDER", "value": "istiod"},
                {"name": "CA_ADDR", "value": f"{istio.istiod_name(revision)}.{istio.SYSTEM_NAMESPACE}.svc:15012"},
                {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
        "ports": [{"containerPort": 15090, "name": "http-envoy-prom", "protocol": "TCP"}],
        "readinessProbe": {"failureThreshold": 4, "httpGet": {"path": "/healthz/ready", "port": 15021},
                           "periodSeconds": 15, "timeoutSeconds": 3},
        "resources": {"limits": {"cpu": "2", "memory": "1Gi"}, "requests": {"cpu": "100m", "memory": "128Mi"}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                            "readOnlyRootFilesystem": True, "runAsGroup": 1337, "runAsNonRoot": True,
                            "runAsUser": 1337},
    }


def inject(objs: ClusterObjects, pod: Doc) -> bool:
    """Add the sidecar to ``pod`` when a webhook selects it (True if it did). A pod that already has an
    ``istio-proxy`` container is left as it is."""
    revision = revision_for(objs, pod)
    spec = pod.setdefault("spec", {})
    containers = spec.setdefault("containers", [])
    if revision is None or any(c.get("name") == istio.PROXY_CONTAINER for c in containers):
        return False
    app_names = [str(c.get("name")) for c in containers]
    containers.append(_proxy(revision))
    meta = pod.setdefault("metadata", {})
    labels = meta.setdefault("labels", {})
    labels.setdefault(istio.TLS_MODE_LABEL, "istio")
    labels.setdefault(istio.REVISION_LABEL, revision)
    labels.setdefault("service.istio.io/canonical-name", str(labels.get("app") or meta.get("generateName") or
                                                             meta.get("name") or "").rstrip("-"))
    labels.setdefault("service.istio.io/canonical-revision", str(labels.get("version") or "latest"))
    meta.setdefault("annotations", {})[istio.STATUS_ANNOTATION] = json.dumps(
        {"initContainers": None, "containers": [istio.PROXY_CONTAINER], "revision": revision}, separators=(",", ":"))
    meta["annotations"].setdefault("kubectl.kubernetes.io/default-container", app_names[0] if app_names else "")
    return True
