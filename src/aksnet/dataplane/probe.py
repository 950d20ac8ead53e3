"""Real packets: open a TCP connection or send a UDP datagram from inside a source namespace.

Sources and destinations are parsed exactly as ``aksnet trace`` parses them
(``aksnet.analyses.trace.parse_sources``/``parse_target``), so a probe and a trace always talk about the same
flow; DNS names are resolved as the source sees them (pods: a real DNS query to the cluster DNS ClusterIP
from inside the pod; others: the twin's Azure/public DNS answer). A TCP flow is delivered when the
three-way handshake completes (then the echo's answer is read); a UDP flow when the echo answers. Sockets
are created inside the namespace (setns, then back), never in the host's; many probes wait together in one
event loop, and those that load the echo agent stay within its budget (:class:`Budget`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.analyses import trace as trace_mod
from aksnet.dataplane import nsenter
from aksnet.dataplane import topo_names as tn
from aksnet.engine import lookup
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import EPHEMERAL_PORT
from aksnet.engine.walk import Site
from aksnet.errors import UsageError
from aksnet.model.addr import parse_port_range

TCP_TIMEOUT = 1.0  # within one machine a handshake takes milliseconds; silence means dropped
UDP_TIMEOUT = 0.8
# every listener of the data plane answers what the probe sends (echo agent, DNS answerer, NGINX's 400): a
# connection whose handshake completed without an answer lost its request on the way (a stateful appliance
# that saw only half of it drops the client's ACK and data), so it is not delivered
NO_ANSWER = "connected, but no answer"


@dataclass(frozen=True)
class Flow:
    netns: str
    src: str  # what the source is (pod/ns/name, vm/x, internet/ip)
    dst_ip: str
    port: int
    protocol: str
    src_port: int = 0  # 0: the kernel picks one from ip_local_port_range
    request: bytes = b""  # what to send instead of the marker line (an HTTP request to a sidecar's HTTP port)


LOCAL_PORTS = (32768, 60999)  # Linux's default net.ipv4.ip_local_port_range


def source_ports(topo: Topology, count: int) -> list[int]:
    """The source port of each of ``count`` probes. When an NSG rule of the twin names source ports, a port the
    rules judge as they judge the twin's (``EPHEMERAL_PORT``: no range of any rule starts or ends between
    them), a different one per probe (flows that meet at one endpoint after a DNAT must not share a 4-tuple);
    else 0 (the kernel picks from ip_local_port_range)."""
    edges: set[int] = set()
    for g in topo.twin.nsgs:
        for r in g.rules:
            for text in r.source_ports:
                try:
                    pr = parse_port_range(text)
                except ValueError:
                    continue
                if (pr.start, pr.end) != (0, 65535):
                    edges |= {pr.start, pr.end + 1}
    if not edges:
        return [0] * count
    lo = max([LOCAL_PORTS[0], *(e for e in edges if e <= EPHEMERAL_PORT)])
    hi = min([LOCAL_PORTS[1] + 1, *(e for e in edges if e > EPHEMERAL_PORT)]) - 1
    span = hi - lo + 1
    return [lo + (EPHEMERAL_PORT - lo + i) % span for i in range(count)]


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
    """What the probe sends: the flow's own request, a DNS query to port 53 (so a DNS server answers), else a
    marker line."""
    if flow.request:
        return flow.request
    if flow.port == 53:
        from dnslib import DNSRecord

        q = bytes(DNSRecord.question("kubernetes.default.svc.cluster.local", "A").pack())
        return q if flow.protocol == "UDP" else len(q).to_bytes(2, "big") + q
    return b"AKSNET-PROBE\r\n"


@dataclass(frozen=True)
class Budget:
    """How many probes may be in flight at once: ``answered`` towards the echo agent (flows expected to be
    answered: each costs the one agent process an accept, a thread and an answer) and ``total`` (flows
    expected to be dropped wait out their timeout without touching the agent, so many can wait together)."""

    answered: int = 8
    total: int = 512


def _socket(flow: Flow) -> socket.socket:
    with nsenter.netns(flow.netns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if flow.protocol == "TCP" else socket.SOCK_DGRAM)
    s.setblocking(False)
    if flow.src_port:  # a retry may bind the port of a connection still closing
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("0.0.0.0", flow.src_port))
        except OSError:
            s.close()
            raise
    return s


async def _read_echo(loop: asyncio.AbstractEventLoop, s: socket.socket, timeout: float) -> bytes:
    data = b""
    with contextlib.suppress(OSError, TimeoutError):
        while len(data) < 65536:
            chunk = await asyncio.wait_for(loop.sock_recv(s, 4096), timeout)
            if not chunk:
                break
            data += chunk
    return data


async def _send(flow: Flow, payload: bytes, timeout: float) -> ProbeResult:
    t0 = time.monotonic()
    loop = asyncio.get_running_loop()
    try:
        s = _socket(flow)
    except OSError as exc:
        return ProbeResult(flow, False, f"source namespace unavailable: {exc.strerror}", (), time.monotonic() - t0)
    try:
        await asyncio.wait_for(loop.sock_connect(s, (flow.dst_ip, flow.port)), timeout)
        if flow.protocol == "TCP":
            with contextlib.suppress(OSError):
                await loop.sock_sendall(s, payload)
            data = await _read_echo(loop, s, timeout)
            if not data:  # the handshake's last ACK or the request never reached the server (e.g. asymmetric path)
                return ProbeResult(flow, False, NO_ANSWER, (), time.monotonic() - t0)
            return ProbeResult(flow, True, "connected", tuple(data.decode(errors="replace").splitlines()),
                               time.monotonic() - t0)
        # connected UDP: an ICMP port unreachable surfaces as ECONNREFUSED
        await loop.sock_sendall(s, payload)
        data = await asyncio.wait_for(loop.sock_recv(s, 65536), timeout * UDP_TIMEOUT / TCP_TIMEOUT)
        return ProbeResult(flow, True, "answered", tuple(data.decode(errors="replace").splitlines()),
                           time.monotonic() - t0)
    except TimeoutError:
        return ProbeResult(flow, False, "timed out", (), time.monotonic() - t0)
    except OSError as exc:  # asyncio words a failed connect its own way: report the errno as the kernel says it
        detail = os.strerror(exc.errno) if exc.errno else str(exc)
        return ProbeResult(flow, False, detail, (), time.monotonic() - t0)
    finally:
        s.close()


async def _send_all(flows: Sequence[Flow], expect: Sequence[bool], budget: Budget, timeout: float,
                    payload: bytes | None) -> list[ProbeResult]:
    answered = asyncio.Semaphore(max(1, budget.answered))
    total = asyncio.Semaphore(max(1, budget.total))

    async def one(flow: Flow, answer_expected: bool) -> ProbeResult:
        async with total:
            body = _payload(flow) if payload is None else payload
            if answer_expected:
                async with answered:
                    return await _send(flow, body, timeout)
            return await _send(flow, body, timeout)

    return list(await asyncio.gather(*(one(f, e) for f, e in zip(flows, expect))))


def send_many(flows: Sequence[Flow], workers: int | None = None, expect: Sequence[bool] | None = None,
              timeout: float = TCP_TIMEOUT, payload: bytes | None = None) -> list[ProbeResult]:
    """Probe ``flows`` concurrently from one event loop (sockets created inside each source namespace).
    ``expect`` (the twin's verdict per flow) lets flows expected to be dropped wait in large numbers while
    those expected to be answered stay within the agent's budget; without it every flow counts as answered.
    ``workers`` caps everything (1: one at a time, in order)."""
    if not flows:
        return []
    budget = Budget() if workers is None else Budget(min(workers, Budget.answered), workers)
    return asyncio.run(_send_all(flows, list(expect) if expect is not None else [True] * len(flows), budget,
                                 timeout, payload))


def send(flow: Flow, payload: bytes | None = None) -> ProbeResult:
    """One real probe."""
    return send_many([flow], payload=payload)[0]


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
    ports = source_ports(topo, len(flows))
    flows = [dataclasses.replace(f, src_port=p) for f, p in zip(flows, ports, strict=True)]
    return Planned(tuple(flows), tuple(unresolved), tuple(sorted(inet)))


def _resolve(topo: Topology, ns: str, site: Site, name: str) -> list[str]:
    """The source's own lookup with real queries: a pod asks the kube-dns ClusterIP (CoreDNS forwards other
    names to its upstream for real), a node, VM or hostNetwork pod its VNet's resolver (Azure DNS on the host,
    or the VNet's custom DNS server); an internet client gets the twin's public answer."""
    from aksnet.engine import coredns

    if site.kind == "pod" and site.pod is not None and not site.pod.host_network and topo.cluster is not None:
        search = coredns.pod_search_domains(topo.state, site.pod.namespace)
        server = coredns.dns_server(topo.state)
        names = coredns.candidates(name, search)
    elif site.kind in ("pod", "node", "vm") and site.ip:
        server = lookup.vnet_resolver(topo, site.ip)[0]
        names = [name.rstrip(".").lower()]
    else:
        return list(lookup.resolve_for(topo, site, name).ips)
    for cand in names:
        ips = dns_query(ns, server, cand)
        if ips is None:  # no answer: the lookup fails (NetworkPolicy, NSG or route dropped the query)
            return []
        if ips:
            return ips
    return []
