"""``kubectl describe``: the human-readable views of pods, deployments, replica sets, daemon sets, stateful
sets, services, nodes, namespaces, ingresses, network policies and a generic view for the rest, each with
its Events (``kubectl describe pod`` shows why a pod is Pending: ``0/2 nodes are available: 2 Too many
pods.``). Layout follows ``k8s.io/kubectl/pkg/describe``."""

from __future__ import annotations

import sys
from typing import Any

from aksnet.cli.kubectl import flags
from aksnet.cli.kubectl.resources import parse_targets
from aksnet.cli.kubectl.session import Session, err, open_session
from aksnet.cli.kubectl.tables import NONE, selector_text
from aksnet.errors import KubeError
from aksnet.twin.kube import clock, events
from aksnet.twin.kube.apiserver import ApiError
from aksnet.twin.kube.schema import ResourceType
from aksnet.twin.kube.selectors import parse_label_selector
from aksnet.twin.kube.validation import selector_matches

Doc = dict[str, Any]


class Out:
    """A describe writer: ``field(label, value)`` aligns values at a column per indentation block."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str, str | None]] = []

    def field(self, label: str, value: Any, indent: int = 0) -> None:
        self.lines.append((indent, label + ":", "" if value is None else str(value)))

    def text(self, line: str, indent: int = 0) -> None:
        self.lines.append((indent, line, None))

    def multi(self, label: str, items: list[str], indent: int = 0) -> None:
        if not items:
            self.field(label, NONE, indent)
            return
        self.field(label, items[0], indent)
        for it in items[1:]:
            self.lines.append((indent, "", it))

    def render(self) -> str:
        out: list[str] = []
        block: list[tuple[int, str, str | None]] = []

        def flush() -> None:
            if not block:
                return
            width = max(len(lbl) for _, lbl, _ in block)
            ind = block[0][0]
            for _, lbl, val in block:
                out.append((" " * ind + lbl.ljust(width + 2) + (val or "")).rstrip())
            block.clear()

        for ind, lbl, val in self.lines:
            if val is None:
                flush()
                out.append(" " * ind + lbl)
                continue
            if block and block[0][0] != ind:
                flush()
            block.append((ind, lbl, val))
        flush()
        return "\n".join(out) + "\n"


def _time(ts: str | None) -> str:
    if not ts:
        return NONE
    return clock.parse(ts).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _kv(m: dict[str, str] | None, sep: str = "=") -> list[str]:
    return [f"{k}{sep}{v}" for k, v in sorted((m or {}).items())]


def _annotations(meta: Doc) -> list[str]:
    anns = {k: v for k, v in (meta.get("annotations") or {}).items()
            if k != "kubectl.kubernetes.io/last-applied-configuration"}
    return _kv(anns, ": ")


def _meta_fields(o: Out, doc: Doc, ns: bool = True) -> None:
    meta = doc["metadata"]
    o.field("Name", meta["name"])
    if ns and meta.get("namespace"):
        o.field("Namespace", meta["namespace"])


def _events(o: Out, s: Session, doc: Doc) -> None:
    evs = events.for_object(s.api.objs, doc["metadata"].get("uid", ""))
    if not evs:
        o.field("Events", NONE)
        return
    o.text("Events:")
    rows = [["Type", "Reason", "Age", "From", "Message"], ["----", "------", "----", "----", "-------"]]
    for e in evs:
        last = clock.age(e.get("lastTimestamp"))
        count = int(e.get("count", 1))
        age = last if count <= 1 else f"{last} (x{count} over {clock.age(e.get('firstTimestamp'))})"
        rows.append([str(e.get("type", "")), str(e.get("reason", "")), age,
                     str((e.get("source") or {}).get("component", "")), str(e.get("message", ""))])
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        o.text("  " + "".join(c.ljust(widths[i] + 2) for i, c in enumerate(r[:4])) + r[4])


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
                o.field("Started", _time(state["running"].get("startedAt")), indent + 4)
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
    _meta_fields(o, pod)
    o.field("Priority", spec.get("priority", 0))
    if spec.get("priorityClassName"):
        o.field("Priority Class Name", spec["priorityClassName"])
    o.field("Service Account", spec.get("serviceAccountName", "default"))
    node = spec.get("nodeName")
    o.field("Node", f"{node}/{st.get('hostIP', '')}" if node and st.get("hostIP") else (node or NONE))
    if st.get("startTime"):
        o.field("Start Time", _time(st["startTime"]))
    o.multi("Labels", _kv(meta.get("labels")))
    o.multi("Annotations", _annotations(meta))
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
    o.multi("Node-Selectors", _kv(spec.get("nodeSelector")))
    o.multi("Tolerations", _tolerations(spec))
    _events(o, s, pod)
    return o.render()


def _pod_template(o: Out, tmpl: Doc) -> None:
    o.text("Pod Template:")
    o.multi("Labels", _kv((tmpl.get("metadata") or {}).get("labels")), 2)
    anns = _kv((tmpl.get("metadata") or {}).get("annotations"), ": ")
    if anns:
        o.multi("Annotations", anns, 2)
    spec = tmpl.get("spec") or {}
    if spec.get("serviceAccountName"):
        o.field("Service Account", spec["serviceAccountName"], 2)
    o.text("Containers:", 2)
    _container_lines(o, spec.get("containers") or [], {}, 3)
    o.field("Volumes", NONE, 2)
    o.multi("Node-Selectors", _kv(spec.get("nodeSelector")), 2)
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
    _meta_fields(o, d)
    o.field("CreationTimestamp", _time(meta.get("creationTimestamp")))
    o.multi("Labels", _kv(meta.get("labels")))
    o.multi("Annotations", _annotations(meta))
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
    _events(o, s, d)
    return o.render()


def _rs_text(rs: Doc) -> str:
    return (f"{rs['metadata']['name']} ({(rs.get('status') or {}).get('replicas', 0)}/{rs['spec'].get('replicas', 0)}"
            " replicas created)")


def describe_workload(s: Session, d: Doc) -> str:
    """ReplicaSet, StatefulSet, DaemonSet, Job."""
    o = Out()
    meta, spec, st = d["metadata"], d["spec"], d.get("status") or {}
    _meta_fields(o, d)
    o.field("Selector", selector_text(spec.get("selector")))
    o.multi("Labels", _kv(meta.get("labels")))
    o.multi("Annotations", _annotations(meta))
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
        o.field("Start Time", _time(st.get("startTime")))
    else:
        o.field("Replicas", f"{st.get('replicas', 0)} current / {spec.get('replicas', 1)} desired")
    o.field("Pods Status", _pods_status(s, meta["namespace"], spec.get("selector") or {}))
    _pod_template(o, spec.get("template") or {})
    _events(o, s, d)
    return o.render()


def describe_service(s: Session, svc: Doc) -> str:
    o = Out()
    meta, spec = svc["metadata"], svc.get("spec") or {}
    _meta_fields(o, svc)
    o.multi("Labels", _kv(meta.get("labels")))
    o.multi("Annotations", _annotations(meta))
    o.field("Selector", ",".join(_kv(spec.get("selector"))) or NONE)
    o.field("Type", spec.get("type", "ClusterIP"))
    if spec.get("ipFamilyPolicy"):
        o.field("IP Family Policy", spec["ipFamilyPolicy"])
    if spec.get("ipFamilies"):
        o.field("IP Families", ",".join(spec["ipFamilies"]))
    if spec.get("type") != "ExternalName":
        o.field("IP", spec.get("clusterIP") or NONE)
        o.field("IPs", ",".join(spec.get("clusterIPs") or []) or NONE)
    else:
        o.field("External Name", spec.get("externalName"))
    if spec.get("externalIPs"):
        o.field("External IPs", ",".join(spec["externalIPs"]))
    if spec.get("loadBalancerIP"):
        o.field("IP", spec["loadBalancerIP"])
    if spec.get("type") == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if ingress:
            o.field("LoadBalancer Ingress", ", ".join(f"{i.get('ip') or i.get('hostname')} ({i.get('ipMode', 'VIP')})"
                                                      for i in ingress))
    eps = _service_endpoints(s, svc)
    for p in spec.get("ports") or []:
        name = p.get("name") or "<unset>"
        proto = p.get("protocol", "TCP")
        o.field("Port", f"{name}  {p.get('port')}/{proto}")
        tp = p.get("targetPort", p.get("port"))
        o.field("TargetPort", f"{tp}/{proto}")
        if p.get("nodePort"):
            o.field("NodePort", f"{name}  {p['nodePort']}/{proto}")
        o.field("Endpoints", eps.get(p.get("name") or "", "") or NONE)
    o.field("Session Affinity", spec.get("sessionAffinity", "None"))
    if spec.get("externalTrafficPolicy"):
        o.field("External Traffic Policy", spec["externalTrafficPolicy"])
    if spec.get("internalTrafficPolicy"):
        o.field("Internal Traffic Policy", spec["internalTrafficPolicy"])
    if spec.get("healthCheckNodePort"):
        o.field("HealthCheck NodePort", spec["healthCheckNodePort"])
    if spec.get("loadBalancerSourceRanges"):
        o.field("LoadBalancer Source Ranges", ",".join(spec["loadBalancerSourceRanges"]))
    _events(o, s, svc)
    return o.render()


def _service_endpoints(s: Session, svc: Doc) -> dict[str, str]:
    """Endpoints per service port name, from the EndpointSlices of the service (as kubectl 1.31 does)."""
    out: dict[str, list[str]] = {}
    name, ns = svc["metadata"]["name"], svc["metadata"]["namespace"]
    for sl in s.api.objs.docs("k8s:discovery.k8s.io/EndpointSlice"):
        if sl["metadata"].get("namespace") != ns or (sl["metadata"].get("labels") or {}).get(
                "kubernetes.io/service-name") != name:
            continue
        for port in sl.get("ports") or []:
            lst = out.setdefault(port.get("name") or "", [])
            for e in sl.get("endpoints") or []:
                if (e.get("conditions") or {}).get("ready", True):
                    lst.extend(f"{a}:{port.get('port')}" for a in e.get("addresses") or [])
    return {k: ",".join(v[:3]) + (f" + {len(v) - 3} more..." if len(v) > 3 else "") for k, v in out.items() if v}


def describe_node(s: Session, node: Doc) -> str:
    o = Out()
    meta, spec, st = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    o.field("Name", meta["name"])
    from aksnet.cli.kubectl.tables import node_roles

    o.field("Roles", node_roles(node))
    o.multi("Labels", _kv(meta.get("labels")))
    o.multi("Annotations", _annotations(meta))
    o.field("CreationTimestamp", _time(meta.get("creationTimestamp")))
    o.multi("Taints", [f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect')}"
                       for t in spec.get("taints") or []])
    o.field("Unschedulable", "true" if spec.get("unschedulable") else "false")
    o.text("Addresses:")
    for a in st.get("addresses") or []:
        o.field(a.get("type"), a.get("address"), 2)
    for section in ("capacity", "allocatable"):
        vals = st.get(section) or {}
        if vals:
            o.text(section.capitalize() + ":")
            for k, v in sorted(vals.items()):
                o.field(k, v, 2)
    info = st.get("nodeInfo") or {}
    o.text("System Info:")
    for label, key in (("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        if key in info:
            o.field(label, info[key], 2)
    if spec.get("podCIDR"):
        o.field("PodCIDR", spec["podCIDR"])
        o.field("PodCIDRs", ",".join(spec.get("podCIDRs") or [spec["podCIDR"]]))
    o.field("ProviderID", spec.get("providerID", ""))
    pods = [p for p in s.api.objs.docs("k8s:core/Pod") if p["spec"].get("nodeName") == meta["name"]
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    o.text(f"Non-terminated Pods:          ({len(pods)} in total)")
    rows = [("Namespace", "Name", "Age"), ("---------", "----", "---")] + [
        (p["metadata"]["namespace"], p["metadata"]["name"], clock.age(p["metadata"].get("creationTimestamp")))
        for p in sorted(pods, key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"]))]
    w0, w1 = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for r in rows:
        o.text(f"{r[0].ljust(w0 + 2)}{r[1].ljust(w1 + 2)}{r[2]}", 2)
    _events(o, s, node)
    return o.render()


def describe_namespace(s: Session, ns: Doc) -> str:
    o = Out()
    o.field("Name", ns["metadata"]["name"])
    o.multi("Labels", _kv(ns["metadata"].get("labels")))
    o.multi("Annotations", _annotations(ns["metadata"]))
    o.field("Status", (ns.get("status") or {}).get("phase", "Active"))
    o.text("")
    o.text("No resource quota.")
    o.text("")
    o.text("No LimitRange resource.")
    return o.render()


def describe_ingress(s: Session, ing: Doc) -> str:
    o = Out()
    meta, spec = ing["metadata"], ing.get("spec") or {}
    o.field("Name", meta["name"])
    o.multi("Labels", _kv(meta.get("labels")))
    o.field("Namespace", meta["namespace"])
    ingress = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    o.field("Address", ",".join(str(i.get("ip") or i.get("hostname")) for i in ingress))
    o.field("Ingress Class", spec.get("ingressClassName") or NONE)
    db = spec.get("defaultBackend")
    o.field("Default backend", _backend(db) if db else NONE)
    if spec.get("tls"):
        o.text("TLS:")
        for t in spec["tls"]:
            o.text(f"{t.get('secretName', '')} terminates {','.join(t.get('hosts') or [])}", 2)
    o.text("Rules:")
    o.text("Host               Path  Backends", 2)
    o.text("----               ----  --------", 2)
    for r in spec.get("rules") or []:
        o.text(r.get("host") or "*", 2)
        for p in (r.get("http") or {}).get("paths") or []:
            o.text(f"{'':19}{p.get('path', '/')}   {_backend(p.get('backend') or {})}", 2)
    o.multi("Annotations", _annotations(meta))
    _events(o, s, ing)
    return o.render()


def _backend(b: Doc) -> str:
    svc = b.get("service") or {}
    port = svc.get("port") or {}
    return f"{svc.get('name')}:{port.get('number') or port.get('name')}"


def describe_generic(s: Session, doc: Doc) -> str:
    from aksnet.cli.kubectl.output import to_yaml

    o = Out()
    _meta_fields(o, doc)
    o.multi("Labels", _kv(doc["metadata"].get("labels")))
    o.multi("Annotations", _annotations(doc["metadata"]))
    o.field("API Version", doc.get("apiVersion"))
    o.field("Kind", doc.get("kind"))
    text = o.render()
    rest = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")}
    if doc.get("kind") == "Secret":
        rest = {"Type": doc.get("type"), "Data": {k: f"{len(v) * 3 // 4} bytes" for k, v in
                                                 (doc.get("data") or {}).items()}}
    if rest:
        text += "".join("  " + line + "\n" if line else "\n" for line in to_yaml(rest).splitlines())
    o2 = Out()
    _events(o2, s, doc)
    return text + o2.render()


DESCRIBERS = {"Pod": describe_pod, "Deployment": describe_deployment, "ReplicaSet": describe_workload,
              "DaemonSet": describe_workload, "StatefulSet": describe_workload, "Job": describe_workload,
              "Service": describe_service, "Node": describe_node, "Namespace": describe_namespace,
              "Ingress": describe_ingress}

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
        for rt, names in parse_targets(p.args):
            docs = _docs(s, rt, names, p)
            if docs is None:
                failed = True
                continue
            for d in docs:
                chunks.append(DESCRIBERS.get(rt.kind, describe_generic)(s, d))
    sys.stdout.write("\n\n".join(c.rstrip("\n") for c in chunks) + ("\n" if chunks else ""))
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
    match = parse_label_selector(p.get("selector") or "") if p.get("selector") else None
    docs = s.api.list(rt, None if s.all_namespaces else ns, match)
    if not docs:
        err(f"No resources found in {s.namespace} namespace." if rt.namespaced else "No resources found")
    return docs


