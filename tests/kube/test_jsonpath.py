"""kubectl's JSONPath dialect: ranges, filters, escaped dots, wildcards joined by spaces, missing keys."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.cli.kubectl.jsonpath import JsonPathError, render

NODES: dict[str, Any] = {"kind": "List", "items": [
    {"metadata": {"name": "n0", "labels": {"app.kubernetes.io/name": "x", "a": "1"}},
     "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.4"}, {"type": "Hostname", "address": "n0"}]},
     "spec": {"podCIDR": "10.244.0.0/24"}, "n": 3},
    {"metadata": {"name": "n1", "labels": {"a": "2"}},
     "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "Hostname", "address": "n1"}]},
     "n": 7},
]}


@pytest.mark.parametrize(("template", "want"), [
    pytest.param("{.items[*].metadata.name}", "n0 n1", id="wildcard-space-joined"),
    pytest.param('{.items[*].status.addresses[?(@.type=="InternalIP")].address}', "10.0.0.4 10.0.0.5", id="filter"),
    pytest.param("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", "x", id="escaped-dots"),
    pytest.param("{.items[0].metadata.labels['app.kubernetes.io/name']}", "x", id="bracket-key"),
    pytest.param('{range .items[*]}{.metadata.name}{"\\t"}{.spec.podCIDR}{"\\n"}{end}', "n0\t10.244.0.0/24\nn1\t\n",
                 id="range-missing-key"),
    pytest.param("{.items[-1].metadata.name}", "n1", id="negative-index"),
    pytest.param("{.items[0:1].metadata.name}", "n0", id="slice"),
    pytest.param("{..address}", "10.0.0.4 n0 10.0.0.5 n1", id="recursive"),
    pytest.param("{.items[?(@.n>5)].metadata.name}", "n1", id="numeric-filter"),
    pytest.param("{.items[?(@.spec.podCIDR)].metadata.name}", "n0", id="existence-filter"),
    pytest.param("{.items[0].metadata.labels}", '{"a":"1","app.kubernetes.io/name":"x"}', id="map-as-json"),
    pytest.param("names: {.items[*].metadata.name}!", "names: n0 n1!", id="text-around"),
    pytest.param("{.nothing.here}", "", id="missing"),
    pytest.param("{.items[0].n}", "3", id="number"),
])
def test_render(template: str, want: str) -> None:
    assert render(template, NODES) == want


@pytest.mark.parametrize(("template", "message"), [
    pytest.param("{.items[5].metadata.name}", "array index out of bounds: index 5, length 2", id="out-of-bounds"),
    pytest.param("{.items[*].metadata.name", "unclosed action", id="unclosed"),
    pytest.param("{range .items[*]}{.x}", "unclosed range", id="unclosed-range"),
])
def test_errors(template: str, message: str) -> None:
    with pytest.raises(JsonPathError) as exc:
        render(template, NODES)
    assert message in exc.value.message
