"""The ingress-nginx chart's objects besides the controller's workload and Services: RBAC (ClusterRole,
ClusterRoleBinding, Role, RoleBinding), the admission webhook (ValidatingWebhookConfiguration, and the
``admission-create``/``admission-patch`` hook Jobs with their own ServiceAccount and RBAC), the controller's
PodDisruptionBudget, the metrics Service and the ``tcp``/``udp`` ConfigMaps
[kubernetes/ingress-nginx charts/ingress-nginx/templates at helm-chart-4.15.1: clusterrole.yaml,
clusterrolebinding.yaml, controller-role.yaml, controller-rolebinding.yaml,
admission-webhooks/validating-webhook.yaml, admission-webhooks/job-patch/*, controller-poddisruptionbudget.yaml,
controller-service-metrics.yaml, controller-configmap-tcp.yaml, controller-configmap-udp.yaml].
Pure: values in, documents out.
"""

from __future__ import annotations

from typing import Any

from aksnet.twin.helm.charts import ingress_nginx as base

Doc = dict[str, Any]
# helm's kind install order (pkg/releaseutil/kind_sorter.go InstallOrder, the kinds these charts render);
# other kinds follow, in the order rendered
INSTALL_ORDER = ("Namespace", "NetworkPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret", "ConfigMap",
                 "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
                 "DaemonSet", "Pod", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
                 "CronJob", "IngressClass", "Ingress")
Rule = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # apiGroups, resources, verbs
RBAC_GROUP = "rbac.authorization.k8s.io"

_CLUSTER_RULES: tuple[Rule, ...] = (
    (("",), ("configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"), ("list", "watch")),
    (("coordination.k8s.io",), ("leases",), ("list", "watch")),
    (("",), ("nodes",), ("get",)),
    (("",), ("services",), ("get", "list", "watch")),
    (("networking.k8s.io",), ("ingresses",), ("get", "list", "watch")),
    (("",), ("events",), ("create", "patch")),
    (("networking.k8s.io",), ("ingresses/status",), ("update",)),
    (("networking.k8s.io",), ("ingressclasses",), ("get", "list", "watch")),
    (("discovery.k8s.io",), ("endpointslices",), ("list", "watch", "get")),
)


def _rules(rules: tuple[Rule, ...]) -> list[Doc]:
    return [{"apiGroups": list(g), "resources": list(r), "verbs": list(v)} for g, r, v in rules]


def _role_rules(election_id: str, update_status: bool) -> list[Doc]:
    out = _rules(((("",), ("namespaces",), ("get",)),
                  (("",), ("configmaps", "pods", "secrets", "endpoints"), ("get", "list", "watch")),
                  (("",), ("services",), ("get", "list", "watch")),
                  (("networking.k8s.io",), ("ingresses",), ("get", "list", "watch"))))
    if update_status:
        out += _rules(((("networking.k8s.io",), ("ingresses/status",), ("update",)),))
    out += _rules(((("networking.k8s.io",), ("ingressclasses",), ("get", "list", "watch")),))
    out.append({"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "resourceNames": [election_id],
                "verbs": ["get", "update"]})
    out += _rules(((("coordination.k8s.io",), ("leases",), ("create",)),
                   (("",), ("events",), ("create", "patch")),
                   (("discovery.k8s.io",), ("endpointslices",), ("list", "watch", "get"))))
    return out


def _labels(release: str, version: str, values: base.Values, component: str | None) -> dict[str, str]:
    labels = base._labels(release, version, values, component)
    labels.update({str(k): str(v) for k, v in (values["controller"].get("labels") or {}).items()})
    return labels


def _binding(kind: str, name: str, namespace: str | None, labels: dict[str, str], role: str, sa: str,
             sa_namespace: str) -> Doc:
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": kind, "metadata": base._meta(name, namespace, labels),
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole" if kind == "ClusterRoleBinding" else "Role",
                        "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": sa_namespace}]}


