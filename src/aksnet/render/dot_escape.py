"""Quoting for Graphviz DOT: a name from a manifest becomes one DOT double-quoted string, never DOT syntax.

DOT's quoted strings end at an unescaped ``"``; in labels a backslash starts an escape (``\\n``, ``\\l``, ``\\N``)
and ``&name;`` is read as an HTML entity (https://graphviz.org/doc/info/lang.html,
https://graphviz.org/docs/attr-types/escString/). Pure; knows no twin.
"""

from __future__ import annotations


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string that Graphviz shows verbatim (``\\``, ``"``, ``&``, newlines)."""
    body = (text.replace("\\", "\\\\").replace("&", "&amp;").replace('"', '\\"')
            .replace("\r", " ").replace("\n", "\\n"))
    return f'"{body}"'


def label_lines(*lines: str) -> str:
    """A multi-line label: each line quoted as :func:`quote` does, joined by DOT's centred line break."""
    return quote("\n".join(lines))
