"""``explain --exposure`` in the kernel: every internet source range the twin distinguishes for a public
frontend (loadBalancerSourceRanges, NSG rules) is probed with real packets from an internet host in that range,
and the kernel's verdict equals the twin's (tests/scenarios/explain_exposure_nsg_source_ranges)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import brought_down, cli_ok, requires_dataplane
from tests.exposure.test_exposure_golden import shop_cluster

pytestmark = [pytest.mark.dataplane, requires_dataplane]


def test_every_source_range_agrees_with_the_kernel(home: Path) -> None:
    shop_cluster()
    doc = json.loads(cli_ok("explain", "--exposure", "-o", "json"))
    rows = [(e["address"], e["port"], r["client"], r["status"]) for e in doc["internet"]
            for r in e["bySourceRange"]]
    assert {s for *_, s in rows} == {"reachable", "blocked"}, rows  # both verdicts are exercised
    with brought_down(home):
        cli_ok("up")
        for address, port, client, status in rows:
            r = run_cli("probe", client, address, "--port", str(port), "-o", "json")
            kernel = json.loads(r.out)["verdict"]
            assert kernel == ("delivered" if status == "reachable" else "not delivered"), \
                (client, address, port, status, r.out)
