"""Argument parsing helpers shared by az command modules (az's own conventions)."""

from __future__ import annotations

from aksnet.errors import AzCliError


def parse_tags(tags: list[str] | None) -> dict[str, str] | None:
    """``--tags a=b c`` → ``{"a": "b", "c": ""}`` (az's tag syntax); ``--tags ""`` clears."""
    if tags is None:
        return None
    out: dict[str, str] = {}
    for t in tags:
        if not t:
            continue
        k, _, v = t.partition("=")
        out[k] = v
    return out


def parse_bool(value: str | bool | None, flag: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    v = value.lower()
    if v in ("true", "yes", "1", "y", "t"):
        return True
    if v in ("false", "no", "0", "n", "f"):
        return False
    raise AzCliError("InvalidArgumentValueError", f"argument {flag}: invalid value '{value}'", 2)
