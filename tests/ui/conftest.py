"""Fixtures of the ``aksnet ui`` tests: the demo's workspace (built once) and ``aksnet ui`` served from it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import aksnet_home
from tests.ui.demo_site import build_demo_workspace


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new workspace after ``aksnet demo`` (the demo keeps its cluster there)."""
    home = tmp_path_factory.mktemp("ui") / "aksnet-home"
    with aksnet_home(home):
        build_demo_workspace()
    yield home


@pytest.fixture
def served(demo_home: Path) -> Iterator[str]:
    """``aksnet ui --port 0`` over the demo's workspace, as a user starts it; yields its base URL."""
    env = {**os.environ, "AKSNET_HOME": str(demo_home)}
    proc = subprocess.Popen([sys.executable, "-m", "aksnet", "ui", "--port", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert url, first
        yield url.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
