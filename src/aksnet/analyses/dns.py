"""``aksnet dns``: what a pod's resolver gets for a name (the answer ``nslookup`` would print in the pod).

Pure question over the twin: the pod's search list and nameserver (``engine.coredns.pod_search_domains``,
``dns_server``), CoreDNS's answers (``engine.coredns.resolve``) and, for names CoreDNS forwards, what Azure
DNS would answer from the workspace: public IP DNS labels, cluster API server FQDNs (a private cluster's from
its private endpoint), A records of private DNS zones linked to the cluster's VNet, and node host names in
the node search domain. Must not print; ``aksnet.cli.dns`` renders the result.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from aksnet.analyses.answer import Answer, cell
from aksnet.engine import coredns, lookup, resolve
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Site
from aksnet.engine.walk import Walker
from aksnet.model import k8s
from aksnet.model.ids import id_key
from aksnet.model.twin import ClusterState, Twin


class DnsQuestionError(ValueError):
    """Bad input: unknown pod, unknown query type."""


@dataclass(frozen=True, slots=True)
class DnsReport:
    question: str
    qtype: str
    pod: str | None  # namespace/name of the asking pod, None: a pod of the namespace
    namespace: str
    resolv_conf: str
    response: coredns.DnsAnswer
    timed_out: str | None = None  # why the asking pod's query got no answer (the lookup is a flow; None: answered)

    def answer(self) -> Answer:
        """The outcome (section ``status``), then one row per answer and additional record, keyed by section,
        name and type (records of one name and type share a row)."""
        a = self.response
        outcome = f"timed out: {self.timed_out}" if self.timed_out else a.rcode
        rows = [("status", self.question, self.qtype, outcome, "")]
        rows += [(section, r.name, r.rtype, r.data, cell(r.ttl)) for section, records in
                 (("answer", a.answer), ("additional", a.additional)) for r in records]
        return Answer("dns", ("Section", "Name", "Type", "Data", "TTL"), ("Section", "Name", "Type"), tuple(rows),
                      (f"server {a.server}", *(f"tried {n}: {rc}" for n, rc in a.tried)))


def upstream_table(topo: Topology, cluster: ClusterState) -> dict[str, tuple[str, ...]]:
    """Azure DNS (168.63.129.16) as seen from the cluster's VNet: what trace and curl resolve
    (``engine.resolve.upstream_table``), plus the nodes' names in the VNet's internal domain."""
    first = cluster.cluster.agent_pools[0].vnet_subnet_id if cluster.cluster and cluster.cluster.agent_pools else None
    table = resolve.upstream_table(topo, topo.vnet_of_subnet.get(id_key(first)) if first else None)
    suffix = coredns.node_search_domain(cluster)
    for node in cluster.nodes if suffix else ():
        table.setdefault(f"{node.name}.{suffix}".lower(), (node.internal_ip,) if node.internal_ip else ())
    return {k: v for k, v in table.items() if v}


_WORKLOADS = {"deploy": "Deployment", "deployment": "Deployment", "sts": "StatefulSet", "statefulset": "StatefulSet",
              "ds": "DaemonSet", "daemonset": "DaemonSet"}


def _find_pod(cluster: ClusterState, ref: str, namespace: str) -> k8s.Pod:
    """``POD``, ``NS/POD``, ``pod/[NS/]POD`` or ``deploy|sts|ds/[NS/]NAME`` (its oldest running pod)."""
    kind, _, rest = ref.partition("/")
    if kind in _WORKLOADS and rest:
        ns, _, name = rest.rpartition("/")
        ns = ns or namespace
        pods = sorted((p for p in cluster.pods if p.namespace == ns and p.owner_kind == _WORKLOADS[kind]
                       and p.owner_name == name and p.phase == "Running"), key=lambda p: (p.creation_index, p.name))
        if not pods:
            raise DnsQuestionError(f'no running pod of {kind}/{name} in namespace "{ns}"')
        return pods[0]
    text = rest if kind == "pod" and rest else ref
    ns, _, name = text.rpartition("/")
    ns = ns or namespace
    for pod in cluster.pods:
        if pod.namespace == ns and pod.name == name:
            return pod
    raise DnsQuestionError(f'pods "{name}" not found in namespace "{ns}"')


def ask(twin: Twin, cluster: ClusterState, name: str, qtype: str = "A", from_pod: str | None = None,
        namespace: str = "default", upstream: Mapping[str, tuple[str, ...]] | None = None) -> DnsReport:
    """Resolve ``name`` as the pod ``from_pod`` (or any ClusterFirst pod of ``namespace``) would: an IP
    address is looked up in reverse (PTR), like nslookup does."""
    qtype = qtype.upper()
    if qtype not in coredns.QTYPES:
        raise DnsQuestionError(f"unsupported query type {qtype!r}; use one of {', '.join(coredns.QTYPES)}")
    pod = _find_pod(cluster, from_pod, namespace) if from_pod else None
    ns = pod.namespace if pod else namespace
    probe = pod or k8s.Pod(namespace=ns, name="")
    search = coredns.pod_search_domains(cluster, ns, probe.host_network)
    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    table = upstream if upstream is not None else upstream_table(topo, cluster)
    query, qt = name, qtype
    with contextlib.suppress(ValueError):
        query, qt = ipaddress.ip_address(name).reverse_pointer + ".", "PTR"
    answer = coredns.resolve(cluster, query, qt, search=search, upstream=table, cluster_dns=not probe.host_network)
    timed_out = query_failure(topo, pod, query) if pod is not None else None
    return DnsReport(name, qt, pod.key if pod else None, ns, coredns.pod_resolv_conf(cluster, probe), answer, timed_out)


def query_failure(topo: Topology, pod: k8s.Pod, name: str) -> str | None:
    """The pod's query walked as a flow (egress NetworkPolicy, NSGs, routes to kube-dns/CoreDNS and CoreDNS's
    forward upstream, ``engine.lookup``): why it gets no answer, or None when it does."""
    node = topo.nodes.get(pod.node_name or "")
    ip = pod.pod_ip or (node.internal_ip if node is not None and pod.host_network else "")
    if not ip:
        return f"pod {pod.key} has no IP address (phase {pod.phase}): it sends nothing"
    found = lookup.lookup(Walker(topo), Site("pod", ip, pod.key, pod=pod, node=node), name)
    return lookup.timeout_reason(found.failure.dst_ip, found.failure) if found.failure is not None else None
