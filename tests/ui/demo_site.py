"""The demo's workspace (seed 001's kubenet walkthrough, as ``aksnet demo`` builds it) in the current
``AKSNET_HOME``, and its exported site: the golden cluster of the ``aksnet ui`` tests."""

from __future__ import annotations

import io
from pathlib import Path

from tests.conftest import run_cli


def build_demo_workspace() -> None:
    from aksnet.cli import demo

    d = demo.Demo(io.StringIO())
    for section in demo.SECTIONS:
        section(d)


def export_site(out: Path) -> None:
    r = run_cli("ui", "--export", str(out))
    assert r.code == 0, r.err
