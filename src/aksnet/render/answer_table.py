"""Which generic answer renderer draws each ``-o`` format: the table formats every analysis command takes
(``csv``, ``md``, ``html``) and, for ``aksnet diff --question``, every format of an answer (``txt`` and
``json`` too). One home, so commands cannot drift apart. Pure: names modules, renders nothing itself."""

from __future__ import annotations

from types import ModuleType

from aksnet.render import answer_csv, answer_html, answer_json, answer_md, answer_txt

TABLES: dict[str, ModuleType] = {"csv": answer_csv, "md": answer_md, "html": answer_html}
ANSWERS: dict[str, ModuleType] = {"txt": answer_txt, "json": answer_json, **TABLES}
