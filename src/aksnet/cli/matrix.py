"""``aksnet matrix``: parse options, load the cluster (workspace or ``--from-dir``), compute, render.

Also holds the cluster-loading helpers that ``aksnet explain`` and ``aksnet diff`` share: a workspace's
current-context cluster through ``aksnet.io.twin_snapshot.load_twin_cached``, or a plain manifest directory
through ``aksnet.io.manifest_dir``. Usage errors exit 2 (argparse style, raised as UsageError).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import NoReturn, TextIO

from aksnet.analyses.matrix import stream_matrix
from aksnet.cli.common import print_warnings, report_source
from aksnet.engine.netpol.profiles import ENGINES
from aksnet.errors import AksnetError, KubeError, UsageError
from aksnet.model.ids import same_id
from aksnet.model.twin import ClusterState, Twin


class _Renderers(Mapping[str, ModuleType]):
    """-o format → the render module (one per format, ``aksnet.render.connlist_<format>``) that writes connlists
    and diffs, imported when its format is asked for."""

    def __init__(self, *formats: str) -> None:
        self._formats = formats

    def __getitem__(self, fmt: str) -> ModuleType:
        if fmt not in self._formats:
            raise KeyError(fmt)
        return importlib.import_module(f"aksnet.render.connlist_{fmt}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)


RENDERERS: Mapping[str, ModuleType] = _Renderers("txt", "json", "csv", "md", "dot")
FORMATS = (*RENDERERS, "html")  # html: the heat map page, each cell with its trace (aksnet.render.matrix_html)
CHUNK_CHARS = 1 << 20  # characters per write() of the output (tests inject a small one)


class ArgParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting (library errors stay exceptions)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage().rstrip()}\n{self.prog}: error: {message}")


def add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from-dir", metavar="DIR", help="analyse a directory of manifests or kubectl "
                   "output (read as aksnet import reads a dump) instead of the workspace")
    p.add_argument("--engine", choices=ENGINES,
                   help="network policy engine profile (default: the cluster's networkPolicy; upstream for --from-dir)")
    p.add_argument("--context", help="kubeconfig context of the workspace cluster (default: current context)")


def load_workspace_cluster(home: Path | None = None, context: str | None = None) -> ClusterState:
    """The cluster behind the kubeconfig's current context in the workspace at ``home``."""
    return load_workspace_twin(home, context)[1]


def load_workspace_twin(home: Path | None = None, context: str | None = None) -> tuple[Twin, ClusterState]:
    """The whole twin and the cluster behind the kubeconfig's current context."""
    from aksnet.cli.common import command_transaction
    from aksnet.io.twin_snapshot import load_twin_cached as load_twin
    from aksnet.store.workspace import DB_NAME, default_home
    from aksnet.twin.kubeconfig import current_cluster_id

    where = home or default_home()
    if not (where / DB_NAME).exists():
        raise KubeError(f"error: no aksnet workspace at {where}: create a cluster with 'aksnet az aks create' "
                        "or use --from-dir DIR")
    with command_transaction(write=False, home=where) as tx:
        cluster_id = current_cluster_id(tx, context)
        twin = load_twin(tx)
    for cs in twin.clusters:
        if cs.cluster is not None and same_id(cs.cluster.id, cluster_id):
            return twin, cs
    raise KubeError(f"error: the cluster {cluster_id} of the current context does not exist any more")


def load_dir(path: Path, engine: str | None) -> ClusterState:
    """A directory (manifests, or a real cluster's dump: the loader of ``aksnet import``), its NetworkPolicies
    validated as the API server would; invalid objects are left out and reported in kubectl's words
    (``ClusterState.problems``), the valid rest is analysed."""
    from dataclasses import replace

    from aksnet.analyses.matrix import paused_gc
    from aksnet.io.manifest_dir import cluster_state_from_documents, read_directory
    from aksnet.twin.kube.validation import split_invalid

    with paused_gc():  # acyclic documents and model objects: the collector's scans would find nothing
        dump = read_directory(path)
        docs, invalid = split_invalid(dump.k8s)
        cluster = cluster_state_from_documents(docs, engine or "upstream")
    return replace(cluster, problems=(*dump.problems, *invalid))


def load_cluster(args: argparse.Namespace) -> ClusterState:
    """``--from-dir DIR`` (engine default upstream) or the workspace cluster (engine from networkProfile)."""

    if args.from_dir:
        path = Path(args.from_dir)
        if not path.is_dir():
            raise UsageError(f"error: --from-dir {args.from_dir}: not a directory")
        return load_dir(path, args.engine)
    cs = load_workspace_cluster(context=args.context)
    return cs.with_engine(args.engine) if args.engine else cs


def write_chunks(chunks: Iterable[str], out: TextIO | None = None) -> None:
    """Write the output piece by piece (each piece one ``write()``, flushed), so that its size is bounded by
    neither memory nor a single system call. A failed write (disk full, closed pipe) is an error: exit 1
    with the reason, never a silently truncated output with exit 0."""
    stream = out if out is not None else sys.stdout
    try:
        for chunk in chunks:
            stream.write(chunk)
            stream.flush()
    except OSError as exc:
        if stream is sys.stdout:
            with contextlib.suppress(OSError, ValueError):  # nothing more reaches a failed stdout at exit either
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = exc.strerror or str(exc)
        raise AksnetError(f"error: writing the output failed: {reason}") from exc


