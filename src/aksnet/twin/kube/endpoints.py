"""The EndpointSlice and Endpoints controllers, and the API server's endpoint of the ``kubernetes`` Service.

Rules (``pkg/controller/endpointslice``, ``pkg/controller/endpoint``): a Service with a selector gets the
pods of its namespace whose labels match, that have an IP and are not terminal. A named ``targetPort`` is
resolved per pod (``FindPort``: same name and protocol among the containers' ports; a pod without it gives
no endpoint for that port), so pods with different port numbers land in different slices. ``ready`` is the
pod's Ready condition, or true for every pod with ``publishNotReadyAddresses``. At most 100 endpoints per
slice; slices are ``<service>-<5 chars>`` owned by the Service. Services without a selector get nothing
(users write their own), ExternalName Services neither. The ``kubernetes`` Service's endpoint is the API
server (:func:`netinfo.api_server_address`) on 443. Writes only when something changed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from aksnet.store import Transaction
from aksnet.twin.kube import apiserver, naming, netinfo, objects, schema
from aksnet.twin.kube.objects import ClusterObjects
from aksnet.twin.kube.status import pod_ready

Doc = dict[str, Any]
RT_SLICE = schema.BY_KIND["EndpointSlice"]
RT_EP = schema.BY_KIND["Endpoints"]
RT_SVC = schema.BY_KIND["Service"]
MANAGED_BY = "endpointslice-controller.k8s.io"
EP_MANAGED_BY = "endpoint-controller"
MAX_PER_SLICE = 100


def find_port(pod: Doc, target: Any, protocol: str) -> int | None:
    """FindPort: a numeric targetPort as is; a name looked up in the pod's container ports."""
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    for c in pod["spec"].get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == target and p.get("protocol", "TCP") == protocol:
                return int(p["containerPort"])
    return None


def endpoint_hostname(pod: Doc, svc: Doc) -> str | None:
    """``endpointutil.ShouldSetHostname``: the pod's ``spec.hostname`` when its ``spec.subdomain`` names this
    Service in the same namespace (StatefulSet pods: ``db-0`` of ``serviceName: db``)."""
    spec = pod.get("spec") or {}
    hostname = spec.get("hostname")
    if hostname and spec.get("subdomain") == svc["metadata"]["name"] \
            and pod["metadata"].get("namespace") == svc["metadata"].get("namespace"):
        return str(hostname)
    return None


def pod_address(pod: Doc, family: str) -> str | None:
    """The pod's address of ``family`` (``status.podIPs``; a dual-stack pod has one per family)."""
    st = pod.get("status") or {}
    for item in st.get("podIPs") or [{"ip": st.get("podIP")}]:
        ip = str(item.get("ip") or "")
        if ip and (":" in ip) == (family == "IPv6"):
            return ip
    return None


def families_of(svc: Doc) -> list[str]:
    """The Service's ``spec.ipFamilies`` (IPv4 when unset): one EndpointSlice address type each."""
    return [str(f) for f in (svc.get("spec") or {}).get("ipFamilies") or ["IPv4"]]


def _endpoint(pod: Doc, ready: bool, svc: Doc, family: str = "IPv4") -> Doc:
    ep: Doc = {"addresses": [pod_address(pod, family)],
               "conditions": {"ready": ready, "serving": ready, "terminating": False}}
    hostname = endpoint_hostname(pod, svc)
    if hostname:
        ep["hostname"] = hostname
    ep["nodeName"] = pod["spec"].get("nodeName")
    ep["targetRef"] = {"kind": "Pod", "name": pod["metadata"]["name"], "namespace": pod["metadata"]["namespace"],
                       "uid": pod["metadata"]["uid"]}
    return ep


def desired_groups(svc: Doc, pods: list[Doc]) -> list[tuple[list[Doc], list[tuple[Doc, bool]]]]:
    """Pods grouped by their resolved port list: [(ports, [(pod, ready)])]."""
    spec = svc["spec"]
    pna = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[tuple[tuple[str, int, str], ...], list[tuple[Doc, bool]]] = {}
    for pod in pods:
        ports = []
        for sp in spec.get("ports") or []:
            proto = sp.get("protocol", "TCP")
            num = find_port(pod, sp.get("targetPort", sp.get("port")), proto)
            if num is not None:
                ports.append((sp.get("name", ""), num, proto))
        groups.setdefault(tuple(ports), []).append((pod, pna or pod_ready(pod)))
    out = []
    for ports_key, members in sorted(groups.items(), key=lambda kv: kv[0]):
        members.sort(key=lambda m: m[0]["metadata"]["name"])
        ports_doc = [{"name": n, "port": p, "protocol": pr} for n, p, pr in ports_key]
        out.append((ports_doc, members))
    return out


PodIndex = dict[tuple[str, str, str], list[Doc]]


def index_pods(pods: list[Doc]) -> PodIndex:
    """Pods that can be endpoints (an IP, not terminal), by (namespace, label key, label value)."""
    idx: PodIndex = {}
    for pod in pods:
        st = pod.get("status") or {}
        if not st.get("podIP") or st.get("phase") in ("Succeeded", "Failed"):
            continue
        ns = pod["metadata"]["namespace"]
        for k, v in (pod["metadata"].get("labels") or {}).items():
            idx.setdefault((ns, k, v), []).append(pod)
    return idx


