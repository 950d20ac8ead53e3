"""The pure planner: Twin → a declarative :class:`Plan` of namespaces, links, addresses, routes, sysctls,
nft documents, echo listeners, DNS records, resolv.conf files and NGINX configurations.

Topology (DESIGN.md "Data plane sketch"): one ``azure-vnet`` namespace is the VNet's SDN router (system
routes, UDRs, NSGs, load balancer frontends with floating IP, outbound SNAT); one ``azure-internet``
namespace is the internet router; every node, VM, private endpoint, internet host and public API server
gets its own namespace attached to one of them; pods hang off their node (kubenet: a ``cbr0`` bridge with
the node's /24; Azure CNI and overlay: routed /32s through 169.254.1.1, Azure CNI transparent mode).
Every host sends all traffic to its subnet gateway (.1), as on an Azure NIC, so every packet between hosts
crosses the fabric and meets its routes and NSGs. Deterministic and side-effect free: golden-tested
without root. It must not touch the kernel or the workspace.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from aksnet.dataplane import appliance_nft, fabric, firewall_dp, gateway_dp, kubeproxy_nft, mesh_plan, names, netpol_nft
from aksnet.dataplane import nft as n
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.ipv4_view import ipv4_view
from aksnet.dataplane.spec import Addr, Bridge, Listener, NftSpec, NginxSpec, Plan, RouteSpec, Unit, Veth
from aksnet.engine import coredns, ingress, kube_proxy, lookup, resolve, walk
from aksnet.engine.addressing import Topology
from aksnet.engine.ingress import streams
from aksnet.errors import AksnetError
from aksnet.model import azure, k8s
from aksnet.model.addr import bridge_address
from aksnet.model.ids import id_key
from aksnet.model.twin import Twin
from aksnet.rules.azure import HOST_VIP
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT, NAMED_INTERNET_HOSTS

# Rejects answer with ICMP errors; the kernel's ICMP rate limits would turn a burst of probes into timeouts.
_NO_ICMP_LIMIT = (("net.ipv4.icmp_ratelimit", "0"), ("net.ipv4.icmp_msgs_per_sec", "1000000"),
                  ("net.ipv4.icmp_msgs_burst", "1000000"))
NODE_SYSCTLS = (("net.ipv4.ip_forward", "1"), ("net.ipv4.conf.all.rp_filter", "0"),
                ("net.ipv4.conf.default.rp_filter", "0"), ("net.bridge.bridge-nf-call-iptables", "1"), *_NO_ICMP_LIMIT)
ROUTER_SYSCTLS = (("net.ipv4.ip_forward", "1"), ("net.ipv4.conf.all.rp_filter", "0"),
                  ("net.ipv4.conf.default.rp_filter", "0"), *_NO_ICMP_LIMIT)
INGRESS_CONTROLLER_PORTS = (80, 443)
NGINX_PLACEHOLDER = "@DATAPLANE@"
NO_CLUSTER_NOTE = "no AKS cluster in the workspace: only VNets, VMs and the internet are built"


@dataclass
class Host:
    """A NIC-attached namespace in the fabric (node, VM or private endpoint)."""

    key: str
    netns: str
    kind: str  # node | vm | pe
    nics: list[tuple[str, azure.Subnet, tuple[str, ...]]]  # (link name in vnet, subnet, private IPs)
    extra_ips: list[str] = field(default_factory=list)  # addresses routed to it (Azure CNI pods)
    pod_cidr: str | None = None  # overlay: the node's /24 routed by the fabric
    node: k8s.Node | None = None
    vm: azure.VirtualMachine | None = None
    nic_objs: list[azure.NetworkInterface] = field(default_factory=list)
    identity: tuple[tuple[str, str], ...] = ()


def _host_uplinks(h: Host) -> tuple[Veth, ...]:
    out = []
    for i, (link, subnet, ips) in enumerate(h.nics):
        gw, plen = tn.subnet_gateway(subnet)
        peer_routes = [RouteSpec(f"{gw}/32", dev=f"eth{i}", scope="link")]
        if i == 0:
            peer_routes.append(RouteSpec("default", gateway=gw))
        out.append(Veth(name=link, peer_name=f"eth{i}", addrs=(Addr(gw, 32),),
                        peer_addrs=tuple(Addr(ip, plen) for ip in ips), peer_routes=tuple(peer_routes),
                        drop_peer_prefix_route=True))
    return tuple(out)


def collect_hosts(topo: Topology, tag: str) -> list[Host]:
    """Nodes of the focused cluster, VMs and private endpoints, each with its NICs' subnets and addresses."""
    hosts: list[Host] = []
    node_nics: set[str] = set()
    cluster = topo.cluster
    flavour = cluster.plugin_flavour if cluster else "kubenet"
    for node in sorted(topo.nodes.values(), key=lambda x: x.name):
        nic = topo.nic_of_node(node)
        subnet = None
        if nic is not None:
            node_nics.add(id_key(nic.id))
            subnet = topo.subnets.get(id_key(nic.ip_configurations[0].subnet_id))
        if subnet is None and cluster is not None and cluster.agent_pools:
            subnet = topo.subnets.get(id_key(cluster.agent_pools[0].vnet_subnet_id))
        if subnet is None or not node.internal_ip:
            continue
        ns = tn.node_ns(tag, node.name)
        h = Host(f"node/{node.name}", ns, "node", [(names.link_name("vh", ns), subnet, (node.internal_ip,))],
                 node=node, nic_objs=[nic] if nic else [])
        if flavour in ("azure", "podsubnet"):
            extra = set(node.reserved_pod_ips)
            if nic is not None:
                extra |= {c.private_ip for c in nic.ip_configurations[1:]}
            extra |= {p.pod_ip for p in topo.state.pods if p.node_name == node.name and p.pod_ip
                      and not p.host_network}
            extra.discard(node.internal_ip)
            h.extra_ips = sorted(extra, key=ipaddress.IPv4Address)
        elif flavour == "overlay" and node.pod_cidr:
            h.pod_cidr = node.pod_cidr
        hosts.append(h)
    for vm in sorted(topo.twin.vms, key=lambda v: (v.name, id_key(v.id))):
        ns = tn.vm_ns(tag, vm.name, vm.id)
        nics = []
        objs = []
        for i, nid in enumerate(vm.nic_ids):
            nic = topo.nics.get(id_key(nid))
            if nic is None or id_key(nic.id) in node_nics:
                continue
            by_subnet: dict[str, list[str]] = {}
            for c in nic.ip_configurations:
                by_subnet.setdefault(id_key(c.subnet_id), []).append(c.private_ip)
            sid = id_key(nic.ip_configurations[0].subnet_id)
            subnet = topo.subnets.get(sid)
            if subnet is None:
                continue
            nics.append((names.link_name("vh", f"{ns}#{i}"), subnet, tuple(by_subnet[sid])))
            objs.append(nic)
        if nics:
            ip0 = nics[0][2][0]
            hosts.append(Host(f"vm/{vm.name}", ns, "vm", nics, vm=vm, nic_objs=objs,
                              identity=(("vm", vm.name), ("vm_ip", ip0))))
    for pe in sorted(topo.twin.private_endpoints, key=lambda p: id_key(p.id)):
        subnet = topo.subnets.get(id_key(pe.subnet_id))
        if subnet is None or not pe.private_ip:
            continue
        ns = tn.pe_ns(tag, pe.id, pe.name)
        hosts.append(Host(f"pe/{pe.name}", ns, "pe", [(names.link_name("vh", ns), subnet, (pe.private_ip,))],
                          identity=(("private_endpoint", pe.name), ("private_endpoint_ip", pe.private_ip))))
    return hosts


