"""Shared fixtures: a fresh workspace per test and an in-process runner for the CLI."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh, empty AKSNET_HOME."""
    h = tmp_path / "aksnet-home"
    monkeypatch.setenv("AKSNET_HOME", str(h))
    yield h


@contextlib.contextmanager
def aksnet_home(path: Path) -> Iterator[None]:
    """``AKSNET_HOME=path`` for the block, restored after (hypothesis examples, where the function-scoped
    ``home`` fixture is shared by every example)."""
    old = os.environ.get("AKSNET_HOME")
    os.environ["AKSNET_HOME"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("AKSNET_HOME", None)
        else:
            os.environ["AKSNET_HOME"] = old


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str, stdin: str | None = None) -> Result:
    """Run ``aksnet ARGS`` in-process and capture what it prints."""
    import sys

    from aksnet.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = old_stdin
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def aksnet(home: Path) -> object:
    """``aksnet("az", "group", "list")`` → Result, in a fresh workspace."""
    return run_cli


def az_error_head(err: str) -> str:
    """The first line of what az printed for an error, with its newline: a resource provider's error adds
    ``Code:``, ``Message:`` (and ``Target:``) lines after ``ERROR: (Code) Message``."""
    return err.split("\n", 1)[0] + "\n" if err else err


def az_ok(line: str) -> str:
    """Run ``az LINE`` (split on spaces) and return its stdout; the test fails with az's stderr otherwise."""
    r = run_cli("az", *line.split())
    assert r.code == 0, r.err
    return r.out


def workspace_rows(home: Path) -> list[tuple[object, ...]]:
    """Every stored object of the workspace, to check that a refused command changed nothing."""
    import sqlite3

    conn = sqlite3.connect(str(home / "workspace.db"))
    try:
        return conn.execute("SELECT kind, scope, key, body FROM objects ORDER BY kind, scope, key").fetchall()
    finally:
        conn.close()
