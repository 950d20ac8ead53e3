"""Azure Firewall's rule processing as a pure function of :class:`aksnet.model.firewall.AzureFirewall`.

Rules [https://learn.microsoft.com/azure/firewall/rule-processing]: DNAT rules first (inbound to a public
IP of the firewall), then network rules, then application rules, whatever the rule collection group and collection
priorities; within a type, a Firewall Policy's parent policy first, then rule collection groups by priority, then
collections by priority (lowest number first); the first matching rule decides (its collection's action); nothing
matched → default deny. Network rules name destinations by address, service tag (``AzureCloud.<region>``,
resolved by the caller into ``Context.tags``) or FQDN (resolved through the firewall's DNS proxy,
https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules). Application rules judge TCP flows by the
HTTP Host header or the TLS SNI on the rule's protocol ports.
SNAT [https://learn.microsoft.com/azure/firewall/snat-private-range]: network-rule traffic to
a destination outside the private ranges leaves from a public IP of the firewall; application-rule traffic
is always SNATed (to the firewall's private IP, then to its public IP on the internet).

This module decides; it does not walk packets (``aksnet.engine.walk`` hands it the flow), read the
workspace or print.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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


def _no_name(_: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Context:
    """What the firewall knows beyond its rules: ``tags``: service tag (lower-case) → the addresses it holds in
    the workspace; ``resolve``: the firewall's DNS (name → address or None)."""

    tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resolve: Callable[[str], str | None] = _no_name


NO_CONTEXT = Context()


