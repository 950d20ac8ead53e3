"""Any :class:`~aksnet.analyses.answer.Answer` as CSV (RFC 4180: header row, quoted where needed); notes are
not part of the table. Pure: a string out."""

from __future__ import annotations

import csv
import io

from aksnet.analyses.answer import Answer, Result


def render_answer(answer: Answer) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(answer.columns)
    w.writerows(answer.rows)
    return buf.getvalue()


def render(result: Result) -> str:
    """Any analysis' result, through its answer."""
    return render_answer(result.answer())
