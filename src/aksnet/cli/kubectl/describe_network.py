"""``kubectl describe`` of NetworkPolicy, Ingress and Endpoints in kubectl 1.32's layouts
(k8s.io/kubectl/pkg/describe/describe.go: ``describeNetworkPolicy``, ``describeIngressV1``,
``describeEndpoints``, ``formatEndpointSlices``, ``printLabelsMultiline``, ``printAnnotationsMultiline``,
``DescribeEvents``). Each describer writes Go's text with tabs and lets :func:`tabwriter.tabbed` align it as
kubectl's tabwriter does. Reads the workspace only for the Ingress backends' Services and EndpointSlices and
the object's events."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.session import Session
from aksnet.cli.kubectl.tabwriter import tabbed
from aksnet.twin.kube import clock, events, schema

Doc = dict[str, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
MAX_ENDPOINTS = 3


def labels_text(title: str, labels: dict[str, str] | None) -> str:
    if not labels:
        return f"{title}:\t<none>\n"
    keys = sorted(labels)
    return f"{title}:\t" + "\t".join(f"{k}={labels[k]}\n" for k in keys)


def annotations_text(title: str, annotations: dict[str, str] | None) -> str:
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        return f"{title}:\t<none>\n"
    out = [f"{title}:\t"]
    for i, key in enumerate(keys):
        if i:
            out.append("\t")
        value = str((annotations or {})[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            out.append(f"{key}:\n")
            for line in value.split("\n"):
                short = line if len(line) <= MAX_ANNOTATION_LEN - 2 else line[:MAX_ANNOTATION_LEN - 2] + "..."
                out.append(f"\t  {short}\n")
        else:
            out.append(f"{key}: {value}\n")
    return "".join(out)


def events_text(s: Session, doc: Doc) -> str:
    """DescribeEvents: ``Events:\\t<none>`` or the table (aligned on its own: kubectl flushes first)."""
    evs = events.for_object(s.api.objs, doc)
    if not evs:
        return "Events:\t<none>\n"
    rows = ["Events:\n  Type\tReason\tAge\tFrom\tMessage\n", "  ----\t------\t----\t----\t-------\n"]
    for e in evs:
        last = clock.age(e.get("lastTimestamp"))
        count = int(e.get("count", 1))
        age = last if count <= 1 else f"{last} (x{count} over {clock.age(e.get('firstTimestamp'))})"
        rows.append(f"  {e.get('type', '')}\t{e.get('reason', '')}\t{age}\t"
                    f"{(e.get('source') or {}).get('component', '')}\t{str(e.get('message', '')).strip()}\n")
    return "\x00" + "".join(rows)  # \x00: flush point


def render(text: str) -> str:
    """Align each flushed section separately, as kubectl's ``w.Flush()`` before the events table does."""
    return "".join(tabbed(part) for part in text.split("\x00"))


