"""Enter an existing named network namespace in the current thread, and come back; make named namespaces.

``setns(2)`` on an fd of ``/var/run/netns/<name>`` opened read-only, so a missing namespace is an error and
is never created (pyroute2's ``pushns`` would create it). Sockets opened inside keep that namespace after
we return (docs.pyroute2.org). The namespace is per thread. :func:`create_named` does what ``ip netns add``
does, in-process (no helper process that could outlive a killed ``up`` and keep adding namespaces after
``down``): a new namespace by ``unshare(CLONE_NEWNET)`` in a helper thread, bind-mounted on
``/var/run/netns/<name>``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import threading
from collections.abc import Iterator

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


MS_BIND = 0x1000
NETNS_RUN_DIR = "/var/run/netns"


def run_dir_ready() -> bool:
    """``/var/run/netns`` is a shared mount point (``ip netns add`` makes it one the first time)."""
    real = os.path.realpath(NETNS_RUN_DIR)
    with open("/proc/self/mountinfo") as fh:
        return any(f[4] == real and any(o.startswith("shared:") for o in f[6:f.index("-")])
                   for f in (line.split() for line in fh))


def create_named(names: list[str]) -> None:
    """Create named network namespaces, in one helper thread (unshare changes only that thread's namespace,
    and it returns to the original one). ``/var/run/netns`` must already be a shared mount point (``ip netns
    add`` makes it one the first time)."""
    if not run_dir_ready():
        raise OSError(0, f"{NETNS_RUN_DIR} is not a shared mount point yet")
    errors: list[BaseException] = []

    def work() -> None:
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            for name in names:
                if not name or "/" in name or name in (".", ".."):
                    raise ValueError(f"bad namespace name {name!r}")
                target = f"{NETNS_RUN_DIR}/{name}"
                os.close(os.open(target, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0))
                try:
                    if _libc.unshare(CLONE_NEWNET) != 0:
                        err = ctypes.get_errno()
                        raise OSError(err, f"unshare: {os.strerror(err)}")
                    try:
                        if _libc.mount(b"/proc/thread-self/ns/net", target.encode(), b"none", MS_BIND, None) != 0:
                            err = ctypes.get_errno()
                            raise OSError(err, f"mount {target}: {os.strerror(err)}")
                    finally:
                        _setns(home)
                except BaseException:
                    os.unlink(target)
                    raise
        except BaseException as exc:
            errors.append(exc)
        finally:
            os.close(home)

    t = threading.Thread(target=work, name="aksnet-netns-create")
    t.start()
    t.join()
    if errors:
        raise errors[0]


MNT_DETACH = 2


def remove_named(name: str) -> None:
    """``ip netns delete``: detach the bind mount and remove the file (the namespace goes when nothing else
    holds it)."""
    if not name or "/" in name or name in (".", ".."):
        raise ValueError(f"bad namespace name {name!r}")
    target = f"{NETNS_RUN_DIR}/{name}"
    if _libc.umount2(target.encode(), MNT_DETACH) != 0:
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOENT):
            raise OSError(err, f"umount {target}: {os.strerror(err)}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)


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
