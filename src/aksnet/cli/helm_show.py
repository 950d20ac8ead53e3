"""``helm show values|chart REPO/CHART [--version V]`` and ``helm search repo [KEYWORD] [--versions]`` for the
built-in charts (helm v3 ``cmd/helm/show.go``, ``search_repo.go``). ``show values`` prints the chart's values.yaml
(ingress-nginx: every key and default of 4.15.1; comments not kept); ``search repo`` lists
the charts of the added repositories in helm's table (uitable, description cut at 50 columns). Prints; the
caller maps errors."""

from __future__ import annotations

import sys
from typing import Any

import yaml

from aksnet.cli.common import command_transaction
from aksnet.twin.helm import actions, charts, repos
from aksnet.twin.helm.values import HelmError

MAX_COL_WIDTH = 50  # helm search --max-col-width default


def _ref(tx: Any, ref: str, version: str | None) -> actions.ChartRef:
    try:
        return actions.resolve_chart(tx, ref, version, "show")
    except HelmError as exc:
        raise HelmError(str(exc).replace("UPGRADE FAILED: ", "", 1)) from None


def show(what: str, ref: str, version: str | None) -> int:
    with command_transaction(write=False) as tx:
        chart = _ref(tx, ref, version)
    if what == "values":
        shown = getattr(chart.module, "chart_values", None)  # the chart's values.yaml where aksnet has it
        sys.stdout.write(yaml.safe_dump(shown() if shown else chart.module.DEFAULTS, sort_keys=False,
                                        default_flow_style=False, width=10**9))
        return 0
    if what == "chart":
        sys.stdout.write(yaml.safe_dump(actions.chart_metadata(chart), sort_keys=False, width=10**9))
        return 0
    raise HelmError(f'unknown command "{what}" for "helm show"')


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def uitable(rows: list[list[str]]) -> str:
    """gosuri/uitable as helm uses it: cells cut to 50 columns, padded to the column width, tab-separated."""
    cut = [[_cell(c, MAX_COL_WIDTH) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cut) for i in range(len(cut[0]))]
    return "\n".join("\t".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in cut) + "\n"


def search_repo(keyword: str | None, versions: bool) -> int:
    with command_transaction(write=False) as tx:
        added = repos.list_repos(tx)
    if not added:
        raise HelmError("no repositories configured")
    rows = [["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]]
    for repo in added:
        for name in charts.repo_charts(repo["url"]):
            module = charts.find_chart(repo["url"], name)
            assert module is not None
            full = f"{repo['name']}/{name}"
            if keyword and keyword.lower() not in f"{full} {module.DESCRIPTION}".lower():
                continue
            for v in list(module.VERSIONS)[: None if versions else 1]:
                rows.append([full, v, module.VERSIONS[v], module.DESCRIPTION])
    if len(rows) == 1:
        print("No results found")
        return 0
    sys.stdout.write(uitable(rows))
    return 0
