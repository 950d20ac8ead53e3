"""``aksnet verify``: probe every flow of the cluster with real packets and compare with ``trace``.

Flows (the matrix's pairs at the cluster's declared ports, plus the Azure entry points): every pod-network
pod to every other such pod on each declared container port of the destination (port 80 when it declares
none); every pod to every ClusterIP Service port; every VM to every node's NodePorts; the default internet
client to every public load balancer frontend port, and VMs to internal frontends. For each flow the
verdict of ``aksnet.analyses.trace`` (the twin) and of a real probe are compared, and for a flow sent to a
pod's or VM's own address also who answered (the echo's identity line: a virtual appliance that answered a
flow itself instead of forwarding it is a disagreement, not an agreement); every disagreement is listed with
both explanations; with Azure Firewalls also the flows of ``verify_firewall`` (DNAT inbound, egress to named
internet hosts). The flow generator is shared with the property tests.
"""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aksnet.analyses import stream_proxy
from aksnet.analyses import trace as trace_mod
from aksnet.dataplane import probe, verify_firewall, verify_gateway, verify_mesh_ingress
from aksnet.engine import echo, mesh
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Walk
from aksnet.engine.mesh import PROXY_COMPONENT as MESH_PROXY
from aksnet.errors import AksnetError
from aksnet.model.ids import id_key
from aksnet.rules import istio
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT


@dataclass(frozen=True)
class Check:
    source: str  # trace's FROM text
    destination: str  # trace's TO text (an IP)
    port: int
    protocol: str


@dataclass
class Disagreement:
    check: Check
    probe_delivered: bool
    probe_detail: str
    trace_delivered: bool
    trace_reason: str
    trace_hops: list[str]


@dataclass
class UrlDisagreement:
    url: str
    probe: str  # curl's exit code and the pod that answered
    trace: str  # the twin's curl result


@dataclass
class VerifyReport:
    checks: int = 0
    agreed: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    urls: int = 0
    url_disagreements: list[UrlDisagreement] = field(default_factory=list)
    seconds_trace: float = 0.0
    seconds_probe: float = 0.0
    retried: int = 0  # flows whose probe timed out or found no route where the twin expects an answer, probed again


def _pods(topo: Topology) -> list[Any]:
    return sorted((p for p in topo.state.pods if p.pod_ip and not p.host_network and p.node_name
                   and p.phase not in ("Succeeded", "Failed", "Pending")), key=lambda p: p.key)


def _pod_class(p: Any) -> tuple[Any, ...]:
    """Pods alike for every rule the data plane applies: namespace, labels, node, declared ports (ipBlock rules
    that single out one pod IP are the exception; ``exhaustive`` covers them)."""
    return (p.namespace, tuple(sorted(p.labels.items())), p.node_name,
            tuple(sorted((c.container_port, c.protocol) for c in p.ports)), p.ready, p.owner_kind, p.owner_name)


def checks_for(topo: Topology, exhaustive: bool = False) -> list[Check]:
    """The flows verify covers (deterministic order). By default one pod per class (see ``_pod_class``) on each
    side of a pod-to-pod flow, so the count grows with classes², not pods²; ``exhaustive`` takes every pod."""
    out: list[Check] = []
    pods = _pods(topo)
    if not exhaustive:
        seen: dict[tuple[Any, ...], Any] = {}
        for p in pods:
            seen.setdefault(_pod_class(p), p)
        pods = list(seen.values())
    for dst in pods:
        ports = sorted({(cp.container_port, cp.protocol.upper()) for cp in dst.ports
                        if cp.protocol.upper() in ("TCP", "UDP")}) or [(80, "TCP")]
        for src in pods:
            if src.key == dst.key:
                continue
            for port, proto in ports:
                out.append(Check(f"pod/{src.namespace}/{src.name}", dst.pod_ip, port, proto))
    services = sorted((s for s in topo.services.values() if s.cluster_ip and not s.is_headless
                       and s.type != "ExternalName"), key=lambda s: s.key)
    for svc in services:
        for sp in svc.ports:
            if sp.protocol.upper() not in ("TCP", "UDP"):
                continue
            for src in pods:
                out.append(Check(f"pod/{src.namespace}/{src.name}", str(svc.cluster_ip), sp.port,
                                 sp.protocol.upper()))
    vms = sorted((v for v in topo.twin.vms if not any(
        (nic := topo.nics.get(id_key(nid))) is not None and nic.primary_ip in topo.node_by_ip for nid in v.nic_ids)),
        key=lambda v: v.name)
    for svc in services:
        for sp in svc.ports:
            if sp.node_port and svc.type in ("NodePort", "LoadBalancer") and sp.protocol.upper() in ("TCP", "UDP"):
                for vm in vms:
                    for node in sorted(topo.nodes.values(), key=lambda x: x.name):
                        out.append(Check(f"vm/{vm.name}", node.internal_ip, sp.node_port, sp.protocol.upper()))
            for ip in svc.load_balancer_ingress:
                if topo.owner(ip).kind == "lb-frontend" and topo.frontend_by_ip[ip][1].public_ip_id:
                    out.append(Check("internet", ip, sp.port, sp.protocol.upper()))
                else:
                    out += [Check(f"vm/{vm.name}", ip, sp.port, sp.protocol.upper()) for vm in vms]
    return out


