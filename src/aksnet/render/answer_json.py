"""Any :class:`~aksnet.analyses.answer.Answer` as JSON: question, columns, key, rows (objects by column name),
notes. Pure: a string out."""

from __future__ import annotations

import json

from aksnet.analyses.answer import Answer, Result


def render_answer(answer: Answer) -> str:
    doc = {"question": answer.question, "columns": list(answer.columns), "key": list(answer.key),
           "rows": [dict(zip(answer.columns, r, strict=True)) for r in answer.rows], "notes": list(answer.notes)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render(result: Result) -> str:
    """Any analysis' result, through its answer."""
    return render_answer(result.answer())