def _pod_units(topo: Topology, tag: str, node_units: dict[str, Unit], flavour: str) -> list[tuple[Unit, k8s.Pod]]:
    out = []
    for pod in sorted(topo.state.pods, key=lambda p: p.key):
        if pod.host_network or not pod.pod_ip or not pod.node_name or pod.phase in ("Succeeded", "Failed"):
            continue
        node_unit = node_units.get(pod.node_name)
        node = topo.nodes.get(pod.node_name)
        if node_unit is None or node is None:
            continue
        ns = tn.pod_ns(tag, pod.namespace, pod.name)
        link = names.link_name("pv", ns)
        if flavour == "kubenet" and node.pod_cidr:
            net = ipaddress.IPv4Network(node.pod_cidr, strict=False)
            veth = Veth(name=link, peer_name="eth0", master="cbr0", hairpin=True,
                        peer_addrs=(Addr(pod.pod_ip, net.prefixlen),),
                        peer_routes=(RouteSpec("default", gateway=bridge_address(node.pod_cidr)),))
        else:
            veth = Veth(name=link, peer_name="eth0", addrs=(Addr(tn.POD_GW, 32, "link"),),
                        peer_addrs=(Addr(pod.pod_ip, 32),),
                        routes=(RouteSpec(f"{pod.pod_ip}/32", dev=link, scope="link", src=node.internal_ip),),
                        peer_routes=(RouteSpec(f"{tn.POD_GW}/32", dev="eth0", scope="link"),
                                     RouteSpec("default", gateway=tn.POD_GW)))
        unit = Unit(key=f"pod/{pod.key}", netns=ns, kind="pod", parent=node_unit.netns, uplinks=(veth,),
                    sysctls=_NO_ICMP_LIMIT,
                    labels=(("pod", pod.key), ("node", pod.node_name), ("ip", pod.pod_ip)))
        out.append((unit, pod))
    return out


