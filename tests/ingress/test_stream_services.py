"""ingress-nginx's tcp/udp services ConfigMap entries (``getStreamServices``): which ports get a stream server,
which upstreams it proxies to, and why an entry is skipped."""

from __future__ import annotations

import pytest

from aksnet.engine.ingress.streams import stream_server
from aksnet.model import k8s
from aksnet.model.twin import ClusterState

CONTROLLER = k8s.Pod("ingress-nginx", "ingress-nginx-controller-abc", pod_ip="10.0.0.9",
                     labels={"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller"})
DB = k8s.Service("default", "db", ports=(k8s.ServicePort(5432, name="pg", target_port=5432),
                                         k8s.ServicePort(53, "UDP", name="dns", target_port=53)))
SLICES = {"default/db": [k8s.EndpointSlice("default", "db-x", "db", (
    k8s.Endpoint("10.0.0.21", pod="default/db-1"), k8s.Endpoint("10.0.0.20", pod="default/db-0"),
    k8s.Endpoint("10.0.0.22", ready=False)),
    (k8s.EndpointPort(5432, name="pg"), k8s.EndpointPort(53, "UDP", name="dns")))]}


def _cluster(tcp: dict[str, str], udp: dict[str, str] | None = None) -> ClusterState:
    cms = (k8s.ConfigMap("ingress-nginx", "ingress-nginx-controller"),
           k8s.ConfigMap("ingress-nginx", "ingress-nginx-tcp", tcp),
           k8s.ConfigMap("ingress-nginx", "ingress-nginx-udp", udp or {}))
    return ClusterState(cluster=None, services=(DB,), config_maps=cms)


@pytest.mark.parametrize(("tcp", "port", "proto", "want"), [
    ({"9000": "default/db:5432"}, 9000, "TCP", ("10.0.0.20:5432,10.0.0.21:5432", False, False, "")),
    ({"9000": "default/db:pg"}, 9000, "TCP", ("10.0.0.20:5432,10.0.0.21:5432", False, False, "")),
    ({"9000": "default/db:pg:PROXY"}, 9000, "TCP", ("10.0.0.20:5432,10.0.0.21:5432", True, False, "")),
    ({"9000": "default/db:pg:proxy:PROXY"}, 9000, "TCP", ("10.0.0.20:5432,10.0.0.21:5432", True, True, "")),
    ({"9000": "default/db:5432"}, 9001, "TCP", None),  # not an entry: no stream server
    ({"443": "default/db:5432"}, 443, "TCP",
     ("", False, False, "Port 443 cannot be used for TCP stream services. It is reserved for the Ingress "
                        "controller.")),
    ({"9000": "default/db"}, 9000, "TCP", ("", False, False, 'Invalid Service reference "default/db" for TCP port '
                                                              "9000")),
    ({"9000": "db:5432"}, 9000, "TCP", ("", False, False, 'invalid format (namespace/name) found in "db"')),
    ({"9000": "default/nope:5432"}, 9000, "TCP",
     ("", False, False, 'Error getting Service "default/nope": service "default/nope" not found')),
    ({"9000": "default/db:53"}, 9000, "TCP",  # port 53 is UDP: no TCP endpoints
     ("", False, False, 'Service "default/db" does not have any active Endpoint for TCP port 53')),
    ({"9000": "default/db:5433"}, 9000, "TCP",
     ("", False, False, 'Service "default/db" does not have any active Endpoint for TCP port 5433')),
], ids=["by-number", "by-name", "decode-proxy", "decode-and-encode-proxy", "other-port", "reserved-port",
        "no-port", "no-namespace", "missing-service", "wrong-protocol", "missing-port"])
def test_tcp_entry(tcp: dict[str, str], port: int, proto: str,
                   want: tuple[str, bool, bool, str] | None) -> None:
    got = stream_server(_cluster(tcp), SLICES, CONTROLLER, port, proto)
    if want is None:
        assert got is None
        return
    assert got is not None
    assert (",".join(f"{e.ip}:{e.port}" for e in got.endpoints), got.decode_proxy, got.encode_proxy,
            got.skipped) == want


def test_udp_entry_ignores_proxy() -> None:
    got = stream_server(_cluster({}, {"5353": "default/db:dns:PROXY"}), SLICES, CONTROLLER, 5353, "UDP")
    assert got is not None and got.listening and not got.decode_proxy
    assert [e.port for e in got.endpoints] == [53, 53]


def test_only_the_chart_controller_has_streams() -> None:
    other = k8s.Pod("ingress-nginx", "web", pod_ip="10.0.0.8")
    assert stream_server(_cluster({"9000": "default/db:5432"}), SLICES, other, 9000, "TCP") is None
