"""What every front end shares: the command transaction, and printing library errors in a tool's style
(warnings, and what a directory or an imported dump could not say)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aksnet.model.twin import ClusterState
    from aksnet.store import Transaction


@contextlib.contextmanager
def command_transaction(write: bool = True, home: Path | None = None) -> Iterator[Transaction]:
    """One command = one transaction. A failed command leaves the workspace exactly as it was: rolled
    back, and if this command created the workspace, the workspace is removed again."""
    from aksnet.store import Workspace, default_home  # not imported by commands that read only files
    from aksnet.store.workspace import DB_NAME

    home = home or default_home()
    existed_dir = home.exists()
    existed_db = (home / DB_NAME).exists()
    ws = Workspace.open(home, create=write)
    try:
        with ws.transaction(write) as tx:
            yield tx
    except BaseException:
        ws.close()
        if write and not existed_db:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    (home / (DB_NAME + suffix)).unlink()
            if not existed_dir:
                with contextlib.suppress(OSError):
                    home.rmdir()
        raise
    ws.close()


def print_warnings(warnings: list[str]) -> None:
    for w in dict.fromkeys(warnings):
        print(f"warning: {w}", file=sys.stderr)


def report_source(cluster: ClusterState, code: int) -> int:
    """After an analysis: the policy objects of other kinds and what an imported dump lacks (warnings), and the
    objects of the directory that could not be read (kubectl's errors); those make the exit code non-zero, as
    ``kubectl apply`` does."""
    print_warnings(list(cluster.ignored_policies) + [f"answers may be incomplete: {u}" for u in cluster.unknowns])
    for p in cluster.problems:
        print(p, file=sys.stderr)
    return code or (1 if cluster.problems else 0)
