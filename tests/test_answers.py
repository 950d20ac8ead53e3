"""One result shape (``aksnet.analyses.answer.Answer``): the generic differential of two answers, the renderers
every answer goes through, and ``aksnet diff --question`` on a what-if change of an imported cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnet.analyses.answer import Answer, diff_answers
from aksnet.analyses.answers import lint_answer
from aksnet.analyses.lint import Finding
from aksnet.render import answer_csv, answer_json, answer_md, answer_txt
from tests.conftest import run_cli
from tests.golden import SCENARIOS, check_golden

COLS = ("Src", "Dst", "Conn")


def ans(*rows: tuple[str, str, str]) -> Answer:
    return Answer("matrix", COLS, ("Src", "Dst"), rows)


@pytest.mark.parametrize(("ref", "cand", "want"), [
    pytest.param(ans(("a", "b", "TCP 80")), ans(("a", "b", "TCP 80")), (), id="same-no-rows"),
    pytest.param(ans(), ans(("a", "b", "TCP 80")), (("a", "b", "added", "", "TCP 80"),), id="added"),
    pytest.param(ans(("a", "b", "TCP 80")), ans(), (("a", "b", "removed", "TCP 80", ""),), id="removed"),
    pytest.param(ans(("a", "b", "TCP 80")), ans(("a", "b", "All")), (("a", "b", "changed", "TCP 80", "All"),),
                 id="changed"),
    pytest.param(ans(("b", "c", "x"), ("a", "b", "y")), ans(), (("a", "b", "removed", "y", ""),
                                                                ("b", "c", "removed", "x", "")), id="sorted-by-key"),
    pytest.param(ans(("a", "b", "TCP 80"), ("a", "b", "UDP 53")), ans(("a", "b", "TCP 80; UDP 53")), (),
                 id="duplicate-keys-joined"),
])
def test_diff_answers(ref: Answer, cand: Answer, want: tuple[tuple[str, ...], ...]) -> None:
    d = diff_answers(ref, cand)
    assert d.columns == ("Src", "Dst", "KeyPresence", "Reference_Conn", "Candidate_Conn")
    assert d.key == ("Src", "Dst")
    assert d.rows == want


@pytest.mark.parametrize(("bad", "message"), [
    pytest.param(lambda: Answer("q", ("A",), ("B",), ()), "key columns", id="key-not-a-column"),
    pytest.param(lambda: Answer("q", ("A", "B"), ("A",), (("x",),)), "1 cells for 2 columns", id="short-row"),
    pytest.param(lambda: diff_answers(ans(), Answer("lint", COLS, ("Src",), ())), "different questions",
                 id="different-questions"),
])
def test_shape_errors(bad: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bad()  # type: ignore[operator]


SAMPLE = Answer("matrix", COLS, ("Src", "Dst"), (("a", "b|c", "TCP 80"),), ("engine azure",))


@pytest.mark.parametrize(("renderer", "want"), [
    pytest.param(answer_txt, "Src  Dst  Conn\na    b|c  TCP 80\nnote: engine azure\n", id="txt"),
    pytest.param(answer_csv, "Src,Dst,Conn\na,b|c,TCP 80\n", id="csv"),
    pytest.param(answer_md, "| Src | Dst | Conn |\n|---|---|---|\n| a | b\\|c | TCP 80 |\n- engine azure\n", id="md"),
    pytest.param(answer_json, '{\n  "question": "matrix",\n  "columns": [\n    "Src",\n    "Dst",\n    "Conn"\n  ],\n'
                 '  "key": [\n    "Src",\n    "Dst"\n  ],\n  "rows": [\n    {\n      "Src": "a",\n      "Dst": "b|c",\n'
                 '      "Conn": "TCP 80"\n    }\n  ],\n  "notes": [\n    "engine azure"\n  ]\n}\n', id="json"),
])
def test_renderers(renderer: object, want: str) -> None:
    assert renderer.render_answer(SAMPLE) == want  # type: ignore[attr-defined]


def test_lint_answer_keys_findings() -> None:
    f = Finding("warning", "AKSNET001", "ns/x", "no endpoints", "kubernetes.io")
    a = lint_answer([f])
    assert a.key == ("Code", "Resource", "Message")
    assert a.by_key() == {("AKSNET001", "ns/x", "no endpoints"): ("AKSNET001", "ns/x", "no endpoints", "warning",
                                                                  "kubernetes.io")}


DUMP = Path(__file__).resolve().parent / "importing" / "dump"
DROP_WEB = "az network nsg rule delete -g prod-rg --nsg-name aks-nodes-nsg -n allow-web\n"


@pytest.mark.parametrize(("question", "output"), [
    pytest.param("exposure", "txt", id="exposure-txt"),
    pytest.param("exposure", "csv", id="exposure-csv"),
    pytest.param("matrix", "txt", id="matrix-unchanged"),
    pytest.param("lint", "md", id="lint-md"),
])
def test_diff_question_what_if(home: Path, tmp_path: Path, question: str, output: str, update_golden: bool) -> None:
    """Dropping the subnet NSG's web rule: the public frontends and ingress routes turn from reachable to
    blocked; NetworkPolicy connectivity does not change."""
    assert run_cli("import", str(DUMP)).code == 0
    (tmp_path / "change.az").write_text(DROP_WEB)
    before = (home / "workspace.db").read_bytes()
    r = run_cli("diff", "--question", question, "-o", output, "--az", str(tmp_path / "change.az"))
    assert r.code == 0, r.err
    check_golden(SCENARIOS / "diff_question_nsg_rule" / f"{question}.{output}", r.out, update_golden)
    assert (home / "workspace.db").read_bytes() == before


def test_diff_question_refuses_dot(home: Path) -> None:
    assert run_cli("import", str(DUMP)).code == 0
    r = run_cli("diff", "--question", "lint", "-o", "dot", str(home), str(home))
    assert r.code == 2 and "render as txt, json, csv, md" in r.err
