"""Kubernetes JSON documents (as ``kubectl get -o json`` prints them) → ``aksnet.model.k8s`` objects.

Applies the API-server defaults the analyses rely on: ``protocol: TCP`` on container, Service and
NetworkPolicy ports; NetworkPolicy ``policyTypes`` inference (``Ingress`` always, ``Egress`` iff the spec
has a non-empty ``egress`` list — k8s pkg/apis/networking/v1 SetDefaults_NetworkPolicy); IntOrString
ports kept as names unless numeric; the immutable ``kubernetes.io/metadata.name`` namespace label.

For plain manifest directories (no workspace, no controllers) ``workload_pods`` turns workloads
(Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob) into one representative pod each, with the
pod template's labels and ports, owned by the workload (netpol-analyzer names them ``ns/name[Kind]``).
Pure conversion: no networking semantics, no file or workspace access.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from aksnet.errors import KubeError
from aksnet.model import k8s

Doc = Mapping[str, Any]
NAME_LABEL = "kubernetes.io/metadata.name"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
                  "CronJob")
NP_PROTOCOLS = ("TCP", "UDP", "SCTP")


def _is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """A mapping: parsed documents are dicts (checked first: the ABC check is ten times slower)."""
    return type(value) is dict or isinstance(value, Mapping)


def _meta(doc: Doc) -> Mapping[str, Any]:
    m = doc.get("metadata")
    return m if _is_map(m) else {}


def _ns(doc: Doc, default: str = "default") -> str:
    return str(_meta(doc).get("namespace") or default)


def _name(doc: Doc) -> str:
    return str(_meta(doc).get("name") or "")


def _labels(value: Any) -> dict[str, str]:
    if not value:  # absent (most annotations): no mapping check
        return {}
    return {str(k): str(v) for k, v in value.items()} if _is_map(value) else {}


def _int_or_str(value: Any) -> int | str:
    """IntOrString: numbers (and numeric strings) become ints, anything else stays a port name."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isdigit() else text


def label_selector(doc: Any) -> k8s.LabelSelector:
    """metav1.LabelSelector; ``{}`` or null is the empty selector (selects everything)."""
    if not _is_map(doc):
        return k8s.LabelSelector()
    exprs = []
    for e in doc.get("matchExpressions") or ():
        op = str(e.get("operator", ""))
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise KubeError(f'error: "{op}" is not a valid label selector operator')
        exprs.append(k8s.LabelSelectorRequirement(str(e.get("key", "")), op,
                                                  tuple(str(v) for v in e.get("values") or ())))
    return k8s.LabelSelector(_labels(doc.get("matchLabels")), tuple(exprs))


def namespace(doc: Doc) -> k8s.Namespace:
    labels = _labels(_meta(doc).get("labels"))
    labels[NAME_LABEL] = _name(doc)
    return k8s.Namespace(_name(doc), labels, str(_meta(doc).get("uid") or ""))


def node(doc: Doc) -> k8s.Node:
    m, spec, status = _meta(doc), doc.get("spec") or {}, doc.get("status") or {}
    ip = next((str(a.get("address")) for a in status.get("addresses") or () if a.get("type") == "InternalIP"), "")
    labels = _labels(m.get("labels"))
    conds = status.get("conditions") or ()
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds) if conds else True
    pods = (status.get("allocatable") or status.get("capacity") or {}).get("pods", 110)
    return k8s.Node(
        name=_name(doc), internal_ip=ip, pod_cidr=spec.get("podCIDR"), labels=labels,
        pool=labels.get("kubernetes.azure.com/agentpool") or labels.get("agentpool") or "", ready=ready,
        unschedulable=bool(spec.get("unschedulable", False)), max_pods=int(str(pods)),
        taints=tuple(k8s.Taint(str(t.get("key", "")), str(t.get("value") or ""), str(t.get("effect", "")))
                     for t in spec.get("taints") or ()),
        internal_ips=tuple(str(a.get("address")) for a in status.get("addresses") or ()
                           if a.get("type") == "InternalIP" and a.get("address")),
        pod_cidrs=tuple(str(c) for c in spec.get("podCIDRs") or ()),
    )


# (containerPort, protocol, name, hostPort, container) as written → the ContainerPort: the replicas of a workload
# declare the same ports (immutable objects, shared; bounded, cleared when full)
_PORTS: dict[tuple[Any, ...], k8s.ContainerPort] = {}
_PORTS_KEPT = 4096


