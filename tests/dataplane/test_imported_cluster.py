"""A real cluster's dump (``tests/importing/dump``), imported, built for real: ``aksnet verify`` must find real
packets and ``trace`` agreeing on every flow and ingress URL, with the pods at the IPs the dump gave them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.dataplane.realnet import requires_dataplane, up_verify_down

pytestmark = [pytest.mark.dataplane, requires_dataplane]

DUMP = Path(__file__).resolve().parents[1] / "importing" / "dump"


def test_imported_cluster_up_and_verify(home: Path) -> None:
    assert run_cli("import", str(DUMP)).code == 0
    up_verify_down()
