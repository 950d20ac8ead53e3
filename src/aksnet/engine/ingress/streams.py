"""ingress-nginx's TCP/UDP stream proxy: what the controller does with a connection on a ``tcp``/``udp`` port.

The Helm chart's ``tcp``/``udp`` values become the ConfigMaps ``<fullname>-tcp``/``<fullname>-udp`` (the
controller's ``--tcp-services-configmap``/``--udp-services-configmap``), one entry per port:
``"9000": "namespace/service:port[:PROXY[:PROXY]]"``. The controller's rules (ingress-nginx
internal/ingress/controller/controller.go ``getStreamServices``, docs/user-guide/exposing-tcp-udp-services.md):

- the key must be a port number that is not one of the controller's own (80, 443, 442, 10254, 8181, 10245,
  10246, 10247); the value needs ``namespace/service:port``; the Service port is matched by number
  (``spec.ports[].port``) or else by name, and must have the stream's protocol;
- the upstreams are the ready endpoints of that Service port (EndpointSlices), not its ClusterIP;
- an entry whose Service, port or endpoints are missing is skipped (nothing listens on that port);
- ``:PROXY`` (TCP only) makes the server expect a PROXY protocol header from the client; a fourth ``:PROXY``
  makes it send one to the upstream.

The ConfigMaps are found by the chart's names (ConfigMap labels are not in the model), as the controller's own
ConfigMap is (:mod:`aksnet.engine.ingress.view`). Must not read the workspace or choose an endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnet.engine.ingress.backend import find_service_port, resolve_backend
from aksnet.engine.ingress.model import NGINX_CONTROLLER, UpstreamEndpoint
from aksnet.engine.ingress.view import controller_of_pod
from aksnet.model import k8s
from aksnet.model.twin import ClusterState

# ListenPorts.HTTP, HTTPS, SSLProxy, Health, Default; nginx.ProfilerPort, StatusPort, StreamPort
RESERVED_PORTS = (80, 443, 442, 10254, 8181, 10245, 10246, 10247)
CONTROLLER_CONFIGMAP_SUFFIX = "-controller"


@dataclass(frozen=True, slots=True)
class StreamServer:
    """The stream server on one controller port: its upstreams, or why the controller skipped the entry."""

    configmap: str  # namespace/name
    port: int
    protocol: str
    reference: str  # the entry's value
    service: str = ""  # namespace/name
    endpoints: tuple[UpstreamEndpoint, ...] = ()
    decode_proxy: bool = False
    encode_proxy: bool = False
    skipped: str = ""  # the controller's warning when it skipped the entry

    @property
    def listening(self) -> bool:
        return not self.skipped


def _stream_configmap(cluster: ClusterState, controller: k8s.Pod, protocol: str) -> k8s.ConfigMap | None:
    """The chart's ``<fullname>-tcp``/``-udp`` beside the controller's ``<fullname>-controller`` ConfigMap."""
    suffix = f"-{protocol.lower()}"
    for cm in sorted(cluster.config_maps, key=lambda c: c.name):
        if cm.namespace != controller.namespace or not cm.name.endswith(suffix):
            continue
        base = cm.name[: -len(suffix)]
        if any(c.namespace == cm.namespace and c.name == base + CONTROLLER_CONFIGMAP_SUFFIX
               for c in cluster.config_maps):
            return cm
    return None


def stream_server(cluster: ClusterState, slices: dict[str, list[k8s.EndpointSlice]], controller: k8s.Pod,
                  port: int, protocol: str) -> StreamServer | None:
    """The stream server an ingress-nginx controller pod runs on ``port``/``protocol``; None when the port is
    not a stream entry (no ConfigMap, no key for it, or not an ingress-nginx chart controller)."""
    proto = protocol.upper()
    if proto not in ("TCP", "UDP") or controller_of_pod(controller) != NGINX_CONTROLLER:
        return None
    cm = _stream_configmap(cluster, controller, proto)
    if cm is None or str(port) not in cm.data:
        return None
    ref = cm.data[str(port)]
    where = f"{cm.namespace}/{cm.name}"
    if port in RESERVED_PORTS:
        return StreamServer(where, port, proto, ref, skipped=f"Port {port} cannot be used for {proto} stream "
                                                             "services. It is reserved for the Ingress controller.")
    parts = ref.split(":")
    if len(parts) < 2:
        return StreamServer(where, port, proto, ref, skipped=f'Invalid Service reference "{ref}" for {proto} port '
                                                             f"{port}")
    decode = proto == "TCP" and len(parts) >= 3 and parts[2].upper() == "PROXY"
    encode = proto == "TCP" and len(parts) == 4 and parts[3].upper() == "PROXY"
    ns_name, svc_port = parts[0], parts[1]
    ns, _, name = ns_name.partition("/")
    if not ns or not name or "/" in name:
        return StreamServer(where, port, proto, ref, skipped=f'invalid format (namespace/name) found in "{ns_name}"')
    svc = next((s for s in cluster.services if s.namespace == ns and s.name == name), None)
    if svc is None:
        return StreamServer(where, port, proto, ref, ns_name, skipped=f'Error getting Service "{ns_name}": service '
                                                                      f'"{ns_name}" not found')
    wanted: int | str = int(svc_port) if svc_port.isdigit() else svc_port
    sp = find_service_port(svc, wanted)
    endpoints: tuple[UpstreamEndpoint, ...] = ()
    if sp is not None and sp.protocol.upper() == proto:
        resolved = resolve_backend(ns, k8s.IngressBackend(name, wanted), {svc.key: svc}, slices)
        endpoints = resolved.endpoints
    if not endpoints:
        return StreamServer(where, port, proto, ref, ns_name, decode_proxy=decode, encode_proxy=encode,
                            skipped=f'Service "{ns_name}" does not have any active Endpoint for {proto} port '
                                    f"{svc_port}")
    return StreamServer(where, port, proto, ref, ns_name, endpoints, decode, encode)