def run_checks(topo: Topology, tag: str, checks: list[Check]) -> VerifyReport:
    rep = VerifyReport()
    flows: list[probe.Flow] = []
    traced: list[tuple[Check, bool, str, list[str], str]] = []
    t0 = time.monotonic()
    for c in checks:
        try:
            tr = trace_mod.trace(topo, c.source, c.destination, c.port, c.protocol)
            site = trace_mod.parse_sources(topo, c.source, "default")[0]
        except AksnetError as exc:
            rep.skipped.append(f"{c.source} -> {c.destination}:{c.port}/{c.protocol}: {exc.message}")
            continue
        w = tr.deciding
        hops = [f"{h.component}: {h.decision} ({h.rule})" for h in w.hops]
        traced.append((c, tr.delivered, w.reason, hops, _expected_identity(topo, w)))
        flows.append(probe.Flow(probe.site_netns(tag, site, topo), c.source, c.destination, c.port, c.protocol,
                                request=_sidecar_http_request(topo, w, c)))
    flows = [replace(f, src_port=p) for f, p in zip(flows, probe.source_ports(topo, len(flows)), strict=True)]
    rep.seconds_trace = time.monotonic() - t0
    t1 = time.monotonic()
    results = probe_with_retries(flows, [t[1] for t in traced], rep)
    rep.seconds_probe = time.monotonic() - t1
    for (c, t_ok, reason, hops, who), r in zip(traced, results, strict=True):
        rep.checks += 1
        # only an echo agent's answer names its host (DNS answerers and NGINX answer in their own protocol), and
        # a sidecar's 403 says so in its body
        answered = next((ln for ln in r.answer if ln.split("=", 1)[0] in ("pod", "vm", "node")
                         or ln == istio.RBAC_DENIED_BODY), "")
        if who == istio.RBAC_DENIED_BODY and not answered:
            answered = "no 403 from the sidecar"
        if r.delivered == t_ok and not (who and answered and answered != who):
            rep.agreed += 1
        elif r.delivered == t_ok:  # the same verdict from the wrong host (e.g. an appliance answered itself)
            rep.disagreements.append(Disagreement(c, r.delivered, f"answered by {answered}, not {who}", t_ok,
                                                  reason, hops))
        else:
            rep.disagreements.append(Disagreement(c, r.delivered, r.detail, t_ok, reason, hops))
    return rep


def _sidecar_http_request(topo: Topology, walk: Walk, c: Check) -> bytes:
    """An HTTP request (GET / to the address probed, as trace's request for a TCP flow) when the flow meets an Istio
    sidecar on a port whose protocol is HTTP (its stand-in then answers in HTTP: the echo, or 403); else b"" (the
    probe's marker line)."""
    hop = next((h for h in walk.hops if h.component.startswith(MESH_PROXY) and h.component.endswith(")")), None)
    if hop is None:
        return b""
    pod = topo.pods.get(hop.component.split("(", 1)[-1].rstrip(")"))
    port = hop.packet.dst_port if hop.packet is not None else c.port
    if pod is None or mesh.port_protocol(topo.state.services, pod, port) != "HTTP":
        return b""
    return (f"GET / HTTP/1.1\r\nHost: {c.destination}\r\nUser-Agent: aksnet-verify\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n").encode()


