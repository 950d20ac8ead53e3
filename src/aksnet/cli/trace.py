"""``aksnet trace FROM TO [--port N] [--protocol P] [-n NS] [-o text|json] [--engine E] [--context C]
[--from-dir DIR]``.

Parses options, loads the twin (workspace, focused on the current kubeconfig context's cluster, or a plain
directory), runs the trace analysis and prints it. Exit 0 delivered, 1 not delivered, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from aksnet.engine.netpol.profiles import ENGINES
from aksnet.errors import AksnetError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"aksnet {self.prog.split()[-1]}: error: {message}")


def add_source_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--context", help="kubeconfig context of the workspace cluster (default: current context)")
    p.add_argument("--from-dir", type=Path, help="a directory of manifests and ARM JSON instead of the workspace")


def load_topology(context: str | None, from_dir: Path | None) -> object:
    """The :class:`aksnet.engine.addressing.Topology` of the workspace (current context) or a directory."""
    from aksnet.engine.addressing import Topology
    from aksnet.io.twin_loader import load_twin, load_twin_from_dir

    if from_dir is not None:
        return Topology.build(load_twin_from_dir(from_dir))
    from aksnet.cli.common import command_transaction
    from aksnet.store.workspace import DB_NAME, default_home

    home = default_home()
    if not (home / DB_NAME).exists():
        raise UsageError(f"error: no aksnet workspace at {home}: create resources with 'aksnet az …' first")
    with command_transaction(write=False) as tx:
        cluster_id: str | None = None
        from aksnet.twin.kubeconfig import current_cluster_id

        try:
            cluster_id = current_cluster_id(tx, context)
        except AksnetError:
            if context:
                raise
        twin = load_twin(tx)
    return Topology.build(twin, cluster_id)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aksnet trace", description="Walk one flow hop by hop and name the rule that decides each hop."
                " Exit 0 delivered, 1 not delivered, 2 bad input.")
    p.add_argument("source", metavar="FROM", help="pod|deploy|sts|ds|svc|node|vm/[NS/]NAME, internet[/IP] or an IP")
    p.add_argument("destination", metavar="TO", help="as FROM, or svc/NS/NAME:PORT, an IP or a DNS name")
    p.add_argument("--port", "-p", type=int, help="destination port")
    p.add_argument("--protocol", default="TCP", type=str.upper, choices=("TCP", "UDP", "SCTP"))
    p.add_argument("-n", "--namespace", default="default")
    p.add_argument("-o", "--output", default="text", choices=("text", "json"))
    p.add_argument("--engine", choices=ENGINES,
                   help="network policy engine profile (default: the cluster's networkPolicy; upstream for "
                        "--from-dir without a cluster)")
    add_source_options(p)
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    from aksnet.analyses.trace import trace
    from aksnet.engine.addressing import Topology
    from aksnet.render import trace_json, trace_text

    topo = load_topology(args.context, args.from_dir)
    assert isinstance(topo, Topology)
    if args.engine:
        from dataclasses import replace

        topo.state = replace(topo.state, policy_engine=args.engine)
    result = trace(topo, args.source, args.destination, args.port, args.protocol, args.namespace)
    out = trace_json.render(result) if args.output == "json" else trace_text.render(result)
    sys.stdout.write(out + "\n")
    return 0 if result.delivered else 1
