"""Argument parsing helpers shared by az command modules (az's own conventions)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

from knack.arguments import CaseInsensitiveList

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


def enum_arg(allowed: Sequence[str]) -> dict[str, Any]:
    """Keyword arguments for an az enum flag (azure-cli ``get_enum_type``): choices compared without case and
    the value handed on in the enum's own spelling (``--protocol tcp`` → ``Tcp``)."""
    choices = list(allowed)

    def canonical(value: str) -> str:
        return next((a for a in choices if a.lower() == value.lower()), value)

    return {"choices": CaseInsensitiveList(choices), "type": canonical}


def invalid_enum_message(prog: str, value: str, flag: str, allowed: Sequence[str]) -> list[str]:
    """az's lines for a value outside an enum (azure-cli core ``AzCliCommandParser._check_value``): the error,
    then its recommendation when one choice is close (difflib, cutoff 0.7)."""
    lines = [f"{prog}: '{value}' is not a valid value for '{flag}'. Allowed values: {', '.join(allowed)}."]
    close = difflib.get_close_matches(value, list(allowed), cutoff=0.7)
    if close:
        lines.append(f"Did you mean '{close[0]}' ?")
    return lines
