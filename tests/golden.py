"""The one golden-file check of the suite (netpol-analyzer's rule): a missing golden file fails, a mismatch fails
and writes the actual output beside the golden file (``<name>.actual``) for a diff; ``pytest --update-golden``
(re)writes the golden files instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCENARIOS = Path(__file__).resolve().parent / "scenarios"


def actual_path(path: Path) -> Path:
    return path.with_name(path.name + ".actual")


def check_golden(path: Path, actual: str, update: bool) -> None:
    """Compare ``actual`` with the text of the golden file ``path``."""
    beside = actual_path(path)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        beside.unlink(missing_ok=True)
        return
    if not path.exists():
        raise AssertionError(f"golden file {path} is missing: run pytest --update-golden to create it")
    if path.read_text() != actual:
        beside.write_text(actual)
        raise AssertionError(f"{path} differs from the output (written to {beside}); "
                             "run pytest --update-golden to accept it")
    beside.unlink(missing_ok=True)


def check_golden_json(path: Path, data: Any, update: bool, indent: int = 2, ensure_ascii: bool = True) -> None:
    """:func:`check_golden` of ``data`` as sorted, indented JSON."""
    check_golden(path, json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=ensure_ascii) + "\n", update)