def selected_pods(svc: Doc, idx: PodIndex) -> list[Doc]:
    """The pods a Service selector (a label map, all must match) picks, from the index."""
    sel = svc["spec"].get("selector") or {}
    ns = svc["metadata"]["namespace"]
    lists = [idx.get((ns, k, v), []) for k, v in sel.items()]
    if not lists:
        return []
    smallest = min(lists, key=len)
    return [p for p in smallest if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in sel.items())]


def _svc_labels(svc: Doc) -> dict[str, str]:
    labels = dict(svc["metadata"].get("labels") or {})
    labels.pop("service.kubernetes.io/headless", None)
    return labels


def _sync_slices(objs: ClusterObjects, svc: Doc, groups: list[tuple[list[Doc], list[tuple[Doc, bool]]]],
                 existing: list[Doc]) -> None:
    """One set of slices per IP family of the Service (addressType IPv4 / IPv6, kubernetes.io/docs/concepts/
    services-networking/dual-stack: "the EndpointSlice controller creates one slice per address family")."""
    kept: list[Doc] = []
    for family in families_of(svc):
        mine = [s for s in existing if s.get("addressType", "IPv4") == family]
        kept += _sync_family_slices(objs, svc, groups, mine, family)
    for sl in existing:
        if sl not in kept:
            objs.delete(RT_SLICE.store_kind, f"{svc['metadata']['namespace']}/{sl['metadata']['name']}")


def _sync_family_slices(objs: ClusterObjects, svc: Doc, groups: list[tuple[list[Doc], list[tuple[Doc, bool]]]],
                        existing: list[Doc], family: str) -> list[Doc]:
    ns, name, uid = svc["metadata"]["namespace"], svc["metadata"]["name"], svc["metadata"]["uid"]
    chunks: list[tuple[list[Doc], list[Doc]]] = []
    for ports, members in groups:
        eps = [_endpoint(p, r, svc, family) for p, r in members if pod_address(p, family)]
        for i in range(0, len(eps), MAX_PER_SLICE):
            chunks.append((ports, eps[i:i + MAX_PER_SLICE]))
    if not chunks:
        chunks.append(([], []))  # a selector that matches nothing still has one (empty) slice
    labels = _svc_labels(svc)
    labels["endpointslice.kubernetes.io/managed-by"] = MANAGED_BY
    labels["kubernetes.io/service-name"] = name
    existing = sorted(existing, key=lambda d: d["metadata"]["name"])
    seed = "slice" if family == "IPv4" else f"slice:{family}"
    for i, (ports, eps) in enumerate(chunks):
        if i < len(existing):
            sl = existing[i]
            if sl.get("endpoints") != eps or sl.get("ports") != ports or sl["metadata"].get("labels") != labels:
                sl["endpoints"], sl["ports"] = eps, ports
                sl["metadata"]["labels"] = labels
                apiserver.write_object(objs, RT_SLICE, sl)
            continue
        slice_name = f"{name}-{naming.suffix(f'{uid}:{seed}:{i}')}"
        doc: Doc = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"name": slice_name, "namespace": ns, "generateName": f"{name}-",
                                 "labels": dict(labels), "ownerReferences": [{
                                     "apiVersion": "v1", "kind": "Service", "name": name, "uid": uid,
                                     "controller": True, "blockOwnerDeletion": True}]},
                    "addressType": family, "endpoints": eps, "ports": ports}
        apiserver.create_owned(objs, RT_SLICE, doc)
    return existing[:len(chunks)]


def _endpoints_subsets(groups: list[tuple[list[Doc], list[tuple[Doc, bool]]]], svc: Doc) -> list[Doc]:
    # A headless Service without ports still lists its addresses (a subset without ports).
    portless_ok = svc["spec"].get("clusterIP") == "None" and not svc["spec"].get("ports")
    subsets = []
    for ports, members in groups:
        primary = families_of(svc)[0]
        ready = [m for m in members if m[1] and pod_address(m[0], primary)]
        not_ready = [m for m in members if not m[1] and pod_address(m[0], primary)]

        def addr(pod: Doc) -> Doc:  # the Endpoints object lists the Service's primary family
            a: Doc = {"ip": pod_address(pod, families_of(svc)[0])}
            hostname = endpoint_hostname(pod, svc)
            if hostname:
                a["hostname"] = hostname
            a["nodeName"] = pod["spec"].get("nodeName")
            a["targetRef"] = {"kind": "Pod", "name": pod["metadata"]["name"],
                              "namespace": pod["metadata"]["namespace"], "uid": pod["metadata"]["uid"]}
            return a

        sub: Doc = {}
        if ready:
            sub["addresses"] = sorted((addr(p) for p, _ in ready), key=lambda a: _ip_key(a["ip"]))
        if not_ready:
            sub["notReadyAddresses"] = sorted((addr(p) for p, _ in not_ready), key=lambda a: _ip_key(a["ip"]))
        if ports:
            sub["ports"] = [{k: v for k, v in p.items() if v != ""} for p in ports]
            subsets.append(sub)
        elif portless_ok and sub:
            subsets.append(sub)
    return subsets


