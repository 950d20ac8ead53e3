"""Golden scenarios: az command lines and what they print (tests/scenarios/az_*/commands.txt → expected.txt).
Lines starting with ``aksnet `` run other verbs (``aksnet trace …``, ``aksnet kubectl apply -f x.yaml`` with
``x.yaml`` beside commands.txt).

Run with ``--update-golden`` to rewrite the expected outputs after an intended change.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.golden import check_golden

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("az_*/commands.txt"))


def transcript(commands: Path) -> str:
    out = []
    for line in commands.read_text().splitlines():
        if line.startswith("az "):
            r = run_cli("az", *shlex.split(line)[1:])
        elif line.startswith("aksnet "):
            args = [str(commands.parent / a) if (commands.parent / a).is_file() else a for a in shlex.split(line)[1:]]
            r = run_cli(*args)
        else:
            continue
        text = f"$ {line}\n[exit {r.code}]\n{r.out}{r.err}"
        out.append(text.replace(os.environ.get("AKSNET_HOME", "\0"), "$AKSNET_HOME"))
    return "".join(out)


@pytest.mark.parametrize("commands", SCENARIOS, ids=[p.parent.name for p in SCENARIOS])
def test_scenario(home: Path, commands: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNET_NOW", "2026-01-01T00:00:00Z")  # helm's LAST DEPLOYED, ages: not the wall clock
    got = transcript(commands)
    expected = commands.parent / "expected.txt"
    check_golden(expected, got, update_golden)
