"""The strict decoder notes every null that Go's decoder would turn into a zero value, so that a document
without one skips :func:`aksnet.io.k8s_schema.drop_nulls` and one with one never does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aksnet.io import k8s_schema

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "a"}},
       "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80}]}]}}


def with_value(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``doc`` with ``value`` at ``path`` (map keys and list indices)."""
    out = copy.deepcopy(doc)
    at: Any = out
    for step in path[:-1]:
        at = at[step]
    at[path[-1]] = value
    return out


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    return with_value(POD, path, value)


ROWS = [
    ("no-null", POD),
    ("top-level-field", _with(("status",), None)),
    ("unknown-top-level-field", _with(("extra",), None)),
    ("nested-known-field", _with(("spec", "containers", 0, "image"), None)),
    ("nested-unknown-field", _with(("spec", "containers", 0, "surprise"), None)),
    ("label-value", _with(("metadata", "labels", "app"), None)),
    ("list-item", _with(("spec", "containers", 0, "ports"), [None])),
    ("string-leaf-next-to-null", _with(("metadata", "annotations"), {"a": "x", "b": None})),
]


@pytest.mark.parametrize("doc", [r[1] for r in ROWS], ids=[r[0] for r in ROWS])
def test_null_noted_exactly_when_drop_nulls_changes_the_document(doc: dict[str, Any]) -> None:
    rt = k8s_schema.lookup_gvk("v1", "Pod")
    assert rt is not None
    _, type_error, nulls = k8s_schema.decode(doc, rt.schema)
    assert type_error is None
    dropped = copy.deepcopy(doc)
    k8s_schema.drop_nulls(dropped, rt.schema)
    assert nulls == (dropped != doc)
