"""Validation of objects as the Kubernetes API server does it, with its field paths and messages.

Sources: ``pkg/apis/core/validation/validation.go`` (ObjectMeta, PodSpec, containers, ports, Secret,
Namespace), ``pkg/apis/apps/validation`` (selectors must match template labels, replicas), ``pkg/apis/
networking/validation`` (NetworkPolicy, Ingress), ``k8s.io/apimachinery/pkg/util/validation`` (the name and
label message texts). Each function returns the list of field errors (``path: Type value: detail``); the
API server turns a non-empty list into kubectl's ``The <Kind> "<name>" is invalid: …``. Services are
validated by ``aksnet.twin.kube.services``. Must not change the document.
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from aksnet.errors import KubeError

Doc = dict[str, Any]

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
IANA_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")

MSG_DNS1123_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
MSG_DNS1123_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MSG_LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
MSG_QUALIFIED_NAME = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
MSG_CONFIG_KEY = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
MSG_PORT_RANGE = "must be between 1 and 65535, inclusive"


class Raw(str):
    """A value already rendered the way Go prints it (a struct literal): shown as is."""


def go_quote(value: Any) -> str:
    """A value as Go's ``%#v``/``%q`` shows it in field errors: strings quoted, numbers bare."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))}:{json.dumps(str(v))}" for k, v in sorted(value.items()))
        return "map[string]string{" + inner + "}"
    return str(value)


def required(path: str, detail: str = "") -> str:
    return f"{path}: Required value" + (f": {detail}" if detail else "")


def invalid(path: str, value: Any, detail: str) -> str:
    return f"{path}: Invalid value: {go_quote(value)}: {detail}"


def unsupported(path: str, value: Any, supported: list[str]) -> str:
    return f"{path}: Unsupported value: {go_quote(value)}: supported values: " + ", ".join(
        json.dumps(s) for s in supported)


def duplicate(path: str, value: Any) -> str:
    return f"{path}: Duplicate value: {go_quote(value)}"


def forbidden(path: str, detail: str) -> str:
    return f"{path}: Forbidden: {detail}"


def invalid_error(kind: str, name: str, errors: list[str]) -> KubeError:
    """kubectl's rendering of a 422 Invalid: one cause on the same line, several as a bulleted list."""
    prefix = f'The {kind} "{name}" is invalid: '
    if len(errors) == 1:
        return KubeError(prefix + errors[0])
    return KubeError(prefix + "\n" + "\n".join(f"* {e}" for e in errors))


# -- metadata ----------------------------------------------------------------------------------------
def validate_name(name: Any, label: bool, path: str = "metadata.name") -> list[str]:
    if not name:
        return [required(path, "name or generateName is required")]
    if not isinstance(name, str):
        return [invalid(path, name, "must be a string")]
    errs = []
    limit = 63 if label else 253
    if len(name) > limit:
        errs.append(invalid(path, name, f"must be no more than {limit} characters"))
    pattern, msg = (DNS1123_LABEL, MSG_DNS1123_LABEL) if label else (DNS1123_SUBDOMAIN, MSG_DNS1123_SUBDOMAIN)
    if not pattern.match(name):
        errs.append(invalid(path, name, msg))
    return errs


def validate_label_key(key: str, path: str) -> list[str]:
    """IsQualifiedName: optional DNS-1123 subdomain prefix, then a name part of at most 63 characters."""
    prefix, _, name = key.rpartition("/")
    errs = []
    if "/" in key and (not prefix or not DNS1123_SUBDOMAIN.match(prefix)):
        errs.append(invalid(path, key, "prefix part " + MSG_DNS1123_SUBDOMAIN))
    if not name:
        errs.append(invalid(path, key, "name part must be non-empty"))
    elif len(name) > 63:
        errs.append(invalid(path, key, "name part must be no more than 63 characters"))
    elif not QUALIFIED_NAME.match(name):
        errs.append(invalid(path, key, MSG_QUALIFIED_NAME))
    return errs


