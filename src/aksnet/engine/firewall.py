"""Azure Firewall's rule processing as a pure function of :class:`aksnet.model.firewall.AzureFirewall`.

Rules [https://learn.microsoft.com/azure/firewall/rule-processing]: DNAT rules first (inbound to a public
IP of the firewall), then network rules, then application rules; within a type, collections in priority
order (lowest number first); the first matching rule decides (its collection's action); nothing matched →
default deny. Application rules judge TCP flows by the HTTP Host header or the TLS SNI on the rule's
protocol ports. SNAT [https://learn.microsoft.com/azure/firewall/snat-private-range]: network-rule traffic to
a destination outside the private ranges leaves from a public IP of the firewall; application-rule traffic
is always SNATed (to the firewall's private IP, then to its public IP on the internet).

This module decides; it does not walk packets (``aksnet.engine.walk`` hands it the flow), read the
workspace or print.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.model import firewall as fw
from aksnet.rules.azure_firewall import DEFAULT_PRIVATE_RANGES, fqdn_tag

NETWORK = "network"
APPLICATION = "application"
DNAT = "dnat"
DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the firewall did with a flow: ``kind`` is the rule type that decided (``default`` when no rule
    matched), ``collection``/``rule`` name the match."""

    allowed: bool
    kind: str
    collection: str | None
    rule: str | None
    text: str

    @property
    def matched(self) -> bool:
        return self.rule is not None


@dataclass(frozen=True, slots=True)
class Dnat:
    collection: str
    rule: str
    address: str
    port: int
    text: str


def _in_addresses(ip: str, entries: Sequence[str]) -> bool:
    """An address matches ``*``, an equal IP or a CIDR holding it (service tags are not matched)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for e in entries:
        if e == "*":
            return True
        try:
            if addr in ipaddress.ip_network(e, strict=False):
                return True
        except ValueError:
            continue
    return False


def _in_ports(port: int, entries: Sequence[str]) -> bool:
    for e in entries:
        e = e.strip()
        if e == "*":
            return True
        lo, _, hi = e.partition("-")
        if lo.isdigit() and int(lo) <= port <= int(hi if hi.isdigit() else lo):
            return True
    return False


def _protocol_ok(protocol: str, allowed: Sequence[str]) -> bool:
    p = protocol.upper()
    return any(a.upper() in (p, "ANY") for a in allowed)


def fqdn_matches(host: str, pattern: str) -> bool:
    """Target FQDN matching: names compare case-insensitively; ``*`` is a wildcard (``*.contoso.com`` matches
    its sub-domains, ``*`` everything). https://learn.microsoft.com/azure/firewall/rule-processing"""
    return fnmatch.fnmatchcase(host.lower().rstrip("."), pattern.lower().rstrip("."))


def _host_matches(host: str, rule: fw.ApplicationRule) -> bool:
    patterns = list(rule.target_fqdns)
    for tag in rule.fqdn_tags:
        patterns += fqdn_tag(tag) or ()
    return any(fqdn_matches(host, p) for p in patterns)


def dnat(firewall: fw.AzureFirewall, src_ip: str, dst_ip: str, dst_port: int, protocol: str) -> Dnat | None:
    """The DNAT rule (NAT collections by priority, first match) translating a flow to a public IP of the
    firewall, or None."""
    for coll in sorted(firewall.nat_rule_collections, key=lambda c: c.priority):
        for r in coll.rules:
            if (_protocol_ok(protocol, r.protocols) and _in_addresses(src_ip, r.source_addresses or ("*",))
                    and _in_addresses(dst_ip, r.destination_addresses) and _in_ports(dst_port, r.destination_ports)
                    and r.translated_address and r.translated_port and r.translated_port.isdigit()):
                text = (f"NAT rule collection {coll.name} (priority {coll.priority}), rule {r.name}: DNAT "
                        f"{dst_ip}:{dst_port} → {r.translated_address}:{r.translated_port}")
                return Dnat(coll.name, r.name, r.translated_address, int(r.translated_port), text)
    return None


def _network(firewall: fw.AzureFirewall, src_ip: str, dst_ip: str, dst_port: int, protocol: str) -> Verdict | None:
    for coll in sorted(firewall.network_rule_collections, key=lambda c: c.priority):
        for r in coll.rules:
            if (_protocol_ok(protocol, r.protocols) and _in_addresses(src_ip, r.source_addresses)
                    and _in_addresses(dst_ip, r.destination_addresses)
                    and (protocol.upper() == "ICMP" or _in_ports(dst_port, r.destination_ports))):
                allowed = coll.action.lower() == "allow"
                return Verdict(allowed, NETWORK, coll.name, r.name,
                               f"network rule collection {coll.name} (priority {coll.priority}), rule {r.name}: "
                               f"{coll.action}")
    return None


def _application(firewall: fw.AzureFirewall, src_ip: str, dst_port: int, protocol: str,
                 host: str | None) -> Verdict | None:
    if protocol.upper() != "TCP" or not host:
        return None
    for coll in sorted(firewall.application_rule_collections, key=lambda c: c.priority):
        for r in coll.rules:
            if (any(port == dst_port for _, port in r.protocols) and _in_addresses(src_ip, r.source_addresses)
                    and _host_matches(host, r)):
                allowed = coll.action.lower() == "allow"
                return Verdict(allowed, APPLICATION, coll.name, r.name,
                               f"application rule collection {coll.name} (priority {coll.priority}), rule {r.name}: "
                               f"{coll.action} {host}")
    return None


def evaluate(firewall: fw.AzureFirewall, src_ip: str, dst_ip: str, dst_port: int, protocol: str,
             host: str | None = None) -> Verdict:
    """Network rules, then application rules (``host``: the HTTP Host or TLS SNI the client sends, None when
    the flow carries no name), first match; no match → Azure Firewall's default deny."""
    verdict = _network(firewall, src_ip, dst_ip, dst_port, protocol)
    if verdict is None:
        verdict = _application(firewall, src_ip, dst_port, protocol, host)
    if verdict is None:
        what = f" for {host}" if host else ""
        verdict = Verdict(False, DEFAULT, None, None,
                          f"no rule matched{what}: Azure Firewall denies by default")
    return verdict


def is_private(firewall: fw.AzureFirewall, ip: str) -> bool:
    """Is ``ip`` in the firewall's SNAT private ranges (default: RFC 1918 and RFC 6598)?"""
    ranges: list[str] = []
    for r in firewall.private_ranges or ("IANAPrivateRanges",):
        ranges += DEFAULT_PRIVATE_RANGES if r.lower() == "ianaprivateranges" else [r]
    return _in_addresses(ip, ranges)


def snat_source(firewall: fw.AzureFirewall, verdict: Verdict, dst_ip: str) -> str | None:
    """The source address the allowed flow leaves the firewall with: a public IP of the firewall towards a
    non-private destination; the firewall's private IP for application rules to private destinations; None
    (unchanged) for network rules to private destinations."""
    if not is_private(firewall, dst_ip):
        return firewall.public_ips[0] if firewall.public_ips else None
    if verdict.kind == APPLICATION:
        return firewall.private_ip
    return None
