"""A decoded snapshot of the twin kept beside the workspace, so that a question does not decode every document.

``load_twin_cached(tx)`` answers exactly what :func:`aksnet.io.twin_loader.load_twin` answers. Decoding a
10,000-pod workspace's JSON into model objects takes seconds; reading the snapshot of the same twin takes a
small fraction of that (figures in ``benchmarks/bench_cli_scale.py``). The snapshot file
(``twin.snapshot`` in the workspace's directory) starts with a header naming the workspace's identity and
write generation (``Transaction.generation``: bumped by every command that changed something) and a hash
of the model's source; any difference, a damaged file or an unknown class means the twin is decoded again and
the snapshot rewritten (atomically: written aside, then renamed). It is a cache: deleting it is always safe.

Reading it never runs code named by the file: the unpickler resolves only the model's own dataclasses
(``aksnet.model``; a model module is imported when the file first names one of its classes), each rebuilt
through its constructor from plain values. Only a transaction that has not
changed anything uses or writes the snapshot (uncommitted changes are not in the generation). This module
must not know any networking rule and never writes the workspace database.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
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
from aksnet.model.twin import Twin
from aksnet.store import Transaction

SNAPSHOT_NAME = "twin.snapshot"
_MAGIC = b"aksnet twin snapshot 3\n"
# Every module of the model package, by name (imported when a snapshot names one of its classes, or all of them
# when a snapshot is written): a model module added later is covered without a change here.
_MODULE_NAMES = frozenset(f"aksnet.model.{m.name}" for m in pkgutil.iter_modules(aksnet.model.__path__))


@functools.cache
def _all_classes() -> dict[tuple[str, str], type]:
    """Every model dataclass by (module, name): what a snapshot being written may hold."""
    modules = [importlib.import_module(name) for name in sorted(_MODULE_NAMES)]
    return {(c.__module__, c.__name__): c for m in modules for c in vars(m).values()
            if isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == m.__name__}


def _model_class(module: str, name: str) -> type | None:
    """The model dataclass ``module.name`` (its module imported on first use), or None for anything else."""
    if module not in _MODULE_NAMES:
        return None
    c = vars(importlib.import_module(module)).get(name)
    ok = isinstance(c, type) and dataclasses.is_dataclass(c) and c.__module__ == module
    return c if ok else None


@functools.cache
def _shape() -> str:
    """The model's source text, hashed: a snapshot written by a different model (another field, class or module)
    is not read. Without the sources (a byte-compiled install), every class with its fields."""
    sources = sorted(Path(aksnet.model.__path__[0]).glob("*.py"))
    if len(sources) == len(_MODULE_NAMES) + 1:  # and __init__.py
        digest = hashlib.sha256()
        for f in sources:
            digest.update(f"{f.name}\0".encode() + f.read_bytes() + b"\0")
        return digest.hexdigest()[:16]
    text = ";".join(f"{m}.{n}({','.join(f.name for f in dataclasses.fields(c))})"
                    for (m, n), c in sorted(_all_classes().items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.cache
def _value_classes() -> frozenset[type]:
    """Frozen value objects that nothing keys by identity (``id()``): equal ones are stored once, so the snapshot
    holds one ``ContainerPort(80, "TCP", "http")`` for every pod of a Deployment instead of one per pod. Classes
    whose identity a cache uses (NetworkPolicyRule: ``engine.netpol.classes`` keys its bits by ``id(rule)`` and
    its namespace) and every object with a name (pods, policies, services) are never merged."""
    from aksnet.model import k8s

    return frozenset({k8s.ContainerPort, k8s.NetworkPolicyPort, k8s.NetworkPolicyPeer, k8s.LabelSelector,
                      k8s.LabelSelectorRequirement, k8s.IPBlock, k8s.ServicePort, k8s.EndpointPort})


_PLAIN = (str, int, bool, float, type(None))


class _Shared:
    """Equal values stored once: strings interned; equal maps and tuples of plain values (labels, annotations,
    address lists) and equal value objects (:func:`_value_classes`) made one object, so the pickle refers back
    to it instead of rebuilding it (a fraction of the size and of the decoding time of a 10,000-pod twin).
    Sound because the twin is never mutated. Keys carry each plain value's type (``1``, ``True`` and ``1.0``
    are equal in Python but not the same value)."""

    def __init__(self) -> None:
        self.seen: dict[Any, Any] = {}
        self.value_classes = _value_classes()

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
        if t is tuple or t in self.value_classes:
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
            cls = _model_class(module, name)
            if cls is None:
                raise pickle.UnpicklingError(f"{module}.{name} is not a model class")
            make = _MAKERS[(module, name)] = _maker(cls)
        return make


def dumps(twin: Twin) -> bytes:
    buf = io.BytesIO()
    p = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    shared = _Shared()
    p.dispatch_table = {c: shared.reduce for c in _all_classes().values()}  # type: ignore[assignment]
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


def _decode(tx: Transaction) -> Twin:
    """The twin decoded from the workspace's documents (the loader imported only when the snapshot cannot answer:
    with it, the decoders of every kind and their model classes)."""
    from aksnet.io.twin_loader import load_twin

    return load_twin(tx)


def load_twin_cached(tx: Transaction) -> Twin:
    """:func:`load_twin`, from the snapshot beside the workspace when it is of this generation."""
    where = tx.cache_dir
    if where is None or tx.changed:
        return _decode(tx)
    path = where / SNAPSHOT_NAME
    header = _header(tx)
    twin = _read(path, header)
    if twin is None:
        twin = _decode(tx)
        _write(path, header, twin)
    return twin
