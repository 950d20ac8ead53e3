"""``aksnet export DIR``: write the workspace to plain files (see :mod:`aksnet.twin.export` for the layout)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aksnet.cli.common import command_transaction
from aksnet.store.private import make_private_dir, write_private_text
from aksnet.twin.export import export_workspace


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aksnet export", description="Write the workspace to plain files: ARM JSON "
                                "per Azure resource, Kubernetes YAML per cluster and namespace, the kubeconfig.")
    p.add_argument("dir", help="directory to write (created; existing export files are replaced)")
    return p


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` under ``root``, removing files of an earlier export that are no longer produced. The
    export holds TLS private keys and kubeconfigs: new directories are 0700 and files 0600."""
    make_private_dir(root)
    for sub in ("azure", "clusters", "aksnet"):
        base = root / sub
        if base.is_dir():
            for old in sorted(base.rglob("*"), reverse=True):
                rel = old.relative_to(root).as_posix()
                if old.is_file() and rel not in files:
                    old.unlink()
                elif old.is_dir() and not any(old.iterdir()):
                    old.rmdir()
    stale = root / "kubeconfig"
    if "kubeconfig" not in files and stale.is_file():
        stale.unlink()
    for rel, text in sorted(files.items()):
        write_private_text(root / rel, text)


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    with command_transaction(write=False) as tx:
        files = export_workspace(tx)
    root = Path(args.dir)
    try:
        write_files(root, files)
    except OSError as exc:
        print(f"aksnet export: cannot write {root}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"exported {len(files)} files to {root}")
    return 0
