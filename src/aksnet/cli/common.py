"""What every front end shares: the command transaction, and printing library errors in a tool's style."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from aksnet.store import Transaction, Workspace, default_home
from aksnet.store.workspace import DB_NAME


@contextlib.contextmanager
def command_transaction(write: bool = True, home: Path | None = None) -> Iterator[Transaction]:
    """One command = one transaction. A failed command leaves the workspace exactly as it was: rolled
    back, and if this command created the workspace, the workspace is removed again."""
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
