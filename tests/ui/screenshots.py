"""Screenshots of ``aksnet ui``'s main views for ``docs/``, taken the way the browser tests look at the pages:
``aksnet demo`` in a new workspace, ``aksnet ui --export``, ``aksnet trace -o html``, then Debian's chromium
(Playwright, :mod:`tests.ui.browser`). Run by ``scripts/screenshots.sh [DIR]`` (default ``docs/``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.conftest import aksnet_home, run_cli
from tests.ui.browser import browser

VIEWS = ("ui-topology.png", "ui-trace.png", "ui-matrix.png", "ui-ip-plan.png")
MATRIX_CELL = "default/web[Deployment] → kube-system/coredns[Deployment]:"


def take(out: Path) -> list[Path]:
    """Build the demo's pages in a temporary workspace and write the views' PNGs into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aksnet-shots-") as tmp:
        site = Path(tmp) / "site"
        with aksnet_home(Path(tmp) / "workspace"):
            for args in (("demo",), ("ui", "--export", str(site))):
                r = run_cli(*args)
                if r.code != 0:
                    raise RuntimeError(f"aksnet {' '.join(args)} failed: {r.err}")
            trace = run_cli("trace", "internet", "svc/default/web", "--port", "80", "-o", "html")
        (site / "trace.html").write_text(trace.out)
        with browser(1400, 900) as b:
            page = b.page
            page.goto((site / "index.html").as_uri())
            page.screenshot(path=str(out / VIEWS[0]))
            page.goto((site / "trace.html").as_uri())
            page.get_by_role("heading", name="the path on the topology").scroll_into_view_if_needed()
            page.screenshot(path=str(out / VIEWS[1]))
            page.goto((site / "matrix.html").as_uri())
            page.get_by_role("link", name=MATRIX_CELL).click()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(out / VIEWS[2]), full_page=True)
            page.goto((site / "ip-plan.html").as_uri())
            page.screenshot(path=str(out / VIEWS[3]))
            if b.errors:
                raise RuntimeError(f"console errors: {b.errors}")
    return [out / v for v in VIEWS]


if __name__ == "__main__":
    for path in take(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(path)
