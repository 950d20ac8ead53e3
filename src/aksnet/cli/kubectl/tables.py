"""``kubectl get`` table columns per kind, as the API server's table convertor prints them
(``pkg/printers/internalversion/printers.go``), with ``-o wide`` columns, plus the tab writer kubectl uses
(``tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)``: a column is its widest cell + 3, at least 6; the last
column is not padded).
Must not read the workspace: rows are pure functions of documents (and the clock for ages).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aksnet.cli.kubectl import jsonpath
from aksnet.twin.kube.clock import age

Doc = dict[str, Any]
Row = list[str]
NONE = "<none>"


def tabulate(rows: list[Row], padding: int = 3, minwidth: int = 6) -> str:
    """text/tabwriter: every column but the last padded to its widest cell + ``padding`` (kubectl get: 3, at
    least 6; the rollout history viewer: 2, no minimum)."""
    if not rows:
        return ""
    n = max(len(r) for r in rows)
    widths = [0] * n
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(cell))
    lines = []
    for r in rows:
        parts = [cell.ljust(max(widths[i] + padding, minwidth)) if i < len(r) - 1 else cell
                 for i, cell in enumerate(r)]
        lines.append("".join(parts).rstrip() if not r[-1] else "".join(parts))
    return "\n".join(lines) + "\n"


def labels_text(labels: dict[str, str] | None) -> str:
    if not labels:
        return NONE
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selector_text(sel: Doc | None) -> str:
    if not sel:
        return NONE
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator")
        if op == "In":
            parts.append(f"{e['key']} in ({','.join(e.get('values') or [])})")
        elif op == "NotIn":
            parts.append(f"{e['key']} notin ({','.join(e.get('values') or [])})")
        elif op == "Exists":
            parts.append(e["key"])
        elif op == "DoesNotExist":
            parts.append(f"!{e['key']}")
    return ",".join(parts) if parts else NONE


def _meta(doc: Doc) -> Doc:
    m: Doc = doc.get("metadata") or {}
    return m


def _age(doc: Doc) -> str:
    return age(_meta(doc).get("creationTimestamp"))


# -- pods -------------------------------------------------------------------------------------------
def pod_status_reason(pod: Doc) -> str:
    """printPod's STATUS: the reason of a waiting/terminated container, else the phase."""
    st = pod.get("status") or {}
    reason = st.get("reason") or st.get("phase") or "Unknown"
    for cs in st.get("containerStatuses") or []:
        state = cs.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            reason = state["terminated"]["reason"]
    if _meta(pod).get("deletionTimestamp"):
        reason = "Terminating"
    return str(reason)


def pod_row(pod: Doc, wide: bool) -> Row:
    st = pod.get("status") or {}
    containers = pod.get("spec", {}).get("containers") or []
    ready = sum(1 for c in st.get("containerStatuses") or [] if c.get("ready"))
    restarts = sum(int(c.get("restartCount", 0)) for c in st.get("containerStatuses") or [])
    row = [_meta(pod)["name"], f"{ready}/{len(containers)}", pod_status_reason(pod), str(restarts), _age(pod)]
    if wide:
        row += [st.get("podIP") or NONE, pod.get("spec", {}).get("nodeName") or NONE,
                st.get("nominatedNodeName") or NONE, _readiness_gates(pod)]
    return row


def _readiness_gates(pod: Doc) -> str:
    gates = pod.get("spec", {}).get("readinessGates") or []
    if not gates:
        return NONE
    conds = {c.get("type"): c.get("status") for c in (pod.get("status") or {}).get("conditions") or []}
    return f"{sum(1 for g in gates if conds.get(g.get('conditionType')) == 'True')}/{len(gates)}"


# -- workloads ---------------------------------------------------------------------------------------
def _images(doc: Doc) -> tuple[str, str]:
    cs = ((doc.get("spec") or {}).get("template") or {}).get("spec", {}).get("containers") or []
    return ",".join(str(c.get("name")) for c in cs), ",".join(str(c.get("image")) for c in cs)


