"""aksnet.io.yaml_fast (rapidyaml) answers only what PyYAML's safe loader answers, and declines the rest.

Tables of edge cases (each either read by the fast path with PyYAML's value, or known to be declined), a
differential property over generated manifests and mutated repository files, every YAML and JSON file under
``tests/``, the loader without rapidyaml, and a clean stderr when ryml rejects a text.

Examples per property: 200 (``AKSNET_YAML_EXAMPLES=N`` overrides), derandomized: the same texts every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksnet.io import yaml_fast, yaml_load

TESTS = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("AKSNET_YAML_EXAMPLES", 200))
PROFILE = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

needs_ryml = pytest.mark.skipif(not yaml_fast.available(), reason="rapidyaml is not installed")


def canon(x: Any) -> Any:
    """A value with every type spelled out (1 == True == 1.0 in Python; a key's type matters here)."""
    if isinstance(x, dict):
        return ("dict", [(canon(k), canon(v)) for k, v in x.items()])
    if isinstance(x, list):
        return ("list", [canon(v) for v in x])
    return (type(x).__name__, repr(x))


def outcome(fn: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", canon(fn())
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML's timestamp constructor raises ValueError (month 0)
        return type(exc).__name__, str(exc)


def pyyaml(text: str) -> tuple[str, Any]:
    return outcome(lambda: list(yaml.load_all(text, Loader=yaml.CSafeLoader)))


def assert_faithful(text: str) -> str:
    """The fast path's answer (if any) and load_all's outcome are PyYAML's; returns which path answered."""
    want = pyyaml(text)
    fast = yaml_fast.load(text)
    if fast is not None:
        assert want == ("ok", canon(fast)), text
    assert outcome(lambda: yaml_load.load_all(text)) == want, text
    return "fast" if fast is not None else "fallback"


# -- the table ---------------------------------------------------------------------------------------------
FAST, FALLBACK = "fast", "fallback"
CASES = [
    ("manifest", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n"
                 "    targetPort: http\n  selector: {}\n", FAST),
    ("multi-document", "a: 1\n---\nb: 2\n", FAST),
    ("trailing-empty-document", "a: 1\n---\n", FAST),
    ("only-separators", "---\n---\n", FAST),
    ("scalar-documents", "--- a\n--- b\n", FAST),
    ("document-end-marker", "a: b\n...\n---\nc: d\n", FALLBACK),
    ("document-after-end-marker", "a: b\n...\nc: d\n", FALLBACK),  # ryml reads 2 documents; PyYAML: error
    ("empty-text", "", FAST),
    ("only-comments", "# a comment\n\n# another\n", FAST),
    ("lone-document-end", "...\n", FALLBACK),  # ryml: no document; PyYAML: an error
    ("comments", "a: x # c\nb: x#y\n# full line\n", FAST),
    ("empty-values", "a:\nb: # c\nc: ''\nd: \"\"\n", FAST),
    ("empty-seq-items", "- \n-\n- ''\n", FAST),
    ("empty-flow", "a: {}\nb: []\n", FAST),
    ("quoted-numbers-and-words", "a: '8080'\nb: \"true\"\nc: 'yes'\nd: \"~\"\ne: '2024-01-01'\nf: 'null'\n", FAST),
    ("quoted-keys-that-look-like-numbers", "'8080': x\n\"on\": y\n", FAST),
    ("plain-ints-and-floats", "a: 8080\nb: -1\nc: 0\nd: 1.5\ne: 12345678901234567890\nf: 1.5e+3\n", FAST),
    ("yaml-1.1-exponent-needs-sign", "a: 1e5\nb: 1.5e3\nc: 12e+03\n", FAST),
    ("ryml-adds-leading-zero", "a: .5\nb: 0.5\n", FAST),
    ("ryml-adds-trailing-zero", "a: 1.\nb: 1.0\n", FAST),
    ("negative-leading-dot-is-a-str", "a: -.5\n", FALLBACK),  # ryml writes -0.5: the source text is unknown
    ("plain-true-false-null", "a: true\nb: false\nc: null\n", FAST),
    ("plain-yaml-1.1-bool", "a: yes\n", FALLBACK),
    ("plain-capitalised-true", "a: True\n", FALLBACK),
    ("plain-tilde", "a: ~\n", FALLBACK),
    ("plain-octal", "a: 0777\n", FALLBACK),
    ("plain-hex", "a: 0x1f\n", FALLBACK),
    ("plain-underscore-int", "a: 1_000\n", FALLBACK),
    ("plain-sexagesimal", "a: 1:20\n", FALLBACK),
    ("plain-date", "a: 2024-01-01\n", FALLBACK),
    ("plain-int-key", "8080: x\n", FALLBACK),
    ("plain-bool-key", "on: x\n", FALLBACK),
    ("quoted-and-plain-same-text", "a: '8080'\nb: x 8080\n", FALLBACK),  # 8080 unquoted somewhere: no proof
    ("quoted-number-also-inside-words", "a: '8080'\nb: x8080\nc: 8080x\nd: '1.5'\ne: v1.5\n", FAST),
    ("quoted-and-plain-true", "a: 'true'\nb: true\n", FALLBACK),  # a plain word "true": no proof (conservative)
    ("quoted-timestamps", "t: '2024-01-01T00:00:00Z'\nu: \"12:30\"\n\"1:2\": x\n", FAST),
    ("plain-timestamp-key", "a: '12:30'\n12:30: x\n", FALLBACK),
    ("plain-colon-word", "a: '12:30'\nb: 12:30\n", FALLBACK),
    ("plain-infinity-word", "a: infinity\n", FALLBACK),  # ryml writes ".inf"
    ("plain-nan-word", "a: nan\n", FALLBACK),
    ("plain-value-key-indicator", "a: =\n", FALLBACK),  # PyYAML: no constructor for tag:yaml.org,2002:value
    ("duplicate-keys-last-wins", "a: 1\na: 2\n", FAST),
    ("multi-line-plain", "a: b\n  c\n\n  d\n", FAST),
    ("multi-line-quoted", "a: 'x\n  y'\nb: \"x\n\n  y\"\n", FAST),
    ("single-quote-escape", "a: 'it''s'\n", FAST),
    ("seq-under-key-same-indent", "a:\n- 1\n- 2\nb: c\n", FAST),
    ("nested-seqs", "- - a\n  - b\n- c\n", FAST),
    ("plain-with-colon-and-dash", "a: b:c\nd: -e\nf: x-\n", FAST),
    ("flow-collection", "a: [1, 2]\nb: {c: d}\n", FALLBACK),
    ("flow-close-starts-plain", "a: ]\n", FALLBACK),  # ryml reads a string; PyYAML: an error
    ("anchor-alias", "a: &x 1\nb: *x\n", FALLBACK),
    ("undefined-alias", "a: *x\n", FALLBACK),
    ("tag", "a: !!str 1\n", FALLBACK),
    ("directive", "%YAML 1.1\n---\na: 1\n", FALLBACK),
    ("complex-key", "? a\n: b\n", FALLBACK),
    ("literal-block", "a: |\n  x\n", FALLBACK),
    ("folded-block", "a: >\n  x\n", FALLBACK),
    ("merge-key", "a:\n  <<: {}\n", FALLBACK),
    ("backslash-escape", 'a: "x\\ty"\n', FALLBACK),
    ("tab", "a:\tb\n", FALLBACK),
    ("carriage-return", "a: b\r\n", FALLBACK),
    ("non-ascii", "a: é\n", FALLBACK),
    ("empty-key", ": x\n", FALLBACK),
    ("bad-indentation", "a:\n  b: 1\n c: 2\n", FALLBACK),
    ("mapping-in-plain", "a: b: c\n", FALLBACK),
    ("unclosed-quote", "a: \"b\n", FALLBACK),
    ("text-after-quoted", "a: 'b' c\n", FALLBACK),
    ("entry-after-quoted", "- 'a' - b\n", FALLBACK),  # ryml reads two entries; PyYAML: an error
    ("entry-after-empty-flow", "- [] - b\n", FALLBACK),  # ryml reads two entries; PyYAML: an error
    ("comment-after-empty-flow", "a: [] # c\nb: {}  # d\n", FAST),
    # ryml: a key "  - op" (a string starting with a space); PyYAML: an error
    ("indented-past-quoted", "  a: b\n  r:\n  - 'to:'\n    - op:", FALLBACK),
    ("indented-document-end", "a:\n  - b\n  ...\n", FALLBACK),  # ryml: a marker; PyYAML: an error
    ("comment-after-quoted", "- 'a'  # c\n- \"b\":  x\n", FAST),
]


@needs_ryml
@pytest.mark.parametrize(("text", "path"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_edge_case_path_and_value(text: str, path: str) -> None:
    assert assert_faithful(text) == path


def test_without_rapidyaml_every_text_is_read_by_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_fast, "_ryml", None)
    assert not yaml_fast.available()
    for _, text, _ in CASES:
        assert yaml_fast.load(text) is None
        assert outcome(lambda t=text: yaml_load.load_all(t)) == pyyaml(text)


# -- every file of the repository's corpora ----------------------------------------------------------------
CORPUS = sorted(p for p in TESTS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


@pytest.mark.parametrize("path", CORPUS, ids=[str(p.relative_to(TESTS)) for p in CORPUS])
def test_repository_file_reads_as_pyyaml_reads_it(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: never reaches the YAML reader")
    assert_faithful(text)


# -- differential property: generated manifests, then mutated ---------------------------------------------
WORDS = ["web", "http", "a-b", "x#y", "b:c", "10.0.0.0/8", "/api", "-x", "x-", "tier0", "ns1",
         "8080", "0", "-1", "+1", "-0", "007", "0777", "0x1f", "1_000", "1e5", "1.5e3", "1.5e+3", "1.0", "-0.0",
         ".5", "-.5", "1.", "12:30", "190:20:30", "2024-01-01", "2001-12-14 21:59:43.10", "2024-01-01T00:00:00Z",
         "true", "True", "TRUE",
         "false", "yes", "No", "on", "OFF", "y", "n", "null", "Null", "~", ".inf", "-.inf", ".nan", "inf",
         "infinity", "nan", "NaN", "Infinity", "=", "<", "it's", "a b", "#", "-", ":", "- a", "a: b", "[]", "{}"]
SCALAR = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet="abz019.-_:/# ", min_size=1, max_size=8),
)


def _quote(word: str, style: str) -> str:
    if style == "'":
        return "'" + word.replace("'", "''") + "'"
    if style == '"':
        return '"' + word.replace('"', "'") + '"'
    return word


@st.composite
def scalars(draw: st.DrawFn) -> str:
    return _quote(draw(SCALAR), draw(st.sampled_from(["", "", "'", '"'])))


def _node(draw: st.DrawFn, depth: int) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["scalar", "scalar", "empty", "flow", "map", "seq"] if depth < 4 else
                                ["scalar", "empty", "flow"]))
    if kind == "scalar":
        return kind, draw(scalars())
    if kind == "flow":
        return kind, draw(st.sampled_from(["{}", "[]"]))
    if kind == "empty":
        return kind, None
    n = draw(st.integers(1, 3))
    if kind == "map":  # a key, its spacing before ':' (' ' is "a :"), its value
        return kind, [(draw(scalars()) + draw(st.sampled_from(["", "", " "])), _node(draw, depth + 1))
                      for _ in range(n)]
    # the items' indentation under a key: two more columns, or the key's own (both block sequences for PyYAML)
    return kind + draw(st.sampled_from(["", "-flush"])), [_node(draw, depth + 1) for _ in range(n)]


def _render(node: tuple[str, Any], indent: int, comment: Callable[[], str]) -> list[str]:
    """Block-style lines of a node placed after 'key:' or '-' (a scalar stays on that line)."""
    kind, body = node
    pad = " " * indent
    if kind in ("scalar", "flow"):
        return [" " + body + comment()]
    if kind == "empty":
        return [comment()]
    lines = [comment()]
    if kind == "map":
        for key, child in body:
            sub = _render(child, indent + (0 if child[0] == "seq-flush" else 2), comment)
            lines.append(pad + key + ":" + sub[0])
            lines.extend(sub[1:])
    else:
        for child in body:
            sub = _render(child, indent + 2, comment)
            lines.append(pad + "-" + sub[0])
            lines.extend(sub[1:])
    return lines


@st.composite
def manifests(draw: st.DrawFn) -> str:
    docs = []
    for _ in range(draw(st.integers(1, 3))):
        comments = draw(st.lists(st.sampled_from(["", "", "", " # c", "  #x: 1"]), min_size=40, max_size=40))
        comment = iter(comments * 10).__next__
        root = _node(draw, 0)
        lines = _render(root, 0, comment)
        first = lines[0].lstrip() if root[0] in ("scalar", "flow") else ""
        docs.append("\n".join(([first] if first else []) + [ln for ln in lines[1:]]))
    sep = draw(st.sampled_from(["\n---\n", "\n...\n---\n", "\n--- \n"]))
    lead = draw(st.sampled_from(["", "---\n", "# head\n"]))
    return lead + sep.join(docs) + draw(st.sampled_from(["\n", "", "\n---\n", "\n\n"]))


MUTATION = st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "indent", "dedent", "duplicate"]),
                     st.sampled_from([" ", ":", "-", "#", "'", '"', "\n", "a", "1", ".", ",", "- ", ": ", "---",
                                      " - a", " x", " []", "[]", " '1'", "\n  - ", "\n    "]))


