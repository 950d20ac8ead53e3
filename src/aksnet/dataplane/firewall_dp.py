"""Azure Firewalls in the data plane plan: one namespace per firewall with an IP configuration in its VNet's
``AzureFirewallSubnet`` (a host on the VNet fabric at its private IP, routing on), its nftables
(``firewall_nft``) and its application-rule proxy (``firewall_proxy``, real NGINX); the fabric maps its public IP
to its private one both ways (``fabric``). The planner calls it; it decides nothing the engines do not
(service tags and FQDNs come from ``engine.firewall_hop.context``, the same as the twin's). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.dataplane import firewall_nft, firewall_proxy, names
from aksnet.dataplane import nft as n
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.spec import NftSpec, NginxSpec
from aksnet.engine import firewall_hop
from aksnet.engine.addressing import Topology
from aksnet.engine.resolve import upstream_table
from aksnet.model import azure
from aksnet.model.firewall import AzureFirewall
from aksnet.model.ids import id_key

NGINX_USER = "nobody nogroup"


@dataclass(frozen=True, slots=True)
class FirewallHost:
    key: str  # "firewall/<name>"
    netns: str
    link: str  # its link in the VNet fabric namespace
    subnet: azure.Subnet
    private_ip: str
    public_ips: tuple[str, ...]
    firewall: AzureFirewall


def hosts(topo: Topology, tag: str) -> list[FirewallHost]:
    """Every firewall with a private IP in a subnet the twin knows."""
    out = []
    for f in sorted(topo.twin.firewalls, key=lambda x: id_key(x.id)):
        cfg = next((c for c in f.ip_configurations if c.private_ip and c.subnet_id), None)
        subnet = topo.subnets.get(id_key(cfg.subnet_id)) if cfg and cfg.subnet_id else None
        if cfg is None or subnet is None or cfg.private_ip is None:
            continue
        ns = tn.firewall_ns(tag, f.id, f.name)
        out.append(FirewallHost(f"firewall/{f.name}", ns, names.link_name("vf", ns), subnet, cfg.private_ip,
                                f.public_ips, f))
    return out


def parts(topo: Topology, h: FirewallHost, prefix: str) -> tuple[NftSpec, NginxSpec | None, tuple[str, ...]]:
    """The firewall namespace's nftables, its NGINX (None without HTTP/HTTPS application rules) and notes;
    ``prefix``: NGINX's directory (with the plan's placeholder)."""
    vnet = topo.firewall_vnet(h.firewall)
    table = upstream_table(topo, vnet)
    addresses = {name: ips[0] for name, ips in table.items() if ips}
    proxy = firewall_proxy.render(h.firewall, addresses, f"{prefix}/nginx.pid", prefix, NGINX_USER)
    ctx = firewall_hop.context(topo)
    nft_table = firewall_nft.build(h.firewall, ctx, proxy.ports)
    spec = NftSpec(h.netns, *n.combine(h.netns, [nft_table]))
    nginx = NginxSpec(h.netns, h.key, proxy.conf) if proxy.ports else None
    notes = tuple(f"Azure Firewall {h.firewall.name}: {x}" for x in proxy.notes)
    if h.firewall.threat_intel_mode.lower() != "off":
        notes += (f"Azure Firewall {h.firewall.name}: threat intelligence {h.firewall.threat_intel_mode} has no "
                  "feed entry in the workspace: nothing is alerted or denied by it",)
    return spec, nginx, notes
