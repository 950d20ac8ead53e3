"""``helm search repo`` (helm's uitable: cells padded and tab-separated, description cut at 50 columns) and
``helm show values|chart`` for the built-in ingress-nginx chart."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import run_cli

REPO = ("helm", "repo", "add", "ingress-nginx", "https://kubernetes.github.io/ingress-nginx")


def test_search_needs_a_repository(home: Path) -> None:
    r = run_cli("helm", "search", "repo", "nginx")
    assert (r.code, r.err.strip()) == (1, "Error: no repositories configured")


@pytest.mark.parametrize(("args", "rows"), [
    ((), 2), (("nginx",), 2), (("nginx", "--versions"), 8), (("postgres",), 0),
], ids=["all", "keyword", "versions", "no-match"])
def test_search_repo(home: Path, args: tuple[str, ...], rows: int) -> None:
    assert run_cli(*REPO).code == 0
    r = run_cli("helm", "search", "repo", *args)
    assert r.code == 0, r.err
    if not rows:
        assert r.out == "No results found\n"
        return
    lines = r.out.splitlines()
    assert len(lines) == rows
    assert lines[0] == "NAME                       \tCHART VERSION\tAPP VERSION\tDESCRIPTION" + " " * 39
    assert lines[1] == ("ingress-nginx/ingress-nginx\t4.15.1       \t1.15.1     \t"
                        "Ingress controller for Kubernetes using NGINX a...")


def test_show_values_and_chart(home: Path) -> None:
    assert run_cli(*REPO).code == 0
    values = yaml.safe_load(run_cli("helm", "show", "values", "ingress-nginx/ingress-nginx").out)
    assert values["controller"]["replicaCount"] == 1 and values["controller"]["kind"] == "Deployment"
    chart = yaml.safe_load(run_cli("helm", "show", "chart", "ingress-nginx/ingress-nginx", "--version",
                                   "4.11.3").out)
    assert (chart["version"], chart["appVersion"], chart["apiVersion"]) == ("4.11.3", "1.11.3", "v2")
    r = run_cli("helm", "show", "values", "nope/chart")
    assert (r.code, r.err.strip()) == (1, "Error: repo nope not found")
