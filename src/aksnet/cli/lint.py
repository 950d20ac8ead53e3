"""``aksnet lint [--context C | --all] [--from-dir DIR] [-o text|json|csv|md] [--fail-on error|warning|info|never]
[--connections-per-node N]``.

Findings about the networking of the current context's cluster (or every cluster with ``--all``). Exit 1
when a finding at or above ``--fail-on`` (default: warning) exists, 0 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from aksnet.errors import AksnetError, UsageError
from aksnet.model.ids import same_id


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"aksnet lint: error: {message}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aksnet lint", description="Findings about a cluster's networking: broken kubenet routes, NSGs "
                "that block what AKS needs, unenforced or missing NetworkPolicies, Services without endpoints, "
                "Ingress backends and secrets that do not exist, public exposure.")
    p.add_argument("--context", help="kubeconfig context of the cluster (default: current context)")
    p.add_argument("--all", action="store_true", help="every cluster of the workspace")
    p.add_argument("--from-dir", type=Path, help="a directory of manifests, az/kubectl output or a real cluster's dump "
                   "(read as aksnet import reads it) instead of the workspace")
    p.add_argument("-o", "--output", default="text", choices=("text", "json", "csv", "md", "html"),
                   help="csv, md, html: one row per finding (code, resource, message, severity, source)")
    p.add_argument("--fail-on", default="warning", choices=("error", "warning", "info", "never"))
    p.add_argument("--connections-per-node", type=int, metavar="N",
                   help="a stated load: concurrent outbound connections per node to one destination; AKSNET073 "
                   "says when it exhausts the cluster's SNAT ports")
    return p


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.connections_per_node is not None and args.connections_per_node < 1:
        raise UsageError("aksnet lint: error: argument --connections-per-node: must be a positive integer")
    from aksnet.analyses.lint import SEVERITIES, LintReport, lint
    from aksnet.io.twin_loader import load_twin_from_dir
    from aksnet.io.twin_snapshot import load_twin_cached as load_twin
    from aksnet.render import lint_json, lint_text
    from aksnet.render.answer_table import TABLES

    cluster_id: str | None = None
    if args.from_dir is not None:
        twin = load_twin_from_dir(args.from_dir)
    else:
        from aksnet.cli.common import command_transaction
        from aksnet.store.workspace import DB_NAME, default_home
        from aksnet.twin.kubeconfig import current_cluster_id

        if not (default_home() / DB_NAME).exists():
            raise UsageError(f"error: no aksnet workspace at {default_home()}: create resources with 'aksnet az …' "
                             "first, or lint a directory with --from-dir")

        with command_transaction(write=False) as tx:
            if not args.all:
                try:
                    cluster_id = current_cluster_id(tx, args.context)
                except AksnetError:
                    if args.context:
                        raise
            twin = load_twin(tx)
    report = LintReport(tuple(lint(twin, cluster_id, args.connections_per_node)))
    findings = report.findings
    if args.output in TABLES:
        sys.stdout.write(TABLES[args.output].render(report))
    else:
        sys.stdout.write(lint_json.render(report) if args.output == "json" else lint_text.render(findings) + "\n")
    from aksnet.cli.common import report_source

    code = 0
    if args.fail_on != "never":
        limit = SEVERITIES.index(args.fail_on)
        code = 1 if any(SEVERITIES.index(f.severity) <= limit for f in findings) else 0
    for cs in twin.clusters:
        if cluster_id is None or (cs.cluster is not None and same_id(cs.cluster.id, cluster_id)):
            code = report_source(cs, code)
    return code
