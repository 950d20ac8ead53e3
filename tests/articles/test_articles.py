"""The AKS networking how-to articles of learn.microsoft.com, run step by step as a reader copies them.

Each ``*.steps`` file holds one article's commands in the article's order (our own transcription; its first
line names the article). The little language:

- ``$ CMD`` runs ``CMD`` (``az``, ``kubectl``, ``helm``, the reader's ``curl`` and ``dig`` or an ``aksnet``
  verb) in-process; ``NAME=$(CMD)`` keeps its trimmed stdout in ``$NAME``; ``NAME='VALUE'`` sets it (a shell
  assignment the article makes); ``$NAME``/``${NAME}`` are substituted before the line is split.
- ``file PATH`` followed by lines up to ``END`` writes a file the next commands read (the article's YAML).
- ``expect TEXT`` / ``expect-err TEXT`` / ``expect-code N`` check the last command (what the article says the
  reader sees); a step is a command with its checks.
- ``$+ CMD`` is a stand-in the article does not have (e.g. a VM with IP forwarding where the article builds an
  Azure Firewall): run and checked like a step, but not counted among the article's steps.
- ``gap: REASON`` right after a command marks a step aksnet does not yet do as the article says: the test
  requires it to fail, so a fixed gap shows up and its marker must go.

The test passes when every step without a gap passes and every gap still fails; the summary line of each
article (steps run / steps total) is printed for the record.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import Result, run_cli

HERE = Path(__file__).parent
ARTICLES = sorted(HERE.glob("*.steps"))
VERBS = ("az", "kubectl", "helm", "curl", "dig")  # curl and dig: the reader's own, on the internet


@dataclass
class Step:
    line: int
    command: str
    checks: list[tuple[str, str]] = field(default_factory=list)
    gap: str | None = None
    extra: bool = False  # a stand-in, not one of the article's steps


@dataclass
class Article:
    title: str
    files: dict[int, list[tuple[str, str]]]  # the step the files precede → [(path, text)]
    steps: list[Step]


def parse(path: Path) -> Article:
    lines = path.read_text().splitlines()
    title = lines[0].lstrip("# ").strip()
    steps: list[Step] = []
    files: dict[int, list[tuple[str, str]]] = {}
    i = 1
    while i < len(lines):
        raw = lines[i]
        text = raw.strip()
        if text.startswith(("$ ", "$+ ")):
            extra = text.startswith("$+ ")
            command = text[3:] if extra else text[2:]
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            steps.append(Step(i + 1, command, extra=extra))
        elif text.startswith("file "):
            body: list[str] = []
            i += 1
            while lines[i] != "END":
                body.append(lines[i])
                i += 1
            files.setdefault(len(steps), []).append((text[5:].strip(), "\n".join(body) + "\n"))
        elif text.startswith("gap:"):
            steps[-1].gap = text[4:].strip()
        elif text.startswith(("expect ", "expect-err ", "expect-code ")):
            kind, _, arg = text.partition(" ")
            steps[-1].checks.append((kind, arg))
        i += 1
    return Article(title, files, steps)


def _substitute(text: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), text)


def run_step(step: Step, env: dict[str, str], workdir: Path) -> tuple[bool, Result]:
    command = step.command
    target = None
    assignment = re.fullmatch(r"(\w+)='([^']*)'", command)
    if assignment:
        env[assignment.group(1)] = assignment.group(2)
        return True, Result(0, "", "")
    m = re.fullmatch(r"(\w+)=\$\((.*)\)", command)
    if m:
        target, command = m.group(1), m.group(2)
    words = shlex.split(_substitute(command, env))
    words = [str(workdir / w) if w.endswith((".yaml", ".yml")) and not w.startswith("/") else w for w in words]
    if words[0] not in VERBS and words[0] != "aksnet":
        return False, Result(127, "", f"not a command aksnet runs: {words[0]}")
    result = run_cli(*(words[1:] if words[0] == "aksnet" else words))
    if target:
        env[target] = result.out.strip()
    ok = True
    expected_code = 0
    for kind, arg in step.checks:
        if kind == "expect-code":
            expected_code = int(arg)
        elif kind == "expect":
            ok = ok and _substitute(arg, env) in result.out
        else:
            ok = ok and _substitute(arg, env) in result.err
    return ok and result.code == expected_code, result


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_article(home: Path, tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the article's relative file names (certificates, cookie jars) are the reader's
    article = parse(path)
    env: dict[str, str] = {}
    failed: list[str] = []
    fixed: list[str] = []
    passed = 0
    for n, step in enumerate(article.steps):
        for name, text in article.files.get(n, ()):
            (tmp_path / name).write_text(_substitute(text, env))
        ok, result = run_step(step, env, tmp_path)
        passed += ok and not step.extra
        if step.gap is None and not ok:
            failed.append(f"line {step.line}: {step.command}\n  exit {result.code}\n  stdout: {result.out[:600]}"
                          f"\n  stderr: {result.err[:600]}")
        if step.gap is not None and ok:
            fixed.append(f"line {step.line}: {step.command} (gap: {step.gap})")
    total = sum(1 for s in article.steps if not s.extra)
    print(f"{path.stem}: {passed}/{total} steps run as the article says — {article.title}")
    assert not failed, "steps that stopped working:\n" + "\n".join(failed)
    assert not fixed, "gaps that now work (remove their gap: line):\n" + "\n".join(fixed)
