"""A virtual appliance (a VM whose NIC has IP forwarding on, the next hop of a UDR) as Azure customers run
one: a stateful router. Pure: builds the nft table of the appliance's namespace, never applies it.

What it does to the packets it forwards (the ``forward`` hook; its own traffic and the echo agent are untouched):

* Connection tracking decides (learn.microsoft.com/azure/architecture/networking/guide/network-virtual-appliance-
  high-availability: "NVAs are stateful … the return traffic must go through the same NVA instance";
  learn.microsoft.com/azure/firewall/integrate-lb: a reply that reaches the firewall without its request is
  dropped as asymmetric). Packets of a connection it saw begin pass; a TCP segment of a connection whose SYN it
  never forwarded (the SYN-ACK of a request that bypassed it, the client's ACK after a SYN-ACK that bypassed it)
  is dropped, as conntrack marks it invalid or not a valid start.
* What it forwards to the internet leaves with its own address (an NVA or Azure Firewall SNATs internet-bound
  traffic to its own IP, learn.microsoft.com/azure/firewall/snat-private-range; the platform then SNATs that
  address to the NIC's public IP), so the internet's replies come back through it.

UDP has no start to tell: a datagram the appliance never saw the other half of is a new flow to it and
passes (docs/fidelity.md, "Virtual appliances in the kernel").
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.dataplane import nft as n
from aksnet.dataplane.nsg_nft import collapse
from aksnet.rules import azure as azure_rules

TABLE = "aksnet-appliance"
_TCP_FLAGS = ("fin", "syn", "rst", "ack")


def _flags(names: Sequence[str]) -> object:
    """``fin | syn | rst | ack`` in nft JSON (binary operators take two operands)."""
    out: object = names[0]
    for name in names[1:]:
        out = {"|": [out, name]}
    return out


def build(own_ips: Sequence[str], vnet_space: Sequence[str]) -> n.Table:
    """The appliance's stateful forwarding filter and internet SNAT; ``vnet_space``: the prefixes that are not
    internet for it (its VNet, peerings, UDR prefixes)."""
    t = n.Table("ip", TABLE)
    t.chain("forward", hook="forward", ctype="filter", prio=0)
    t.rule("forward", n.match(n.ct("state"), n.anon_set(["established", "related"]), "in"), n.ACCEPT)
    t.rule("forward", n.match(n.ct("state"), "invalid"), n.DROP,
           comment="a packet of no connection the appliance saw (asymmetric routing)")
    t.rule("forward", n.match(n.meta("l4proto"), "tcp"),
           n.match({"&": [n.payload("tcp", "flags"), _flags(_TCP_FLAGS)]}, "syn", "!="), n.DROP,
           comment="a TCP segment of a connection whose SYN the appliance never forwarded (asymmetric routing)")
    t.chain("postrouting", hook="postrouting", ctype="nat", prio=100)
    excluded = [*azure_rules.INTERNET_EXCLUDED, *vnet_space]
    t.rule("postrouting", n.match(n.payload("ip", "saddr"), n.anon_set(list(own_ips)), "!="),
           n.match(n.payload("ip", "daddr"), n.anon_set([n.prefix(c) for c in collapse(excluded)]), "!="),
           {"snat": {"addr": own_ips[0]}}, comment="internet-bound traffic leaves with the appliance's address")
    return t
