"""``kubectl describe node`` in kubectl 1.32's layout (k8s.io/kubectl/pkg/describe/describe.go at v0.32:
``NodeDescriber.Describe``, ``describeNode``, ``describeNodeLease``, ``describeNodeResource``,
``printNodeTaintsMultiline``, ``findNodeRoles``), written with tabs and aligned by
:func:`aksnet.cli.kubectl.describe_network.render` as kubectl's tabwriter does. Reads the workspace only for the
node's Lease, its non-terminated pods and its events, the three requests the real describer makes."""

from __future__ import annotations

from typing import Any

from aksnet.cli.kubectl.cmd_taint import taint_text
from aksnet.cli.kubectl.describe_network import annotations_text, events_text, labels_text, render
from aksnet.cli.kubectl.session import Session
from aksnet.cli.kubectl.tables import node_roles
from aksnet.twin.aks.nodes import NODE_LEASE_NAMESPACE
from aksnet.twin.kube import clock
from aksnet.twin.kube.quantity import Quantity, exact_quantity, pod_requests_limits
from aksnet.twin.kube_store import KIND_LEASE, KIND_POD

Doc = dict[str, Any]

_RFC1123Z = "%a, %d %b %Y %H:%M:%S +0000"
_SYSTEM_INFO = (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                ("Architecture", "architecture"), ("Container Runtime Version", "containerRuntimeVersion"),
                ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion"))
_STANDARD = ("cpu", "memory", "ephemeral-storage")


def _time(ts: str | None) -> str:
    """metav1.Time formatted with Go's RFC1123Z; the zero time when unset."""
    return clock.parse(ts).strftime(_RFC1123Z) if ts else "Mon, 01 Jan 0001 00:00:00 +0000"


def _taints_text(taints: list[Doc]) -> str:
    if not taints:
        return "Taints:\t<none>\n"
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    return "Taints:\t" + "\t".join(f"{taint_text(t)}\n" for t in ordered)


def _lease_text(s: Session, name: str) -> str:
    lease = s.api.objs.get(KIND_LEASE, f"{NODE_LEASE_NAMESPACE}/{name}")
    if lease is None:
        return f'Lease:\tFailed to get lease: leases.coordination.k8s.io "{name}" not found\n'
    spec = lease.get("spec") or {}
    acquire = _time(spec["acquireTime"]) if spec.get("acquireTime") else "<unset>"
    renew = _time(spec["renewTime"]) if spec.get("renewTime") else "<unset>"
    return (f"Lease:\n  HolderIdentity:\t{spec.get('holderIdentity') or '<unset>'}\n"
            f"  AcquireTime:\t{acquire}\n  RenewTime:\t{renew}\n")


def _conditions_text(conditions: list[Doc]) -> str:
    if not conditions:
        return ""
    text = ("Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n"
            "  ----\t------\t-----------------\t------------------\t------\t-------\n")
    for c in conditions:
        text += (f"  {c.get('type', '')} \t{c.get('status', '')} \t{_time(c.get('lastHeartbeatTime'))} \t"
                 f"{_time(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n")
    return text


def _resource_list(title: str, resources: Doc) -> str:
    if not resources:
        return ""
    return f"{title}:\n" + "".join(f"  {k}:\t{exact_quantity(resources[k])}\n" for k in sorted(resources))


def _share(used: Quantity, available: Quantity) -> str:
    """``250m (13%)``: the percentage truncated toward zero, 0 when nothing is available."""
    pct = int(used.value / available.value * 100) if available.value else 0
    return f"{used} ({pct}%)"


def node_pods(s: Session, name: str) -> list[Doc]:
    """The list ``spec.nodeName=<node>,status.phase!=Succeeded,status.phase!=Failed`` returns, in the API
    server's key order (namespace, then name)."""
    pods = [p for p in s.api.objs.docs(KIND_POD) if (p.get("spec") or {}).get("nodeName") == name
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    return sorted(pods, key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))


def _resources_text(pods: list[Doc], node: Doc) -> str:
    """describeNodeResource: one row per pod, then the totals of cpu, memory, ephemeral-storage, each huge
    page size and each extended resource the node offers."""
    st = node.get("status") or {}
    alloc = {k: exact_quantity(v) for k, v in (st.get("allocatable") or st.get("capacity") or {}).items()}
    zero = Quantity()
    text = (f"Non-terminated Pods:\t({len(pods)} in total)\n"
            "  Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n"
            "  ---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for p in pods:
        req, lim = pod_requests_limits(p)
        for total, part in ((reqs, req), (limits, lim)):
            for k, v in part.items():
                total[k] = total[k] + v if k in total else v
        cells = [_share(req.get("cpu", zero), alloc.get("cpu", zero)),
                 _share(lim.get("cpu", zero), alloc.get("cpu", zero)),
                 _share(req.get("memory", zero), alloc.get("memory", zero)),
                 _share(lim.get("memory", zero), alloc.get("memory", zero))]
        created = p["metadata"].get("creationTimestamp")
        age = clock.age(created) if created else "<unknown>"
        text += f"  {p['metadata'].get('namespace', '')}\t{p['metadata']['name']}\t\t" + "\t".join(cells) + f"\t{age}\n"
    text += ("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
             "  Resource\tRequests\tLimits\n  --------\t--------\t------\n")
    huge = sorted(k for k in alloc if k.startswith("hugepages-"))
    extended = sorted(k for k in alloc if k not in _STANDARD and k != "pods" and not k.startswith("hugepages-"))
    for k in (*_STANDARD, *huge):
        text += (f"  {k}\t{_share(reqs.get(k, zero), alloc.get(k, zero))}\t"
                 f"{_share(limits.get(k, zero), alloc.get(k, zero))}\n")
    for k in extended:
        text += f"  {k}\t{reqs.get(k, zero)}\t{limits.get(k, zero)}\n"
    return text


def describe_node(s: Session, node: Doc) -> str:
    meta, spec, st = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    text = f"Name:\t{meta['name']}\nRoles:\t{node_roles(node)}\n"
    text += labels_text("Labels", meta.get("labels")) + annotations_text("Annotations", meta.get("annotations"))
    text += f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n"
    text += _taints_text(spec.get("taints") or [])
    text += f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n"
    text += _lease_text(s, meta["name"]) + _conditions_text(st.get("conditions") or [])
    text += "Addresses:\n" + "".join(f"  {a.get('type', '')}:\t{a.get('address', '')}\n"
                                     for a in st.get("addresses") or [])
    text += _resource_list("Capacity", st.get("capacity") or {})
    text += _resource_list("Allocatable", st.get("allocatable") or {})
    info = st.get("nodeInfo") or {}
    text += "System Info:\n" + "".join(f"  {label}:\t{info.get(key, '')}\n" for label, key in _SYSTEM_INFO)
    if spec.get("podCIDR"):
        text += f"PodCIDR:\t{spec['podCIDR']}\n"
    if spec.get("podCIDRs"):
        text += f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n"
    if spec.get("providerID"):
        text += f"ProviderID:\t{spec['providerID']}\n"
    text += _resources_text(node_pods(s, meta["name"]), node)
    return render(text + events_text(s, node))
