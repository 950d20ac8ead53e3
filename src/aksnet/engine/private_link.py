"""Private Link: a packet sent to a private endpoint whose target is a Private Link service.

Azure's rules [learn.microsoft.com/azure/private-link/private-link-service-overview: "Properties", "Control
service access", "Getting connection Information using TCP Proxy v2"; learn.microsoft.com/azure/aks/internal-lb,
"Connect Azure Private Link service to internal load balancer"]:

- traffic flows only over an Approved connection (Pending, Rejected and Disconnected ones carry nothing);
- the service source-NATs every consumer connection to one of its NAT IP addresses (taken from the NAT subnet
  of the provider's VNet), so the consumer's VNet needs no peering and may even overlap the provider's, and
  the backends see the NAT address, never the consumer's;
- the destination becomes the load balancer frontend the service fronts; its rules, probes and backends
  then decide as for any client in the provider's VNet;
- with PROXY protocol enabled the service prepends a PROXY protocol v2 header carrying the consumer's source
  address and the private endpoint's LinkID (TLV type 0xEE), which the backend must expect.

Which NAT address a connection takes is Azure's choice; the trace shows the primary one (docs/fidelity.md).
Pure: decides one step, never walks further (``aksnet.engine.walk`` does).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Packet
from aksnet.model import azure
from aksnet.model.ids import id_key, same_id

PROXY_V2_LINK_ID_TLV = 0xEE  # PP2_TYPE_AZURE, subtype 0x01: the private endpoint's LinkID


@dataclass(frozen=True, slots=True)
class PrivateLinkStep:
    """What the service does with one packet: ``ok`` with the translated packet and the frontend it goes to,
    or the reason it goes nowhere."""

    ok: bool
    endpoint_rule: str
    service_rule: str = ""
    service: azure.PrivateLinkService | None = None
    lb: azure.LoadBalancer | None = None
    frontend: azure.FrontendIPConfiguration | None = None
    packet: Packet | None = None


def service_of(topo: Topology, endpoint: azure.PrivateEndpoint) -> azure.PrivateLinkService | None:
    """The Private Link service an endpoint connects to (None: its target is something else, e.g. a cluster)."""
    return next((s for s in topo.twin.private_link_services if same_id(s.id, endpoint.target_id)), None)


def targets_service(endpoint: azure.PrivateEndpoint) -> bool:
    return "/providers/microsoft.network/privatelinkservices/" in id_key(endpoint.target_id)


def through_service(topo: Topology, endpoint: azure.PrivateEndpoint, pkt: Packet) -> PrivateLinkStep:
    """A packet to ``endpoint`` (which targets a Private Link service): the connection state, then the SNAT to the
    service's NAT address and the DNAT to its load balancer frontend."""
    service = service_of(topo, endpoint)
    if service is None:
        return PrivateLinkStep(False, f"private endpoint {endpoint.name}: its Private Link service "
                                      f"{endpoint.target_id.rsplit('/', 1)[-1]} does not exist (the connection is "
                                      "Disconnected): nothing answers (timeout)")
    if endpoint.connection_status != "Approved":
        return PrivateLinkStep(False, f"private endpoint {endpoint.name}: its connection to Private Link service "
                                      f"{service.name} is {endpoint.connection_status}; only an Approved connection "
                                      "carries traffic")
    hit = next(((lb, fe) for lb in topo.twin.load_balancers for fe in lb.frontends
                if same_id(fe.id, service.frontend_id)), None)
    accepted = (f"private endpoint {endpoint.name}: connection Approved to Private Link service {service.name}; "
                "no peering needed between the consumer's VNet and the provider's")
    if hit is None or not hit[1].private_ip or not service.nat_ips:
        return PrivateLinkStep(False, accepted, f"Private Link service {service.name}: its load balancer frontend "
                                                f"{service.frontend_id.rsplit('/', 1)[-1]} is gone or has no NAT "
                                                "address: nothing answers (timeout)", service)
    lb, fe = hit
    nat_ip = service.nat_ips[0]
    subnet = topo.subnets.get(id_key(service.nat_subnet_id))
    rule = (f"source NAT {pkt.src_ip} → {nat_ip} (NAT IP in subnet {subnet.name if subnet else '?'}), destination "
            f"→ frontend {fe.private_ip} ({lb.name}/{fe.name}); the backends see {nat_ip}")
    if service.proxy_protocol:
        rule += (f"; PROXY protocol v2 header with the client address {pkt.src_ip} and the endpoint's LinkID "
                 f"(TLV 0x{PROXY_V2_LINK_ID_TLV:X}): the backend must expect it")
    new = replace(pkt, src_ip=nat_ip, dst_ip=str(fe.private_ip))
    return PrivateLinkStep(True, accepted, rule, service, lb, fe, new)
