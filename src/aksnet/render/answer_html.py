"""Any :class:`~aksnet.analyses.answer.Answer` as one self-contained HTML page (inline CSS, no script, nothing
fetched): a ``<table>`` with a ``<caption>`` naming the question, ``<th scope="col">`` headers, the key columns
of each row as ``<th scope="row">`` (WAI's table tutorial: https://www.w3.org/WAI/tutorials/tables/), and the
notes as a list. Every cell, name and note is escaped (:func:`aksnet.render.html_page.esc`): names come from
manifests. Pure: a string out; knows no twin."""

from __future__ import annotations

from aksnet.analyses.answer import Answer, Result
from aksnet.render.html_page import esc, page


def table(answer: Answer) -> str:
    """The answer's ``<table>`` (and its notes), to sit in any page."""
    keys = {answer.columns.index(k) for k in answer.key}
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in answer.columns)
    rows = []
    for r in answer.rows:
        cells = "".join(f'<th scope="row">{esc(v)}</th>' if i in keys else f"<td>{esc(v)}</td>"
                        for i, v in enumerate(r))
        rows.append(f"<tr>{cells}</tr>")
    if not rows:
        rows.append(f'<tr><td colspan="{len(answer.columns)}">no rows</td></tr>')
    body = "\n".join(rows)
    notes = "".join(f"<li>{esc(n)}</li>" for n in answer.notes)
    n = len(answer.rows)
    return (f"<table>\n<caption>{esc(answer.question)}: {n} row{'' if n == 1 else 's'}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"
            + (f'<ul class="notes">{notes}</ul>\n' if notes else ""))


def render_answer(answer: Answer) -> str:
    return page(f"aksnet: {answer.question}", table(answer))


def render(result: Result) -> str:
    """Any analysis' result, through its answer."""
    return render_answer(result.answer())
