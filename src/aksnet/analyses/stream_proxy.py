"""A flow that reached an ingress-nginx controller on one of its ``tcp``/``udp`` ports goes on through the
controller's stream proxy (:mod:`aksnet.engine.ingress.streams`): the controller opens its own connection from
its pod to an upstream endpoint of the named Service port, so the second leg is walked from the controller pod
(its egress NetworkPolicy, the backend's ingress policy, the backend sees the controller pod's address).

nginx's stream ``proxy_next_upstream`` (on, 3 tries in ingress-nginx's template) moves on to the next endpoint
when one cannot be reached; the trace shows the first endpoint that answers, or the last failure. A skipped
entry leaves nothing listening on the port (refused); a ``:PROXY`` entry waits for a PROXY protocol header that
only a Private Link service with PROXY protocol sends (nginx: "broken header", the connection closes).
Pure: used by ``trace`` and ``curl``.
"""

from __future__ import annotations

from aksnet.engine.flow import DELIVERED, REFUSED, Hop, Site, Walk
from aksnet.engine.ingress import streams
from aksnet.engine.returns import PRIVATE_LINK_HOP
from aksnet.engine.walk import Walker

COMPONENT = "ingress-nginx stream"
NEXT_UPSTREAM_TRIES = 3  # ingress-nginx's nginx.tmpl stream servers: proxy_next_upstream_tries 3


def _proxy_header_sent(walk: Walk) -> bool:
    return any(h.component.startswith(PRIVATE_LINK_HOP) and "PROXY protocol" in h.rule for h in walk.hops)


def through_stream_proxy(walker: Walker, walk: Walk) -> Walk:
    """``walk`` continued through the controller's stream server when it was delivered to an ingress-nginx
    controller pod on a stream port; otherwise ``walk`` itself."""
    b = walk.backend
    if walk.verdict != DELIVERED or b is None or b.kind != "pod" or b.pod is None or not b.pod.pod_ip:
        return walk
    topo = walker.topo
    server = streams.stream_server(topo.state, topo.slices_by_service, b.pod, b.port, walk.protocol)
    if server is None:
        return walk
    entry = f'ConfigMap {server.configmap} "{server.port}": "{server.reference}"'
    if not server.listening:
        rule = f"{entry} is skipped by the controller ({server.skipped}): nothing listens on {server.port}/" \
               f"{server.protocol}"
        return Walk(REFUSED, rule, walk.source, walk.dst_ip, walk.dst_port, walk.protocol,
                    (*walk.hops, Hop(COMPONENT, "refuse", rule)), walk.destination)
    if server.decode_proxy and not _proxy_header_sent(walk):
        rule = (f"{entry}: the server expects a PROXY protocol header (:PROXY) and the client sent none; nginx "
                "closes the connection (broken header)")
        return Walk(REFUSED, rule, walk.source, walk.dst_ip, walk.dst_port, walk.protocol,
                    (*walk.hops, Hop(COMPONENT, "refuse", rule)), walk.destination)
    site = Site("pod", b.pod.pod_ip, b.pod.key, pod=b.pod, node=topo.nodes.get(b.pod.node_name or ""))
    hops = list(walk.hops)
    leg = walk
    for n, ep in enumerate(server.endpoints[:NEXT_UPSTREAM_TRIES]):
        what = "proxy" if n == 0 else "next upstream"
        rule = (f"{entry} → upstream {ep.ip}:{ep.port} ({ep.pod or 'endpoint'}), {n + 1} of "
                f"{len(server.endpoints)} ready endpoints of {server.service}, from the controller pod "
                f"{b.pod.key} ({b.pod.pod_ip})" + ("; sends a PROXY protocol header" if server.encode_proxy else ""))
        hops.append(Hop(COMPONENT, what, rule))
        leg = walker.walk(site, ep.ip, ep.port, server.protocol)
        hops.extend(leg.hops)
        if leg.delivered:
            break
    return Walk(leg.verdict, leg.reason, walk.source, walk.dst_ip, walk.dst_port, walk.protocol, tuple(hops),
                walk.destination, leg.backend)
