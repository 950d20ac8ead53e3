"""A decoded snapshot of the twin kept beside the workspace, so that a question does not decode every document.

``load_twin_cached(tx)`` answers exactly what :func:`aksnet.io.twin_loader.load_twin` answers. Decoding a
10,000-pod workspace's JSON into model objects takes seconds; reading the snapshot of the same twin takes a
small fraction of that (figures in ``benchmarks/bench_cli_scale.py``). The snapshot file
(``twin.snapshot`` in the workspace's directory) starts with a header naming the workspace's identity and
write generation (``Transaction.generation``: bumped by every command that changed something) and the shape
of the model classes; any difference, a damaged file or an unknown class means the twin is decoded again and
the snapshot rewritten (atomically: written aside, then renamed). It is a cache: deleting it is always safe.

Reading it never runs code named by the file: the unpickler resolves only the model's own dataclasses
(``aksnet.model``), each rebuilt through its constructor from plain values. Only a transaction that has not
changed anything uses or writes the snapshot (uncommitted changes are not in the generation). This module
must not know any networking rule and never writes the workspace database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import importlib
import io
import os
import pickle
import pkgutil
import sys
from pathlib import Path
from typing import Any

import aksnet.model
from aksnet.io.twin_loader import load_twin
from aksnet.model import k8s
from aksnet.model.twin import Twin
from aksnet.store import Transaction

SNAPSHOT_NAME = "twin.snapshot"
_MAGIC = b"aksnet twin snapshot 2\n"
# Every module of the model package: a model module added later is covered without a change here (a class
# missing from this registry would make every snapshot unreadable: each command would decode the workspace).
_MODULES = tuple(importlib.import_module(f"aksnet.model.{m.name}")
                 for m in sorted(pkgutil.iter_modules(aksnet.model.__path__), key=lambda m: m.name))


def _model_classes() -> dict[tuple[str, str], type]:
    return {(c.__module__, c.__name__): c for m in _MODULES for c in vars(m).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__}


_CLASSES = _model_classes()


def _shape() -> str:
    """Every model class with its fields, hashed: a snapshot written by a different model is not read."""
    text = ";".join(f"{m}.{n}({','.join(f.name for f in dataclasses.fields(c))})"
                    for (m, n), c in sorted(_CLASSES.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Frozen value objects that nothing keys by identity (``id()``): equal ones are stored once, so the snapshot
# holds one ``ContainerPort(80, "TCP", "http")`` for every pod of a Deployment instead of one per pod. Classes
# whose identity a cache uses (NetworkPolicyRule: ``engine.netpol.classes`` keys its bits by ``id(rule)`` and
# its namespace) and every object with a name (pods, policies, services) are never merged.
_VALUE_CLASSES: frozenset[type] = frozenset({
    k8s.ContainerPort, k8s.NetworkPolicyPort, k8s.NetworkPolicyPeer, k8s.LabelSelector,
    k8s.LabelSelectorRequirement, k8s.IPBlock, k8s.ServicePort, k8s.EndpointPort,
})
_PLAIN = (str, int, bool, float, type(None))


class _Shared:
    """Equal values stored once: strings interned; equal maps and tuples of plain values (labels, annotations,
    address lists) and equal value objects (:data:`_VALUE_CLASSES`) made one object, so the pickle refers back
    to it instead of rebuilding it (a fraction of the size and of the decoding time of a 10,000-pod twin).
    Sound because the twin is never mutated. Keys carry each plain value's type (``1``, ``True`` and ``1.0``
    are equal in Python but not the same value)."""

    def __init__(self) -> None:
        self.seen: dict[Any, Any] = {}

    def _share(self, v: Any) -> tuple[Any, Any] | None:
        """(key, the one object for every value equal to ``v``), or None when ``v`` is not shareable."""
        t = type(v)
        if t in _PLAIN:
            return (t, v), (sys.intern(v) if t is str else v)
        if t is dict:
            parts = []
            for k, x in v.items():
                sx = self._share(x) if type(k) is str else None
                if sx is None:
                    return None
                parts.append((k, sx))
            key: Any = ("map", tuple((k, sx[0]) for k, sx in parts))
            hit = self.seen.get(key)
            if hit is None:
                hit = self.seen[key] = {sys.intern(k): sx[1] for k, sx in parts}
            return key, hit
        if t is tuple or t in _VALUE_CLASSES:
            items = v if t is tuple else tuple(getattr(v, f.name) for f in dataclasses.fields(v))
            shared = [self._share(x) for x in items]
            if any(s is None for s in shared):
                return None
            key = (t, tuple(s[0] for s in shared if s is not None))
            hit = self.seen.get(key)
            if hit is None:
                hit = self.seen[key] = tuple(s[1] for s in shared if s is not None) if t is tuple else v
            return key, hit
        return None

    def value(self, v: Any) -> Any:
        shared = self._share(v)
        return v if shared is None else shared[1]

    def reduce(self, obj: Any) -> tuple[type, tuple[Any, ...]]:
        """A model object as (class, constructor arguments): rebuilt by one call, not one setattr per field."""
        return type(obj), tuple(self.value(getattr(obj, f.name)) for f in dataclasses.fields(obj))


def _maker(cls: type) -> Any:
    """A function building ``cls`` from all its field values, as its ``__init__`` would, a third faster: the
    slots are filled through their descriptors (no frozen-instance ``__setattr__`` detour, no ``type()`` call).
    Only for slotted dataclasses without ``__post_init__`` (all of the model's); other classes are their own
    constructor."""
    names = [f.name for f in dataclasses.fields(cls)]
    if hasattr(cls, "__post_init__") or not all(n in getattr(cls, "__slots__", ()) for n in names):
        return cls
    env: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    env.update({f"_set{i}": getattr(cls, n).__set__ for i, n in enumerate(names)})
    params = ", ".join(f"a{i}" for i in range(len(names)))
    body = "".join(f"    _set{i}(o, a{i})\n" for i in range(len(names)))
    exec(f"def make({params}):\n    o = _new(_cls)\n{body}    return o\n", env)  # no file data in it
    return env["make"]


_MAKERS: dict[tuple[str, str], Any] = {}  # made on first use: a snapshot names a few dozen of the classes


class _ModelUnpickler(pickle.Unpickler):
    """Resolves only the model's dataclasses (to their makers); anything else in the file makes it unreadable."""

    def find_class(self, module: str, name: str) -> Any:
        make = _MAKERS.get((module, name))
        if make is None:
            cls = _CLASSES.get((module, name))
            if cls is None:
                raise pickle.UnpicklingError(f"{module}.{name} is not a model class")
            make = _MAKERS[(module, name)] = _maker(cls)
        return make


def dumps(twin: Twin) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    shared = _Shared()
    p.dispatch_table = {c: shared.reduce for c in _CLASSES.values()}  # type: ignore[assignment]
    p.dump(twin)
    return buf.getvalue()


def loads(data: bytes) -> Twin:
    was = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the collector's scans would cost more than the decoding
    try:
        obj = _ModelUnpickler(io.BytesIO(data)).load()
        # The twin lives as long as the command and has no cycles: move it out of the collector's sight, or
        # the next full collection walks it all (reference counting still frees it).
        gc.freeze()
    finally:
        if was:
            gc.enable()
    if not isinstance(obj, Twin):
        raise pickle.UnpicklingError("not a twin")
    return obj


def _header(tx: Transaction) -> bytes:
    return _MAGIC + f"{tx.generation()} {_shape()}\n".encode()


def _read(path: Path, header: bytes) -> Twin | None:
    try:
        with path.open("rb") as fh:
            if fh.read(len(header)) != header:
                return None
            return loads(fh.read())
    except (OSError, pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError, IndexError):
        return None


def _write(path: Path, header: bytes, twin: Twin) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            fh.write(dumps(twin))
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def load_twin_cached(tx: Transaction) -> Twin:
    """:func:`load_twin`, from the snapshot beside the workspace when it is of this generation."""
    where = tx.cache_dir
    if where is None or tx.changed:
        return load_twin(tx)
    path = where / SNAPSHOT_NAME
    header = _header(tx)
    twin = _read(path, header)
    if twin is None:
        twin = load_twin(tx)
        _write(path, header, twin)
    return twin
