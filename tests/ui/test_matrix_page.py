"""``aksnet matrix -o html`` and the matrix view of ``aksnet ui``: a workload heat map whose cells lead to the
right trace (in the page opened from disk, in the exported site and in the served app), namespace filters, and
names escaped. Checked in a real headless Chromium; no console errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from aksnet.analyses.matrix import MatrixPeer
from aksnet.analyses.matrix_cells import Cell, MatrixGrid, probe
from aksnet.engine.netpol.conns import ALL, NONE, conns
from aksnet.render import matrix_html
from tests.conftest import aksnet_home, run_cli
from tests.ui.browser import browser, needs_browser
from tests.ui.test_builders import EVIL, _evil_trace

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
WEB = "default/web[Deployment]"
DNS = "kube-system/coredns[Deployment]"
CELL = ("deploy/default/web", "deploy/kube-system/coredns", "53", "TCP")  # what the web → coredns cell traces


@pytest.mark.parametrize(("allowed", "declared", "chosen"), [
    pytest.param(conns("TCP", 53) | conns("UDP", 53), conns("UDP", 53) | conns("TCP", 53), ("TCP", 53),
                 id="tcp-before-udp"),
    pytest.param(conns("TCP", 8080), conns("TCP", 80) | conns("TCP", 8080), ("TCP", 8080),
                 id="an-allowed-declared-port"),
    pytest.param(NONE, conns("TCP", 5432), ("TCP", 5432), id="denied-probes-the-declared-port"),
    pytest.param(ALL, ALL, ("TCP", 80), id="nothing-declared-tcp-80"),
    pytest.param(conns("UDP"), conns("UDP", 4789), ("UDP", 4789), id="udp-only"),
])
def test_probe(allowed: object, declared: object, chosen: tuple[str, int]) -> None:
    assert probe(allowed, declared) == chosen  # type: ignore[arg-type]


def _evil_grid() -> MatrixGrid:
    peers = (MatrixPeer(f"{EVIL}/a[Deployment]", "workload", EVIL), MatrixPeer("default/b[Deployment]", "workload",
                                                                              "default"))
    cells = (Cell(0, 1, "TCP 80", "some", f"deploy/{EVIL}/a", "deploy/default/b", "TCP", 80, _evil_trace()),
             Cell(1, 0, "", "none", "deploy/default/b", f"deploy/{EVIL}/a", "TCP", 80, None))
    return MatrixGrid("none", False, peers, cells, (EVIL,))


@pytest.mark.parametrize("live", [pytest.param(False, id="static"), pytest.param(True, id="live")])
def test_matrix_page_escapes_and_names_every_cell(live: bool) -> None:
    page = matrix_html.render(_evil_grid(), live=live)
    assert "<script" not in page and "x&lt;script&gt;" in page
    links = re.findall(r'<a href="([^"]+)" title="([^"]+)" aria-label="([^"]+)">', page)
    assert len(links) == 2 and all(t == a and "→" in a for _, t, a in links)
    hrefs = [h for h, _, _ in links]
    # a cell without a carried trace links to the live trace view, with its endpoints URL-encoded
    assert hrefs[1].startswith("/trace?from=deploy%2Fdefault%2Fb&amp;to=deploy%2Fx%3Cscript")
    assert hrefs[0] == ("/trace?from=deploy%2Fx%3Cscript%3Ealert%28%221%22%29%3C%2Fscript%3E%26%5Cn%2Fa&amp;"
                        "to=deploy%2Fdefault%2Fb&amp;port=80&amp;protocol=TCP" if live else "#t-0-1")


def _section_rules(text: str) -> list[str]:
    """The rule column of ``aksnet trace``'s text output, for its first (deciding: all delivered) flow."""
    first = text.split("\n\n")[0]
    return re.findall(r"^\s+\d+\. .{2,}?  (?:[A-Z]+) +(.+?)(?:  \[.*\])?$", first, re.M)


def _expected_rules(demo_home: Path) -> list[str]:
    with aksnet_home(demo_home):
        r = run_cli("trace", CELL[0], CELL[1], "--port", CELL[2], "--protocol", CELL[3])
    assert r.code == 0, r.err
    rules = _section_rules(r.out)
    assert len(rules) >= 3
    return rules


def _check_cell_click(b: object, demo_home: Path) -> None:
    page = b.page  # type: ignore[attr-defined]
    page.get_by_role("link", name=f"{WEB} → {DNS}:").click()
    shown = page.locator("section.cell-trace:visible, main, body").first.inner_text()
    visible = page.locator("section.cell-trace:visible")
    if visible.count():  # the page carries the trace: exactly one section is shown, the clicked cell's
        assert visible.count() == 1
        shown = visible.inner_text()
    assert "aksnet trace " + " ".join(CELL[:2]) in shown or "/trace" in page.url
    for rule in _expected_rules(demo_home):
        assert rule in shown, rule


@needs_browser
def test_matrix_html_cell_click_shows_its_trace(demo_home: Path, tmp_path: Path) -> None:
    with aksnet_home(demo_home):
        r = run_cli("matrix", "-o", "html")
    assert r.code == 0, r.err
    (tmp_path / "matrix.html").write_text(r.out)
    with browser() as b:
        b.page.goto((tmp_path / "matrix.html").as_uri())
        assert b.page.locator("section.cell-trace:visible").count() == 0
        _check_cell_click(b, demo_home)
        # the namespace filter hides kube-system's rows and columns
        assert b.page.get_by_role("rowheader", name=DNS).is_visible()
        b.page.get_by_label("namespace kube-system").uncheck()
        assert not b.page.get_by_role("rowheader", name=DNS).is_visible()
        assert not b.page.get_by_role("columnheader", name=DNS).is_visible()
        assert b.page.get_by_role("rowheader", name=WEB).is_visible()
        assert b.errors == []


@needs_dot
@needs_browser
def test_exported_site_matrix_cell_click(demo_home: Path, tmp_path: Path) -> None:
    with aksnet_home(demo_home):
        assert run_cli("ui", "--export", str(tmp_path / "site")).code == 0
    with browser() as b:
        b.page.goto((tmp_path / "site" / "index.html").as_uri())
        b.page.get_by_role("link", name="matrix").click()
        _check_cell_click(b, demo_home)
        assert b.errors == []


@needs_dot
@needs_browser
def test_served_matrix_cell_click_opens_the_trace_view(demo_home: Path, served: str) -> None:
    with browser() as b:
        b.page.goto(served)
        b.page.get_by_role("link", name="matrix").click()
        _check_cell_click(b, demo_home)
        assert "/trace?from=deploy%2Fdefault%2Fweb&to=deploy%2Fkube-system%2Fcoredns&port=53" in b.page.url
        assert b.errors == []


def test_matrix_html_refuses_pod_rows(demo_home: Path) -> None:
    with aksnet_home(demo_home):
        r = run_cli("matrix", "-o", "html", "--pods")
    assert r.code == 2 and "--pods" in r.err
