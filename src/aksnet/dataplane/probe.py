"""Real packets: open a TCP connection or send a UDP datagram from inside a source namespace.

Sources and destinations are parsed exactly as ``aksnet trace`` parses them
(``aksnet.analyses.trace.parse_sources``/``parse_target``), so a probe and a trace always talk about the same
flow; DNS names are resolved as the source sees them (pods: a real DNS query to the cluster DNS ClusterIP
from inside the pod; others: the twin's Azure/public DNS answer). A TCP flow is delivered when the
three-way handshake completes (then the echo's answer is read); a UDP flow when the echo answers. Sockets
are created inside the namespace (setns per worker thread), never in the host's.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from aksnet.analyses import trace as trace_mod
from aksnet.dataplane import nsenter
from aksnet.dataplane import topo_names as tn
from aksnet.engine import lookup
from aksnet.engine.addressing import Topology
from aksnet.engine.walk import Site
from aksnet.errors import UsageError

TCP_TIMEOUT = 1.0  # within one machine a handshake takes milliseconds; silence means dropped
UDP_TIMEOUT = 0.8


@dataclass(frozen=True)
class Flow:
    netns: str
    src: str  # what the source is (pod/ns/name, vm/x, internet/ip)
    dst_ip: str
    port: int
    protocol: str


@dataclass(frozen=True)
class ProbeResult:
    flow: Flow
    delivered: bool
    detail: str  # errno text or the first echo lines
    answer: tuple[str, ...] = ()
    seconds: float = 0.0


def site_netns(tag: str, site: Site, topo: Topology | None = None) -> str:
    """The namespace a trace source lives in (a VM that is a VMSS node instance is its node)."""
    if site.kind == "vm" and site.nic is not None and topo is not None:
        node = topo.node_by_ip.get(site.nic.primary_ip)
        if node is not None:
            return tn.node_ns(tag, node.name)
    if site.kind == "pod" and site.pod is not None:
        if site.pod.host_network and site.node is not None:
            return tn.node_ns(tag, site.node.name)
        return tn.pod_ns(tag, site.pod.namespace, site.pod.name)
    if site.kind == "node" and site.node is not None:
        return tn.node_ns(tag, site.node.name)
    if site.kind == "vm" and site.vm is not None:
        return tn.vm_ns(tag, site.vm.name, site.vm.id)
    if site.kind == "internet":
        return tn.inet_host_ns(tag, site.ip)
    raise UsageError(f"error: {site.name} has no namespace in the data plane")


def _payload(flow: Flow) -> bytes:
    """What the probe sends: a DNS query to port 53 (so a DNS server answers), else a marker line."""
    if flow.port == 53:
        from dnslib import DNSRecord

        q = bytes(DNSRecord.question("kubernetes.default.svc.cluster.local", "A").pack())
        return q if flow.protocol == "UDP" else len(q).to_bytes(2, "big") + q
    return b"AKSNET-PROBE\r\n"


def send(flow: Flow, payload: bytes | None = None) -> ProbeResult:
    """One real probe (blocking; run it in its own thread: setns is per thread)."""
    t0 = time.monotonic()
    payload = _payload(flow) if payload is None else payload
    try:
        with nsenter.netns(flow.netns):
            kind = socket.SOCK_STREAM if flow.protocol == "TCP" else socket.SOCK_DGRAM
            s = socket.socket(socket.AF_INET, kind)
    except OSError as exc:
        return ProbeResult(flow, False, f"source namespace unavailable: {exc.strerror}", (),
                           time.monotonic() - t0)
    try:
        if flow.protocol == "TCP":
            s.settimeout(TCP_TIMEOUT)
            s.connect((flow.dst_ip, flow.port))
            lines: tuple[str, ...] = ()
            try:
                s.sendall(payload)
                s.settimeout(1.0)
                data = b""
                while len(data) < 65536:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                lines = tuple(data.decode(errors="replace").splitlines())
            except OSError:
                pass
            return ProbeResult(flow, True, "connected", lines, time.monotonic() - t0)
        s.settimeout(UDP_TIMEOUT)
        s.connect((flow.dst_ip, flow.port))  # connected: an ICMP port unreachable surfaces as ECONNREFUSED
        s.send(payload)
        data = s.recv(65536)
        return ProbeResult(flow, True, "answered", tuple(data.decode(errors="replace").splitlines()),
                           time.monotonic() - t0)
    except TimeoutError:
        return ProbeResult(flow, False, "timed out", (), time.monotonic() - t0)
    except OSError as exc:
        return ProbeResult(flow, False, exc.strerror or str(exc), (), time.monotonic() - t0)
    finally:
        s.close()


def send_many(flows: Sequence[Flow], workers: int = 48) -> list[ProbeResult]:
    if not flows:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(flows))) as pool:
        return list(pool.map(send, flows))


def dns_query(netns: str, server: str, name: str) -> list[str] | None:
    """A real A query from inside ``netns`` to ``server``:53 (the kube-dns ClusterIP for pods): the addresses of
    the answer, or None when no answer came back (the query was dropped or refused: the resolver times out)."""
    from dnslib import QTYPE, DNSRecord

    q = DNSRecord.question(name, "A")
    with nsenter.netns(netns):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(UDP_TIMEOUT)
        s.sendto(bytes(q.pack()), (server, 53))
        data, _ = s.recvfrom(65536)
    except OSError:
        return None
    finally:
        s.close()
    reply = DNSRecord.parse(data)
    return [str(rr.rdata) for rr in reply.rr if rr.rtype == QTYPE.A]


@dataclass(frozen=True)
class Planned:
    """The flows of one ``probe FROM TO`` (one per source site), or why there are none."""

    flows: tuple[Flow, ...]
    unresolved: tuple[str, ...]  # sources whose DNS lookup failed (not delivered)
    internet_ips: tuple[str, ...]  # internet addresses the data plane must have as hosts


def plan_flows(topo: Topology, tag: str, source: str, destination: str, port: int | None, protocol: str,
               namespace: str) -> Planned:
    """FROM/TO as trace parses them → flows. Raises UsageError on bad input (exit 2)."""
    proto = protocol.upper()
    if proto not in trace_mod.PROTOCOLS:
        raise UsageError(f'error: unsupported protocol "{protocol}": choose TCP, UDP or SCTP')
    if proto == "SCTP":
        raise UsageError("error: the data plane probes TCP and UDP only")
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"error: invalid port {port}: must be between 1 and 65535")
    sites = trace_mod.parse_sources(topo, source, namespace)
    target = trace_mod.parse_target(topo, destination, namespace, port)
    if target.port is None:
        raise UsageError("error: a port is required (--port)")
    flows: list[Flow] = []
    unresolved: list[str] = []
    inet: set[str] = {s.ip for s in sites if s.kind == "internet"}
    for site in sites:
        ns = site_netns(tag, site, topo)
        if target.kind == "dns":
            ips = _resolve(topo, ns, site, target.name)
            if not ips:
                unresolved.append(site.name)
                continue
            dst_ips: Sequence[str] = ips[:1]
        elif target.kind == "service" and not target.ips:
            unresolved.append(site.name)
            continue
        else:
            dst_ips = target.ips if target.pods else trace_mod.addresses_for(site, target)
        for ip in dst_ips:
            if topo.owner(ip).kind == "internet":
                inet.add(ip)
            flows.append(Flow(ns, site.name, ip, target.port, proto))
    return Planned(tuple(flows), tuple(unresolved), tuple(sorted(inet)))


def _resolve(topo: Topology, ns: str, site: Site, name: str) -> list[str]:
    if site.kind == "pod" and site.pod is not None and not site.pod.host_network and topo.cluster is not None:
        from aksnet.engine import coredns

        search = coredns.pod_search_domains(topo.state, site.pod.namespace)
        server = coredns.dns_server(topo.state)
        for cand in coredns.candidates(name, search):
            ips = dns_query(ns, server, cand)
            if ips is None:  # no answer: the lookup fails (NetworkPolicy, NSG or route dropped the query)
                return []
            if ips:
                return ips
        res = lookup.resolve_for(topo, site, name)  # names CoreDNS forwards to Azure DNS
        return list(res.ips)
    return list(lookup.resolve_for(topo, site, name).ips)
