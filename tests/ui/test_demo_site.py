"""``aksnet ui --export`` and ``trace -o html`` on the demo's cluster: the topology DOT is a golden file, and the
pages, opened from disk by a real headless Chromium (Debian's ``chromium``, ``--dump-dom``), show every resource
by name in the drawing, each trace hop's rule, and log nothing to the console."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import aksnet_home, run_cli
from tests.golden import SCENARIOS, check_golden
from tests.ui.demo_site import SEED_NAMES, export_site

CHROMIUM = shutil.which("chromium")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed (scripts/setup.sh installs it as root)")
needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="Debian's chromium is not installed (scripts/setup.sh installs it as root)")


def _dump_dom(page: Path) -> tuple[str, list[str]]:
    """The DOM Chromium builds from ``page`` and the console messages it logged while loading it."""
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr",
                           "--v=0", "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                          check=True)
    return done.stdout, [ln for ln in done.stderr.splitlines() if ":CONSOLE" in ln]


@needs_dot
def test_demo_topology_dot_golden(demo_home: Path, tmp_path: Path, update_golden: bool) -> None:
    with aksnet_home(demo_home):
        export_site(tmp_path / "site")
    check_golden(SCENARIOS / "ui_demo_topology" / "topology.dot", (tmp_path / "site" / "topology.dot").read_text(),
                 update_golden)


@needs_dot
@needs_chromium
def test_chromium_shows_every_resource_by_name(demo_home: Path, tmp_path: Path) -> None:
    from aksnet.cli.trace import load_topology
    from aksnet.engine.addressing import Topology
    from aksnet.render.topology_html import resource_names

    with aksnet_home(demo_home):
        export_site(tmp_path / "site")
        topo = load_topology(None, None)
    assert isinstance(topo, Topology)
    twin = topo.twin
    dom, console = _dump_dom(tmp_path / "site" / "index.html")
    svg = dom[dom.index("<svg"):dom.index("</svg>")]
    titles = set(re.findall(r"<title>([^<]*)</title>", svg))
    names = resource_names(twin)
    assert len(names) > 30  # the demo: VNet, subnet, NSGs, route table, VMs, LB, cluster, nodes, pods, Services
    missing = [(k, n) for k, n in names if not any(n in t for t in titles) and n not in svg]
    assert not missing, missing
    assert [n for n in SEED_NAMES if not any(n in t for t in titles)] == []  # the seeds' cluster, as demo left it
    assert console == []


@needs_dot
@needs_chromium
def test_chromium_shows_each_trace_hop_rule(demo_home: Path, tmp_path: Path) -> None:
    with aksnet_home(demo_home):
        text = run_cli("trace", "internet", "svc/default/web", "--port", "80")
        page = run_cli("trace", "internet", "svc/default/web", "--port", "80", "-o", "html")
    assert text.code == page.code == 0, page.err
    (tmp_path / "trace.html").write_text(page.out)
    dom, console = _dump_dom(tmp_path / "trace.html")
    rules = re.findall(r"^\s+\d+\. .{2,}?  (?:[A-Z]+) +(.+?)(?:  \[.*\])?$", text.out, re.M)
    assert len(rules) >= 5
    for rule in rules:  # the text output's rules, as the page shows them
        assert html.escape(rule, quote=False) in dom, rule
    assert "DELIVERED" in dom and console == []


@needs_chromium
def test_console_check_sees_an_error(tmp_path: Path) -> None:
    """The console check above can fail: a page that logs an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><body><script>console.error("boom")</script></body></html>')
    assert any("boom" in ln for ln in _dump_dom(bad)[1])


@needs_dot
def test_ui_serves_the_page_on_loopback_rebuilt_per_request(demo_home: Path, served: str) -> None:
    import urllib.request

    with urllib.request.urlopen(served, timeout=60) as resp:
        page = resp.read().decode()
    assert "<svg" in page and "Service default/web" in page
    with aksnet_home(demo_home):
        assert run_cli("kubectl", "create", "deployment", "late", "--image=nginx").code == 0
    try:
        with urllib.request.urlopen(served + "topology.dot", timeout=60) as resp:
            assert "Deployment late" in resp.read().decode()  # read live from the workspace on each request
    finally:
        with aksnet_home(demo_home):
            assert run_cli("kubectl", "delete", "deployment", "late").code == 0
    q = "trace?from=internet&to=svc/default/web&port=80"
    with urllib.request.urlopen(served + q, timeout=60) as resp:
        trace_page = resp.read().decode()
    assert "DELIVERED" in trace_page and "KUBE-SVC default/web:80" in trace_page and "<svg" in trace_page
    for bad, words in (("trace?from=internet&to=svc/default/nope&port=80", "nope"),
                       ("trace?from=internet&to=%3Cscript%3E&port=x", "is not a number")):
        with pytest.raises(urllib.error.HTTPError, match="400") as err:
            urllib.request.urlopen(served + bad, timeout=60)
        body = err.value.read().decode()
        err.value.close()
        assert words in body and "<script" not in body, body
    with pytest.raises(urllib.error.HTTPError, match="404") as err:
        urllib.request.urlopen(served + "../etc/passwd", timeout=60)
    err.value.close()