def container_ports(pod_spec: Mapping[str, Any]) -> tuple[k8s.ContainerPort, ...]:
    """Every containers[].ports[] entry, protocol defaulted to TCP."""
    out = []
    for c in pod_spec.get("containers") or ():
        ports = c.get("ports")
        if not ports:
            continue
        container = c.get("name", "")
        for p in ports:
            key = (p.get("containerPort", 0), p.get("protocol"), p.get("name"), p.get("hostPort"), container)
            try:
                port = _PORTS.get(key)
            except TypeError:  # an unhashable value (the schema check reports it): made without sharing
                out.append(_container_port(p, container))
                continue
            if port is None:
                if len(_PORTS) >= _PORTS_KEPT:
                    _PORTS.clear()
                port = _PORTS[key] = _container_port(p, container)
            out.append(port)
    return tuple(out)


def _container_port(p: Mapping[str, Any], container: Any) -> k8s.ContainerPort:
    return k8s.ContainerPort(int(p.get("containerPort", 0)), str(p.get("protocol") or "TCP").upper(), p.get("name"),
                             p.get("hostPort"), str(container))


def pod(doc: Doc, index: int = 0, owner: tuple[str, str] | None = None) -> k8s.Pod:
    """A Pod document; ``owner`` (kind, name) overrides the controller ownerReference (top owner)."""
    m, spec, status = _meta(doc), doc.get("spec") or {}, doc.get("status") or {}
    if owner is None:
        refs = m.get("ownerReferences")
        ref = next((r for r in refs if r.get("controller", True)), None) if refs else None
        owner = (str(ref.get("kind")), str(ref.get("name"))) if ref else None
    if owner is not None and owner[0] == "Node":
        # a mirror pod of a static pod (the kubelet sets its owner to the Node): a pod of its own, no workload
        # (https://kubernetes.io/docs/tasks/configure-pod-container/static-pod/)
        owner = None
    conds = status.get("conditions")
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds) if conds else True
    ips = status.get("podIPs")
    return k8s.Pod(
        namespace=str(m.get("namespace") or "default"), name=str(m.get("name") or ""), labels=_labels(m.get("labels")),
        uid=str(m.get("uid") or ""), node_name=spec.get("nodeName"), pod_ip=status.get("podIP"),
        host_ip=status.get("hostIP"), host_network=bool(spec.get("hostNetwork", False)), ports=container_ports(spec),
        phase=str(status.get("phase") or "Running"), ready=ready,
        owner_kind=owner[0] if owner else None, owner_name=owner[1] if owner else None,
        annotations=_labels(m.get("annotations")), creation_index=index,
        pod_ips=tuple(str(i["ip"]) for i in ips if isinstance(i, dict) and i.get("ip")) if ips else (),
    )


def service(doc: Doc, index: int = 0) -> k8s.Service:
    m, spec, status = _meta(doc), doc.get("spec") or {}, doc.get("status") or {}
    typ = str(spec.get("type") or "ClusterIP")
    ports = tuple(
        k8s.ServicePort(int(p.get("port", 0)), str(p.get("protocol") or "TCP").upper(), p.get("name"),
                        _int_or_str(p.get("targetPort", p.get("port", 0))), p.get("nodePort"), p.get("appProtocol"))
        for p in spec.get("ports") or ())
    etp = spec.get("externalTrafficPolicy")
    if etp is None and typ in ("NodePort", "LoadBalancer"):
        etp = "Cluster"
    sel = spec.get("selector")
    return k8s.Service(
        namespace=_ns(doc), name=_name(doc), type=typ, cluster_ip=spec.get("clusterIP"), ports=ports,
        cluster_ips=tuple(str(ip) for ip in spec.get("clusterIPs") or () if ip),
        ip_families=tuple(str(f) for f in spec.get("ipFamilies") or ()),
        selector=_labels(sel) if sel is not None else None, uid=str(m.get("uid") or ""),
        labels=_labels(m.get("labels")), annotations=_labels(m.get("annotations")), external_traffic_policy=etp,
        internal_traffic_policy=str(spec.get("internalTrafficPolicy") or "Cluster"),
        health_check_node_port=spec.get("healthCheckNodePort"),
        load_balancer_source_ranges=tuple(str(r).strip() for r in spec.get("loadBalancerSourceRanges") or ()),
        load_balancer_ip=spec.get("loadBalancerIP"),
        load_balancer_ingress=tuple(str(i["ip"]) for i in (status.get("loadBalancer") or {}).get("ingress") or ()
                                    if i.get("ip")),
        external_ips=tuple(str(x) for x in spec.get("externalIPs") or ()), external_name=spec.get("externalName"),
        session_affinity=str(spec.get("sessionAffinity") or "None"),
        publish_not_ready_addresses=bool(spec.get("publishNotReadyAddresses", False)), creation_index=index,
        session_affinity_timeout=int(((spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}).get(
            "timeoutSeconds") or 10800),
    )


