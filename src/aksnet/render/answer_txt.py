"""Any :class:`~aksnet.analyses.answer.Answer` as an aligned text table (header, one line per row, notes after).
Pure: a string out."""

from __future__ import annotations

from aksnet.analyses.answer import Answer, Result


def render_answer(answer: Answer) -> str:
    if not answer.rows:
        body = f"{answer.question}: no rows\n"
    else:
        widths = [max(len(c), *(len(r[i]) for r in answer.rows)) for i, c in enumerate(answer.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(answer.columns, widths, strict=True)).rstrip()]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in answer.rows]
        body = "\n".join(lines) + "\n"
    return body + "".join(f"note: {n}\n" for n in answer.notes)


def render(result: Result) -> str:
    """Any analysis' result, through its answer."""
    return render_answer(result.answer())
