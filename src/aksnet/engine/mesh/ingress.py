"""An Istio ingress gateway (the add-on's ``aks-istio-ingressgateway-*`` pods, ``proxy router``) receiving a
connection: which Istio Gateway server listens there and which VirtualServices may bind to it.

A Gateway (networking.istio.io) applies to the gateway pods its ``selector`` matches, in any namespace. A server's
``port.number`` is the port of the gateway's Service (Istio listens on that Service's targetPort); a request goes
to the server on that port whose protocol fits (HTTP for plaintext, HTTPS/TLS for TLS) and whose host
(``[namespace/]host``, wildcards allowed) matches the Host or SNI most specifically. No server on the port: no
listener (the connection is refused); no host: 404 for HTTP, the TLS handshake closed for HTTPS. A VirtualService
binds when its ``gateways`` name the Gateway, the server's namespace part admits its namespace and one of its hosts
overlaps the server's. ``tls.httpsRedirect`` answers 301 to https.
Source: https://istio.io/latest/docs/reference/config/networking/gateway/ (Gateway selector, Server hosts),
https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/. Pure; the model only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aksnet.engine.mesh import hosts
from aksnet.engine.mesh.protocol import service_ports_to
from aksnet.model import k8s
from aksnet.model import mesh_traffic as mt

TLS_PROTOCOLS = ("HTTPS", "TLS")


@dataclass(frozen=True, slots=True)
class ServerChoice:
    steps: tuple[str, ...]
    gateway: mt.Gateway | None = None
    server: mt.Server | None = None
    port: int = 0  # the Service port (the server's port number)
    outcome: str = "route"  # route | refused | not-found | handshake | redirect
    location: str = ""

    @property
    def gateway_name(self) -> str:
        return self.gateway.key if self.gateway else ""


def selecting(world: mt.TrafficWorld, pod: k8s.Pod) -> list[mt.Gateway]:
    """The Gateways whose selector matches the gateway pod's labels."""
    return [g for g in world.gateways if all(pod.labels.get(k) == v for k, v in g.selector)]


def service_port(services: Iterable[k8s.Service], pod: k8s.Pod, pod_port: int) -> int:
    """The port of a Service selecting the gateway pod whose targetPort is ``pod_port`` (else the pod port)."""
    return next((sp.port for sp in service_ports_to(services, pod, pod_port)), pod_port)


def _server_text(gw: mt.Gateway, i: int, s: mt.Server) -> str:
    return (f"Gateway {gw.key} [spec.servers[{i}]] port {s.port} {s.protocol} hosts {', '.join(s.hosts) or '-'}"
            + (f" tls {s.tls_mode}" if s.tls_mode else ""))


def select_server(world: mt.TrafficWorld, pod: k8s.Pod, port: int, scheme: str, host: str,
                  path: str = "/") -> ServerChoice:
    """The Gateway server for a connection to Service port ``port`` with ``host`` (Host header or SNI)."""
    gws = selecting(world, pod)
    on_port = [(g, i, s) for g in gws for i, s in enumerate(g.servers) if s.port == port]
    if not on_port:
        why = (f"no Gateway selecting {pod.key} has a server on port {port}: no listener (connection refused)"
               if gws else f"no Gateway (networking.istio.io) selects {pod.key}: no listener on port {port} "
                           "(connection refused)")
        return ServerChoice((why,), outcome="refused")
    tls = scheme == "https"
    fits = [(g, i, s) for g, i, s in on_port if (s.protocol in TLS_PROTOCOLS) == tls]
    best: tuple[tuple[int, int], mt.Gateway, int, mt.Server] | None = None
    for g, i, s in fits:
        for entry in s.hosts:
            _, pattern = hosts.gateway_host(entry, g.namespace)
            if hosts.matches(pattern, host):
                rank = hosts.specificity(pattern)
                if best is None or rank > best[0] or (rank == best[0] and g.creation_index < best[1].creation_index):
                    best = (rank, g, i, s)
    if best is None:
        kind = "HTTPS" if tls else "HTTP"
        if tls:
            sni = f"SNI {host}" if host else "a connection without SNI (an IP address in the URL)"
            return ServerChoice((f"no {kind} server on port {port} has a host matching {sni}: the TLS handshake "
                                 "is closed",), outcome="handshake")
        return ServerChoice((f"no {kind} server on port {port} has a host matching {host}: 404 (Envoy NR)",),
                            outcome="not-found")
    _, g, i, s = best
    steps = [_server_text(g, i, s)]
    if s.https_redirect and not tls:
        location = f"https://{host}{path}"
        steps.append(f"Gateway {g.key} [spec.servers[{i}].tls.httpsRedirect]: 301 to {location}")
        return ServerChoice(tuple(steps), g, s, port, "redirect", location)
    if tls and s.tls_mode in ("SIMPLE", "MUTUAL"):
        steps.append(f"TLS terminated with credentialName {s.credential_name or '(none)'}")
    return ServerChoice(tuple(steps), g, s, port)


def admits(choice: ServerChoice) -> Callable[[mt.VirtualService, str], bool]:
    """A VirtualService (with one of its host patterns) may bind to the chosen server."""
    gw, server = choice.gateway, choice.server

    def check(vs: mt.VirtualService, vs_host: str) -> bool:
        if gw is None or server is None:
            return False
        for entry in server.hosts:
            ns, pattern = hosts.gateway_host(entry, gw.namespace)
            if ns in ("*", vs.namespace) and hosts.overlap(pattern, vs_host):
                return True
        return False

    return check
