"""Azure Firewall's nftables in its own data-plane namespace (``ip aksnet-firewall``): DNAT rules, network rules,
the hand-over of application-rule ports to the firewall's proxy (``aksnet.dataplane.firewall_proxy``), default
deny, and SNAT.

Rules [https://learn.microsoft.com/azure/firewall/rule-processing]: DNAT first (the fabric has already turned the
firewall's public IP into its private one, so NAT rules match the private address; a DNATed flow is allowed by
its NAT rule and leaves SNATed to the firewall's private IP so the reply returns through it); then network
rules in the engine's order (``engine.firewall``: parent policy, group priority, collection priority; first
match, its collection's action) — a flow a network rule decides never reaches application rules; then TCP to an
application rule's port goes to the proxy, which judges Host/SNI; everything else is dropped (default deny).
SNAT [https://learn.microsoft.com/azure/firewall/snat-private-range]: forwarded flows to destinations outside
the private ranges leave from the firewall's private IP (the fabric turns it into its public IP). Service tags
and network-rule FQDNs are resolved by ``engine.firewall.Context`` (the same as the twin's). Pure: builds a
table, touches nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from aksnet.dataplane import nft as n
from aksnet.dataplane.nsg_nft import collapse
from aksnet.engine import firewall as engine
from aksnet.model import firewall as fw
from aksnet.rules.azure_firewall import DEFAULT_PRIVATE_RANGES
from aksnet.rules.ietf import DNS_PORT

TABLE = "aksnet-firewall"
_L4 = {"tcp": ("tcp",), "udp": ("udp",), "icmp": ("icmp",), "any": ("tcp", "udp", "icmp")}


def _addresses(entries: Sequence[str], ctx: engine.Context) -> list[str] | None:
    """CIDRs an address list stands for ([]: everything; None: nothing emulated)."""
    out: list[str] = []
    for e in entries:
        e = e.strip()
        if e == "*":
            return []
        try:
            out.append(str(ipaddress.IPv4Network(e, strict=False)))
        except ValueError:
            out += [f"{ip}/32" for ip in ctx.tags.get(e.lower(), ())]
    merged = collapse(out)
    return merged or None


def _ports(entries: Sequence[str]) -> list[Any] | None:
    vals: list[Any] = []
    for e in entries:
        e = e.strip()
        if e == "*":
            return []
        lo, _, hi = e.partition("-")
        if lo.isdigit() and (not hi or hi.isdigit()):
            vals.append(n.port_value(int(lo), int(hi or lo)))
    return vals or None


def _match(field: str, cidrs: list[str]) -> list[dict[str, Any]]:
    return [n.match(n.payload("ip", field), n.anon_set([n.prefix(c) for c in cidrs]))] if cidrs else []


def network_rule_matches(firewall: fw.AzureFirewall, rule: fw.NetworkRule, ctx: engine.Context
                         ) -> list[list[dict[str, Any]]]:
    """The nft match lists of one network rule (one per layer-4 protocol; [] when it matches nothing here).
    Destination FQDNs count only with the DNS proxy on, resolved as the twin resolves them."""
    src = _addresses(rule.source_addresses, ctx)
    dst = _addresses(rule.destination_addresses, ctx) if rule.destination_addresses else None
    if firewall.dns_proxy and rule.destination_fqdns:
        resolved = [f"{ip}/32" for f in rule.destination_fqdns if (ip := ctx.resolve(f.lower().rstrip(".")))]
        if resolved and dst != []:
            dst = collapse([*(dst or []), *resolved])
    ports = _ports(rule.destination_ports)
    if src is None or dst is None:
        return []
    out = []
    for proto in sorted({p for a in rule.protocols for p in _L4.get(a.lower(), ())}):
        exprs = [n.match(n.meta("l4proto"), proto), *_match("saddr", src), *_match("daddr", dst)]
        if proto != "icmp":
            if ports is None:
                continue
            if ports:
                exprs.append(n.match(n.payload("th", "dport"), n.anon_set(ports)))
        out.append(exprs)
    return out


def ordered_network_rules(firewall: fw.AzureFirewall) -> list[tuple[fw.NetworkRuleCollection, fw.NetworkRule]]:
    colls = sorted(firewall.network_rule_collections, key=lambda c: (*c.group_order, c.priority))
    return [(c, r) for c in colls for r in c.rules]


def build(firewall: fw.AzureFirewall, ctx: engine.Context, proxy_ports: Sequence[tuple[int, int]],
          uplink: str = "eth0") -> n.Table:
    """The firewall's table; ``proxy_ports``: (application rule port, the proxy's local port) pairs."""
    private = firewall.private_ip or "0.0.0.0"
    public = set(firewall.public_ips)
    t = n.Table("ip", TABLE)
    t.chain("prerouting", hook="prerouting", ctype="nat", prio=-100)
    t.chain("forward", hook="forward", ctype="filter", prio=0)
    t.chain("input", hook="input", ctype="filter", prio=0)
    t.chain("postrouting", hook="postrouting", ctype="nat", prio=100)
    new = n.match(n.ct("state"), "new")
    established = n.match(n.ct("state"), n.anon_set(["established", "related"]), "in")
    dnat = n.match(n.ct("status"), "dnat", "in")
    t.rule("forward", established, n.ACCEPT)
    t.rule("forward", dnat, n.ACCEPT, comment="DNAT rules allow the translated flow")
    for coll in sorted(firewall.nat_rule_collections, key=lambda c: (*c.group_order, c.priority)):
        for r in coll.rules:
            if not (r.translated_address and r.translated_port and r.translated_port.isdigit()):
                continue
            if not any(d.strip() in public or d.strip() == private for d in r.destination_addresses):
                continue
            src = _addresses(r.source_addresses or ("*",), ctx)
            ports = _ports(r.destination_ports)
            if src is None or not ports:
                continue
            for proto in sorted({p for a in r.protocols for p in _L4.get(a.lower(), ()) if p != "icmp"}):
                t.rule("prerouting", new, n.match(n.meta("l4proto"), proto), n.match(n.payload("ip", "daddr"), private),
                       *_match("saddr", src), n.match(n.payload("th", "dport"), n.anon_set(ports)),
                       {"dnat": {"addr": r.translated_address, "port": int(r.translated_port)}},
                       comment=f"NAT {coll.name}/{r.name}"[:120])
    for ncoll, nr in ordered_network_rules(firewall):
        verdict = n.ACCEPT if ncoll.action.lower() == "allow" else n.DROP
        for exprs in network_rule_matches(firewall, nr, ctx):
            t.rule("prerouting", new, n.match(n.payload("ip", "daddr"), private, "!="), *exprs, n.ACCEPT,
                   comment=f"network {ncoll.name}/{nr.name}: not for the proxy"[:120])
            t.rule("forward", *exprs, verdict, comment=f"network {ncoll.name}/{nr.name}: {ncoll.action}"[:120])
    for port, local in proxy_ports:
        t.rule("prerouting", new, n.match(n.meta("l4proto"), "tcp"), n.match(n.payload("ip", "daddr"), private, "!="),
               n.match(n.payload("th", "dport"), port), {"redirect": {"port": local}},
               comment=f"application rules on TCP {port}: the proxy judges Host/SNI")
    t.rule("forward", n.DROP, comment="no rule matched: Azure Firewall denies by default")
    t.rule("input", established, n.ACCEPT)
    t.rule("input", n.match(n.meta("iifname"), "lo"), n.ACCEPT)
    t.rule("input", dnat, n.ACCEPT, comment="redirected to the proxy")
    if firewall.dns_proxy:
        t.rule("input", n.match(n.meta("l4proto"), "udp"), n.match(n.payload("ip", "daddr"), private),
               n.match(n.payload("th", "dport"), DNS_PORT), n.ACCEPT, comment="DNS proxy (UDP 53)")
    t.rule("input", n.DROP, comment="the firewall answers nothing itself")
    t.rule("postrouting", dnat, n.match(n.meta("oifname"), uplink), {"masquerade": None},
           comment="DNATed flows leave from the firewall's private IP")
    t.rule("postrouting", n.match(n.meta("oifname"), uplink),
           n.match(n.payload("ip", "daddr"), n.anon_set([n.prefix(c) for c in _private_ranges(firewall)]), "!="),
           {"masquerade": None}, comment="SNAT outside the private ranges (the fabric maps it to the public IP)")
    return t


def _private_ranges(firewall: fw.AzureFirewall) -> list[str]:
    out: list[str] = []
    for r in firewall.private_ranges or ("IANAPrivateRanges",):
        out += list(DEFAULT_PRIVATE_RANGES) if r.lower() == "ianaprivateranges" else [r]
    return collapse(out) or ["10.0.0.0/8"]
