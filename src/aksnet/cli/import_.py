"""``aksnet import DIR``: read a directory into an empty workspace (a non-empty one is refused unless ``--force``
replaces it). Three kinds of directory: an ``aksnet export`` (``aksnet/manifest.json``), a hand-written scenario
(``azure/`` ARM JSON + ``clusters/<name>/`` YAML), or a real cluster's dump (any file names: the output of the
``az``/``kubectl`` commands ``scripts/dump-cluster.sh`` runs, recognised by content). A dump prints what it read
and what it lacks; invalid objects are reported like ``kubectl apply`` reports them (exit 1) while the rest is
imported."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from aksnet.cli.common import command_transaction
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.store import Transaction, default_home
from aksnet.twin.export import import_workspace
from aksnet.twin.import_dump import ImportSummary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aksnet import", description="Read plain files (or, with --live, a real "
                                "cluster) into the workspace.")
    p.add_argument("dir", nargs="?", help="directory written by 'aksnet export', azure/ + clusters/ + kubeconfig, "
                   "or a real cluster's dump (scripts/dump-cluster.sh)")
    p.add_argument("--force", action="store_true", help="replace the contents of a non-empty workspace")
    live = p.add_argument_group("live import (read-only, needs the live extra: pip install 'aksnet[live]')")
    live.add_argument("--live", action="store_true", help="read the cluster itself instead of DIR: Azure through the "
                      "Azure SDK (DefaultAzureCredential), Kubernetes through the kubeconfig")
    live.add_argument("-g", "--resource-group", help="the cluster's resource group")
    live.add_argument("-n", "--name", help="the AKS cluster")
    live.add_argument("--subscription", default=os.environ.get("AZURE_SUBSCRIPTION_ID"),
                      help="subscription ID (default: $AZURE_SUBSCRIPTION_ID)")
    live.add_argument("--context", help="kubeconfig context (default: the current one)")
    live.add_argument("--kubeconfig", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    live.add_argument("--arm-endpoint", help="Azure Resource Manager endpoint of a sovereign cloud (default: "
                      "https://management.azure.com)")
    return p


def read_files(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and (rel == "kubeconfig" or rel.split("/")[0] in ("azure", "clusters", "aksnet")):
            files[rel] = path.read_text(encoding="utf-8")
    return files


def run(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.live:
        return _import_live(parser, args)
    if args.dir is None:
        parser.error("the following arguments are required: dir (or --live)")
    root = Path(args.dir)
    if not root.is_dir():
        print(f"aksnet import: {root} is not a directory", file=sys.stderr)
        return 2
    try:
        files = read_files(root)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"aksnet import: cannot read {root}: {exc}", file=sys.stderr)
        return 2
    if not files:
        return _import_dump(root, args.force)
    with command_transaction() as tx:
        if _refuse_non_empty(tx, args.force):
            return 1
        count = import_workspace(tx, files)
    print(f"imported {count} objects from {root}")
    return 0


def _refuse_non_empty(tx: Transaction, force: bool) -> bool:
    existing = tx.dump()
    if existing and not force:
        print(f"aksnet import: the workspace at {default_home()} is not empty ({len(existing)} objects); "
              "use --force to replace its contents", file=sys.stderr)
        return True
    if existing:
        tx.clear()
    return False


def print_summary(summary: ImportSummary, problems: list[str], files: dict[str, str] | None = None) -> None:
    """What an import read (per file when known), what the dump lacks, and the objects it could not read."""
    for f, what in (files or {}).items():
        print(f"  {f}: {what}")
    if summary.subscription and summary.subscription.lower() != SUBSCRIPTION_ID:
        print(f"subscription {summary.subscription} is the workspace's emulated subscription {SUBSCRIPTION_ID}")
    print("read: " + ", ".join(f"{n} {k}" for k, n in {**summary.arm_counts, **summary.k8s_counts}.items()))
    for m in summary.missing:
        print(f"missing: {m}")
    for p in problems:
        print(p, file=sys.stderr)


def _import_dump(root: Path, force: bool) -> int:
    from aksnet.io.dump import read_dump
    from aksnet.twin.import_dump import import_dump

    dump = read_dump(root)
    if not dump.arm and not dump.k8s:
        for p in dump.problems:
            print(p, file=sys.stderr)
        print(f"aksnet import: {root} holds no Azure resources or Kubernetes objects", file=sys.stderr)
        return 2
    with command_transaction() as tx:
        if _refuse_non_empty(tx, force):
            return 1
        summary = import_dump(tx, dump)
    print(f"imported the dump in {root}")
    print_summary(summary, dump.problems, dump.files)
    return 1 if dump.problems else 0


def _import_live(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from aksnet.io.live import LiveTarget, read_live
    from aksnet.twin.import_dump import import_dump

    if args.dir is not None:
        parser.error("--live reads the cluster itself: give no DIR")
    missing = [f for f, v in (("--resource-group", args.resource_group), ("--name", args.name),
                              ("--subscription", args.subscription)) if not v]
    if missing:
        parser.error(f"--live needs {', '.join(missing)}")
    target = LiveTarget(args.subscription, args.resource_group, args.name, args.context, args.kubeconfig,
                        args.arm_endpoint)
    dump = read_live(target)
    with command_transaction() as tx:
        if _refuse_non_empty(tx, args.force):
            return 1
        summary = import_dump(tx, dump)
    print(f"imported {args.resource_group}/{args.name} (live, read-only)")
    print_summary(summary, dump.problems, dump.files)
    return 1 if dump.problems else 0
