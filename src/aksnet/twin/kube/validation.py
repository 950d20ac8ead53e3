"""Validation of objects as the Kubernetes API server does it, with its field paths and messages.

Sources: ``pkg/apis/core/validation/validation.go`` (ObjectMeta, PodSpec, containers, ports, Secret,
Namespace), ``pkg/apis/apps/validation`` (selectors must match template labels, replicas), ``pkg/apis/
networking/validation`` (NetworkPolicy, Ingress), ``k8s.io/apimachinery/pkg/util/validation`` (the name and
label message texts). Each function returns the list of field errors (``path: Type value: detail``); the
API server turns a non-empty list into kubectl's ``The <Kind> "<name>" is invalid: …``. Services are
validated by ``aksnet.twin.kube.services``. Must not change the document.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aksnet.twin.kube import limits
from aksnet.twin.kube.validation_common import (
    CONFIG_KEY,
    DNS1123_LABEL,
    IANA_SVC_NAME,
    MSG_CONFIG_KEY,
    MSG_DNS1123_LABEL,
    MSG_PORT_RANGE,
    Raw,
    duplicate,
    forbidden,
    invalid,
    invalid_error,
    required,
    selector_matches,
    unsupported,
    validate_labels,
    validate_metadata,
    validate_name,
    validate_selector,
)
from aksnet.twin.kube.validation_networking import (
    validate_ingress,
    validate_ingressclass,
    validate_networkpolicy,
)

Doc = dict[str, Any]

__all__ = ["invalid_error", "selector_matches", "validate", "validate_metadata", "validate_name",
           "validate_update"]


# -- pods --------------------------------------------------------------------------------------------
def validate_container_ports(ports: Any, path: str) -> list[str]:
    errs: list[str] = []
    names: set[str] = set()
    for i, p in enumerate(ports or []):
        pp = f"{path}[{i}]"
        if not isinstance(p, dict):
            continue
        name = p.get("name")
        if name:
            if len(name) > 15:
                errs.append(invalid(f"{pp}.name", name, "must be no more than 15 characters"))
            elif not IANA_SVC_NAME.match(name):
                errs.append(invalid(f"{pp}.name", name,
                                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"))
            elif not re.search(r"[a-z]", name):
                errs.append(invalid(f"{pp}.name", name, "must contain at least one letter (a-z)"))
            elif "--" in name:
                errs.append(invalid(f"{pp}.name", name, "must not contain consecutive hyphens"))
            if name in names:
                errs.append(duplicate(f"{pp}.name", name))
            names.add(name)
        cp = p.get("containerPort")
        if not cp:
            errs.append(required(f"{pp}.containerPort"))
        elif not 1 <= int(cp) <= 65535:
            errs.append(invalid(f"{pp}.containerPort", cp, MSG_PORT_RANGE))
        hp = p.get("hostPort")
        if hp and not 1 <= int(hp) <= 65535:
            errs.append(invalid(f"{pp}.hostPort", hp, MSG_PORT_RANGE))
        proto = p.get("protocol", "TCP")
        if proto not in ("TCP", "UDP", "SCTP"):
            errs.append(unsupported(f"{pp}.protocol", proto, ["SCTP", "TCP", "UDP"]))
    return errs


def validate_containers(containers: Any, path: str, required_list: bool = True) -> list[str]:
    if not containers:
        return [required(path)] if required_list else []
    errs: list[str] = []
    seen: set[str] = set()
    for i, c in enumerate(containers):
        cp = f"{path}[{i}]"
        if not isinstance(c, dict):
            continue
        name = c.get("name")
        if not name:
            errs.append(required(f"{cp}.name"))
        else:
            if not DNS1123_LABEL.match(name) or len(name) > 63:
                errs.append(invalid(f"{cp}.name", name, MSG_DNS1123_LABEL))
            if name in seen:
                errs.append(duplicate(f"{cp}.name", name))
            seen.add(name)
        if not c.get("image"):
            errs.append(required(f"{cp}.image"))
        errs += validate_container_ports(c.get("ports"), f"{cp}.ports")
        policy = c.get("imagePullPolicy")
        if policy and policy not in ("Always", "IfNotPresent", "Never"):
            errs.append(unsupported(f"{cp}.imagePullPolicy", policy, ["Always", "IfNotPresent", "Never"]))
    return errs


def validate_pod_spec(spec: Any, path: str, restart_policies: tuple[str, ...] = ("Always", "OnFailure", "Never"),
                      ) -> list[str]:
    if not isinstance(spec, dict):
        return [required(path)]
    errs = validate_containers(spec.get("containers"), f"{path}.containers")
    errs += validate_containers(spec.get("initContainers"), f"{path}.initContainers", required_list=False)
    rp = spec.get("restartPolicy")
    if rp is None:
        if "Always" not in restart_policies:
            errs.append(required(f"{path}.restartPolicy", "valid values: " + ", ".join(
                json.dumps(p) for p in restart_policies)))
    elif rp not in restart_policies:
        if rp in ("Always", "OnFailure", "Never"):
            errs.append(unsupported(f"{path}.restartPolicy", rp, list(restart_policies)))
        else:
            errs.append(unsupported(f"{path}.restartPolicy", rp, ["Always", "Never", "OnFailure"]))
    dns = spec.get("dnsPolicy")
    if dns and dns not in ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"):
        errs.append(unsupported(f"{path}.dnsPolicy", dns, ["ClusterFirstWithHostNet", "ClusterFirst", "Default",
                                                            "None"]))
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    for i, t in enumerate(spec.get("tolerations") or []):
        if isinstance(t, dict):
            op = t.get("operator", "Equal")
            if op not in ("Equal", "Exists"):
                errs.append(unsupported(f"{path}.tolerations[{i}].operator", op, ["Equal", "Exists"]))
            eff = t.get("effect")
            if eff and eff not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
                errs.append(unsupported(f"{path}.tolerations[{i}].effect", eff,
                                        ["NoSchedule", "PreferNoSchedule", "NoExecute"]))
    return errs


def validate_pod(doc: Doc) -> list[str]:
    return validate_metadata(doc.get("metadata") or {}, False) + validate_pod_spec(doc.get("spec"), "spec")


# -- workloads --------------------------------------------------------------------------------------------
def _validate_template_workload(doc: Doc, kind: str, restart_policies: tuple[str, ...] = ("Always",),
                                selector_required: bool = True) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        errs.append(invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
    selector = spec.get("selector")
    tmpl = spec.get("template") or {}
    tmeta = tmpl.get("metadata") or {}
    labels = tmeta.get("labels") or {}
    if selector_required and not selector:
        errs.append(required("spec.selector"))
    elif isinstance(selector, dict):
        errs += validate_selector(selector, "spec.selector")
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            errs.append(invalid("spec.selector", Raw("v1.LabelSelector{MatchLabels:map[string]string(nil), "
                                                     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"),
                                f"empty selector is invalid for {kind.lower()}"))
        elif not selector_matches(selector, labels):
            errs.append(invalid("spec.template.metadata.labels", labels,
                                "`selector` does not match template `labels`"))
    errs += validate_labels(labels, "spec.template.metadata.labels")
    errs += validate_pod_spec(tmpl.get("spec"), "spec.template.spec", restart_policies)
    return errs


def validate_deployment(doc: Doc) -> list[str]:
    return _validate_template_workload(doc, "Deployment")


def validate_replicaset(doc: Doc) -> list[str]:
    return _validate_template_workload(doc, "ReplicaSet")


def validate_statefulset(doc: Doc) -> list[str]:
    return _validate_template_workload(doc, "StatefulSet")


def validate_daemonset(doc: Doc) -> list[str]:
    return _validate_template_workload(doc, "DaemonSet")


def validate_job(doc: Doc) -> list[str]:
    return _validate_template_workload(doc, "Job", ("OnFailure", "Never"), selector_required=False)


def validate_cronjob(doc: Doc) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    name = (doc.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    if not spec.get("schedule"):
        errs.append(required("spec.schedule"))
    elif len(str(spec["schedule"]).split()) not in (5, 6) and not str(spec["schedule"]).startswith("@"):
        errs.append(invalid("spec.schedule", spec["schedule"],
                            f"unparseable cron expression: expected exactly 5 fields, found "
                            f"{len(str(spec['schedule']).split())}: [{spec['schedule']}]"))
    tmpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
    errs += validate_pod_spec(tmpl.get("spec"), "spec.jobTemplate.spec.template.spec", ("OnFailure", "Never"))
    return errs


# -- config and networking ---------------------------------------------------------------------------
def validate_namespace(doc: Doc) -> list[str]:
    return validate_metadata(doc.get("metadata") or {}, True)


def validate_data_keys(data: Any, field: str) -> list[str]:
    errs: list[str] = []
    for k in (data or {}) if isinstance(data, dict) else {}:
        if not CONFIG_KEY.match(str(k)):
            errs.append(invalid(f"{field}[{k}]", k, MSG_CONFIG_KEY))
    return errs


def validate_secret(doc: Doc) -> list[str]:
    errs = validate_metadata(doc.get("metadata") or {}, False)
    data = doc.get("data") or {}
    errs += validate_data_keys(data, "data")
    errs += limits.secret_size_errors(doc)
    if doc.get("type") == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(required(f"data[{key}]"))
    return errs


def validate_configmap(doc: Doc) -> list[str]:
    errs = validate_metadata(doc.get("metadata") or {}, False)
    errs += validate_data_keys(doc.get("data"), "data")
    errs += limits.configmap_size_errors(doc)
    return errs


def validate_generic(doc: Doc) -> list[str]:
    return validate_metadata(doc.get("metadata") or {}, False)


VALIDATORS = {
    "Pod": validate_pod, "Deployment": validate_deployment, "ReplicaSet": validate_replicaset,
    "StatefulSet": validate_statefulset, "DaemonSet": validate_daemonset, "Job": validate_job,
    "CronJob": validate_cronjob, "Namespace": validate_namespace, "Secret": validate_secret,
    "ConfigMap": validate_configmap, "NetworkPolicy": validate_networkpolicy, "Ingress": validate_ingress,
    "IngressClass": validate_ingressclass,
}


def validate(kind: str, doc: Doc) -> list[str]:
    """Field errors of ``doc`` (kind ``kind``) on create; empty when valid."""
    return VALIDATORS.get(kind, validate_generic)(doc)


def validate_update(kind: str, new: Doc, old: Doc) -> list[str]:
    """Rules that only apply to updates: immutable fields (ValidateDeploymentUpdate, ValidateSecretUpdate …)."""
    errs: list[str] = []
    ns, os_ = new.get("spec") or {}, old.get("spec") or {}
    if kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet") and ns.get("selector") != os_.get("selector"):
        errs.append(invalid("spec.selector", Raw(_selector_repr(ns.get("selector") or {})), "field is immutable"))
    if kind == "Job" and ns.get("template") != os_.get("template"):
        errs.append(invalid("spec.template", Raw("core.PodTemplateSpec{…}"), "field is immutable"))
    if kind in ("Secret", "ConfigMap") and old.get("immutable") and new.get("data") != old.get("data"):
        errs.append(forbidden("data", "field is immutable when `immutable` is set"))
    if kind == "Secret" and new.get("type") != old.get("type"):
        errs.append(invalid("type", new.get("type"), "field is immutable"))
    if kind == "Pod":
        changed = {k for k in set(ns) | set(os_) if ns.get(k) != os_.get(k)}
        if changed - {"activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"} or any(
                c.get("image") is None for c in ns.get("containers") or []):
            errs.append(forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,"
                                          "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                                          "`spec.tolerations` (only additions to existing tolerations),"
                                          "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                                          "was previously negative)"))
    return errs


def _selector_repr(sel: Doc) -> str:
    ml = sel.get("matchLabels")
    mls = "map[string]string(nil)" if not ml else "map[string]string{" + ", ".join(
        f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(ml.items())) + "}"
    return f"v1.LabelSelector{{MatchLabels:{mls}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}"


def split_invalid(docs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """(valid objects, kubectl's errors for the others): NetworkPolicies validated as the API server validates
    them (``kubectl apply`` would refuse those), the rest kept as read."""
    from aksnet.io.policy_kinds import is_kubernetes_network_policy

    valid, problems = [], []
    for d in docs:
        if is_kubernetes_network_policy(d):
            errs = validate("NetworkPolicy", d)
            if errs:
                err = invalid_error("NetworkPolicy", str((d.get("metadata") or {}).get("name", "")), errs)
                problems.append(err.render())
                continue
        valid.append(d)
    return valid, problems
