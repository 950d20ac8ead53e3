"""``kubectl describe`` views of Services, Nodes, Namespaces, Ingresses and the generic view for other
kinds (layout of ``k8s.io/kubectl/pkg/describe``)."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.describe_base import (
    Out,
    annotation_list,
    events_section,
    fmt_time,
    kv_list,
    meta_fields,
)
from aksnet.cli.kubectl.session import Session
from aksnet.cli.kubectl.tables import NONE, node_roles, tabulate
from aksnet.twin.kube import clock
from aksnet.twin.kube.quantity import parse_quantity, pod_resources

Doc = dict[str, Any]


def describe_service(s: Session, svc: Doc) -> str:
    o = Out()
    meta, spec = svc["metadata"], svc.get("spec") or {}
    meta_fields(o, svc)
    o.multi("Labels", kv_list(meta.get("labels")))
    o.multi("Annotations", annotation_list(meta))
    o.field("Selector", ",".join(kv_list(spec.get("selector"))) or NONE)
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
    events_section(o, s, svc)
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
    o.field("Roles", node_roles(node))
    o.multi("Labels", kv_list(meta.get("labels")))
    o.multi("Annotations", annotation_list(meta))
    o.field("CreationTimestamp", fmt_time(meta.get("creationTimestamp")))
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
    alloc = st.get("allocatable") or {}
    cpu_cap, mem_cap = parse_quantity(alloc.get("cpu", "0")), parse_quantity(alloc.get("memory", "0"))
    header = ["Namespace", "Name", "CPU Requests", "CPU Limits", "Memory Requests", "Memory Limits", "Age"]
    rows = [header, ["-" * len(h) for h in header]]
    totals = [0.0, 0.0, 0.0, 0.0]
    for p in sorted(pods, key=lambda p: (p["metadata"]["namespace"], p["metadata"]["name"])):
        vals = pod_resources(p)
        totals = [a + b for a, b in zip(totals, vals, strict=True)]
        rows.append([p["metadata"]["namespace"], p["metadata"]["name"],
                     fmt_share(vals[0], cpu_cap, cpu=True), fmt_share(vals[1], cpu_cap, cpu=True),
                     fmt_share(vals[2], mem_cap), fmt_share(vals[3], mem_cap),
                     clock.age(p["metadata"].get("creationTimestamp"))])
    for line in tabulate(rows, padding=2, minwidth=0).splitlines():
        o.text(line, 2)
    o.text("Allocated resources:")
    o.text("(Total limits may be over 100 percent, i.e., overcommitted.)", 2)
    res = [["Resource", "Requests", "Limits"], ["--------", "--------", "------"],
           ["cpu", fmt_share(totals[0], cpu_cap, cpu=True), fmt_share(totals[1], cpu_cap, cpu=True)],
           ["memory", fmt_share(totals[2], mem_cap), fmt_share(totals[3], mem_cap)]]
    for line in tabulate(res, padding=2, minwidth=0).splitlines():
        o.text(line, 2)
    events_section(o, s, node)
    return o.render()


def fmt_share(value: float, capacity: float, cpu: bool = False) -> str:
    """kubectl's ``100m (5%)`` / ``128Mi (2%)`` cells."""
    pct = int(value / capacity * 100) if capacity else 0
    if value == 0:
        return f"0 ({pct}%)"
    if cpu:
        text = f"{round(value * 1000)}m" if value < 1 or value % 1 else str(int(value))
    else:
        text = next((f"{int(value / f)}{u}" for u, f in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10))
                     if value >= f and value % f == 0), str(int(value)))
    return f"{text} ({pct}%)"


def describe_namespace(s: Session, ns: Doc) -> str:
    o = Out()
    o.field("Name", ns["metadata"]["name"])
    o.multi("Labels", kv_list(ns["metadata"].get("labels")))
    o.multi("Annotations", annotation_list(ns["metadata"]))
    o.field("Status", (ns.get("status") or {}).get("phase", "Active"))
    o.text("")
    o.text("No resource quota.")
    o.text("")
    o.text("No LimitRange resource.")
    return o.render()


def describe_generic(s: Session, doc: Doc) -> str:
    from aksnet.cli.kubectl.output import to_yaml

    o = Out()
    meta_fields(o, doc)
    o.multi("Labels", kv_list(doc["metadata"].get("labels")))
    o.multi("Annotations", annotation_list(doc["metadata"]))
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
    events_section(o2, s, doc)
    return text + o2.render()
