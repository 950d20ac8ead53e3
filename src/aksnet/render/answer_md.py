"""Any :class:`~aksnet.analyses.answer.Answer` as a Markdown table (``|`` in cells escaped), notes as a list.
Pure: a string out."""

from __future__ import annotations

from aksnet.analyses.answer import Answer, Result


def _cell(v: str) -> str:
    return v.replace("|", "\\|").replace("\n", " ")


def render_answer(answer: Answer) -> str:
    lines = ["| " + " | ".join(answer.columns) + " |", "|" + "---|" * len(answer.columns)]
    lines += ["| " + " | ".join(_cell(v) for v in r) + " |" for r in answer.rows]
    lines += [f"- {n}" for n in answer.notes]
    return "\n".join(lines) + "\n"


def render(result: Result) -> str:
    """Any analysis' result, through its answer."""
    return render_answer(result.answer())
