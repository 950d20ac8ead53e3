"""One result shape (``aksnet.analyses.answer.Answer``): the generic differential of two answers, the renderers
every answer goes through, and ``aksnet diff --question`` on a what-if change of an imported cluster."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from aksnet.analyses.answer import Answer, diff_answers
from aksnet.analyses.lint import Finding, LintReport
from aksnet.render import answer_csv, answer_html, answer_json, answer_md, answer_txt
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
    a = LintReport((f,)).answer()
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


WHATIF = SCENARIOS / "diff_question_whatif"
SCALE = "az aks nodepool scale -g prod-rg --cluster-name prod-aks -n nodepool1 --node-count 5\n"
POLICY = ["--apply", str(WHATIF / "frontend-egress-and-cache.yaml")]


@pytest.mark.parametrize(("name", "args", "az"), [
    pytest.param("trace-nsg.txt", ["--question", "trace", "--from", "internet", "--to",
                                   "svc/ingress-basic/ingress-nginx-controller:443"], DROP_WEB, id="trace-nsg"),
    pytest.param("trace-unchanged.txt", ["--question", "trace", "--from", "deploy/production/frontend", "--to",
                                         "svc/production/api-service:80"], DROP_WEB, id="trace-unchanged"),
    pytest.param("curl-nsg.csv", ["--question", "curl", "--to", "http://20.81.0.3/", "-o", "csv"], DROP_WEB,
                 id="curl-nsg"),
    pytest.param("plan-scale.txt", ["--question", "plan"], SCALE, id="plan-scale"),
    pytest.param("plan-scale.json", ["--question", "plan", "-o", "json"], SCALE, id="plan-scale-json"),
    pytest.param("explain-policy.txt", ["--question", "explain", "--from", "deploy/production/frontend", *POLICY],
                 None, id="explain-workload"),
    pytest.param("explain-pair.md", ["--question", "explain", "--from", "deploy/production/frontend", "--to",
                                     "deploy/production/backend", "--port", "8080", "-o", "md", *POLICY], None,
                 id="explain-pair"),
    pytest.param("dns-service.md", ["--question", "dns", "--from", "deploy/production/frontend", "--to", "cache",
                                    "-o", "md", *POLICY], None, id="dns-new-service"),
])
def test_diff_question_every_analysis(home: Path, tmp_path: Path, name: str, args: list[str], az: str | None,
                                      update_golden: bool) -> None:
    """Every analysis asked of the imported cluster and of a what-if copy (an NSG rule dropped, the pool scaled,
    an egress policy and a Service applied): the rows that changed."""
    assert run_cli("import", str(DUMP)).code == 0
    if az is not None:
        (tmp_path / "change.az").write_text(az)
        args = [*args, "--az", str(tmp_path / "change.az")]
    before = (home / "workspace.db").read_bytes()
    r = run_cli("diff", *args)
    assert r.code == 0, r.err
    check_golden(WHATIF / name, r.out, update_golden)
    assert (home / "workspace.db").read_bytes() == before


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--question", "trace", "--to", "internet"], "--question trace needs --from", id="trace-no-from"),
    pytest.param(["--question", "curl"], "--question curl needs --to URL", id="curl-no-url"),
    pytest.param(["--question", "explain"], "needs --from POD|WORKLOAD", id="explain-no-target"),
    pytest.param(["--question", "dns", "--to", "x", "--from", "nosuchpod"], 'pods "nosuchpod" not found',
                 id="dns-unknown-pod"),
    pytest.param(["--from", "internet"], "--from, --to and --port go with --question", id="from-without-question"),
])
def test_diff_question_bad_input(home: Path, args: list[str], message: str) -> None:
    assert run_cli("import", str(DUMP)).code == 0
    before = (home / "workspace.db").read_bytes()
    r = run_cli("diff", *args, str(home), str(home))
    assert r.code == 2 and message in r.err, r.err
    assert (home / "workspace.db").read_bytes() == before


def test_diff_question_plan_needs_workspaces(tmp_path: Path) -> None:
    manifests = WHATIF
    r = run_cli("diff", "--question", "plan", str(manifests), str(manifests))
    assert r.code == 2 and "--question plan needs workspaces" in r.err, r.err


@pytest.mark.parametrize(("args", "code", "header"), [
    pytest.param(["trace", "internet", "svc/ingress-basic/ingress-nginx-controller:443", "-o", "csv"], 0,
                 "Flow,Hop,Component,Decision,Rule", id="trace-csv"),
    pytest.param(["trace", "deploy/production/frontend", "svc/production/api-service:80", "-o", "md"], 1,
                 "| Flow | Hop | Component | Decision | Rule |", id="trace-md-dropped"),
    pytest.param(["plan", "-g", "prod-rg", "-n", "prod-aks", "-o", "csv"], 0,
                 "Pool,Nodes,MaxCount,MaxPods,SurgeNodes,Required,Subnet,SubnetUsable,SubnetFree,Fits,MaxNodesInSubnet",
                 id="plan-csv"),
    pytest.param(["lint", "-o", "csv"], 1, "Code,Resource,Message,Severity,Source", id="lint-csv"),
    pytest.param(["explain", "deploy/production/api", "-o", "csv"], 0, "Section,Subject,Detail", id="explain-csv"),
    pytest.param(["explain", "deploy/production/frontend", "--to", "deploy/production/backend", "--port", "8080",
                  "-o", "md"], 0, "| Source | Destination | Protocol | Port | Verdict | Egress | Ingress |",
                 id="explain-pair-md"),
    pytest.param(["dns", "frontend-service.production", "--from", "deploy/production/frontend", "-o", "csv"], 0,
                 "Section,Name,Type,Data,TTL", id="dns-csv"),
    pytest.param(["explain", "--exposure", "-o", "csv"], 0,
                 "Kind,Scope,Address,Port,Protocol,URL,Service,Workloads,Status,Rule", id="exposure-csv"),
])
def test_every_analysis_renders_as_a_table(home: Path, args: list[str], code: int, header: str) -> None:
    """``-o csv|md``: the analysis' typed result through its answer, with the command's usual exit code."""
    assert run_cli("import", str(DUMP)).code == 0
    r = run_cli(*args)
    assert r.code == code, r.err
    lines = r.out.splitlines()
    assert lines[0] == header and len(lines) > 1


SCRIPT = "<script>alert('x')</script>"


class _Tags(HTMLParser):
    """The tags of a page, with their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(page: str) -> _Tags:
    t = _Tags()
    t.feed(page)
    return t


