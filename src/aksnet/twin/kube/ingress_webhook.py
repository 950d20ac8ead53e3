"""ingress-nginx's validating admission webhook (``validate.nginx.ingress.kubernetes.io``) in the twin.

The Helm chart installs it with the controller (``controller.admissionWebhooks.enabled``, default true):
a ValidatingWebhookConfiguration that sends every Ingress CREATE and UPDATE to the controller, which
answers with ``CheckIngress`` (internal/ingress/controller/controller.go). Here the controller is
recognised by its Deployment (args ``/nginx-ingress-controller … --validating-webhook=…``); it checks only
the Ingresses of its class, with the ConfigMap its ``--configmap`` names, and the checks themselves are
:mod:`aksnet.model.nginx_checks`. The AKS application routing add-on's controller runs no webhook (its
Deployment has no ``--validating-webhook``; Azure/aks-app-routing-operator pkg/manifests/nginx.go).
A denial is the API server's ``admission webhook "…" denied the request: …`` (400 BadRequest).
Must not store anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aksnet.io import k8s_model
from aksnet.model import nginx_checks
from aksnet.rules.ingress_nginx import CONTROLLER_CLASS
from aksnet.rules.kubernetes import LEGACY_INGRESS_CLASS_ANNOTATION as LEGACY_CLASS_ANNOTATION
from aksnet.twin.kube import schema
from aksnet.twin.kube.objects import ClusterObjects

Doc = dict[str, Any]
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


@dataclass(frozen=True, slots=True)
class WebhookController:
    """One ingress-nginx controller Deployment that serves the admission webhook."""

    deployment: str  # "ns/name"
    controller_class: str
    ingress_class: str
    configmap: str  # "ns/name"
    watch_without_class: bool


def _flags(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in args:
        if a.startswith("--"):
            k, _, v = a[2:].partition("=")
            out[k] = v
    return out


def webhook_controllers(objs: ClusterObjects) -> Iterator[WebhookController]:
    """The ingress-nginx controllers whose Deployment runs ``--validating-webhook``."""
    for dep in objs.docs(schema.BY_KIND["Deployment"].store_kind):
        meta = dep.get("metadata") or {}
        ns = str(meta.get("namespace") or "default")
        spec = ((dep.get("spec") or {}).get("template") or {}).get("spec") or {}
        for c in spec.get("containers") or ():
            args = [str(a) for a in (c.get("args") or ())]
            if not args or args[0] != "/nginx-ingress-controller":
                continue
            f = _flags(args[1:])
            if "validating-webhook" not in f:
                continue
            yield WebhookController(
                deployment=f"{ns}/{meta.get('name')}",
                controller_class=f.get("controller-class") or CONTROLLER_CLASS,
                ingress_class=f.get("ingress-class") or "nginx",
                configmap=(f.get("configmap") or "").replace("$(POD_NAMESPACE)", ns),
                watch_without_class=f.get("watch-ingress-without-class", "false") == "true",
            )


def _serves(objs: ClusterObjects, ctl: WebhookController, doc: Doc) -> bool:
    """store.GetIngressClass: the Ingress's class belongs to this controller (else the webhook admits it)."""
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    classes = list(objs.docs(schema.BY_KIND["IngressClass"].store_kind))
    controller_of = {str(c["metadata"]["name"]): str((c.get("spec") or {}).get("controller", "")) for c in classes}
    name = spec.get("ingressClassName") if isinstance(spec, dict) else None
    if name:
        return controller_of.get(str(name)) == ctl.controller_class
    legacy = ((doc.get("metadata") or {}).get("annotations") or {}).get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return bool(legacy == ctl.ingress_class)
    defaults = [c for c in classes
                if ((c["metadata"].get("annotations") or {}).get(DEFAULT_CLASS_ANNOTATION)) == "true"]
    if len(defaults) == 1:
        return controller_of.get(str(defaults[0]["metadata"]["name"])) == ctl.controller_class
    return ctl.watch_without_class


def denial(objs: ClusterObjects, doc: Doc) -> str | None:
    """The first webhook's denial of this Ingress document, as the API server words it, or None."""
    for ctl in sorted(webhook_controllers(objs), key=lambda c: c.deployment):
        if not _serves(objs, ctl, doc):
            continue
        cm = objs.get(schema.BY_KIND["ConfigMap"].store_kind, ctl.configmap) or {}
        data = cm.get("data") if isinstance(cm.get("data"), dict) else {}
        why = nginx_checks.webhook_denial(k8s_model.ingress(doc), nginx_checks.check_config(data or {}))
        if why:
            return f'admission webhook "{nginx_checks.WEBHOOK_NAME}" denied the request: {why}'
    return None
