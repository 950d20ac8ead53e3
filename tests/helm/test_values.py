"""helm's ``--set`` syntax (``pkg/strvals``) and value coalescing (``chartutil.CoalesceValues``)."""

from __future__ import annotations

from typing import Any

import pytest

from aksnet.twin.helm.values import HelmError, coalesce, parse_set, user_values

SETS: list[tuple[str, dict[str, Any]]] = [
    ("controller.replicaCount=2", {"controller": {"replicaCount": 2}}),
    ("a=true,b=false,c=null,d=0,e=007,f=1.5", {"a": True, "b": False, "c": None, "d": 0, "e": "007", "f": "1.5"}),
    ('controller.nodeSelector.beta\\.kubernetes\\.io/os=linux',
     {"controller": {"nodeSelector": {"beta.kubernetes.io/os": "linux"}}}),
    ("list={a,b,c}", {"list": ["a", "b", "c"]}),
    ("servers[0].port=80,servers[1].host=x", {"servers": [{"port": 80}, {"host": "x"}]}),
    ("name=a\\,b", {"name": "a,b"}),
    ("controller.service.annotations.service\\.beta\\.kubernetes\\.io/azure-load-balancer-internal=true",
     {"controller": {"service": {"annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": True}}}}),
    ("empty=", {"empty": ""}),
    ("url=http://x/?a=b", {"url": "http://x/?a=b"}),
]


@pytest.mark.parametrize(("expr", "want"), SETS, ids=[s for s, _ in SETS])
def test_parse_set(expr: str, want: dict[str, Any]) -> None:
    assert parse_set(expr) == want


def test_set_string_keeps_strings() -> None:
    assert parse_set("a=true,b=1", string=True) == {"a": "true", "b": "1"}


@pytest.mark.parametrize("expr", ["novalue", "a=1,", ".a=1"], ids=["no-equals", "trailing-comma", "empty-key"])
def test_parse_set_errors(expr: str) -> None:
    with pytest.raises(HelmError, match="failed parsing --set data"):
        parse_set(expr)


def test_coalesce_merges_maps_and_null_deletes() -> None:
    defaults = {"controller": {"nodeSelector": {"kubernetes.io/os": "linux"}, "replicaCount": 1, "config": {}}}
    user = user_values([], ["controller.nodeSelector.beta\\.kubernetes\\.io/os=linux",
                            "controller.replicaCount=2", "controller.config=null"], [])
    assert coalesce(defaults, user) == {"controller": {
        "nodeSelector": {"kubernetes.io/os": "linux", "beta.kubernetes.io/os": "linux"}, "replicaCount": 2}}


def test_values_file_then_set(tmp_path: Any) -> None:
    f = tmp_path / "values.yaml"
    f.write_text("controller:\n  replicaCount: 3\n  service:\n    type: NodePort\n")
    assert user_values([str(f)], ["controller.replicaCount=4"], []) == {
        "controller": {"replicaCount": 4, "service": {"type": "NodePort"}}}
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a\n- b\n")
    with pytest.raises(HelmError, match="failed to parse"):
        user_values([str(bad)], [], [])
