"""Cluster DNS: the records CoreDNS's ``kubernetes`` plugin serves, and a pod's stub resolver.

Sources: kubernetes/dns ``docs/specification.md`` (schema 1.0.1), coredns ``plugin/kubernetes``
(``kubernetes.go``, ``handler_test.go``), coredns ``plugin/backend_lookup.go`` (SRV weights), glibc
``res_search`` (ndots and the search list),
kubernetes.io/docs/concepts/services-networking/dns-pod-service. The AKS Corefile serves
``cluster.local in-addr.arpa ip6.arpa`` with ``pods insecure`` and forwards everything else to the node's
resolver, Azure DNS 168.63.129.16 (docs/fidelity.md).

Pure functions of :class:`aksnet.model.twin.ClusterState`; names outside the cluster zone are answered from
an optional ``upstream`` table (``{fqdn: (ip, …)}``, what Azure DNS would answer: public IP DNS labels,
cluster FQDNs, VM host names) supplied by the caller. Must not read the workspace or print.

API for other engines: :func:`cluster_records`, :func:`lookup` (one query, what the server answers: used by
the data plane's DNS server), :func:`resolve` (the pod's stub resolver: search list + ndots), and
:func:`pod_resolv_conf` / :func:`pod_search_domains`.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aksnet.model import k8s
from aksnet.model.ids import id_key
from aksnet.model.twin import ClusterState
from aksnet.rules.azure import HOST_VIP as AZURE_DNS
from aksnet.rules.kubernetes import CLUSTER_DOMAIN as ZONE

TTL = 30  # AKS/kubeadm Corefile ``ttl 30`` (the plugin's own default is 5)
SCHEMA_VERSION = "1.0.1"
NDOTS = 5
QTYPES = ("A", "AAAA", "SRV", "CNAME", "PTR", "TXT")

Upstream = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """One resource record. ``name`` is the owner FQDN without the trailing dot; ``data`` is the RDATA as
    zone files print it (an address; ``<prio> <weight> <port> <target>.`` for SRV; ``<target>.`` for
    CNAME/PTR; a quoted string for TXT)."""

    name: str
    rtype: str
    data: str
    ttl: int = TTL

    def text(self) -> str:
        """``svc1.testns.svc.cluster.local.\t30\tIN\tA\t10.0.0.1`` (the format of CoreDNS's tests)."""
        return f"{self.name}.\t{self.ttl}\tIN\t{self.rtype}\t{self.data}"


@dataclass(frozen=True, slots=True)
class Lookup:
    """What the server answers for one question: ``rcode`` NOERROR (records, or none = NODATA) or NXDOMAIN."""

    name: str
    qtype: str
    rcode: str
    answer: tuple[DnsRecord, ...] = ()
    additional: tuple[DnsRecord, ...] = ()
    authoritative: bool = True  # False: outside the cluster zone, answered (or not) by the upstream


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """The stub resolver's result for a pod: the final rcode, the FQDN that answered, and every query tried."""

    query: str
    qtype: str
    rcode: str
    name: str  # the FQDN of the last query (the one that answered when rcode is NOERROR)
    answer: tuple[DnsRecord, ...] = ()
    additional: tuple[DnsRecord, ...] = ()
    tried: tuple[tuple[str, str], ...] = ()  # (fqdn, rcode) in the order the resolver asked
    server: str = ""
    authoritative: bool = True

    @property
    def addresses(self) -> tuple[str, ...]:
        """A/AAAA data in the answer (after any CNAME)."""
        return tuple(r.data for r in self.answer if r.rtype in ("A", "AAAA"))

    @property
    def ips(self) -> tuple[str, ...] | None:
        """The addresses; None when the name was outside the cluster zone and the upstream table had no answer
        (callers with their own view of Azure DNS then resolve it themselves)."""
        if not self.addresses and not self.authoritative:
            return None
        return self.addresses

    @property
    def found(self) -> bool:
        return self.rcode == "NOERROR" and bool(self.answer)


# -- records ------------------------------------------------------------------------------------
def dashed_ip(ip: str) -> str:
    """CoreDNS's endpoint/pod label for an address: ``10.244.1.5`` → ``10-244-1-5`` (IPv6 ``:`` → ``-``)."""
    label = ip.replace(".", "-").replace(":", "-")
    if label.endswith("-"):
        label += "0"
    if label.startswith("-"):
        label = "0" + label
    return label


def reverse_name(ip: str) -> str:
    return ipaddress.ip_address(ip).reverse_pointer


def _ready_endpoints(cluster: ClusterState, svc: k8s.Service) -> list[tuple[k8s.Endpoint, k8s.EndpointSlice]]:
    out: list[tuple[k8s.Endpoint, k8s.EndpointSlice]] = []
    seen: set[str] = set()
    for sl in cluster.endpoint_slices:
        if sl.namespace != svc.namespace or sl.service_name != svc.name:
            continue
        for ep in sl.endpoints:
            if (ep.ready or svc.publish_not_ready_addresses) and ep.ip not in seen:
                seen.add(ep.ip)
                out.append((ep, sl))
    return out


def _srv_weight(n: int) -> int:
    """``backend_lookup.go`` SRV: records of one priority share 100: floor(100 / n)."""
    return 100 // n if n else 100


def _service_records(cluster: ClusterState, svc: k8s.Service, zone: str, out: dict[str, list[DnsRecord]]) -> None:
    base = f"{svc.name}.{svc.namespace}.svc.{zone}".lower()

    def add(name: str, rtype: str, data: str) -> None:
        out.setdefault(name, []).append(DnsRecord(name, rtype, data))

    if svc.type == "ExternalName":
        if svc.external_name:
            add(base, "CNAME", svc.external_name.rstrip(".") + ".")
        return
    eps = _ready_endpoints(cluster, svc)
    host_of = {ep.ip: (ep.hostname or dashed_ip(ep.ip)).lower() for ep, _ in eps}
    for ep, _ in eps:  # endpoint names exist for every Service (kubernetes.go: r.endpoint != "")
        rtype = "AAAA" if ":" in ep.ip else "A"
        add(f"{host_of[ep.ip]}.{base}", rtype, ep.ip)
    named = [p for p in svc.ports if p.name]
    if svc.is_headless:
        for ep, _ in eps:
            add(base, "AAAA" if ":" in ep.ip else "A", ep.ip)
        for p in named:
            srv = f"_{p.name}._{p.protocol.lower()}.{base}".lower()
            for ep, _ in eps:
                add(srv, "SRV", f"0 {_srv_weight(len(eps))} {p.port} {host_of[ep.ip]}.{base}.")
        for ep, _ in eps:
            out.setdefault(reverse_name(ep.ip), []).append(
                DnsRecord(reverse_name(ep.ip), "PTR", f"{host_of[ep.ip]}.{base}."))
        return
    for ip in svc.cluster_ips or ((svc.cluster_ip,) if svc.cluster_ip else ()):  # dual-stack: A and AAAA
        add(base, "AAAA" if ":" in ip else "A", ip)
        out.setdefault(reverse_name(ip), []).append(DnsRecord(reverse_name(ip), "PTR", f"{base}."))
    for p in named:
        add(f"_{p.name}._{p.protocol.lower()}.{base}".lower(), "SRV", f"0 100 {p.port} {base}.")


def cluster_records(cluster: ClusterState, zone: str = ZONE) -> dict[str, tuple[DnsRecord, ...]]:
    """Every record the kubernetes plugin can enumerate for ``cluster`` (pod A records are answered on
    demand, see :func:`lookup`): Service A/AAAA, SRV for named ports, headless endpoint A records and
    hostnames, ExternalName CNAMEs, PTR for ClusterIPs and headless endpoints, ``dns-version`` TXT."""
    out: dict[str, list[DnsRecord]] = {}
    for svc in sorted(cluster.services, key=lambda s: (s.namespace, s.name)):
        _service_records(cluster, svc, zone, out)
    version = f"dns-version.{zone}"
    out[version] = [DnsRecord(version, "TXT", f'"{SCHEMA_VERSION}"')]
    return {k: tuple(v) for k, v in out.items()}


_CACHE: dict[int, tuple[ClusterState, dict[str, tuple[DnsRecord, ...]], frozenset[str]]] = {}


def _index(cluster: ClusterState) -> tuple[dict[str, tuple[DnsRecord, ...]], frozenset[str]]:
    """Records plus every name that exists (owners and their ancestors inside the zone: empty non-terminals
    answer NODATA, not NXDOMAIN). Cached per ClusterState object (snapshots are immutable)."""
    hit = _CACHE.get(id(cluster))
    if hit is not None and hit[0] is cluster:
        return hit[1], hit[2]
    recs = cluster_records(cluster)
    names: set[str] = set()
    for owner in recs:
        labels = owner.split(".")
        for i in range(len(labels)):
            names.add(".".join(labels[i:]))
    for ns in cluster.namespaces:
        names.add(f"{ns.name}.svc.{ZONE}".lower())
        names.add(f"{ns.name}.pod.{ZONE}".lower())
    names.update({ZONE, f"svc.{ZONE}", f"pod.{ZONE}"})
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(cluster)] = (cluster, recs, frozenset(names))
    return recs, frozenset(names)