def mutate(text: str, mutations: list[tuple[float, str, str]]) -> str:
    for where, op, piece in mutations:
        at = int(where * len(text))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + len(piece):]
        else:
            lines = text.split("\n")
            i = min(int(where * len(lines)), len(lines) - 1)
            if op == "indent":
                lines[i] = "  " + lines[i]
            elif op == "dedent":
                lines[i] = lines[i][1:]
            else:
                lines.insert(i, lines[i])
            text = "\n".join(lines)
    return text


@needs_ryml
def test_generated_manifests_read_as_pyyaml_reads_them() -> None:
    paths: list[str] = []

    @PROFILE
    @given(manifests())
    def read(text: str) -> None:
        paths.append(assert_faithful(text))

    read()
    # the property is not vacuous: a good share of the generated manifests is read by the fast path
    assert paths.count(FAST) >= len(paths) // 4, (paths.count(FAST), len(paths))


@needs_ryml
@PROFILE
@given(manifests(), st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_manifests_read_as_pyyaml_reads_them(text: str, mutations: list[tuple[float, str, str]]) -> None:
    assert_faithful(mutate(text, mutations))


REAL = [p for p in CORPUS if p.suffix in (".yaml", ".yml") and p.stat().st_size < 20_000]


@needs_ryml
@PROFILE
@given(st.sampled_from(REAL), st.floats(0, 1), st.integers(3, 30), st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_repository_files_read_as_pyyaml_reads_them(
        path: Path, start: float, length: int, mutations: list[tuple[float, str, str]]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    first = int(start * max(len(lines) - length, 0))
    assert_faithful(mutate("\n".join(lines[first:first + length]), mutations))


# -- ryml's error report never reaches the user -------------------------------------------------------------
READ = ("import sys\n"
        "if sys.argv[1] == 'hide': sys.modules['ryml'] = None\n"
        "from aksnet.cli.main import main\n"
        "sys.argv = ['aksnet', 'matrix', '--from-dir', sys.argv[2]]\n"
        "sys.exit(main())\n")


@needs_ryml
@pytest.mark.parametrize("text", ["a: b: c\n", "a:\n  b: 1\n c: 2\n", "a: 'b' c\n"],
                         ids=["mapping-in-plain", "bad-indentation", "text-after-quoted"])
def test_a_rejected_file_prints_what_libyaml_alone_prints(tmp_path: Path, text: str) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    assert yaml_fast.load(text) is None  # ryml saw it and rejected it
    runs = {mode: subprocess.run([sys.executable, "-c", READ, mode, str(tmp_path)], capture_output=True, text=True,
                                 env={**os.environ, "AKSNET_HOME": str(tmp_path / "home")}, check=False)
            for mode in ("ryml", "hide")}
    assert runs["ryml"].returncode == runs["hide"].returncode != 0
    assert runs["ryml"].stderr == runs["hide"].stderr
    assert "ERROR" not in runs["ryml"].stderr and "parse_engine" not in runs["ryml"].stderr