def deployment_row(d: Doc, wide: bool) -> Row:
    st = d.get("status") or {}
    row = [_meta(d)["name"], f"{st.get('readyReplicas', 0)}/{d['spec'].get('replicas', 1)}",
           str(st.get("updatedReplicas", 0)), str(st.get("availableReplicas", 0)), _age(d)]
    if wide:
        row += [*_images(d), selector_text(d["spec"].get("selector"))]
    return row


def replicaset_row(d: Doc, wide: bool) -> Row:
    st = d.get("status") or {}
    row = [_meta(d)["name"], str(d["spec"].get("replicas", 1)), str(st.get("replicas", 0)),
           str(st.get("readyReplicas", 0)), _age(d)]
    if wide:
        row += [*_images(d), selector_text(d["spec"].get("selector"))]
    return row


def statefulset_row(d: Doc, wide: bool) -> Row:
    st = d.get("status") or {}
    row = [_meta(d)["name"], f"{st.get('readyReplicas', 0)}/{d['spec'].get('replicas', 1)}", _age(d)]
    if wide:
        row += list(_images(d))
    return row


def daemonset_row(d: Doc, wide: bool) -> Row:
    st = d.get("status") or {}
    ns = ((d["spec"].get("template") or {}).get("spec") or {}).get("nodeSelector")
    row = [_meta(d)["name"], str(st.get("desiredNumberScheduled", 0)), str(st.get("currentNumberScheduled", 0)),
           str(st.get("numberReady", 0)), str(st.get("updatedNumberScheduled", 0)), str(st.get("numberAvailable", 0)),
           labels_text(ns), _age(d)]
    if wide:
        row += [*_images(d), selector_text(d["spec"].get("selector"))]
    return row


def job_row(d: Doc, wide: bool) -> Row:
    st = d.get("status") or {}
    completions = d["spec"].get("completions", 1)
    status = "Complete" if st.get("succeeded", 0) >= (completions or 1) else "Running"
    row = [_meta(d)["name"], status, f"{st.get('succeeded', 0)}/{completions}", _age(d), _age(d)]
    if wide:
        row += [*_images(d), selector_text(d["spec"].get("selector"))]
    return row


def cronjob_row(d: Doc, wide: bool) -> Row:
    spec = d.get("spec") or {}
    st = d.get("status") or {}
    row = [_meta(d)["name"], str(spec.get("schedule")), spec.get("timeZone") or NONE,
           "True" if spec.get("suspend") else "False", str(len(st.get("active") or [])),
           age(st.get("lastScheduleTime")) if st.get("lastScheduleTime") else NONE, _age(d)]
    if wide:
        js = (spec.get("jobTemplate") or {}).get("spec") or {}
        row += [*_images(js), selector_text(js.get("selector"))]
    return row


# -- services and networking ----------------------------------------------------------------------
def service_ports(svc: Doc) -> str:
    parts = []
    for p in svc.get("spec", {}).get("ports") or []:
        proto = p.get("protocol", "TCP")
        if p.get("nodePort"):
            parts.append(f"{p.get('port')}:{p['nodePort']}/{proto}")
        else:
            parts.append(f"{p.get('port')}/{proto}")
    return ",".join(parts) if parts else NONE


def service_external_ip(svc: Doc) -> str:
    spec = svc.get("spec") or {}
    t = spec.get("type", "ClusterIP")
    ext = list(spec.get("externalIPs") or [])
    if t == "ExternalName":
        return str(spec.get("externalName"))
    if t == "LoadBalancer":
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ips = [i.get("ip") or i.get("hostname") for i in ingress] + ext
        return ",".join(str(i) for i in ips) if ips else "<pending>"
    return ",".join(ext) if ext else NONE


def service_row(svc: Doc, wide: bool) -> Row:
    spec = svc.get("spec") or {}
    row = [_meta(svc)["name"], spec.get("type", "ClusterIP"), spec.get("clusterIP") or NONE, service_external_ip(svc),
           service_ports(svc), _age(svc)]
    if wide:
        row.append(labels_text(spec.get("selector")))
    return row


