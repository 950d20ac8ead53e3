"""``kubectl describe``: the human-readable views of pods, deployments, replica sets, daemon sets, stateful
sets, services, nodes, namespaces, ingresses, network policies and a generic view for the rest, each with
its Events (``kubectl describe pod`` shows why a pod is Pending: ``0/2 nodes are available: 2 Too many
pods.``). Layout follows ``k8s.io/kubectl/pkg/describe``."""

from __future__ import annotations

import sys
from typing import Any

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.describe_base import (
    Out,
    annotation_list,
    events_section,
    fmt_time,
    kv_list,
    meta_fields,
)
from aksnet.cli.kubectl.describe_cluster import (
    describe_generic,
    describe_namespace,
    describe_service,
)
from aksnet.cli.kubectl.describe_discovery import (
    describe_endpoint_slice,
    describe_ingress_class,
    describe_pod_disruption_budget,
)
from aksnet.cli.kubectl.describe_network import describe_endpoints, describe_ingress, describe_network_policy
from aksnet.cli.kubectl.describe_node import describe_node
from aksnet.cli.kubectl.resources import label_matcher, parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.cli.kubectl.tables import NONE, selector_text
from aksnet.errors import KubeError
from aksnet.twin.kube.apiserver import ApiError
from aksnet.twin.kube.schema import ResourceType
from aksnet.twin.kube.validation import selector_matches

Doc = dict[str, Any]


