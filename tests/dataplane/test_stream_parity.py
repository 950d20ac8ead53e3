"""ingress-nginx's tcp/udp services built for real: the golden scenario az_ingress_nginx_tcp_services (chart
values ``tcp``/``udp``) brought up, each stream port probed from the internet with real packets through the
controller's real NGINX stream servers, and the kernel's verdict must equal the twin's trace (a working entry is
delivered to the named Service's pods, a ``:PROXY`` entry gets no answer, a skipped entry is refused);
``verify`` over the whole cluster reports no disagreement."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.azure.test_scenarios import transcript
from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]

SCENARIO = Path(__file__).parent.parent / "scenarios" / "az_ingress_nginx_tcp_services" / "commands.txt"
LB = "20.81.0.2"


@pytest.mark.parametrize(("port", "protocol", "delivered"), [
    (9000, "TCP", True), (5353, "UDP", True), (9001, "TCP", False), (9002, "TCP", False),
], ids=["tcp-entry", "udp-entry", "proxy-decode-without-header", "skipped-entry"])
def test_stream_ports_agree(home: Path, port: int, protocol: str, delivered: bool) -> None:
    transcript(SCENARIO)
    twin = json.loads(run_cli("trace", "internet", LB, "--port", str(port), "--protocol", protocol, "-o", "json").out)
    assert (twin["verdict"] == "delivered") is delivered
    with brought_down(home):
        assert run_cli("up").code == 0
        real = run_cli("probe", "internet", LB, "--port", str(port), "--protocol", protocol)
        assert (real.code == 0) is delivered, real.out
        if port == 9000:
            report = run_cli("verify")
            assert report.code == 0, report.out