def in_zone(fqdn: str, zone: str = ZONE) -> bool:
    n = fqdn.lower().rstrip(".")
    return n == zone or n.endswith("." + zone) or n.endswith(".in-addr.arpa") or n.endswith(".ip6.arpa")


def _pod_record(cluster: ClusterState, name: str, qtype: str) -> Lookup | None:
    """``pods insecure``: ``a-b-c-d.<ns>.pod.cluster.local`` answers a.b.c.d when the namespace exists."""
    labels = name.split(".")
    if len(labels) != 5 or labels[2] != "pod":
        return None
    ns_names = {n.name.lower() for n in cluster.namespaces} or {p.namespace.lower() for p in cluster.pods}
    if labels[1] not in ns_names:
        return Lookup(name, qtype, "NXDOMAIN")
    parts = labels[0].split("-")
    try:
        ip = str(ipaddress.IPv4Address(".".join(parts)))
    except ValueError:
        return Lookup(name, qtype, "NXDOMAIN")
    if qtype != "A":
        return Lookup(name, qtype, "NOERROR")
    return Lookup(name, qtype, "NOERROR", (DnsRecord(name, "A", ip),))


def _additional(recs: Mapping[str, tuple[DnsRecord, ...]], srv: Sequence[DnsRecord]) -> tuple[DnsRecord, ...]:
    out: list[DnsRecord] = []
    for r in srv:
        target = r.data.split()[-1].rstrip(".")
        out += [a for a in recs.get(target, ()) if a.rtype in ("A", "AAAA") and a not in out]
    return tuple(out)


