"""Golden outputs of ``aksnet matrix``/``diff``/``explain --from-dir`` in every format
(tests/scenarios/matrix_formats; regenerate with --update-golden)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.golden import check_golden

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "matrix_formats"
A, B = str(SCENARIO / "input_a"), str(SCENARIO / "input_b")

CASES = [
    ("matrix.txt", ["matrix", "--from-dir", A]),
    ("matrix_all_ports.txt", ["matrix", "--from-dir", A, "--all-ports"]),
    ("matrix_pods.txt", ["matrix", "--from-dir", A, "--pods", "--all-ports"]),
    ("matrix_focus_db.txt", ["matrix", "--from-dir", A, "--focus", "db"]),
    ("matrix.json", ["matrix", "--from-dir", A, "-o", "json"]),
    ("matrix.csv", ["matrix", "--from-dir", A, "-o", "csv"]),
    ("matrix.md", ["matrix", "--from-dir", A, "-o", "md"]),
    ("matrix.dot", ["matrix", "--from-dir", A, "-o", "dot"]),
    ("matrix_cilium.txt", ["matrix", "--from-dir", A, "--engine", "cilium", "--all-ports"]),
    ("matrix_none.txt", ["matrix", "--from-dir", A, "--engine", "none"]),
    ("diff.txt", ["diff", A, B]),
    ("diff.csv", ["diff", A, B, "-o", "csv"]),
    ("diff.md", ["diff", A, B, "-o", "md"]),
    ("diff.dot", ["diff", A, B, "-o", "dot"]),
    ("explain_db.txt", ["explain", "shop/db", "--from-dir", A]),
    ("explain_frontend.json", ["explain", "deploy/frontend", "-n", "shop", "--from-dir", A, "-o", "json"]),
    ("explain_pair_allowed.txt", ["explain", "shop/frontend", "--to", "shop/db", "--port", "5432", "--from-dir", A]),
    ("explain_pair.json", ["explain", "shop/frontend", "--to", "shop/db", "--port", "5432", "--from-dir", A,
                           "-o", "json"]),
]


def test_explain_pair_denied_exit_code(home: Path) -> None:
    r = run_cli("explain", "ops/backup", "--to", "shop/db", "--port", "9187", "--from-dir", A)
    assert r.code == 1
    assert "ingress: denied — selected by shop/db-ingress; ingress rules match pod ops/backup-cronjob but allow " \
           "only TCP 5432, not TCP 9187" in r.out


@pytest.mark.parametrize(("golden", "args"), CASES, ids=[c[0] for c in CASES])
def test_golden(golden: str, args: list[str], update_golden: bool, home: Path) -> None:
    r = run_cli(*args)
    assert r.code == 0, r.err
    check_golden(SCENARIO / "expected" / golden, r.out, update_golden)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["matrix", "--bogus"], 2, "unrecognized arguments"),
    (["matrix", "--from-dir", "/nonexistent-dir"], 2, "not a directory"),
    (["matrix", "--from-dir", A, "--focus", "nope"], 2, "workload 'nope' not found"),
    (["explain", "shop/nope", "--from-dir", A], 2, 'no pod or workload "nope"'),
    (["matrix", "--from-dir", A, "--engine", "weave"], 2, "invalid choice"),
    (["matrix"], 1, "no aksnet workspace"),
], ids=["unknown-flag", "missing-dir", "unknown-focus", "unknown-target", "bad-engine", "no-workspace"])
def test_errors(args: list[str], code: int, message: str, home: Path) -> None:
    r = run_cli(*args)
    assert r.code == code
    assert message in r.err
    assert "Traceback" not in r.err


def test_diff_of_identical_dirs(home: Path) -> None:
    r = run_cli("diff", A, A)
    assert (r.code, r.out) == (0, "Connectivity diff:\n")
    assert "warning: No connections diff" in r.err


def test_diff_between_engines_on_one_dir(home: Path) -> None:
    """Manifest-dir pods have no IPs and the input has no endPort, so NPM and Cilium agree here."""
    r = run_cli("diff", A, "--engine1", "azure", "--engine2", "cilium")
    assert r.code == 0 and r.out == "Connectivity diff:\n"


def test_diff_needs_two_sides_or_engines(home: Path) -> None:
    r = run_cli("diff")
    assert r.code == 2 and "give two workspaces" in r.err
