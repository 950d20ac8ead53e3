"""YAML text → Python values through rapidyaml (``ryml``), only where that is provably what PyYAML's safe loader
builds; otherwise no answer, and ``aksnet.io.yaml_load`` reads the text with libyaml as before.

rapidyaml parses the stream into its tree and writes it out as JSON, and the standard library's C decoder builds
the values. Three things stand between that and PyYAML's answer, and each is proved or the text is declined:

- **Syntax ryml reads differently or more leniently** (it accepts an undefined alias, resolves no tags, folds
  block scalars its own way, may decode escapes and characters outside ASCII differently): any text with a
  backslash, a tab, a carriage return, a control character, a character outside ASCII, ``<<``, or an indicator
  that starts a token (``*`` alias, ``&`` anchor, ``!`` tag, ``|``/``>`` block scalar, ``?`` complex key, ``%``
  directive, the reserved ``@`` and backtick), a non-empty flow collection (ryml reads ``a: ]`` as a string), a
  document end marker (YAML 1.1 wants ``---`` after one), or a quote or ``[]``/``{}`` followed by spaces and
  anything but a comment or ``:`` (ryml reads ``- 'a' - b`` as two entries) is declined, as is an empty key
  and a string that starts with a space (ryml's reading of a line indented past a quoted scalar).
- **Scalars PyYAML resolves (YAML 1.1)**: ryml writes a plain scalar bare only when it reads as a JSON number or
  is ``true``/``false``/``null``, and quotes everything else, so ``yes``, ``0777``, ``~``, ``2024-01-01`` or a
  key ``8080`` come out as JSON strings whether they were quoted in the source or not. Every JSON string that one
  of PyYAML's implicit resolvers (``yaml.resolver.Resolver.yaml_implicit_resolvers``, read, not copied) would
  give another type is accepted only if no whole word of the source is that string (``_strings_proved``), and
  ``inf``, ``nan``, ``.Inf`` …, which ryml rewrites to ``".inf"``/``".nan"``, are declined. A bare number is
  resolved by PyYAML's own resolver and constructor (``1e5`` stays a string, as in YAML 1.1); ryml writes
  ``.5``/``-.5`` with a leading ``0`` and ``1.`` with a trailing one, so every text it may have come from must
  resolve to the same value, or the text is declined.
- **Errors**: a text ryml rejects is declined (PyYAML then raises its own error); ryml's error report, which it
  prints on the process's stderr before raising, goes to ``/dev/null`` for the duration of the call.

Must not decide anything about what the documents mean; never reads files; never prints.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# declined wherever they are: control characters (tab and carriage return included), backslash, merge key
_DECLINE_ANYWHERE = (*(chr(c) for c in range(32) if c != 10), "\x7f", "\\", "<<")
# declined where they start a token (after a line start, a space, a flow indicator or ':')
_INDICATORS = "*&!|>?%@`"
_DECLINE_TOKEN = re.compile(rf"(?:^|[\s\[{{,:])[{re.escape(_INDICATORS)}]", re.MULTILINE)
# a quote or an empty flow collection's end, spaces, then anything but a comment or a ':' (ryml reads "- 'a' - b"
# and "- [] - b" as two entries; PyYAML: an error)
_AFTER_CLOSE = re.compile(r"['\"\]}] +[^ #:\n]")
# a document end marker: YAML 1.1 wants '---' after it; ryml does not, and reads an indented one as a marker too
_DOCUMENT_END = re.compile(r"^ *\.\.\.", re.MULTILINE)
_ONLY_COMMENTS = re.compile(r"(?:[ ]*(?:#[^\n]*)?(?:\n|\Z))*")
_MISSING = object()
_quiet_lock = threading.Lock()

_UNLOADED: Any = object()
_ryml: Any = _UNLOADED  # the module, imported on first use (not by commands that read no YAML); None: missing


class _Decline(Exception):
    """The text cannot be proved to read as PyYAML reads it."""


def available() -> bool:
    """Whether rapidyaml can be imported (the fast path is an optimisation: without it libyaml reads all)."""
    global _ryml
    if _ryml is _UNLOADED:
        try:
            import ryml  # on first use
        except ImportError:
            ryml = None
        _ryml = ryml
    return _ryml is not None


def load(text: str) -> list[Any] | None:
    """Every document of ``text`` as ``list(yaml.load_all(text, Loader=yaml.CSafeLoader))`` builds them, or
    ``None`` when that cannot be proved through rapidyaml (the caller then reads the text with libyaml)."""
    if not _plain_enough(text) or not available():
        return None
    js = _ryml_json(text.encode("ascii"))
    if js is None:
        return None
    tree_is_stream, out = js
    if out is None:  # no document at all: PyYAML agrees only when the text is blank lines and comments
        return [] if _ONLY_COMMENTS.fullmatch(text) else None
    if '"": ' in out:  # an empty key: ryml writes a missing (null) key the same way
        return None
    if '" ' in out:  # a string that starts with a space: ryml's reading of a line indented past a quoted scalar
        return None
    try:
        value = json.loads(out, parse_int=_bare, parse_float=_bare, parse_constant=_bare)
    except (ValueError, _Decline):
        return None
    if not _strings_proved(out, text):
        return None
    return list(value) if tree_is_stream else [value]


def _plain_enough(text: str) -> bool:
    """Whether ``text`` keeps to the syntax where ryml and libyaml are known to agree (see the module docstring)."""
    if not text.isascii() or any(c in text for c in _DECLINE_ANYWHERE):
        return False
    if any(c in text for c in _INDICATORS) and _DECLINE_TOKEN.search(text) is not None:
        return False
    if any(c in text for c in "'\"]}") and _AFTER_CLOSE.search(text) is not None:
        return False
    if "..." in text and _DOCUMENT_END.search(text) is not None:
        return False
    return _flow_only_empty(text)


def _flow_only_empty(text: str) -> bool:
    """Whether every flow collection is an empty ``[]`` or ``{}`` (ryml reads some malformed flow collections
    and indicators that start a plain scalar where PyYAML stops with an error)."""
    n, m = text.count("[]"), text.count("{}")
    return text.count("[") == n == text.count("]") and text.count("{") == m == text.count("}")


def _ryml_json(buf: bytes) -> tuple[bool, str | None] | None:
    """(whether the root is a stream of documents, ryml's JSON of the tree) or None when ryml rejects ``buf``."""
    with _stderr_silenced():
        try:
            tree = _ryml.parse_in_arena(buf)
            root = tree.root_id()
            return bool(tree.is_stream(root)), _ryml.emit_json_malloc(tree, root)
        except Exception:  # ryml's ExceptionParse/ExceptionVisit and SWIG's errors: all decline
            return None


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 points at /dev/null inside the block (ryml writes its error report there with C stdio
    before raising); one block at a time, so that a concurrent call never saves the silenced descriptor."""
    with _quiet_lock:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all: nothing to silence
            yield
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(null)


# -- scalars ---------------------------------------------------------------------------------------------------
_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = Resolver.yaml_implicit_resolvers
_resolver: Any = Resolver()
_bare_values: dict[str, Any] = {}
# ryml writes these for several plain texts ('infinity', 'inf', '.Inf', 'nan' …): the source text is unknown
_RYML_REWRITES = frozenset({".nan", ".inf", "-.inf"})


def _implicit(s: str) -> bool:
    """Whether PyYAML would resolve ``s``, written plain, to anything but a string."""
    return any(r.match(s) for _, r in (*_RESOLVERS.get(s[0] if s else "", ()), *_RESOLVERS.get(None, ())))


def _plain_value(s: str) -> Any:
    """What PyYAML's safe loader builds from the plain scalar ``s`` (its resolver, then its constructor)."""
    tag = _resolver.resolve(ScalarNode, s, (True, False))
    try:
        return SafeConstructor().construct_object(ScalarNode(tag, s))
    except yaml.YAMLError:  # e.g. '=' (the YAML 1.1 value key) has no constructor: PyYAML raises; decline
        raise _Decline from None


def _bare(t: str) -> Any:
    """The value of a bare JSON number ryml wrote for a plain scalar, as PyYAML builds that scalar; texts ryml may
    have rewritten (``.5`` → ``0.5``, ``1.`` → ``1.0``) must all give the same value."""
    v = _bare_values.get(t, _MISSING)
    if v is _MISSING:
        sources = {t}
        if t.startswith(("0.", "-0.")):
            sources.add(t.replace("0.", ".", 1))
        if t.endswith(".0"):
            sources |= {s[:-1] for s in sources}
        values = [_plain_value(s) for s in sorted(sources)]
        if any(type(x) is not type(values[0]) or repr(x) != repr(values[0]) for x in values):
            raise _Decline
        v = _bare_values[t] = values[0]
    return v


# a JSON string that starts with a character one of PyYAML's implicit resolvers starts with. A string with a JSON
# escape is skipped: it holds a quote, a backslash or a line break, which no implicit resolver accepts (a plain
# scalar never ends with a line break). ryml's JSON has no such character right after a closing quote, so each
# match starts at an opening quote.
_RESOLVABLE_STRING = re.compile('"([' + re.escape("".join(sorted(c for c in _RESOLVERS if c))) + r'][^"\\]*)"')
_WORD = re.compile(r"\S+")
_SOURCE_WORD = re.compile(r"(?<![^ \n])[^ \n]+")


def _strings_proved(out: str, text: str) -> bool:
    """Every JSON string that PyYAML would resolve to another type when plain was quoted in the source.

    A plain scalar without spaces is, in the source, a whole word: a run of characters other than space and line
    feed that starts after a space, a line feed or the start of the text (flow collections are declined, tabs
    too) and ends before a space, a line feed or the end, with a ':' after it when it is a key; a quoted one is
    not (its quotes belong to the run). So such a string is proved quoted when no word of the source is the
    string itself, or the string and a ':' (``8080`` inside ``"8080"``, ``abc8080`` or ``8080x`` is no word).
    Strings with spaces (a multi-line plain scalar folds into spaces) are declined. One pass over the source,
    only when there is a suspect. The scan of ``out`` starts at each opening quote: ryml's JSON has no resolver's
    first character after a closing quote."""
    suspects = {s for s in set(_RESOLVABLE_STRING.findall(out)) if _implicit(s)}
    if not suspects:
        return True
    if not suspects.isdisjoint(_RYML_REWRITES) or any(_WORD.fullmatch(s) is None for s in suspects):
        return False
    words = set(_SOURCE_WORD.findall(text))
    return not any(s in words or s + ":" in words for s in suspects)