def _more(items: list[str], count: int, empty: str) -> str:
    """kubectl's ``listWithMoreString``: the first three, then `` + N more...``."""
    if not items:
        return empty
    return ",".join(items[:3]) + (f" + {count - 3} more..." if count > 3 else "")


def endpoints_row(ep: Doc, wide: bool) -> Row:
    # formatEndpoints: per subset, per port, per address (port-major); only ready addresses.
    subsets = ep.get("subsets") or []
    pairs: list[str] = []
    for sub in subsets:
        addresses = [str(a.get("ip")) for a in sub.get("addresses") or []]
        ports = sub.get("ports") or []
        if not ports:
            pairs.extend(addresses)
            continue
        for p in ports:
            pairs.extend(f"{a}:{p.get('port')}" for a in addresses)
    text = NONE if not subsets else _more(pairs, len(pairs), "")
    return [_meta(ep)["name"], text, _age(ep)]


def endpointslice_row(sl: Doc, wide: bool) -> Row:
    # formatDiscoveryPorts / formatDiscoveryEndpoints: empty lists print <unset>.
    ports = [str(p["port"]) if p.get("port") is not None else str(p.get("name") or "*") for p in sl.get("ports") or []]
    addrs = [str(a) for e in sl.get("endpoints") or [] for a in e.get("addresses") or []]
    return [_meta(sl)["name"], str(sl.get("addressType", "IPv4")), _more(ports, len(ports), "<unset>"),
            _more(addrs, len(addrs), "<unset>"), _age(sl)]


MAX_INGRESS_HOSTS = 3  # printers.go formatHosts
LOAD_BALANCER_WIDTH = 16  # printers.go loadBalancerWidth