def endpoint_slice(doc: Doc) -> k8s.EndpointSlice:
    m = _meta(doc)
    eps = []
    for e in doc.get("endpoints") or ():
        c = e.get("conditions") or {}
        ref = e.get("targetRef") or {}
        ready = c.get("ready", True) is not False
        for addr in e.get("addresses") or ():
            eps.append(k8s.Endpoint(
                str(addr), ready, c.get("serving", ready) is not False, bool(c.get("terminating", False)),
                e.get("nodeName"), f"{ref.get('namespace') or _ns(doc)}/{ref['name']}" if ref.get("name") else None,
                e.get("hostname")))
    return k8s.EndpointSlice(
        namespace=_ns(doc), name=_name(doc),
        service_name=_labels(m.get("labels")).get("kubernetes.io/service-name", ""),
        endpoints=tuple(eps),
        ports=tuple(k8s.EndpointPort(int(p.get("port", 0)), str(p.get("protocol") or "TCP"), p.get("name"))
                    for p in doc.get("ports") or ()),
        address_type=str(doc.get("addressType") or "IPv4"))


def _np_peer(doc: Mapping[str, Any], where: str) -> k8s.NetworkPolicyPeer:
    """NetworkPolicyPeer with the API server's validation (ValidateNetworkPolicyPeer)."""
    ipb = doc.get("ipBlock")
    has_sel = "podSelector" in doc or "namespaceSelector" in doc
    if ipb is None and not has_sel:
        raise KubeError(f"The NetworkPolicy {where} is invalid: must specify a peer")
    if ipb is not None and has_sel:
        raise KubeError(f"The NetworkPolicy {where} is invalid: may not specify both ipBlock and another peer")
    block = None
    if ipb is not None:
        block = k8s.IPBlock(str(ipb.get("cidr", "")), tuple(str(x) for x in ipb.get("except") or ()))
    return k8s.NetworkPolicyPeer(
        label_selector(doc["podSelector"]) if "podSelector" in doc else None,
        label_selector(doc["namespaceSelector"]) if "namespaceSelector" in doc else None,
        block)


def _np_port(doc: Mapping[str, Any]) -> k8s.NetworkPolicyPort:
    port = doc.get("port")
    return k8s.NetworkPolicyPort(str(doc.get("protocol") or "TCP").upper(),
                                 _int_or_str(port) if port is not None else None,
                                 int(doc["endPort"]) if doc.get("endPort") is not None else None)


def _np_rule(doc: Mapping[str, Any], peer_key: str, where: str) -> k8s.NetworkPolicyRule:
    return k8s.NetworkPolicyRule(tuple(_np_peer(p, where) for p in doc.get(peer_key) or ()),
                                 tuple(_np_port(p) for p in doc.get("ports") or ()))


def network_policy(doc: Doc, index: int = 0) -> k8s.NetworkPolicy:
    """NetworkPolicy with policyTypes defaulted (Ingress; plus Egress iff ``egress`` is non-empty)."""
    m, spec = _meta(doc), doc.get("spec") or {}
    where = f'"{_name(doc)}"'
    types = tuple(str(t) for t in spec.get("policyTypes") or ())
    if not types:
        types = ("Ingress", "Egress") if spec.get("egress") else ("Ingress",)
    return k8s.NetworkPolicy(
        namespace=_ns(doc), name=_name(doc), pod_selector=label_selector(spec.get("podSelector") or {}),
        policy_types=types, ingress=tuple(_np_rule(r or {}, "from", where) for r in spec.get("ingress") or ()),
        egress=tuple(_np_rule(r or {}, "to", where) for r in spec.get("egress") or ()),
        uid=str(m.get("uid") or ""), creation_index=index)


def _backend(doc: Any) -> k8s.IngressBackend | None:
    if not _is_map(doc):
        return None
    svc, res = doc.get("service") or {}, doc.get("resource") or {}
    port = svc.get("port") or {}
    return k8s.IngressBackend(svc.get("name"), port.get("number", port.get("name")), res.get("kind"), res.get("name"))


def ingress(doc: Doc, index: int = 0) -> k8s.Ingress:
    m, spec, status = _meta(doc), doc.get("spec") or {}, doc.get("status") or {}
    rules = []
    for r in spec.get("rules") or ():
        paths = tuple(k8s.IngressPath(p.get("path"), str(p.get("pathType") or "ImplementationSpecific"),
                                      _backend(p.get("backend")) or k8s.IngressBackend())
                      for p in (r.get("http") or {}).get("paths") or ())
        rules.append(k8s.IngressRule(r.get("host"), paths))
    return k8s.Ingress(
        namespace=_ns(doc), name=_name(doc), ingress_class_name=spec.get("ingressClassName"),
        annotations=_labels(m.get("annotations")), default_backend=_backend(spec.get("defaultBackend")),
        rules=tuple(rules),
        tls=tuple(k8s.IngressTLS(tuple(t.get("hosts") or ()), t.get("secretName")) for t in spec.get("tls") or ()),
        uid=str(m.get("uid") or ""), creation_timestamp=str(m.get("creationTimestamp") or ""), creation_index=index,
        load_balancer_ips=tuple(str(i["ip"]) for i in (status.get("loadBalancer") or {}).get("ingress") or ()
                                if i.get("ip")))


