"""Return paths: a connection is delivered only if the reply gets back to the client.

The reply leaves the host that answered (the backend's node or VM NIC) towards the address the backend saw,
chosen by that host's own effective routes (the UDRs of its subnet), and, for a client whose packets a node
SNATed (externalTrafficPolicy=Cluster, a NodePort from a VM), leaves that node again towards the client. NSGs,
kube-proxy and the policy engines are stateful (the reply of an allowed flow passes them), so what can break
the reply is routing: a route with next hop ``None`` drops it, and a virtual appliance breaks asymmetric paths:
a reply routed to an appliance that never saw the request, or a request that went through an appliance while
the reply bypasses it, leaves a stateful appliance or firewall with half a connection, and it drops the rest
(Azure documents this for a public load balancer behind a UDR default route to a firewall:
learn.microsoft.com/azure/firewall/integrate-lb "asymmetric routing"; virtual-networks-udr-overview).
A next hop that is the host of the reply's destination (kubenet node routes, the overlay fabric) is that host,
not a middlebox. The reply's hops are added to the walk only when they differ from the forward path.
This module must not walk the forward path; :mod:`aksnet.engine.walk` calls it for a delivered flow.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aksnet.engine import routing
from aksnet.engine.addressing import is_internet_address
from aksnet.engine.flow import EPHEMERAL_PORT, REPLY, Backend, Hop, Packet, Site
from aksnet.model import azure, k8s
from aksnet.model.addr import bridge_address

PRIVATE_LINK_HOP = "private link service "

if TYPE_CHECKING:
    from aksnet.engine.walk import Walker


@dataclass(frozen=True, slots=True)
class _Host:
    """Where a reply leaves: a NIC, the subnet whose routes apply, its addresses and (for a node) the node."""

    nic: azure.NetworkInterface
    subnet: azure.Subnet
    cluster_member: bool
    node: k8s.Node | None = None


def _local(walker: Walker, host: _Host, ip: str) -> bool:
    """Whether ``ip`` is on ``host`` itself (its NIC, its pods, its kubenet bridge)."""
    if any(c.private_ip == ip for c in host.nic.ip_configurations):
        return True
    node = host.node
    if node is None:
        return False
    pod = walker.topo.pod_by_ip.get(ip)
    if pod is not None and pod.node_name == node.name:
        return True
    return bool(node.pod_cidr) and ip == bridge_address(node.pod_cidr or "")


def _node_host(walker: Walker, node: k8s.Node, pod_ip: str | None = None) -> _Host | None:
    nic = walker.topo.nic_of_node(node)
    if nic is None:
        return None
    subnet = walker.pod_subnet(pod_ip)[0] if pod_ip else None
    subnet = subnet or walker.subnet_of_nic(nic)
    return _Host(nic, subnet, True, node) if subnet is not None else None


def _backend_host(walker: Walker, backend: Backend) -> _Host | None:
    topo = walker.topo
    if backend.kind == "pod" and backend.pod is not None:
        node = topo.nodes.get(backend.pod.node_name or "")
        return _node_host(walker, node, None if backend.pod.host_network else backend.ip) if node else None
    if backend.kind == "node":
        node = topo.nodes.get(backend.name)
        return _node_host(walker, node) if node else None
    if backend.kind == "vm":
        hit = topo.nic_by_ip.get(backend.ip)
        nic = backend.nic or (hit[0] if hit else None)  # the NIC that answered: the same address may be in many VNets
        subnet = walker.subnet_of_nic(nic) if nic else None
        return _Host(nic, subnet, False) if nic and subnet else None
    return None  # the API server, Azure DNS and internet hosts answer outside the VNets' routes


def _endpoint_host(walker: Walker, hop_ip: str, dst: str) -> bool:
    """A next hop that holds the reply's destination (a kubenet node route, the overlay fabric)."""
    if hop_ip == dst:
        return True
    node = walker.topo.node_by_ip.get(hop_ip)
    if node is None:
        return False
    pod = walker.topo.pod_by_ip.get(dst)
    if pod is not None and pod.node_name == node.name:
        return True
    addr = ipaddress.ip_address(dst)
    for cidr in node.pod_cidrs or ((node.pod_cidr,) if node.pod_cidr else ()):
        net = ipaddress.ip_network(cidr, strict=False)
        if net.version == addr.version and addr in net:
            return True
    return False