def _ip_key(ip: str) -> tuple[int, ...]:
    if ip.count(".") == 3:
        return tuple(int(x) for x in ip.split("."))
    return (256, int(ipaddress.ip_address(ip))) if ":" in ip else (0,)


def _sync_endpoints(objs: ClusterObjects, svc: Doc, subsets: list[Doc]) -> None:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    labels = _svc_labels(svc)
    labels["endpoints.kubernetes.io/managed-by"] = EP_MANAGED_BY
    ep = objs.get(RT_EP.store_kind, f"{ns}/{name}")
    if ep is None:
        doc: Doc = {"apiVersion": "v1", "kind": "Endpoints",
                    "metadata": {"name": name, "namespace": ns, "labels": labels}}
        if subsets:
            doc["subsets"] = subsets
        apiserver.create_owned(objs, RT_EP, doc)
        return
    if ep.get("subsets", []) != subsets or ep["metadata"].get("labels") != labels:
        ep["metadata"]["labels"] = labels
        if subsets:
            ep["subsets"] = subsets
        else:
            ep.pop("subsets", None)
        apiserver.write_object(objs, RT_EP, ep)


def _sync_kubernetes(objs: ClusterObjects, svc: Doc) -> None:
    """The API server's own endpoint (EndpointReconciler): one address, port 443 named https."""
    ip = netinfo.api_server_address(objs.tx, objs.cluster())
    subsets = [{"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": 443, "protocol": "TCP"}]}]
    ep = objs.get(RT_EP.store_kind, "default/kubernetes")
    labels = {"endpointslice.kubernetes.io/skip-mirror": "true"}
    if ep is None:
        apiserver.create_owned(objs, RT_EP, {"apiVersion": "v1", "kind": "Endpoints", "metadata": {
            "name": "kubernetes", "namespace": "default", "labels": labels}, "subsets": subsets})
    elif ep.get("subsets") != subsets:
        ep["subsets"] = subsets
        apiserver.write_object(objs, RT_EP, ep)
    eps = [{"addresses": [ip], "conditions": {"ready": True}}]
    ports = [{"name": "https", "port": 443, "protocol": "TCP"}]
    sl = objs.get(RT_SLICE.store_kind, "default/kubernetes")
    if sl is None:
        apiserver.create_owned(objs, RT_SLICE, {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4", "endpoints": eps, "ports": ports})
    elif sl.get("endpoints") != eps:
        sl["endpoints"] = eps
        apiserver.write_object(objs, RT_SLICE, sl)


def reconcile(tx: Transaction, cluster_id: str) -> None:
    """Bring every managed EndpointSlice and Endpoints in line with Services and pods; write the cache back."""
    objs = objects.open_objects(tx, cluster_id)
    sync_all(objs)


def sync_all(objs: ClusterObjects) -> None:
    sync(objs, objs.docs("k8s:core/Pod"), objs.docs(RT_SVC.store_kind), objs.docs(RT_SLICE.store_kind),
         objs.docs(RT_EP.store_kind))


def sync(objs: ClusterObjects, pods: list[Doc], services: list[Doc], slices: list[Doc], endpoints: list[Doc]) -> None:
    """:func:`sync_all` over some namespaces: their pods, Services, EndpointSlices and Endpoints (each list in its
    kind's table order)."""
    idx = index_pods(pods)
    slices_by_svc: dict[tuple[str, str], list[Doc]] = {}
    for sl in slices:
        labels = sl["metadata"].get("labels") or {}
        if labels.get("endpointslice.kubernetes.io/managed-by") == MANAGED_BY:
            key = (sl["metadata"]["namespace"], labels.get("kubernetes.io/service-name", ""))
            slices_by_svc.setdefault(key, []).append(sl)
    seen: set[tuple[str, str]] = set()
    for svc in services:
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        spec = svc.get("spec") or {}
        if ns == "default" and name == "kubernetes" and not spec.get("selector"):
            _sync_kubernetes(objs, svc)
            continue
        if spec.get("type") == "ExternalName" or not spec.get("selector"):
            continue
        seen.add((ns, name))
        groups = desired_groups(svc, selected_pods(svc, idx))
        _sync_slices(objs, svc, groups, slices_by_svc.get((ns, name), []))
        _sync_endpoints(objs, svc, _endpoints_subsets(groups, svc))
    for key, slices in slices_by_svc.items():
        if key not in seen:
            for sl in slices:
                objs.delete(RT_SLICE.store_kind, f"{key[0]}/{sl['metadata']['name']}")
    for ep in endpoints:
        labels = ep["metadata"].get("labels") or {}
        key = (ep["metadata"]["namespace"], ep["metadata"]["name"])
        if labels.get("endpoints.kubernetes.io/managed-by") == EP_MANAGED_BY and key not in seen:
            objs.delete(RT_EP.store_kind, f"{key[0]}/{key[1]}")