def _echo_table(excluded_tcp: Sequence[int], excluded_udp: Sequence[int],
                only: Sequence[tuple[int, str]] | None = None, local_only: bool = False) -> n.Table:
    """The echo agent answers in this namespace: on every TCP/UDP port (VMs, internet hosts, as the twin's
    VMs and internet hosts accept any port) or only on ``only`` (a pod's declared TCP containerPorts: the
    twin refuses other ports), by redirecting them to the agent's one port. A pod's declared UDP ports get
    real sockets instead (the agent could not tell the original port of a redirected datagram). ``local_only``
    (VMs): only packets addressed to the host itself, so a virtual appliance forwards (or, without IP
    forwarding, drops) what a route sends through it instead of answering it."""
    t = n.Table("ip", "aksnet-echo")
    t.chain("prerouting", hook="prerouting", ctype="nat", prio=-100)
    for proto, excl in (("tcp", excluded_tcp), ("udp", excluded_udp)):
        exprs = [n.match(n.meta("l4proto"), proto)]
        if local_only:
            exprs.append(n.match(n.fib_daddr_type(), "local"))
        if only is None:
            ports = sorted(set(excl) | {tn.ECHO_PORT})
            exprs.append(n.match(n.payload("th", "dport"), n.anon_set(ports), "!="))
        else:
            if proto == "udp":
                continue  # the agent opens the declared UDP ports themselves (pod_udp_ports)
            wanted = sorted({p for p, pr in only if pr.lower() == proto and p not in excl and p != tn.ECHO_PORT})
            if not wanted:
                continue
            exprs.append(n.match(n.payload("th", "dport"), n.anon_set(wanted)))
        t.rule("prerouting", *exprs, {"redirect": {"port": tn.ECHO_PORT}}, comment="aksnet echo agent")
    return t


# NGINX's worker processes run as this user and group (Debian's unprivileged nobody/nogroup); the master
# process stays root to bind the listeners and read the 0600 certificates (the chart runs the controller as uid 101)
NGINX_USER = "nobody nogroup"


def _stream_servers(topo: Topology, pod: k8s.Pod) -> list[streams.StreamServer]:
    """The tcp/udp services entries on the controller pod's declared ports (listening or skipped)."""
    found = (streams.stream_server(topo.state, topo.slices_by_service, pod, cp.container_port, cp.protocol)
             for cp in sorted(pod.ports, key=lambda c: (c.protocol, c.container_port)))
    return [srv for srv in found if srv is not None]


