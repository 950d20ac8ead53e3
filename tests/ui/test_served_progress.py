"""The served app streams its long pages: progress lines (``<progress>``, ``role="status"``) come first, the page
after, and once it has come the browser shows no progress any more (CSS, no script)."""

from __future__ import annotations

import re
import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.ui.browser import browser, needs_browser

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@needs_dot
@pytest.mark.parametrize(("path", "last"), [
    pytest.param("", "laying out", id="topology"),
    pytest.param("matrix", "workload pairs: ", id="matrix"),
    pytest.param("ip-plan", "planning the clusters", id="ip-plan"),
])
def test_served_page_reports_progress_before_the_page(served: str, path: str, last: str) -> None:
    with urllib.request.urlopen(served + path, timeout=120) as resp:
        text = resp.read().decode()
    lines = re.findall(r'<p class="progress" role="status">([^<]*)<progress max="(\d+)" value="(\d+)">', text)
    assert lines and lines[0][0].startswith("reading the workspace"), lines
    assert last in lines[-1][0]
    assert text.index('class="progress"') < text.index("<h1>") and text.rstrip().endswith("</html>")
    if path == "matrix":
        assert lines[-1][1] == lines[-1][2] == "90"  # every pair of the demo's 10 workloads


@needs_dot
@needs_browser
def test_progress_is_hidden_once_the_page_came(demo_home: Path, served: str) -> None:
    with browser() as b:
        b.page.goto(served + "matrix")
        assert b.page.locator("p.progress").count() >= 2
        assert not any(b.page.locator("p.progress").nth(i).is_visible()
                       for i in range(b.page.locator("p.progress").count()))
        assert b.page.get_by_role("table", name="connectivity matrix").is_visible()
        assert b.errors == []