def format_label_selector(sel: Doc | None) -> str:
    """metav1.FormatLabelSelector: ``k=v`` and expressions, comma-joined in key order; ``<none>`` if empty."""
    sel = sel or {}
    parts = [(k, f"{k}={v}") for k, v in (sel.get("matchLabels") or {}).items()]
    for e in sel.get("matchExpressions") or []:
        key, op, vals = e.get("key", ""), e.get("operator", ""), sorted(e.get("values") or [])
        text = {"In": f"{key} in ({','.join(vals)})", "NotIn": f"{key} notin ({','.join(vals)})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
        parts.append((key, text))
    return ",".join(t for _, t in sorted(parts, key=lambda p: p[0])) or "<none>"


def _created(meta: Doc) -> str:
    ts = meta.get("creationTimestamp")
    return clock.parse(ts).strftime("%Y-%m-%d %H:%M:%S +0000 UTC") if ts else "0001-01-01 00:00:00 +0000 UTC"


def _peers(rules: list[Doc], direction: str, indent: str) -> str:
    ports_word, peers_key, peer_word = ("To Port", "from", "From") if direction == "ingress" else \
        ("To Port", "to", "To")
    if not rules:
        return f"{indent}<none> (Selected pods are isolated for {direction} connectivity)\n"
    out = []
    for i, rule in enumerate(rules):
        if not rule.get("ports"):
            out.append(f"{indent}{ports_word}: <any> (traffic allowed to all ports)\n")
        for port in rule.get("ports") or []:
            value = port.get("port", "<nil>")
            end = f"-{port['endPort']}" if port.get("endPort") is not None else ""
            out.append(f"{indent}{ports_word}: {value}{end}/{port.get('protocol', 'TCP')}\n")
        peers = rule.get(peers_key) or []
        if not peers:
            what = "source" if direction == "ingress" else "destination"
            out.append(f"{indent}{peer_word}: <any> (traffic not restricted by {what})\n")
        for peer in peers:
            out.append(f"{indent}{peer_word}:\n")
            pod, ns, block = peer.get("podSelector"), peer.get("namespaceSelector"), peer.get("ipBlock")
            if ns is not None:
                out.append(f"  {indent}NamespaceSelector: {format_label_selector(ns)}\n")
            if pod is not None:
                out.append(f"  {indent}PodSelector: {format_label_selector(pod)}\n")
            if pod is None and ns is None and block is not None:
                out.append(f"  {indent}IPBlock:\n")
                out.append(f"    {indent}CIDR: {block.get('cidr', '')}\n")
                out.append(f"    {indent}Except: {', '.join(block.get('except') or [])}\n")
        if i != len(rules) - 1:
            out.append(f"{indent}----------\n")
    return "".join(out)


def describe_network_policy(s: Session, np_: Doc) -> str:
    meta, spec = np_["metadata"], np_.get("spec") or {}
    text = (f"Name:\t{meta['name']}\nNamespace:\t{meta.get('namespace', '')}\nCreated on:\t{_created(meta)}\n"
            + labels_text("Labels", meta.get("labels")) + annotations_text("Annotations", meta.get("annotations")))
    sel = spec.get("podSelector") or {}
    text += "Spec:\n  PodSelector: "
    text += ("    <none> (Allowing the specific traffic to all pods in this namespace)\n"
             if not sel.get("matchLabels") and not sel.get("matchExpressions")
             else f"    {format_label_selector(sel)}\n")
    types = spec.get("policyTypes") or []
    text += ("  Allowing ingress traffic:\n" + _peers(spec.get("ingress") or [], "ingress", "    ")
             if "Ingress" in types else "  Not affecting ingress traffic\n")
    text += ("  Allowing egress traffic:\n" + _peers(spec.get("egress") or [], "egress", "    ")
             if "Egress" in types else "  Not affecting egress traffic\n")
    text += f"  Policy Types: {', '.join(types)}\n"
    return render(text)


def _get(s: Session, kind: str, ns: str, name: str) -> Doc | None:
    from aksnet.twin.kube.apiserver import ApiError

    try:
        return s.api.get(schema.BY_KIND[kind], ns, name)
    except ApiError:
        return None


def service_slices(s: Session, ns: str, name: str) -> list[Doc]:
    """The EndpointSlices labelled ``kubernetes.io/service-name=<name>`` in ``ns``, in the API server's list
    order (by name)."""
    return sorted((sl for sl in s.api.objs.docs("k8s:discovery.k8s.io/EndpointSlice")
                   if sl["metadata"].get("namespace") == ns
                   and (sl["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name),
                  key=lambda sl: str(sl["metadata"]["name"]))


def _host_port(addr: str, port: Any) -> str:
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def format_endpoint_slices(slices: list[Doc], port_names: set[str]) -> str:
    """formatEndpointSlices (kubectl 1.32): slice by slice, port by port (those named in ``port_names``), the
    ready endpoints' first address as ``ip:port``, at most 3, then ``+ N more...``; ``<none>`` without slices.
    As upstream, "more" is set as soon as a fourth endpoint is met, ready or not."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more, count = False, 0
    for sl in slices:
        endpoints = sl.get("endpoints") or []
        ports = sl.get("ports") or []
        for port in ports or [None]:
            if port is not None and (port.get("name") or "") not in port_names:
                continue
            for ep in endpoints:
                if len(shown) == MAX_ENDPOINTS:
                    more = True
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    addr = str((ep.get("addresses") or [""])[0])
                    shown.append(addr if port is None else _host_port(addr, port.get("port")))
                count += 1
    return ",".join(shown) + (f" + {count - MAX_ENDPOINTS} more..." if more else "")


def _backend(s: Session, ns: str, backend: Doc | None) -> str:
    """describeBackendV1: the Service's EndpointSlices for the backend's port, or the Service's lookup error."""
    svc_ref = (backend or {}).get("service")
    if not svc_ref:
        res = (backend or {}).get("resource") or {}
        return f"APIGroup: {res.get('apiGroup') or '<none>'}, Kind: {res.get('kind', '')}, " \
               f"Name: {res.get('name', '')}" if res else ""
    port = svc_ref.get("port") or {}
    sb = f"{svc_ref.get('name')}:{port.get('number') or port.get('name', '')}"
    svc = _get(s, "Service", ns, svc_ref.get("name", ""))
    if svc is None:
        return f'{sb} (<error: services "{svc_ref.get("name")}" not found>)'
    name = ""
    for sp in (svc.get("spec") or {}).get("ports") or []:
        if (port.get("number") and port.get("number") == sp.get("port")) or (
                port.get("name") and port.get("name") == sp.get("name")):
            name = sp.get("name", "")
    return f"{sb} ({format_endpoint_slices(service_slices(s, ns, svc_ref.get('name', '')), {name})})"


def describe_ingress(s: Session, ing: Doc) -> str:
    meta, spec = ing["metadata"], ing.get("spec") or {}
    ns = meta.get("namespace", "default")
    lb = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    text = f"Name:\t{meta['name']}\n" + labels_text("Labels", meta.get("labels"))
    text += f"Namespace:\t{ns}\nAddress:\t{','.join(str(i.get('ip') or i.get('hostname') or '') for i in lb)}\n"
    text += f"Ingress Class:\t{spec.get('ingressClassName') or '<none>'}\n"
    default = spec.get("defaultBackend")
    text += f"Default backend:\t{_backend(s, ns, default) if default else '<default>'}\n"
    if spec.get("tls"):
        text += "TLS:\n"
        for t in spec["tls"]:
            hosts = ",".join(t.get("hosts") or [])
            text += f"  {t['secretName']} terminates {hosts}\n" if t.get("secretName") else f"  SNI routes {hosts}\n"
    text += "Rules:\n  Host\tPath\tBackends\n  ----\t----\t--------\n"
    count = 0
    for rule in spec.get("rules") or []:
        if not rule.get("http"):
            continue
        count += 1
        text += f"  {rule.get('host') or '*'}\t\n"
        for path in rule["http"].get("paths") or []:
            text += f"    \t{path.get('path', '')} \t{_backend(s, ns, path.get('backend'))}\n"
    if count == 0:
        text += f"  *\t*\t{_backend(s, ns, default)}\n"
    text += annotations_text("Annotations", meta.get("annotations")) + events_text(s, ing)
    return render(text)


def describe_endpoints(s: Session, ep: Doc) -> str:
    meta = ep["metadata"]
    text = f"Name:\t{meta['name']}\nNamespace:\t{meta.get('namespace', '')}\n"
    text += labels_text("Labels", meta.get("labels")) + annotations_text("Annotations", meta.get("annotations"))
    text += "Subsets:\n"
    for ss in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in ss.get("addresses") or []) or "<none>"
        not_ready = ",".join(a.get("ip", "") for a in ss.get("notReadyAddresses") or []) or "<none>"
        text += f"  Addresses:\t{ready}\n  NotReadyAddresses:\t{not_ready}\n"
        if ss.get("ports"):
            text += "  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n"
            for port in ss["ports"]:
                text += f"    {port.get('name') or '<unset>'}\t{port.get('port')}\t{port.get('protocol', 'TCP')}\n"
        text += "\n"
    return render(text + events_text(s, ep))