def _expected_identity(topo: Topology, walk: Walk) -> str:
    """The echo identity line (``pod=NS/NAME``, ``vm=NAME``) of the host the twin says answers a flow sent to a
    pod's or VM's own address; "" when there is no single answer to compare (not delivered, a Service or load
    balancer or an ingress controller's stream server choosing among endpoints, a hostNetwork pod, a node's own
    listener)."""
    b = walk.backend
    if walk.delivered and b is not None and b.kind == MESH_PROXY:  # the sidecar answered 403 itself
        return istio.RBAC_DENIED_BODY
    if not walk.delivered or b is None or topo.owner(walk.dst_ip).kind not in ("pod", "vm"):
        return ""
    if any(h.component == stream_proxy.COMPONENT for h in walk.hops):
        return ""  # an ingress controller's stream server balances over the upstream endpoints
    if b.kind == "vm" or (b.kind == "pod" and b.pod is not None and not b.pod.host_network):
        return echo.identity_lines(b.kind, b.name, b.ip)[0]
    return ""


RETRIES = 2
RETRY_TIMEOUT = 3.0  # covers two SYN retransmissions (1 s, then 2 s: RFC 6298's initial RTO and its doubling)
RETRY_BUDGET = probe.Budget(answered=4, total=4)
# what a loaded kernel may answer for a while
TRANSIENT = ("timed out", os.strerror(errno.EHOSTUNREACH), probe.NO_ANSWER)


def probe_with_retries(flows: list[probe.Flow], expect: list[bool], rep: VerifyReport) -> list[probe.ProbeResult]:
    """Probe every flow; a probe that timed out or found no route to the host where the twin expects an
    answer is retried (up to ``RETRIES`` times, few at a time, with a longer timeout) before it counts as a
    disagreement: a timeout under load is a lost SYN or a starved prober, and "No route to host"
    (EHOSTUNREACH) without an ICMP rule of ours is a neighbour (ARP) resolution that failed under load and
    stays FAILED for a moment, not a verdict. ``rep.retried`` counts the flows retried."""
    results = probe.send_many(flows, expect=expect)
    retried: set[int] = set()
    for _ in range(RETRIES):
        again = [i for i, (r, e) in enumerate(zip(results, expect)) if e and r.detail in TRANSIENT]
        retried.update(again)
        redo = probe.send_many([flows[i] for i in again], workers=RETRY_BUDGET.total, timeout=RETRY_TIMEOUT)
        for i, r in zip(again, redo):
            results[i] = r
    rep.retried = len(retried)
    return results


def verify_home(home: Path, limit: int = 0, exhaustive: bool = False) -> VerifyReport:
    from aksnet.dataplane import session

    session.check_privileges()
    topo, tag, _ = session.own_topology(home)
    checks = checks_for(topo, exhaustive) + verify_firewall.inbound_checks(topo, Check)
    if limit:
        checks = checks[:limit]
    rep = run_checks(topo, tag, checks)
    check_ingress_urls(topo, tag, rep)
    verify_gateway.check_gateway_urls(topo, tag, rep)
    verify_mesh_ingress.check_sidecar_urls(topo, tag, rep)
    verify_firewall.check_egress_urls(topo, tag, rep)
    return rep


