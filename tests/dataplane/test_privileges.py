"""Without root the data plane refuses clearly (exit 1, a message, nothing created); bad input exits 2."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("verb", ["up", "probe", "verify"], ids=["up", "probe", "verify"])
def test_not_root_is_a_clear_error(verb: str, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    args = [verb] + (["internet", "10.0.0.1", "--port", "80"] if verb == "probe" else [])
    r = run_cli(*args)
    assert r.code == 1 and "needs root" in r.err and "Traceback" not in r.err
    assert not (home / "dataplane").exists()


@pytest.mark.parametrize("args", [["--bogus"], ["-n"]], ids=["unknown-flag", "missing-value"])
def test_usage_errors_exit_2(args: list[str], home: Path) -> None:
    r = run_cli("up", *args)
    assert r.code == 2 and "aksnet up: error:" in r.err


def test_status_when_nothing_is_up(home: Path) -> None:
    r = run_cli("status")
    assert r.code == 0 and r.out.strip() == "data plane: down"