@pytest.mark.parametrize("answer", [
    pytest.param(Answer(SCRIPT, COLS, ("Src",), ()), id="question"),
    pytest.param(Answer("matrix", (SCRIPT, "Dst", "Conn"), ("Dst",), (("a", "b", "c"),)), id="column"),
    pytest.param(Answer("matrix", COLS, ("Src",), ((SCRIPT, "b", "c"),)), id="key-cell"),
    pytest.param(Answer("matrix", COLS, ("Src",), (("a", "b", SCRIPT),)), id="value-cell"),
    pytest.param(Answer("matrix", COLS, ("Src",), (), (SCRIPT,)), id="note"),
    pytest.param(LintReport((Finding("warning", "AKSNET001", f"ns/{SCRIPT}", "no endpoints", "k8s"),)).answer(),
                 id="lint-resource"),
])
def test_html_escapes(answer: Answer) -> None:
    """A name from a manifest is text on the page, never markup: no <script> element, the text intact."""
    page = answer_html.render_answer(answer)
    t = _tags(page)
    assert "script" not in {tag for tag, _ in t.tags}
    assert "<script" not in page and SCRIPT in "".join(t.text)


def test_html_table_markup() -> None:
    """One self-contained page: a caption, column headers scoped to columns, key cells scoped to rows, no link or
    source fetched from anywhere."""
    t = _tags(answer_html.render_answer(SAMPLE))
    tags = [tag for tag, _ in t.tags]
    assert tags.count("table") == 1 and tags.count("caption") == 1
    scopes = [a.get("scope") for tag, a in t.tags if tag == "th"]
    assert scopes == ["col", "col", "col", "row", "row"]
    assert not [a for _, a in t.tags if any(k in a and "://" in str(a[k]) for k in ("src", "href"))]
    assert "matrix: 1 row" in "".join(t.text) and "engine azure" in "".join(t.text)


