"""Defaulting, as the Kubernetes API server applies it before storing an object.

Sources: ``pkg/apis/core/v1/defaults.go`` (SetDefaults_PodSpec, _Container, _ContainerPort, _Secret,
_Namespace), ``pkg/apis/apps/v1/defaults.go`` (Deployment, StatefulSet, DaemonSet, ReplicaSet),
``pkg/apis/batch/v1/defaults.go`` (Job, CronJob), ``pkg/apis/networking/v1/defaults.go`` (NetworkPolicy),
plus the admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds, Priority).
Services are defaulted by ``aksnet.twin.kube.services``. Mutates the document in place;
must not validate or allocate anything.
"""

from __future__ import annotations

import base64
from typing import Any

Doc = dict[str, Any]

DEFAULT_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
)


def image_pull_policy(image: str) -> str:
    """SetDefaults_Container: ``Always`` for ``:latest`` or an untagged image, else ``IfNotPresent``."""
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return "IfNotPresent"
    if ":" not in last or last.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def default_container(c: Doc) -> None:
    c.setdefault("imagePullPolicy", image_pull_policy(str(c.get("image") or "")))
    c.setdefault("resources", {})
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    for p in c.get("ports") or []:
        if isinstance(p, dict):
            p.setdefault("protocol", "TCP")


def default_pod_spec(spec: Doc, restart_policy: str = "Always") -> None:
    """SetDefaults_PodSpec and the container defaults."""
    spec.setdefault("restartPolicy", restart_policy)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                default_container(c)
    if spec.get("hostNetwork"):
        # SetDefaults_PodSpec: with hostNetwork, hostPort defaults to containerPort
        for c in spec.get("containers") or []:
            for p in (c.get("ports") or []) if isinstance(c, dict) else []:
                if isinstance(p, dict) and "containerPort" in p:
                    p.setdefault("hostPort", p["containerPort"])


def _default_requests_from_limits(spec: Doc) -> None:
    """SetDefaults_Pod: a container (or init container) with a limit but no request for a resource gets the
    limit as its request (Pods only, not templates)."""
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        res = c.get("resources") if isinstance(c, dict) else None
        limits = res.get("limits") if isinstance(res, dict) else None
        if isinstance(limits, dict) and limits:
            requests = res.setdefault("requests", {})  # type: ignore[union-attr]
            for key, value in limits.items():
                requests.setdefault(key, value)


def default_pod(pod: Doc) -> None:
    """A Pod as stored: PodSpec defaults plus the admission plugins (ServiceAccount, tolerations, priority)."""
    spec = pod.setdefault("spec", {})
    default_pod_spec(spec)
    _default_requests_from_limits(spec)
    spec.setdefault("serviceAccountName", "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    tolerations = spec.setdefault("tolerations", [])
    have = {(t.get("key"), t.get("effect")) for t in tolerations if isinstance(t, dict)}
    for t in DEFAULT_TOLERATIONS:
        if (t["key"], t["effect"]) not in have:
            tolerations.append(dict(t))


def _template(doc: Doc, restart_policy: str = "Always") -> None:
    tmpl = doc.setdefault("spec", {}).setdefault("template", {})
    if isinstance(tmpl, dict):
        tmpl.setdefault("metadata", {})
        default_pod_spec(tmpl.setdefault("spec", {}), restart_policy)


def default_deployment(doc: Doc) -> None:
    spec = doc.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.get("strategy")
    if not strategy:
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    elif isinstance(strategy, dict):
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = strategy.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", "25%")
            ru.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _template(doc)


def default_replicaset(doc: Doc) -> None:
    doc.setdefault("spec", {}).setdefault("replicas", 1)
    _template(doc)


def default_statefulset(doc: Doc) -> None:
    spec = doc.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"})
    _template(doc)


def default_daemonset(doc: Doc) -> None:
    spec = doc.setdefault("spec", {})
    spec.setdefault("updateStrategy", {"type": "RollingUpdate",
                                       "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
    spec.setdefault("revisionHistoryLimit", 10)
    _template(doc)


def default_job_spec(spec: Doc) -> None:
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    tmpl = spec.setdefault("template", {})
    if isinstance(tmpl, dict):
        tmpl.setdefault("metadata", {})
        default_pod_spec(tmpl.setdefault("spec", {}), restart_policy="")
        if tmpl["spec"].get("restartPolicy") == "":
            del tmpl["spec"]["restartPolicy"]


def default_job(doc: Doc) -> None:
    default_job_spec(doc.setdefault("spec", {}))


def default_cronjob(doc: Doc) -> None:
    spec = doc.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    jt = spec.setdefault("jobTemplate", {})
    if isinstance(jt, dict):
        jt.setdefault("metadata", {})
        js = jt.setdefault("spec", {})
        tmpl = js.setdefault("template", {})
        if isinstance(tmpl, dict):
            tmpl.setdefault("metadata", {})
            default_pod_spec(tmpl.setdefault("spec", {}), restart_policy="")
            if tmpl["spec"].get("restartPolicy") == "":
                del tmpl["spec"]["restartPolicy"]


def default_namespace(doc: Doc) -> None:
    """SetDefaults_Namespace + the NamespaceLifecycle admission: label ``kubernetes.io/metadata.name``."""
    meta = doc.setdefault("metadata", {})
    meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta.get("name", "")
    doc.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    doc["status"] = {"phase": "Active"}


def default_secret(doc: Doc) -> None:
    """SetDefaults_Secret (type Opaque); ``stringData`` is merged into ``data`` (base64) and dropped."""
    doc.setdefault("type", "Opaque")
    string_data = doc.pop("stringData", None)
    if isinstance(string_data, dict):
        data = doc.setdefault("data", {})
        for k, v in string_data.items():
            data[k] = base64.b64encode(str(v).encode()).decode()


def default_networkpolicy(doc: Doc) -> None:
    """SetDefaults_NetworkPolicy: policyTypes = [Ingress] (+ Egress when egress rules exist); port protocol TCP."""
    spec = doc.setdefault("spec", {})
    if not spec.get("policyTypes"):
        types = ["Ingress"]
        if spec.get("egress"):
            types.append("Egress")
        spec["policyTypes"] = types
    for direction in ("ingress", "egress"):
        for rule in spec.get(direction) or []:
            for p in (rule.get("ports") or []) if isinstance(rule, dict) else []:
                if isinstance(p, dict):
                    p.setdefault("protocol", "TCP")


DEFAULTERS = {
    "Pod": default_pod,
    "Deployment": default_deployment,
    "ReplicaSet": default_replicaset,
    "StatefulSet": default_statefulset,
    "DaemonSet": default_daemonset,
    "Job": default_job,
    "CronJob": default_cronjob,
    "Namespace": default_namespace,
    "Secret": default_secret,
    "NetworkPolicy": default_networkpolicy,
}


def apply_defaults(kind: str, doc: Doc) -> None:
    """Apply the API server's defaults for ``kind`` (no-op for kinds without defaults)."""
    fn = DEFAULTERS.get(kind)
    if fn is not None:
        fn(doc)
