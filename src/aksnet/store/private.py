"""Files only their owner may read: the workspace (it holds TLS private keys and kubeconfigs), ``aksnet
export`` output and kubeconfig files written for ``az aks get-credentials --file``.

New directories are created ``0700`` and new files ``0600`` from the start (``os.open`` with the mode, so
there is no moment in which another user could open them); an existing kubeconfig keeps its mode, as az
keeps the mode of an existing ``~/.kube/config`` and only warns (see :func:`loose_mode`).
Must not know any Azure or Kubernetes rule.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` and its missing parents with mode 0700 (existing directories are left alone)."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)  # mkdir's mode is masked by the umask; 0700 is never wider than wanted


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 when it does not exist; True if this call created it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private_text(path: Path, text: str, keep_mode: bool = False) -> None:
    """Write ``text`` to ``path`` (new parent directories 0700). The file is 0600 afterwards, or with
    ``keep_mode`` an existing file keeps its mode (a new one is still created 0600)."""
    make_private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE)
    if not keep_mode:
        os.fchmod(fd, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def loose_mode(path: Path) -> str | None:
    """The octal mode of an existing file that others may read or write (az's check before it merges a
    kubeconfig: "should be readable and writable only by its owner"), else None."""
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(os.lstat(path).st_mode) or not mode & 0o077:
        return None
    return f"{mode:o}"
