"""The DNS lookup before a connection to a name, walked as packets: a lookup is a flow like any other.

A pod (dnsPolicy ClusterFirst) sends its query over UDP to port 53 of the nameserver in its resolv.conf, the
kube-dns ClusterIP; kube-proxy sends it on to a CoreDNS pod; egress NetworkPolicy, routes and NSGs judge it
like any packet. CoreDNS answers names of the cluster zone itself and forwards the others to the resolver of
its node (``forward . /etc/resolv.conf``): the VNet's custom DNS servers, or Azure DNS 168.63.129.16. A VM, a
node or a hostNetwork pod asks that resolver directly; an internet client asks public DNS (not walked).
glibc's stub resolver uses TCP only for a truncated UDP answer (resolv.conf(5) ``use-vc`` aside), so the fate
of a lookup is the fate of its UDP query: a query that is dropped gets no answer and the resolver gives up
after ``timeout:5 attempts:2`` (curl: exit 6 "Could not resolve host"; nslookup/dig: "connection timed out;
no servers could be reached"). Sources: kubernetes.io/docs/concepts/services-networking/dns-pod-service,
learn.microsoft.com/azure/aks/coredns-custom,
learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16,
man7.org/linux/man-pages/man5/resolv.conf.5.html.
This module must not decide reachability itself: every packet goes through :class:`aksnet.engine.walk.Walker`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine import coredns, resolve
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Hop, Site, Walk
from aksnet.engine.walk import Walker
from aksnet.model import azure
from aksnet.model.ids import id_key
from aksnet.rules.azure import HOST_VIP as AZURE_DNS
from aksnet.rules.ietf import DNS_PORT, RESOLVER_ATTEMPTS, RESOLVER_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class Lookup:
    """A name looked up from one source: the answer, the hops of its queries, and the query that got no answer
    (``failure``; None when every query was answered)."""

    resolution: resolve.Resolution
    hops: tuple[Hop, ...]
    failure: Walk | None = None

    @property
    def answered(self) -> bool:
        return self.failure is None

    @property
    def found(self) -> bool:
        return self.answered and self.resolution.found


def vnet_of_ip(topo: Topology, ip: str) -> azure.VirtualNetwork | None:
    """The VNet of the subnet holding ``ip``."""
    sub = topo.subnet_of_ip(ip)
    return topo.vnet_of_subnet.get(id_key(sub.id)) if sub else None


def resolve_for(topo: Topology, site: Site, name: str) -> resolve.Resolution:
    """The answer the source's resolver gets (CoreDNS for ClusterFirst pods, Azure DNS for VNet hosts, public
    DNS for internet clients), assuming its queries get through."""
    if site.kind == "pod" and site.pod is not None and not site.pod.host_network:
        node = site.node
        return resolve.resolve_for_pod(topo, site.pod.namespace, vnet_of_ip(topo, node.internal_ip) if node else None,
                                       name)
    if site.kind in ("pod", "node", "vm"):
        return resolve.resolve_for_vnet_host(topo, vnet_of_ip(topo, site.ip), name)
    return resolve.resolve_public(topo, name)


def vnet_resolver(topo: Topology, host_ip: str) -> tuple[str, str]:
    """The resolver a VNet host uses (what DHCP gives it): the first custom DNS server of its VNet, else Azure
    DNS; with a description."""
    vnet = vnet_of_ip(topo, host_ip)
    if vnet is not None and vnet.dns_servers:
        return vnet.dns_servers[0], f"custom DNS server of VNet {vnet.name}"
    return AZURE_DNS, "Azure DNS"


def nameserver(topo: Topology, site: Site) -> tuple[str, str]:
    """The address the source sends its queries to, and what it is."""
    if site.kind == "pod" and site.pod is not None and not site.pod.host_network:
        return coredns.dns_server(topo.state), "kube-dns, the nameserver of the pod's resolv.conf"
    return vnet_resolver(topo, site.ip)


def dns_hop(res: resolve.Resolution) -> Hop:
    """The answer as one hop."""
    if res.found:
        return Hop("DNS", "resolve", f"{res.server}: {res.record} → {', '.join(res.ips)}")
    return Hop("DNS", "drop", f"{res.server}: {res.record}")


def _query_hops(what: str, q: Walk) -> list[Hop]:
    """A query that was answered is one hop; a query that was not shows every hop it took."""
    if q.delivered and q.backend is not None:
        return [Hop("DNS query", "allow", f"{what}: UDP {q.source.ip} → {q.dst_ip}:{DNS_PORT} answered by "
                                          f"{q.backend.name} ({q.backend.ip})")]
    head = Hop("DNS query", "query", f"{what}: UDP {q.source.ip} → {q.dst_ip}:{DNS_PORT}")
    return [head, *(Hop(f"DNS query: {h.component}", h.decision, h.rule, h.packet) for h in q.hops)]


def timeout_reason(server: str, q: Walk) -> str:
    return (f"the DNS query to {server}:{DNS_PORT}/UDP gets no answer ({q.reason}); the resolver gives up after "
            f"{RESOLVER_ATTEMPTS} tries of {RESOLVER_TIMEOUT_S} s")


def lookup(walker: Walker, site: Site, name: str, res: resolve.Resolution | None = None) -> Lookup:
    """Look ``name`` up from ``site``: walk the query to the nameserver (and CoreDNS's forward upstream when the
    name left the cluster zone), then the answer (``res``: a precomputed answer for the same name)."""
    topo = walker.topo
    res = res or resolve_for(topo, site, name)
    if site.kind == "internet" or not site.ip:
        return Lookup(res, (dns_hop(res),))
    server, what = nameserver(topo, site)
    q = walker.walk(site, server, DNS_PORT, "UDP")
    hops = _query_hops(f"{name} to {what}", q)
    if not q.delivered:
        hops.append(Hop("DNS", "drop", timeout_reason(server, q)))
        return Lookup(res, tuple(hops), q)
    dns_pod = q.backend.pod if q.backend is not None else None
    if res.forwarded and dns_pod is not None and not dns_pod.host_network:
        node = topo.nodes.get(dns_pod.node_name or "")
        up, up_what = vnet_resolver(topo, node.internal_ip) if node else (AZURE_DNS, "Azure DNS")
        pod_site = Site("pod", dns_pod.pod_ip or "", dns_pod.key, pod=dns_pod, node=node)
        fwd = walker.walk(pod_site, up, DNS_PORT, "UDP")
        hops += _query_hops(f"CoreDNS forwards {name} to {up_what}", fwd)
        if not fwd.delivered:
            hops.append(Hop("DNS", "drop", f"CoreDNS gets no answer from {up}:{DNS_PORT} ({fwd.reason}) and answers "
                                           "SERVFAIL"))
            return Lookup(res, tuple(hops), fwd)
    hops.append(dns_hop(res))
    return Lookup(res, tuple(hops))
