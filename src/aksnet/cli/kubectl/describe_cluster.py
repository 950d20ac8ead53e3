"""``kubectl describe`` views of Services, Namespaces, Ingresses and the generic view for other
kinds (layout of ``k8s.io/kubectl/pkg/describe``)."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.describe_base import (
    Out,
    annotation_list,
    events_section,
    kv_list,
    meta_fields,
)
from aksnet.cli.kubectl.describe_network import format_endpoint_slices, service_slices
from aksnet.cli.kubectl.session import Session
from aksnet.cli.kubectl.tables import NONE

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
    slices = service_slices(s, meta["namespace"], meta["name"])
    for p in spec.get("ports") or []:
        name = p.get("name") or "<unset>"
        proto = p.get("protocol", "TCP")
        o.field("Port", f"{name}  {p.get('port')}/{proto}")
        tp = p.get("targetPort", p.get("port"))
        o.field("TargetPort", f"{tp}/{proto}")
        if p.get("nodePort"):
            o.field("NodePort", f"{name}  {p['nodePort']}/{proto}")
        o.field("Endpoints", format_endpoint_slices(slices, {p.get("name") or ""}))
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
