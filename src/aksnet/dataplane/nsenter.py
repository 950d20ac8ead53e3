"""Enter an existing named network namespace in the current thread, and come back.

``setns(2)`` on an fd of ``/var/run/netns/<name>`` opened read-only, so a missing namespace is an error and
is never created (pyroute2's ``pushns`` would create it). Sockets opened inside keep that namespace after
we return (docs.pyroute2.org). The namespace is per thread.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
from collections.abc import Iterator

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@contextlib.contextmanager
def netns(name: str) -> Iterator[None]:
    if not name or "/" in name:
        raise ValueError(f"bad namespace name {name!r}")
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        target = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
        try:
            _setns(target)
        finally:
            os.close(target)
        try:
            yield
        finally:
            _setns(home)
    finally:
        os.close(home)