def ingress_class(doc: Doc) -> k8s.IngressClass:
    ann = _labels(_meta(doc).get("annotations"))
    return k8s.IngressClass(_name(doc), str((doc.get("spec") or {}).get("controller", "")),
                            ann.get("ingressclass.kubernetes.io/is-default-class") == "true")


def secret(doc: Doc) -> k8s.Secret:
    data = doc.get("data") or {}

    def dec(key: str) -> str:
        try:
            return base64.b64decode(str(data.get(key, ""))).decode("utf-8", "replace")
        except (ValueError, binascii.Error):
            return ""

    return k8s.Secret(_ns(doc), _name(doc), str(doc.get("type") or "Opaque"), dec("tls.crt"), dec("tls.key"),
                      tuple(sorted(str(k) for k in data)), dec("ca.crt"))


def config_map(doc: Doc) -> k8s.ConfigMap:
    return k8s.ConfigMap(_ns(doc), _name(doc), {str(k): str(v) for k, v in (doc.get("data") or {}).items()})


# -- workloads of plain manifest directories --------------------------------------------------------------


def pod_template(doc: Doc) -> Mapping[str, Any]:
    """The pod template of a workload (CronJob: spec.jobTemplate.spec.template)."""
    spec = doc.get("spec") or {}
    if doc.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    tpl = spec.get("template")
    return tpl if _is_map(tpl) else {}


def top_owner(doc: Doc, owners_of: Mapping[tuple[str, str, str], tuple[str, str]]) -> tuple[str, str]:
    """(kind, name) of the top controller: a ReplicaSet owned by a Deployment → the Deployment, a Job owned
    by a CronJob → the CronJob; ``owners_of`` maps (namespace, kind, name) to the controller's (kind, name)."""
    return _top(_ns(doc), str(doc.get("kind")), _name(doc), owners_of)


def _top(ns: str, kind: str, name: str, owners_of: Mapping[tuple[str, str, str], tuple[str, str]]) -> tuple[str, str]:
    seen = 0
    while (ns, kind, name) in owners_of and seen < 5:
        kind, name = owners_of[(ns, kind, name)]
        seen += 1
    return kind, name


def workload_pods(docs: Iterable[Doc], start_index: int = 0) -> list[k8s.Pod]:
    """Pods for a manifest directory: the Pod documents as written, plus one representative pod per
    workload that no Pod document belongs to (labels and ports from its pod template; named
    ``<name>-<kind>`` … owned by the top workload)."""
    # (document, namespace, kind, name): each document's identity read once
    known = [(d, str(m.get("namespace") or "default"), str(d.get("kind")), str(m.get("name") or ""))
             for d in docs for m in (_meta(d),)]
    owners_of: dict[tuple[str, str, str], tuple[str, str]] = {}
    for d, ns, kind, name in known:
        refs = _meta(d).get("ownerReferences")
        ref = next((r for r in refs if r.get("controller", True)), None) if refs else None
        if ref is not None and kind in (*WORKLOAD_KINDS, "Pod"):
            owners_of[(ns, kind, name)] = (str(ref.get("kind")), str(ref.get("name")))
    # A ReplicaSet named <deployment>-<hash> that a Pod points to but that is not in the directory.
    out: list[k8s.Pod] = []
    covered: set[tuple[str, str, str]] = set()
    for d, ns, kind, name in known:
        if kind != "Pod":
            continue
        top = _top(ns, kind, name, owners_of)
        out.append(pod(d, start_index + len(out), top if top[0] != "Pod" else None))
        covered.add((ns, *top))
    present = {(ns, kind, name) for _, ns, kind, name in known}
    for d, ns, kind, name in known:
        if kind not in WORKLOAD_KINDS:
            continue
        top = _top(ns, kind, name, owners_of)
        key = (ns, *top)
        if key in covered or (top != (kind, name) and key in present):
            continue  # its pods or its owner workload are in the directory already
        covered.add(key)
        tpl = pod_template(d)
        tm = tpl.get("metadata") or {}
        spec = tpl.get("spec") or {}
        out.append(k8s.Pod(
            namespace=ns, name=f"{top[1]}-{top[0].lower()}", labels=_labels(tm.get("labels")),
            host_network=bool(spec.get("hostNetwork", False)), ports=container_ports(spec), phase="Running",
            owner_kind=top[0], owner_name=top[1], annotations=_labels(tm.get("annotations")),
            creation_index=start_index + len(out)))
    return out
