"""The path engine: one flow walked hop by hop, in the order a real packet meets each component.

Source host (pod or node): kube-proxy DNAT (ClusterIP, NodePort, LB IP, externalIP) → egress NetworkPolicy
at the source pod → same-node bridge, or: SNAT per plugin → the subnet's effective route (UDRs, system
routes, overlay fabric) → NSG outbound (NIC then subnet) → across the VNet / to the internet (outbound SNAT)
→ at the destination: load balancer (frontend → rule → pool → probe), NSG inbound (subnet then NIC),
kube-proxy on the receiving node (external traffic policies, masquerade), ingress NetworkPolicy at the
destination pod → delivery: a declared container port or a port a Service targets at the pod answers (the echo
backend), anything else is refused.
NSGs and the NetworkPolicy enforcers are stateful, so they allow the reply of a delivered flow; its route
back is checked by ``aksnet.engine.returns`` (next hop None, asymmetric paths through appliances). Addresses
resolve within the sending VNet and its peerings; a virtual appliance forwards only with IP forwarding on.

The walk is pure: it reads a :class:`Topology` and returns a :class:`Walk`; it never prints.
Each component's rule lives in its own module (nsg, routing, kube_proxy, load_balancer, snat, apiserver);
NetworkPolicy is ``aksnet.engine.netpol.policy_verdict``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NoReturn

from aksnet.engine import (
    apiserver,
    kube_proxy,
    load_balancer,
    nsg,
    private_link,
    returns,
    routing,
    snat,
)
from aksnet.engine.addressing import Topology, is_internet_address
from aksnet.engine.flow import (
    DELIVERED,
    DROPPED,
    EPHEMERAL_PORT,
    REFUSED,
    UNRESOLVED,
    Backend,
    Hop,
    Packet,
    Site,
    Walk,
)
from aksnet.engine.netpol import get_profile, policy_verdict
from aksnet.engine.vnet_view import VnetView
from aksnet.model import azure, k8s
from aksnet.model.ids import id_key
from aksnet.rules.azure import HOST_VIP
from aksnet.rules.emulation import DEFAULT_INTERNET_CLIENT, DEFAULT_INTERNET_CLIENT_V6, LINUX_EPHEMERAL_PORTS
from aksnet.rules.ietf import DNS_PORT

if TYPE_CHECKING:
    from aksnet.engine import mesh
    from aksnet.model.firewall import AzureFirewall

# The flow types live in aksnet.engine.flow; re-exported here because callers import them from the walk.
__all__ = ["DELIVERED", "DROPPED", "EPHEMERAL_PORT", "REFUSED", "UNRESOLVED", "Backend", "Hop", "Packet", "Site",
           "Walk", "Walker"]

MAX_STAGES = 24  # a loop guard: no real path has more host-to-host legs than this
NODE_LISTENERS = {22: "sshd", 10250: "kubelet"}


class _Stop(Exception):
    def __init__(self, verdict: str, reason: str) -> None:
        super().__init__(reason)
        self.verdict = verdict
        self.reason = reason


@dataclass
class _State:
    hops: list[Hop] = field(default_factory=list)
    backend: Backend | None = None
    stages: int = 0
    # kube-proxy's MASQUERADE for a flow DNATed to a pod on the same node (external with ETP Cluster, or a
    # pod's hairpin to itself): it runs in postrouting, after the filter hooks, so the pod's ingress
    # NetworkPolicy still sees the client (set by _apply_proxy, applied by _arrive_pod after the policy).
    # Holds the address MASQUERADE picks and the rule text.
    pending_masq: tuple[str, str] | None = None
    # the flow reached the pod through an LB/NodePort with externalTrafficPolicy=Cluster (NPM's exemption)
    via_etp_cluster: bool = False
    protocol: str = "TCP"  # the flow's protocol (no hop translates it): the delivered packet shows it
    appliances: list[str] = field(default_factory=list)  # virtual appliances (VMs) that forwarded the request
    host: str | None = None  # the HTTP Host / TLS SNI of a URL request (Azure Firewall's application rules)
    scheme: str | None = None  # http | https for a URL request
    client: k8s.Pod | None = None  # the pod that opened the connection (its sidecar, if any, speaks for it)
    request: mesh.HttpRequest | None = None  # the HTTP request of a URL request (Istio's layer-7 authorization)
    plaintext: bool = False  # the client's sidecar sends plaintext (DestinationRule tls mode DISABLE)


def family_source(topo: Topology, src: Site, dst_ip: str) -> str | None:
    """The source address of the destination's IP family: a dual-stack pod or node sends to an IPv6 address from
    its IPv6 address (kubernetes.io/docs/concepts/services-networking/dual-stack), a VM from its NIC's IPv6
    configuration, the internet client from its IPv6 twin; None when the source has none."""
    v6 = ":" in dst_ip
    if (":" in src.ip) == v6 or not src.ip:
        return src.ip
    if src.kind == "pod" and src.pod is not None:
        if src.pod.host_network and src.node is not None:
            return src.node.ip_of(6 if v6 else 4)
        return src.pod.ip_of(6 if v6 else 4)
    if src.kind == "node" and src.node is not None:
        return src.node.ip_of(6 if v6 else 4)
    if src.kind == "vm" and src.nic is not None:
        return next((c.private_ip for c in src.nic.ip_configurations if (":" in c.private_ip) == v6), None)
    if src.kind == "internet" and src.ip in (DEFAULT_INTERNET_CLIENT, DEFAULT_INTERNET_CLIENT_V6):
        return DEFAULT_INTERNET_CLIENT_V6 if v6 else DEFAULT_INTERNET_CLIENT
    return None


def _node_ips(node: k8s.Node) -> tuple[str, ...]:
    """Every InternalIP of the node (dual-stack: IPv4 and IPv6)."""
    return node.internal_ips or (node.internal_ip,)


class Walker:
    """Walks flows over one topology (indexes built once; reuse the walker for many flows)."""

    def __init__(self, topo: Topology) -> None:
        self.topo = topo
        cluster = topo.cluster
        self.flavour = cluster.plugin_flavour if cluster else "none"
        self.pod_cidrs = self._pod_cidrs()
        self.non_masquerade = snat.non_masquerade_cidrs(topo.state.config_maps)
        # Azure CNI powered by Cilium replaces kube-proxy with Cilium's eBPF service handling
        self.kube_proxy_replacement = (topo.state.policy_engine or "").lower() == "cilium" or bool(
            cluster and (cluster.network_profile.network_dataplane or "").lower() == "cilium")
        self.view = VnetView(topo, self.flavour, self.pod_cidrs)  # tags and effective routes, cached
        self._targeted: dict[tuple[str, int, str], str] | None = None

    # -- public --------------------------------------------------------------------------------------
    def walk(self, src: Site, dst_ip: str, dst_port: int, protocol: str = "TCP",
             pre_hops: tuple[Hop, ...] = (), host: str | None = None, scheme: str | None = None,
             request: mesh.HttpRequest | None = None, plaintext: bool = False) -> Walk:
        """``request``: the HTTP request a URL request sends (default ``GET /``), judged by Istio's sidecars;
        ``plaintext``: the client's sidecar originates no mTLS (a DestinationRule with tls mode DISABLE)."""
        st = _State(list(pre_hops), protocol=protocol.upper(), host=host, scheme=scheme, client=src.pod,
                    request=request, plaintext=plaintext)
        owner = self.topo.owner(dst_ip)
        src_ip = family_source(self.topo, src, dst_ip)
        if src_ip is not None and src_ip != src.ip:  # the flow leaves from the address of the destination's family
            src = replace(src, ip=src_ip, name=f"internet/{src_ip}" if src.kind == "internet" else src.name)
        pkt = Packet(src_ip or src.ip, EPHEMERAL_PORT, dst_ip, dst_port, protocol.upper())
        try:
            if src_ip is None:
                family = "IPv6" if ":" in dst_ip else "IPv4"
                raise _Stop(DROPPED, f"{src.name} has no {family} address: an {family} destination is reached only "
                                     f"from an {family} source (nothing translates between the families)")
            if src.kind in ("pod", "node"):
                node = src.node
                if node is None:
                    raise _Stop(DROPPED, f"{src.name} is not scheduled on a node")
                self._from_host(st, node, src.pod, pkt)
            elif src.kind == "vm":
                if src.nic is None:
                    raise _Stop(DROPPED, f"VM {src.name} has no network interface")
                self._leave_nic(st, src.nic, pkt, None, vm=True)
            else:
                self._on_internet(st, pkt)
        except _Stop as stop:
            verdict, reason, backend = stop.verdict, stop.reason, st.backend
            if verdict == DELIVERED and backend is not None:
                lost = returns.check_reply(self, src, pkt, backend, st.appliances, st.hops)
                if lost is not None:
                    verdict, reason, backend = DROPPED, lost, None
            return Walk(verdict, reason, src, dst_ip, dst_port, protocol.upper(), tuple(st.hops), owner, backend)
        raise AssertionError("a walk always ends in _Stop")  # pragma: no cover

    # -- helpers -------------------------------------------------------------------------------------
    def _pod_cidrs(self) -> list[str]:
        c = self.topo.cluster
        out: list[str] = []
        if c and c.network_profile.pod_cidr:
            out.append(c.network_profile.pod_cidr)
        if c:
            out += [p for p in c.network_profile.pod_cidrs if p not in out]
        out += [n.pod_cidr for n in self.topo.nodes.values() if n.pod_cidr]
        out += [p for n in self.topo.nodes.values() for p in n.pod_cidrs[1:]]  # dual-stack: the IPv6 ranges
        return out

    def _stage(self, st: _State) -> None:
        st.stages += 1
        if st.stages > MAX_STAGES:
            raise _Stop(DROPPED, "routing loop: the packet exceeded the hop limit")

    def _drop(self, st: _State, component: str, rule: str, pkt: Packet | None) -> NoReturn:
        self._hop(st, component, "drop", rule, pkt)
        raise _Stop(DROPPED, rule)

    @staticmethod
    def _hop(st: _State, component: str, decision: str, rule: str, pkt: Packet | None = None) -> None:
        st.hops.append(Hop(component, decision, rule, pkt))

    def _policy(self, st: _State, direction: str, subject: k8s.Pod, peer_ip: str, pkt: Packet,
                via_etp_cluster: bool = False) -> None:
        """Egress at the source pod or ingress at the destination pod (engine; one side only).
        ``via_etp_cluster``: the flow came through an LB/NodePort with externalTrafficPolicy=Cluster, which
        Azure NPM does not enforce (profile ``lb_ingress_enforced``)."""
        peer: k8s.Pod | str = self.topo.pod_by_ip.get(peer_ip) or peer_ip
        if direction == "Egress":
            v = policy_verdict(self.topo.state, subject, peer, pkt.dst_port, pkt.protocol)
            side = v.egress
        else:
            v = policy_verdict(self.topo.state, peer, subject, pkt.dst_port, pkt.protocol)
            side = v.ingress
        comp = f"NetworkPolicy {direction.lower()} ({v.engine})"
        if not v.enforced:
            self._hop(st, comp, "allow", v.deciding)
            return
        if via_etp_cluster and side.isolated and not get_profile(v.engine).lb_ingress_enforced:
            self._hop(st, comp, "allow", f"{get_profile(v.engine).title} does not enforce ingress that arrives "
                                         "through a LoadBalancer/NodePort Service with externalTrafficPolicy=Cluster")
            return
        rule = side.reason if side.isolated else f"{subject.key}: no {direction.lower()} policy selects the pod"
        self._hop(st, comp, "allow" if side.allowed else "deny", rule)
        if not side.allowed:
            raise _Stop(DROPPED, f"{direction.lower()} NetworkPolicy at {subject.key}: {side.reason}")

    def subnet_of_nic(self, nic: azure.NetworkInterface) -> azure.Subnet | None:
        """The subnet of the NIC's first IP configuration."""
        return self._vnet_of_nic(nic)[0]

    def _vnet_of_nic(self, nic: azure.NetworkInterface) -> tuple[azure.Subnet | None, azure.VirtualNetwork | None]:
        sid = id_key(nic.ip_configurations[0].subnet_id if nic.ip_configurations else None)
        return self.topo.subnets.get(sid), self.topo.vnet_of_subnet.get(sid)

    def _nsgs(self, nic: azure.NetworkInterface, subnet: azure.Subnet | None
              ) -> tuple[azure.NetworkSecurityGroup | None, azure.NetworkSecurityGroup | None]:
        sub = self.topo.nsgs.get(id_key(subnet.nsg_id)) if subnet else None
        return sub, self.topo.nsgs.get(id_key(nic.nsg_id))

    def _nsg_check(self, st: _State, direction: str, nic: azure.NetworkInterface, subnet: azure.Subnet | None,
                   vnet: azure.VirtualNetwork | None, pkt: Packet) -> None:
        sub_nsg, nic_nsg = self._nsgs(nic, subnet)
        if vnet is None or (sub_nsg is None and nic_nsg is None):
            return
        tags = self.view.tags_for(vnet)
        results = nsg.evaluate_path(direction, sub_nsg, nic_nsg, pkt.src_ip, pkt.src_port, pkt.dst_ip,
                                    pkt.dst_port, pkt.protocol, tags)
        ports = nsg.source_ports_note(direction, sub_nsg, nic_nsg, pkt.src_ip, pkt.src_port, pkt.dst_ip, pkt.dst_port,
                                      pkt.protocol, tags, LINUX_EPHEMERAL_PORTS)
        for i, (level, d) in enumerate(results):
            where = f"NSG {direction.lower()} ({level} {d.nsg.name if d.nsg else '?'})"
            rule = d.describe() + (ports if i == len(results) - 1 else "")
            self._hop(st, where, "allow" if d.allowed else "deny", rule, pkt)
            if not d.allowed:
                raise _Stop(DROPPED, f"{where}: {rule}")

    # -- on a node ------------------------------------------------------------------------------------
    def _from_host(self, st: _State, node: k8s.Node, pod: k8s.Pod | None, pkt: Packet) -> None:
        """A packet sent by a pod (or a process) on ``node``."""
        self._stage(st)
        kp = kube_proxy.intercept(self.topo, node.name, pkt.src_ip, pkt.dst_ip, pkt.dst_port, pkt.protocol,
                                  external=False)
        pkt = self._apply_proxy(st, node, kp, pkt)
        if pod is not None and not pod.host_network:
            self._policy(st, "Egress", pod, pkt.dst_ip, pkt)
        self._route_from_node(st, node, pod, pkt)

    def _apply_proxy(self, st: _State, node: k8s.Node, kp: kube_proxy.ProxyDecision, pkt: Packet) -> Packet:
        comp = f"kube-proxy ({node.name})"
        if kp.action == "PASS":
            return pkt
        if kp.action == "REJECT":
            self._hop(st, comp, "refuse", kp.rule, pkt)
            raise _Stop(REFUSED, kp.rule)
        if kp.action == "DROP":
            self._hop(st, comp, "drop", kp.rule, pkt)
            raise _Stop(DROPPED, kp.rule)
        assert kp.backend is not None
        new = replace(pkt, dst_ip=kp.backend.ip, dst_port=kp.backend.port)
        self._hop(st, comp, "dnat", kp.rule, new)
        if new.dst_ip == new.src_ip:
            # marked in the endpoint chain, masqueraded in postrouting: the filter hooks still see the pod itself
            masq_ip, towards = snat.masquerade_to_local_pod(self.flavour, node, 6 if ":" in new.dst_ip else 4)
            st.pending_masq = (masq_ip, f"KUBE-SEP hairpin: the pod reaches itself through the Service; "
                                        f"KUBE-POSTROUTING: MASQUERADE to {towards} {masq_ip} (postrouting, after "
                                        "the NetworkPolicy filter)")
        elif kp.masquerade:
            local = kp.backend.pod is not None and not kp.backend.pod.host_network and \
                kp.backend.node_name == node.name
            st.via_etp_cluster = local  # a remote endpoint's node sees a plain pod-to-pod-network packet
            if local and self.kube_proxy_replacement:
                self._hop(st, comp, "pass", "Cilium eBPF NodePort (kube-proxy replacement): the endpoint is local, "
                                            "delivered without SNAT (client address kept)", new)
            elif local:
                masq_ip, towards = snat.masquerade_to_local_pod(self.flavour, node, 6 if ":" in new.dst_ip else 4)
                st.pending_masq = (masq_ip, f"KUBE-POSTROUTING: MASQUERADE to {towards} {masq_ip} "
                                            "(externalTrafficPolicy=Cluster; postrouting, after the "
                                            "NetworkPolicy filter)")
            else:
                node_ip = node.ip_of(6 if ":" in new.dst_ip else 4) or node.internal_ip
                new = replace(new, src_ip=node_ip)
                self._hop(st, comp, "snat", f"KUBE-POSTROUTING: MASQUERADE to node IP {node_ip} "
                                            "(externalTrafficPolicy=Cluster)", new)
        return new

    def _route_from_node(self, st: _State, node: k8s.Node, pod: k8s.Pod | None, pkt: Packet) -> None:
        owner = self.topo.owner(pkt.dst_ip)
        if owner.kind == "pod" and owner.pod is not None and owner.pod.node_name == node.name:
            self._hop(st, f"node {node.name}", "forward", "same node: delivered over the pod bridge/veth", pkt)
            self._arrive_pod(st, owner.pod, pkt)
            return
        if pkt.dst_ip in _node_ips(node):
            self._hop(st, f"node {node.name}", "forward", "local delivery to the node itself", pkt)
            self._arrive_node(st, node, pkt, external=False)
            return
        if pod is not None and not pod.host_network and pod.pod_ip:
            vnet = self.topo.vnet_of_subnet.get(
                id_key((self.topo.subnet_of_ip(node.internal_ip) or azure.Subnet("", "", "", ())).id))
            family = 6 if ":" in pkt.src_ip else 4  # the source NATs to the node's address of the same family
            sn = snat.pod_source(self.flavour, pkt.src_ip, node.ip_of(family) or node.internal_ip, pkt.dst_ip,
                                 self.pod_cidrs, vnet.address_prefixes if vnet else (), self.non_masquerade)
            if sn.translated:
                pkt = replace(pkt, src_ip=sn.source_ip)
                self._hop(st, f"SNAT ({node.name})", "snat", sn.rule, pkt)
            else:
                self._hop(st, f"SNAT ({node.name})", "pass", sn.rule, pkt)
        nic = self.topo.nic_of_node(node)
        if nic is None:
            raise _Stop(DROPPED, f"node {node.name} has no network interface in the twin")
        self._leave_nic(st, nic, pkt, node, vm=False)

    def _arrive_node(self, st: _State, node: k8s.Node, pkt: Packet, external: bool) -> None:
        """A packet that reached ``node`` (its NIC, or the node's own stack)."""
        self._stage(st)
        owner = self.topo.owner(pkt.dst_ip)
        if owner.kind == "pod" and owner.pod is not None and owner.pod.node_name == node.name:
            self._hop(st, f"node {node.name}", "forward", f"forwarded to the local pod {owner.pod.key} "
                                                          "(bridge/veth)", pkt)
            self._arrive_pod(st, owner.pod, pkt)
            return
        kp = kube_proxy.intercept(self.topo, node.name, pkt.src_ip, pkt.dst_ip, pkt.dst_port, pkt.protocol,
                                  external=external)
        if kp.action != "PASS":
            new = self._apply_proxy(st, node, kp, pkt)
            self._route_from_node(st, node, None, new)
            return
        if pkt.dst_ip not in _node_ips(node):
            self._hop(st, f"node {node.name}", "drop", f"no kube-proxy rule for {pkt.dst_ip}:{pkt.dst_port}", pkt)
            raise _Stop(DROPPED, f"node {node.name} has no rule for {pkt.dst_ip}:{pkt.dst_port}")
        host_pod = next((p for p in self.topo.host_network_pods.get(node.name, ()) if any(
            c.container_port == pkt.dst_port and c.protocol.upper() == pkt.protocol for c in p.ports)), None)
        if host_pod is not None:
            self._deliver(st, Backend("pod", host_pod.key, pkt.dst_ip, pkt.dst_port, pkt.src_ip, host_pod),
                          f"hostNetwork pod {host_pod.key} listens on {pkt.dst_port}/{pkt.protocol}")
        if pkt.protocol == "TCP" and pkt.dst_port in NODE_LISTENERS:
            self._deliver(st, Backend("node", node.name, pkt.dst_ip, pkt.dst_port, pkt.src_ip),
                          f"{NODE_LISTENERS[pkt.dst_port]} listens on {node.name}:{pkt.dst_port}")
        rule = f"nothing listens on {node.name}:{pkt.dst_port}/{pkt.protocol} (no NodePort, no host port)"
        self._hop(st, f"node {node.name}", "refuse", rule, pkt)
        raise _Stop(REFUSED, rule)

    def _arrive_pod(self, st: _State, pod: k8s.Pod, pkt: Packet) -> None:
        self._policy(st, "Ingress", pod, pkt.src_ip, pkt, via_etp_cluster=st.via_etp_cluster)
        if st.pending_masq is not None:  # postrouting: after the filter hooks judged the client's address
            node_ip, rule = st.pending_masq
            st.pending_masq = None
            pkt = replace(pkt, src_ip=node_ip)
            self._hop(st, f"kube-proxy ({pod.node_name})", "snat", rule, pkt)
        if pod.phase == "Running" and pod.ready:
            self._sidecar(st, pod, pkt)
        port = next((c for c in pod.ports if c.container_port == pkt.dst_port
                     and c.protocol.upper() == pkt.protocol), None)
        if pod.phase != "Running" or not pod.ready:
            rule = f"pod {pod.key} is {pod.phase}{'' if pod.ready else ', not ready'}: nothing answers"
            self._hop(st, f"pod {pod.key}", "refuse", rule, pkt)
            raise _Stop(REFUSED, rule)
        here = pkt.dst_ip if pkt.dst_ip in pod.pod_ips else pod.pod_ip or pkt.dst_ip  # the family it was reached on
        backend = Backend("pod", pod.key, here, pkt.dst_port, pkt.src_ip, pod)
        if port is not None:
            cname = f" (container {port.container})" if port.container else ""
            self._deliver(st, backend, f"containerPort {port.container_port}/{port.protocol}{cname} accepts the "
                                       "connection")
        if self._targeted is None:
            self._targeted = kube_proxy.target_ports(self.topo)
        service = self._targeted.get((here, pkt.dst_port, pkt.protocol))
        if service is not None:
            # containerPort is informational (the container listens wherever its process binds); a Service whose
            # targetPort is this port tells us the workload serves it, as the echo backend does in the data plane
            self._deliver(st, backend, f"Service {service} targets port {pkt.dst_port}/{pkt.protocol} at the pod "
                                       "(not a declared containerPort): the container listens there")
        rule = f"pod {pod.key} declares no containerPort {pkt.dst_port}/{pkt.protocol} and no Service targets it: " \
               "connection refused"
        self._hop(st, f"pod {pod.key}", "refuse", rule, pkt)
        raise _Stop(REFUSED, rule)

    def _sidecar(self, st: _State, pod: k8s.Pod, pkt: Packet) -> None:
        """Istio's inbound sidecar of ``pod`` (``aksnet.engine.mesh``): mutual TLS, then authorization. HTTP when a
        Service names the port so, or when a URL request reaches a port of undeclared protocol (sniffed)."""
        world = self.topo.state.mesh
        if not world.sidecars or pkt.protocol != "TCP":
            return
        from aksnet.engine import mesh  # with Istio's model: only for a cluster with sidecars

        declared = mesh.port_protocol(self.topo.state.services, pod, pkt.dst_port)
        # an https URL request is TLS to the pod (TCP for the sidecar); a proxy's upstream leg carries its request
        http = declared == "HTTP" or (declared == "" and st.scheme != "https" and
                                      (st.scheme == "http" or st.request is not None))
        request = (st.request or mesh.HttpRequest(host=st.host or pkt.dst_ip)) if http else None
        decision = mesh.inbound(world, pod, st.client, pkt.src_ip, pkt.dst_port, request, not st.plaintext)
        if decision is None:
            return
        for component, verdict, rule in decision.hops:
            self._hop(st, component, verdict, rule, pkt)
        if decision.outcome == mesh.RESET:
            raise _Stop(REFUSED, decision.reason)
        if decision.outcome in (mesh.FORBIDDEN, mesh.UNAUTHORIZED):
            st.backend = Backend("istio-proxy", pod.key, pod.pod_ip or pkt.dst_ip, pkt.dst_port, pkt.src_ip, pod)
            raise _Stop(DELIVERED, decision.reason)

    def _deliver(self, st: _State, backend: Backend, rule: str) -> None:
        self._hop(st, f"{backend.kind} {backend.name}", "deliver", rule,
                  Packet(backend.client_ip, EPHEMERAL_PORT, backend.ip, backend.port, st.protocol))
        st.backend = backend
        raise _Stop(DELIVERED, rule)

    # -- Azure network -------------------------------------------------------------------------------
    def _leave_nic(self, st: _State, nic: azure.NetworkInterface, pkt: Packet, node: k8s.Node | None,
                   vm: bool) -> None:
        """A packet leaving a NIC: route selection, NSG outbound, then the next hop. A pod-subnet pod's packet
        (source = its own address in the pod subnet) leaves through the pod subnet: its routes and NSG."""
        self._stage(st)
        if pkt.dst_ip == HOST_VIP and pkt.dst_port == DNS_PORT:
            # the platform address is served by the host of every VM: it never enters the VNet's routes or NSGs
            self._deliver(st, Backend("azure-dns", "Azure DNS", HOST_VIP, DNS_PORT, pkt.src_ip),
                          f"Azure DNS {HOST_VIP} answers (a platform address the host of {nic.name} serves; "
                          "not subject to UDRs or the default NSG rules)")
        subnet, vnet = self.pod_subnet(pkt.src_ip) if node is not None else (None, None)
        if subnet is None:
            subnet, vnet = self._vnet_of_nic(nic)
        if subnet is None or vnet is None:
            raise _Stop(DROPPED, f"NIC {nic.name} is not in a known subnet")
        route = routing.select_route(self.view.routes_for(subnet, node is not None), pkt.dst_ip)
        if route is None or route.next_hop_type == "None":
            rule = route.describe() if route else "no route"
            self._hop(st, f"route ({subnet.name})", "drop", f"{rule}: next hop None drops the packet", pkt)
            raise _Stop(DROPPED, f"subnet {subnet.name}: {rule} (next hop None)")
        self._hop(st, f"route ({subnet.name})", "route", route.describe(), pkt)
        self._nsg_check(st, "Outbound", nic, subnet, vnet, pkt)
        hop = route.next_hop_type
        if hop == "Internet":
            self._egress_internet(st, nic, subnet, pkt, node is not None)
        elif hop in ("VnetLocal", "VNetPeering"):
            self._in_vnet(st, pkt, pkt.dst_ip, via_udr=False, vnet=vnet)
        elif hop == "VirtualAppliance":
            self._in_vnet(st, pkt, route.next_hop_ip or "", via_udr=True, vnet=vnet)
        else:
            self._drop(st, f"route ({subnet.name})",
                       f"next hop {hop} ({route.describe()}) leads out of the emulated networks", pkt)

    def _in_vnet(self, st: _State, pkt: Packet, target: str, via_udr: bool, vnet: azure.VirtualNetwork) -> None:
        """The VNet fabric delivers ``pkt`` to whoever holds ``target`` (the destination or a next hop) within
        ``vnet`` and its peerings: other VNets are separate worlds even when their address spaces overlap."""
        scope = self.topo.reachable_vnet_ids(vnet)
        owner = self.topo.owner_in(target, scope)
        if owner.kind == "pod" and owner.pod is not None and not via_udr:
            if self.flavour in ("kubenet", "overlay"):
                self._drop(st, "VNet", f"no NIC in the VNet holds {target}: {self.flavour} pod addresses are "
                                       "reachable only through the node routes (UDR / overlay)", pkt)
            node = self.topo.nodes.get(owner.pod.node_name or "")
            nic = self.topo.nic_of_node(node) if node else None
            if node is None or nic is None:
                raise _Stop(DROPPED, f"pod {owner.pod.key} has no node NIC in the twin")
            pod_subnet, pod_vnet = self.pod_subnet(target)
            if pod_subnet is not None:
                self._nsg_check(st, "Inbound", nic, pod_subnet, pod_vnet, pkt)
            else:
                self._into_nic(st, nic, pkt)
            self._arrive_node(st, node, pkt, external=True)
            return
        if owner.kind == "lb-frontend" and owner.lb is not None and owner.frontend is not None:
            self._load_balancer(st, owner.lb, owner.frontend, pkt)
            return
        if owner.kind == "private-endpoint" and owner.private_endpoint is not None \
                and private_link.targets_service(owner.private_endpoint):
            self._private_link(st, owner.private_endpoint, pkt)
            return
        if owner.kind == "private-endpoint" and owner.private_endpoint is not None:
            d = apiserver.check_private(owner.cluster, owner.private_endpoint, pkt.dst_port, pkt.protocol)
            self._hop(st, f"private endpoint {owner.private_endpoint.name}", "allow" if d.allowed else "drop",
                      d.rule, pkt)
            if not d.allowed:
                raise _Stop(DROPPED, d.rule)
            self._deliver(st, Backend("apiserver", owner.cluster.name if owner.cluster else owner.name,
                                      pkt.dst_ip, pkt.dst_port, pkt.src_ip), "kube-apiserver answers")
        firewall = self.topo.firewall_in(target, scope)
        if firewall is not None:
            self._firewall(st, firewall, pkt)
            return
        hit = self.topo.nic_in(target, scope)
        if hit is None:
            self._drop(st, "VNet", f"no NIC in the VNet holds {target}: nothing answers (timeout)", pkt)
        nic = hit[0]
        if pkt.dst_ip not in {c.private_ip for c in nic.ip_configurations} and not nic.enable_ip_forwarding:
            self._drop(st, f"NIC {nic.name}", f"next hop {target}: IP forwarding is disabled on {nic.name}, so Azure "
                                              f"does not hand it packets addressed to {pkt.dst_ip} (az network nic "
                                              "update --ip-forwarding true)", pkt)
        self._into_nic(st, nic, pkt)
        node = self.topo.node_of_nic(nic)
        if node is not None:
            self._arrive_node(st, node, pkt, external=True)
            return
        if via_udr and target != pkt.dst_ip:
            self._hop(st, f"appliance {nic.name}", "forward", f"virtual appliance {target} forwards the packet "
                                                              "(IP forwarding enabled on its NIC)", pkt)
            st.appliances.append(target)
            self._leave_nic(st, nic, pkt, None, vm=True)
            return
        vm = self.topo.vm_by_nic.get(id_key(nic.id))
        self._deliver(st, Backend("vm", vm.name if vm else nic.name, pkt.dst_ip, pkt.dst_port, pkt.src_ip, nic=nic),
                      f"VM {vm.name if vm else nic.name}: the echo agent answers on every port")

    def _firewall(self, st: _State, firewall: AzureFirewall, pkt: Packet, inbound: bool = False) -> None:
        """Azure Firewall as a UDR's next hop (its rules decide; allowed flows leave SNATed) or, ``inbound``, as
        the owner of a public IP the internet sends to (DNAT rules) — ``firewall_hop``."""
        from aksnet.engine import firewall_hop  # with the firewall's model: only for a path through one

        self._stage(st)
        vnet = self.topo.firewall_vnet(firewall)
        itself = not inbound and pkt.dst_ip == firewall.private_ip
        step = (firewall_hop.inbound(firewall, pkt) if inbound else firewall_hop.to_itself(firewall, pkt) if itself
                else firewall_hop.through(firewall, pkt, st.host, st.scheme, firewall_hop.context(self.topo)))
        st.hops.extend(step.hops)
        st.appliances.append(firewall.private_ip or "")
        if step.outcome == firewall_hop.ANSWER:
            kind = "azure-firewall-dns" if itself else "azure-firewall"
            st.backend = Backend(kind, firewall.name, pkt.dst_ip, pkt.dst_port, pkt.src_ip)
            raise _Stop(DELIVERED, step.reason)
        if step.outcome == firewall_hop.DROP:
            raise _Stop(DROPPED, step.reason)
        if is_internet_address(step.packet.dst_ip):
            self._on_internet(st, step.packet)
        elif vnet is None:
            raise _Stop(DROPPED, f"Azure Firewall {firewall.name} is not in a known VNet")
        else:
            self._in_vnet(st, step.packet, step.packet.dst_ip, via_udr=False, vnet=vnet)

    def pod_subnet(self, ip: str) -> tuple[azure.Subnet | None, azure.VirtualNetwork | None]:
        """For Azure CNI pod subnet (dynamic IP): the pod subnet holding a pod address; else (None, None)."""
        if self.flavour != "podsubnet" or ip not in self.topo.pod_by_ip:
            return None, None
        sub = self.topo.subnet_of_ip(ip)
        return (sub, self.topo.vnet_of_subnet.get(id_key(sub.id))) if sub else (None, None)

    def _into_nic(self, st: _State, nic: azure.NetworkInterface, pkt: Packet) -> None:
        subnet, vnet = self._vnet_of_nic(nic)
        self._nsg_check(st, "Inbound", nic, subnet, vnet, pkt)

    def _private_link(self, st: _State, endpoint: azure.PrivateEndpoint, pkt: Packet) -> None:
        """A private endpoint to a Private Link service: connection state, SNAT to the NAT IP, the ILB frontend."""
        step = private_link.through_service(self.topo, endpoint, pkt)
        component = f"private endpoint {endpoint.name}"
        if not step.service_rule:
            self._drop(st, component, step.endpoint_rule, pkt)
        self._hop(st, component, "forward", step.endpoint_rule, pkt)
        assert step.service is not None
        if not step.ok or step.lb is None or step.frontend is None or step.packet is None:
            self._drop(st, f"{returns.PRIVATE_LINK_HOP}{step.service.name}", step.service_rule, pkt)
        self._hop(st, f"{returns.PRIVATE_LINK_HOP}{step.service.name}", "snat", step.service_rule, step.packet)
        self._load_balancer(st, step.lb, step.frontend, step.packet)

    def _load_balancer(self, st: _State, lb: azure.LoadBalancer, frontend: azure.FrontendIPConfiguration,
                       pkt: Packet) -> None:
        self._stage(st)
        d = load_balancer.forward(self.topo, lb, frontend, pkt.dst_ip, pkt.dst_port, pkt.protocol)
        if not d.ok or d.member_ip is None:
            self._hop(st, f"load balancer {lb.name}", "drop", d.rule, pkt)
            raise _Stop(DROPPED, d.rule)
        new = replace(pkt, dst_ip=d.dst_ip, dst_port=d.dst_port)
        self._hop(st, f"load balancer {lb.name}", "forward", d.rule, new)
        hit = self.topo.nic_by_ip.get(d.member_ip)
        if hit is None:
            raise _Stop(DROPPED, f"backend {d.member_ip} has no NIC in the twin")
        self._into_nic(st, hit[0], new)
        node = self.topo.node_of_nic(hit[0])
        if node is not None:
            self._arrive_node(st, node, new, external=True)
            return
        vm = self.topo.vm_by_nic.get(id_key(hit[0].id))
        self._deliver(st, Backend("vm", vm.name if vm else hit[0].name, d.member_ip, new.dst_port, new.src_ip),
                      "backend VM: the echo agent answers")

    def _egress_internet(self, st: _State, nic: azure.NetworkInterface, subnet: azure.Subnet, pkt: Packet,
                         cluster_member: bool) -> None:
        config = next((c for c in nic.ip_configurations if c.private_ip == pkt.src_ip), nic.ip_configurations[0])
        eg = snat.internet_egress(self.topo, pkt.src_ip, subnet, config, self.topo.cluster if cluster_member else None)
        if eg.public_ip is None:
            self._drop(st, "outbound", eg.rule, pkt)
        new = replace(pkt, src_ip=eg.public_ip)
        self._hop(st, "outbound SNAT", "snat", eg.rule, new)
        self._on_internet(st, new)

    # -- the internet --------------------------------------------------------------------------------
    def _on_internet(self, st: _State, pkt: Packet) -> None:
        """A packet on the public internet heading for ``pkt.dst_ip``."""
        self._stage(st)
        owner = self.topo.owner(pkt.dst_ip)
        if owner.kind == "lb-frontend" and owner.lb is not None and owner.frontend is not None:
            if owner.public_ip is None:
                self._drop(st, "internet", f"{pkt.dst_ip} is a private frontend of {owner.lb.name}: not reachable "
                                           "from the internet", pkt)
            self._load_balancer(st, owner.lb, owner.frontend, pkt)
            return
        if owner.kind == "apiserver" and owner.cluster is not None:
            outbound = [p.ip_address for pid in owner.cluster.network_profile.effective_outbound_ip_ids
                        if (p := self.topo.public_ips.get(id_key(pid))) is not None]
            d = apiserver.check_public(owner.cluster, pkt.src_ip, pkt.dst_port, pkt.protocol, outbound)
            self._hop(st, f"API server {owner.name}", "allow" if d.allowed else "drop", d.rule, pkt)
            if not d.allowed:
                raise _Stop(DROPPED, d.rule)
            self._deliver(st, Backend("apiserver", owner.cluster.name, pkt.dst_ip, pkt.dst_port, pkt.src_ip),
                          "kube-apiserver answers")
        firewall = self.topo.firewall_by_public_ip.get(pkt.dst_ip)
        if firewall is not None:
            self._firewall(st, firewall, pkt, inbound=True)
            return
        nic_hit = self.topo.nic_with_public_ip(pkt.dst_ip)
        if nic_hit is not None:
            nic, config = nic_hit
            new = replace(pkt, dst_ip=config.private_ip)
            self._hop(st, f"public IP {owner.name}", "dnat", f"instance public IP → {config.private_ip} "
                                                             f"({nic.name})", new)
            self._into_nic(st, nic, new)
            node = self.topo.node_of_nic(nic)
            if node is not None:
                self._arrive_node(st, node, new, external=True)
                return
            vm = self.topo.vm_by_nic.get(id_key(nic.id))
            self._deliver(st, Backend("vm", vm.name if vm else nic.name, config.private_ip, new.dst_port,
                                      new.src_ip), f"VM {vm.name if vm else nic.name}: the echo agent answers")
        if owner.kind == "public-ip":
            self._drop(st, "internet", f"public IP {owner.name} ({pkt.dst_ip}) is not associated with anything", pkt)
        if owner.kind == "internet":
            self._deliver(st, Backend("internet", pkt.dst_ip, pkt.dst_ip, pkt.dst_port, pkt.src_ip),
                          f"internet host {pkt.dst_ip}: the echo server answers")
        self._drop(st, "internet", f"{pkt.dst_ip} is a private address: not routable on the internet", pkt)
