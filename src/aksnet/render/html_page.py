"""The shell of ``aksnet ui``'s pages: one self-contained HTML document (inline CSS, inline SVG, no script, no
network), with every manifest-derived text escaped by :func:`html.escape`; a served page that takes long is
streamed: its head, progress lines (:func:`progress_line`), then the rest. Pure; knows no twin.
"""

from __future__ import annotations

import html
import re

_CSS = ("body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}"
        "nav a{margin-right:1em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left;vertical-align:top}"
        ".deny,.drop{color:#c00000;font-weight:bold}.allow,.delivered{color:#375623}"
        "figure{margin:0;overflow:auto;border:1px solid #ddd}figure svg{max-width:100%;height:auto}"
        ".progress:has(~ .progress),.progress:has(~ h1){display:none}")
_PROLOG = re.compile(r"\A\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)


def esc(text: object) -> str:
    """``text`` as HTML text or a quoted attribute value (``& < > " '`` escaped)."""
    return html.escape(str(text), quote=True)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG document without its XML prolog, DOCTYPE and leading comments, to sit inside HTML."""
    return _PROLOG.sub("", svg, count=1)


def head(title: str, nav: tuple[tuple[str, str], ...] = ()) -> str:
    """The document up to and including the ``<nav>`` (what a streamed page sends first)."""
    links = "".join(f'<a href="{esc(h)}">{esc(t)}</a>' for h, t in nav)
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<link rel="icon" href="data:,">\n'  # no favicon request: nothing fetched, no 404 in the console
            f"<title>{esc(title)}</title>\n"
            f"<style>{_CSS}</style>\n</head>\n<body>\n" + (f"<nav>{links}</nav>\n" if links else ""))


def page(title: str, body: str, nav: tuple[tuple[str, str], ...] = ()) -> str:
    """A complete HTML5 document; ``body`` is HTML already escaped by its builder, ``nav`` (href, text) links."""
    return head(title, nav) + f"<h1>{esc(title)}</h1>\n{body}\n</body>\n</html>\n"


def progress_line(what: str, done: int, total: int) -> str:
    """One progress report of a streamed page; CSS shows only the latest, and none once the page has come."""
    return (f'<p class="progress" role="status">{esc(what)}: <progress max="{max(total, 1)}" value="{done}">'
            f"{done:,}/{total:,}</progress> {done:,}/{total:,}</p>\n")