def rbac(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """``rbac.create``: the controller's ClusterRole/ClusterRoleBinding (not with ``rbac.scope``) and
    Role/RoleBinding, bound to its ServiceAccount."""
    r = values.get("rbac") or {}
    if not r.get("create", True):
        return []
    c = values["controller"]
    sa = base._service_account(full, values)
    election = str(c.get("electionID") or f"{full}-leader")
    out: list[Doc] = []
    if not r.get("scope"):
        labels = _labels(release, version, values, None)
        out.append({"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole",
                    "metadata": base._meta(full, None, labels), "rules": _rules(_CLUSTER_RULES)})
        out.append(_binding("ClusterRoleBinding", full, None, labels, full, sa, namespace))
    labels = _labels(release, version, values, "controller")
    update_status = str((c.get("extraArgs") or {}).get("update-status", "")) != "false"
    out.append({"apiVersion": f"{RBAC_GROUP}/v1", "kind": "Role", "metadata": base._meta(full, namespace, labels),
                "rules": _role_rules(election, update_status)})
    out.append(_binding("RoleBinding", full, namespace, labels, full, sa, namespace))
    return out


def admission_name(full: str, values: base.Values) -> str:
    wh = values["controller"]["admissionWebhooks"]
    return f"{full}-{wh.get('name') or 'admission'}"[:63].rstrip("-")


def validating_webhook(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """The ValidatingWebhookConfiguration that sends Ingress creates and updates to the controller's
    ``-admission`` Service (``failurePolicy`` Fail by default)."""
    c = values["controller"]
    wh = c["admissionWebhooks"]
    if not wh.get("enabled"):
        return []
    labels = {**base._labels(release, version, values, "admission-webhook"),
              **{str(k): str(v) for k, v in (wh.get("labels") or {}).items()}}
    hook: Doc = {
        "name": "validate.nginx.ingress.kubernetes.io", "matchPolicy": "Equivalent",
        "rules": [{"apiGroups": ["networking.k8s.io"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                   "resources": ["ingresses"]}],
        "failurePolicy": str(wh.get("failurePolicy") or "Fail"), "sideEffects": "None",
        "admissionReviewVersions": ["v1"],
        "clientConfig": {"service": {"name": f"{full}-{c['name']}-admission", "namespace": namespace,
                                     "port": base._value(wh["service"]["servicePort"]),
                                     "path": "/networking/v1/ingresses"}},
    }
    if wh.get("timeoutSeconds"):
        hook["timeoutSeconds"] = base._value(wh["timeoutSeconds"])
    for key in ("namespaceSelector", "objectSelector"):
        if wh.get(key):
            hook[key] = wh[key]
    return [{"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
             "metadata": base._meta(admission_name(full, values), None, labels, wh.get("annotations")),
             "webhooks": [hook]}]


def hook_jobs(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """The pre-install/pre-upgrade hooks (``helm template`` prints them; ``helm install`` runs them and deletes
    them when they succeed: ``hook-delete-policy: before-hook-creation,hook-succeeded``): the certgen Job that
    creates the ``-admission`` Secret, the post-install Job that patches the webhook's CA bundle, and their
    ServiceAccount, ClusterRole(Binding) and Role(Binding)."""
    wh = values["controller"]["admissionWebhooks"]
    patch = wh.get("patch") or {}
    if not wh.get("enabled") or not patch.get("enabled", True):
        return []
    name = admission_name(full, values)
    labels = {**base._labels(release, version, values, "admission-webhook"),
              **{str(k): str(v) for k, v in (patch.get("labels") or {}).items()}}
    ann = {"helm.sh/hook": "pre-install,pre-upgrade,post-install,post-upgrade",
           "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded"}
    img = patch.get("image") or {}
    image = f"{img.get('registry', 'registry.k8s.io')}/{img.get('image')}:{img.get('tag')}"
    if img.get("digest"):
        image += f"@{img['digest']}"
    svc = f"{full}-{values['controller']['name']}-admission"

    def job(suffix: str, container: str, args: list[str], hook: str) -> Doc:
        jname = f"{name}-{suffix}"[:63].rstrip("-")
        settings = wh.get("createSecretJob" if suffix == "create" else "patchWebhookJob") or {}
        return {"apiVersion": "batch/v1", "kind": "Job",
                "metadata": base._meta(jname, namespace, labels, {**ann, "helm.sh/hook": hook}),
                "spec": {"ttlSecondsAfterFinished": 0, "template": {
                    "metadata": {"name": jname, "labels": dict(labels)},
                    "spec": {"containers": [{
                        "name": container, "image": image, "imagePullPolicy": img.get("pullPolicy", "IfNotPresent"),
                        "args": args,
                        "env": [{"name": "POD_NAMESPACE",
                                 "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                        "securityContext": settings.get("securityContext") or {}}],
                        "restartPolicy": "OnFailure", "serviceAccountName": name,
                        "automountServiceAccountToken": True,
                        "nodeSelector": dict(patch.get("nodeSelector") or {})}}}}

    rbac_docs: list[Doc] = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": base._meta(name, namespace, labels, ann),
         "automountServiceAccountToken": True},
        {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole", "metadata": base._meta(name, None, labels, ann),
         "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"],
                    "verbs": ["get", "update"]}]},
        {**_binding("ClusterRoleBinding", name, None, labels, name, name, namespace)},
        {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "Role", "metadata": base._meta(name, namespace, labels, ann),
         "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "create"]}]},
        {**_binding("RoleBinding", name, namespace, labels, name, name, namespace)},
    ]
    for d in rbac_docs[2::2]:
        d["metadata"]["annotations"] = dict(ann)
    return [
        *rbac_docs,
        job("create", "create", ["create", f"--host={svc},{svc}.$(POD_NAMESPACE).svc", "--namespace=$(POD_NAMESPACE)",
                                 f"--secret-name={name}"], "pre-install,pre-upgrade"),
        job("patch", "patch", ["patch", f"--webhook-name={name}", "--namespace=$(POD_NAMESPACE)",
                               "--patch-mutating=false", f"--secret-name={name}",
                               f"--patch-failure-policy={wh.get('failurePolicy') or 'Fail'}"],
            "post-install,post-upgrade"),
    ]


def _sprig_int(value: Any) -> int:
    """sprig's ``int``: a number or numeric string as an integer, anything else 0 (``"two" | int`` is 0)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    return int(text) if text.lstrip("+-").isdigit() else 0


def pod_disruption_budget(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """A Deployment controller with more than one replica (the autoscaler's minReplicas when it is on) gets a
    PodDisruptionBudget: ``minAvailable`` unless ``maxUnavailable`` is set."""
    c = values["controller"]
    if str(c.get("kind", "Deployment")) != "Deployment":
        return []
    auto = c.get("autoscaling") or {}
    keda = c.get("keda") or {}
    replicas = c.get("replicaCount", 1)
    if auto.get("enabled") and not keda.get("enabled"):
        replicas = auto.get("minReplicas", 1)
    elif keda.get("enabled") and not auto.get("enabled"):
        replicas = keda.get("minReplicas", 1)
    if _sprig_int(replicas) <= 1:
        return []
    spec: Doc = {"selector": {"matchLabels": base._selector(release, values, "controller")}}
    if c.get("minAvailable") and "maxUnavailable" not in c:
        spec["minAvailable"] = base._value(c["minAvailable"])
    elif c.get("maxUnavailable"):
        spec["maxUnavailable"] = base._value(c["maxUnavailable"])
    if c.get("unhealthyPodEvictionPolicy"):
        spec["unhealthyPodEvictionPolicy"] = str(c["unhealthyPodEvictionPolicy"])
    return [{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
             "metadata": base._meta(f"{full}-{c['name']}", namespace, _labels(release, version, values, "controller"),
                                    c.get("annotations")),
             "spec": spec}]


def metrics_service(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """``controller.metrics.enabled`` (and its ``service.enabled``): the ``-metrics`` Service on port 10254."""
    m = values["controller"].get("metrics") or {}
    s = m.get("service") or {}
    if not m.get("enabled") or not s.get("enabled", True):
        return []
    c = values["controller"]
    spec: Doc = {"type": str(s.get("type") or "ClusterIP")}
    for key in ("clusterIP", "loadBalancerIP", "externalTrafficPolicy"):
        if s.get(key):
            spec[key] = str(s[key])
    for key in ("externalIPs", "loadBalancerSourceRanges"):
        if s.get(key):
            spec[key] = list(s[key])
    port: Doc = {"name": str(m.get("portName") or "metrics"), "port": base._value(s.get("servicePort", 10254)),
                 "protocol": "TCP", "targetPort": str(m.get("portName") or "metrics")}
    if s.get("nodePort") and spec["type"] in ("NodePort", "LoadBalancer"):
        port["nodePort"] = base._value(s["nodePort"])
    spec["ports"] = [port]
    spec["selector"] = base._selector(release, values, "controller")
    labels = {**base._labels(release, version, values, "controller"),
              **{str(k): str(v) for k, v in (s.get("labels") or {}).items()}}
    return [{"apiVersion": "v1", "kind": "Service",
             "metadata": base._meta(f"{full}-{c['name']}-metrics", namespace, labels, s.get("annotations")),
             "spec": spec}]


def port_configmaps(release: str, version: str, namespace: str, full: str, values: base.Values) -> list[Doc]:
    """``tcp``/``udp`` (port → ``namespace/service:port``): the ``-tcp``/``-udp`` ConfigMaps the controller reads
    (``--tcp-services-configmap``/``--udp-services-configmap``)."""
    out = []
    for proto in ("tcp", "udp"):
        entries = values.get(proto) or {}
        if not entries:
            continue
        ann = (values["controller"].get(proto) or {}).get("annotations")
        out.append({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": base._meta(f"{full}-{proto}", namespace,
                                           _labels(release, version, values, "controller"), ann),
                    "data": {str(k): str(v) for k, v in entries.items()}})
    return out


def stream_ports(values: base.Values, container: bool) -> list[Doc]:
    """The ports ``tcp``/``udp`` add to the controller's container (``containerPort``) or Service (``port``,
    ``targetPort`` by name ``<port>-tcp``, optional ``nodePorts.tcp[port]``)."""
    prefix = str(values.get("portNamePrefix") or "")
    s = values["controller"]["service"]
    out = []
    for proto in ("tcp", "udp"):
        for key in sorted((values.get(proto) or {}), key=str):
            name = f"{prefix + '-' if prefix else ''}{key}-{proto}"
            if container:
                out.append({"name": name, "containerPort": base._value(key), "protocol": proto.upper()})
                continue
            p: Doc = {"name": name, "port": base._value(key), "protocol": proto.upper(), "targetPort": name}
            node_port = ((s.get("nodePorts") or {}).get(proto) or {}).get(key)
            if node_port:
                p["nodePort"] = base._value(node_port)
            out.append(p)
    return out


def install_rank(kind: str) -> int:
    return INSTALL_ORDER.index(kind) if kind in INSTALL_ORDER else len(INSTALL_ORDER)


_SOURCES = {"PodDisruptionBudget": "controller-poddisruptionbudget.yaml", "ClusterRole": "clusterrole.yaml",
            "ClusterRoleBinding": "clusterrolebinding.yaml", "Role": "controller-role.yaml",
            "RoleBinding": "controller-rolebinding.yaml",
            "ValidatingWebhookConfiguration": "admission-webhooks/validating-webhook.yaml",
            "ServiceAccount": "controller-serviceaccount.yaml", "ConfigMap": "controller-configmap.yaml",
            "Service": "controller-service.yaml", "Deployment": "controller-deployment.yaml",
            "DaemonSet": "controller-daemonset.yaml", "IngressClass": "controller-ingressclass.yaml"}
_HOOK_SOURCES = {"ServiceAccount": "serviceaccount.yaml", "ClusterRole": "clusterrole.yaml",
                 "ClusterRoleBinding": "clusterrolebinding.yaml", "Role": "role.yaml",
                 "RoleBinding": "rolebinding.yaml"}


def template_of(doc: Doc) -> str:
    """The chart template a rendered object comes from (``# Source:`` of ``helm template``)."""
    kind, name = doc["kind"], str(doc["metadata"]["name"])
    if "helm.sh/hook" in (doc["metadata"].get("annotations") or {}):
        if kind == "Job":
            return "admission-webhooks/job-patch/" + ("job-createSecret.yaml" if name.endswith("-create")
                                                      else "job-patchWebhook.yaml")
        return "admission-webhooks/job-patch/" + _HOOK_SOURCES.get(kind, f"{kind.lower()}.yaml")
    if "default-backend" in (doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component", ""):
        return "default-backend-" + _SOURCES.get(kind, f"{kind.lower()}.yaml").split("-", 1)[-1]
    if kind == "Service":
        for suffix, tpl in (("-admission", "controller-service-webhook.yaml"),
                            ("-metrics", "controller-service-metrics.yaml"),
                            ("-internal", "controller-service-internal.yaml")):
            if name.endswith(suffix):
                return tpl
    if kind == "ConfigMap" and name.endswith(("-tcp", "-udp")):
        return f"controller-configmap-{name[-3:]}.yaml"
    return _SOURCES.get(kind, f"{kind.lower()}.yaml")