def format_hosts(rules: list[Doc]) -> str:
    """printers.go formatHosts: the first 3 hosts, ``+ N more...`` counting every further rule (host-less ones
    too), ``*`` when no rule names a host."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == MAX_INGRESS_HOSTS:
            more = True
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    if not hosts:
        return "*"
    return ",".join(hosts) + (f" + {len(rules) - MAX_INGRESS_HOSTS} more..." if more else "")


def ingress_address(ing: Doc, wide: bool) -> str:
    """ingressLoadBalancerStatusStringer: the distinct IPs (else hostnames) sorted and comma-joined, clipped to
    13 characters and ``...`` past 16 unless ``-o wide``."""
    ingress = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    text = ",".join(sorted({str(i.get("ip") or i.get("hostname")) for i in ingress
                            if i.get("ip") or i.get("hostname")}))
    return text if wide or len(text) <= LOAD_BALANCER_WIDTH else text[:LOAD_BALANCER_WIDTH - 3] + "..."


def ingress_row(ing: Doc, wide: bool) -> Row:
    spec = ing.get("spec") or {}
    ports = "80, 443" if spec.get("tls") else "80"
    return [_meta(ing)["name"], spec.get("ingressClassName") or NONE, format_hosts(spec.get("rules") or []),
            ingress_address(ing, wide), ports, _age(ing)]


def ingressclass_row(ic: Doc, wide: bool) -> Row:
    """printIngressClass: PARAMETERS is ``Kind[.apiGroup]/name``."""
    spec = ic.get("spec") or {}
    params = spec.get("parameters")
    ptext = NONE
    if params:
        group = f".{params['apiGroup']}" if params.get("apiGroup") else ""
        ptext = f"{params.get('kind', '')}{group}/{params.get('name', '')}"
    return [_meta(ic)["name"], str(spec.get("controller", "")), ptext, _age(ic)]


def networkpolicy_row(np: Doc, wide: bool) -> Row:
    sel = selector_text((np.get("spec") or {}).get("podSelector"))
    return [_meta(np)["name"], sel if sel != NONE else NONE, _age(np)]


# -- cluster and config -------------------------------------------------------------------------------
def node_roles(node: Doc) -> str:
    roles = []
    for k in sorted(_meta(node).get("labels") or {}):
        if k.startswith("node-role.kubernetes.io/"):
            roles.append(k.split("/", 1)[1])
        elif k == "kubernetes.io/role":
            roles.append(str(_meta(node)["labels"][k]))
    roles = sorted(set(r for r in roles if r))
    return ",".join(roles) if roles else NONE


def node_status(node: Doc) -> str:
    conds = {c.get("type"): c.get("status") for c in (node.get("status") or {}).get("conditions") or []}
    status = "Ready" if conds.get("Ready", "True") == "True" else "NotReady"
    if (node.get("spec") or {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    return status


def node_row(node: Doc, wide: bool) -> Row:
    st = node.get("status") or {}
    info = st.get("nodeInfo") or {}
    row = [_meta(node)["name"], node_status(node), node_roles(node), _age(node), str(info.get("kubeletVersion", ""))]
    if wide:
        addrs: dict[str, str] = {}
        for a in st.get("addresses") or []:  # getNodeInternalIP: the first address of a type (dual-stack: IPv4)
            addrs.setdefault(str(a.get("type")), str(a.get("address") or ""))
        row += [addrs.get("InternalIP") or NONE, addrs.get("ExternalIP") or NONE, str(info.get("osImage", "")),
                str(info.get("kernelVersion", "")), str(info.get("containerRuntimeVersion", ""))]
    return row


def namespace_row(ns: Doc, wide: bool) -> Row:
    return [_meta(ns)["name"], str((ns.get("status") or {}).get("phase", "Active")), _age(ns)]


def secret_row(s: Doc, wide: bool) -> Row:
    return [_meta(s)["name"], str(s.get("type", "Opaque")), str(len(s.get("data") or {})), _age(s)]


def configmap_row(c: Doc, wide: bool) -> Row:
    return [_meta(c)["name"], str(len(c.get("data") or {}) + len(c.get("binaryData") or {})), _age(c)]


def serviceaccount_row(s: Doc, wide: bool) -> Row:
    return [_meta(s)["name"], str(len(s.get("secrets") or [])), _age(s)]


def event_row(e: Doc, wide: bool) -> Row:
    io = e.get("involvedObject") or {}
    last = e.get("lastTimestamp") or e.get("eventTime") or _meta(e).get("creationTimestamp")
    row = [age(last), str(e.get("type", "")), str(e.get("reason", "")),
           f"{str(io.get('kind', '')).lower()}/{io.get('name', '')}", str(e.get("message", ""))]
    if wide:
        src = e.get("source") or {}
        row[4:4] = [str(src.get("component", "")) + (", " + src["host"] if src.get("host") else ""),
                    str(e.get("count", 1)), age(e.get("firstTimestamp"))]
    return row


def pdb_row(p: Doc, wide: bool) -> Row:
    spec = p.get("spec") or {}
    return [_meta(p)["name"], str(spec.get("minAvailable", "N/A")), str(spec.get("maxUnavailable", "N/A")),
            str((p.get("status") or {}).get("disruptionsAllowed", 0)), _age(p)]


def lease_row(lease: Doc, wide: bool) -> Row:
    """printLease: NAME, HOLDER (spec.holderIdentity, empty when unset), AGE."""
    return [_meta(lease)["name"], str((lease.get("spec") or {}).get("holderIdentity") or ""), _age(lease)]


def created_at_row(r: Doc, wide: bool) -> Row:
    """The API server's default table for kinds without a printer of their own: NAME, CREATED AT."""
    return [_meta(r)["name"], str(_meta(r).get("creationTimestamp", ""))]


def rolebinding_row(b: Doc, wide: bool) -> Row:
    ref = b.get("roleRef") or {}
    row = [_meta(b)["name"], f"{ref.get('kind', '')}/{ref.get('name', '')}", _age(b)]
    if wide:
        subjects = b.get("subjects") or []

        def of(kind: str) -> str:
            names = [(f"{s.get('namespace')}/" if kind == "ServiceAccount" else "") + str(s.get("name", ""))
                     for s in subjects if s.get("kind") == kind]
            return ", ".join(names)

        row += [of("User"), of("Group"), of("ServiceAccount")]
    return row


def webhookconfig_row(w: Doc, wide: bool) -> Row:
    return [_meta(w)["name"], str(len(w.get("webhooks") or [])), _age(w)]


Printer = Callable[[Doc, bool], Row]