def _nginx_spec(topo: Topology, unit: Unit, pod: k8s.Pod, kind: str,
                stream_servers: Sequence[streams.StreamServer] = ()) -> NginxSpec | None:
    """The controller pod's nginx.conf (``aksnet.dataplane.nginx_conf``) with its certificates and stream servers;
    paths under ``@DATAPLANE@`` (the workspace's data plane directory, filled in by apply)."""
    from aksnet.dataplane import nginx_conf

    try:
        view = ingress.controller_view(topo.state, kind)
    except AksnetError:
        return None
    prefix = f"{NGINX_PLACEHOLDER}/nginx/{unit.netns}"
    conf = nginx_conf.render_nginx_conf(view, prefix=prefix, cert_dir=f"{prefix}/certs", listen_address=pod.pod_ip,
                                        user=NGINX_USER, streams=stream_servers)
    files = tuple(sorted(nginx_conf.certificate_files(view, f"{prefix}/certs").items()))
    return NginxSpec(unit.netns, pod.key, conf, files)


@dataclass
class _Parts:
    """What the planner accumulates, in the order apply creates it."""

    units: list[Unit] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    nft_specs: list[NftSpec] = field(default_factory=list)
    resolv: list[tuple[str, str]] = field(default_factory=list)
    nginx: list[NginxSpec] = field(default_factory=list)
    azure_dns: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)  # per VNet
    notes: list[str] = field(default_factory=list)

    def echo_host(self, netns: str, identity: tuple[tuple[str, str], ...], local_only: bool = False,
                  extra: Sequence[n.Table] = (), azure_dns: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        """A host that answers on every port: an echo listener and an echo table without exclusions
        (``local_only``: for its own addresses only), with ``extra`` tables in the same namespace and
        ``azure_dns`` answered on 168.63.129.16:53."""
        self.listeners.append(Listener(netns, identity, azure_dns=azure_dns))
        self.nft_specs.append(NftSpec(netns, *n.combine(netns, [_echo_table((), (), local_only=local_only),
                                                                 *extra])))


def build_plan(twin: Twin, tag: str, cluster_id: str | None = None,
               internet_hosts: Sequence[str] = (), balance: str = "first", with_nginx: bool = True) -> Plan:
    """The whole data plane for the VNets, VMs and one cluster (the focused one) of ``twin``: its IPv4 half
    (``ipv4_view``; a dual-stack cluster's IPv6 side is twin-only and named in the notes)."""
    twin, v6_notes = ipv4_view(twin)
    topo = Topology.build(twin, cluster_id)
    cluster = topo.cluster
    flavour = cluster.plugin_flavour if cluster else "kubenet"
    vnet, inet = tn.vnet_ns(tag), tn.internet_ns(tag)
    inet_link = names.link_name("vi", inet)
    parts = _Parts(units=_router_units(vnet, inet, inet_link))
    hosts = collect_hosts(topo, tag)
    node_units = _host_units(parts, topo, hosts, flavour, vnet)
    _pod_parts(parts, topo, _pod_units(topo, tag, node_units, flavour), with_nginx)
    _node_listeners(parts, topo, node_units)
    fw_notes = _firewall_parts(parts, topo, tag, hosts, vnet, with_nginx)
    agc = _agc_parts(parts, topo, tag, hosts, vnet, with_nginx)
    # egress through a firewall reaches the named internet hosts (mcr.microsoft.com …): they get namespaces
    named = NAMED_INTERNET_HOSTS.values() if fw_notes is not None else ()
    inet_ips = sorted({DEFAULT_INTERNET_CLIENT, *internet_hosts, *named}, key=ipaddress.IPv4Address)
    inet_host_links = _internet_hosts(parts, tag, inet, inet_ips)
    inet_host_links += _apiserver_units(topo, tag, inet, parts.units, parts.listeners, parts.nft_specs)
    clients = sorted({*inet_ips, *(nd.internal_ip for nd in topo.nodes.values() if nd.internal_ip),
                      *(p.pod_ip for p in topo.state.pods if p.pod_ip),
                      *(ip for h in hosts if h.kind != "fw" for _, _, nic_ips in h.nics for ip in nic_ips)},
                     key=ipaddress.IPv4Address)
    _node_rulesets(parts, topo, node_units, flavour, balance, clients)
    routing, fabric_nft, _public_ips = fabric.build(topo, tag, hosts, inet_link, inet_host_links,
                                                    gateway_dp.frontend_links(agc))
    parts.nft_specs.append(NftSpec(vnet, *n.combine(vnet, fabric_nft)))
    notes = (() if cluster is not None else (NO_CLUSTER_NOTE,)) + (fw_notes or ()) + tuple(parts.notes) + v6_notes
    return Plan(tag=tag, units=tuple(parts.units), routing=routing, nft=tuple(parts.nft_specs),
                listeners=tuple(parts.listeners), dns_records=_dns_records(topo), resolv=tuple(parts.resolv),
                nginx=tuple(parts.nginx), notes=notes)


def _firewall_parts(parts: _Parts, topo: Topology, tag: str, hosts: list[Host], vnet: str,
                    with_nginx: bool) -> tuple[str, ...] | None:
    """Azure Firewalls (``firewall_dp``): a routing namespace on the fabric each, with its nftables and its
    application-rule proxy; they join ``hosts`` so the fabric routes to them. None when there is none."""
    fws = firewall_dp.hosts(topo, tag)
    if not fws:
        return None
    notes: tuple[str, ...] = ()
    for fh in fws:
        h = Host(fh.key, fh.netns, "fw", [(fh.link, fh.subnet, (fh.private_ip,))])
        hosts.append(h)
        proxy = fh.firewall.dns_proxy
        parts.units.append(Unit(fh.key, fh.netns, "firewall", parent=vnet, uplinks=_host_uplinks(h),
                                sysctls=ROUTER_SYSCTLS, loopback=(Addr(HOST_VIP, 32, "host"),) if proxy else (),
                                labels=(("firewall", fh.firewall.name), ("ip", fh.private_ip),
                                        ("public", ",".join(fh.public_ips)))))
        spec, nginx, fw_notes = firewall_dp.parts(topo, fh, f"{NGINX_PLACEHOLDER}/nginx/{fh.netns}")
        if proxy:  # DNS proxy: a forwarder on the private IP asks Azure DNS (168.63.129.16) in the same namespace
            parts.listeners.append(Listener(fh.netns, (("firewall", fh.firewall.name),), catch_all=False,
                                            dns_proxy_ip=fh.private_ip,
                                            azure_dns=azure_dns_table(parts, topo, fh.private_ip)))
        parts.nft_specs.append(spec)
        if nginx is not None and with_nginx:
            parts.nginx.append(nginx)
        notes += fw_notes
    return notes


def _agc_parts(parts: _Parts, topo: Topology, tag: str, hosts: list[Host], vnet: str,
               with_nginx: bool) -> list[gateway_dp.AgcHost]:
    """Application Gateway for Containers (``gateway_dp``): a namespace per traffic controller on the VNet fabric,
    its associations joining ``hosts`` (the fabric routes to them and applies their subnet's NSG), its NGINX."""
    agcs = gateway_dp.agc_hosts(topo, tag)
    for h in agcs:
        space = fabric.host_vnet_space(topo, Host(h.key, h.netns, "agc", [(link, s, (ip,)) for link, s, ip in
                                                                         h.associations[:1]]))
        hosts.append(Host(h.key, h.netns, "agc", [(link, s, (ip,)) for link, s, ip in h.associations]))
        parts.units.append(gateway_dp.agc_unit(h, vnet, space, ROUTER_SYSCTLS))
        spec, notes = gateway_dp.agc_spec(topo, h, NGINX_PLACEHOLDER)
        if spec is not None and with_nginx:
            parts.nginx.append(spec)
        parts.notes += notes
    return agcs


def _router_units(vnet: str, inet: str, inet_link: str) -> list[Unit]:
    """The VNet fabric and the internet router it uplinks to."""
    return [
        Unit("azure/vnet", vnet, "vnet", sysctls=ROUTER_SYSCTLS, labels=(("role", "VNet fabric"),)),
        Unit("azure/internet", inet, "internet", parent=vnet, sysctls=ROUTER_SYSCTLS,
             uplinks=(Veth(name=inet_link, peer_name="up0", addrs=(Addr(tn.VNET_INET_VNET_IP, 30),),
                           peer_addrs=(Addr(tn.VNET_INET_INET_IP, 30),)),),
             labels=(("role", "internet router"),)),
    ]


def _host_units(parts: _Parts, topo: Topology, hosts: Sequence[Host], flavour: str, vnet: str) -> dict[str, Unit]:
    """One unit per node and VM on the VNet fabric (kubenet nodes get the cbr0 bridge); VMs echo on every
    port, and a VM whose NIC forwards is a stateful appliance (``appliance_nft``). Returns the node units by
    node name."""
    node_units: dict[str, Unit] = {}
    for h in hosts:
        bridges: tuple[Bridge, ...] = ()
        sysctls: tuple[tuple[str, str], ...] = NODE_SYSCTLS if h.kind == "node" else _NO_ICMP_LIMIT
        if h.kind == "node" and flavour == "kubenet" and h.node is not None and h.node.pod_cidr:
            net = ipaddress.IPv4Network(h.node.pod_cidr, strict=False)
            bridges = (Bridge("cbr0", (Addr(bridge_address(h.node.pod_cidr), net.prefixlen),)),)
        forwards = h.kind == "vm" and any(nic.enable_ip_forwarding for nic in h.nic_objs)
        if forwards:
            sysctls = ROUTER_SYSCTLS
        ips = ",".join(ip for _, _, nic_ips in h.nics for ip in nic_ips)
        # Azure DNS: the host of every NIC answers 168.63.129.16 (what-is-ip-address-168-63-129-16)
        # scope host: never picked as the source of what the host sends (MASQUERADE, unbound sockets)
        loopback = (Addr(HOST_VIP, 32, "host"),) if h.kind in ("node", "vm") else ()
        u = Unit(h.key, h.netns, h.kind, parent=vnet, uplinks=_host_uplinks(h), bridges=bridges, sysctls=sysctls,
                 loopback=loopback, labels=((h.kind, h.key.split("/", 1)[1]), ("ip", ips)))
        parts.units.append(u)
        if h.kind in ("node", "vm"):
            parts.resolv.append((h.netns, f"nameserver {lookup.vnet_resolver(topo, h.nics[0][2][0])[0]}\n"))
        if h.kind == "node" and h.node is not None:
            node_units[h.node.name] = u
        else:
            own = [ip for _, _, nic_ips in h.nics for ip in nic_ips]
            extra = [appliance_nft.build(own, fabric.host_vnet_space(topo, h))] if forwards else []
            table = azure_dns_table(parts, topo, h.nics[0][2][0]) if h.kind == "vm" else ()
            parts.echo_host(h.netns, h.identity, local_only=True, extra=extra, azure_dns=table)
    return node_units


def _pod_parts(parts: _Parts, topo: Topology, pods: Sequence[tuple[Unit, k8s.Pod]], with_nginx: bool) -> None:
    """Pod units with their echo listener and table on the declared containerPorts and the ports Services target
    at the pod; CoreDNS pods keep port 53 for the DNS answerer and ingress controller pods 80/443 for nginx;
    every pod gets the cluster's resolv.conf."""
    dns_ips = _coredns_pod_ips(topo)
    targeted: dict[str, set[tuple[int, str]]] = {}  # ports Services send to a pod: it answers there too
    targets = kube_proxy.target_ports(topo)
    for ip, port, proto in targets:
        targeted.setdefault(ip, set()).add((port, proto))
    meshed = mesh_plan.mesh_destinations(topo, targets, parts.notes) if topo.state.mesh.sidecars else {}
    for unit, pod in pods:
        parts.units.append(unit)
        excl_tcp: tuple[int, ...] = ()
        excl_udp: tuple[int, ...] = ()
        dns_ip = pod.pod_ip if pod.pod_ip in dns_ips else None
        if dns_ip:
            excl_tcp, excl_udp = (53,), (53,)
        kind = ingress.controller_of_pod(pod) if with_nginx else None
        stream_servers = _stream_servers(topo, pod) if kind else []
        spec = _nginx_spec(topo, unit, pod, kind, stream_servers) if kind else None
        if spec is not None:
            parts.nginx.append(spec)
            # the stream servers' ports go to nginx; a skipped entry's port to nothing (refused), as the controller
            excl_tcp = (*excl_tcp, *INGRESS_CONTROLLER_PORTS, *(s.port for s in stream_servers if s.protocol == "TCP"))
            excl_udp = (*excl_udp, *(s.port for s in stream_servers if s.protocol == "UDP"))
        gw_spec, gw_notes = (None, ()) if not with_nginx else gateway_dp.istio_spec(topo, unit.netns, pod,
                                                                                      NGINX_PLACEHOLDER)
        if gw_spec is not None:
            parts.nginx.append(gw_spec)
            parts.notes += gw_notes
            excl_tcp = (*excl_tcp, *gateway_dp.listener_ports(topo, pod))
        proxy = spec is not None or gw_spec is not None  # a Gateway's or controller's own proxy has no sidecar
        side = mesh_plan.sidecar_part(topo, unit, pod, targets, meshed, f"{NGINX_PLACEHOLDER}/nginx/{unit.netns}",
                                      NGINX_USER) if topo.state.mesh.sidecars and not proxy and with_nginx else None
        mesh_tables: list[n.Table] = []
        if side is not None:
            parts.nginx.append(side.nginx)
            excl_tcp = (*excl_tcp, *side.inbound_ports)
            mesh_tables.append(side.table)
        declared = sorted({(cp.container_port, cp.protocol.upper()) for cp in pod.ports}
                          | targeted.get(pod.pod_ip or "", set()))
        udp = tuple(sorted({p for p, pr in declared if pr == "UDP" and p not in excl_udp and p != tn.ECHO_PORT}))
        node = topo.nodes.get(pod.node_name or "")
        upstream = lookup.vnet_resolver(topo, node.internal_ip)[0] if dns_ip and node is not None else None
        parts.listeners.append(Listener(unit.netns, (("pod", pod.key), ("pod_ip", pod.pod_ip or "")), dns_ip=dns_ip,
                                        udp_ports=udp, dns_upstream=upstream))
        parts.nft_specs.append(NftSpec(unit.netns, *n.combine(unit.netns,
                                                               [_echo_table(excl_tcp, excl_udp, declared),
                                                                *mesh_tables])))
        if topo.state.cluster is not None:
            parts.resolv.append((unit.netns, coredns.pod_resolv_conf(topo.state, pod)))


def _node_listeners(parts: _Parts, topo: Topology, node_units: dict[str, Unit]) -> None:
    """Nodes answer where the twin's nodes do (sshd 22, kubelet 10250); hostNetwork pods on their ports."""
    for name, u in sorted(node_units.items()):
        node_ip = topo.nodes[name].internal_ip
        parts.listeners.append(Listener(u.netns, (("node", name), ("node_ip", node_ip)),
                                        tcp_ports=tuple(sorted(walk.NODE_LISTENERS)), catch_all=False,
                                        azure_dns=azure_dns_table(parts, topo, node_ip)))
    for pod in sorted(topo.state.pods, key=lambda p: p.key):
        if pod.host_network and pod.node_name in node_units:
            ports = tuple(sorted({cp.container_port for cp in pod.ports if cp.protocol.upper() == "TCP"}
                                 - set(walk.NODE_LISTENERS) - {tn.ECHO_PORT}))
            if ports:
                parts.listeners.append(Listener(node_units[pod.node_name].netns,
                                                (("pod", pod.key), ("pod_ip", pod.host_ip or "")), tcp_ports=ports,
                                                catch_all=False))


def _internet_hosts(parts: _Parts, tag: str, inet: str, inet_ips: Sequence[str]) -> list[tuple[str, str]]:
    """Internet hosts hang off the internet router and echo on every port; returns (IP, link) pairs."""
    links: list[tuple[str, str]] = []
    for ip in inet_ips:
        ns = tn.inet_host_ns(tag, ip)
        link = names.link_name("ih", ns)
        links.append((ip, link))
        parts.units.append(Unit(f"internet/{ip}", ns, "inethost", parent=inet, uplinks=(_inet_veth(link, ip),),
                                sysctls=_NO_ICMP_LIMIT, labels=(("internet", ip),)))
        parts.echo_host(ns, (("internet_host", ip),))
    return links


def _node_rulesets(parts: _Parts, topo: Topology, node_units: dict[str, Unit], flavour: str, balance: str,
                   clients: Sequence[str]) -> None:
    """Each node's nftables: kube-proxy, ip-masq-agent, NetworkPolicy."""
    for name, u in node_units.items():
        node = topo.nodes[name]
        tables = [kubeproxy_nft.build(topo, node, balance=balance, clients=clients),
                  kubeproxy_nft.masq_table(topo, node, flavour),
                  netpol_nft.build(topo, node)]
        parts.nft_specs.append(NftSpec(u.netns, *n.combine(u.netns, tables)))


def _dns_records(topo: Topology) -> dict[str, list[str]]:
    """The cluster zone the data plane's DNS answerer serves (CoreDNS's records of the twin)."""
    if topo.state.cluster is None:
        return {}
    return {name: [r.text() for r in recs] for name, recs in sorted(coredns.cluster_records(topo.state).items())}


def azure_dns_table(parts: _Parts, topo: Topology, host_ip: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What Azure DNS answers a host of the VNet holding ``host_ip`` (its linked private zones, then public
    names: ``engine.resolve.upstream_table``), as (name, addresses) pairs; one table per VNet per plan."""
    vnet = lookup.vnet_of_ip(topo, host_ip)
    key = id_key(vnet.id) if vnet else ""
    if key not in parts.azure_dns:
        parts.azure_dns[key] = tuple(sorted(resolve.upstream_table(topo, vnet).items()))
    return parts.azure_dns[key]


def _inet_veth(link: str, ip: str) -> Veth:
    return Veth(name=link, peer_name="eth0", addrs=(Addr(tn.INET_HOST_GW, 32, "link"),), peer_addrs=(Addr(ip, 32),),
                peer_routes=(RouteSpec(f"{tn.INET_HOST_GW}/32", dev="eth0", scope="link"),
                             RouteSpec("default", gateway=tn.INET_HOST_GW)))


def _coredns_pod_ips(topo: Topology) -> set[str]:
    """Pod IPs behind the kube-dns Service (the CoreDNS pods)."""
    out: set[str] = set()
    for es in topo.slices_by_service.get("kube-system/kube-dns", []):
        out |= {e.ip for e in es.endpoints}
    if not out:
        out = {p.pod_ip for p in topo.state.pods if p.namespace == "kube-system" and p.pod_ip
               and p.labels.get("k8s-app") == "kube-dns"}
    return out


def _apiserver_units(topo: Topology, tag: str, inet: str, units: list[Unit], listeners: list[Listener],
                     nft_specs: list[NftSpec]) -> list[tuple[str, str]]:
    """Public API servers: a host on the internet that answers TCP 443 only from the allowed addresses."""
    links = []
    for mc in sorted(topo.api_public_ip.values(), key=lambda c: id_key(c.id)):
        ip = mc.api_server_public_ip
        if not ip or mc.enable_private_cluster:
            continue
        ns = tn.apiserver_ns(tag, mc.id)
        link = names.link_name("ia", ns)
        links.append((ip, link))
        units.append(Unit(f"apiserver/{mc.name}", ns, "apiserver", parent=inet, uplinks=(_inet_veth(link, ip),),
                          labels=(("apiserver", mc.fqdn or mc.name), ("ip", ip))))
        listeners.append(Listener(ns, (("apiserver", mc.fqdn or mc.name),)))
        nft_specs.append(NftSpec(ns, *n.combine(ns, [_echo_table((), ()), fabric.apiserver_filter(topo, mc)])))
    return links