def _in_addresses(ip: str, entries: Sequence[str], tags: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """An address matches ``*``, an equal IP, a CIDR holding it, or a service tag (``AzureCloud.eastus``) whose
    addresses in ``tags`` hold it."""
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
            if tags and ip in tags.get(e.lower(), ()):
                return True
    return False


def _order(coll: fw.NetworkRuleCollection | fw.ApplicationRuleCollection | fw.NatRuleCollection
           ) -> tuple[int, int, int]:
    return (*coll.group_order, coll.priority)


def _where(coll: fw.NetworkRuleCollection | fw.ApplicationRuleCollection | fw.NatRuleCollection, kind: str) -> str:
    group = f"rule collection group {coll.group} (priority {coll.group_order[1]}), " if coll.group else ""
    return f"{group}{kind} rule collection {coll.name} (priority {coll.priority})"


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
    for coll in sorted(firewall.nat_rule_collections, key=_order):
        for r in coll.rules:
            if (_protocol_ok(protocol, r.protocols) and _in_addresses(src_ip, r.source_addresses or ("*",))
                    and _in_addresses(dst_ip, r.destination_addresses) and _in_ports(dst_port, r.destination_ports)
                    and r.translated_address and r.translated_port and r.translated_port.isdigit()):
                text = (f"{_where(coll, 'NAT')}, rule {r.name}: DNAT "
                        f"{dst_ip}:{dst_port} → {r.translated_address}:{r.translated_port}")
                return Dnat(coll.name, r.name, r.translated_address, int(r.translated_port), text)
    return None


def _fqdn_destination(firewall: fw.AzureFirewall, rule: fw.NetworkRule, dst_ip: str, ctx: Context) -> str | None:
    """The destination FQDN of a network rule that ``dst_ip`` is, resolved by the firewall's DNS proxy; None
    without DNS proxy (the firewall's own answer may differ from the client's, so such rules cannot match
    reliably: https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules)."""
    if not firewall.dns_proxy:
        return None
    return next((f for f in rule.destination_fqdns if ctx.resolve(f.lower().rstrip(".")) == dst_ip), None)


def _network(firewall: fw.AzureFirewall, src_ip: str, dst_ip: str, dst_port: int, protocol: str,
             ctx: Context) -> Verdict | None:
    for coll in sorted(firewall.network_rule_collections, key=_order):
        for r in coll.rules:
            if not (_protocol_ok(protocol, r.protocols) and _in_addresses(src_ip, r.source_addresses, ctx.tags)
                    and (protocol.upper() == "ICMP" or _in_ports(dst_port, r.destination_ports))):
                continue
            fqdn = None if _in_addresses(dst_ip, r.destination_addresses, ctx.tags) else \
                _fqdn_destination(firewall, r, dst_ip, ctx)
            if fqdn is not None or _in_addresses(dst_ip, r.destination_addresses, ctx.tags):
                allowed = coll.action.lower() == "allow"
                via = f" ({dst_ip} is {fqdn}, resolved by the firewall's DNS proxy)" if fqdn else ""
                return Verdict(allowed, NETWORK, coll.name, r.name,
                               f"{_where(coll, 'network')}, rule {r.name}: {coll.action}{via}")
    return None


def _application(firewall: fw.AzureFirewall, src_ip: str, dst_port: int, protocol: str,
                 host: str | None) -> Verdict | None:
    if protocol.upper() != "TCP" or not host:
        return None
    for coll in sorted(firewall.application_rule_collections, key=_order):
        for r in coll.rules:
            if (any(port == dst_port for _, port in r.protocols) and _in_addresses(src_ip, r.source_addresses)
                    and _host_matches(host, r)):
                allowed = coll.action.lower() == "allow"
                return Verdict(allowed, APPLICATION, coll.name, r.name,
                               f"{_where(coll, 'application')}, rule {r.name}: {coll.action} {host}")
    return None


def evaluate(firewall: fw.AzureFirewall, src_ip: str, dst_ip: str, dst_port: int, protocol: str,
             host: str | None = None, ctx: Context = NO_CONTEXT) -> Verdict:
    """Network rules, then application rules (``host``: the HTTP Host or TLS SNI the client sends, None when
    the flow carries no name), first match; no match → Azure Firewall's default deny."""
    verdict = _network(firewall, src_ip, dst_ip, dst_port, protocol, ctx)
    if verdict is None:
        verdict = _application(firewall, src_ip, dst_port, protocol, host)
    if verdict is None:
        what = f" for {host}" if host else ""
        verdict = Verdict(False, DEFAULT, None, None,
                          f"no rule matched{what}: Azure Firewall denies by default{_fqdn_hint(firewall, dst_ip, ctx)}")
    return verdict


def _fqdn_hint(firewall: fw.AzureFirewall, dst_ip: str, ctx: Context) -> str:
    """Why a network rule naming the destination's FQDN did not match: without DNS proxy the firewall cannot
    match FQDNs in network rules reliably (https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules)."""
    if firewall.dns_proxy:
        return ""
    for coll in firewall.network_rule_collections:
        for r in coll.rules:
            name = next((f for f in r.destination_fqdns if ctx.resolve(f.lower().rstrip(".")) == dst_ip), None)
            if name:
                return (f" (network rule {coll.name}/{r.name} names {name}, but FQDNs in network rules match reliably "
                        "only with the firewall's DNS proxy: az network firewall update --enable-dns-proxy true)")
    return ""


def proxied_ports(firewall: fw.AzureFirewall, src_ip: str) -> set[int]:
    """The TCP ports on which application rules (HTTP/HTTPS) listen for ``src_ip``: the firewall proxies those
    connections, so it completes the TCP handshake itself and judges the first bytes (Host/SNI)."""
    return {port for c in firewall.application_rule_collections for r in c.rules
            if _in_addresses(src_ip, r.source_addresses) for proto, port in r.protocols
            if proto.lower() in ("http", "https")}


def threat_intel(firewall: fw.AzureFirewall) -> str:
    """What threat-intelligence filtering does here (mode Off, Alert — the default — or Deny): the workspace holds
    no address or name of Microsoft's threat feed, so it only reports the mode.
    https://learn.microsoft.com/azure/firewall/threat-intel"""
    mode = firewall.threat_intel_mode
    effect = {"alert": ": no threat-feed match to alert on", "deny": ": no threat-feed match to deny"}
    return f"threat intelligence {mode}{effect.get(mode.lower(), '')}"


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
