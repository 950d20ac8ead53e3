"""``aksnet import DIR``: read an exported directory (or a hand-written scenario directory of ARM JSON and
Kubernetes YAML) into an empty workspace; a non-empty one is refused unless ``--force`` replaces it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aksnet.cli.common import command_transaction
from aksnet.store import default_home
from aksnet.twin.export import import_workspace


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aksnet import", description="Read plain files into the workspace.")
    p.add_argument("dir", help="directory written by 'aksnet export' (or azure/ + clusters/ + kubeconfig)")
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
        print(f"aksnet import: {root} holds no azure/, clusters/ or aksnet/ files", file=sys.stderr)
        return 2
    with command_transaction() as tx:
        existing = tx.dump()
        if existing:
            if not args.force:
                print(f"aksnet import: the workspace at {default_home()} is not empty ({len(existing)} objects); "
                      "use --force to replace its contents", file=sys.stderr)
                return 1
            tx.clear()
        count = import_workspace(tx, files)
    print(f"imported {count} objects from {root}")
    return 0
