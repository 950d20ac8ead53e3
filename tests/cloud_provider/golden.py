"""Golden-file comparison for the scenario tests (``--update-golden`` rewrites the files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def check_golden(name: str, data: Any, update: bool) -> None:
    """Compare ``data`` (JSON-serialisable) with ``tests/scenarios/<name>``."""
    path = SCENARIOS / name
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if not update:
            raise AssertionError(f"golden file {path} was missing and has been written; run again")
        return
    assert path.read_text() == text, f"{path} differs (run pytest --update-golden to accept)"
