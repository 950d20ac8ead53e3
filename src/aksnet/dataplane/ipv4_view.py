"""The IPv4 half of a twin: what ``aksnet up`` builds for a dual-stack cluster.

The data plane realises IPv4 only (docs/dataplane.md, "Known gaps"): a dual-stack cluster's IPv6 addresses of
nodes, pods, Services and load balancer frontends, its IPv6 routes and the IPv6 entries of NSG rules are
twin-only (``trace`` and ``curl`` answer for them). :func:`ipv4_view` removes them from the twin before the plan
is compiled, and says what it left out, so that ``up`` prints it instead of building a half-wrong IPv6 path.
Pure: a function of the twin; must not touch the kernel.
"""

from __future__ import annotations

from dataclasses import replace

from aksnet.model import azure, k8s
from aksnet.model.ids import IdKey, id_key
from aksnet.model.twin import ClusterState, Twin


def _v4(text: str | None) -> bool:
    return bool(text) and ":" not in str(text)


def _prefixes(items: tuple[str, ...]) -> tuple[str, ...]:
    """A rule's or subnet's prefixes without the IPv6 ones (service tags and ``*`` stay)."""
    return tuple(p for p in items if ":" not in p)


def _nsg(n: azure.NetworkSecurityGroup) -> azure.NetworkSecurityGroup:
    rules = []
    for r in n.rules:
        src, dst = _prefixes(r.source_prefixes), _prefixes(r.destination_prefixes)
        if src and dst:  # a rule about IPv6 addresses only has no IPv4 meaning
            rules.append(replace(r, source_prefixes=src, destination_prefixes=dst))
    return replace(n, rules=tuple(rules))


def _load_balancer(lb: azure.LoadBalancer, v6_pips: set[IdKey]) -> azure.LoadBalancer:
    fronts = tuple(f for f in lb.frontends if id_key(f.public_ip_id) not in v6_pips
                   and (f.private_ip is None or _v4(f.private_ip)))
    kept = {id_key(f.id) for f in fronts}
    return replace(lb, frontends=fronts, rules=tuple(r for r in lb.rules if id_key(r.frontend_id) in kept),
                   backend_pools=tuple(replace(p, ip_addresses=tuple(ip for ip in p.ip_addresses if _v4(ip)))
                                       for p in lb.backend_pools))


def _service(s: k8s.Service) -> k8s.Service:
    v4 = tuple(ip for ip in s.cluster_ips if _v4(ip))
    return replace(s, cluster_ips=v4, ip_families=tuple(f for f in s.ip_families if f == "IPv4"),
                   load_balancer_ingress=tuple(ip for ip in s.load_balancer_ingress if _v4(ip)),
                   external_ips=tuple(ip for ip in s.external_ips if _v4(ip)))


def _cluster(cs: ClusterState, dropped: list[str]) -> ClusterState:
    services = []
    for s in cs.services:
        if s.cluster_ip and not _v4(s.cluster_ip) and s.cluster_ip != "None":
            dropped.append(f"Service {s.key} (IPv6 only)")
            continue
        services.append(_service(s))
    cluster = cs.cluster
    if cluster is not None:
        profile = cluster.network_profile
        cluster = replace(cluster, network_profile=replace(
            profile, ip_families=("IPv4",), pod_cidrs=_prefixes(profile.pod_cidrs),
            service_cidrs=_prefixes(profile.service_cidrs)))
    return replace(
        cs, cluster=cluster, services=tuple(services),
        nodes=tuple(replace(n, internal_ips=tuple(ip for ip in n.internal_ips if _v4(ip)),
                            pod_cidrs=_prefixes(n.pod_cidrs)) for n in cs.nodes),
        pods=tuple(replace(p, pod_ips=tuple(ip for ip in p.pod_ips if _v4(ip))) for p in cs.pods),
        endpoint_slices=tuple(e for e in cs.endpoint_slices if e.address_type != "IPv6"))


def is_dual_stack(twin: Twin) -> bool:
    return any(cs.cluster is not None and "IPv6" in cs.cluster.network_profile.ip_families for cs in twin.clusters) \
        or any(":" in p for v in twin.vnets for p in v.address_prefixes)


def ipv4_view(twin: Twin) -> tuple[Twin, tuple[str, ...]]:
    """The twin without its IPv6 addresses, and the note ``up`` prints (none for an IPv4-only twin)."""
    if not is_dual_stack(twin):
        return twin, ()
    v6_pips = {id_key(p.id) for p in twin.public_ips if not _v4(p.ip_address)}
    dropped: list[str] = []
    vnets = tuple(replace(v, address_prefixes=_prefixes(v.address_prefixes),
                          subnets=tuple(replace(s, address_prefixes=_prefixes(s.address_prefixes)) for s in v.subnets))
                  for v in twin.vnets)
    view = replace(
        twin, vnets=vnets, nsgs=tuple(_nsg(n) for n in twin.nsgs),
        route_tables=tuple(replace(t, routes=tuple(r for r in t.routes if ":" not in r.address_prefix))
                           for t in twin.route_tables),
        public_ips=tuple(p for p in twin.public_ips if _v4(p.ip_address)),
        nics=tuple(replace(n, ip_configurations=tuple(c for c in n.ip_configurations if _v4(c.private_ip)))
                   for n in twin.nics),
        load_balancers=tuple(_load_balancer(lb, v6_pips) for lb in twin.load_balancers),
        clusters=tuple(_cluster(cs, dropped) for cs in twin.clusters))
    note = ("dual-stack: the data plane is built for IPv4 only; the IPv6 addresses of nodes, pods, Services and "
            "load balancer frontends, IPv6 routes and the IPv6 entries of NSG rules are twin-only (trace and curl "
            "answer for them; docs/dataplane.md)")
    if dropped:
        note += "; not built: " + ", ".join(dropped)
    return view, (note,)
