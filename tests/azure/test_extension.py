"""``az extension add|list|remove``: built-in extensions are recorded, others refused (nothing changes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

# (id, command, exit code, stdout, text in stderr)
ROWS = [
    ("add-built-in", "extension add --name azure-firewall", 0, "", ""),
    ("add-twice-is-a-no-op", "extension add --name azure-firewall --upgrade", 0, "", ""),
    ("add-unknown", "extension add --name front-door", 1, "",
     "aksnet: extension 'front-door' is an az extension that aksnet does not emulate"),
    ("remove-not-installed", "extension remove --name azure-firewall", 1, "",
     "The extension azure-firewall is not installed."),
]


@pytest.mark.parametrize(("command", "code", "out", "err"), [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_extension(home: Path, command: str, code: int, out: str, err: str) -> None:
    if "--upgrade" in command:
        run_cli("az", "extension", "add", "--name", "azure-firewall")
    r = run_cli("az", *command.split())
    assert (r.code, r.out) == (code, out)
    assert err in r.err


def test_list_after_add_and_remove(home: Path) -> None:
    assert run_cli("az", "extension", "add", "-n", "azure-firewall").code == 0
    names = [e["name"] for e in json.loads(run_cli("az", "extension", "list", "-o", "json").out)]
    assert names == ["azure-firewall"]
    assert run_cli("az", "extension", "remove", "-n", "azure-firewall").code == 0
    assert json.loads(run_cli("az", "extension", "list", "-o", "json").out) == []
