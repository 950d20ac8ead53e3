"""ARM resource IDs compare through one normalisation (``aksnet.model.ids``); the store, the engine and the
analyses never lower-case an ID themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aksnet.model.ids import id_key, same_id

SRC = Path(__file__).resolve().parents[1] / "src" / "aksnet"
SUB = "/subscriptions/0000/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/V"


@pytest.mark.parametrize(("a", "b", "same"), [
    pytest.param(SUB, SUB.lower(), True, id="case-insensitive"),
    pytest.param(SUB, SUB + "/subnets/s", False, id="child-is-another-resource"),
    pytest.param(None, "", True, id="none-is-empty"),
    pytest.param(SUB, None, False, id="id-vs-none"),
])
def test_same_id(a: str | None, b: str | None, same: bool) -> None:
    assert same_id(a, b) is same
    assert (id_key(a) == id_key(b)) is same


_ID_LOWER = re.compile(r"(\bid|_id|\bnid|\bpid|\bfid)\)?\.lower\(\)")


@pytest.mark.parametrize("package", ["engine", "store", "analyses"])
def test_no_private_id_normalisation(package: str) -> None:
    found = [f"{p.relative_to(SRC)}:{i}: {line.strip()}" for p in sorted((SRC / package).rglob("*.py"))
             for i, line in enumerate(p.read_text().splitlines(), 1) if _ID_LOWER.search(line)]
    assert not found, "use aksnet.model.ids.id_key / same_id:\n" + "\n".join(found)