def lookup(cluster: ClusterState, fqdn: str, qtype: str = "A", upstream: Upstream | None = None,
           cluster_dns: bool = True) -> Lookup:
    """The answer CoreDNS gives for one question (no search list). Inside the cluster zone it is
    authoritative: NXDOMAIN for names that do not exist, NODATA for existing names without that type, a CNAME
    (followed inside the zone or through ``upstream``) for ExternalName Services. Other names are forwarded:
    answered from ``upstream`` when it knows them, else NXDOMAIN with ``authoritative=False``. With
    ``cluster_dns=False`` (a hostNetwork pod asking Azure DNS directly) every name goes upstream."""
    qtype = qtype.upper()
    name = fqdn.lower().rstrip(".")
    if not cluster_dns or not in_zone(name):
        ips = (upstream or {}).get(name)
        if not ips:
            return Lookup(name, qtype, "NXDOMAIN", authoritative=False)
        rt = "AAAA" if qtype == "AAAA" else "A"
        recs = tuple(DnsRecord(name, rt, ip) for ip in ips if (":" in ip) == (rt == "AAAA"))
        return Lookup(name, qtype, "NOERROR", recs, authoritative=False)
    pod = _pod_record(cluster, name, qtype)
    if pod is not None:
        return pod
    table, names = _index(cluster)
    owned = table.get(name, ())
    if not owned and name not in names:
        return Lookup(name, qtype, "NXDOMAIN")
    cname = [r for r in owned if r.rtype == "CNAME"]
    if cname and qtype != "CNAME":
        target = cname[0].data.rstrip(".")
        follow = lookup(cluster, target, qtype, upstream) if target != name else None
        extra = follow.answer if follow is not None and follow.rcode == "NOERROR" else ()
        return Lookup(name, qtype, "NOERROR", (*cname, *extra))
    answer = tuple(r for r in owned if r.rtype == qtype)
    extra = _additional(table, answer) if qtype == "SRV" else ()
    return Lookup(name, qtype, "NOERROR", answer, extra)