@pytest.mark.parametrize(("args", "code", "caption"), [
    pytest.param(["explain", "deploy/production/api"], 0, "explain", id="explain"),
    pytest.param(["explain", "deploy/production/frontend", "--to", "deploy/production/backend", "--port", "8080"], 0,
                 "explain", id="explain-pair"),
    pytest.param(["explain", "--exposure"], 0, "exposure", id="exposure"),
    pytest.param(["lint"], 1, "lint", id="lint"),
    pytest.param(["plan", "-g", "prod-rg", "-n", "prod-aks"], 0, "plan", id="plan"),
    pytest.param(["dns", "frontend-service.production", "--from", "deploy/production/frontend"], 0, "dns", id="dns"),
    pytest.param(["diff", "--question", "lint", "--engine1", "azure", "--engine2", "cilium"], 0, "diff of lint",
                 id="diff-question"),
    pytest.param(["diff", "--engine1", "azure", "--engine2", "cilium"], 0, "connectivity diff",
                 id="diff-connectivity"),
])
def test_every_analysis_renders_as_html(home: Path, args: list[str], code: int, caption: str) -> None:
    """``-o html``: the analysis' answer as one accessible table page, with the command's usual exit code."""
    assert run_cli("import", str(DUMP)).code == 0
    r = run_cli(*args, "-o", "html")
    assert r.code == code, r.err
    assert r.out.startswith("<!DOCTYPE html>") and r.out.rstrip().endswith("</html>")
    t = _tags(r.out)
    assert [tag for tag, _ in t.tags].count("caption") == 1
    assert any(x.startswith(caption) for x in t.text), t.text[:12]
    assert {a.get("scope") for tag, a in t.tags if tag == "th"} >= {"col"}


def test_exposure_dot_escapes_and_draws_sources_frontends_workloads() -> None:
    from aksnet.analyses.exposure import (
        BLOCKED,
        REACHABLE,
        BackendReach,
        ExposureReport,
        FrontendExposure,
        IngressExposure,
    )
    from aksnet.render import exposure_dot

    fe = FrontendExposure("internet", "load balancer", 'web/a"b', "20.1.2.3", 80, "TCP", "lb/kubernetes/fe",
                          ("web/api[Deployment]",), REACHABLE, "internet", "AllowWeb")
    ing = IngressExposure("nginx", "ingress-nginx/c", "20.1.2.4", f"http://x/{SCRIPT}", 80, "web/ing",
                          "x", "/", "Prefix", "api", 80, False, BLOCKED, "internet", "DenyAll",
                          (BackendReach("web/api[Deployment]", (), BLOCKED, "np/deny"),))
    dot = exposure_dot.render(ExposureReport([fe], [ing]))
    assert dot.startswith("digraph exposure {") and dot.rstrip().endswith("}")
    assert '"source internet" -> "frontend internet 20.1.2.3:80/TCP"' in dot
    assert '"frontend internet 20.1.2.3:80/TCP" -> "workload web/api[Deployment]"' in dot
    assert 'web/a\\"b' in dot and 'web/a"b' not in dot  # a quote in a name stays inside its DOT string
    assert dot.count('"workload web/api[Deployment]" [shape') == 1  # one node per workload
    assert "style=dashed, color=red" in dot  # the blocked route


@pytest.mark.parametrize(("args", "code", "start"), [
    pytest.param(["explain", "--exposure", "-o", "dot"], 0, "digraph exposure {", id="exposure-dot"),
    pytest.param(["explain", "deploy/production/api", "-o", "dot"], 2, "", id="dot-needs-exposure"),
])
def test_explain_dot(home: Path, args: list[str], code: int, start: str) -> None:
    assert run_cli("import", str(DUMP)).code == 0
    r = run_cli(*args)
    assert r.code == code, r.err
    assert r.out.startswith(start) and (code == 0 or "needs --exposure" in r.err)
    if code == 0:
        assert " -> " in r.out
