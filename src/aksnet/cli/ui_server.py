"""``aksnet ui`` served: the pages of :mod:`aksnet.cli.ui` on 127.0.0.1 only (stdlib ``http.server``), rebuilt from
the workspace on every request. Pages that can take long (topology, matrix, IP plan) are streamed: the head and
progress lines (``<progress>``, a ``role="status"`` text) as the work goes, then the page; CSS hides the progress
once the page has come (no script). Errors are the page's text, escaped, with status 400/404/500.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aksnet.cli import ui
from aksnet.errors import AksnetError
from aksnet.render.html_page import esc, head, progress_line

HTML = "text/html; charset=utf-8"
_TYPES = {".html": HTML, ".svg": "image/svg+xml", ".dot": "text/vnd.graphviz"}
_REPORT_EVERY = 0.25  # seconds between progress lines of one step (a new step, its first and last: always)


def _pages(context: str | None, from_dir: Path | None) -> dict[str, tuple[str, Callable[[ui.Progress], str]]]:
    """Streamed pages: path → (title, builder taking a progress callback)."""
    return {
        "index.html": ("aksnet topology", lambda p: ui.topology_files(context, from_dir, ui.NAV, p)["index.html"]),
        "matrix": ("aksnet matrix", lambda p: ui.matrix_page(context, from_dir, ui.NAV, True, p)),
        "ip-plan": ("aksnet IP plan", lambda p: ui.ip_plan_page(context, from_dir, ui.NAV, p)),
    }


def serve(port: int, context: str | None, from_dir: Path | None) -> int:
    pages = _pages(context, from_dir)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name, _, query = self.path.partition("?")
            name = name.lstrip("/") or "index.html"
            try:
                if name in pages:
                    self._stream(*pages[name])
                    return
                if name == "trace":
                    self._send(*ui.trace_page(query, context, from_dir), HTML)
                    return
                if name not in ("topology.svg", "topology.dot"):
                    self._send(404, f"not found: {name}", "text/plain; charset=utf-8")
                    return
                files = ui.topology_files(context, from_dir, ui.NAV)
            except AksnetError as exc:
                self._send(500, str(exc), "text/plain; charset=utf-8")
                return
            self._send(200, files[name], _TYPES[Path(name).suffix])

        def _stream(self, title: str, build: Callable[[ui.Progress], str]) -> None:
            """Status and head at once, progress lines while ``build`` runs, then the rest of its page."""
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.end_headers()  # HTTP/1.0 without Content-Length: the page ends when the connection closes
            first = head(title, ui.NAV)
            self.wfile.write(first.encode())
            last_time, last_step = 0.0, ""

            def progress(what: str, done: int, total: int) -> None:
                nonlocal last_time, last_step
                now = time.monotonic()
                if what != last_step or done in (0, total) or now - last_time >= _REPORT_EVERY:
                    last_time, last_step = now, what
                    self.wfile.write(progress_line(what, done, total).encode())
                    self.wfile.flush()

            try:
                page = build(progress)
            except AksnetError as exc:
                self.wfile.write(f'<h1>{esc(title)}</h1>\n<p class="deny" role="alert">{esc(exc)}</p>\n'
                                 "</body>\n</html>\n".encode())
                return
            assert page.startswith(first)
            self.wfile.write(page[len(first):].encode())

        def _send(self, status: int, text: str, ctype: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", file=sys.stderr)

    server = ThreadingHTTPServer((ui.LOOPBACK, port), Handler)
    print(f"aksnet ui: serving http://{ui.LOOPBACK}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
