"""``aksnet ui [--port N] [--export DIR] [--context C] [--from-dir DIR]``: the workspace as pages a person looks at.

``--export DIR`` writes a static site that opens from disk with no network: ``index.html`` (the topology drawn
as SVG by Graphviz's ``dot``, plus every resource listed by name), ``topology.svg``, ``topology.dot``,
``matrix.html`` (the workload heat map, each cell carrying its trace) and ``ip-plan.html`` (the subnet maps:
used, Azure-reserved, free; each cluster's ``aksnet plan``). Without it, serves the same pages on
127.0.0.1 only (stdlib ``http.server``), rebuilt from the workspace on every request, with a trace view
(``/trace?from=FROM&to=TO&port=N&protocol=P&namespace=NS``) that the matrix's cells link to.
The pure builders are in ``aksnet.render``; this module builds the pages (running Graphviz, Debian's
``graphviz`` package) and writes the export; :mod:`aksnet.cli.ui_server` serves them.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from aksnet.analyses.plan import Plan
from aksnet.analyses.trace import TraceResult
from aksnet.engine.addressing import Topology
from aksnet.errors import AksnetError, UsageError

DEFAULT_PORT = 8765
LOOPBACK = "127.0.0.1"
Progress = Callable[[str, int, int], None]  # (what, done, total): a served page's progress reports


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


def _quiet(what: str, done: int, total: int) -> None:
    """No progress reports (the CLI's exports)."""


def topology_files(context: str | None, from_dir: Path | None, nav: tuple[tuple[str, str], ...] = (),
                   progress: Progress = _quiet) -> dict[str, str]:
    """The topology's files (name → text), built from the workspace (or directory) now."""
    from aksnet.render import topology_dot, topology_html

    progress("reading the workspace", 0, 3)
    topo = _topology(context, from_dir)
    progress("drawing the resources", 1, 3)
    dot = topology_dot.render(topo.twin)
    progress(f"laying out {dot.count(' [label=')} nodes and edges with Graphviz", 2, 3)
    svg = graphviz_svg(dot)
    return {"index.html": topology_html.render(topo.twin, svg, nav), "topology.svg": svg, "topology.dot": dot}


def trace_svgs(topo: Topology, result: TraceResult) -> tuple[str, str]:
    """The trace's own drawing and the topology with the deciding flow's path on it (Graphviz SVGs)."""
    from aksnet.render import trace_dot, trace_topology

    path = trace_topology.render(topo.twin, result.deciding) if result.walks else ""
    return graphviz_svg(trace_dot.render(result)), graphviz_svg(path) if path else ""


def matrix_page(context: str | None, from_dir: Path | None, nav: tuple[tuple[str, str], ...], live: bool,
                progress: Progress = _quiet) -> str:
    """The matrix view: live, cells link to the trace view; exported, each cell carries its trace."""
    from aksnet.analyses.matrix_cells import matrix_grid
    from aksnet.render import matrix_html

    progress("reading the workspace", 0, 1)
    topo = _topology(context, from_dir)
    grid = matrix_grid(topo, with_traces=False if live else None,
                       progress=lambda done, total: progress("workload pairs", done, total))
    return matrix_html.render(grid, nav, live=live)


def cluster_plans(topo: Topology, from_dir: Path | None) -> list[Plan]:
    """``aksnet plan -g RG -n NAME`` of every AKS cluster of the workspace (none for a directory)."""
    from aksnet.analyses.plan import plan
    from aksnet.cli.common import command_transaction
    from aksnet.cli.plan import existing_input

    if from_dir is not None:
        return []
    clusters = [cs.cluster for cs in topo.twin.clusters if cs.cluster is not None]
    with command_transaction(write=False) as tx:
        return [plan(existing_input(tx, c.resource_group, c.name)) for c in clusters]


def ip_plan_page(context: str | None, from_dir: Path | None, nav: tuple[tuple[str, str], ...],
                 progress: Progress = _quiet) -> str:
    """The IP plan view: the subnet maps and each cluster's plan."""
    from aksnet.analyses.ip_map import subnet_maps
    from aksnet.render import ip_plan_html

    progress("reading the workspace", 0, 3)
    topo = _topology(context, from_dir)
    progress("mapping the subnets", 1, 3)
    maps = subnet_maps(topo.twin)
    progress("planning the clusters", 2, 3)
    return ip_plan_html.render(maps, cluster_plans(topo, from_dir), nav)


def site_files(context: str | None, from_dir: Path | None) -> dict[str, str]:
    """``--export``: every page of the static site, linked by relative names."""
    files = topology_files(context, from_dir, EXPORT_NAV)
    files["matrix.html"] = matrix_page(context, from_dir, EXPORT_NAV, live=False)
    files["ip-plan.html"] = ip_plan_page(context, from_dir, EXPORT_NAV)
    return files


NAV = (("/", "topology"), ("/trace", "trace"), ("/matrix", "matrix"), ("/ip-plan", "IP plan"))
EXPORT_NAV = (("index.html", "topology"), ("matrix.html", "matrix"), ("ip-plan.html", "IP plan"))


def trace_page(query: str, context: str | None, from_dir: Path | None) -> tuple[int, str]:
    """The live trace view: the form (FROM and TO offer the workspace's endpoints), and with ``from`` and ``to``
    the trace's page (status, HTML)."""
    from urllib.parse import parse_qs

    from aksnet.analyses.endpoints import trace_endpoints
    from aksnet.analyses.trace import trace
    from aksnet.render import trace_html

    values = {k: v[0] for k, v in parse_qs(query).items()}
    topo = _topology(context, from_dir)
    choices = tuple(trace_endpoints(topo))
    if not values.get("from") or not values.get("to"):
        return 200, trace_html.form(values, nav=NAV, choices=choices)
    try:
        port = int(values["port"]) if values.get("port") else None
        result = trace(topo, values["from"], values["to"], port, values.get("protocol") or "TCP",
                       values.get("namespace") or "default")
    except ValueError:
        return 400, trace_html.form(values, f"port: {values.get('port')!r} is not a number", NAV, choices)
    except AksnetError as exc:
        return 400, trace_html.form(values, str(exc), NAV, choices)
    svg, on_topology = trace_svgs(topo, result)
    return 200, trace_html.render(result, svg, NAV, before=trace_html.form_html(values, choices=choices),
                                  topology_svg=on_topology)


def _parser() -> argparse.ArgumentParser:
    from aksnet.cli.trace import add_source_options

    p = _Parser(prog="aksnet ui", description="The workspace as pages (topology, trace, matrix, IP plan): "
                "served on 127.0.0.1, or written as a static site with --export (opens from disk, no network). "
                "Needs Graphviz's dot.")
    p.add_argument("--export", type=Path, metavar="DIR", help="write index.html, topology.svg, topology.dot, "
                   "matrix.html and ip-plan.html into DIR (created if missing) instead of serving")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    add_source_options(p)
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        raise UsageError(f"aksnet ui: error: argument --port: {args.port} is not a port (0-65535)")
    if args.export is None:
        from aksnet.cli.ui_server import serve

        return serve(args.port, args.context, args.from_dir)
    files = site_files(args.context, args.from_dir)
    if args.export.exists() and not args.export.is_dir():
        raise UsageError(f"aksnet ui: error: --export {args.export}: not a directory")
    args.export.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.export / name).write_text(text)
    print(f"aksnet ui: wrote {', '.join(sorted(files))} to {args.export}")
    return 0
