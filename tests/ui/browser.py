"""A real headless Chromium for the ``aksnet ui`` tests: Debian's ``chromium`` driven by Playwright (its own
browser builds are never downloaded: ``executable_path``). Collects console errors and uncaught page errors."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                   "(scripts/setup.sh installs it as root)")


@dataclass
class Browser:
    page: Any
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def browser(width: int = 1400, height: int = 900) -> Iterator[Browser]:
    """A page in headless Chromium; ``errors`` gets every console error and uncaught exception."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = b.new_page(viewport={"width": width, "height": height})
            out = Browser(page)
            page.on("console", lambda m: out.errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: out.errors.append(str(e)))
            yield out
        finally:
            b.close()
