"""The Azure Firewall hop of a walked flow: the verdict of ``aksnet.engine.firewall`` turned into trace hops
and what happens next (forward with SNAT, drop, or the firewall's own HTTP 470 answer).

Composes the firewall's rules with the flow records of ``aksnet.engine.flow``; the walk calls it when a UDR's
next hop (VirtualAppliance) is a firewall's private IP. Pure; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aksnet.engine import firewall as engine
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Hop, Packet
from aksnet.engine.resolve import resolve_public
from aksnet.model.firewall import AzureFirewall
from aksnet.rules.azure_firewall import DENY_STATUS
from aksnet.rules.ietf import DNS_PORT

FORWARD = "forward"
DROP = "drop"
ANSWER = "answer"  # the firewall answers the HTTP request itself (470)
RESET = "reset"  # the hop decision of a denied TLS connection: the firewall resets it after the ClientHello


@dataclass(frozen=True, slots=True)
class Step:
    hops: tuple[Hop, ...]
    outcome: str  # FORWARD | DROP | ANSWER
    packet: Packet  # what leaves the firewall (SNATed) when forwarded
    reason: str


AZURE_CLOUD = "azurecloud"


def service_tags(topo: Topology) -> dict[str, tuple[str, ...]]:
    """The addresses of the workspace each service tag holds: ``AzureCloud`` every Azure public IP and public API
    server address, ``AzureCloud.<region>`` those of one region (tags compare case-insensitively).
    https://learn.microsoft.com/azure/virtual-network/service-tags-overview (AzureCloud, regional tags)"""
    by_region: dict[str, list[str]] = {}
    for pip in topo.twin.public_ips:
        if pip.ip_address:
            by_region.setdefault(pip.location.lower(), []).append(pip.ip_address)
    for cs in topo.twin.clusters:
        mc = cs.cluster
        if mc is not None and mc.api_server_public_ip:
            by_region.setdefault(mc.location.lower(), []).append(mc.api_server_public_ip)
    tags = {f"{AZURE_CLOUD}.{region}": tuple(ips) for region, ips in by_region.items() if region}
    tags[AZURE_CLOUD] = tuple(ip for ips in by_region.values() for ip in ips)
    return tags


def context(topo: Topology) -> engine.Context:
    """The firewall's view of the workspace: service tags and its DNS (Azure DNS's public answers)."""
    def resolve(name: str) -> str | None:
        answer = resolve_public(topo, name)
        return answer.ips[0] if answer.ips else None

    return engine.Context(service_tags(topo), resolve)


def through(firewall: AzureFirewall, pkt: Packet, host: str | None, scheme: str | None,
            ctx: engine.Context = engine.NO_CONTEXT) -> Step:
    """Azure Firewall's rule processing for ``pkt`` (``host``: the HTTP Host / TLS SNI, ``scheme``: http or
    https when the flow is a URL request) [https://learn.microsoft.com/azure/firewall/rule-processing]."""
    where = f"Azure Firewall {firewall.name}"
    v = engine.evaluate(firewall, pkt.src_ip, pkt.dst_ip, pkt.dst_port, pkt.protocol, host, ctx)
    if not v.allowed:
        if scheme == "http" and host and pkt.protocol == "TCP":
            rule = f"{v.text}; the firewall answers HTTP {DENY_STATUS}"
            return Step((Hop(where, "deny", rule, pkt),), ANSWER, pkt, rule)
        if scheme == "https" and host and pkt.protocol == "TCP":
            rule = f"{v.text}; the firewall resets the TLS connection (judged by its SNI)"
            return Step((Hop(where, RESET, rule, pkt),), DROP, pkt, f"{where}: {rule}")
        if scheme is None and pkt.protocol == "TCP" and pkt.dst_port in engine.proxied_ports(firewall, pkt.src_ip):
            rule = (f"no network rule matched; application rules listen on TCP {pkt.dst_port}, so the firewall "
                    "completes the TCP handshake itself and resets the connection when its first bytes carry no "
                    f"allowed Host/SNI ({pkt.dst_ip} is never reached)")
            return Step((Hop(where, RESET, rule, pkt),), DROP, pkt, f"{where}: {rule}")
        return Step((Hop(where, "drop", v.text, pkt),), DROP, pkt, f"{where}: {v.text}")
    hops = [Hop(where, "allow", f"{v.text}; {engine.threat_intel(firewall)}", pkt)]
    src = engine.snat_source(firewall, v, pkt.dst_ip)
    out = pkt
    if src is not None:
        out = replace(pkt, src_ip=src)
        private = engine.is_private(firewall, pkt.dst_ip)
        why = ("application rules always SNAT (to the firewall's private IP)" if private
               else f"to a destination outside the private ranges, from the firewall's public IP {src}")
        hops.append(Hop(where, "snat", f"SNAT {pkt.src_ip} → {src}: {why}", out))
    return Step(tuple(hops), FORWARD, out, v.text)


def to_itself(firewall: AzureFirewall, pkt: Packet) -> Step:
    """A flow addressed to the firewall's private IP: with DNS proxy on, DNS (UDP 53; DNS over TCP is not
    emulated) is answered by the firewall, which forwards the query to Azure DNS (custom DNS servers of the firewall
    are not emulated); anything else, or DNS with the proxy off, gets no answer
    [https://learn.microsoft.com/azure/firewall/dns-settings]."""
    where = f"Azure Firewall {firewall.name}"
    if firewall.dns_proxy and pkt.dst_port == DNS_PORT and pkt.protocol == "UDP":
        rule = f"DNS proxy on {pkt.dst_ip}:{DNS_PORT}: the firewall forwards the query to Azure DNS and answers"
        return Step((Hop(where, "answer", rule, pkt),), ANSWER, pkt, rule)
    rule = (f"{pkt.dst_ip}:{pkt.dst_port}/{pkt.protocol} is the firewall itself, which answers nothing there"
            + (" (its DNS proxy is off: --enable-dns-proxy true)"
               if pkt.dst_port == DNS_PORT else ""))
    return Step((Hop(where, "drop", rule, pkt),), DROP, pkt, f"{where}: {rule}")


def inbound(firewall: AzureFirewall, pkt: Packet) -> Step:
    """A flow from the internet to a public IP of the firewall: the first matching DNAT rule translates the
    destination and the firewall SNATs the source to its private IP, so the reply comes back through it; no
    DNAT rule → dropped [https://learn.microsoft.com/azure/firewall/tutorial-firewall-dnat;
    https://learn.microsoft.com/azure/firewall/rule-processing]."""
    where = f"Azure Firewall {firewall.name}"
    d = engine.dnat(firewall, pkt.src_ip, pkt.dst_ip, pkt.dst_port, pkt.protocol)
    if d is None:
        rule = f"no DNAT rule matched {pkt.dst_ip}:{pkt.dst_port}/{pkt.protocol}: Azure Firewall denies by default"
        return Step((Hop(where, "drop", rule, pkt),), DROP, pkt, f"{where}: {rule}")
    translated = replace(pkt, dst_ip=d.address, dst_port=d.port)
    out = replace(translated, src_ip=firewall.private_ip or pkt.src_ip)
    return Step((Hop(where, "dnat", d.text, translated),
                 Hop(where, "snat", f"SNAT {pkt.src_ip} → {out.src_ip}: DNATed traffic leaves from the firewall's "
                                    "private IP (the reply returns through the firewall)", out)), FORWARD, out, d.text)