def _container_lines(o: Out, containers: list[Doc], statuses: dict[str, Doc], name_indent: int) -> None:
    """Containers as describe prints them: the name at ``name_indent``, the fields at column 4."""
    indent = 2
    for c in containers:
        o.text(f"{c.get('name')}:", name_indent)
        st = statuses.get(str(c.get("name")))
        if st is not None:
            o.field("Container ID", st.get("containerID", ""), indent + 2)
        o.field("Image", c.get("image"), indent + 2)
        if st is not None:
            o.field("Image ID", st.get("imageID", ""), indent + 2)
        ports = c.get("ports") or []
        o.field("Port" if len(ports) <= 1 else "Ports",
                ", ".join(f"{p.get('containerPort')}/{p.get('protocol', 'TCP')}" for p in ports) or NONE, indent + 2)
        o.field("Host Port" if len(ports) <= 1 else "Host Ports",
                ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', 'TCP')}" for p in ports) or NONE, indent + 2)
        if c.get("command"):
            o.text("Command:", indent + 2)
            for part in c["command"]:
                o.text(str(part), indent + 4)
        if st is not None:
            state = st.get("state") or {}
            if "running" in state:
                o.field("State", "Running", indent + 2)
                o.field("Started", fmt_time(state["running"].get("startedAt")), indent + 4)
            elif "waiting" in state:
                o.field("State", "Waiting", indent + 2)
                o.field("Reason", state["waiting"].get("reason", ""), indent + 4)
            o.field("Ready", "True" if st.get("ready") else "False", indent + 2)
            o.field("Restart Count", st.get("restartCount", 0), indent + 2)
        env = c.get("env") or []
        if env:
            o.text("Environment:", indent + 2)
            for e in env:
                o.field(str(e.get("name")), e.get("value", "<set to the key in a ref>"), indent + 4)
        else:
            o.field("Environment", NONE, indent + 2)
        mounts = c.get("volumeMounts") or []
        if mounts:
            o.text("Mounts:", indent + 2)
            for m in mounts:
                o.text(f"{m.get('mountPath')} from {m.get('name')} ({'ro' if m.get('readOnly') else 'rw'})",
                       indent + 4)
        else:
            o.field("Mounts", NONE, indent + 2)


def _tolerations(spec: Doc) -> list[str]:
    out = []
    for t in spec.get("tolerations") or []:
        text = str(t.get("key", ""))
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists":
            text += " op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        out.append(text)
    return out


def describe_pod(s: Session, pod: Doc) -> str:
    o = Out()
    meta, spec, st = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    meta_fields(o, pod)
    o.field("Priority", spec.get("priority", 0))
    if spec.get("priorityClassName"):
        o.field("Priority Class Name", spec["priorityClassName"])
    o.field("Service Account", spec.get("serviceAccountName", "default"))
    node = spec.get("nodeName")
    o.field("Node", f"{node}/{st.get('hostIP', '')}" if node and st.get("hostIP") else (node or NONE))
    if st.get("startTime"):
        o.field("Start Time", fmt_time(st["startTime"]))
    o.multi("Labels", kv_list(meta.get("labels")))
    o.multi("Annotations", annotation_list(meta))
    o.field("Status", st.get("phase", "Pending"))
    if st.get("reason"):
        o.field("Reason", st["reason"])
    if st.get("message"):
        o.field("Message", st["message"])
    o.field("IP", st.get("podIP", ""))
    ips = [i.get("ip") for i in st.get("podIPs") or []]
    if ips:
        o.text("IPs:")
        for ip in ips:
            o.field("IP", ip, 2)
    else:
        o.field("IPs", NONE)
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner:
        o.field("Controlled By", f"{owner['kind']}/{owner['name']}")
    o.text("Containers:")
    statuses = {str(c.get("name")): c for c in st.get("containerStatuses") or []}
    _container_lines(o, spec.get("containers") or [], statuses, 2)
    conds = st.get("conditions") or []
    if conds:
        o.text("Conditions:")
        width = max(len("Type"), *(len(str(c.get("type"))) for c in conds))
        o.text(f"{'Type'.ljust(width + 2)}Status", 2)
        for c in conds:
            o.text(f"{str(c.get('type')).ljust(width + 2)}{c.get('status')} ", 2)
    o.field("Volumes", NONE)
    o.field("QoS Class", st.get("qosClass", "BestEffort"))
    o.multi("Node-Selectors", kv_list(spec.get("nodeSelector")))
    o.multi("Tolerations", _tolerations(spec))
    events_section(o, s, pod)
    return o.render()


def _pod_template(o: Out, tmpl: Doc) -> None:
    o.text("Pod Template:")
    o.multi("Labels", kv_list((tmpl.get("metadata") or {}).get("labels")), 2)
    anns = kv_list((tmpl.get("metadata") or {}).get("annotations"), ": ")
    if anns:
        o.multi("Annotations", anns, 2)
    spec = tmpl.get("spec") or {}
    if spec.get("serviceAccountName"):
        o.field("Service Account", spec["serviceAccountName"], 2)
    o.text("Containers:", 2)
    _container_lines(o, spec.get("containers") or [], {}, 3)
    o.field("Volumes", NONE, 2)
    o.multi("Node-Selectors", kv_list(spec.get("nodeSelector")), 2)
    o.multi("Tolerations", _tolerations(spec), 2)


def _pods_status(s: Session, ns: str, selector: Doc) -> str:
    phases: dict[str, int] = {}
    for p in s.api.objs.docs("k8s:core/Pod"):
        if p["metadata"].get("namespace") == ns and selector_matches(selector, p["metadata"].get("labels") or {}):
            ph = (p.get("status") or {}).get("phase", "Pending")
            phases[ph] = phases.get(ph, 0) + 1
    return " / ".join(f"{phases.get(ph, 0)} {ph}" for ph in ("Running", "Waiting", "Succeeded", "Failed")).replace(
        "Waiting", "Waiting") if phases else "0 Running / 0 Waiting / 0 Succeeded / 0 Failed"


def describe_deployment(s: Session, d: Doc) -> str:
    o = Out()
    meta, spec, st = d["metadata"], d["spec"], d.get("status") or {}
    meta_fields(o, d)
    o.field("CreationTimestamp", fmt_time(meta.get("creationTimestamp")))
    o.multi("Labels", kv_list(meta.get("labels")))
    o.multi("Annotations", annotation_list(meta))
    o.field("Selector", selector_text(spec.get("selector")))
    replicas = spec.get("replicas", 1)
    o.field("Replicas", f"{replicas} desired | {st.get('updatedReplicas', 0)} updated | {st.get('replicas', 0)} total"
                        f" | {st.get('availableReplicas', 0)} available | {st.get('unavailableReplicas', 0)} "
                        "unavailable")
    strategy = spec.get("strategy") or {}
    o.field("StrategyType", strategy.get("type", "RollingUpdate"))
    o.field("MinReadySeconds", spec.get("minReadySeconds", 0))
    ru = strategy.get("rollingUpdate") or {}
    if strategy.get("type", "RollingUpdate") == "RollingUpdate":
        o.field("RollingUpdateStrategy", f"{ru.get('maxUnavailable', '25%')} max unavailable, "
                                         f"{ru.get('maxSurge', '25%')} max surge")
    _pod_template(o, spec.get("template") or {})
    conds = st.get("conditions") or []
    if conds:
        o.text("Conditions:")
        rows = [("Type", "Status", "Reason"), ("----", "------", "------")] + [
            (str(c.get("type")), str(c.get("status")), str(c.get("reason", ""))) for c in conds]
        w0, w1 = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
        for r in rows:
            o.text(f"{r[0].ljust(w0 + 2)}{r[1].ljust(w1 + 2)}{r[2]}", 2)
    rss = [r for r in s.api.objs.docs("k8s:apps/ReplicaSet")
           if any(ref.get("uid") == meta.get("uid") for ref in r["metadata"].get("ownerReferences") or [])]
    rss.sort(key=lambda r: int((r["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")))
    new = rss[-1] if rss else None
    olds = [r for r in rss[:-1] if int(r["spec"].get("replicas", 0)) > 0]
    o.field("OldReplicaSets", ", ".join(_rs_text(r) for r in olds) or NONE)
    o.field("NewReplicaSet", _rs_text(new) if new else NONE)
    events_section(o, s, d)
    return o.render()


def _rs_text(rs: Doc) -> str:
    return (f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/{rs['spec'].get('replicas', 0)}"
            " replicas created)")


def describe_workload(s: Session, d: Doc) -> str:
    """ReplicaSet, StatefulSet, DaemonSet, Job."""
    o = Out()
    meta, spec, st = d["metadata"], d["spec"], d.get("status") or {}
    meta_fields(o, d)
    o.field("Selector", selector_text(spec.get("selector")))
    o.multi("Labels", kv_list(meta.get("labels")))
    o.multi("Annotations", annotation_list(meta))
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner:
        o.field("Controlled By", f"{owner['kind']}/{owner['name']}")
    kind = d["kind"]
    if kind == "DaemonSet":
        o.field("Desired Number of Nodes Scheduled", st.get("desiredNumberScheduled", 0))
        o.field("Current Number of Nodes Scheduled", st.get("currentNumberScheduled", 0))
        o.field("Number of Nodes Scheduled with Up-to-date Pods", st.get("updatedNumberScheduled", 0))
        o.field("Number of Nodes Scheduled with Available Pods", st.get("numberAvailable", 0))
        o.field("Number of Nodes Misscheduled", st.get("numberMisscheduled", 0))
    elif kind == "Job":
        o.field("Parallelism", spec.get("parallelism", 1))
        o.field("Completions", spec.get("completions", 1))
        o.field("Start Time", fmt_time(st.get("startTime")))
    else:
        o.field("Replicas", f"{st.get('replicas', 0)} current / {spec.get('replicas', 1)} desired")
    o.field("Pods Status", _pods_status(s, meta["namespace"], spec.get("selector") or {}))
    _pod_template(o, spec.get("template") or {})
    events_section(o, s, d)
    return o.render()


DESCRIBERS = {"Pod": describe_pod, "Deployment": describe_deployment, "ReplicaSet": describe_workload,
              "DaemonSet": describe_workload, "StatefulSet": describe_workload, "Job": describe_workload,
              "Service": describe_service, "Node": describe_node, "Namespace": describe_namespace,
              "Ingress": describe_ingress, "NetworkPolicy": describe_network_policy,
              "Endpoints": describe_endpoints, "EndpointSlice": describe_endpoint_slice,
              "IngressClass": describe_ingress_class, "PodDisruptionBudget": describe_pod_disruption_budget}

DESCRIBE_VALUES = {"selector": ("-l", "--selector"), "filename": ("-f", "--filename")}
DESCRIBE_BOOLS = {"show-events": ("--show-events",)}


def run_describe(argv: list[str]) -> int:
    p = flags.parse(argv, DESCRIBE_VALUES, DESCRIBE_BOOLS, "describe")
    if not p.args:
        raise KubeError('error: You must specify the type of resource to describe. Use "kubectl api-resources" for '
                        "a complete list of supported resources.")
    failed = False
    chunks: list[str] = []
    with open_session(p, write=False) as s:
        for rt, names in parse_targets(p.args, s.api.types):
            docs = _docs(s, rt, names, p)
            if docs is None:
                failed = True
                continue
            for d in docs:
                chunks.append((describe_generic if rt.custom else DESCRIBERS.get(rt.kind, describe_generic))(s, d))
    # kubectl prints each description after the first as "\n\n" + text (two blank lines between objects)
    sys.stdout.write("\n\n".join(c.rstrip("\n") + "\n" for c in chunks))
    return 1 if failed else 0


def _docs(s: Session, rt: ResourceType, names: list[str], p: flags.Parsed) -> list[Doc] | None:
    ns = s.namespace if rt.namespaced else None
    if names:
        out = []
        for n in names:
            try:
                out.append(s.api.get(rt, ns, n))
            except ApiError:
                # kubectl describe also accepts a name prefix
                pref = [d for d in s.api.list(rt, ns) if d["metadata"]["name"].startswith(n)]
                if not pref:
                    err(f'Error from server (NotFound): {rt.qualified_plural} "{n}" not found')
                    return None
                out.extend(pref)
        return out
    match = label_matcher(p.get("selector"), rt)
    docs = s.api.list(rt, None if s.all_namespaces else ns, match)
    if not docs:
        err(f"No resources found in {s.namespace} namespace." if rt.namespaced else "No resources found")
    return docs