def ingress_urls(topo: Topology) -> list[tuple[str, str]]:
    """(URL, curl --resolve entry) for every host/path an ingress controller exposes behind a load balancer IP."""
    from aksnet.engine import ingress

    out: list[tuple[str, str]] = []
    kinds = {k for p in topo.state.pods if (k := ingress.controller_of_pod(p))}
    for kind in sorted(kinds):
        pods = [p for p in topo.state.pods if ingress.controller_of_pod(p) == kind]
        lb_ip = next((ip for s in sorted(topo.services.values(), key=lambda x: x.key) if s.selector and pods
                      and all(pods[0].labels.get(k) == v for k, v in s.selector.items())
                      for ip in s.load_balancer_ingress), None)
        if lb_ip is None:
            continue
        try:
            view = ingress.controller_view(topo.state, kind)
        except AksnetError:
            continue
        for e in ingress.list_exposures(view):
            if e.host == "*" or not e.path.startswith("/") or any(c in e.path for c in "()[]*+?$^\\"):
                continue
            scheme, port = ("https", 443) if e.tls else ("http", 80)
            out.append((f"{scheme}://{e.host}{e.path}", f"{e.host}:{port}:{lb_ip}"))
    return sorted(set(out))


def _who(body: str) -> str:
    line = next((x for x in body.splitlines() if x.startswith("pod=")), "")
    return line.rsplit("-", 2)[0] if line.count("-") >= 2 else line


def check_ingress_urls(topo: Topology, tag: str, rep: VerifyReport) -> None:
    """The same request through the twin (``analyses.curl``) and through real NGINX (curl in the default
    internet client's namespace): curl's exit code and the workload that answers must agree."""
    from aksnet.analyses import curl as curl_mod
    from aksnet.dataplane import dpcurl, topo_names

    ns = topo_names.inet_host_ns(tag, DEFAULT_INTERNET_CLIENT)
    for url, resolve in ingress_urls(topo):
        rep.urls += 1
        twin = curl_mod.curl(topo, curl_mod.CurlRequest(url, "internet", insecure=True, resolve=(resolve,)))
        rc, out, err = dpcurl.curl_in(ns, dpcurl.curl_argv(url, insecure=True, resolve=[resolve]))
        want = (twin.exit_code, _who(twin.body))
        got = (rc, _who(out))
        if want != got:
            rep.url_disagreements.append(UrlDisagreement(url, f"exit {rc} {got[1] or err.strip()[:200]}",
                                                         f"exit {twin.exit_code} {want[1] or twin.error or ''}"))


def report_text(rep: VerifyReport) -> str:
    lines = [f"verify: {rep.checks} flows, {rep.agreed} agree, {len(rep.disagreements)} disagree, "
             f"{rep.retried} retried after a timeout or no route to host "
             f"(trace {rep.seconds_trace:.1f}s, probes {rep.seconds_probe:.1f}s)"]
    for d in rep.disagreements:
        c = d.check
        lines.append(f"DISAGREE {c.source} -> {c.destination}:{c.port}/{c.protocol}: "
                     f"probe {'delivered' if d.probe_delivered else 'not delivered'} ({d.probe_detail}); "
                     f"trace {'delivered' if d.trace_delivered else 'not delivered'} ({d.trace_reason})")
        lines += [f"    trace: {h}" for h in d.trace_hops]
    if rep.urls:
        lines.append(f"URLs (ingress, Gateways, egress through Azure Firewall): {rep.urls}, "
                     f"{len(rep.url_disagreements)} disagree")
    for u in rep.url_disagreements:
        lines.append(f"DISAGREE {u.url}: real NGINX {u.probe}; twin {u.trace}")
    lines += [f"skipped {s}" for s in rep.skipped]
    return "\n".join(lines) + "\n"


def report_json(rep: VerifyReport) -> dict[str, Any]:
    return {"checks": rep.checks, "agreed": rep.agreed, "retried": rep.retried, "skipped": rep.skipped,
            "urls": rep.urls,
            "url_disagreements": [{"url": u.url, "probe": u.probe, "trace": u.trace} for u in rep.url_disagreements],
            "seconds": {"trace": round(rep.seconds_trace, 3), "probe": round(rep.seconds_probe, 3)},
            "disagreements": [{"source": d.check.source, "destination": d.check.destination, "port": d.check.port,
                               "protocol": d.check.protocol, "probe": {"delivered": d.probe_delivered,
                                                                       "detail": d.probe_detail},
                               "trace": {"delivered": d.trace_delivered, "reason": d.trace_reason,
                                         "hops": d.trace_hops}} for d in rep.disagreements]}