def _client_as_seen(request: Packet, hops: Sequence[Hop], client_ip: str) -> str:
    """The client's address as the frontend it connected to saw it: after the client's own outbound SNAT (a VM
    reaching a public load balancer frontend leaves with its instance public IP or the outbound rule's address)
    or a Private Link service's NAT, before the node's DNAT. The reply goes back to that address, so that is where
    its route is chosen."""
    seen = client_ip
    for hop in hops:
        if hop.component.startswith(PRIVATE_LINK_HOP) and hop.packet is not None:
            return hop.packet.src_ip  # a Private Link service's NAT address: the service returns the reply
        if hop.packet is not None and hop.packet.dst_ip == request.dst_ip:
            seen = hop.packet.src_ip
    return seen


def check_reply(walker: Walker, source: Site, request: Packet, backend: Backend, appliances: Sequence[str],
                hops: list[Hop]) -> str | None:
    """Route the reply of a delivered flow (``request``: the packet the client sent); append its hops when they
    differ from the forward path. Returns why the reply is lost, or None when it gets back. A reply to an
    internet client leaves with the address it connected to (conntrack reverses the DNAT and the SNAT)."""
    host = _backend_host(walker, backend)
    if host is None:
        return None
    legs: list[tuple[_Host, str, str]] = []
    if not _local(walker, host, backend.client_ip):
        legs.append((host, backend.ip, backend.client_ip))
    seen = _client_as_seen(request, hops, source.ip)
    if backend.client_ip != seen and not is_internet_address(backend.client_ip):
        node = walker.topo.node_by_ip.get(backend.client_ip) or host.node  # the node that SNATed the client
        edge = _node_host(walker, node) if node is not None else None
        if edge is not None and not _local(walker, edge, seen):
            legs.append((edge, edge.nic.primary_ip, seen))
    for leg, (at, src_ip, dst_ip) in enumerate(legs):
        pkt = Packet(src_ip, backend.port, dst_ip, EPHEMERAL_PORT, request.protocol)
        if dst_ip == seen and (source.kind == "internet" or seen != source.ip or leg > 0):  # conntrack reversed it
            pkt = Packet(request.dst_ip, request.dst_port, dst_ip, request.src_port, request.protocol)
        where = f"{REPLY}route ({at.subnet.name})"
        route = routing.select_route(walker.view.routes_for(at.subnet, at.cluster_member), dst_ip)
        if route is None or route.next_hop_type == "None":
            rule = f"{route.describe() if route else 'no route'}: next hop None drops the reply"
            hops.append(Hop(where, "drop", rule, pkt))
            return f"the reply {pkt} is dropped: {rule}"
        last = leg == len(legs) - 1
        if route.next_hop_type == "VirtualAppliance" and route.next_hop_ip:
            if _endpoint_host(walker, route.next_hop_ip, dst_ip):
                continue
            if route.next_hop_ip in appliances:
                hops.append(Hop(where, "route", f"{route.describe()}: back through the appliance that forwarded "
                                                "the request (symmetric)", pkt))
                continue
            rule = (f"{route.describe()}: virtual appliance {route.next_hop_ip} never saw the request, so a stateful "
                    "appliance or firewall drops the reply (asymmetric routing)")
            hops.append(Hop(where, "drop", rule, pkt))
            return f"the reply {pkt} is lost: {rule}"
        if appliances and last:
            rule = (f"{route.describe()}: the request went through virtual appliance {appliances[0]} but the reply "
                    "bypasses it; the appliance sees half of the connection and drops the rest (asymmetric routing)")
            hops.append(Hop(where, "drop", rule, pkt))
            return f"the reply {pkt} is lost: {rule}"
    return None
