"""Helpers of the Azure network/compute tests: run az lines, snapshot the workspace database."""

from __future__ import annotations

import json
import shlex
import sqlite3
from pathlib import Path

from tests.conftest import Result, run_cli


def az(line: str) -> Result:
    """``az …`` as a user types it (``aksnet az`` + the words of ``line``)."""
    return run_cli("az", *shlex.split(line))


def ok(line: str) -> object:
    r = az(line)
    assert r.code == 0, f"{line}: exit {r.code}: {r.err}"
    return json.loads(r.out) if r.out.strip() else None


def snapshot(home: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every row of the workspace database (objects and meta), for before/after comparisons."""
    db = home / "workspace.db"
    if not db.exists():
        return [], []
    conn = sqlite3.connect(str(db))
    try:
        objects = conn.execute("SELECT kind, scope, key, seq, body FROM objects ORDER BY kind, scope, key").fetchall()
        meta = conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
    finally:
        conn.close()
    return objects, meta


BASE = [
    "group create -n rg -l eastus",
    "network vnet create -g rg -n vnet --address-prefixes 10.0.0.0/16 --subnet-name s1 --subnet-prefixes 10.0.0.0/24",
    "network nsg create -g rg -n nsg",
    "network route-table create -g rg -n rt",
]


def base() -> None:
    for line in BASE:
        ok(line)
