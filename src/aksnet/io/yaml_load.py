"""YAML documents → Python values, exactly as PyYAML's safe loader (libyaml's parser) builds them, in about half
its time on manifests and cluster dumps, or a quarter of that through rapidyaml.

A text in the syntax where rapidyaml provably reads what PyYAML reads (block maps and sequences, plain and quoted
scalars, empty flow collections, comments, several documents) is read by ``aksnet.io.yaml_fast`` through
rapidyaml's C++ parser and the standard library's JSON decoder (24 ms instead of 98 ms for the 560 KB of the
network-config-analyzer benchmark's manifests); every other text, and every text rapidyaml rejects, is read below
with libyaml.

``load_all(text)`` returns what ``list(yaml.load_all(text, Loader=yaml.CSafeLoader))`` returns: the same parser
(libyaml, with PyYAML's YAML 1.1 resolver: ``yes``/``no`` booleans, ``0777`` octals …) and the same errors. What
differs is the construction of the values: PyYAML builds every value through a chain of generic Python calls; here
plain maps, sequences and the scalars that resolve to strings are built directly, and the resolution of a plain
scalar's tag (regular expressions in Python) is remembered per distinct text (a 150,000-pod dump repeats the same
few thousand texts). Anything else (explicit tags, timestamps, merge keys ``<<``, anchors and aliases, unhashable
keys) is left to PyYAML's own constructor, or the whole text is read by PyYAML when it uses anchors or merge keys
(so an alias is the same object, as PyYAML makes it, and an alias bomb stays cheap).

Must not decide anything about what the documents mean; never reads files.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from aksnet.io import yaml_fast

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# a plain '=' (YAML 1.1's value key) is a str as a mapping key (SafeConstructor.flatten_mapping) and an error
# elsewhere (no constructor)
_VALUE = "tag:yaml.org,2002:value"
# scalars whose constructed value is immutable and a pure function of the text: built once per distinct text
_PURE = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                   "tag:yaml.org,2002:float"})


class _Fallback(Exception):
    """The text needs PyYAML's full constructor (an unhashable key)."""


def load_all(text: str) -> list[Any]:
    """Every document of ``text`` (an empty document is ``None``), as PyYAML's safe loader returns them."""
    fast = yaml_fast.load(text)  # None: not provably PyYAML's answer through rapidyaml
    if fast is not None:
        return fast
    if "&" in text or "<<" in text:
        return list(yaml.load_all(text, Loader=_Loader))
    loader = _Loader(text)
    try:
        resolved: dict[tuple[str, tuple[bool, bool]], str] = {}
        plain = loader.resolve
        # Without path resolvers (none is registered: yaml.add_path_resolver is never called), a collection's
        # tag is its kind's default and the composer's descend/ascend calls do nothing: they are answered
        # without a Python call per node (``slice``/``tuple`` stand for two- and no-argument no-ops).
        fixed: dict[type[Node], str] = {} if loader.yaml_path_resolvers else {MappingNode: _MAP, SequenceNode: _SEQ}
        if not loader.yaml_path_resolvers:
            loader.descend_resolver = slice
            loader.ascend_resolver = tuple

        def resolve(kind: type[Node], value: Any, implicit: Any) -> str:
            if kind is not ScalarNode:
                return fixed.get(kind) or str(plain(kind, value, implicit))
            key = (value, implicit)
            tag = resolved.get(key)
            if tag is None:
                tag = resolved[key] = plain(kind, value, implicit)
            return tag

        loader.resolve = resolve  # the composer (libyaml's binding) asks the loader for each node's tag
        build = _Builder(loader).value
        docs = []
        try:
            while loader.check_node():  # each document built before the next is parsed, as PyYAML does
                docs.append(build(loader.get_node()))
            return docs
        except (_Fallback, ConstructorError):
            # a constructor error: PyYAML fills collections breadth-first and may meet another error first
            # (an unhashable key before a '=' value); its own reading gives its own message
            pass
    finally:
        loader.dispose()
    return list(yaml.load_all(text, Loader=_Loader))


class _Builder:
    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.scalars: dict[tuple[str, str], Any] = {}

    def value(self, node: Node) -> Any:
        t = type(node)
        tag = node.tag
        if t is ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _PURE:
                key = (tag, node.value)
                if key not in self.scalars:
                    self.scalars[key] = self.loader.construct_object(node)
                return self.scalars[key]
            return self.loader.construct_object(node, deep=True)
        if t is MappingNode and tag == _MAP:
            value = self.value
            try:
                return {(k.value if k.tag == _VALUE else value(k)): value(v) for k, v in node.value}
            except TypeError:
                raise _Fallback from None
        if t is SequenceNode and tag == _SEQ:
            value = self.value
            return [value(x) for x in node.value]
        return self.loader.construct_object(node, deep=True)
