"""Network security group evaluation (Azure): priorities, first match, 5-tuple, service tags, default rules.

Rules: priority 100–4096 then the default rules 65000–65500, lower number first, first match wins; a rule
matches on protocol, source/destination prefixes (CIDR, IP, ``*`` or a service tag) and port ranges.
Subnet + NIC: inbound = subnet NSG then NIC NSG, outbound = NIC NSG then subnet NSG; both must allow.
NSGs are stateful, so return traffic of an allowed flow is allowed. Source:
learn.microsoft.com/azure/virtual-network/network-security-groups-overview and
network-security-group-how-it-works (learn.microsoft.com/azure/virtual-network/network-security-groups-overview).
This module must not route or translate packets.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.model import azure
from aksnet.model.addr import parse_port_range
from aksnet.model.ids import id_key
from aksnet.rules import azure as azure_rules
from aksnet.rules.azure import HOST_VIP as AZURE_LOAD_BALANCER_IP
from aksnet.rules.azure import PLATFORM_IPS

# The Azure default rules, exactly as ARM lists them (used when a document carries none).
_DEFAULTS = tuple(azure.SecurityRule(name, priority, direction, access, "*", (src,), ("*",), (dst,), ("*",), True)
                  for name, priority, direction, access, src, dst, _ in azure_rules.DEFAULT_SECURITY_RULES)


@dataclass(frozen=True, slots=True)
class TagContext:
    """What the service tags mean for the VNet an NSG is evaluated in. ``virtual_network`` holds the VNet's
    address space, peered address spaces and the prefixes of user-defined routes (service-tags-overview)."""

    virtual_network: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @staticmethod
    def of(prefixes: Sequence[str]) -> TagContext:
        nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for p in prefixes:
            try:
                nets.append(ipaddress.ip_network(p, strict=False))
            except ValueError:
                continue
        return TagContext(tuple(nets))


@dataclass(frozen=True, slots=True)
class NsgDecision:
    """The verdict of one NSG for one packet; ``rule`` is the rule that matched (None: no NSG)."""

    allowed: bool
    nsg: azure.NetworkSecurityGroup | None
    rule: azure.SecurityRule | None
    direction: str

    def describe(self) -> str:
        if self.nsg is None or self.rule is None:
            return "no NSG"
        return f"{self.nsg.name}/{self.rule.name} (priority {self.rule.priority}, {self.rule.access})"


def _prefix_matches(prefix: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, tags: TagContext) -> bool:
    """One address prefix of a rule: ``*``, a service tag, or a CIDR of the address's own family (an IPv4 prefix,
    ``0.0.0.0/0`` included, never matches an IPv6 address, nor the reverse)."""
    p = prefix.strip()
    low = p.lower()
    if p == "*" or low == "any":
        return True
    if low == "virtualnetwork":
        return any(n.version == ip.version and ip in n for n in tags.virtual_network)
    if low == "azureloadbalancer":
        return str(ip) == AZURE_LOAD_BALANCER_IP
    if low == "internet":
        return azure_rules.in_internet_tag(ip, tags.virtual_network)
    try:
        net = ipaddress.ip_network(p, strict=False)
    except ValueError:
        return False  # other service tags (Storage, AzureCloud …) never hold emulated addresses
    return net.version == ip.version and ip in net


def _port_matches(ranges: Sequence[str], port: int) -> bool:
    for r in ranges:
        try:
            if port in parse_port_range(r):
                return True
        except ValueError:
            continue
    return False


def rule_matches(rule: azure.SecurityRule, src_ip: str, src_port: int, dst_ip: str, dst_port: int,
                 protocol: str, tags: TagContext) -> bool:
    """The 5-tuple match of one security rule. SCTP has no NSG protocol value, so only ``*`` matches it."""
    proto = rule.protocol.lower()
    if proto not in ("*", "any") and proto != protocol.lower():
        return False
    s, d = ipaddress.ip_address(src_ip), ipaddress.ip_address(dst_ip)
    return (any(_prefix_matches(p, s, tags) for p in rule.source_prefixes)
            and any(_prefix_matches(p, d, tags) for p in rule.destination_prefixes)
            and _port_matches(rule.source_ports, src_port)
            and _port_matches(rule.destination_ports, dst_port))


def ordered_rules(nsg: azure.NetworkSecurityGroup, direction: str) -> list[azure.SecurityRule]:
    """Custom rules then default rules of one direction, by priority (lowest first)."""
    defaults = nsg.default_rules or _DEFAULTS
    rules = [r for r in (*nsg.rules, *defaults) if r.direction.lower() == direction.lower()]
    return sorted(rules, key=lambda r: (r.is_default, r.priority, r.name))


def evaluate_nsg(nsg: azure.NetworkSecurityGroup | None, direction: str, src_ip: str, src_port: int, dst_ip: str,
                 dst_port: int, protocol: str, tags: TagContext) -> NsgDecision:
    """First matching rule by priority decides (NSG overview, "Security rules"). No NSG allows everything.
    Platform addresses (168.63.129.16, 169.254.169.254) are not subject to NSGs."""
    if nsg is None:
        return NsgDecision(True, None, None, direction)
    peer = src_ip if direction.lower() == "inbound" else dst_ip
    if peer in PLATFORM_IPS:
        return NsgDecision(True, None, None, direction)
    for rule in ordered_rules(nsg, direction):
        if rule_matches(rule, src_ip, src_port, dst_ip, dst_port, protocol, tags):
            return NsgDecision(rule.access.lower() == "allow", nsg, rule, direction)
    return NsgDecision(False, nsg, None, direction)


def evaluate_path(direction: str, subnet_nsg: azure.NetworkSecurityGroup | None,
                  nic_nsg: azure.NetworkSecurityGroup | None, src_ip: str, src_port: int, dst_ip: str, dst_port: int,
                  protocol: str, tags: TagContext) -> list[tuple[str, NsgDecision]]:
    """Both NSGs in the order Azure applies them (inbound: subnet then NIC; outbound: NIC then subnet),
    stopping at the first deny. Each element is (``subnet``|``nic``, decision)."""
    order = [("subnet", subnet_nsg), ("nic", nic_nsg)]
    if direction.lower() == "outbound":
        order.reverse()
    out: list[tuple[str, NsgDecision]] = []
    for level, nsg in order:
        if nsg is None:
            continue
        d = evaluate_nsg(nsg, direction, src_ip, src_port, dst_ip, dst_port, protocol, tags)
        out.append((level, d))
        if not d.allowed:
            break
    return out


def filters_source_ports(nsg: azure.NetworkSecurityGroup | None) -> bool:
    """Whether any rule of ``nsg`` names source ports (most rules say ``*``)."""
    return nsg is not None and any(p.strip() not in ("*", "") for r in nsg.rules for p in r.source_ports)


def source_port_split(direction: str, subnet_nsg: azure.NetworkSecurityGroup | None,
                      nic_nsg: azure.NetworkSecurityGroup | None, src_ip: str, dst_ip: str, dst_port: int,
                      protocol: str, tags: TagContext, ports: tuple[int, int]) -> list[tuple[int, int, bool]]:
    """Which of the client's possible source ports (``ports``, inclusive) pass both NSGs: segments (first, last,
    allowed), split at every source port boundary the rules name and merged where the verdict is the same. A
    rule's ``sourcePortRanges`` match the connection's source port like any other field (NSG overview,
    "Security rules")."""
    lo, hi = ports
    bounds = {lo, hi + 1}
    for group in (subnet_nsg, nic_nsg):
        for rule in ordered_rules(group, direction) if group is not None else ():
            for text in rule.source_ports:
                try:
                    r = parse_port_range(text)
                except ValueError:
                    continue
                bounds.update(b for b in (r.start, r.end + 1) if lo < b <= hi)
    edges = sorted(bounds)
    out: list[tuple[int, int, bool]] = []
    for first, nxt in itertools.pairwise(edges):
        ok = all(d.allowed for _, d in evaluate_path(direction, subnet_nsg, nic_nsg, src_ip, first, dst_ip, dst_port,
                                                     protocol, tags))
        if out and out[-1][2] == ok:
            out[-1] = (out[-1][0], nxt - 1, ok)
        else:
            out.append((first, nxt - 1, ok))
    return out


def source_ports_note(direction: str, subnet_nsg: azure.NetworkSecurityGroup | None,
                      nic_nsg: azure.NetworkSecurityGroup | None, src_ip: str, src_port: int, dst_ip: str,
                      dst_port: int, protocol: str, tags: TagContext, ports: tuple[int, int]) -> str:
    """What a trace adds when the NSGs' verdict depends on the source port: which of the client's ports pass
    (the walk itself uses one, ``src_port``); "" when every port gets the same verdict."""
    if not (filters_source_ports(subnet_nsg) or filters_source_ports(nic_nsg)):
        return ""
    split = source_port_split(direction, subnet_nsg, nic_nsg, src_ip, dst_ip, dst_port, protocol, tags, ports)
    if len(split) < 2:
        return ""
    passing = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b, ok in split if ok) or "none"
    return (f"; of the client's source ports {ports[0]}-{ports[1]} (Linux ip_local_port_range, one picked per "
            f"connection) only {passing} pass; this trace uses {src_port}")


def _probe_source_matches(prefix: str) -> bool:
    """Does a rule's source prefix hold the health probe's address, the host VIP 168.63.129.16? It is the
    ``AzureLoadBalancer`` tag and part of ``VirtualNetwork`` ("the virtual IP address of the host",
    service-tags-overview), never ``Internet``."""
    low = prefix.strip().lower()
    if low in ("*", "any", "0.0.0.0/0", "azureloadbalancer", "virtualnetwork"):
        return True
    if low == "internet":
        return False
    try:
        return ipaddress.IPv4Address(AZURE_LOAD_BALANCER_IP) in ipaddress.IPv4Network(prefix.strip(), strict=False)
    except ValueError:
        return False


PROBE_SOURCE_PORT = 40000  # an ephemeral port of the probe; rules rarely filter source ports


def probe_rules(group: azure.NetworkSecurityGroup, port: int) -> tuple[azure.SecurityRule, ...]:
    """The inbound rules of ``group`` that can match Azure's health probe to ``port`` (protocol, source and
    ports checked), in evaluation order; only their destination is left to match per member."""
    return tuple(rule for rule in ordered_rules(group, "Inbound")
                 if rule.protocol.lower() in ("*", "any", "tcp")
                 and any(_probe_source_matches(p) for p in rule.source_prefixes)
                 and _port_matches(rule.source_ports, PROBE_SOURCE_PORT)
                 and _port_matches(rule.destination_ports, port))


def health_probe_verdict(subnet_nsg: azure.NetworkSecurityGroup | None, nic_nsg: azure.NetworkSecurityGroup | None,
                         node_ip: str, port: int, tags: TagContext,
                         rules_cache: dict[tuple[str, int], tuple[azure.SecurityRule, ...]] | None = None
                         ) -> NsgDecision | None:
    """Azure's health probe (TCP from 168.63.129.16 to ``node_ip:port``) against the inbound rules of the
    subnet NSG then the NIC NSG. Platform traffic is otherwise outside NSGs, but inbound probes are not: the
    default rule AllowAzureLoadBalancerInBound (65001) exists to let them in, and a custom rule above it that
    denies them marks the member down (Azure Load Balancer health probe troubleshooting). Returns the
    denying decision, or None when both NSGs (or no NSG) admit the probe. ``rules_cache`` keeps
    :func:`probe_rules` per (NSG, port) across the members of one pool."""
    node = ipaddress.ip_address(node_ip)
    for group in (subnet_nsg, nic_nsg):
        if group is None:
            continue
        key = (id_key(group.id), port)
        rules = rules_cache.get(key) if rules_cache is not None else None
        if rules is None:
            rules = probe_rules(group, port)
            if rules_cache is not None:
                rules_cache[key] = rules
        for rule in rules:
            if any(_prefix_matches(p, node, tags) for p in rule.destination_prefixes):
                if rule.access.lower() != "allow":
                    return NsgDecision(False, group, rule, "Inbound")
                break
    return None
