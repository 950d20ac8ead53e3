"""Network security groups compiled to nftables chains in the VNet fabric namespace.

One chain per (NSG, direction, VNet): the rules in priority order (custom 100–4096, then the defaults
65000–65500), first match wins; Allow ``return``s to the caller (so the next NSG on the path is asked),
Deny rejects. Service tags follow ``aksnet.engine.nsg`` (VirtualNetwork = the VNet's prefixes, peered
prefixes and UDR prefixes; Internet = outside the private ranges and the VNet; AzureLoadBalancer =
168.63.129.16; other tags hold no emulated address). Inbound = subnet NSG then NIC NSG, outbound = NIC NSG
then subnet NSG (network-security-group-how-it-works). Stateful: established flows are accepted before.
Deny rejects (TCP reset / ICMP) instead of dropping silently so probes fail fast (docs/fidelity.md).
Pure: builds nft JSON expressions, never applies them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from aksnet.dataplane import names
from aksnet.dataplane import nft as n
from aksnet.engine import nsg as nsg_engine
from aksnet.model import azure
from aksnet.model.addr import parse_port_range
from aksnet.model.ids import id_key
from aksnet.rules import azure as azure_rules

_PROTO = {"tcp": "tcp", "udp": "udp", "icmp": "icmp"}


def collapse(prefixes: Sequence[str]) -> list[str]:
    nets = []
    for p in prefixes:
        try:
            nets.append(ipaddress.IPv4Network(p.strip(), strict=False))
        except ValueError:
            continue
    return [str(x) for x in ipaddress.collapse_addresses(nets)]


def _addr_match(field: str, prefixes: Sequence[str], vnet_space: Sequence[str]) -> list[dict[str, Any]] | None:
    """Expressions matching any of ``prefixes`` (``[]``: matches everything; None: can never match)."""
    plain: list[str] = []
    internet = False
    for p in prefixes:
        low = p.strip().lower()
        if low in ("*", "any", "0.0.0.0/0"):
            return []
        if low == "virtualnetwork":
            plain += list(vnet_space)
        elif low == "azureloadbalancer":
            plain.append(azure_rules.HOST_VIP)
        elif low == "internet":
            internet = True
        else:
            try:
                ipaddress.IPv4Network(p.strip(), strict=False)
                plain.append(p.strip())
            except ValueError:
                continue  # other service tags hold no emulated address
    left = n.payload("ip", field)
    if internet and plain:
        return None if not plain else _either(field, plain, vnet_space)
    if internet:
        excluded = collapse([*azure_rules.INTERNET_EXCLUDED, *vnet_space])
        return [n.match(left, n.anon_set([n.prefix(c) for c in excluded]), "!=")]
    merged = collapse(plain)
    if not merged:
        return None
    return [n.match(left, n.anon_set([n.prefix(c) for c in merged]))]


def _either(field: str, plain: Sequence[str], vnet_space: Sequence[str]) -> list[dict[str, Any]] | None:
    """``Internet`` together with explicit prefixes in one rule: rare; match the explicit prefixes and
    everything outside the private ranges and the VNet (the complement computed exactly)."""
    outside = ipaddress.IPv4Network("0.0.0.0/0")
    inside = [ipaddress.IPv4Network(c) for c in collapse([*azure_rules.INTERNET_EXCLUDED, *vnet_space])]
    pieces = [outside]
    for excl in inside:
        nxt = []
        for piece in pieces:
            if excl.subnet_of(piece):
                nxt += list(piece.address_exclude(excl))
            elif not piece.subnet_of(excl):
                nxt.append(piece)
        pieces = nxt
    allowed = collapse([*plain, *(str(p) for p in pieces)])
    return [n.match(n.payload("ip", field), n.anon_set([n.prefix(c) for c in allowed]))]


def _port_match(field: str, ranges: Sequence[str]) -> list[dict[str, Any]] | None:
    vals = []
    for r in ranges:
        try:
            pr = parse_port_range(r)
        except ValueError:
            continue
        if pr.start == 0 and pr.end == 65535:
            return []
        vals.append(n.port_value(pr.start, pr.end))
    if not vals:
        return None
    return [n.match(n.payload("th", field), n.anon_set(vals))]


def rule_exprs(rule: azure.SecurityRule, vnet_space: Sequence[str]) -> list[dict[str, Any]] | None:
    """The match part of one security rule, or None when it can never match an emulated packet."""
    out: list[dict[str, Any]] = []
    proto = rule.protocol.strip().lower()
    ports_apply = True
    if proto in ("tcp", "udp"):
        out.append(n.match(n.meta("l4proto"), proto))
    elif proto == "icmp":
        out.append(n.match(n.meta("l4proto"), "icmp"))
        ports_apply = False
    elif proto not in ("*", "any"):
        return None  # Esp, Ah: never produced by probes
    else:
        ports_apply = False
        if not all(p.strip() == "*" for p in (*rule.source_ports, *rule.destination_ports)):
            out.append(n.match(n.meta("l4proto"), n.anon_set(["tcp", "udp"])))
            ports_apply = True
    for fld, prefixes in (("saddr", rule.source_prefixes), ("daddr", rule.destination_prefixes)):
        m = _addr_match(fld, prefixes, vnet_space)
        if m is None:
            return None
        out += m
    if ports_apply:
        for fld, ranges in (("sport", rule.source_ports), ("dport", rule.destination_ports)):
            pm = _port_match(fld, ranges)
            if pm is None:
                return None
            out += pm
    return out


def nsg_chain_name(nsg_id: str, direction: str, vnet_id: str) -> str:
    return f"nsg-{direction[:2].lower()}-{names.short_hash(id_key(nsg_id) + id_key(vnet_id), 10)}"


def add_nsg_chain(table: n.Table, nsg: azure.NetworkSecurityGroup, direction: str, vnet_id: str,
                  vnet_space: Sequence[str]) -> str:
    """Add the chain of one NSG for one direction; returns its name."""
    name = nsg_chain_name(nsg.id, direction, vnet_id)
    table.chain(name)
    for rule in nsg_engine.ordered_rules(nsg, direction):
        exprs = rule_exprs(rule, vnet_space)
        if exprs is None:
            continue
        verdict = n.RETURN if rule.access.lower() == "allow" else n.reject_fast()
        table.rule(name, *exprs, verdict, comment=f"{nsg.name}/{rule.name} {rule.priority} {rule.access}")
    table.rule(name, n.reject_fast(), comment=f"{nsg.name}: no rule matched")
    return name