# -- the pod's resolver -------------------------------------------------------------------------
def node_search_domain(cluster: ClusterState) -> str | None:
    """The DNS suffix Azure's DHCP gives the nodes: ``<26 chars>.<2 chars>.internal.cloudapp.net``, unique per
    VNet (the real value is a hash Azure chooses; aksnet derives one from the VNet ID)."""
    mc = cluster.cluster
    if mc is None or not mc.agent_pools:
        return None
    vnet = id_key(mc.agent_pools[0].vnet_subnet_id).split("/subnets/")[0]
    digest = hashlib.sha256(vnet.encode()).digest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    label = "".join(alphabet[b % 36] for b in digest[:26])
    region = "".join(alphabet[b % 26] for b in digest[26:28])
    return f"{label}.{region}.internal.cloudapp.net"


def pod_search_domains(cluster: ClusterState, namespace: str, host_network: bool = False) -> tuple[str, ...]:
    """kubelet ``ClusterFirst``: ``<ns>.svc.cluster.local svc.cluster.local cluster.local`` followed by the
    node's own search domains (hostNetwork pods: the node's list only)."""
    node = node_search_domain(cluster)
    tail = (node,) if node else ()
    if host_network:
        return tail
    return (f"{namespace}.svc.{ZONE}", f"svc.{ZONE}", ZONE, *tail)


def dns_server(cluster: ClusterState) -> str:
    """The kube-dns ClusterIP pods use as their nameserver (the cluster's dnsServiceIP)."""
    for svc in cluster.services:
        if svc.namespace == "kube-system" and svc.name == "kube-dns" and svc.cluster_ip:
            return svc.cluster_ip
    if cluster.cluster is not None:
        return cluster.cluster.network_profile.dns_service_ip
    return "10.0.0.10"


def pod_resolv_conf(cluster: ClusterState, pod: k8s.Pod) -> str:
    """``/etc/resolv.conf`` the kubelet writes for ``pod`` (dnsPolicy ClusterFirst; hostNetwork pods use the
    node's, Azure DNS)."""
    server = AZURE_DNS if pod.host_network else dns_server(cluster)
    lines = [f"search {' '.join(pod_search_domains(cluster, pod.namespace, pod.host_network))}",
             f"nameserver {server}"]
    if not pod.host_network:
        lines.append(f"options ndots:{NDOTS}")
    return "\n".join(lines) + "\n"


def candidates(name: str, search: Sequence[str], ndots: int = NDOTS) -> list[str]:
    """glibc ``res_search`` order: a name ending in ``.`` is asked as is; a name with at least ``ndots`` dots
    is asked as is first, then with each search suffix; otherwise each search suffix first, then as is."""
    if name.endswith("."):
        return [name.rstrip(".").lower()]
    n = name.lower()
    with_suffix = [f"{n}.{s.lower().rstrip('.')}" for s in search]
    if n.count(".") >= ndots:
        return [n, *with_suffix]
    return [*with_suffix, n]


def resolve(cluster: ClusterState, name: str, qtype: str = "A", search: Sequence[str] = (), ndots: int = NDOTS,
            upstream: Upstream | None = None, cluster_dns: bool = True) -> DnsAnswer:
    """Resolve ``name`` the way a pod's glibc does: try the candidates of :func:`candidates` in order against
    CoreDNS (:func:`lookup`); the first answer with records wins; NXDOMAIN and NODATA move on to the next.
    The result is NXDOMAIN when every candidate was NXDOMAIN, NOERROR with no records when one was NODATA.
    ``search=()`` asks the name as given (an FQDN); ``cluster_dns=False`` resolves through Azure DNS only
    (hostNetwork pods, whose resolv.conf is the node's)."""
    qtype = qtype.upper()
    tried: list[tuple[str, str]] = []
    nodata: Lookup | None = None
    last: Lookup | None = None
    server = dns_server(cluster) if cluster_dns else AZURE_DNS
    for fqdn in candidates(name, search, ndots):
        res = lookup(cluster, fqdn, qtype, upstream, cluster_dns)
        tried.append((fqdn, res.rcode))
        last = res
        if res.rcode == "NOERROR" and res.answer:
            return DnsAnswer(name, qtype, "NOERROR", fqdn, res.answer, res.additional, tuple(tried), server,
                             res.authoritative)
        if res.rcode == "NOERROR" and nodata is None:
            nodata = res
    final = nodata or last
    if final is None:
        return DnsAnswer(name, qtype, "NXDOMAIN", name, tried=tuple(tried), server=server)
    return DnsAnswer(name, qtype, final.rcode, final.name, (), (), tuple(tried), server, final.authoritative)
