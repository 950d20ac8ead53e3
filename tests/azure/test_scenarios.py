"""Golden scenarios: az command lines and what they print (tests/scenarios/az_*/commands.txt → expected.txt).

Run with ``--update-golden`` to rewrite the expected outputs after an intended change.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("az_*/commands.txt"))


def transcript(commands: Path) -> str:
    out = []
    for line in commands.read_text().splitlines():
        if not line.startswith("az "):
            continue
        r = run_cli("az", *shlex.split(line)[1:])
        out.append(f"$ {line}\n[exit {r.code}]\n{r.out}{r.err}")
    return "".join(out)


@pytest.mark.parametrize("commands", SCENARIOS, ids=[p.parent.name for p in SCENARIOS])
def test_scenario(home: Path, commands: Path, update_golden: bool) -> None:
    got = transcript(commands)
    expected = commands.parent / "expected.txt"
    if update_golden or not expected.exists():
        expected.write_text(got)
    assert got == expected.read_text()
