"""``aksnet diff [A B]``: connectivity added, removed and changed between two workspaces (AKSNET_HOME
directories) or two manifest directories, in netpol-analyzer's diff formats (txt, csv, md, dot, json).
``--engine1``/``--engine2`` set each side's policy engine, so ``aksnet diff --engine1 azure --engine2 cilium``
(A and B default to the current workspace) shows what a migration from Azure NPM to Cilium changes.
Exit 0 (like netpol-analyzer without ``--fail``) whether or not there are differences."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from aksnet.analyses.diff import diff_matrices
from aksnet.analyses.matrix import compute_matrix
from aksnet.cli.matrix import FORMATS, RENDERERS, ArgParser, load_dir, load_workspace_cluster, print_warnings
from aksnet.engine.netpol.profiles import ENGINES
from aksnet.errors import UsageError
from aksnet.model.twin import ClusterState


def _load(path_text: str | None, engine: str | None) -> ClusterState:
    from aksnet.store.workspace import DB_NAME

    if path_text is None:
        cs = load_workspace_cluster()
        return replace(cs, policy_engine=engine) if engine else cs
    path = Path(path_text)
    if not path.exists():
        raise UsageError(f'error: the path "{path_text}" does not exist')
    if (path / DB_NAME).exists():
        cs = load_workspace_cluster(home=path)
        return replace(cs, policy_engine=engine) if engine else cs
    return load_dir(path, engine)


def run(argv: list[str]) -> int:
    p = ArgParser(prog="aksnet diff", description="Connectivity differences between two workspaces or two "
                  "directories of manifests (A = ref1, B = ref2), or between two engines on one cluster.")
    p.add_argument("a", metavar="A", nargs="?", help="workspace directory (AKSNET_HOME) or manifest directory "
                                                     "(default: the current workspace)")
    p.add_argument("b", metavar="B", nargs="?", help="workspace directory (AKSNET_HOME) or manifest directory "
                                                     "(default: A)")
    p.add_argument("-o", "--output", choices=FORMATS, default="txt")
    p.add_argument("--engine", choices=ENGINES, help="engine profile for both sides (default: each cluster's own)")
    p.add_argument("--engine1", choices=ENGINES, help="engine profile for A (overrides --engine)")
    p.add_argument("--engine2", choices=ENGINES, help="engine profile for B (overrides --engine)")
    args = p.parse_args(argv)
    b = args.b if args.b is not None else args.a
    if args.a is None and not (args.engine1 or args.engine2):
        raise UsageError("error: give two workspaces or directories A B, or --engine1/--engine2 to compare engines "
                         "on one cluster")
    ref1 = compute_matrix(_load(args.a, args.engine1 or args.engine), all_ports=True)
    ref2 = compute_matrix(_load(b, args.engine2 or args.engine), all_ports=True)
    d = diff_matrices(ref1, ref2)
    print_warnings(d.warnings + ([] if d.entries else ["No connections diff"]))
    sys.stdout.write(str(RENDERERS[args.output].render_diff(d)))
    return 0