def validate_labels(labels: Any, path: str) -> list[str]:
    errs: list[str] = []
    if not isinstance(labels, dict):
        return errs
    for k, v in labels.items():
        errs += validate_label_key(str(k), path)
        value = "" if v is None else str(v)
        if len(value) > 63:
            errs.append(invalid(path, value, "must be no more than 63 characters"))
        elif not LABEL_VALUE.match(value):
            errs.append(invalid(path, value, MSG_LABEL_VALUE))
    return errs


def validate_annotations(annotations: Any, path: str) -> list[str]:
    errs: list[str] = []
    if isinstance(annotations, dict):
        for k in annotations:
            errs += validate_label_key(str(k), path)
    return errs


def validate_metadata(meta: Doc, name_is_label: bool) -> list[str]:
    errs = validate_name(meta.get("name"), name_is_label)
    errs += validate_labels(meta.get("labels"), "metadata.labels")
    errs += validate_annotations(meta.get("annotations"), "metadata.annotations")
    return errs


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
def selector_matches(selector: Doc, labels: dict[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels)."""
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for req in selector.get("matchExpressions") or []:
        key, op, values = req.get("key"), req.get("operator"), req.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def validate_selector(selector: Any, path: str) -> list[str]:
    errs: list[str] = []
    if not isinstance(selector, dict):
        return errs
    errs += validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, req in enumerate(selector.get("matchExpressions") or []):
        rp = f"{path}.matchExpressions[{i}]"
        op = req.get("operator") if isinstance(req, dict) else None
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errs.append(invalid(f"{rp}.operator", op or "", "not a valid selector operator"))
        elif op in ("In", "NotIn") and not req.get("values"):
            errs.append(required(f"{rp}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist") and req.get("values"):
            errs.append(forbidden(f"{rp}.values", "may not be specified when `operator` is 'Exists' or "
                                                   "'DoesNotExist'"))
    return errs


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
    if doc.get("type") == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(required(f"data[{key}]"))
    return errs


def validate_configmap(doc: Doc) -> list[str]:
    errs = validate_metadata(doc.get("metadata") or {}, False)
    errs += validate_data_keys(doc.get("data"), "data")
    return errs


def _valid_cidr(text: Any) -> bool:
    try:
        ipaddress.ip_network(str(text), strict=False)
    except ValueError:
        return False
    return "/" in str(text)


def _validate_np_port(p: Doc, path: str) -> list[str]:
    errs: list[str] = []
    proto = p.get("protocol", "TCP")
    if proto not in ("TCP", "UDP", "SCTP"):
        errs.append(unsupported(f"{path}.protocol", proto, ["SCTP", "TCP", "UDP"]))
    port = p.get("port")
    if isinstance(port, int) and not 1 <= port <= 65535:
        errs.append(invalid(f"{path}.port", port, MSG_PORT_RANGE))
    end = p.get("endPort")
    if end is not None:
        if not isinstance(port, int):
            errs.append(required(f"{path}.endPort", "may not be specified when port is non-numeric")
                        if port is not None else forbidden(f"{path}.endPort", "may not be specified when port "
                                                                             "is not specified"))
        elif end < port:
            errs.append(invalid(f"{path}.endPort", end, "must be greater than or equal to `port`"))
    return errs


def _validate_np_peer(peer: Doc, path: str) -> list[str]:
    errs: list[str] = []
    n = sum(1 for k in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(k) is not None)
    if n == 0:
        errs.append(required(path, "must specify a peer"))
    elif peer.get("ipBlock") is not None and n > 1:
        errs.append(forbidden(path, "may not specify both ipBlock and another peer"))
    for k in ("podSelector", "namespaceSelector"):
        if isinstance(peer.get(k), dict):
            errs += validate_selector(peer[k], f"{path}.{k}")
    block = peer.get("ipBlock")
    if isinstance(block, dict):
        cidr = block.get("cidr")
        if not cidr:
            errs.append(required(f"{path}.ipBlock.cidr"))
        elif not _valid_cidr(cidr):
            errs.append(invalid(f"{path}.ipBlock.cidr", cidr,
                                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        for i, ex in enumerate(block.get("except") or []):
            if not _valid_cidr(ex):
                errs.append(invalid(f"{path}.ipBlock.except[{i}]", ex,
                                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"))
            elif cidr and _valid_cidr(cidr) and not ipaddress.ip_network(ex, strict=False).subnet_of(
                    ipaddress.ip_network(cidr, strict=False)):  # type: ignore[arg-type]
                errs.append(invalid(f"{path}.ipBlock.except[{i}]", ex, "must be a strict subset of `cidr`"))
    return errs


def validate_networkpolicy(doc: Doc) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    errs += validate_selector(spec.get("podSelector"), "spec.podSelector")
    for i, t in enumerate(spec.get("policyTypes") or []):
        if t not in ("Ingress", "Egress"):
            errs.append(unsupported(f"spec.policyTypes[{i}]", t, ["Ingress", "Egress"]))
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(spec.get(direction) or []):
            if not isinstance(rule, dict):
                continue
            for j, p in enumerate(rule.get("ports") or []):
                if isinstance(p, dict):
                    errs += _validate_np_port(p, f"spec.{direction}[{i}].ports[{j}]")
            for j, peer in enumerate(rule.get(peers_key) or []):
                if isinstance(peer, dict):
                    errs += _validate_np_peer(peer, f"spec.{direction}[{i}].{peers_key}[{j}]")
    return errs


def _validate_backend(b: Any, path: str) -> list[str]:
    if not isinstance(b, dict):
        return [required(path)]
    svc, res = b.get("service"), b.get("resource")
    if svc and res:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if not svc and not res:
        return [invalid(path, "", "resource or service backend is required")]
    errs: list[str] = []
    if isinstance(svc, dict):
        if not svc.get("name"):
            errs.append(required(f"{path}.service.name"))
        port = svc.get("port") or {}
        if port.get("name") and port.get("number"):
            errs.append(invalid(f"{path}.service.port", "", "cannot set both port name & port number"))
        elif not port.get("name") and not port.get("number"):
            errs.append(invalid(f"{path}.service.port", "", "port name or number is required"))
        elif port.get("number") and not 1 <= int(port["number"]) <= 65535:
            errs.append(invalid(f"{path}.service.port.number", port["number"], MSG_PORT_RANGE))
    return errs


def validate_ingress(doc: Doc) -> list[str]:
    spec = doc.get("spec") or {}
    errs = validate_metadata(doc.get("metadata") or {}, False)
    if spec.get("defaultBackend") is not None:
        errs += _validate_backend(spec["defaultBackend"], "spec.defaultBackend")
    elif not spec.get("rules"):
        errs.append(invalid("spec.rules", "[]", "either `defaultBackend` or `rules` must be specified"))
    for i, rule in enumerate(spec.get("rules") or []):
        rp = f"spec.rules[{i}]"
        host = rule.get("host") if isinstance(rule, dict) else None
        if host:
            bare = host[2:] if host.startswith("*.") else host
            if not DNS1123_SUBDOMAIN.match(bare):
                errs.append(invalid(f"{rp}.host", host, MSG_DNS1123_SUBDOMAIN))
        http = (rule or {}).get("http") if isinstance(rule, dict) else None
        if http is None:
            continue
        paths = http.get("paths") or []
        if not paths:
            errs.append(required(f"{rp}.http.paths"))
        for j, p in enumerate(paths):
            pp = f"{rp}.http.paths[{j}]"
            pt = p.get("pathType")
            if not pt:
                errs.append(required(f"{pp}.pathType", "pathType must be specified"))
            elif pt not in ("Exact", "Prefix", "ImplementationSpecific"):
                errs.append(unsupported(f"{pp}.pathType", pt, ["Exact", "ImplementationSpecific", "Prefix"]))
            path = p.get("path")
            if pt in ("Exact", "Prefix") and (not path or not str(path).startswith("/")):
                errs.append(invalid(f"{pp}.path", path or "", "must be an absolute path"))
            errs += _validate_backend(p.get("backend"), f"{pp}.backend")
    return errs


def validate_ingressclass(doc: Doc) -> list[str]:
    errs = validate_metadata(doc.get("metadata") or {}, False)
    controller = (doc.get("spec") or {}).get("controller")
    if not controller:
        errs.append(required("spec.controller"))
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
