"""The suite's golden helper: a missing file fails (and is not created), a mismatch fails and leaves the actual
output beside the golden file, a match removes a stale ``.actual``, ``--update-golden`` writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import actual_path, check_golden


@pytest.mark.parametrize(("existing", "update", "fails", "golden_after", "actual_after"), [
    pytest.param(None, False, True, None, None, id="missing-fails-and-writes-nothing"),
    pytest.param("old\n", False, True, "old\n", "new\n", id="mismatch-fails-and-writes-actual"),
    pytest.param("new\n", False, False, "new\n", None, id="match-passes"),
    pytest.param(None, True, False, "new\n", None, id="update-creates"),
    pytest.param("old\n", True, False, "new\n", None, id="update-rewrites"),
])
def test_check_golden(tmp_path: Path, existing: str | None, update: bool, fails: bool, golden_after: str | None,
                      actual_after: str | None) -> None:
    path = tmp_path / "case" / "expected.txt"
    if existing is not None:
        path.parent.mkdir()
        path.write_text(existing)
        actual_path(path).write_text("stale\n")
    if fails:
        with pytest.raises(AssertionError):
            check_golden(path, "new\n", update)
    else:
        check_golden(path, "new\n", update)
    assert (path.read_text() if path.exists() else None) == golden_after
    beside = actual_path(path)
    assert (beside.read_text() if beside.exists() else None) == actual_after


def test_every_golden_site_uses_the_helper() -> None:
    """A test that takes ``update_golden`` compares through tests/golden.py (no private write-if-missing)."""
    tests = Path(__file__).resolve().parent
    own = {tests / "conftest.py", tests / "golden.py", Path(__file__).resolve()}
    private = [str(p.relative_to(tests)) for p in sorted(tests.rglob("*.py"))
               if p not in own and "update_golden" in (text := p.read_text())
               and ("check_golden" not in text or "if update_golden" in text)]
    assert not private, "golden sites outside tests/golden.py: " + ", ".join(private)
