"""Gateways in the data plane plan: real NGINX (``gateway_conf``) where the twin's Gateway proxies run.

* An Istio-deployed Gateway (``<gateway>-istio`` pods, ``analyses.curl_gateway.gateway_of_pod``): NGINX in the
  proxy pod's own namespace on the pod IP and the listener ports (the LoadBalancer Service's target ports), so
  kube-proxy, NSGs and the backends' NetworkPolicies see what they see in the twin.
* Application Gateway for Containers: one namespace per traffic controller outside the cluster, on the
  internet router at its frontends' public addresses and on the VNet fabric at each association's address in the
  AGC subnet (``AlbAssociation.proxy_ip``); NGINX listens on the frontends and connects to pod IPs from the
  association address, so the subnet's NSGs, routes and the pods' NetworkPolicies judge AGC's traffic; backends
  see the client in X-Forwarded-For. BackendTLSPolicy: TLS with its SNI to the endpoints (the echo agent answers
  TLS); a mismatch the twin answers itself (plain HTTP to a TLS-only port, TLS to a plain one) is answered with
  the twin's status, since the echo agent speaks both. HealthCheckPolicy: NGINX OSS has no active probes, so the
  upstream lists the endpoints whose probe the twin passes (its walk from the association address).

Backends are resolved exactly as ``analyses.curl_gateway`` resolves them (``engine.gateway.route``'s backend
check, the Service's ready endpoints). Pure: returns specs; must not touch the kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aksnet.analyses import curl_agc, curl_gateway
from aksnet.analyses.gateway_status import running_controllers
from aksnet.dataplane import gateway_conf, names
from aksnet.dataplane import topo_names as tn
from aksnet.dataplane.spec import Addr, NginxSpec, RouteSpec, Unit, Veth
from aksnet.engine.addressing import Topology
from aksnet.engine.flow import Site
from aksnet.engine.gateway import backend_tls, health, match
from aksnet.engine.gateway.attach import Attachment
from aksnet.engine.gateway.route import _backend_problem
from aksnet.engine.ingress.backend import resolve_backend
from aksnet.engine.walk import Walker
from aksnet.model import azure, k8s
from aksnet.model.alb import TrafficController
from aksnet.model.gateway import BackendRef
from aksnet.model.ids import id_key, same_id
from aksnet.rules import gateway_api

NGINX_USER = "nobody nogroup"


def _secrets(topo: Topology) -> dict[tuple[str, str], tuple[str, str]]:
    return {(s.namespace, s.name): (s.tls_crt, s.tls_key) for s in topo.state.secrets
            if getattr(s, "tls_crt", "") and getattr(s, "tls_key", "")}


def _backend_of(topo: Topology, agc: Site | None) -> gateway_conf.BackendOf:
    """Backends as the twin resolves them; ``agc``: the association's address AGC's health probes and
    connections start from (None: an Istio-deployed Gateway)."""
    walker = Walker(topo)
    services = {s.key: s for s in topo.state.services}
    slices: dict[str, list[k8s.EndpointSlice]] = {}
    for sl in topo.state.endpoint_slices:
        slices.setdefault(f"{sl.namespace}/{sl.service_name}", []).append(sl)

    def backend_of(b: gateway_conf.Binding, att: Attachment, ref: BackendRef) -> gateway_conf.Backend:
        route = att.route
        ns = ref.ref.namespace or route.namespace
        key = (ns, ref.ref.name, ref.ref.port or 0)
        problem = _backend_problem(b.world, match.Selected(att, 0, 0, ""), ref)
        if problem:
            return gateway_conf.Backend(key, problem=problem)
        resolved = resolve_backend(ns, k8s.IngressBackend(ref.ref.name, ref.ref.port), services, slices)
        found = resolved.endpoints
        check = health.check_for(b.world, ns, ref.ref.name) if agc is not None else None
        if agc is not None and check is not None:  # NGINX OSS has no active probes: the twin's verdicts choose
            found, _ = curl_gateway._healthy(topo, walker, agc, "", check, found, key)
        eps = tuple((e.ip, e.port, e.pod or "") for e in found)
        if agc is None or not eps:
            return gateway_conf.Backend(key, eps)
        conn = backend_tls.connect(b.world, services.get(f"{ns}/{ref.ref.name}"), ns, ref.ref.name, key[2])
        if conn.status is not None:
            return gateway_conf.Backend(key, eps, answer=(conn.status, conn.body))
        policy = backend_tls.policy_for(b.world, ns, ref.ref.name, key[2])
        return gateway_conf.Backend(key, eps, tls_sni=(policy.sni or ref.ref.name) if policy else None)
    return backend_of


def listener_ports(topo: Topology, pod: k8s.Pod) -> tuple[int, ...]:
    """The ports NGINX takes in an Istio-deployed Gateway pod (its Gateway's listener ports)."""
    gw = curl_gateway.gateway_of_pod(topo, pod)
    return tuple(sorted({lst.port for lst in gw.listeners})) if gw is not None else ()


def istio_spec(topo: Topology, netns: str, pod: k8s.Pod, placeholder: str) -> tuple[NginxSpec | None, tuple[str, ...]]:
    """The NGINX of an Istio-deployed Gateway pod (None for other pods) and the configuration's notes."""
    gw = curl_gateway.gateway_of_pod(topo, pod)
    if gw is None or not pod.pod_ip:
        return None, ()
    prefix = f"{placeholder}/nginx/{netns}"
    binding = gateway_conf.Binding(gw, topo.state.gateway, pod.pod_ip, running_controllers())
    out = gateway_conf.render([binding], _backend_of(topo, None), _secrets(topo), prefix=prefix,
                              user=NGINX_USER, attempts=gateway_api.ISTIO_ATTEMPTS,
                              title=f"Gateway {gw.namespace}/{gw.name} (pod {pod.key})")
    notes = tuple(f"Gateway {gw.namespace}/{gw.name}: {n}" for n in out.notes)
    return NginxSpec(netns, pod.key, out.conf, out.files), notes


@dataclass(frozen=True)
class AgcHost:
    """One traffic controller's proxies: its namespace, its frontends' addresses (internet side) and its
    associations (link in the VNet fabric, subnet, proxy address)."""

    key: str
    netns: str
    tc: TrafficController
    inet_link: str
    frontend_ips: tuple[str, ...]
    associations: tuple[tuple[str, azure.Subnet, str], ...]


def agc_hosts(topo: Topology, tag: str) -> list[AgcHost]:
    """Every traffic controller with a frontend address and an association in a subnet the twin knows."""
    out = []
    for tc in sorted(topo.twin.traffic_controllers, key=lambda t: id_key(t.id)):
        ns = tn.agc_ns(tag, tc.id, tc.name)
        assocs = []
        for i, a in enumerate(tc.associations):
            subnet = topo.subnets.get(id_key(a.subnet_id))
            if subnet is not None and a.proxy_ip:
                assocs.append((names.link_name("va", f"{ns}#{i}"), subnet, a.proxy_ip))
        ips = tuple(fe.ip for fe in tc.frontends if fe.ip)
        if assocs and ips:
            out.append(AgcHost(f"agc/{tc.name}", ns, tc, names.link_name("ig", ns), ips, tuple(assocs)))
    return out


def agc_spec(topo: Topology, h: AgcHost, placeholder: str) -> tuple[NginxSpec | None, tuple[str, ...]]:
    """The NGINX of one traffic controller: every frontend's bound Gateways (or the Gateway its Ingresses make)."""
    bindings: list[gateway_conf.Binding] = []
    for fe in h.tc.frontends:
        if not fe.ip:
            continue
        gws = curl_agc.bound_gateways(topo, h.tc, fe)
        if gws:
            bindings += [gateway_conf.Binding(g, topo.state.gateway, fe.ip, running_controllers()) for g in gws[:1]]
        elif (via := curl_agc.ingress_gateway(topo, h.tc, fe)) is not None:
            bindings.append(gateway_conf.Binding(via[1], via[0], fe.ip, (gateway_api.ALB_CONTROLLER,)))
    if not bindings:
        return None, ()
    assoc = h.tc.associations[0]
    nic = next((n for n in topo.twin.nics if same_id(n.id, f"{assoc.id}/proxy")), None)  # as curl_agc walks
    site = Site("vm", assoc.proxy_ip, f"{h.tc.name}/{assoc.name}", nic=nic)
    out = gateway_conf.render(bindings, _backend_of(topo, site), _secrets(topo),
                              prefix=f"{placeholder}/nginx/{h.netns}", user=NGINX_USER, attempts=curl_agc.ATTEMPTS,
                              title=curl_agc.component_name(h.tc))
    return NginxSpec(h.netns, h.key, out.conf, out.files), tuple(f"{h.key}: {n}" for n in out.notes)


def frontend_links(hosts: Sequence[AgcHost]) -> list[tuple[str, str]]:
    """(frontend address, link) pairs the internet router routes to the AGC namespaces."""
    return [(ip, h.inet_link) for h in hosts for ip in h.frontend_ips]


def agc_unit(h: AgcHost, vnet_ns: str, vnet_space: Sequence[str], sysctls: tuple[tuple[str, str], ...]) -> Unit:
    """The traffic controller's namespace on the VNet fabric: a frontend link holding the frontends' public
    addresses (the fabric routes them from the internet; replies leave by its default route), and one NIC per
    association in its AGC subnet, through which the VNet's address space (and the overlay pod CIDR) is reached
    from the association address."""
    fe = Veth(name=h.inet_link, peer_name="fe0", addrs=(Addr(tn.INET_HOST_GW, 32, "link"),),
              peer_addrs=tuple(Addr(ip, 32) for ip in h.frontend_ips),
              peer_routes=(RouteSpec(f"{tn.INET_HOST_GW}/32", dev="fe0", scope="link"),
                           RouteSpec("default", gateway=tn.INET_HOST_GW)))
    uplinks = [fe]
    for i, (link, subnet, ip) in enumerate(h.associations):
        gw, plen = tn.subnet_gateway(subnet)
        dev = f"eth{i}"
        routes = [RouteSpec(f"{gw}/32", dev=dev, scope="link", src=ip)]
        routes += [RouteSpec(cidr, gateway=gw, src=ip) for cidr in (vnet_space if i == 0 else ())]
        uplinks.append(Veth(name=link, peer_name=dev, addrs=(Addr(gw, 32),), peer_addrs=(Addr(ip, plen),),
                            peer_routes=tuple(routes), drop_peer_prefix_route=True))
    return Unit(h.key, h.netns, "agc", parent=vnet_ns, uplinks=tuple(uplinks), sysctls=sysctls,
                labels=(("agc", h.tc.name), ("frontends", ",".join(h.frontend_ips)),
                        ("ip", ",".join(ip for _, _, ip in h.associations))))

