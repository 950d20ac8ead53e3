"""The Azure fabric in the ``azure-vnet`` namespace: VNet routing, NSGs, load balancer frontends, NAT.

Routing (virtual-networks-udr-overview,
learn.microsoft.com/azure/virtual-network/network-security-groups-overview): every host link has an ``iif`` rule
selecting its
subnet's table, which holds the subnet's effective routes from ``aksnet.engine.routing`` (VnetLocal and
peering → ``throw`` to the sending VNet's fabric table of host /32s; Internet → the internet router; None and
unknown next hops → ``unreachable``; VirtualAppliance → the appliance's link). Each VNet is a routing domain of
its own: its fabric table holds its hosts and its peerings' only (learn.microsoft.com/azure/virtual-network/
virtual-networks-overview: VNets are isolated), and a connection's VNet rides in its conntrack mark so replies
from the internet and instance public IP flows route into it. Overlay nodes reach the cluster's
pod CIDR through the fabric (AKS overlay routing domain), VMs do not. Load balancer frontends keep their
IP (floating IP, AKS's default): a new flow to frontend:port is marked for the chosen healthy member and a
fwmark rule routes it to that member's link (the member is the first healthy one, as ``engine.load_balancer``
chooses). Outbound SNAT per host follows ``engine.snat.internet_egress``. Pure: builds specs only.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aksnet.dataplane import names, nsg_nft
from aksnet.dataplane import nft as n
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.spec import RouteSpec, Routing, RuleSpec
from aksnet.engine import load_balancer, routing, snat
from aksnet.engine.addressing import Topology
from aksnet.model import azure
from aksnet.model.ids import id_key, same_id

if TYPE_CHECKING:
    from aksnet.dataplane.plan import Host


def _vnet_space(topo: Topology, vnet: azure.VirtualNetwork, pod_cidrs: Sequence[str]) -> list[str]:
    prefixes = list(vnet.address_prefixes)
    for p in vnet.peerings:
        prefixes += p.remote_address_prefixes
    rts = {id_key(s.route_table_id) for s in vnet.subnets if s.route_table_id}
    prefixes += routing.udr_prefixes(t for i, t in topo.route_tables.items() if i in rts)
    prefixes += pod_cidrs
    return nsg_nft.collapse(prefixes)


def _overlay_pod_cidrs(topo: Topology) -> list[str]:
    cluster = topo.cluster
    if cluster is None or cluster.plugin_flavour != "overlay" or not cluster.network_profile.pod_cidr:
        return []
    return [cluster.network_profile.pod_cidr]


def host_vnet_space(topo: Topology, h: Host) -> list[str]:
    """What is not internet for host ``h``: its first NIC's VNet with its peerings, UDR prefixes and the
    overlay pod CIDR (the VirtualNetwork service tag of its NSGs)."""
    vnet = topo.vnet_of_subnet.get(id_key(h.nics[0][1].id)) if h.nics else None
    return _vnet_space(topo, vnet, _overlay_pod_cidrs(topo)) if vnet is not None else []


def _vnet_key(topo: Topology, subnet: azure.Subnet) -> str:
    vnet = topo.vnet_of_subnet.get(id_key(subnet.id))
    return str(id_key(vnet.id)) if vnet is not None else ""


def _reachable(topo: Topology, key: str) -> set[str]:
    vnet = next((v for v in topo.vnets.values() if str(id_key(v.id)) == key), None)
    return {str(k) for k in topo.reachable_vnet_ids(vnet)} if vnet is not None else {key}


def _in_table(routes: Sequence[RouteSpec], table: int) -> list[RouteSpec]:
    """``routes`` placed in ``table``, the first one per destination."""
    seen: set[str] = set()
    out = []
    for r in routes:
        if r.dst not in seen:
            seen.add(r.dst)
            out.append(dataclasses.replace(r, table=table))
    return out


def _owner_link(hosts: Sequence[Host], ip: str) -> str | None:
    for h in hosts:
        for link, _, ips in h.nics:
            if ip in ips:
                return link
        if ip in h.extra_ips:
            return h.nics[0][0]
    return None


def build(topo: Topology, tag: str, hosts: Sequence[Host], inet_link: str,
          inet_host_links: Sequence[tuple[str, str]], frontends: Sequence[tuple[str, str]] = ()
          ) -> tuple[tuple[Routing, ...], list[n.Table], list[str]]:
    """(routing of the vnet and internet namespaces, the fabric's nft tables, public IPs routed to the VNet).
    ``frontends``: (public address, link in the fabric) of Azure-hosted proxies outside every VNet (Application
    Gateway for Containers): the internet reaches them through the fabric, and what they send back leaves for
    the internet."""
    vnet_ns = tn.vnet_ns(tag)
    pod_cidrs = _overlay_pod_cidrs(topo)
    rules: list[RuleSpec] = [RuleSpec(30000, tn.FABRIC_TABLE)]
    routes: list[RouteSpec] = []
    by_vnet, links_of = _addresses(topo, hosts)
    link_marks = _vnet_domains(topo, hosts, by_vnet, links_of, pod_cidrs, inet_link, rules, routes)
    _subnet_tables(topo, hosts, inet_link, rules, routes)
    # load balancer frontends (floating IP): mark → per-member table
    table_nft = n.Table("ip", "aksnet-fabric")
    member_marks = _member_tables(hosts, rules, routes)
    public_ips = sorted({p.ip_address for p in topo.twin.public_ips if p.ip_address}, key=ipaddress.IPv4Address)
    _lb_chains(topo, table_nft, member_marks, inet_link, link_marks)
    _nat_chains(topo, hosts, table_nft, inet_link, public_ips, link_marks)
    _nsg_chains(topo, hosts, table_nft, pod_cidrs)
    routes += [RouteSpec(f"{ip}/32", dev=link, table=tn.FABRIC_TABLE, scope="link") for ip, link in frontends]
    rules += [RuleSpec(500, tn.LOCAL_TABLE, iif=link) for link in sorted({link for _, link in frontends})]
    public_ips += [ip for ip, _ in frontends if ip not in public_ips]
    vnet_routing = Routing(vnet_ns, tuple(rules), tuple(routes))
    inet_routes = [RouteSpec(f"{ip}/32", gateway=tn.VNET_INET_VNET_IP, dev="up0", table=tn.FABRIC_TABLE, onlink=True)
                   for ip in public_ips if ip not in {x for x, _ in inet_host_links}]
    inet_routes += [RouteSpec(f"{ip}/32", dev=link, table=tn.FABRIC_TABLE, scope="link")
                    for ip, link in inet_host_links]
    inet_routes.append(RouteSpec("default", table=tn.FABRIC_TABLE, type="unreachable"))
    inet_routing = Routing(tn.internet_ns(tag), (RuleSpec(30000, tn.FABRIC_TABLE),), tuple(inet_routes))
    return (vnet_routing, inet_routing), [table_nft], public_ips


def _addresses(topo: Topology, hosts: Sequence[Host]) -> tuple[dict[str, list[RouteSpec]], dict[str, list[str]]]:
    """Where every address lives, per VNet: a host's NIC addresses, and its pods behind its first NIC; and each
    VNet's host links."""
    by_vnet: dict[str, list[RouteSpec]] = {}
    links_of: dict[str, list[str]] = {}
    for h in hosts:
        for link, subnet, ips in h.nics:
            key = _vnet_key(topo, subnet)
            links_of.setdefault(key, []).append(link)
            by_vnet.setdefault(key, []).extend(RouteSpec(f"{ip}/32", dev=link, scope="link") for ip in ips)
        node_ip = h.nics[0][2][0]
        first = by_vnet.setdefault(_vnet_key(topo, h.nics[0][1]), [])
        first += [RouteSpec(f"{ip}/32", gateway=node_ip, dev=h.nics[0][0], onlink=True) for ip in h.extra_ips]
        if h.pod_cidr:
            first.append(RouteSpec(h.pod_cidr, gateway=node_ip, dev=h.nics[0][0], onlink=True))
    return by_vnet, links_of


def _vnet_domains(topo: Topology, hosts: Sequence[Host], by_vnet: dict[str, list[RouteSpec]],
                  links_of: dict[str, list[str]], pod_cidrs: Sequence[str], inet_link: str, rules: list[RuleSpec],
                  routes: list[RouteSpec]) -> dict[str, int]:
    """The fabric's tables and rules per VNet (appended to ``rules``/``routes``); returns each host link's VNet
    mark."""
    # the fabric table (packets from the internet, the fabric's own replies): every address, the first VNet's
    # when unpeered VNets overlap; each VNet's own fabric table: its hosts and its peerings' only, so VNets
    # are separate routing domains even with the same address space (virtual-networks-overview)
    everything = [r for key in sorted(by_vnet) for r in by_vnet[key]]
    routes += _in_table(everything, tn.FABRIC_TABLE)
    routes += _in_table(everything, tn.LOCAL_TABLE)
    link_marks: dict[str, int] = {}
    for i, key in enumerate(sorted(links_of)):
        table = tn.VNET_FABRIC_BASE + i
        # replies from the internet (un-SNATed) and flows to an instance public IP (DNATed) find their VNet by
        # the mark their connection got where it entered the fabric
        mark = tn.vnet_mark(i)
        link_marks.update((link, mark) for link in links_of[key])
        rules.append(RuleSpec(150, table, iif=inet_link, fwmark=mark))
        scope = [key, *sorted(k for k in _reachable(topo, key) if k != key)]
        routes += _in_table([r for k in scope for r in by_vnet.get(k, [])], table)
        routes.append(RouteSpec("default", table=table, type="unreachable"))
        rules += [RuleSpec(20000, table, iif=link) for link in links_of[key]]
        for h in hosts:
            if h.pod_cidr and h.nics[0][0] in links_of[key]:
                rules += [RuleSpec(900, table, iif=h.nics[0][0], dst=pc) for pc in pod_cidrs]
    # replies the fabric itself makes (ICMP unreachable, NSG rejects) reach hosts and the internet
    routes.append(RouteSpec("default", gateway=tn.VNET_INET_INET_IP, dev=inet_link, table=tn.LOCAL_TABLE,
                            onlink=True))
    rules.append(RuleSpec(500, tn.LOCAL_TABLE, iif="lo"))
    routes.append(RouteSpec("default", table=tn.FABRIC_TABLE, type="unreachable"))
    return link_marks


def _subnet_tables(topo: Topology, hosts: Sequence[Host], inet_link: str, rules: list[RuleSpec],
                   routes: list[RouteSpec]) -> None:
    """One table per subnet with its effective routes (appended to ``rules``/``routes``)."""
    subnets: dict[str, azure.Subnet] = {}
    for h in hosts:
        for _, s, _ in h.nics:
            subnets.setdefault(id_key(s.id), s)
    for i, sid in enumerate(sorted(subnets)):
        table = tn.SUBNET_TABLE_BASE + i
        s = subnets[sid]
        for h in hosts:
            for link, hs, _ in h.nics:
                if id_key(hs.id) == sid:
                    rules.append(RuleSpec(1000, table, iif=link))
        vnet = topo.vnet_of_subnet.get(id_key(sid))
        if vnet is None:
            continue
        rt = topo.route_tables.get(id_key(s.route_table_id))
        peered = [v for v in topo.vnets.values()
                  if any(same_id(p.remote_vnet_id, v.id) for p in vnet.peerings)]
        reach = _reachable(topo, str(id_key(vnet.id)))
        near = [h for h in hosts if any(_vnet_key(topo, hs) in reach for _, hs, _ in h.nics)]
        for er in routing.effective_routes(vnet, rt, peered):
            routes.append(_route_of(er, table, near, inet_link))


def _member_tables(hosts: Sequence[Host], rules: list[RuleSpec], routes: list[RouteSpec]) -> dict[str, int]:
    """One mark and table per load balancer member (a node): flows marked for it route to it; returns the marks
    by the node's address."""
    member_marks: dict[str, int] = {}
    node_hosts = [h for h in hosts if h.kind == "node"]
    for i, h in enumerate(node_hosts):
        mark = tn.BACKEND_MARK_BASE + i
        member_marks[h.nics[0][2][0]] = mark
        rules.append(RuleSpec(100, tn.BACKEND_TABLE_BASE + i, fwmark=mark))
        routes.append(RouteSpec("default", gateway=h.nics[0][2][0], dev=h.nics[0][0],
                                table=tn.BACKEND_TABLE_BASE + i, onlink=True))
    return member_marks


def _route_of(er: routing.EffectiveRoute, table: int, hosts: Sequence[Host], inet_link: str) -> RouteSpec:
    hop = er.next_hop_type
    if hop in ("VnetLocal", "VNetPeering"):
        return RouteSpec(er.prefix, table=table, type="throw")
    if hop == "Internet":
        return RouteSpec(er.prefix, gateway=tn.VNET_INET_INET_IP, dev=inet_link, table=table, onlink=True)
    if hop == "VirtualAppliance" and er.next_hop_ip:
        link = _owner_link(hosts, er.next_hop_ip)
        if link:
            return RouteSpec(er.prefix, gateway=er.next_hop_ip, dev=link, table=table, onlink=True)
    return RouteSpec(er.prefix, table=table, type="unreachable")


def _lb_chains(topo: Topology, t: n.Table, member_marks: dict[str, int], inet_link: str,
               link_marks: dict[str, int]) -> None:
    """Load balancer rules mark a new flow to a frontend for its member (ct mark, low bits); a new flow from a
    host gets its VNet's bits, so its replies from the internet route within that VNet."""
    t.chain("lb-prerouting", hook="prerouting", ctype="filter", prio=-150)
    elems: list[list[Any]] = []
    node_of_ip = {nd.internal_ip: nd.name for nd in topo.nodes.values()}
    for lb in sorted(topo.twin.load_balancers, key=lambda x: id_key(x.id)):
        for rule in lb.rules:
            fe = next((f for f in lb.frontends if same_id(f.id, rule.frontend_id)), None)
            if fe is None:
                continue
            ip = fe.private_ip
            if fe.public_ip_id:
                pip = topo.public_ips.get(id_key(fe.public_ip_id))
                ip = pip.ip_address if pip else None
            if not ip:
                continue
            protos = ["tcp", "udp"] if rule.protocol.lower() == "all" else [rule.protocol.lower()]
            for proto in protos:
                # the same judgement as trace: kube-proxy answers the probe and the member's NSGs admit it
                healthy = load_balancer.pool_health(topo, lb, rule, ip, rule.frontend_port, proto).healthy
                chain = f"lbr-{names.short_hash(id_key(f'{lb.id}/{rule.name}/{proto}'), 10)}"
                t.chain(chain)
                member = next((m for m in healthy if m in member_marks), None)
                if member is None:
                    t.rule(chain, n.DROP, comment=f"{lb.name}/{rule.name}: no healthy member")
                else:
                    t.rule(chain, {"mangle": {"key": n.ct("mark"), "value": member_marks[member]}},
                           comment=f"{lb.name}/{rule.name} -> {node_of_ip.get(member, member)}")
                elems.append([{"concat": [ip, proto, rule.frontend_port]}, n.jump(chain)])
    if elems:
        t.rule("lb-prerouting", n.match(n.ct("state"), "new"),
               {"vmap": {"key": {"concat": [n.payload("ip", "daddr"), n.meta("l4proto"), n.payload("th", "dport")]},
                         "data": {"set": elems}}})
    for mark in sorted(set(link_marks.values())):
        links = sorted(k for k, v in link_marks.items() if v == mark)
        t.rule("lb-prerouting", n.match(n.ct("state"), "new"), n.match(n.meta("iifname"), n.anon_set(links)),
               {"mangle": {"key": n.ct("mark"), "value": {"|": [n.ct("mark"), mark]}}}, comment="the VNet it entered")
    inet = n.match(n.meta("iifname"), inet_link)
    lb_bits = {"&": [n.ct("mark"), tn.MEMBER_MARK_MASK]}
    vnet_bits = {"&": [n.ct("mark"), tn.VNET_MARK_MASK]}
    t.rule("lb-prerouting", n.match(n.ct("direction"), "original"), n.match(n.meta("iifname"), inet_link, "!="),
           n.match(lb_bits, 0, "!="), {"mangle": {"key": n.meta("mark"), "value": lb_bits}})
    t.rule("lb-prerouting", n.match(n.ct("direction"), "original"), inet, n.match(n.ct("mark"), 0, "!="),
           {"mangle": {"key": n.meta("mark"), "value": n.ct("mark")}})
    t.rule("lb-prerouting", n.match(n.ct("direction"), "reply"), inet, n.match(vnet_bits, 0, "!="),
           {"mangle": {"key": n.meta("mark"), "value": vnet_bits}})


def _nat_chains(topo: Topology, hosts: Sequence[Host], t: n.Table, inet_link: str, public_ips: list[str],
                link_marks: dict[str, int]) -> None:
    t.chain("dnat", hook="prerouting", ctype="nat", prio=-100)
    t.chain("snat", hook="postrouting", ctype="nat", prio=100)
    t.chain("egress", hook="forward", ctype="filter", prio=-10)
    cluster = topo.cluster
    for h in hosts:
        if h.kind == "fw":
            _firewall_nat(topo, h, t, inet_link)
            continue
        if h.kind == "agc":  # its proxies reach the internet from their frontends, never through the VNet
            continue
        for nic in h.nic_objs:
            for c in nic.ip_configurations:
                if c.public_ip_id:
                    pip = topo.public_ips.get(id_key(c.public_ip_id))
                    if pip and pip.ip_address:
                        mark = link_marks.get(h.nics[0][0], 0)
                        t.rule("dnat", n.match(n.payload("ip", "daddr"), pip.ip_address),
                               {"mangle": {"key": n.ct("mark"), "value": {"|": [n.ct("mark"), mark]}}},
                               {"mangle": {"key": n.meta("mark"), "value": mark}},
                               {"dnat": {"addr": c.private_ip}}, comment=f"instance public IP {pip.name}")
        for link, subnet, ips in h.nics:
            for ip in ips:
                nic_cfg = next((c for nic in h.nic_objs for c in nic.ip_configurations if c.private_ip == ip), None)
                dec = snat.internet_egress(topo, ip, subnet, nic_cfg,
                                           cluster if h.kind == "node" else None)
                out = n.match(n.meta("oifname"), inet_link)
                # the host's own link too: unpeered VNets may hold the same address
                src = n.match(n.payload("ip", "saddr"), ip), n.match(n.meta("iifname"), link)
                if dec.public_ip is None:
                    t.rule("egress", out, *src, n.reject_fast(), comment=dec.rule[:120])
                else:
                    t.rule("snat", out, *src, {"snat": {"addr": dec.public_ip}}, comment=dec.rule[:120])
                    if dec.public_ip not in public_ips:
                        public_ips.append(dec.public_ip)


def _firewall_nat(topo: Topology, h: Host, t: n.Table, inet_link: str) -> None:
    """An Azure Firewall's public IP: the internet's flows to it reach its private IP (its DNAT rules match
    there), and what it sends to the internet leaves from it (https://learn.microsoft.com/azure/firewall/
    snat-private-range)."""
    private = h.nics[0][2][0]
    fw = next((f for f in topo.twin.firewalls if f.private_ip == private), None)
    public = fw.public_ips[0] if fw and fw.public_ips else None
    out = n.match(n.meta("oifname"), inet_link)
    src = n.match(n.payload("ip", "saddr"), private)
    if public is None:
        t.rule("egress", out, src, n.reject_fast(), comment=f"Azure Firewall {fw.name if fw else private}: no "
                                                             "public IP")
        return
    t.rule("dnat", n.match(n.payload("ip", "daddr"), public), {"dnat": {"addr": private}},
           comment=f"Azure Firewall {fw.name if fw else private} public IP")
    t.rule("snat", out, src, {"snat": {"addr": public}}, comment=f"Azure Firewall {fw.name if fw else private}")


def _nsg_chains(topo: Topology, hosts: Sequence[Host], t: n.Table, pod_cidrs: Sequence[str]) -> None:
    t.chain("forward", hook="forward", ctype="filter", prio=0)
    t.rule("forward", n.match(n.ct("state"), n.anon_set(["established", "related"]), "in"), n.ACCEPT)
    t.rule("forward", n.match(n.ct("state"), "invalid"), n.DROP)
    made: dict[tuple[str, str, str], str] = {}
    out_map: list[list[Any]] = []
    in_map: list[list[Any]] = []

    def chain_of(nsg_id: str | None, direction: str, vnet: azure.VirtualNetwork) -> str | None:
        if not nsg_id:
            return None
        nsg = topo.nsgs.get(id_key(nsg_id))
        if nsg is None:
            return None
        key = (id_key(nsg.id), direction, id_key(vnet.id))
        if key not in made:
            made[key] = nsg_nft.add_nsg_chain(t, nsg, direction, vnet.id, _vnet_space(topo, vnet, pod_cidrs))
        return made[key]

    for h in hosts:
        for i, (link, subnet, _) in enumerate(h.nics):
            vnet = topo.vnet_of_subnet.get(id_key(subnet.id))
            if vnet is None:
                continue
            nic_nsg = h.nic_objs[i].nsg_id if i < len(h.nic_objs) else None
            outs = [c for c in (chain_of(nic_nsg, "Outbound", vnet), chain_of(subnet.nsg_id, "Outbound", vnet)) if c]
            ins = [c for c in (chain_of(subnet.nsg_id, "Inbound", vnet), chain_of(nic_nsg, "Inbound", vnet)) if c]
            for direction, chains, target in (("out", outs, out_map), ("in", ins, in_map)):
                if not chains:
                    continue
                hc = f"host-{direction}-{link}"
                t.chain(hc)
                for c in chains:
                    t.rule(hc, n.jump(c))
                target.append([link, n.jump(hc)])
    if out_map:
        t.rule("forward", {"vmap": {"key": n.meta("iifname"), "data": {"set": out_map}}})
    if in_map:
        t.rule("forward", {"vmap": {"key": n.meta("oifname"), "data": {"set": in_map}}})


def apiserver_filter(topo: Topology, mc: azure.ManagedCluster) -> n.Table:
    """The public API server answers TCP 443 only, from the authorized ranges plus the cluster's outbound IPs
    when ranges are set (engine.apiserver.check_public)."""
    t = n.Table("ip", "aksnet-apiserver")
    t.chain("input", hook="prerouting", ctype="filter", prio=-150)  # before the echo redirect
    t.rule("input", n.match(n.ct("state"), n.anon_set(["established", "related"]), "in"), n.ACCEPT)
    t.rule("input", n.match(n.meta("l4proto"), "tcp"), n.match(n.payload("th", "dport"), 443, "!="),
           n.reject_fast(), comment="TCP/443 only")
    t.rule("input", n.match(n.meta("l4proto"), "tcp", "!="), n.reject_fast())
    ranges = [r for r in mc.authorized_ip_ranges if r and r != "0.0.0.0/32"]
    if mc.authorized_ip_ranges:
        outbound = [p.ip_address for pid in mc.network_profile.effective_outbound_ip_ids
                    if (p := topo.public_ips.get(id_key(pid))) and p.ip_address]
        allowed = nsg_nft.collapse([*ranges, *outbound])
        if allowed:
            t.rule("input", n.match(n.payload("ip", "saddr"), n.anon_set([n.prefix(c) for c in allowed]), "!="),
                   n.reject_fast(), comment="apiServerAccessProfile.authorizedIpRanges")
        else:
            t.rule("input", n.reject_fast(), comment="apiServerAccessProfile.authorizedIpRanges")
    return t
