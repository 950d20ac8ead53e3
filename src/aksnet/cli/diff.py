"""``aksnet diff [A B]``: connectivity added, removed and changed between two workspaces (AKSNET_HOME
directories) or two manifest directories, in netpol-analyzer's diff formats (txt, csv, md, dot, json) or an HTML
table.
``--engine1``/``--engine2`` set each side's policy engine, so ``aksnet diff --engine1 azure --engine2 cilium``
(A and B default to the current workspace) shows what a migration from Azure NPM to Cilium changes.
``--apply PATH``/``--az FILE`` compare a workspace (an imported real cluster, say) with a copy of it where the
proposed change was made: connections gained and lost. Exit 0 (like netpol-analyzer without ``--fail``) whether
or not there are differences."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from aksnet.analyses.diff import diff_matrices
from aksnet.analyses.matrix import MatrixResult, compute_matrix
from aksnet.cli.common import print_warnings
from aksnet.cli.diff_answers import QUESTIONS, Params, diff_question
from aksnet.cli.matrix import FORMATS, RENDERERS, ArgParser, load_dir, load_workspace_cluster
from aksnet.engine.netpol.profiles import ENGINES
from aksnet.errors import UsageError
from aksnet.model.twin import ClusterState


def _load(path_text: str | None, engine: str | None) -> ClusterState:
    from aksnet.store.workspace import DB_NAME

    if path_text is None:
        cs = load_workspace_cluster()
        return cs.with_engine(engine) if engine else cs
    path = Path(path_text)
    if not path.exists():
        raise UsageError(f'error: the path "{path_text}" does not exist')
    if (path / DB_NAME).exists():
        cs = load_workspace_cluster(home=path)
        return cs.with_engine(engine) if engine else cs
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
    p.add_argument("--path", action="store_true",
                   help="workspaces only: compare connectivity walked through routes, NSGs, load balancers and "
                        "kube-proxy (as matrix --path), so az changes such as NSG rules show too")
    p.add_argument("--apply", metavar="PATH", action="append", default=[],
                   help="what-if: B is A (default: the current workspace) with these manifests applied on a copy "
                        "(kubectl apply -f PATH; repeatable)")
    p.add_argument("--az", metavar="FILE", help="what-if: B is A with the az commands of FILE (one per line, "
                   "'az …'; # comments) run on a copy")
    p.add_argument("--question", choices=sorted(QUESTIONS),
                   help="compare this analysis' answers instead of connectivity: rows added, removed and changed "
                        "(output txt, json, csv, md or html); trace takes --from and --to (a URL too), explain --from "
                        "(and --to for one flow), curl --to URL, dns --to NAME, plan two workspaces")
    p.add_argument("--from", dest="q_from", metavar="FROM",
                   help="--question trace|curl|dns: where the flow starts; explain: the pod or workload")
    p.add_argument("--to", dest="q_to", metavar="TO", help="--question trace|explain: the destination; curl: the "
                   "URL; dns: the name")
    p.add_argument("--port", type=int, help="--question trace|explain: destination port (explain: default 80)")
    p.add_argument("--protocol", default="TCP", type=str.upper, choices=("TCP", "UDP", "SCTP"),
                   help="--question trace|explain: protocol (default TCP)")
    p.add_argument("-n", "--namespace", default="default", help="--question trace|curl|dns|explain: namespace of "
                   "names without one (default: default)")
    args = p.parse_args(argv)
    if args.apply or args.az:
        if args.b is not None:
            raise UsageError("error: --apply/--az make B from A: give at most one workspace A")
        with proposed_copy(args.a, args.apply, args.az) as copy:
            return _diff(args, args.a, str(copy))
    b = args.b if args.b is not None else args.a
    if args.a is None and not (args.engine1 or args.engine2):
        raise UsageError("error: give two workspaces or directories A B, or --engine1/--engine2 to compare engines "
                         "on one cluster, or --apply/--az for a proposed change")
    return _diff(args, args.a, b)


@contextlib.contextmanager
def proposed_copy(a: str | None, manifests: list[str], az_file: str | None) -> Iterator[Path]:
    """A copy of workspace ``a`` (default: the current one) with the proposed change made in it: the manifests
    applied, then the az commands run, each as ``aksnet kubectl|az`` would. The original is never written; the
    first command that fails stops the diff with that command's error."""
    from aksnet.cli.main import main
    from aksnet.store.workspace import DB_NAME, Workspace, default_home

    home = Path(a) if a is not None else default_home()
    if not (home / DB_NAME).exists():
        raise UsageError(f"error: no aksnet workspace at {home}: --apply/--az change a copy of a workspace")
    commands = [["kubectl", "apply", "-f", m] for m in manifests]
    if az_file is not None:
        try:
            lines = Path(az_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UsageError(f"error: --az {az_file}: {exc.strerror}") from None
        for n, line in enumerate(lines, 1):
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if words[0] != "az":
                raise UsageError(f"error: --az {az_file}:{n}: not an az command: {line.strip()}")
            commands.append(words)
    with tempfile.TemporaryDirectory(prefix="aksnet-diff-") as tmp:
        copy = Path(tmp) / "proposed"
        copy.mkdir()
        src = Workspace.open(home, create=False)
        try:
            src.backup_to(copy / DB_NAME)
        finally:
            src.close()
        old = os.environ.get("AKSNET_HOME")
        os.environ["AKSNET_HOME"] = str(copy)
        try:
            for cmd in commands:
                with contextlib.redirect_stdout(io.StringIO()):
                    code = main(cmd)
                if code != 0:
                    raise UsageError(f"error: the proposed change failed at: aksnet {shlex.join(cmd)} (exit {code})")
        finally:
            if old is None:
                os.environ.pop("AKSNET_HOME", None)
            else:
                os.environ["AKSNET_HOME"] = old
        yield copy


def _matrix(path_text: str | None, engine: str | None, path: bool) -> MatrixResult:
    """One side's connectivity: NetworkPolicy alone, or with ``path`` every allowed pair walked through routes,
    NSGs and kube-proxy, the internet and VMs as sources and load balancer frontends as targets (matrix --path)."""
    if not path:
        return compute_matrix(_load(path_text, engine), all_ports=True)
    from aksnet.analyses.matrix_path import walk_path_plugin
    from aksnet.cli.matrix import load_workspace_twin

    twin, cluster = load_workspace_twin(home=Path(path_text) if path_text is not None else None)
    if engine:
        cluster = cluster.with_engine(engine)
    plugin = walk_path_plugin(twin, cluster)
    return compute_matrix(cluster, engine, all_ports=True, extra_peers=plugin.extra_peers, path=plugin.filter,
                          extra_targets=plugin.targets)


def _diff(args: argparse.Namespace, a: str | None, b: str | None) -> int:
    if args.question:
        params = Params(args.q_from, args.q_to, args.port, args.protocol, args.namespace)
        sys.stdout.write(diff_question(args.question, args.output, a, b, args.engine1 or args.engine,
                                       args.engine2 or args.engine, params))
        return 0
    if args.q_from or args.q_to or args.port is not None:
        raise UsageError("error: --from, --to and --port go with --question")
    ref1 = _matrix(a, args.engine1 or args.engine, args.path)
    ref2 = _matrix(b, args.engine2 or args.engine, args.path)
    d = diff_matrices(ref1, ref2)
    print_warnings(d.warnings + ([] if d.entries else ["No connections diff"]))
    if args.output == "html":  # the differences as an accessible table page (the generic answer renderer)
        from aksnet.render import answer_html

        sys.stdout.write(answer_html.render(d))
    else:
        sys.stdout.write(str(RENDERERS[args.output].render_diff(d)))
    return 0