def ingress_rows(twin: Twin, cluster: ClusterState, pods: bool, namespace: str | None, focus: str | None
                 ) -> list[tuple[str, str, str]]:
    """``internet => WORKLOAD : via ingress …`` and ``… : via Gateway …`` rows: the exposure analysis's ingress
    routes and Gateway route rules that reach a pod."""
    from aksnet.analyses.exposure import compute_exposure, matrix_rows
    from aksnet.engine.addressing import Topology

    topo = Topology.build(twin, cluster.cluster.id if cluster.cluster else None)
    topo.state = cluster  # the engine chosen with --engine
    return matrix_rows(compute_exposure(topo, ingress_only=True), pods, namespace, focus)


EPILOG = """\
rows: SRC => DST : CONNECTIONS, as netpol-analyzer's connlist (protocols alphabetical, port ranges a-b,
"All Connections"). With --path, two more row forms:
  internet/198.51.100.10 => lb/LB/FRONTEND[IP] : TCP 80,443     a load balancer frontend and the ports it admits
  internet => production/api[Deployment] : via ingress nginx https://myapp.example.com/api (TCP 443)
      a workload an ingress controller's public frontend leads to (host, path; TCP 443 for TLS hosts, 80
      otherwise), verified by walking internet → frontend → controller pod → backend pod
  internet => web/shop[Deployment] : via Gateway web/gw listener http HTTPRoute web/site rule 1 filters
      RequestHeaderModifier http://shop.example.com/ (TCP 80)
      a workload a Gateway's route rule leads to (AGC frontend or Istio-deployed Gateway), verified by a request
"""


def parser() -> ArgParser:
    p = ArgParser(prog="aksnet matrix", description="Who can open connections to whom (NetworkPolicy "
                  "connectivity, then the Istio sidecars' mTLS and TCP authorization), in netpol-analyzer's connlist "
                  "format. A destination whose AuthorizationPolicy decides on HTTP attributes is named in a "
                  "'warning: mesh:' line.", epilog=EPILOG,
                  formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pods", action="store_true", help="one row per pod instead of per workload")
    p.add_argument("--all-ports", action="store_true",
                   help="show the full allowed port ranges instead of the destination's declared container ports")
    p.add_argument("-n", "--namespace", help="only connections from or to this namespace")
    p.add_argument("--focus", metavar="WORKLOAD", help="only connections from or to this workload (name or ns/name)")
    p.add_argument("-o", "--output", choices=FORMATS, default="txt")
    p.add_argument("--path", action="store_true",
                   help="also walk every allowed pair through routes, NSGs and kube-proxy (workspace only; adds "
                        "the internet and VMs as sources, load balancer frontends as targets, and internet => "
                        "workload rows through ingress controllers)")
    add_source_options(p)
    return p


def _html(args: argparse.Namespace) -> int:
    """``-o html``: the workload heat map as one page; each cell carries its trace (up to 40 workloads)."""

    from aksnet.analyses.matrix_cells import matrix_grid
    from aksnet.cli.trace import load_topology
    from aksnet.engine.addressing import Topology
    from aksnet.render import matrix_html

    if args.pods or args.focus or args.all_ports or args.path:
        raise UsageError("error: -o html draws the workload matrix: it cannot be combined with --pods, --focus, "
                         "--all-ports or --path")
    topo = load_topology(args.context, Path(args.from_dir) if args.from_dir else None)
    assert isinstance(topo, Topology)
    if args.engine:
        topo.state = topo.state.with_engine(args.engine)
    grid = matrix_grid(topo, args.namespace)
    print_warnings(list(grid.warnings))
    write_chunks([matrix_html.render(grid)])
    return report_source(topo.state, 0)


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.output == "html":
        return _html(args)
    if args.path:

        from aksnet.analyses.matrix_path import walk_path_plugin

        if args.from_dir:
            raise UsageError("error: --path needs a workspace cluster (Azure resources); it cannot be combined "
                             "with --from-dir")
        twin, cluster = load_workspace_twin(context=args.context)
        if args.engine:
            cluster = cluster.with_engine(args.engine)
        plugin = walk_path_plugin(twin, cluster)
        result = stream_matrix(cluster, args.engine or None, pods=args.pods, all_ports=args.all_ports,
                               namespace=args.namespace, focus=args.focus, extra_peers=plugin.extra_peers,
                               path=plugin.filter, extra_targets=plugin.targets)
        result.routes = ingress_rows(twin, cluster, args.pods, args.namespace, args.focus)
    else:
        cluster = load_cluster(args)
        result = stream_matrix(cluster, args.engine or None, pods=args.pods, all_ports=args.all_ports,
                               namespace=args.namespace, focus=args.focus)
    print_warnings(result.warnings)
    if not result.enforced:
        print_warnings([f"network policy engine '{result.engine}': NetworkPolicy objects are stored but not "
                        "enforced; every pod can reach every pod"])
    write_chunks(RENDERERS[args.output].render_chunks(result, CHUNK_CHARS))
    return report_source(cluster, 0)
