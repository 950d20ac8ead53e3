"""``aksnet import DIR``: read a directory into an empty workspace (a non-empty one is refused unless ``--force``
replaces it). Three kinds of directory: an ``aksnet export`` (``aksnet/manifest.json``), a hand-written scenario
(``azure/`` ARM JSON + ``clusters/<name>/`` YAML), or a real cluster's dump (any file names: the output of the
``az``/``kubectl`` commands ``scripts/dump-cluster.sh`` runs, recognised by content). A dump prints what it read
and what it lacks; invalid objects are reported like ``kubectl apply`` reports them (exit 1) while the rest is
imported."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aksnet.cli.common import command_transaction
from aksnet.model.account import SUBSCRIPTION_ID
from aksnet.store import Transaction, default_home
from aksnet.twin.export import import_workspace
from aksnet.twin.import_dump import ImportSummary


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aksnet import", description="Read plain files into the workspace.")
    p.add_argument("dir", help="directory written by 'aksnet export', azure/ + clusters/ + kubeconfig, or a real "
                              "cluster's dump (scripts/dump-cluster.sh)")
    p.add_argument("--force", action="store_true", help="replace the contents of a non-empty workspace")
    return p


def read_files(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and (rel == "kubeconfig" or rel.split("/")[0] in ("azure", "clusters", "aksnet")):
            files[rel] = path.read_text(encoding="utf-8")
    return files


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
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
