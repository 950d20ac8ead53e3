"""``aksnet ui [--port N] [--export DIR] [--context C] [--from-dir DIR]``: the workspace as pages a person looks at.

``--export DIR`` writes a static site that opens from disk with no network: ``index.html`` (the topology drawn
as SVG by Graphviz's ``dot``, plus every resource listed by name), ``topology.svg``, ``topology.dot`` and
``matrix.html`` (the workload heat map, each cell carrying its trace). Without it, serves the same pages on
127.0.0.1 only (stdlib ``http.server``), rebuilt from the workspace on every request, with a trace view
(``/trace?from=FROM&to=TO&port=N&protocol=P&namespace=NS``) that the matrix's cells link to.
The pure builders are in ``aksnet.render.topology_dot``/``topology_html``; this module runs
Graphviz (Debian's ``graphviz`` package) and does the file and socket work.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from aksnet.analyses.trace import TraceResult
from aksnet.engine.addressing import Topology
from aksnet.errors import AksnetError, UsageError

DEFAULT_PORT = 8765
LOOPBACK = "127.0.0.1"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"aksnet ui: error: {message}")


def graphviz_svg(dot: str) -> str:
    """``dot -Tsvg`` of ``dot``: Graphviz lays the graph out and escapes its text into the SVG."""
    exe = shutil.which("dot")
    if exe is None:
        raise AksnetError("aksnet: error: Graphviz's 'dot' is not installed: install Debian's graphviz package "
                          "(scripts/setup.sh does) to draw pictures")
    done = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise AksnetError(f"aksnet: error: dot -Tsvg failed: {done.stderr.strip()}")
    return done.stdout


def _topology(context: str | None, from_dir: Path | None) -> Topology:
    from aksnet.cli.trace import load_topology

    topo = load_topology(context, from_dir)
    assert isinstance(topo, Topology)
    return topo


def topology_files(context: str | None, from_dir: Path | None,
                   nav: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """The topology's files (name → text), built from the workspace (or directory) now."""
    from aksnet.render import topology_dot, topology_html

    topo = _topology(context, from_dir)
    dot = topology_dot.render(topo.twin)
    svg = graphviz_svg(dot)
    return {"index.html": topology_html.render(topo.twin, svg, nav), "topology.svg": svg, "topology.dot": dot}


def trace_svgs(topo: Topology, result: TraceResult) -> tuple[str, str]:
    """The trace's own drawing and the topology with the deciding flow's path on it (Graphviz SVGs)."""
    from aksnet.render import trace_dot, trace_topology

    path = trace_topology.render(topo.twin, result.deciding) if result.walks else ""
    return graphviz_svg(trace_dot.render(result)), graphviz_svg(path) if path else ""


def matrix_page(context: str | None, from_dir: Path | None, nav: tuple[tuple[str, str], ...], live: bool) -> str:
    """The matrix view: live, cells link to the trace view; exported, each cell carries its trace."""
    from aksnet.analyses.matrix_cells import matrix_grid
    from aksnet.render import matrix_html

    grid = matrix_grid(_topology(context, from_dir), with_traces=False if live else None)
    return matrix_html.render(grid, nav, live=live)


def site_files(context: str | None, from_dir: Path | None) -> dict[str, str]:
    """``--export``: every page of the static site, linked by relative names."""
    files = topology_files(context, from_dir, EXPORT_NAV)
    files["matrix.html"] = matrix_page(context, from_dir, EXPORT_NAV, live=False)
    return files


NAV = (("/", "topology"), ("/trace", "trace"), ("/matrix", "matrix"))
EXPORT_NAV = (("index.html", "topology"), ("matrix.html", "matrix"))


def trace_page(query: str, context: str | None, from_dir: Path | None) -> tuple[int, str]:
    """The live trace view: the form, and with ``from`` and ``to`` the trace's page (status, HTML)."""
    from urllib.parse import parse_qs

    from aksnet.analyses.trace import trace
    from aksnet.render import trace_html

    values = {k: v[0] for k, v in parse_qs(query).items()}
    if not values.get("from") or not values.get("to"):
        return 200, trace_html.form(values, nav=NAV)
    try:
        port = int(values["port"]) if values.get("port") else None
        topo = _topology(context, from_dir)
        result = trace(topo, values["from"], values["to"], port, values.get("protocol") or "TCP",
                       values.get("namespace") or "default")
    except ValueError:
        return 400, trace_html.form(values, f"port: {values.get('port')!r} is not a number", NAV)
    except AksnetError as exc:
        return 400, trace_html.form(values, str(exc), NAV)
    svg, on_topology = trace_svgs(topo, result)
    return 200, trace_html.render(result, svg, NAV, before=trace_html.form_html(values), topology_svg=on_topology)


def _serve(port: int, context: str | None, from_dir: Path | None) -> int:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    types = {".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".dot": "text/vnd.graphviz"}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name, _, query = self.path.partition("?")
            name = name.lstrip("/") or "index.html"
            try:
                if name == "trace":
                    self._send(*trace_page(query, context, from_dir), "text/html; charset=utf-8")
                    return
                if name == "matrix":
                    self._send(200, matrix_page(context, from_dir, NAV, live=True), "text/html; charset=utf-8")
                    return
                files = topology_files(context, from_dir, NAV)
            except AksnetError as exc:
                self._send(500, str(exc), "text/plain; charset=utf-8")
                return
            if name not in files:
                self._send(404, f"not found: {name}", "text/plain; charset=utf-8")
                return
            self._send(200, files[name], types[Path(name).suffix])

        def _send(self, status: int, text: str, ctype: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", file=sys.stderr)

    server = ThreadingHTTPServer((LOOPBACK, port), Handler)
    print(f"aksnet ui: serving http://{LOOPBACK}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _parser() -> argparse.ArgumentParser:
    from aksnet.cli.trace import add_source_options

    p = _Parser(prog="aksnet ui", description="The workspace's topology as a page: served on 127.0.0.1, or "
                "written as a static site with --export (opens from disk, no network). Needs Graphviz's dot.")
    p.add_argument("--export", type=Path, metavar="DIR", help="write index.html, topology.svg, topology.dot and "
                   "matrix.html into DIR (created if missing) instead of serving")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    add_source_options(p)
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"aksnet ui: error: argument --port: {args.port} is not a port (0-65535)")
    if args.export is None:
        return _serve(args.port, args.context, args.from_dir)
    files = site_files(args.context, args.from_dir)
    if args.export.exists() and not args.export.is_dir():
        raise UsageError(f"aksnet ui: error: --export {args.export}: not a directory")
    args.export.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.export / name).write_text(text)
    print(f"aksnet ui: wrote {', '.join(sorted(files))} to {args.export}")
    return 0
