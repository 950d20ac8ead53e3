"""Which source ports probes bind (pure, no root): the kernel's choice unless an NSG rule names source ports,
then ports the rules judge as the twin's 49152, one per probe."""

from __future__ import annotations

import pytest

from aksnet.dataplane import probe
from aksnet.engine.addressing import Topology
from aksnet.model import azure
from tests.dataplane import twins


def _rule(*ports: str) -> azure.SecurityRule:
    return azure.SecurityRule("r", 100, "Inbound", "Deny", "Tcp", ("*",), ports, ("*",), ("80",))


@pytest.mark.parametrize(("rules", "want"), [
    ((), [0, 0, 0]),
    ((_rule("*"),), [0, 0, 0]),
    ((_rule("50000-60999"),), [49152, 49153, 49154]),  # 32768-49999 pass like 49152
    ((_rule("49000-49153"),), [49152, 49153, 49000]),  # wraps within 49000-49153
    ((_rule("49153"),), [49152, 32768, 32769]),  # below the single port: 32768-49152
    ((_rule("1-40000", "49154-65535"),), [49152, 49153, 40001]),
], ids=["no-rules", "any-port", "deny-high-ports", "narrow-range", "single-port-above", "two-ranges"])
def test_source_ports(rules: tuple[azure.SecurityRule, ...], want: list[int]) -> None:
    topo = Topology.build(twins.kubenet_twin(nsg_rules=rules))
    ports = probe.source_ports(topo, 3)
    assert ports == want
