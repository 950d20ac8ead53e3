"""``verify`` at 10 nodes / 500 pods (kubenet, Calico, 10 apps with 2 Services and 1 NetworkPolicy each; built
with az and kubectl): the kernel and the twin agree on every flow of the class matrix (about 25,000 flows,
most of them dropped by the policies), with no false timeouts from an overloaded echo agent — probes that
timed out where the twin expects an answer are retried and counted. The whole matrix runs (no sampling):
about 1.5 minutes on the shared 2-core machine at load 10 (up ~20 s, verify ~90 s, down ~4 s)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aksnet.dataplane import names
from tests.conftest import run_cli
from tests.dataplane import scale_cluster
from tests.dataplane.realnet import our_netns, requires_dataplane

pytestmark = [pytest.mark.dataplane, requires_dataplane]


def _run(args: list[str], stdin: str | None) -> None:
    r = run_cli(*args, stdin=stdin)
    assert r.code == 0, (args, r.err[-2000:])


def test_verify_agrees_at_10_nodes_500_pods(home: Path) -> None:
    scale_cluster.build(_run, 10, 500)
    try:
        up = run_cli("up")
        m = re.search(r"up: (\d+) namespaces", up.out)
        assert up.code == 0 and m is not None and int(m.group(1)) > 510, up.err  # 500 pods + nodes + fabric
        r = run_cli("verify", "-o", "json")
        rep = json.loads(r.out)
        assert r.code == 0 and rep["disagreements"] == [], r.out[-4000:]
        assert rep["checks"] > 20000 and rep["checks"] == rep["agreed"]
        assert "retried" in rep  # how many timeouts were probed again is part of the report
    finally:
        run_cli("down")
    assert our_netns(names.workspace_tag(home)) == []
