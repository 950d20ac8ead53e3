"""trace and the data plane's probe pick the same destination address for each kind of source (one function,
``trace.addresses_for``): an internet client reaches a VM by its instance public IP, a VM reaches a Service by its
load balancer address, a pod uses the ClusterIP."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.analyses.trace import trace
from aksnet.cli.common import command_transaction
from aksnet.dataplane.probe import plan_flows
from aksnet.engine.addressing import Topology
from aksnet.io.twin_loader import load_twin
from tests.trace import worlds

CASES = [
    ("internet", "vm/pubvm", worlds.PUBVM_PUBLIC_IP),
    ("vm/testvm", "svc/default/web", worlds.LB_IP),
    ("pod/web-5d4f8c7b9-ax2z0", "svc/default/web", "10.32.1.10"),
    ("vm/testvm", "vm/pubvm", worlds.PUBVM_IP),
]


@pytest.mark.parametrize(("source", "destination", "address"), CASES, ids=[f"{s}->{d}" for s, d, _ in CASES])
def test_probe_uses_the_address_trace_uses(home: Path, source: str, destination: str, address: str) -> None:
    worlds.kubenet_extras().save(home)
    with command_transaction(write=False) as tx:
        topo = Topology.build(load_twin(tx))
    planned = plan_flows(topo, "t", source, destination, 80, "TCP", "default")
    assert [f.dst_ip for f in planned.flows] == [address]
    assert trace(topo, source, destination, 80).walks[0].dst_ip == address