TABLES: dict[str, tuple[list[str], list[str], Printer]] = {
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
            pod_row),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
                   deployment_row),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"],
                   replicaset_row),
    "StatefulSet": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"], statefulset_row),
    "DaemonSet": (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
                  ["CONTAINERS", "IMAGES", "SELECTOR"], daemonset_row),
    "Job": (["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"], job_row),
    "CronJob": (["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
                ["CONTAINERS", "IMAGES", "SELECTOR"], cronjob_row),
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"], service_row),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], [], endpoints_row),
    "EndpointSlice": (["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], [], endpointslice_row),
    "Ingress": (["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"], [], ingress_row),
    "IngressClass": (["NAME", "CONTROLLER", "PARAMETERS", "AGE"], [], ingressclass_row),
    "NetworkPolicy": (["NAME", "POD-SELECTOR", "AGE"], [], networkpolicy_row),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"], node_row),
    "Namespace": (["NAME", "STATUS", "AGE"], [], namespace_row),
    "Secret": (["NAME", "TYPE", "DATA", "AGE"], [], secret_row),
    "ConfigMap": (["NAME", "DATA", "AGE"], [], configmap_row),
    "ServiceAccount": (["NAME", "SECRETS", "AGE"], [], serviceaccount_row),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], ["SOURCE", "COUNT", "FIRST SEEN"], event_row),
    # kubernetes pkg/printers/internalversion: printPodDisruptionBudget, printClusterRole(Binding), printRole(Binding),
    # printValidatingWebhook
    "PodDisruptionBudget": (["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"], [],
                            pdb_row),
    "Lease": (["NAME", "HOLDER", "AGE"], [], lease_row),
    "ClusterRole": (["NAME", "CREATED AT"], [], created_at_row),
    "Role": (["NAME", "CREATED AT"], [], created_at_row),
    "ClusterRoleBinding": (["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"], rolebinding_row),
    "RoleBinding": (["NAME", "ROLE", "AGE"], ["USERS", "GROUPS", "SERVICEACCOUNTS"], rolebinding_row),
    "ValidatingWebhookConfiguration": (["NAME", "WEBHOOKS", "AGE"], [], webhookconfig_row),
    # apiextensions-apiserver serves CRDs with the default table: the name and metadata.creationTimestamp
    "CustomResourceDefinition": (["NAME", "CREATED AT"], [], created_at_row),
}


def headers(kind: str, wide: bool) -> list[str]:
    base, extra, _ = TABLES[kind]
    if not wide:
        return list(base)
    if kind == "Event":
        return base[:4] + extra + base[4:]
    return base + extra


def row(kind: str, doc: Doc, wide: bool) -> Row:
    return TABLES[kind][2](doc, wide)


# -- custom resources ----------------------------------------------------------------------------------
def custom_resource_table(columns: tuple[tuple[str, str, str, int], ...], docs: list[Doc],
                          wide: bool) -> tuple[Row, list[Row]]:
    """A custom resource's table (apiextensions-apiserver ``tableconvertor``): NAME, then the CRD's
    additionalPrinterColumns (priority > 0 only with ``-o wide``); without columns NAME and AGE. A date is
    shown as an age, a list or map as JSON, several JSONPath results joined with commas, nothing as empty."""
    cols = [c for c in columns if wide or c[3] == 0] or [("Age", "date", ".metadata.creationTimestamp", 0)]
    heads = ["NAME", *(c[0].upper() for c in cols)]
    rows = []
    for d in docs:
        row = [str(_meta(d).get("name", ""))]
        for _, kind, path, _ in cols:
            tmpl = "{" + path + "}"
            values = jsonpath.evaluate(jsonpath.parse_path(path, tmpl), d, tmpl)
            row.append(_cell(kind, values))
        rows.append(row)
    return heads, rows


def _cell(kind: str, values: list[Any]) -> str:
    if not values or values == [None]:
        return ""
    if len(values) > 1:
        return ",".join(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")) for v in values)
    v = values[0]
    if kind == "date" and isinstance(v, str):
        return age(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, separators=(",", ":"))
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
