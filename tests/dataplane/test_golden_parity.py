"""The path engine's golden scenarios of issue "path engine truth" (DNS as a flow, return paths, virtual
appliances, smaller truths), built for real: each scenario's world (tests/trace/worlds.py) is brought up in the
kernel, the scenario's flow is probed with real packets, and the kernel's verdict must equal the twin's (the
``trace`` of the same flow; for a flow to a VM's own address also who answered). ``verify`` over the whole world
must report no disagreement. Scenarios without packets (RouteConflict, the bootstrap check) stay twin-only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, requires_dataplane
from tests.trace import worlds
from tests.trace.test_scenarios import FQDN, P0, SCENARIOS
from tests.trace.world import World

pytestmark = [pytest.mark.dataplane, requires_dataplane]

# golden scenario → the flow as ``trace``/``probe`` FROM TO --port [--protocol] (curl and dns scenarios: the
# connection they make), the twin's verdict (delivered?) and who answers (an echo identity line, or "")
PARITY: dict[str, tuple[list[str], bool, str]] = {
    # 1. the DNS lookup is a flow (real resolv.conf, real query to the kube-dns ClusterIP, real nft rules)
    "trace_dns_lookup_denied_by_egress_policy": ([worlds.CLIENT, "kubernetes.default", "--port", "443"], False, ""),
    "trace_curl_lookup_timeout": ([worlds.CLIENT, "kubernetes.default", "--port", "443"], False, ""),
    "trace_dns_from_pod_timeout": ([worlds.CLIENT, "kubernetes.default", "--port", "443"], False, ""),
    "trace_dns_lookup_allowed": ([worlds.CLIENT, "web", "--port", "80"], True, ""),
    "trace_dns_coredns_forward_azure_dns": ([worlds.CLIENT, FQDN, "--port", "443"], True, ""),
    "trace_dns_coredns_forward_denied": ([worlds.CLIENT, FQDN, "--port", "443"], False, ""),
    "trace_dns_vm_custom_dns_unreachable": (["vm/testvm", FQDN, "--port", "443"], False, ""),
    # 2. a connection is delivered only if the reply gets back
    "trace_appliance_asymmetric_reply": (["vm/testvm", "vm/appvm", "--port", "80"], False, ""),
    "trace_appliance_symmetric_reply": (["vm/testvm", "vm/appvm", "--port", "80"], True, "vm=appvm"),
    "trace_reply_next_hop_none": (["vm/testvm", "vm/appvm", "--port", "22"], False, ""),
    "trace_appliance_nodeport_reply_symmetric": (["vm/appvm", worlds.N1_IP, "--port", "30080"], True, ""),
    "trace_appliance_nodeport_reply_asymmetric": (["vm/appvm", worlds.N1_IP, "--port", "30080"], False, ""),
    "trace_lb_reply_through_udr_firewall": (["internet", worlds.LB_IP, "--port", "80"], False, ""),
    "trace_egress_udr_firewall": ([P0, "93.184.216.34", "--port", "80"], True, ""),
    # 3. virtual appliances forward only with IP forwarding; their own NSG judges what they receive
    "trace_appliance_forwarding_disabled": (["vm/testvm", "vm/appvm", "--port", "80"], False, ""),
    "trace_appliance_nsg_denies": (["vm/testvm", "vm/appvm", "--port", "80"], False, ""),
    # 6. smaller truths
    "trace_nsg_source_port_range": (["vm/testvm", "10.244.1.2", "--port", "80"], True, ""),
    "trace_internet_to_vm_public_ip": (["internet", "vm/pubvm", "--port", "80"], True, "vm=pubvm"),
    "trace_internet_to_vm_without_public_ip": (["internet", "vm/testvm", "--port", "80"], False, ""),
    "trace_service_target_port_without_container_port": ([worlds.CLIENT, "web", "--port", "80"], True, ""),
}


def _world(name: str) -> Callable[[], World]:
    return SCENARIOS[name][0]


@pytest.mark.parametrize("name", sorted(PARITY), ids=sorted(PARITY))
def test_kernel_agrees_with_golden(name: str, home: Path) -> None:
    flow, delivered, who = PARITY[name]
    _world(name)().save(home)
    twin = json.loads(run_cli("trace", *flow, "-o", "json").out)
    assert twin["delivered"] is delivered, twin["reason"]
    with brought_down(home):
        up = run_cli("up")
        assert up.code == 0, up.err
        r = run_cli("probe", *flow, "-o", "json")
        kernel = json.loads(r.out)
        assert kernel["verdict"] == ("delivered" if delivered else "not delivered"), (twin["reason"], kernel)
        if who:
            assert who in kernel["probes"][0]["answer"], kernel
        v = run_cli("verify")
        assert v.code == 0 and " 0 disagree" in v.out, v.out
